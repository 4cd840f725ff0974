/**
 * Two-sample measures on raw observations (`kl drift`), each as SciPy computes it, on
 * samples sorted ascending (NaN-free: missing values are left out before).
 *
 * - ksTwoSample: `scipy.stats.ks_2samp(a, b)` (two-sided, method 'auto').
 * - wasserstein: `scipy.stats.wasserstein_distance(a, b)`.
 * - chiSquareTwoRows: `scipy.stats.chi2_contingency([a, b], correction=False)`.
 * - knnKl: the k-nearest-neighbour estimate of D(A‖B) of Wang, Kulkarni & Verdú (2009).
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import { kolmogorovSf } from './kolmogorov.js';
import { NeumaierSum } from './sum.js';

/** Sample sizes up to which ks_2samp's 'auto' method computes the exact p-value. */
const KS_EXACT_MAX_N = 10000;

export interface KsResult {
  statistic: number;
  pvalue: number;
  /** How the p-value was computed, as SciPy would say. */
  method: 'exact' | 'asymp';
}

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) [x, y] = [y, x % y];
  return x;
}

/** NumPy's round: halves to even. */
function roundHalfEven(value: number): number {
  const floor = Math.floor(value);
  const diff = value - floor;
  if (diff > 0.5) return floor + 1;
  if (diff < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** Proportion of lattice paths leaving |x − y| < h when m = n (SciPy's _compute_prob_outside_square). */
function probOutsideSquare(n: number, h: number): number {
  let p = 0;
  for (let k = Math.floor(n / h); k >= 0; k--) {
    let p1 = 1;
    for (let j = 0; j < h; j++) p1 = ((n - k * h - j) * p1) / (n + k * h + j + 1);
    p = p1 * (1 - p);
  }
  return 2 * p;
}

/**
 * Proportion of lattice paths from (0,0) to (m,n) that leave the band |x/m − y/n| < h/lcm
 * (SciPy's _compute_outer_prob_inside_method: Hodges 1958, with Viehmann's 2021 recursion
 * for 1 − p).
 */
function probOutsideBand(m0: number, n0: number, g: number, h: number): number {
  const [m, n] = m0 < n0 ? [n0, m0] : [m0, n0];
  const mg = m / g;
  const ng = n / g;
  let minj = 0;
  let maxj = Math.min(Math.ceil(h / mg), n + 1);
  let curlen = maxj - minj;
  const a = new Float64Array(Math.min(2 * maxj + 2, n + 1)).fill(1);
  a.fill(0, minj, maxj);
  for (let i = 1; i <= m; i++) {
    const lastminj = minj;
    const lastlen = curlen;
    minj = Math.min(Math.max(Math.floor((ng * i - h) / mg) + 1, 0), n);
    maxj = Math.min(Math.ceil((ng * i + h) / mg), n + 1);
    if (maxj <= minj) return 1;
    let value = minj === 0 ? 0 : 1;
    for (let jj = 0; jj < maxj - minj; jj++) {
      const j = jj + minj;
      value = (((a[jj + minj - lastminj] as number) ?? Number.NaN) * i + value * j) / (i + j);
      a[jj] = value;
    }
    curlen = maxj - minj;
    if (lastlen > curlen) a.fill(1, maxj - minj, maxj - minj + (lastlen - curlen));
  }
  return a[maxj - minj - 1] as number;
}

/** The exact two-sided p-value, or null where SciPy falls back to the asymptotic one. */
function exactKs(n1: number, n2: number, d: number): { statistic: number; pvalue: number } | null {
  const g = gcd(n1, n2);
  const lcm = (n1 / g) * n2;
  const h = roundHalfEven(d * lcm);
  const statistic = h / lcm;
  if (h === 0) return { statistic, pvalue: 1 };
  const pvalue = n1 === n2 ? probOutsideSquare(n1, h) : probOutsideBand(n1, n2, g, h);
  return pvalue >= 0 && pvalue <= 1 ? { statistic, pvalue } : null;
}

/** The two-sample Kolmogorov–Smirnov test, two-sided, on sorted samples. */
export function ksTwoSample(a: Float64Array, b: Float64Array): KsResult {
  const n1 = a.length;
  const n2 = b.length;
  // The largest gap between the empirical CDFs, each evaluated after every tie of a value.
  let i = 0;
  let j = 0;
  let largest = 0;
  let smallest = 0;
  while (i < n1 || j < n2) {
    const value = j >= n2 || (i < n1 && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    while (i < n1 && a[i] === value) i++;
    while (j < n2 && b[j] === value) j++;
    const diff = i / n1 - j / n2;
    if (diff > largest) largest = diff;
    if (diff < smallest) smallest = diff;
  }
  const minS = Math.min(Math.max(-smallest, 0), 1);
  const d = Math.max(minS, largest);
  if (Math.max(n1, n2) <= KS_EXACT_MAX_N) {
    const exact = exactKs(n1, n2, d);
    if (exact) return { ...exact, method: 'exact' };
  }
  const [m, n] = n1 >= n2 ? [n1, n2] : [n2, n1];
  const en = (m * n) / (m + n);
  return { statistic: d, pvalue: Math.min(1, Math.max(0, kolmogorovSf(roundHalfEven(en), d))), method: 'asymp' };
}

/** The 1-Wasserstein (earth mover's) distance between two sorted samples: ∫ |F_a − F_b|. */
export function wasserstein(a: Float64Array, b: Float64Array): number {
  const n1 = a.length;
  const n2 = b.length;
  const sum = new NeumaierSum();
  let i = 0;
  let j = 0;
  let previous = Math.min(a[0] as number, b[0] as number);
  while (i < n1 || j < n2) {
    const value = j >= n2 || (i < n1 && (a[i] as number) <= (b[j] as number)) ? (a[i] as number) : (b[j] as number);
    // Between the previous value and this one, both CDFs are constant.
    sum.add(Math.abs(i / n1 - j / n2) * (value - previous));
    previous = value;
    while (i < n1 && a[i] === value) i++;
    while (j < n2 && b[j] === value) j++;
  }
  return sum.value();
}

export interface ChiSquareResult {
  statistic: number;
  pvalue: number;
  dof: number;
}

/**
 * Pearson's χ² test of homogeneity on the 2×k table of counts [a, b] (every category has a
 * count on at least one side), without Yates' correction. The p-value is the regularised
 * upper incomplete gamma function Q(dof/2, χ²/2) (stdlib).
 */
export function chiSquareTwoRows(a: ArrayLike<number>, b: ArrayLike<number>): ChiSquareResult {
  const k = a.length;
  let totalA = 0;
  let totalB = 0;
  for (let c = 0; c < k; c++) {
    totalA += a[c] as number;
    totalB += b[c] as number;
  }
  const total = totalA + totalB;
  const sum = new NeumaierSum();
  for (let c = 0; c < k; c++) {
    const column = (a[c] as number) + (b[c] as number);
    const expectedA = (totalA * column) / total;
    const expectedB = (totalB * column) / total;
    sum.add(((a[c] as number) - expectedA) ** 2 / expectedA);
    sum.add(((b[c] as number) - expectedB) ** 2 / expectedB);
  }
  const dof = k - 1;
  if (dof === 0) return { statistic: 0, pvalue: 1, dof };
  const statistic = sum.value();
  return { statistic, pvalue: gammainc(statistic / 2, dof / 2, true, true), dof };
}

/**
 * The distance from `value` to its k-th nearest neighbour in sorted `sample`, where the
 * run [lo, hi) holds the sample's copies of `value` (none: lo = hi) and `self` of them are
 * the point itself. With ties, the k-th distance can be 0 and its log −∞: the point then
 * uses k' = (its ties) + 1, the nearest distinct value, as Wang, Kulkarni & Verdú's
 * generalised estimator allows (a k per point, corrected by ψ(l) − ψ(k)). In one dimension
 * the nearest neighbours form a contiguous run, so two pointers walk outwards from the ties.
 */
function neighbour(sample: Float64Array, value: number, lo: number, hi: number, self: number, k: number): { k: number; distance: number } | null {
  const ties = hi - lo - self;
  let left = lo - 1;
  let right = hi;
  const next = (): number => {
    const leftDistance = left >= 0 ? value - (sample[left] as number) : Infinity;
    const rightDistance = right < sample.length ? (sample[right] as number) - value : Infinity;
    if (leftDistance <= rightDistance) {
      left--;
      return leftDistance;
    }
    right++;
    return rightDistance;
  };
  if (ties >= k) {
    const distance = next();
    return distance === Infinity ? null : { k: ties + 1, distance };
  }
  let distance = 0;
  for (let found = ties; found < k; found++) distance = next();
  return distance === Infinity ? null : { k, distance };
}

/** Above this share of repeated values, a sample is treated as discrete and kl_knn is null. */
export const MAX_REPEATED_SHARE = 0.01;

/** The share of a sorted sample's values that equal another of its values. */
function repeatedShare(sorted: Float64Array): number {
  let repeated = 0;
  for (let i = 0; i < sorted.length; ) {
    let j = i + 1;
    while (j < sorted.length && sorted[j] === sorted[i]) j++;
    if (j - i > 1) repeated += j - i;
    i = j;
  }
  return sorted.length === 0 ? 0 : repeated / sorted.length;
}

/** ψ(l) − ψ(k) for whole numbers: Σ_{j=k}^{l−1} 1/j (or its negative). */
function digammaDifference(l: number, k: number): number {
  let sum = 0;
  for (let j = Math.min(k, l); j < Math.max(k, l); j++) sum += 1 / j;
  return l >= k ? sum : -sum;
}

/**
 * The k-nearest-neighbour estimate of D(A‖B) in nats for one-dimensional samples (Wang,
 * Kulkarni & Verdú 2009, eq. 5, with a k per point where ties make the k-th distance 0):
 *   D̂ = (1/n) Σᵢ [ln ν(i) − ln ρ(i)] + (1/n) Σᵢ [ψ(lᵢ) − ψ(kᵢ)] + ln(m / (n − 1)),
 * ρ(i) the distance from aᵢ to its kᵢ-th neighbour among the other a's, ν(i) to its lᵢ-th
 * neighbour among the b's. Copies of one value share their distances, so each run of
 * equal values is measured once.
 *
 * The estimator assumes continuous values: null when more than 1% of either sample's
 * values repeat (integers, heavy rounding: a discrete variable, whose binned measures are
 * the ones to read) or a sample has too few distinct values.
 */
export function knnKl(a: Float64Array, b: Float64Array, k: number): number | null {
  const n = a.length;
  const m = b.length;
  if (n < 2 || m < 1) return null;
  if (repeatedShare(a) > MAX_REPEATED_SHARE || repeatedShare(b) > MAX_REPEATED_SHARE) return null;
  const logs = new NeumaierSum();
  const corrections = new NeumaierSum();
  let bLo = 0;
  let bHi = 0;
  for (let lo = 0; lo < n; ) {
    const value = a[lo] as number;
    let hi = lo + 1;
    while (hi < n && a[hi] === value) hi++;
    while (bLo < m && (b[bLo] as number) < value) bLo++;
    if (bHi < bLo) bHi = bLo;
    while (bHi < m && b[bHi] === value) bHi++;
    const within = neighbour(a, value, lo, hi, 1, k);
    const across = neighbour(b, value, bLo, bHi, 0, k);
    if (!within || !across) return null;
    const copies = hi - lo;
    logs.add(copies * (Math.log(across.distance) - Math.log(within.distance)));
    if (within.k !== across.k) corrections.add(copies * digammaDifference(across.k, within.k));
    lo = hi;
  }
  return logs.value() / n + corrections.value() / n + Math.log(m / (n - 1));
}
