/**
 * The commander program: one subcommand per CommandSpec, shared options, and a single
 * place (runCli) that turns results and errors into output and an exit code.
 */
import { Command, CommanderError } from 'commander';
import type { SavedBatch } from '../compute/batch.js';
import { knownRowCount, runRequest } from '../compute/run.js';
import { displayText, escapeOneLine } from '../display.js';
import { EXIT_OK, EXIT_USAGE, KlError } from '../errors.js';
import { FORMATTERS } from '../report/index.js';
import type { RowResult } from '../result.js';
import { colorEnabled } from './color.js';
import { COMMANDS } from './commands/index.js';
import type { CommandSpec } from './commands/spec.js';
import { driftCommand } from './drift.js';
import { fitCommand } from './fit.js';
import { measuresCommand } from './measures.js';
import { mergeCommand } from './merge.js';
import { miCommand } from './mi.js';
import { type MultiOptions, matrixCommand, runMultiCommand } from './multi.js';
import { addExplainOptions, addReportOption, addSharedOptions, buildRequest, type RawOptions } from './options.js';
import { Progress, progressDelay, progressWanted } from './progress.js';
import { type CliIo, inputPaths, MESSAGE_LIMIT, outputWidth, quoteForShell, readVersion, runWithOutputs, type TextSink } from './run-support.js';

export type { CliIo, TextSink };

const EPILOG = `
A CI gate: kl compare ref.npy new.npy --kind logits --max kl_forward.mean=0.01 (exit 1 when a check fails)
Inputs: CSV, TSV, JSON, JSONL/NDJSON or .npy files, or - for stdin.
Exit codes: 0 ok, 1 a --max/--min check failed, 2 usage or input error.
Docs: README.md (measures, JSON schema, zero policy).`;

async function runMeasureCommand(
  spec: CommandSpec,
  pPath: string,
  qPath: string | undefined,
  options: RawOptions,
  io: CliIo,
  argv: readonly string[],
): Promise<number> {
  const { request, format, color, batch, output, junit, quiet, saveSummary } = buildRequest(spec, pPath, qPath, options, io.env, quoteForShell(argv));
  const formatter = FORMATTERS[format];
  const run = {
    commandLine: request.commandLine,
    hasChecks: request.checks.length > 0,
    quiet,
    inputs: inputPaths(request),
    output,
    report: request.report,
    junit,
    summary: saveSummary,
  };
  return runWithOutputs(run, io, async ({ info, files, out }) => {
    // A batch's rows go to the formatter's sink as they are computed (CSV and value print
    // them at once). Explain prints one document about one row: its rows never go anywhere.
    const sink =
      request.view === 'explain' ? null : (formatter.begin?.({ measureNames: request.measureNames, primary: request.primary, rows: batch.rows }) ?? null);
    const onRow = sink
      ? (row: RowResult) => {
          const text = sink.add(row);
          if (text !== '') out.write(text);
        }
      : undefined;
    let saved: SavedBatch | null = null;
    const stderrColumns = io.stderrColumns?.() ?? null;
    const wanted = progressWanted({
      stderrColumns,
      env: io.env,
      quiet,
      noProgress: options.progress === false,
      // Rows printed as they come to the terminal that shows the progress line would interleave with it.
      rowsStreamToTerminal: sink?.holdsRows === true && files.output === null && io.stdoutIsTTY(),
    });
    const progress = wanted ? new Progress(io.stderr, stderrColumns as number, await knownRowCount(request), progressDelay(io.env)) : null;
    let result: Awaited<ReturnType<typeof runRequest>>;
    try {
      result = await runRequest(request, io.stdin, {
        ...batch,
        ...(onRow ? { onRow } : {}),
        keepRows: sink?.holdsRows !== true,
        ...(files.summary ? { onSummary: (summary: SavedBatch) => (saved = summary) } : {}),
        ...(progress ? { progress: progress.counter } : {}),
      });
    } finally {
      progress?.stop();
    }
    if (files.summary && saved) {
      const { summaryFileText } = await import('../compute/summary-file.js');
      files.summary.write(summaryFileText(saved, info.version, request.exactPercentiles));
    }
    // The files first: if one cannot be written, the run fails before printing anything.
    if (files.report) files.report.write((await import('./execute.js')).renderHtml(result, info));
    if (files.junit) files.junit.write((await import('../report/junit.js')).renderJunit(result, info));
    const rendered = await formatter.render(result, {
      color: colorEnabled(color, io.env, () => files.output === null && io.stdoutIsTTY()),
      width: outputWidth(io, files.output !== null),
      info,
      ...(sink ? { sink } : {}),
    });
    return { rendered, outcome: result, warningsOnStderr: !formatter.carriesWarnings };
  });
}

/** Commander's "error: …\n(Did you mean x?)" as one `kl: error: …` line. */
function oneLine(text: string): string {
  return `kl: ${escapeOneLine(text.trimEnd().replace(/\n\(Did you mean (.+)\?\)$/, ' (did you mean $1?)'))}\n`;
}

export function buildProgram(io: CliIo, setExitCode: (code: number) => void, argv: readonly string[] = []): Command {
  const program = new Command('kl')
    .description('Measure how far apart probability distributions are: entropy, cross-entropy, KL (both directions), Jensen–Shannon.')
    .version(readVersion(), '-V, --version')
    .exitOverride()
    .showSuggestionAfterError(true)
    .configureOutput({
      writeOut: (text) => io.stdout.write(text),
      writeErr: (text) => io.stderr.write(text),
      outputError: (text, write) => write(oneLine(text)),
    })
    .addHelpText('after', EPILOG);

  // Commander dispatches to the first operand that names a command, so when argv names
  // some, the others never parse anything: their ~25 options each are left out (a
  // millisecond of every run). With none named (`kl --help`, a typo), all are complete.
  const named = COMMANDS.filter((spec) => argv.includes(spec.name));
  const complete = named.length > 0 ? new Set(named) : new Set(COMMANDS);
  for (const spec of COMMANDS) {
    const command = new Command(spec.name)
      // The program's exit override, output routing and suggestions apply to every command.
      .copyInheritedSettings(program)
      .summary(spec.summary)
      .description(`${spec.summary}\n\n${spec.description}`)
      .argument('<P>', 'first distribution (file path, or - for stdin)')
      .argument('[Q]', spec.pairwise ? 'second distribution (omit with --p-col/--q-col)' : 'optional second distribution')
      .addHelpText('after', `\nExamples:\n${spec.examples.map((example) => `  $ ${example}`).join('\n')}\n${EPILOG}`);
    if (complete.has(spec)) {
      addSharedOptions(command);
      if (spec.reportable) addReportOption(command);
      if (spec.view === 'explain') addExplainOptions(command);
    }
    if (spec.name === 'js') {
      // kl js P Q R …: more than two distributions, the generalised divergence.
      command.argument('[more...]', 'more distributions: the generalised Jensen–Shannon divergence of all of them');
      if (complete.has(spec)) command.option('--weights <list>', 'with three or more inputs: their weights, summing to 1 (default: equal)');
      command.action(async (pPath: string, qPath: string | undefined, more: string[], options: MultiOptions) => {
        const paths = [pPath, ...(qPath === undefined ? [] : [qPath]), ...more];
        setExitCode(
          more.length > 0 || options.weights !== undefined
            ? await runMultiCommand(spec, paths, options, io, argv, 'js')
            : await runMeasureCommand(spec, pPath, qPath, options, io, argv),
        );
      });
    } else {
      command.action(async (pPath: string, qPath: string | undefined, options: RawOptions) => {
        setExitCode(await runMeasureCommand(spec, pPath, qPath, options, io, argv));
      });
    }
    program.addCommand(command);
  }
  program.addCommand(driftCommand(program, io, setExitCode, argv, named.length === 0 || argv.includes('drift')));
  program.addCommand(miCommand(program, io, setExitCode, argv, named.length === 0 || argv.includes('mi')));
  program.addCommand(matrixCommand(program, io, setExitCode, argv, named.length === 0 || argv.includes('matrix')));
  program.addCommand(mergeCommand(program, io, setExitCode, argv, named.length === 0 || argv.includes('merge')));
  program.addCommand(fitCommand(program, io, setExitCode, argv, named.length === 0 || argv.includes('fit')));
  program.addCommand(measuresCommand(program, io, setExitCode));
  program.addCommand(
    new Command('completion')
      .copyInheritedSettings(program)
      .summary('print a shell completion script: bash, zsh or fish')
      .description('Print a completion script for kl and kl-divergence, generated from their own commands and options.')
      .argument('<shell>', 'bash, zsh or fish')
      .addHelpText(
        'after',
        `\nInstall:\n  bash: kl completion bash > ~/.local/share/bash-completion/completions/kl\n  zsh:  kl completion zsh > "\${fpath[1]}/_kl"\n  fish: kl completion fish > ~/.config/fish/completions/kl.fish`,
      )
      .action(async (shell: string) => {
        const { completionScript } = await import('./execute.js');
        io.stdout.write(completionScript(shell, program));
        setExitCode(EXIT_OK);
      }),
  );
  return program;
}

/** Prints an error the way users see every error: `kl: error: …`, no stack unless KL_DEBUG=1. */
export function reportError(error: unknown, io: CliIo): number {
  if (error instanceof KlError) {
    // Messages quote file names, labels and cells: the one escaping rule applies (display.ts).
    io.stderr.write(`kl: error: ${displayText(error.message, MESSAGE_LIMIT)}\n`);
    if (error.hint) io.stderr.write(`kl: hint: ${displayText(error.hint, MESSAGE_LIMIT)}\n`);
    if (io.env['KL_DEBUG'] === '1' && error.stack) io.stderr.write(`${error.stack}\n`);
    return error.exitCode;
  }
  const message = error instanceof Error ? error.message : String(error);
  io.stderr.write(`kl: error: internal error: ${displayText(message, MESSAGE_LIMIT)} (please report it; KL_DEBUG=1 shows the stack)\n`);
  if (io.env['KL_DEBUG'] === '1' && error instanceof Error && error.stack) io.stderr.write(`${error.stack}\n`);
  return EXIT_USAGE;
}

/** Runs the CLI on `argv` (without node and script) and returns the exit code. */
export async function runCli(argv: string[], io: CliIo): Promise<number> {
  if (argv.length === 0) {
    // Like every error: one line saying what is wrong, and where to look (not the whole help).
    io.stderr.write(
      `kl: error: missing command: choose one of ${[...COMMANDS.map((spec) => spec.name), 'drift', 'mi', 'matrix', 'merge', 'fit', 'measures'].join(', ')}\n`,
    );
    io.stderr.write('kl: hint: kl --help describes them; kl compare P Q prints every measure\n');
    return EXIT_USAGE;
  }
  let exitCode = EXIT_OK;
  const program = buildProgram(
    io,
    (code) => {
      exitCode = code;
    },
    argv,
  );
  try {
    await program.parseAsync(argv, { from: 'user' });
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      // Help and --version exit 0; every commander complaint is a usage error (2), not commander's 1.
      return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
    }
    return reportError(error, io);
  }
}
