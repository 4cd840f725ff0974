/**
 * The human view of a batch: a summary table (one line per measure), the batch-level
 * scalars, the worst rows, and every row with --rows all.
 */
import type { MeasureName } from '../measures/catalog.js';
import { PERCENTILES } from '../measures/stats.js';
import type { BatchResult, BatchScalar, RowResult, SummaryStats } from '../result.js';
import { histogram, markerLine } from './bars.js';
import { type Block, renderChecks, renderInputs, renderWarnings, type TableOptions } from './surface.js';
import { expression, humanNumber, measureUnit } from './wording.js';

const ROW_COLUMNS_FOR_COMPARE: readonly MeasureName[] = ['kl_forward', 'kl_reverse', 'js_divergence', 'total_variation'];

const SCALAR_TITLES = new Map<string, string>([
  ['top1_agreement', 'rows whose top-1 category agrees'],
  ['accuracy_p', 'rows where P’s top-1 is the target'],
  ['accuracy_q', 'rows where Q’s top-1 is the target'],
  ['perplexity_p', 'exp(mean NLL of the target under P)'],
  ['perplexity_q', 'exp(mean NLL of the target under Q)'],
  ['perplexity_ratio', 'PPL(Q) / PPL(P)'],
  ['ln_perplexity_ratio', 'ln(PPL(Q) / PPL(P)) = mean(nll_q − nll_p), nats'],
  ['perplexity_difference', 'PPL(Q) − PPL(P)'],
  ['nll_correlation', 'correlation of the NLL under P and under Q, row by row'],
  ['rms_delta_p', '√mean((q(target) − p(target))²)'],
]);

/** Scalars shown as counts of rows (the others as values). */
const COUNTED_SCALARS: ReadonlySet<string> = new Set(['top1_agreement', 'accuracy_p', 'accuracy_q']);

/** The percentiles of the ranking measure (and of delta_p with --targets), as llama.cpp lists them. */
function percentileTable(result: BatchResult, options: TableOptions): Iterable<string> {
  const names = [result.worstBy, ...(result.summary.has('delta_p') ? ['delta_p'] : [])];
  const table = options.table(['percentile', ...names], ['left', ...names.map(() => 'right' as const)]);
  const all = names.map((name) => result.summary.get(name) as SummaryStats);
  const rows: [string, (stats: SummaryStats) => number][] = [
    ['max', (stats) => stats.max],
    ...[...PERCENTILES].reverse().map(([name]): [string, (stats: SummaryStats) => number] => [name, (stats) => stats[name]]),
    ...Object.keys(all[0]?.extra ?? {}).map((name): [string, (stats: SummaryStats) => number] => [name, (stats) => stats.extra[name] as number]),
    ['min', (stats) => stats.min],
  ];
  for (const [label, pick] of rows) table.push([label, ...all.map((stats) => humanNumber(pick(stats)))]);
  return table.lines();
}

function summaryTitle(name: string, result: BatchResult): { computed: string; unit: string } {
  if (name === 'nll_p') return { computed: '−log p(target)', unit: result.unit };
  if (name === 'nll_q') return { computed: '−log q(target)', unit: result.unit };
  if (name === 'delta_p') return { computed: 'q(target) − p(target)', unit: '' };
  const measure = name as MeasureName;
  // The P = … / Q = … lines above the table name the inputs; symbols keep the table narrow.
  return { computed: expression(measure, { p: 'P', q: 'Q' }), unit: measureUnit(measure, result.unit) };
}

function meanWithError(stats: SummaryStats): string {
  return stats.stderr === null ? humanNumber(stats.mean) : `${humanNumber(stats.mean)} ± ${humanNumber(stats.stderr)}`;
}

function rowMeasures(result: BatchResult): MeasureName[] {
  const preferred = result.measureNames.filter((name) => ROW_COLUMNS_FOR_COMPARE.includes(name));
  return preferred.length > 0 ? preferred : result.measureNames;
}

function rowsTable(rows: RowResult[], result: BatchResult, options: TableOptions): Iterable<string> {
  const measures = rowMeasures(result);
  const hasLines = rows.some((row) => row.line !== null);
  const hasTop1 = rows.some((row) => row.top1_agree !== undefined);
  const hasTargets = rows.some((row) => row.targets !== undefined);
  const head = [
    'row',
    ...(hasLines ? ['line'] : []),
    ...measures,
    ...(hasTop1 ? ['top-1 agrees'] : []),
    ...(hasTargets ? ['target', 'nll_p', 'nll_q', 'delta_p'] : []),
  ];
  const table = options.table(
    head,
    head.map(() => 'right' as const),
  );
  for (const row of rows) {
    const cells = [String(row.index)];
    if (hasLines) cells.push(row.line === null ? '' : String(row.line));
    for (const name of measures) cells.push(humanNumber(row.measures[name] as number));
    if (hasTop1) cells.push(row.top1_agree ? 'yes' : options.paint.yellow('no'));
    if (hasTargets && row.targets) {
      cells.push(String(row.targets.target), humanNumber(row.targets.nll_p), humanNumber(row.targets.nll_q), humanNumber(row.targets.delta_p));
    }
    table.push(cells);
  }
  return table.lines();
}

/** What the output says when percentiles come from a sketch. */
export function approximatePercentilesNote(accuracy: number): string {
  return `percentiles (not min/max) are approximate: a DDSketch within ${accuracy * 100}% relative error (--exact-percentiles keeps them exact)`;
}

const HISTOGRAM_BINS = 48;

/** A one-line histogram of the ranking measure per row, with percentile markers under it. */
function histogramLines(result: BatchResult, options: TableOptions): string[] {
  const { paint } = options;
  const stats = result.summary.get(result.worstBy) as SummaryStats;
  const shape = histogram(result.rankValues, HISTOGRAM_BINS, result.rankWeights);
  const markers = markerLine(
    [
      { value: stats.median, symbol: 'm' },
      { value: stats.p90, symbol: '9' },
      { value: stats.p99, symbol: '!' },
    ],
    shape.low,
    shape.high,
    HISTOGRAM_BINS,
  );
  const unit = measureUnit(result.worstBy, result.unit);
  const lead = `  ${humanNumber(shape.low)} `;
  const indent = ' '.repeat(lead.length);
  return [
    paint.bold(`${result.worstBy} per row`) + paint.dim(` (${result.rowCount} rows${shape.infinite ? `, ${shape.infinite} infinite not drawn` : ''})`),
    ...options.preformatted([
      `${lead}${paint.cyan(shape.bars)} ${humanNumber(shape.high)} ${unit}`,
      `${indent}${markers}`,
      paint.dim(`${indent}m median ${humanNumber(stats.median)} · 9 p90 ${humanNumber(stats.p90)} · ! p99 ${humanNumber(stats.p99)}`),
    ]),
  ];
}

export function formatBatchTable(result: BatchResult, options: TableOptions): Iterable<string> {
  const { paint } = options;
  const summary = options.table(
    ['measure', 'computed', 'mean ± stderr', 'median', 'p90', 'p95', 'p99', 'min', 'max (row)', 'unit'],
    ['left', 'left', 'right', 'right', 'right', 'right', 'right', 'right', 'right', 'left'],
  );
  for (const name of result.summaryNames) {
    const stats = result.summary.get(name) as SummaryStats;
    const { computed, unit } = summaryTitle(name, result);
    summary.push([
      name,
      computed,
      meanWithError(stats),
      humanNumber(stats.median),
      humanNumber(stats.p90),
      humanNumber(stats.p95),
      humanNumber(stats.p99),
      humanNumber(stats.min),
      `${humanNumber(stats.max)} (${stats.argmax})`,
      unit,
    ]);
  }
  const lines: Block[] = [...renderInputs(result.inputs, options), summary.lines()];
  if (result.inputs.some((input) => input.kind === 'topk-logprobs')) {
    lines.splice(
      lines.length - 1,
      0,
      paint.dim('top-k lists: measured over the shared tokens and one "(rest)" category each, so every divergence is a lower bound of the full one'),
    );
  }
  if (result.ignoredRows > 0) {
    lines.splice(lines.length - 1, 0, paint.dim(`${result.rowCount} rows measured; ${result.ignoredRows} left out (--ignore-index, --mask or --next-token)`));
  }
  if (result.shard) {
    const { index, count, firstRow } = result.shard;
    lines.splice(
      lines.length - 1,
      0,
      paint.dim(`shard ${index}/${count}: rows ${firstRow}…${firstRow + result.rowCount + result.ignoredRows - 1} of the inputs`),
    );
  }
  if (result.sketchAccuracy !== null) {
    lines.splice(lines.length - 1, 0, paint.dim(approximatePercentilesNote(result.sketchAccuracy)));
  }
  for (const [name, value] of result.scalars) {
    if (name.endsWith('_stderr')) continue;
    const stderr = result.scalars.get(`${name}_stderr` as BatchScalar);
    const withError = stderr === undefined ? humanNumber(value) : `${humanNumber(value)} ± ${humanNumber(stderr)}`;
    const shown = COUNTED_SCALARS.has(name) ? `${withError}  (${Math.round(value * result.rowCount)} of ${result.rowCount})` : withError;
    lines.push(`${paint.bold(name)} = ${shown}  ${paint.dim(SCALAR_TITLES.get(name) ?? '')}`);
  }
  if (result.rowCount > 1) lines.push(paint.bold('Percentiles'), percentileTable(result, options));
  if (result.rowCount > 1) lines.push(...histogramLines(result, options));
  if (result.rowsMode === 'all' && result.rows) {
    lines.push(paint.bold(`All ${result.rowCount} rows (rows count from 0):`), rowsTable(result.rows, result, options));
  } else if (result.rowsMode === 'worst' && result.worst.length > 0) {
    lines.push(paint.bold(`Worst ${result.worst.length} of ${result.rowCount} rows by ${result.worstBy} (rows count from 0; --rows all lists every row):`));
    lines.push(rowsTable(result.worst, result, options));
  }
  lines.push(...renderWarnings(result, options), ...renderChecks(result, options));
  return options.join(lines);
}
