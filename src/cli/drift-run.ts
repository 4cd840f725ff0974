/**
 * `kl drift`'s options → a DriftRequest (validated before anything is read), and the run.
 * Loaded with the command's computation (dist/execute.cjs), not at every start-up.
 */
import type { DriftCheckSpec, DriftRequest } from '../compute/drift.js';
import { runDrift } from '../compute/drift.js';
import { closestName } from '../display.js';
import { UsageError } from '../errors.js';
import { INPUT_FORMATS, type InputFormat, isInputFormat } from '../io/detect.js';
import { parseDecimal } from '../io/numbers.js';
import { STDIN_PATH } from '../io/source.js';
import { BINNINGS, type Binning, MAX_BINS } from '../measures/binning.js';
import { DRIFT_FORMATTERS } from '../report/drift.js';
import { renderDriftHtml } from '../report/drift-html.js';
import type { OutputFormat } from '../report/index.js';
import { DRIFT_MEASURES, type DriftMeasureName, type ZeroPolicy } from '../result.js';
import type { DriftOptions } from './drift.js';
import { parseBase, parseCount, parseFiniteNumber, parseOutputFormat } from './options.js';
import { rendered } from './render-output.js';
import { type CliIo, quoteForShell, type RunContext, type RunOutput, runOf, runWithOutputs } from './run-support.js';

function list(text: string | undefined): string[] {
  return text === undefined ? [] : text.split(',').map((name) => name.trim());
}

/**
 * `NAME=VALUE` for a drift check: NAME is a measure (every column), COLUMN.MEASURE (one
 * column; the column name may itself contain dots) or share_drifted.
 */
export function parseDriftCheck(text: string, op: 'max' | 'min'): DriftCheckSpec {
  const equals = text.lastIndexOf('=');
  const name = equals < 0 ? '' : text.slice(0, equals).trim();
  const numeral = equals < 0 ? '' : text.slice(equals + 1).trim();
  const limit = parseDecimal(numeral);
  if (name === '' || !Number.isFinite(limit)) {
    throw new UsageError('bad-check', `--${op} ${JSON.stringify(text)}: expected NAME=NUMBER, e.g. --${op} psi=0.2 or --${op} age.psi=0.1`);
  }
  if (name === 'share_drifted') return { column: null, measure: 'share_drifted', name, op, limit };
  const known = (measure: string): measure is DriftMeasureName => (DRIFT_MEASURES as readonly string[]).includes(measure);
  if (known(name)) return { column: null, measure: name, name, op, limit };
  const dot = name.lastIndexOf('.');
  const measure = dot < 0 ? '' : name.slice(dot + 1);
  if (dot > 0 && known(measure)) return { column: name.slice(0, dot), measure, name, op, limit };
  const meant = dot > 0 ? closestName(measure, DRIFT_MEASURES) : closestName(name, ['share_drifted', ...DRIFT_MEASURES]);
  const suggestion = meant === undefined ? '' : ` (did you mean ${dot > 0 ? `${name.slice(0, dot)}.${meant}` : meant}?)`;
  throw new UsageError('unknown-check', `--${op} ${name}: unknown check name${suggestion}`, {
    hint: `a measure (${DRIFT_MEASURES.join(', ')}), COLUMN.MEASURE for one column, or share_drifted`,
  });
}

function parseEdges(text: string): number[] {
  const edges = text.split(',').map((part) => parseFiniteNumber(part, '--edges'));
  if (edges.length < 2) throw new UsageError('bad-edges', `--edges ${text}: give at least two edges (one bin)`);
  for (let i = 1; i < edges.length; i++) {
    if (!((edges[i] as number) > (edges[i - 1] as number))) {
      throw new UsageError('bad-edges', `--edges ${text}: edges must increase, but ${edges[i]} follows ${edges[i - 1]}`);
    }
  }
  return edges;
}

export function buildDriftRequest(
  refPath: string,
  curPath: string,
  options: DriftOptions,
  commandLine: string,
  env: NodeJS.ProcessEnv = {},
): { request: DriftRequest; format: OutputFormat } {
  const format = parseOutputFormat(options);
  if (refPath === STDIN_PATH && curPath === STDIN_PATH) throw new UsageError('two-stdin', 'only one of REF and CUR can be read from stdin (-)');
  let inputFormat: InputFormat | undefined;
  if (options.inputFormat !== undefined) {
    if (!isInputFormat(options.inputFormat))
      throw new UsageError('bad-input-format', `--input-format ${JSON.stringify(options.inputFormat)}: choose ${INPUT_FORMATS.join(', ')}`);
    inputFormat = options.inputFormat;
  }
  const binning = options.binning ?? 'quantile';
  if (!(BINNINGS as readonly string[]).includes(binning))
    throw new UsageError('bad-option', `--binning ${JSON.stringify(binning)}: choose ${BINNINGS.join(', ')}`);
  const binsFrom = options.binsFrom ?? 'reference';
  if (binsFrom !== 'reference' && binsFrom !== 'both') throw new UsageError('bad-option', `--bins-from ${JSON.stringify(binsFrom)}: choose reference or both`);
  const bins = parseCount(options.bins ?? '10', '--bins', 1);
  if (bins > MAX_BINS) throw new UsageError('bad-bins', `--bins ${options.bins}: at most ${MAX_BINS}`);
  const binsGiven = options.bins !== undefined;
  if (binsGiven && binning !== 'quantile' && binning !== 'uniform') {
    throw new UsageError('bad-bins', `--bins applies to --binning quantile or uniform; the ${binning} rule chooses the number of bins`);
  }
  const edges = options.edges === undefined ? null : parseEdges(options.edges);
  if (edges && (binning !== 'quantile' || binsFrom !== 'reference' || binsGiven)) {
    throw new UsageError('bad-edges', '--edges gives the bins itself: it cannot be combined with --bins, --binning or --bins-from');
  }
  let zeroPolicy: ZeroPolicy = { kind: 'none' };
  if (options.smooth !== undefined) {
    const epsilon = parseFiniteNumber(options.smooth, '--smooth');
    if (!(epsilon > 0)) throw new UsageError('bad-smooth', `--smooth ${options.smooth}: must be > 0`);
    zeroPolicy = { kind: 'smooth', epsilon };
  }
  if (options.fill !== undefined) {
    if (options.fill !== 'evidently') throw new UsageError('bad-option', `--fill ${JSON.stringify(options.fill)}: the one fill is evidently`);
    if (zeroPolicy.kind === 'smooth') throw new UsageError('bad-smooth', '--fill evidently and --smooth are two empty-bin policies: choose one');
    zeroPolicy = { kind: 'evidently' };
  }
  const report = options.report ?? null;
  if (report !== null && !/\.html?$/i.test(report))
    throw new UsageError('bad-report', `--report ${JSON.stringify(report)}: the report is HTML; name the file *.html`);
  const checks = [...(options.max ?? []).map((text) => parseDriftCheck(text, 'max')), ...(options.min ?? []).map((text) => parseDriftCheck(text, 'min'))];
  const side = (path: string) => ({
    path,
    displayName: path === STDIN_PATH ? 'stdin' : path,
    format: inputFormat,
    header: options.header === undefined ? ('auto' as const) : options.header ? ('yes' as const) : ('no' as const),
  });
  return {
    format,
    request: {
      reference: side(refPath),
      current: side(curPath),
      columns: options.columns === undefined ? null : list(options.columns),
      categorical: list(options.categorical),
      numeric: list(options.numeric),
      binning: binning as Binning,
      bins,
      binsFrom,
      edges,
      zeroPolicy,
      base: parseBase(options.base ?? 'e'),
      knnK: parseCount(options.knnK ?? '5', '--knn-k', 1),
      checks,
      explainColumn: options.column ?? null,
      commandLine,
      // Tests make columns spill with a small budget (bytes).
      ...(env['KL_DRIFT_MEMORY'] ? { memoryBudget: Number(env['KL_DRIFT_MEMORY']) } : {}),
    },
  };
}

export async function runDriftCommand(refPath: string, curPath: string, options: DriftOptions, io: CliIo, argv: readonly string[]): Promise<number> {
  const { request, format } = buildDriftRequest(refPath, curPath, options, quoteForShell(argv), io.env);
  const run = runOf(options, {
    commandLine: request.commandLine,
    hasChecks: request.checks.length > 0,
    inputs: [refPath, curPath],
    report: options.report ?? null,
  });
  return runWithOutputs(run, io, async (context) => executeDrift(request, format, options.color, io, context));
}

async function executeDrift(request: DriftRequest, format: OutputFormat, color: boolean | undefined, io: CliIo, context: RunContext): Promise<RunOutput> {
  const result = await runDrift(request, io.stdin);
  // The files first: if one cannot be written, the run fails before printing anything.
  if (context.files.report) context.files.report.write(renderDriftHtml(result, context.info));
  return rendered(result, DRIFT_FORMATTERS, format, color, io, context);
}
