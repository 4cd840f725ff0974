/**
 * Shared bins for two samples of a numeric variable (`kl drift`), from sorted samples.
 *
 * Edges follow NumPy: quantiles by `np.quantile` (method 'linear'), and the `uniform`,
 * `sturges`, `fd` and `auto` rules by `np.histogram_bin_edges` (equal-width bins between
 * the minimum and the maximum, `np.linspace`). kl then makes the outer bins open (−∞ and
 * +∞), so that current values outside the reference's range are counted, not dropped.
 * Quantile edges are made strictly increasing, and an edge that would leave a bin without
 * any value of the sample the edges came from is removed: ties never give empty or
 * duplicate bins.
 */

export const BINNINGS = ['quantile', 'uniform', 'sturges', 'fd', 'auto'] as const;
export type Binning = (typeof BINNINGS)[number];

/** Bins as edges: bin i holds edges[i] ≤ x < edges[i+1] (half-open, every one). */
export interface Bins {
  edges: number[];
}

/** A sorted sample, or the union of two sorted samples, read by rank without merging. */
export interface RankedSample {
  size: number;
  /** The k-th smallest value (0-based). */
  at(k: number): number;
}

export function rankedOf(sorted: Float64Array): RankedSample {
  return { size: sorted.length, at: (k) => sorted[k] as number };
}

/** The union of two sorted samples, by rank (binary search on the split, O(log² n)). */
export function rankedUnion(a: Float64Array, b: Float64Array): RankedSample {
  return {
    size: a.length + b.length,
    at(k) {
      // The smallest count i taken from a such that a's i-th and b's (k−i)-th bracket the k-th.
      let low = Math.max(0, k + 1 - b.length);
      let high = Math.min(k + 1, a.length);
      while (low < high) {
        const i = (low + high) >>> 1;
        const j = k + 1 - i;
        if (j > 0 && i < a.length && (a[i] as number) < (b[j - 1] as number)) low = i + 1;
        else high = i;
      }
      const i = low;
      const j = k + 1 - i;
      const fromA = i > 0 ? (a[i - 1] as number) : -Infinity;
      const fromB = j > 0 ? (b[j - 1] as number) : -Infinity;
      return Math.max(fromA, fromB);
    },
  };
}

/** `np.quantile(sample, q)` with the default 'linear' method. */
export function quantile(sample: RankedSample, q: number): number {
  const virtual = (sample.size - 1) * q;
  const previous = Math.floor(virtual);
  const gamma = virtual - previous;
  const a = sample.at(Math.max(0, Math.min(previous, sample.size - 1)));
  const b = sample.at(Math.max(0, Math.min(previous + 1, sample.size - 1)));
  // NumPy's _lerp: from the nearer end, so that t = 1 gives b exactly.
  const diff = b - a;
  return gamma >= 0.5 ? b - diff * (1 - gamma) : a + diff * gamma;
}

/** `np.linspace(start, stop, count)` (endpoint included), bit for bit. */
export function linspace(start: number, stop: number, count: number): number[] {
  const div = count - 1;
  const delta = stop - start;
  const step = delta / div;
  const out: number[] = [];
  for (let i = 0; i < count; i++) out.push(step === 0 ? (i / div) * delta + start : i * step + start);
  if (count > 1) out[count - 1] = stop;
  return out;
}

/** `np.linspace(0, 1, bins + 1)`: the quantile levels of `bins` equal-frequency bins. */
function quantileLevels(bins: number): number[] {
  return linspace(0, 1, bins + 1);
}

/** The width `np.histogram_bin_edges` uses for a rule, on a sample with range `ptp`. */
function ruleWidth(rule: 'sturges' | 'fd' | 'auto', sample: RankedSample, ptp: number): number {
  const sturges = ptp / (Math.log2(sample.size) + 1);
  if (rule === 'sturges') return sturges;
  const iqr = quantile(sample, 0.75) - quantile(sample, 0.25);
  const fd = 2 * iqr * sample.size ** (-1 / 3);
  if (rule === 'fd') return fd;
  const sqrtWidth = ptp / Math.sqrt(sample.size);
  return Math.min(Math.max(fd, sqrtWidth / 2), sturges);
}

/** At most this many bins (a rule's width on data with a tiny spread and far outliers can ask for billions). */
export const MAX_BINS = 1_000_000;

/** Raw edges by a rule (before the outer ones are opened): what NumPy returns; null past MAX_BINS bins. */
export function ruleEdges(rule: Binning, sample: RankedSample, bins: number): number[] | null {
  if (rule === 'quantile') return quantileLevels(bins).map((level) => quantile(sample, level));
  let first = sample.at(0);
  let last = sample.at(sample.size - 1);
  if (first === last) {
    first -= 0.5;
    last += 0.5;
  }
  if (rule === 'uniform') return linspace(first, last, bins + 1);
  const width = ruleWidth(rule, sample, sample.at(sample.size - 1) - sample.at(0));
  const count = width ? Math.ceil((last - first) / width) : 1;
  return count > MAX_BINS ? null : linspace(first, last, count + 1);
}

/** A half-open bin as people read it: `[a, b)`, with −∞ and ∞ at open ends, edges in full. */
export function binLabel(lower: number, upper: number): string {
  const show = (edge: number): string => (edge === -Infinity ? '−∞' : edge === Infinity ? '∞' : String(edge));
  return `[${show(lower)}, ${show(upper)})`;
}

/** How many values of a sorted sample are < x. */
function countBelow(sorted: Float64Array, x: number): number {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((sorted[middle] as number) < x) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** Counts of a sorted sample in each bin. */
export function binCounts(sorted: Float64Array, bins: Bins): Float64Array {
  const { edges } = bins;
  const k = edges.length - 1;
  const counts = new Float64Array(k);
  let previous = countBelow(sorted, edges[0] as number);
  for (let i = 0; i < k; i++) {
    const upper = edges[i + 1] as number;
    const below = upper === Infinity ? sorted.length : countBelow(sorted, upper);
    counts[i] = below - previous;
    previous = below;
  }
  return counts;
}

/**
 * Bins from a rule's raw edges: the outer edges opened to ±∞, duplicates dropped, and for
 * quantile bins every edge removed that would leave a bin of `samples` (together) empty
 * (merged into its neighbour).
 */
export function openBins(raw: readonly number[], rule: Binning, samples: readonly Float64Array[] | null): Bins {
  const interior = raw.slice(1, -1);
  const edges = [-Infinity];
  for (const edge of interior) if (edge > (edges[edges.length - 1] as number)) edges.push(edge);
  edges.push(Infinity);
  if (rule !== 'quantile' || samples === null) return { edges };
  // Counted in each sorted sample and added: the union is never materialised.
  const below = (x: number) => samples.reduce((total, sample) => total + countBelow(sample, x), 0);
  const size = samples.reduce((total, sample) => total + sample.length, 0);
  const kept = [-Infinity];
  let previous = 0;
  for (let i = 1; i < edges.length - 1; i++) {
    const count = below(edges[i] as number);
    if (count > previous) {
      kept.push(edges[i] as number);
      previous = count;
    }
  }
  // The last bin, [last kept edge, ∞), must hold a value too.
  if (kept.length > 1 && below(kept[kept.length - 1] as number) === size) kept.pop();
  kept.push(Infinity);
  return { edges: kept };
}

/**
 * Explicit edges (--edges, strictly increasing), half-open like every bin, plus an open
 * bin below the first edge and one from the last edge up when some value of either sample
 * lies there (nothing is dropped).
 */
export function explicitBins(edges: readonly number[], samples: readonly Float64Array[]): Bins {
  const first = edges[0] as number;
  const last = edges[edges.length - 1] as number;
  const below = samples.some((sample) => sample.length > 0 && (sample[0] as number) < first);
  const above = samples.some((sample) => sample.length > 0 && (sample[sample.length - 1] as number) >= last);
  return { edges: [...(below ? [-Infinity] : []), ...edges, ...(above ? [Infinity] : [])] };
}
