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

/** An append-only float64 column that grows by doubling: 8 bytes per row. */
export class DoubleColumn {
  private data = new Float64Array(1024);
  length = 0;

  push(value: number): void {
    if (this.length === this.data.length) {
      const grown = new Float64Array(this.data.length * 2);
      grown.set(this.data);
      this.data = grown;
    }
    this.data[this.length++] = value;
  }

  values(): Float64Array {
    return this.data.subarray(0, this.length);
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
  const sorted = Float64Array.from(values).sort();
  return {
    count: n,
    mean,
    stderr,
    median: percentileSorted(sorted, 0.5),
    p90: percentileSorted(sorted, 0.9),
    p95: percentileSorted(sorted, 0.95),
    p99: percentileSorted(sorted, 0.99),
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
