/**
 * `kl fit`'s options → a FitRequest (validated before anything is read), and the run.
 * Loaded with the command's computation (dist/execute.cjs), not at every start-up.
 */

import { runFit } from '../compute/fit.js';
import { type FitRequest, GRID_VALUES, type GridValues } from '../compute/fit-request.js';
import { UsageError } from '../errors.js';
import { INPUT_FORMATS, isInputFormat } from '../io/detect.js';
import { STDIN_PATH } from '../io/source.js';
import { FAMILY_NAMES, MAX_COMPONENTS, parseFamilyName } from '../measures/family-names.js';
import type { Direction } from '../measures/fit.js';
import type { BandwidthRule } from '../measures/kde.js';
import { DEFAULT_SUM_TOLERANCE } from '../measures/prepare.js';
import { FIT_FORMATTERS, renderFitHtml } from '../report/fit.js';
import { FIT_FORMATS, type OutputFormat } from '../report/index.js';
import type { FitOptions } from './fit.js';
import { parseBase, parseCount, parseFiniteNumber, parseOutputFormat } from './options.js';
import { rendered } from './render-output.js';
import { type CliIo, quoteForShell, type RunContext, type RunOutput, runOf, runWithOutputs } from './run-support.js';

/** The most points a kernel density estimate is evaluated on. */
const MAX_GRID_POINTS = 100_000;

function parseDirections(text: string): Direction[] {
  if (text === 'both') return ['forward', 'reverse'];
  if (text === 'forward' || text === 'reverse') return [text];
  throw new UsageError('bad-direction', `--direction ${JSON.stringify(text)}: choose forward (min D(P‖Q)), reverse (min D(Q‖P)) or both`);
}

function parseBandwidth(text: string): BandwidthRule {
  if (text === 'scott' || text === 'silverman') return text;
  const value = parseFiniteNumber(text, '--bandwidth');
  if (!(value > 0)) throw new UsageError('bad-bandwidth', `--bandwidth ${text}: choose scott, silverman or a number > 0`);
  return { value };
}

export function buildFitRequest(path: string, options: FitOptions, commandLine: string): { request: FitRequest; format: OutputFormat } {
  const format = parseOutputFormat(options, { formats: FIT_FORMATS, command: 'fit', hint: '--format json has every number' });
  const familyText = options.family ?? 'gaussian';
  const family = parseFamilyName(familyText);
  if (!family) {
    const mixture = /^mixture:(.*)$/.exec(familyText);
    throw new UsageError(
      'bad-family',
      mixture
        ? `--family ${JSON.stringify(familyText)}: a mixture has 1 to ${MAX_COMPONENTS} components (mixture:2, mixture:3, …)`
        : `--family ${JSON.stringify(familyText)}: unknown family`,
      { hint: `choose ${FAMILY_NAMES.join(', ')}` },
    );
  }
  if (options.inputFormat !== undefined && !isInputFormat(options.inputFormat)) {
    throw new UsageError('bad-input-format', `--input-format ${JSON.stringify(options.inputFormat)}: choose ${INPUT_FORMATS.join(', ')}`);
  }
  const values = options.values;
  if (values !== undefined && !(GRID_VALUES as readonly string[]).includes(values)) {
    throw new UsageError('bad-values', `--values ${JSON.stringify(values)}: choose ${GRID_VALUES.join(', ')}`);
  }
  const samples = options.samples === true;
  if (samples && values !== undefined) throw new UsageError('bad-values', '--values describes a grid; --samples reads raw samples: choose one');
  if (!samples) {
    for (const [flag, given] of [
      ['--column', options.column],
      ['--bandwidth', options.bandwidth !== undefined && options.bandwidth !== 'scott' ? options.bandwidth : undefined],
      ['--grid-points', options.gridPoints !== undefined && options.gridPoints !== '512' ? options.gridPoints : undefined],
    ] as const) {
      if (given !== undefined) throw new UsageError('bad-option', `${flag} applies to --samples (a density estimate of raw samples)`);
    }
  }
  const gridPoints = parseCount(options.gridPoints ?? '512', '--grid-points', 3);
  if (gridPoints > MAX_GRID_POINTS) throw new UsageError('bad-count', `--grid-points ${options.gridPoints}: at most ${MAX_GRID_POINTS}`);
  const tolerance = Number(options.tolerance ?? DEFAULT_SUM_TOLERANCE);
  if (!(tolerance >= 0)) throw new UsageError('bad-tolerance', `--tolerance ${options.tolerance}: must be ≥ 0`);
  const report = options.report ?? null;
  if (report !== null && !/\.html?$/i.test(report))
    throw new UsageError('bad-report', `--report ${JSON.stringify(report)}: the report is HTML; name the file *.html`);
  return {
    format,
    request: {
      path,
      displayName: path === STDIN_PATH ? 'stdin' : path,
      format: options.inputFormat as FitRequest['format'],
      samples,
      column: options.column ?? null,
      values: (values as GridValues | undefined) ?? null,
      tolerance,
      bandwidth: parseBandwidth(options.bandwidth ?? 'scott'),
      gridPoints,
      family,
      directions: parseDirections(options.direction ?? 'both'),
      base: parseBase(options.base ?? 'e'),
      commandLine,
    },
  };
}

export async function runFitCommand(path: string, options: FitOptions, io: CliIo, argv: readonly string[]): Promise<number> {
  const { request, format } = buildFitRequest(path, options, quoteForShell(argv));
  const run = runOf(options, { commandLine: request.commandLine, hasChecks: false, inputs: [path], report: options.report ?? null });
  return runWithOutputs(run, io, async (context) => executeFit(request, format, options.color, io, context));
}

async function executeFit(request: FitRequest, format: OutputFormat, color: boolean | undefined, io: CliIo, context: RunContext): Promise<RunOutput> {
  const result = await runFit(request, io.stdin);
  if (context.files.report) context.files.report.write(renderFitHtml(result, context.info));
  return rendered(result, FIT_FORMATTERS, format, color, io, context);
}
