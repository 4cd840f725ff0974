/**
 * What every command's run shares: the version and time a report records, the command line
 * as typed, the output files (opened before any work, committed only at the end), and the
 * reporting of failed checks (stderr, GitHub annotations).
 */
import { readFileSync } from 'node:fs';
import { displayText } from '../display.js';
import { EXIT_CHECK_FAILED, EXIT_OK } from '../errors.js';
import { fileOfPath } from '../io/npz-path.js';
import type { StdinProvider } from '../io/source.js';
import { describeCheck } from '../report/wording.js';
import type { CheckResult, RunInfo, Warning } from '../result.js';
import { AtomicFile, assertNotAnInput } from './output-file.js';

/** The output and gate options that every command takes, as commander hands them over. */
export interface OutputOptions {
  format?: string;
  json?: boolean;
  inputFormat?: string;
  base?: string;
  max?: string[];
  min?: string[];
  output?: string;
  junit?: string;
  quiet?: boolean;
  color?: boolean;
}

export interface TextSink {
  write(text: string): unknown;
}

export interface CliIo {
  stdin: StdinProvider;
  stdout: TextSink;
  stderr: TextSink;
  env: NodeJS.ProcessEnv;
  /** Whether stdout is a terminal; asked only when no flag or variable decides the colour. */
  stdoutIsTTY: () => boolean;
  /** stderr's width when it is a terminal (for the progress line), else null. */
  stderrColumns?: () => number | null;
  /** stdout's width when it is a terminal, else null. */
  stdoutColumns?: () => number | null;
  /**
   * Called when the run has checks: if stdout closes early (`| head`), the run must go on
   * without output so that the exit code still says whether a check failed.
   */
  finishWhenStdoutCloses?: () => void;
}

/**
 * The columns a table may take: COLUMNS when set (as shells and tools honour it), else the
 * terminal's width when the output goes to it, else 80.
 */
export function outputWidth(io: CliIo, toFile: boolean): number {
  const columns = Number(io.env['COLUMNS']);
  if (Number.isInteger(columns) && columns >= 20) return columns;
  const terminal = toFile ? null : (io.stdoutColumns?.() ?? null);
  return terminal !== null && terminal >= 20 ? terminal : 80;
}

/** Set by the bundler (scripts/build.mjs) from package.json. */
declare const KL_VERSION: string | undefined;

export function readVersion(): string {
  if (typeof KL_VERSION === 'string') return KL_VERSION;
  const packageJson = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
  return packageJson.version;
}

/** The command line as a user could paste it back (for the HTML report). */
export function quoteForShell(args: readonly string[]): string {
  return ['kl', ...args].map((arg) => (/^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`)).join(' ');
}

/** The files a run reads, which no output may be. */
export function inputPaths(request: { p: { path: string }; q: { path: string } | null; targets: string | null; mask?: string | null }): string[] {
  return [
    fileOfPath(request.p.path),
    ...(request.q ? [fileOfPath(request.q.path)] : []),
    ...(request.targets === null ? [] : [request.targets]),
    ...(request.mask === null || request.mask === undefined ? [] : [request.mask]),
  ];
}

export interface OutputFiles {
  output: AtomicFile | null;
  report: AtomicFile | null;
  junit: AtomicFile | null;
  summary: AtomicFile | null;
  /** Puts every file in place (after the run has produced them all). */
  commit(): void;
  /** Removes whatever was not committed: the destinations stay as they were. */
  abort(): void;
}

/**
 * Opens --output, --report and --junit before any work: an output that is an input (or
 * another output), a directory, or not writable fails the run (exit 2) before anything is
 * read or printed.
 */
export function openOutputs(
  paths: { output: string | null; report: string | null; junit: string | null; summary?: string | null },
  inputs: readonly string[],
): OutputFiles {
  const opened: AtomicFile[] = [];
  const open = (flag: string, path: string | null): AtomicFile | null => {
    if (path === null) return null;
    assertNotAnInput(flag, path, [...inputs, ...opened.map((file) => file.path)]);
    const file = new AtomicFile(path, flag);
    opened.push(file);
    return file;
  };
  try {
    const files = {
      output: open('--output', paths.output),
      report: open('--report', paths.report),
      junit: open('--junit', paths.junit),
      summary: open('--save-summary', paths.summary ?? null),
    };
    return {
      ...files,
      commit: () => {
        for (const file of opened) file.commit();
      },
      abort: () => {
        for (const file of opened) file.abort();
      },
    };
  } catch (error) {
    for (const file of opened) file.abort();
    throw error;
  }
}

/** GitHub Actions workflow-command data: `%`, CR and LF escaped (properties also `:` and `,`). */
function githubEscape(text: string, property = false): string {
  const data = text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
  return property ? data.replace(/:/g, '%3A').replace(/,/g, '%2C') : data;
}

/** When the run was made: SOURCE_DATE_EPOCH (seconds), when set, makes reports reproducible. */
export function runTime(env: NodeJS.ProcessEnv): string {
  const epoch = env['SOURCE_DATE_EPOCH'];
  const seconds = epoch !== undefined && /^\d+$/.test(epoch) ? Number(epoch) : null;
  return (seconds === null ? new Date() : new Date(seconds * 1000)).toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Characters of a message shown at most: a 50 MB label quoted in an error is shortened in the middle. */
export const MESSAGE_LIMIT = 1000;

/** Warnings (for formats that do not carry them) and failed checks on stderr; under GitHub Actions an annotation per failed check. */
export function reportOutcome(
  outcome: { warnings: readonly Warning[]; checks: readonly CheckResult[] },
  options: { warningsOnStderr: boolean; env: NodeJS.ProcessEnv; commandLine: string; stderr: TextSink },
): CheckResult[] {
  const failed = outcome.checks.filter((check) => !check.passed);
  if (options.warningsOnStderr) {
    for (const warning of outcome.warnings) options.stderr.write(`kl: warning: ${displayText(warning.message, MESSAGE_LIMIT)}\n`);
  }
  for (const check of failed) {
    const line = describeCheck(check);
    options.stderr.write(`kl: check failed: ${line}\n`);
    // GitHub Actions reads workflow commands from the step's output: an annotation per failed check.
    if (options.env['GITHUB_ACTIONS'] === 'true')
      options.stderr.write(`::error title=${githubEscape('kl check', true)}::${githubEscape(`${line} (${options.commandLine})`)}\n`);
  }
  return failed;
}

/** What a command's body hands back: its output, and the warnings and checks to report. */
export interface RunOutput {
  rendered: string | Iterable<string>;
  outcome: { warnings: readonly Warning[]; checks: readonly CheckResult[] };
  /** True when the format does not carry warnings (csv, value): they go to stderr. */
  warningsOnStderr: boolean;
}

/** What a command's body may use: provenance, the open output files, where output goes. */
/** What runWithOutputs needs to know of a run: its checks, inputs and the files it writes. */
export interface RunSpec {
  commandLine: string;
  hasChecks: boolean;
  quiet: boolean;
  inputs: readonly string[];
  output: string | null;
  report: string | null;
  junit: string | null;
  summary?: string | null;
}

/** -o FILE, or null for stdout (`-o -` is stdout too). */
export function outputPath(output: string | undefined): string | null {
  return output === undefined || output === '-' ? null : output;
}

/** A command's run from its output options (-o, --junit, --quiet) and what only it knows. */
export function runOf(
  options: OutputOptions,
  run: { commandLine: string; hasChecks: boolean; inputs: readonly string[]; report?: string | null; summary?: string | null },
): RunSpec {
  return {
    ...run,
    quiet: options.quiet === true,
    output: outputPath(options.output),
    report: run.report ?? null,
    junit: options.junit ?? null,
  };
}

export interface RunContext {
  info: RunInfo;
  files: OutputFiles;
  out: TextSink;
}

/**
 * Every command's run around its body: a run with checks goes on if stdout closes early;
 * -o/--report/--junit are opened before any work (never over an input) and put in place
 * only at the end; --quiet prints nothing; then the output, the warnings and failed checks,
 * and the exit code. An error anywhere leaves no file behind.
 */
export async function runWithOutputs(run: RunSpec, io: CliIo, body: (context: RunContext) => Promise<RunOutput>): Promise<number> {
  if (run.hasChecks) io.finishWhenStdoutCloses?.();
  const info: RunInfo = { version: readVersion(), generatedAt: runTime(io.env), commandLine: run.commandLine };
  const files = openOutputs({ output: run.output, report: run.report, junit: run.junit, summary: run.summary ?? null }, run.inputs);
  // --quiet: nothing on stdout (files named with -o/--report/--junit are still written).
  const out: TextSink = files.output ?? (run.quiet ? { write: () => undefined } : io.stdout);
  try {
    const { rendered, outcome, warningsOnStderr } = await body({ info, files, out });
    if (typeof rendered === 'string') out.write(rendered);
    else for (const chunk of rendered) out.write(chunk);
    files.commit();
    const failed = run.quiet
      ? outcome.checks.filter((check) => !check.passed)
      : reportOutcome(outcome, { warningsOnStderr, env: io.env, commandLine: run.commandLine, stderr: io.stderr });
    return failed.length > 0 ? EXIT_CHECK_FAILED : EXIT_OK;
  } finally {
    // Anything not committed above (an error, an early return) leaves no file behind.
    files.abort();
  }
}
