/**
 * `kl merge SUMMARY…`: the --save-summary files of a sharded run (--shard I/N, every I)
 * merged into what one run over all the rows prints: the same statistics, checks and exit
 * codes. What could not come from one run (another command, measure, unit, kind or input,
 * a shard given twice or missing) is refused before anything is printed.
 */
import { readFileSync } from 'node:fs';
import { Command, Option } from 'commander';
import { batchResultOf } from '../compute/batch.js';
import type { CheckSpec } from '../compute/request.js';
import { mergedSummaryText, mergeSummaryFiles, missingShardsError, parseSummaryFile } from '../compute/summary-file.js';
import { UsageError } from '../errors.js';
import { fileError } from '../io/source.js';
import { FORMATTERS, OUTPUT_FORMATS, type OutputFormat } from '../report/index.js';
import type { RowsMode } from '../result.js';
import { colorEnabled } from './color.js';
import { COMMANDS } from './commands/index.js';
import { addOutputOptions, collect, parseChecks, parseOutputFormat, validateCheckNames } from './options.js';
import { type CliIo, type OutputOptions, outputWidth, quoteForShell, runOf, runWithOutputs } from './run-support.js';

interface MergeOptions extends OutputOptions {
  rows?: string;
  saveSummary?: string;
}

/** The formats a merge prints: a batch's CSV and value outputs are its rows, which a merge has not. */

const EXAMPLES = [
  'kl compare ref.npy new.npy --kind logits --shard 0/2 --save-summary part0.json',
  'kl compare ref.npy new.npy --kind logits --shard 1/2 --save-summary part1.json',
  'kl merge part0.json part1.json --max kl_forward.mean=0.01',
];

export function mergeCommand(program: Command, io: CliIo, setExitCode: (code: number) => void, argv: readonly string[], complete: boolean): Command {
  const command = new Command('merge')
    .copyInheritedSettings(program)
    .summary('merge the --save-summary files of sharded runs into what one run over all rows prints')
    .description(
      'Each SUMMARY is the --save-summary file of one run of a measure command with --shard I/N (or a merge of some of them). ' +
        'Together they must cover every shard once; the result is what one run over all the rows prints: the same statistics ' +
        '(exact percentiles when every shard ran with --exact-percentiles, else within the sketch error stated), checks and exit code.',
    )
    .argument('<SUMMARY...>', 'summary files written by --save-summary')
    .action(async (paths: string[], options: MergeOptions) => {
      setExitCode(await runMerge(paths, options, io, argv));
    });
  if (!complete) return command;
  command
    .addOption(new Option('-f, --format <format>', `output format: ${OUTPUT_FORMATS.join('|')}`).default('table'))
    .option('--json', 'shorthand for --format json')
    .option('--rows <mode>', 'rows to print: worst|none (default: worst; csv and value: none; a merge has the worst rows of each shard, not every row)')
    .option('--max <name=value>', 'check: fail (exit 1) when the statistic exceeds value; repeatable', collect)
    .option('--min <name=value>', 'check: fail (exit 1) when the statistic is below value; repeatable', collect)
    .option('--save-summary <file>', 'also write the merged summary (to merge again; a partial merge writes only this)');
  return addOutputOptions(command).addHelpText(
    'after',
    `\nExamples:\n${EXAMPLES.map((example) => `  $ ${example}`).join('\n')}\n\nExit codes: 0 ok, 1 a --max/--min check failed, 2 usage or input error.`,
  );
}

function parseMergeOptions(options: MergeOptions): { format: OutputFormat; rows: RowsMode; checks: CheckSpec[] } {
  const format = parseOutputFormat(options);
  // A merge has no rows but the worst of each shard: csv and value print the summary (none) unless asked.
  const rows = options.rows ?? (format === 'csv' || format === 'value' ? 'none' : 'worst');
  if (rows !== 'worst' && rows !== 'none') {
    throw new UsageError('bad-rows', `--rows ${JSON.stringify(rows)}: kl merge prints worst or none`, {
      hint: 'a merge keeps the worst rows of each shard, not every row',
    });
  }
  const checks = parseChecks(options);
  return { format, rows, checks };
}

async function runMerge(paths: string[], options: MergeOptions, io: CliIo, argv: readonly string[]): Promise<number> {
  const { format, rows, checks } = parseMergeOptions(options);
  if (paths.includes('-')) throw new UsageError('bad-option', 'kl merge reads summary files, not stdin (-)');
  const run = runOf(options, { commandLine: quoteForShell(argv), hasChecks: checks.length > 0, inputs: paths, summary: options.saveSummary ?? null });
  return runWithOutputs(run, io, async ({ info, files }) => {
    const parts = paths.map((source) => {
      let text: string;
      try {
        text = readFileSync(source, 'utf8');
      } catch (error) {
        throw fileError(source, error);
      }
      return { source, file: parseSummaryFile(text, source) };
    });
    const merged = mergeSummaryFiles(parts);
    if (files.summary) files.summary.write(mergedSummaryText(merged, info.version));
    if (merged.missing.length > 0) {
      // A partial merge (a tree of merges): its summary is the output; nothing else exists yet.
      if (!files.summary) throw missingShardsError(merged);
      io.stderr.write(`kl: partial merge: ${merged.shards.indices.length} of ${merged.shards.count} shards, written to ${files.summary.path}\n`);
      return { rendered: '', outcome: { warnings: [], checks: [] }, warningsOnStderr: false };
    }
    const { context } = merged;
    const spec = COMMANDS.find((command) => command.name === context.command);
    if (spec) validateCheckNames(checks, spec, merged.totals.shape.targets, context.pairwise, context.percentiles);
    const result = batchResultOf(context, merged.totals, {
      checks,
      commandLine: run.commandLine,
      rows,
      keptRows: null,
      ignoredRows: merged.ignoredRows,
      shard: null,
    });
    if (files.junit) files.junit.write((await import('../report/junit.js')).renderJunit(result, info));
    const formatter = FORMATTERS[format];
    const rendered = await formatter.render(result, {
      color: colorEnabled(options.color, io.env, () => files.output === null && io.stdoutIsTTY()),
      width: outputWidth(io, files.output !== null),
      info,
    });
    return { rendered, outcome: result, warningsOnStderr: !formatter.carriesWarnings };
  });
}
