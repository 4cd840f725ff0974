/**
 * Machine-oriented text: CSV and bare values. For a batch both stream, one line per row,
 * as rows are computed; for a single pair they are one line (after a header, for CSV).
 */
import type { MeasureName } from '../measures/catalog.js';
import { STAT_NAMES } from '../measures/stats.js';
import type { BatchResult, ExplainResult, KlResult, PairResult, RowResult } from '../result.js';
import type { RowShape } from './index.js';
import { machineNumber } from './wording.js';

function measuresOf(result: PairResult | ExplainResult): MeasureName[] {
  return result.measureNames.filter((name) => result.measures[name] !== undefined);
}

/** A header line of measure names and one line of full-precision values; for explain, one line per category. */
export function formatCsv(result: KlResult): string {
  if (result.type === 'batch') {
    // --rows all streamed every row already (csvRow); worst: those rows; none: the summary.
    if (result.rowsMode === 'worst') {
      const first = result.worst[0];
      return first ? csvRowHeader(result, first) + result.worst.map((row) => csvRow(result, row)).join('') : '';
    }
    return result.rowsMode === 'none' ? summaryCsv(result) : '';
  }
  if (result.type === 'explain') {
    const lines = ['label,p,q,kl_forward,kl_reverse,share'];
    for (const c of result.explain.contributions) {
      lines.push(
        [
          csvField(c.label),
          machineNumber(c.p),
          machineNumber(c.q),
          machineNumber(c.kl_forward),
          machineNumber(c.kl_reverse),
          c.share === null ? '' : machineNumber(c.share),
        ].join(','),
      );
    }
    return `${lines.join('\n')}\n`;
  }
  const names = measuresOf(result);
  const values = names.map((name) => machineNumber(result.measures[name] as number));
  return `${names.join(',')}\n${values.join(',')}\n`;
}

/** The command's own measure(s), bare, tab-separated on one line. */
export function formatValue(result: KlResult): string {
  if (result.type === 'batch') {
    if (result.rowsMode === 'worst') return result.worst.map((row) => valueRow(result, row)).join('');
    if (result.rowsMode === 'all') return '';
    // --rows none: the batch's one number per measure, the mean over its rows.
    const means = result.primary.map((name) => result.summary.get(name)?.mean).filter((mean): mean is number => mean !== undefined);
    return `${means.map(machineNumber).join('\t')}\n`;
  }
  const values = result.primary.filter((name) => result.measures[name] !== undefined).map((name) => machineNumber(result.measures[name] as number));
  return `${values.join('\t')}\n`;
}

/** What a streamed row line needs to know about the run. */
type RowStreamShape = Pick<RowShape, 'measureNames' | 'primary'>;

const TARGET_COLUMNS = ['target', 'nll_p', 'nll_q', 'delta_p', 'correct_p', 'correct_q'];

/** RFC 4180: a field with a quote, comma or line break quoted, its quotes doubled. */
export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

export function csvRowHeader(shape: RowStreamShape, row: RowResult): string {
  const names = shape.measureNames.filter((name) => row.measures[name] !== undefined);
  return `${['index', ...names, ...(row.targets ? TARGET_COLUMNS : [])].join(',')}\n`;
}

/** One line per row, built by appending: a big batch prints millions of these. */
export function csvRow(shape: RowStreamShape, row: RowResult): string {
  // Not String(): see machineNumber (the number-to-string cache).
  let line = machineNumber(row.index);
  for (const name of shape.measureNames) {
    const value = row.measures[name];
    if (value !== undefined) line += `,${machineNumber(value)}`;
  }
  const t = row.targets;
  if (t) {
    line += `,${csvField(String(t.target))},${machineNumber(t.nll_p)},${machineNumber(t.nll_q)},${machineNumber(t.delta_p)},${t.correct_p},${t.correct_q}`;
  }
  return `${line}\n`;
}

export function valueRow(shape: RowStreamShape, row: RowResult): string {
  const values = shape.primary.filter((name) => row.measures[name] !== undefined).map((name) => machineNumber(row.measures[name] as number));
  return `${values.join('\t')}\n`;
}

/**
 * A batch's summary as CSV (`--rows none`): one `statistic,value` line per number, named as
 * checks name them (`kl_forward.mean`, `kl_forward.p99`, `top1_agreement`), then the row count.
 */
function summaryCsv(result: BatchResult): string {
  const lines = ['statistic,value'];
  for (const name of result.summaryNames) {
    const stats = result.summary.get(name);
    if (!stats) continue;
    for (const stat of STAT_NAMES) {
      const value = stats[stat];
      lines.push(`${name}.${stat},${value === null ? '' : machineNumber(value)}`);
    }
    for (const [extra, value] of Object.entries(stats.extra)) lines.push(`${name}.${extra},${machineNumber(value)}`);
    lines.push(`${name}.argmin,${machineNumber(stats.argmin)}`, `${name}.argmax,${machineNumber(stats.argmax)}`);
  }
  for (const [scalar, value] of result.scalars) lines.push(`${scalar},${machineNumber(value)}`);
  lines.push(`row_count,${machineNumber(result.rowCount)}`, `ignored_rows,${machineNumber(result.ignoredRows)}`);
  return `${lines.join('\n')}\n`;
}
