/**
 * Machine-oriented text: CSV and bare values. For a batch both stream, one line per row,
 * as rows are computed; for a single pair they are one line (after a header, for CSV).
 */
import type { MeasureName } from '../measures/catalog.js';
import type { ExplainResult, KlResult, PairResult, RowResult } from '../result.js';
import type { RowShape } from './index.js';
import { machineNumber } from './wording.js';

function measuresOf(result: PairResult | ExplainResult): MeasureName[] {
  return result.measureNames.filter((name) => result.measures[name] !== undefined);
}

/** A header line of measure names and one line of full-precision values; for explain, one line per category. */
export function formatCsv(result: KlResult): string {
  if (result.type === 'batch') return '';
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
  if (result.type === 'batch') return '';
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
