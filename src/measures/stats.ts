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

export interface Stats {
  count: number;
  mean: number;
  stderr: number | null;
  median: number;
  p90: number;
  p95: number;
  p99: number;
  min: number;
  max: number;
  /** 0-based row of the minimum (first one on ties). */
  argmin: number;
  /** 0-based row of the maximum (first one on ties). */
  argmax: number;
}

export const STAT_NAMES = ['mean', 'stderr', 'median', 'p90', 'p95', 'p99', 'min', 'max'] as const;
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
 * The percentiles of percentileSorted without sorting: only the order statistics they
 * interpolate between are selected, in increasing order, each among the values above the
 * previous one.
 */
export function percentiles(values: Float64Array, qs: readonly number[]): number[] {
  const n = values.length;
  if (n === 0) throw new Error('percentile of no values');
  const work = Float64Array.from(values);
  const ranks = new Set<number>();
  for (const q of qs) {
    const lower = Math.floor((n - 1) * q);
    ranks.add(lower);
    if (lower + 1 < n) ranks.add(lower + 1);
  }
  let lo = 0;
  for (const rank of [...ranks].sort((a, b) => a - b)) {
    select(work, lo, n - 1, rank);
    lo = rank + 1;
  }
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

export function summarize(values: Float64Array): Stats {
  const n = values.length;
  if (n === 0) throw new Error('statistics of no values');
  const { argmin, argmax } = extremeIndices(values);
  const mean = compensatedSum(values) / n;
  let stderr: number | null = null;
  if (mean === Infinity) stderr = Infinity;
  else if (n > 1) stderr = Math.sqrt(sumOfSquaredDeviations(values, mean) / (n - 1)) / Math.sqrt(n);
  const [median, p90, p95, p99] = percentiles(values, [0.5, 0.9, 0.95, 0.99]) as [number, number, number, number];
  return {
    count: n,
    mean,
    stderr,
    median,
    p90,
    p95,
    p99,
    min: values[argmin] as number,
    max: values[argmax] as number,
    argmin,
    argmax,
  };
}

/** Index of the largest value (the first on ties): a distribution's top-1 category. */
export function argmax(values: Float64Array): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if ((values[i] as number) > (values[best] as number)) best = i;
  return best;
}
