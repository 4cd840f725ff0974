/**
 * What a batch keeps of its rows: one mergeable summary. `add` takes rows in order; `merge`
 * takes in the summary of other rows (another thread's, another shard's); `finish` gives
 * the statistics.
 *
 * Two states, one per column of per-row values:
 * - exact (the default while every column fits `exactBudgetBytes`): the values are kept, and
 *   the statistics are those of stats.ts. Merging the summaries of a split of the rows,
 *   in row order, concatenates the values: the same bits as one pass.
 * - sketched (past the budget; or asked for): running moments (moments.ts) for the means and
 *   standard errors, a DDSketch (ddsketch.ts) for the percentiles, within a stated relative
 *   error. Memory no longer grows with the rows. Merging adds moments and sketch counts.
 * In both, the minimum and maximum are kept with their rows as rows arrive, so a merge never
 * needs the rows' positions.
 */
import { internalError } from '../errors.js';
import type { MeasureName } from '../measures/catalog.js';
import { DDSketch, type DDSketchJson } from '../measures/ddsketch.js';
import { CoMoment, type CoMomentJson, Moments, type MomentsJson } from '../measures/moments.js';
import {
  comparePerplexities,
  DoubleColumn,
  type NllMoments,
  namedPercentiles,
  type PerplexityComparison,
  perplexityComparison,
  rootMeanSquare,
  rootMeanSquareOf,
  summarize,
} from '../measures/stats.js';
import type { RowResult, SummaryStats } from '../result.js';
import type { RowOutcome } from './row-computer.js';

/** Per-row values summarised besides the measures, with --targets. */
export const TARGET_VALUES = ['nll_p', 'nll_q', 'delta_p'] as const;

/** The memory the kept values of a batch may take before percentiles are sketched. */
export const EXACT_PERCENTILES_BUDGET_BYTES = 24 << 20;
/** The sketches' relative error bound α. */
export const SKETCH_RELATIVE_ACCURACY = 1e-3;

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

/** One column's smallest and largest value, with the first row of each. */
interface Extremes {
  min: number;
  minRow: number;
  max: number;
  maxRow: number;
}

interface ColumnJson extends Extremes {
  /** Exact: every value, as little-endian float64 bytes in base64. */
  values?: string;
  /** Sketched: */
  moments?: MomentsJson;
  sketch?: DDSketchJson;
}

/** A summary as JSON (numbers that JSON has not, ±Infinity and -0, are the writer's business). */
export interface BatchSummaryJson {
  shape: Omit<BatchSummaryShape, 'measureNames'> & { measureNames: MeasureName[] };
  exact: boolean;
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
  columns: Record<string, ColumnJson>;
  /** Sketched, with targets: the moments the perplexities and Δp's RMS need. */
  targetMoments?: { differences: MomentsJson; pair: CoMomentJson; squares: MomentsJson };
  worst: RowResult[];
}

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
  /** The ranking measure's values (the histograms), any order; with weights when sketched. */
  rankValues: Float64Array;
  rankWeights: Float64Array | null;
  /** The percentiles' relative error bound when sketched; null when exact. */
  sketchAccuracy: number | null;
}

/** Whether `a` ranks before `b` among the worst rows: larger value first, the earlier row on ties. */
function worseThan(a: RowResult, b: RowResult, by: MeasureName): boolean {
  const va = a.measures[by] as number;
  const vb = b.measures[by] as number;
  return va > vb || (va === vb && a.index < b.index);
}

class ColumnSummary {
  extremes: Extremes = { min: Infinity, minRow: -1, max: -Infinity, maxRow: -1 };
  values: DoubleColumn | null = new DoubleColumn();
  moments: Moments | null = null;
  sketch: DDSketch | null = null;

  add(value: number, row: number): void {
    const { extremes } = this;
    // The first row of each on ties, as stats.ts's argmin and argmax.
    if (value < extremes.min || extremes.minRow < 0) {
      extremes.min = value;
      extremes.minRow = row;
    }
    if (value > extremes.max || extremes.maxRow < 0) {
      extremes.max = value;
      extremes.maxRow = row;
    }
    if (this.values) this.values.push(value);
    else {
      this.moments?.add(value);
      this.sketch?.add(value);
    }
  }

  /** From kept values to moments and a sketch. */
  approximate(): void {
    if (!this.values) return;
    this.moments = new Moments();
    this.sketch = new DDSketch(SKETCH_RELATIVE_ACCURACY);
    // Chunk by chunk: a copy of every column at once is what the budget is there to avoid.
    for (const chunk of this.values.chunks()) {
      for (const value of chunk) {
        this.moments.add(value);
        this.sketch.add(value);
      }
    }
    this.values = null;
  }

  merge(other: ColumnSummary): void {
    const a = this.extremes;
    const b = other.extremes;
    if (b.minRow >= 0 && (a.minRow < 0 || b.min < a.min || (b.min === a.min && b.minRow < a.minRow))) {
      a.min = b.min;
      a.minRow = b.minRow;
    }
    if (b.maxRow >= 0 && (a.maxRow < 0 || b.max > a.max || (b.max === a.max && b.maxRow < a.maxRow))) {
      a.max = b.max;
      a.maxRow = b.maxRow;
    }
    if (this.values && other.values) {
      for (const chunk of other.values.chunks()) for (const value of chunk) this.values.push(value);
      return;
    }
    this.approximate();
    other.approximate();
    this.moments?.merge(other.moments as Moments);
    this.sketch?.merge(other.sketch as DDSketch);
  }

  toJSON(): ColumnJson {
    const { extremes } = this;
    if (this.values) {
      const values = this.values.values();
      return { ...extremes, values: Buffer.from(values.buffer, values.byteOffset, values.byteLength).toString('base64') };
    }
    return { ...extremes, moments: (this.moments as Moments).toJSON(), sketch: (this.sketch as DDSketch).toJSON() };
  }

  static fromJSON(json: ColumnJson): ColumnSummary {
    const column = new ColumnSummary();
    column.extremes = { min: json.min, minRow: json.minRow, max: json.max, maxRow: json.maxRow };
    if (json.values !== undefined) {
      const bytes = Buffer.from(json.values, 'base64');
      const values = new Float64Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      for (const value of values) column.values?.push(value);
    } else {
      if (!json.moments || !json.sketch) throw internalError('a sketched column without moments or sketch');
      column.values = null;
      column.moments = Moments.fromJSON(json.moments);
      column.sketch = DDSketch.fromJSON(json.sketch);
    }
    return column;
  }
}

/** The running moments a sketched summary with targets keeps for the perplexities and Δp's RMS. */
class TargetMoments {
  /** nll_q − nll_p per row. */
  differences = new Moments();
  /** (nll_p, nll_q). */
  pair = new CoMoment();
  /** delta_p² per row. */
  squares = new Moments();

  add(nllP: number, nllQ: number, deltaP: number): void {
    this.differences.add(nllQ - nllP);
    this.pair.add(nllP, nllQ);
    this.squares.add(deltaP * deltaP);
  }

  merge(other: TargetMoments): void {
    this.differences.merge(other.differences);
    this.pair.merge(other.pair);
    this.squares.merge(other.squares);
  }
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
  private readonly columns: Map<string, ColumnSummary>;
  private targetMoments: TargetMoments | null = null;
  private sketched = false;
  /** Rows past which the kept values would exceed the budget. */
  private readonly exactRowLimit: number;

  constructor(
    readonly shape: BatchSummaryShape,
    /** Memory the kept values may take (Infinity: always exact, --exact-percentiles). */
    readonly exactBudgetBytes: number = EXACT_PERCENTILES_BUDGET_BYTES,
  ) {
    this.columns = new Map(this.summaryNames.map((name) => [name, new ColumnSummary()]));
    this.exactRowLimit = Math.floor(exactBudgetBytes / (8 * this.columns.size));
  }

  /** The per-row values summarised: the measures, then the target values. */
  get summaryNames(): string[] {
    return [...this.shape.measureNames, ...(this.shape.targets ? TARGET_VALUES : [])];
  }

  /** Whether the values are kept (exact percentiles). */
  get exact(): boolean {
    return !this.sketched;
  }

  private column(name: string): ColumnSummary {
    const column = this.columns.get(name);
    if (!column) throw internalError(`no column ${name} in this batch summary`);
    return column;
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
      const { nll_p, nll_q, delta_p } = row.targets;
      if (row.targets.correct_p) this.correctP++;
      if (row.targets.correct_q) this.correctQ++;
      columns.get('nll_p')?.add(nll_p, row.index);
      columns.get('nll_q')?.add(nll_q, row.index);
      columns.get('delta_p')?.add(delta_p, row.index);
      this.targetMoments?.add(nll_p, nll_q, delta_p);
    }
    for (const name of this.shape.measureNames) columns.get(name)?.add(row.measures[name] as number, row.index);
    this.rememberWorst(row);
    this.count++;
    if (this.count > this.exactRowLimit && this.exact) this.approximate();
  }

  /** From kept values to moments and sketches: memory stops growing with the rows. */
  approximate(): void {
    if (this.sketched) return;
    this.sketched = true;
    if (this.shape.targets) {
      const moments = new TargetMoments();
      // The three columns' chunks line up: every row adds to each.
      const [nllP, nllQ, deltaP] = TARGET_VALUES.map((name) => [...(this.column(name).values as DoubleColumn).chunks()]) as [
        Float64Array[],
        Float64Array[],
        Float64Array[],
      ];
      nllP.forEach((p, k) => {
        const q = nllQ[k] as Float64Array;
        const d = deltaP[k] as Float64Array;
        for (let i = 0; i < p.length; i++) moments.add(p[i] as number, q[i] as number, d[i] as number);
      });
      this.targetMoments = moments;
    }
    for (const column of this.columns.values()) column.approximate();
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

  /**
   * Takes in the summary of other rows: for exact summaries, the rows that follow this
   * one's (their values are appended). `other` may be changed (sketched) by the merge.
   */
  merge(other: BatchSummary): void {
    if (JSON.stringify(other.shape) !== JSON.stringify(this.shape)) throw internalError('merging summaries of different shapes');
    if (other.count === 0) return;
    const earliest = (a: number, b: number) => (a < 0 ? b : b < 0 ? a : Math.min(a, b));
    this.firstPOnlyRow = earliest(this.firstPOnlyRow, other.firstPOnlyRow);
    this.firstQOnlyRow = earliest(this.firstQOnlyRow, other.firstQOnlyRow);
    this.rowsPOnly += other.rowsPOnly;
    this.rowsQOnly += other.rowsQOnly;
    this.top1Agreements += other.top1Agreements;
    this.correctP += other.correctP;
    this.correctQ += other.correctQ;
    this.pWidth = other.pWidth;
    this.qWidth = other.qWidth;
    this.pRescaled ||= other.pRescaled;
    this.qRescaled ||= other.qRescaled;
    const bothExact = this.exact && other.exact && this.count + other.count <= this.exactRowLimit;
    if (!bothExact) {
      this.approximate();
      other.approximate();
      (this.targetMoments as TargetMoments | null)?.merge(other.targetMoments as TargetMoments);
    }
    for (const [name, column] of this.columns) column.merge(other.column(name));
    this.count += other.count;
    const merged = [...this.worst, ...other.worst].sort((a, b) => (worseThan(a, b, this.shape.rankBy) ? -1 : worseThan(b, a, this.shape.rankBy) ? 1 : 0));
    this.worst.splice(0, this.worst.length, ...merged.slice(0, this.shape.worst));
  }

  /** Throws unless every column holds as many values as the summary has rows (a summary read from a file). */
  assertWhole(): void {
    for (const [name, column] of this.columns) {
      const held = column.values ? column.values.length : (column.moments?.count ?? -1);
      const sketched = column.sketch ? column.sketch.count : held;
      if (held !== this.count || sketched !== this.count) throw new Error(`column ${name} holds ${held} values for ${this.count} rows`);
    }
  }

  /** The statistics; `extraPercents`: --percentiles beyond the standard set. */
  finish(extraPercents: readonly number[] = []): BatchStatistics {
    const summary = new Map<string, SummaryStats>();
    let rankValues: Float64Array = new Float64Array(0);
    let rankWeights: Float64Array | null = null;
    for (const name of this.summaryNames) {
      const column = this.column(name);
      const { min, max, minRow, maxRow } = column.extremes;
      if (column.values) {
        // One copy of each column at a time, selected in place (the histograms need no order).
        const values = column.values.values();
        const { count: _count, argmin: _argmin, argmax: _argmax, ...stats } = summarize(values, extraPercents, { inPlace: true });
        summary.set(name, { ...stats, argmin: minRow, argmax: maxRow });
        if (name === this.shape.rankBy) rankValues = values;
      } else {
        const moments = column.moments as Moments;
        const sketch = column.sketch as DDSketch;
        summary.set(name, {
          mean: moments.mean(),
          stderr: moments.standardError(),
          ...namedPercentiles(extraPercents, (levels) => levels.map((level) => sketch.quantile(level, min, max))),
          min,
          max,
          argmin: minRow,
          argmax: maxRow,
        });
        if (name === this.shape.rankBy) ({ values: rankValues, counts: rankWeights } = sketch.buckets());
      }
    }
    return { summaryNames: this.summaryNames, summary, rankValues, rankWeights, sketchAccuracy: this.exact ? null : SKETCH_RELATIVE_ACCURACY };
  }

  /** The perplexities of P and Q on the targets and how they compare; `lnBase`: the NLLs' unit in nats. */
  perplexities(lnBase: number): PerplexityComparison {
    if (this.exact) {
      const inNats = (name: string) => (this.column(name).values as DoubleColumn).values().map((value) => value * lnBase);
      return comparePerplexities(inNats('nll_p'), inNats('nll_q'));
    }
    const p = this.column('nll_p').moments as Moments;
    const q = this.column('nll_q').moments as Moments;
    const { differences, pair } = this.targetMoments as TargetMoments;
    const scaled = (value: number | null) => (value === null ? null : value * lnBase);
    const moments: NllMoments = {
      count: this.count,
      meanP: p.mean() * lnBase,
      meanQ: q.mean() * lnBase,
      stderrP: scaled(p.standardError()),
      stderrQ: scaled(q.standardError()),
      spread: null,
    };
    const squaredP = p.squaredDeviations();
    const squaredQ = q.squaredDeviations();
    if (Number.isFinite(moments.meanP) && Number.isFinite(moments.meanQ) && this.count > 1 && squaredP !== null && squaredQ !== null) {
      moments.spread = {
        differencesStderr: scaled(differences.standardError()),
        crossDeviations: pair.comoment * lnBase * lnBase,
        squaredDeviationsP: squaredP * lnBase * lnBase,
        squaredDeviationsQ: squaredQ * lnBase * lnBase,
      };
    }
    return perplexityComparison(moments);
  }

  /** √mean(Δp²) and its uncertainty. */
  rmsDeltaP(): { value: number; stderr: number | null } {
    if (this.exact) return rootMeanSquare((this.column('delta_p').values as DoubleColumn).values());
    const { squares } = this.targetMoments as TargetMoments;
    return rootMeanSquareOf(squares.mean(), squares.standardError());
  }

  toJSON(): BatchSummaryJson {
    const counters = Object.fromEntries(COUNTERS.map((key) => [key, this[key]])) as Pick<BatchSummaryJson, Counter>;
    const columns = Object.fromEntries([...this.columns].map(([name, column]) => [name, column.toJSON()]));
    const target = this.targetMoments;
    return {
      shape: { ...this.shape, measureNames: [...this.shape.measureNames] },
      exact: this.exact,
      ...counters,
      columns,
      ...(target ? { targetMoments: { differences: target.differences.toJSON(), pair: target.pair.toJSON(), squares: target.squares.toJSON() } } : {}),
      worst: this.worst,
    };
  }

  static fromJSON(json: BatchSummaryJson, exactBudgetBytes = EXACT_PERCENTILES_BUDGET_BYTES): BatchSummary {
    const summary = new BatchSummary(json.shape, exactBudgetBytes);
    Object.assign(summary, Object.fromEntries(COUNTERS.map((key) => [key, json[key]])));
    summary.sketched = !json.exact;
    for (const name of summary.summaryNames) {
      const column = json.columns[name];
      if (!column) throw internalError(`batch summary without column ${name}`);
      summary.columns.set(name, ColumnSummary.fromJSON(column));
    }
    if (json.targetMoments) {
      const moments = new TargetMoments();
      moments.differences = Moments.fromJSON(json.targetMoments.differences);
      moments.pair = CoMoment.fromJSON(json.targetMoments.pair);
      moments.squares = Moments.fromJSON(json.targetMoments.squares);
      summary.targetMoments = moments;
    }
    summary.worst.push(...json.worst);
    return summary;
  }
}
