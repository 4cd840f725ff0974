/**
 * Batch statistics over per-row values: the summary that `kl` prints for many rows.
 *
 * Conventions:
 * - mean: compensated sum / n.
 * - stderr: sample standard deviation (n − 1 denominator, two-pass) / √n; null for one
 *   row, where it is undefined.
 * - percentiles: NumPy's default ("linear"): for q ∈ [0, 1], h = (n − 1)·q and the value
 *   is x[⌊h⌋] + (h − ⌊h⌋)·(x[⌊h⌋+1] − x[⌊h⌋]) on the sorted values.
 * - Infinite values (a row with p > 0, q = 0) make the mean and stderr Infinity and are
 *   sorted last; a percentile that interpolates towards one is Infinity. Never NaN.
 */
import { compensatedSum, NeumaierSum } from './sum.js';

/**
 * The percentiles every summary has (the set llama.cpp's KL-divergence report prints, and
 * the quartiles), by name: `p0_1` is the 0.1th percentile, `p99_9` the 99.9th.
 */
export const PERCENTILES = [
  ['p0_1', 0.001],
  ['p1', 0.01],
  ['p5', 0.05],
  ['p10', 0.1],
  ['p25', 0.25],
  ['median', 0.5],
  ['p75', 0.75],
  ['p90', 0.9],
  ['p95', 0.95],
  ['p99', 0.99],
  ['p99_9', 0.999],
] as const;
export type PercentileName = (typeof PERCENTILES)[number][0];

/** The name of the q-th percentile (q in (0, 100)): 99.9 → `p99_9`, 50 → `median`. */
export function percentileName(percent: number): string {
  return percent === 50 ? 'median' : `p${String(percent).replace('.', '_')}`;
}

export type Stats = {
  count: number;
  mean: number;
  stderr: number | null;
  min: number;
  max: number;
  /** 0-based row of the minimum (first one on ties). */
  argmin: number;
  /** 0-based row of the maximum (first one on ties). */
  argmax: number;
  /** --percentiles beyond the standard set, by name (`p97_5`). */
  extra: Record<string, number>;
} & Record<PercentileName, number>;

export const STAT_NAMES = ['mean', 'stderr', ...PERCENTILES.map(([name]) => name), 'min', 'max'] as const;
export type StatName = (typeof STAT_NAMES)[number];

const COLUMN_CHUNK = 4096;

/**
 * An append-only float64 column: 8 bytes per row, in fixed chunks. Growing one array by
 * doubling left up to half of it unused and, at each doubling, the old array alive beside
 * the new one, which doubled the columns' peak memory (figures: BENCHMARKS.md, "Why the code is as it is").
 */
export class DoubleColumn {
  private readonly full: Float64Array[] = [];
  private current = new Float64Array(COLUMN_CHUNK);
  private used = 0;
  length = 0;

  push(value: number): void {
    if (this.used === COLUMN_CHUNK) {
      this.full.push(this.current);
      this.current = new Float64Array(COLUMN_CHUNK);
      this.used = 0;
    }
    this.current[this.used++] = value;
    this.length++;
  }

  /** The values, in order, as the column's own chunks (no copy: read them, do not keep them). */
  *chunks(): Generator<Float64Array> {
    yield* this.full;
    if (this.used > 0) yield this.current.subarray(0, this.used);
  }

  /** The values in one fresh array. */
  values(): Float64Array {
    const out = new Float64Array(this.length);
    let at = 0;
    for (const chunk of this.full) {
      out.set(chunk, at);
      at += chunk.length;
    }
    out.set(this.current.subarray(0, this.used), at);
    return out;
  }
}

/** NumPy-compatible linear-interpolation percentile of already sorted values, q ∈ [0, 1]. */
export function percentileSorted(sorted: Float64Array, q: number): number {
  const n = sorted.length;
  if (n === 0) throw new Error('percentile of no values');
  const h = (n - 1) * q;
  const lower = Math.floor(h);
  const fraction = h - lower;
  const low = sorted[lower] as number;
  if (fraction === 0 || lower + 1 >= n) return low;
  const high = sorted[lower + 1] as number;
  if (high === Infinity) return Infinity;
  return low + fraction * (high - low);
}

/**
 * Rearranges values[lo..hi] so that values[k] holds what a full sort would put there, with
 * nothing larger before it and nothing smaller after it (Hoare's selection, median-of-three
 * pivot): linear time on average, where sorting each column at the end of every batch
 * was not (figures: BENCHMARKS.md, "Why the code is as it is").
 */
function select(values: Float64Array, lo: number, hi: number, k: number): void {
  while (hi > lo) {
    const mid = (lo + hi) >>> 1;
    if ((values[mid] as number) < (values[lo] as number)) swap(values, mid, lo);
    if ((values[hi] as number) < (values[lo] as number)) swap(values, hi, lo);
    if ((values[hi] as number) < (values[mid] as number)) swap(values, hi, mid);
    const pivot = values[mid] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) swap(values, i++, j--);
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return;
  }
}

function swap(values: Float64Array, a: number, b: number): void {
  const value = values[a] as number;
  values[a] = values[b] as number;
  values[b] = value;
}

/**
 * Puts every rank of `ranks` (sorted, within lo..hi) where a full sort would, by selecting
 * the middle rank first and then the ranks on each side within their own part: each level
 * of the recursion scans the values once, so k ranks cost about n·log₂ k, where selecting
 * them one after another cost about n·k.
 */
function selectRanks(values: Float64Array, lo: number, hi: number, ranks: readonly number[], from: number, to: number): void {
  if (from >= to) return;
  const middle = (from + to) >>> 1;
  const rank = ranks[middle] as number;
  select(values, lo, hi, rank);
  selectRanks(values, lo, rank - 1, ranks, from, middle);
  selectRanks(values, rank + 1, hi, ranks, middle + 1, to);
}

/**
 * The percentiles of percentileSorted without sorting: only the order statistics they
 * interpolate between are selected (selectRanks).
 */
export function percentiles(values: Float64Array, qs: readonly number[], options: { inPlace?: boolean } = {}): number[] {
  const n = values.length;
  if (n === 0) throw new Error('percentile of no values');
  // In place, the values are reordered (a caller with a copy of its own saves another).
  const work = options.inPlace ? values : Float64Array.from(values);
  const ranks = new Set<number>();
  for (const q of qs) {
    const lower = Math.floor((n - 1) * q);
    ranks.add(lower);
    if (lower + 1 < n) ranks.add(lower + 1);
  }
  const sorted = [...ranks].sort((a, b) => a - b);
  selectRanks(work, 0, n - 1, sorted, 0, sorted.length);
  // work now agrees with the sorted values at every rank percentileSorted reads.
  return qs.map((q) => percentileSorted(work, q));
}

/**
 * Each pass over the values is its own small function: the optimizing compiler then
 * compiles each loop with the code that follows it already run, instead of compiling the
 * first loop mid-way and discarding it at the first statement after it (which happened
 * once per summarised column).
 */
function extremeIndices(values: Float64Array): { argmin: number; argmax: number } {
  let argmin = 0;
  let argmax = 0;
  for (let i = 1; i < values.length; i++) {
    if ((values[i] as number) < (values[argmin] as number)) argmin = i;
    if ((values[i] as number) > (values[argmax] as number)) argmax = i;
  }
  return { argmin, argmax };
}

function sumOfSquaredDeviations(values: Float64Array, mean: number): number {
  const squares = new NeumaierSum();
  for (let i = 0; i < values.length; i++) {
    const deviation = (values[i] as number) - mean;
    squares.add(deviation * deviation);
  }
  return squares.value();
}

/**
 * The percentiles of a summary, named: the standard set, then the --percentiles beyond it
 * (`extraPercents`), each from `atLevels` (the values at levels q ∈ [0, 1], in that order).
 */
export function namedPercentiles(
  extraPercents: readonly number[],
  atLevels: (levels: number[]) => number[],
): Record<PercentileName, number> & { extra: Record<string, number> } {
  const extra = extraPercents.filter((percent) => !PERCENTILES.some(([name]) => name === percentileName(percent)));
  const found = atLevels([...PERCENTILES.map(([, level]) => level), ...extra.map((percent) => percent / 100)]);
  const named = Object.fromEntries(PERCENTILES.map(([name], i) => [name, found[i] as number])) as Record<PercentileName, number>;
  return { ...named, extra: Object.fromEntries(extra.map((percent, i) => [percentileName(percent), found[PERCENTILES.length + i] as number])) };
}

/** The statistics of `values`; `inPlace`: the values may be reordered (percentiles select in place). */
export function summarize(values: Float64Array, extraPercents: readonly number[] = [], options: { inPlace?: boolean } = {}): Stats {
  const n = values.length;
  if (n === 0) throw new Error('statistics of no values');
  const { argmin, argmax } = extremeIndices(values);
  const mean = compensatedSum(values) / n;
  let stderr: number | null = null;
  if (mean === Infinity) stderr = Infinity;
  else if (n > 1) stderr = Math.sqrt(sumOfSquaredDeviations(values, mean) / (n - 1)) / Math.sqrt(n);
  const min = values[argmin] as number;
  const max = values[argmax] as number;
  const named = namedPercentiles(extraPercents, (levels) => percentiles(values, levels, options));
  return { count: n, mean, stderr, ...named, min, max, argmin, argmax };
}

/** Index of the largest value (the first on ties): a distribution's top-1 category. */
export function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}

/** Σ (a − ā)(b − b̄), compensated; ā and b̄ given. */
function sumOfCrossDeviations(a: Float64Array, b: Float64Array, meanA: number, meanB: number): number {
  const sum = new NeumaierSum();
  for (let i = 0; i < a.length; i++) sum.add(((a[i] as number) - meanA) * ((b[i] as number) - meanB));
  return sum.value();
}

/** The standard error of the mean of `values` (n − 1 sample formula, two passes); null for one value. `mean`: when already known. */
export function standardError(values: Float64Array, mean = compensatedSum(values) / values.length): number | null {
  const n = values.length;
  if (n < 2) return null;
  if (!Number.isFinite(mean)) return Number.isNaN(mean) ? null : Infinity;
  return Math.sqrt(sumOfSquaredDeviations(values, mean) / (n - 1) / n);
}

/** What llama.cpp's KL-divergence report says about the two models' perplexities, exactly. */
export interface PerplexityComparison {
  /** exp(mean NLL) of each side, and their uncertainties (perplexity × the NLL's standard error). */
  perplexityP: number;
  perplexityPStderr: number | null;
  perplexityQ: number;
  perplexityQStderr: number | null;
  /** mean(nll_q) − mean(nll_p) = ln(PPL(Q)/PPL(P)), with the standard error of the per-row differences. */
  lnRatio: number | null;
  lnRatioStderr: number | null;
  ratio: number | null;
  ratioStderr: number | null;
  difference: number | null;
  differenceStderr: number | null;
  /** Pearson's correlation of the two NLL series; null when undefined (constant or infinite). */
  correlation: number | null;
}

const finiteOrNull = (value: number): number | null => (Number.isNaN(value) ? null : value);

/**
 * Perplexities of P and Q on the same targets and how they compare, from the per-row NLLs
 * in nats. The uncertainties are llama.cpp's (perplexity.cpp, kl_divergence): the standard
 * error of a mean with the n − 1 formula, and the covariance of the two means for the
 * ratio and the difference; computed here in two compensated passes instead of from sums
 * of squares. The ratio's is the standard error of the per-row differences nll_q − nll_p,
 * which equals √(se_q² + se_p² − 2·cov).
 */
export function comparePerplexities(nllP: Float64Array, nllQ: Float64Array): PerplexityComparison {
  const n = nllP.length;
  const meanP = compensatedSum(nllP) / n;
  const meanQ = compensatedSum(nllQ) / n;
  const moments: NllMoments = { count: n, meanP, meanQ, stderrP: standardError(nllP, meanP), stderrQ: standardError(nllQ, meanQ), spread: null };
  if (Number.isFinite(meanP) && Number.isFinite(meanQ) && n > 1) {
    const differences = new Float64Array(n);
    for (let i = 0; i < n; i++) differences[i] = (nllQ[i] as number) - (nllP[i] as number);
    moments.spread = {
      differencesStderr: standardError(differences),
      crossDeviations: sumOfCrossDeviations(nllP, nllQ, meanP, meanQ),
      squaredDeviationsP: sumOfSquaredDeviations(nllP, meanP),
      squaredDeviationsQ: sumOfSquaredDeviations(nllQ, meanQ),
    };
  }
  return perplexityComparison(moments);
}

/**
 * What the comparison of perplexities needs of the two NLL series (in nats): their means and
 * standard errors, and, when both means are finite and there are two rows or more, the
 * standard error of the differences nll_q − nll_p, Σ(p − p̄)(q − q̄) and each Σ(x − x̄)².
 * From kept values (comparePerplexities) or from running moments (batch-summary.ts).
 */
export interface NllMoments {
  count: number;
  meanP: number;
  meanQ: number;
  stderrP: number | null;
  stderrQ: number | null;
  spread: { differencesStderr: number | null; crossDeviations: number; squaredDeviationsP: number; squaredDeviationsQ: number } | null;
}

export function perplexityComparison(moments: NllMoments): PerplexityComparison {
  const { count: n, meanP, meanQ, stderrP: seP, stderrQ: seQ, spread } = moments;
  const perplexityP = Math.exp(meanP);
  const perplexityQ = Math.exp(meanQ);
  const lnRatio = finiteOrNull(meanQ - meanP);
  let lnRatioStderr: number | null = null;
  let covariance: number | null = null;
  let correlation: number | null = null;
  if (spread) {
    lnRatioStderr = spread.differencesStderr;
    const cross = spread.crossDeviations;
    covariance = cross / (n - 1) / n;
    const product = Math.sqrt(spread.squaredDeviationsP * spread.squaredDeviationsQ);
    correlation = product > 0 ? cross / product : null;
  }
  const ratio = lnRatio === null ? null : Math.exp(lnRatio);
  const difference = finiteOrNull(perplexityQ - perplexityP);
  const perplexityPStderr = seP === null ? null : perplexityP * seP;
  const perplexityQStderr = seQ === null ? null : perplexityQ * seQ;
  let differenceStderr: number | null = null;
  if (covariance !== null && perplexityPStderr !== null && perplexityQStderr !== null) {
    differenceStderr = Math.sqrt(Math.max(0, perplexityQStderr ** 2 + perplexityPStderr ** 2 - 2 * perplexityQ * perplexityP * covariance));
  }
  return {
    perplexityP,
    perplexityPStderr,
    perplexityQ,
    perplexityQStderr,
    lnRatio,
    lnRatioStderr,
    ratio,
    ratioStderr: ratio === null || lnRatioStderr === null ? null : ratio * lnRatioStderr,
    difference,
    differenceStderr,
    correlation,
  };
}

/** √mean(Δp²) and llama.cpp's uncertainty for it: ½/rms × the standard error of mean(Δp²). */
export function rootMeanSquare(values: Float64Array): { value: number; stderr: number | null } {
  const squares = values.map((value) => value * value);
  return rootMeanSquareOf(compensatedSum(squares) / values.length, standardError(squares));
}

/** The same from the mean of the squares and its standard error. */
export function rootMeanSquareOf(meanOfSquares: number, squaresStderr: number | null): { value: number; stderr: number | null } {
  const value = Math.sqrt(meanOfSquares);
  return { value, stderr: squaresStderr === null ? null : value === 0 ? 0 : (0.5 / value) * squaresStderr };
}
