/**
 * What a batch keeps of its rows: one mergeable summary. `add` takes rows in order; `merge`
 * appends the summary of the rows that follow (another thread's, another shard's); `finish`
 * gives the statistics. Merging the summaries of any split of the rows gives exactly what
 * one pass gives (the columns are kept and concatenated in row order, so even the
 * compensated means and the percentiles are bit for bit the same). `toJSON`/`fromJSON`
 * carry a summary across processes (the later `kl merge` of sharded runs).
 */
import { internalError } from '../errors.js';
import type { MeasureName } from '../measures/catalog.js';
import { DoubleColumn, summarize } from '../measures/stats.js';
import type { RowResult, SummaryStats } from '../result.js';
import type { RowOutcome } from './row-computer.js';

/** Per-row values summarised besides the measures, with --targets. */
export const TARGET_VALUES = ['nll_p', 'nll_q', 'delta_p'] as const;

export interface BatchSummaryShape {
  /** The per-row measures, in order. */
  measureNames: readonly MeasureName[];
  /** Whether rows carry target values (nll_p, nll_q, delta_p). */
  targets: boolean;
  /** The measure that ranks rows (the worst ones, the histograms). */
  rankBy: MeasureName;
  /** How many worst rows to keep. */
  worst: number;
}

/** A summary as JSON: every count, and every column in row order. */
export interface BatchSummaryJson {
  version: 1;
  shape: Omit<BatchSummaryShape, 'measureNames'> & { measureNames: MeasureName[] };
  count: number;
  rowsPOnly: number;
  rowsQOnly: number;
  firstPOnlyRow: number;
  firstQOnlyRow: number;
  top1Agreements: number;
  correctP: number;
  correctQ: number;
  pWidth: number;
  qWidth: number;
  pRescaled: boolean;
  qRescaled: boolean;
  /** Name → values; infinities and -0 as the strings "Infinity", "-Infinity", "-0". */
  columns: Record<string, (number | string)[]>;
  worst: RowResult[];
}

/** The summary's scalar state, as it is in JSON. */
const COUNTERS = [
  'count',
  'rowsPOnly',
  'rowsQOnly',
  'firstPOnlyRow',
  'firstQOnlyRow',
  'top1Agreements',
  'correctP',
  'correctQ',
  'pWidth',
  'qWidth',
  'pRescaled',
  'qRescaled',
] as const satisfies readonly (keyof BatchSummaryJson)[];
type Counter = (typeof COUNTERS)[number];

/** What `finish` computes. */
export interface BatchStatistics {
  summaryNames: string[];
  summary: Map<string, SummaryStats>;
  /** Every row's value of the ranking measure, in row order (the histograms). */
  rankValues: Float64Array;
}

/** A number as JSON keeps it exactly: infinities and -0 (which JSON has not) as strings. */
function numberToJson(value: number): number | string {
  return Object.is(value, -0) ? '-0' : Number.isFinite(value) ? value : String(value);
}
const SPECIAL_NUMBERS: ReadonlySet<unknown> = new Set(['Infinity', '-Infinity', '-0']);

/** A row with its special values as strings, and back. */
function rowToJson(row: RowResult): RowResult {
  return JSON.parse(JSON.stringify(row, (_key, value: unknown) => (typeof value === 'number' ? numberToJson(value) : value))) as RowResult;
}
function rowFromJson(row: RowResult): RowResult {
  // A target label is text, whatever it spells ("Infinity" is a label there, not a number).
  return JSON.parse(JSON.stringify(row), (key, value: unknown) => (key !== 'target' && SPECIAL_NUMBERS.has(value) ? Number(value) : value)) as RowResult;
}

function summaryOf(values: Float64Array, extraPercents: readonly number[]): SummaryStats {
  const { count: _count, ...stats } = summarize(values, extraPercents);
  return stats;
}

/** Whether `a` ranks before `b` among the worst rows: larger value first, the earlier row on ties. */
function worseThan(a: RowResult, b: RowResult, by: MeasureName): boolean {
  const va = a.measures[by] as number;
  const vb = b.measures[by] as number;
  return va > vb || (va === vb && a.index < b.index);
}

export class BatchSummary {
  count = 0;
  rowsPOnly = 0;
  rowsQOnly = 0;
  /** The first row with a category where q = 0 < p (resp. p = 0 < q), or -1. */
  firstPOnlyRow = -1;
  firstQOnlyRow = -1;
  top1Agreements = 0;
  correctP = 0;
  correctQ = 0;
  /** Categories per row of the last row seen. */
  pWidth = 0;
  qWidth = 0;
  pRescaled = false;
  qRescaled = false;
  /** The worst rows by the ranking measure, worst first (earlier rows win ties). */
  readonly worst: RowResult[] = [];
  private readonly columns: Map<string, DoubleColumn>;

  constructor(readonly shape: BatchSummaryShape) {
    this.columns = new Map(this.summaryNames.map((name) => [name, new DoubleColumn()]));
  }

  /** The per-row values summarised: the measures, then the target values. */
  get summaryNames(): string[] {
    return [...this.shape.measureNames, ...(this.shape.targets ? TARGET_VALUES : [])];
  }

  add(outcome: RowOutcome): void {
    const { row } = outcome;
    this.pWidth = outcome.pWidth;
    this.qWidth = outcome.qWidth;
    if (outcome.pRescaled) this.pRescaled = true;
    if (outcome.qRescaled) this.qRescaled = true;
    if (outcome.pOnly && this.rowsPOnly++ === 0) this.firstPOnlyRow = row.index;
    if (outcome.qOnly && this.rowsQOnly++ === 0) this.firstQOnlyRow = row.index;
    if (row.top1_agree) this.top1Agreements++;
    const { columns } = this;
    if (row.targets) {
      if (row.targets.correct_p) this.correctP++;
      if (row.targets.correct_q) this.correctQ++;
      columns.get('nll_p')?.push(row.targets.nll_p);
      columns.get('nll_q')?.push(row.targets.nll_q);
      columns.get('delta_p')?.push(row.targets.delta_p);
    }
    for (const name of this.shape.measureNames) columns.get(name)?.push(row.measures[name] as number);
    this.rememberWorst(row);
    this.count++;
  }

  /** Keeps the `worst` rows with the largest ranking value, largest first (earlier rows win ties). */
  private rememberWorst(row: RowResult): void {
    const { worst } = this;
    const { rankBy: by, worst: limit } = this.shape;
    if (limit <= 0) return;
    const value = row.measures[by] as number;
    if (worst.length === limit && value <= (worst[worst.length - 1]?.measures[by] as number)) return;
    let position = worst.length;
    while (position > 0 && value > (worst[position - 1]?.measures[by] as number)) position--;
    worst.splice(position, 0, row);
    if (worst.length > limit) worst.pop();
  }

  /** Takes in the summary of the rows that follow this one's (disjoint, later row indices). */
  merge(other: BatchSummary): void {
    if (JSON.stringify(other.shape) !== JSON.stringify(this.shape)) throw internalError('merging summaries of different shapes');
    if (other.count === 0) return;
    this.count += other.count;
    if (this.firstPOnlyRow < 0) this.firstPOnlyRow = other.firstPOnlyRow;
    if (this.firstQOnlyRow < 0) this.firstQOnlyRow = other.firstQOnlyRow;
    this.rowsPOnly += other.rowsPOnly;
    this.rowsQOnly += other.rowsQOnly;
    this.top1Agreements += other.top1Agreements;
    this.correctP += other.correctP;
    this.correctQ += other.correctQ;
    this.pWidth = other.pWidth;
    this.qWidth = other.qWidth;
    this.pRescaled ||= other.pRescaled;
    this.qRescaled ||= other.qRescaled;
    for (const [name, column] of this.columns) {
      for (const value of (other.columns.get(name) as DoubleColumn).values()) column.push(value);
    }
    const merged = [...this.worst, ...other.worst].sort((a, b) => (worseThan(a, b, this.shape.rankBy) ? -1 : worseThan(b, a, this.shape.rankBy) ? 1 : 0));
    this.worst.splice(0, this.worst.length, ...merged.slice(0, this.shape.worst));
  }

  /** One summarised column's values, in row order (a fresh array). */
  values(name: string): Float64Array {
    const column = this.columns.get(name);
    if (!column) throw internalError(`no column ${name} in this batch summary`);
    return column.values();
  }

  /** The statistics; `extraPercents`: --percentiles beyond the standard set. */
  finish(extraPercents: readonly number[] = []): BatchStatistics {
    const summary = new Map<string, SummaryStats>();
    let rankValues: Float64Array = new Float64Array(0);
    // Each column is gathered into one array once; the ranking measure's is kept for the histograms.
    for (const name of this.summaryNames) {
      const values = (this.columns.get(name) as DoubleColumn).values();
      summary.set(name, summaryOf(values, extraPercents));
      if (name === this.shape.rankBy) rankValues = values;
    }
    return { summaryNames: this.summaryNames, summary, rankValues };
  }

  toJSON(): BatchSummaryJson {
    const columns: Record<string, (number | string)[]> = {};
    for (const [name, column] of this.columns) {
      columns[name] = Array.from(column.values(), numberToJson);
    }
    const counters = Object.fromEntries(COUNTERS.map((key) => [key, this[key]])) as Pick<BatchSummaryJson, Counter>;
    return { version: 1, shape: { ...this.shape, measureNames: [...this.shape.measureNames] }, ...counters, columns, worst: this.worst.map(rowToJson) };
  }

  static fromJSON(json: BatchSummaryJson): BatchSummary {
    if (json.version !== 1) throw internalError(`batch summary version ${String(json.version)}`);
    const summary = new BatchSummary(json.shape);
    Object.assign(summary, Object.fromEntries(COUNTERS.map((key) => [key, json[key]])));
    for (const [name, values] of Object.entries(json.columns)) {
      const column = summary.columns.get(name);
      if (!column) throw internalError(`batch summary column ${name} not in its shape`);
      for (const value of values) column.push(typeof value === 'number' ? value : Number(value));
    }
    for (const row of json.worst) summary.worst.push(rowFromJson(row));
    return summary;
  }
}
