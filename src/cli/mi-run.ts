/**
 * `kl mi`'s options → a MiRequest (validated before anything is read), and the run.
 * Loaded with the command's computation (dist/execute.cjs), not at every start-up.
 */
import type { MiRequest } from '../compute/mi.js';
import { runMi } from '../compute/mi.js';
import { closestName } from '../display.js';
import { UsageError } from '../errors.js';
import { isInputFormat } from '../io/detect.js';
import { STDIN_PATH } from '../io/source.js';
import { JOINT_MEASURE_NAMES } from '../measures/joint-names.js';
import { DEFAULT_SUM_TOLERANCE } from '../measures/prepare.js';
import type { OutputFormat } from '../report/index.js';
import { MI_FORMATTERS } from '../report/mi.js';
import type { MiOptions } from './mi.js';
import { parseBase, parseChecks, parseOutputFormat } from './options.js';
import { rendered } from './render-output.js';
import { type CliIo, quoteForShell, type RunContext, type RunOutput, runOf, runWithOutputs } from './run-support.js';

function count(text: string, flag: string, least: number): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < least) throw new UsageError('bad-count', `${flag} ${text}: must be a whole number ≥ ${least}`);
  return value;
}

export function buildMiRequest(path: string, options: MiOptions, commandLine: string): { request: MiRequest; format: OutputFormat } {
  const format = parseOutputFormat(options);
  if ((options.x === undefined) !== (options.y === undefined)) {
    throw new UsageError(
      'missing-q-col',
      `${options.x === undefined ? '--y' : '--x'} needs ${options.x === undefined ? '--x' : '--y'} too: two columns of paired observations`,
    );
  }
  if (options.inputFormat !== undefined && (!isInputFormat(options.inputFormat) || options.inputFormat === 'npy')) {
    throw new UsageError('bad-input-format', `--input-format ${JSON.stringify(options.inputFormat)}: choose csv, tsv, json or jsonl`);
  }
  const kind = options.kind ?? 'probs';
  if (kind !== 'probs' && kind !== 'counts') throw new UsageError('bad-kind', `--kind ${JSON.stringify(kind)}: a table holds probs or counts`);
  const tolerance = Number(options.tolerance ?? DEFAULT_SUM_TOLERANCE);
  if (!(tolerance >= 0)) throw new UsageError('bad-tolerance', `--tolerance ${options.tolerance}: must be ≥ 0`);
  const checks = parseChecks(options);
  for (const check of checks) {
    if (!(JOINT_MEASURE_NAMES as readonly string[]).includes(check.name)) {
      const meant = closestName(check.name, JOINT_MEASURE_NAMES);
      throw new UsageError('unknown-check', `--${check.op} ${check.name}: unknown check name${meant ? ` (did you mean ${meant}?)` : ''}`, {
        hint: `choose ${JOINT_MEASURE_NAMES.join(', ')}`,
      });
    }
    if ((check.name.startsWith('g_') || check.name === 'mutual_information_mm') && kind !== 'counts' && options.x === undefined) {
      throw new UsageError('unknown-check', `--${check.op} ${check.name}: the G-test and Miller–Madow need counts (--kind counts, or --x/--y)`);
    }
  }
  return {
    format,
    request: {
      path,
      displayName: path === STDIN_PATH ? 'stdin' : path,
      format: options.inputFormat,
      x: options.x ?? null,
      y: options.y ?? null,
      kind,
      tolerance,
      bins: count(options.bins ?? '10', '--bins', 1),
      base: parseBase(options.base ?? 'e'),
      checks,
      top: count(options.top ?? '10', '--top', 0),
      commandLine,
    },
  };
}

export async function runMiCommand(path: string, options: MiOptions, io: CliIo, argv: readonly string[]): Promise<number> {
  const { request, format } = buildMiRequest(path, options, quoteForShell(argv));
  const run = runOf(options, { commandLine: request.commandLine, hasChecks: request.checks.length > 0, inputs: [path] });
  return runWithOutputs(run, io, async (context) => executeMi(request, format, options.color, io, context));
}

async function executeMi(request: MiRequest, format: OutputFormat, color: boolean | undefined, io: CliIo, context: RunContext): Promise<RunOutput> {
  return rendered(await runMi(request, io.stdin), MI_FORMATTERS, format, color, io, context);
}
