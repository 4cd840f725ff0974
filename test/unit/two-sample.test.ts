/**
 * `kl drift`'s measures on raw samples against SciPy and NumPy (fixtures/reference/drift.json,
 * made by scripts/make-drift-references.py), and the kNN estimate against a closed form.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { psi } from '../../src/compute/drift.js';
import { binCounts, linspace, openBins, quantile, rankedOf, rankedUnion, ruleEdges } from '../../src/measures/binning.js';
import { kolmogorovSf } from '../../src/measures/kolmogorov.js';
import { chiSquareTwoRows, knnKl, ksTwoSample, wasserstein } from '../../src/measures/two-sample.js';
import { loadJson, parseReference, relativeError } from '../helpers/reference.js';

interface Reference {
  ks: { a: number[]; b: number[]; statistic: number; pvalue: number; method: string; wasserstein: number }[];
  kolmogorov: [number, number, number][];
  chi2: { ref: number[]; cur: number[]; statistic: number; pvalue: number; dof: number }[];
  binning: { sample: number[]; quantile: number[]; quantile_bins: (number | string)[]; sturges: number[]; fd: number[]; auto: number[]; uniform7: number[] }[];
}

const reference = loadJson<Reference>('reference/drift.json');
const sorted = (values: number[]): Float64Array => Float64Array.from(values).sort();
const edgeOf = (edge: number | string): number => (edge === '-Infinity' ? -Infinity : typeof edge === 'string' ? parseReference(edge) : edge);

describe('the Kolmogorov distribution (scipy.stats.kstwo.sf)', () => {
  it('agrees with SciPy to 1e-10 relative in every region (Ruben–Gambino, Durbin, Pomeranz, Pelz–Good, Smirnov)', () => {
    for (const [n, x, expected] of reference.kolmogorov) {
      const actual = kolmogorovSf(n, x);
      // Below 1e-290 both are 0 or subnormal noise.
      if (expected < 1e-290) expect(actual).toBeLessThan(1e-280);
      else expect(relativeError(actual, expected), `n=${n} x=${x}`).toBeLessThan(1e-10);
    }
  });
  it('is 1 at 0 and 0 at 1, and never increases in x', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 3000 }), fc.double({ min: 0, max: 1, noNaN: true }), fc.double({ min: 0, max: 1, noNaN: true }), (n, x1, x2) => {
        const [lo, hi] = x1 <= x2 ? [x1, x2] : [x2, x1];
        expect(kolmogorovSf(n, hi)).toBeLessThanOrEqual(kolmogorovSf(n, lo) + 1e-12);
      }),
      { numRuns: 300 },
    );
    expect(kolmogorovSf(10, 0)).toBe(1);
    expect(kolmogorovSf(10, 1)).toBe(0);
  });
});

describe('ks_2samp and wasserstein_distance', () => {
  it('give SciPy statistic, p-value (1e-9) and method on exact and asymptotic samples, ties included', () => {
    const methods = new Set<string>();
    for (const entry of reference.ks) {
      const a = sorted(entry.a);
      const b = sorted(entry.b);
      const ks = ksTwoSample(a, b);
      methods.add(ks.method);
      expect(ks.method).toBe(entry.method);
      expect(relativeError(ks.statistic, entry.statistic)).toBeLessThan(1e-12);
      expect(relativeError(ks.pvalue, entry.pvalue), `n=${a.length},${b.length}`).toBeLessThan(1e-9);
      expect(relativeError(wasserstein(a, b), entry.wasserstein)).toBeLessThan(1e-12);
    }
    expect(methods).toEqual(new Set(['exact', 'asymp']));
  });
  it('are 0 (p = 1) for a sample against itself, and symmetric', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 60 }),
        fc.array(fc.integer({ min: -50, max: 50 }), { minLength: 1, maxLength: 60 }),
        (x, y) => {
          const a = sorted(x);
          const b = sorted(y);
          expect(ksTwoSample(a, a)).toMatchObject({ statistic: 0, pvalue: 1 });
          expect(wasserstein(a, a)).toBe(0);
          expect(ksTwoSample(a, b).statistic).toBe(ksTwoSample(b, a).statistic);
          expect(relativeError(wasserstein(a, b), wasserstein(b, a))).toBeLessThan(1e-12);
        },
      ),
      { numRuns: 200 },
    );
  });
});

describe('chi2_contingency on the 2×k table (no correction)', () => {
  it('agrees with SciPy', () => {
    for (const entry of reference.chi2) {
      const result = chiSquareTwoRows(entry.ref, entry.cur);
      expect(result.dof).toBe(entry.dof);
      expect(relativeError(result.statistic, entry.statistic)).toBeLessThan(1e-12);
      expect(relativeError(result.pvalue, entry.pvalue)).toBeLessThan(1e-9);
    }
  });
  it('is 0 with p = 1 for one category', () => {
    expect(chiSquareTwoRows([5], [9])).toEqual({ statistic: 0, pvalue: 1, dof: 0 });
  });
});

describe('bin edges as NumPy makes them', () => {
  it('np.quantile (linear) and np.histogram_bin_edges (sturges, fd, auto, 7 equal bins), bit for bit', () => {
    for (const entry of reference.binning) {
      const sample = rankedOf(sorted(entry.sample));
      expect(linspace(0, 1, 11).map((level) => quantile(sample, level))).toEqual(entry.quantile);
      expect(ruleEdges('sturges', sample, 0)).toEqual(entry.sturges);
      expect(ruleEdges('fd', sample, 0)).toEqual(entry.fd);
      expect(ruleEdges('auto', sample, 0)).toEqual(entry.auto);
      expect(ruleEdges('uniform', sample, 7)).toEqual(entry.uniform7);
    }
  });
  it('quantile bins: open outer edges, ties never give an empty or duplicate bin', () => {
    for (const entry of reference.binning) {
      const values = sorted(entry.sample);
      const bins = openBins(ruleEdges('quantile', rankedOf(values), 10) ?? [], 'quantile', [values]);
      expect(bins.edges).toEqual(entry.quantile_bins.map(edgeOf));
      expect([...binCounts(values, bins)].every((count) => count > 0)).toBe(true);
    }
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 6 }), { minLength: 1, maxLength: 80 }), fc.integer({ min: 1, max: 20 }), (raw, count) => {
        const values = sorted(raw);
        const bins = openBins(ruleEdges('quantile', rankedOf(values), count) ?? [], 'quantile', [values]);
        const counts = binCounts(values, bins);
        expect([...counts].every((c) => c > 0)).toBe(true);
        expect(counts.reduce((a, b) => a + b, 0)).toBe(values.length);
        for (let i = 1; i < bins.edges.length; i++) expect(bins.edges[i]).toBeGreaterThan(bins.edges[i - 1] as number);
      }),
      { numRuns: 300 },
    );
  });
  it('the union of two sorted samples read by rank is their merge', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -20, max: 20 })), fc.array(fc.integer({ min: -20, max: 20 })), (x, y) => {
        fc.pre(x.length + y.length > 0);
        const union = rankedUnion(sorted(x), sorted(y));
        const merged = sorted([...x, ...y]);
        for (let k = 0; k < merged.length; k++) expect(union.at(k)).toBe(merged[k]);
      }),
    );
  });
});

describe('PSI', () => {
  it('is 0 for equal distributions, symmetric, and +∞ when a bin is empty on one side only', () => {
    const p = Float64Array.of(0.2, 0.3, 0.5);
    const q = Float64Array.of(0.25, 0.25, 0.5);
    expect(psi(p, p)).toBe(0);
    expect(psi(p, q)).toBeCloseTo(psi(q, p), 15);
    expect(psi(Float64Array.of(0.5, 0.5), Float64Array.of(1, 0))).toBe(Infinity);
    expect(psi(Float64Array.of(0, 1), Float64Array.of(0, 1))).toBe(0);
  });
});

/** A seeded standard normal (xorshift + Box–Muller), so the test is the same every run. */
function normals(seed: number, count: number, mean: number, sd: number): Float64Array {
  let state = seed >>> 0 || 1;
  const uniform = () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return (state + 0.5) / 4294967296;
  };
  const out = new Float64Array(count);
  for (let i = 0; i < count; i += 2) {
    const r = Math.sqrt(-2 * Math.log(uniform()));
    const t = 2 * Math.PI * uniform();
    out[i] = mean + sd * r * Math.cos(t);
    if (i + 1 < count) out[i + 1] = mean + sd * r * Math.sin(t);
  }
  return out.sort();
}

describe('kl_knn (Wang, Kulkarni & Verdú 2009)', () => {
  it('estimates D(N(0,1)‖N(0.5,1.5²)) within its sampling error at n = 100,000', () => {
    // Closed form: ln(σ2/σ1) + (σ1² + (μ1 − μ2)²) / (2σ2²) − 1/2.
    const exact = Math.log(1.5) + (1 + 0.25) / (2 * 2.25) - 0.5;
    const estimates = [1, 2, 3, 4, 5].map((seed) => knnKl(normals(seed, 100_000, 0, 1), normals(seed + 100, 100_000, 0.5, 1.5), 5) as number);
    const mean = estimates.reduce((a, b) => a + b, 0) / estimates.length;
    const sd = Math.sqrt(estimates.reduce((a, b) => a + (b - mean) ** 2, 0) / (estimates.length - 1));
    // The spread of the five estimates is the sampling error; the mean lies within 4 standard errors.
    expect(Math.abs(mean - exact)).toBeLessThan(4 * (sd / Math.sqrt(estimates.length)));
    for (const estimate of estimates) expect(Math.abs(estimate - exact)).toBeLessThan(4 * sd);
  });
  it('is null for discrete samples (more than 1% repeated values) and for too few values', () => {
    expect(knnKl(sorted([1, 1, 2, 3, 4, 5, 6, 7]), sorted([1, 2, 3, 4, 5, 6, 7, 8]), 1)).toBeNull();
    expect(knnKl(sorted([1]), sorted([1, 2]), 1)).toBeNull();
    expect(knnKl(sorted([1, 2, 3]), sorted([1.5, 2.5]), 5)).toBeNull();
  });
});

describe('bin counts are bounded', () => {
  it('a rule asking for more than a million bins (fd on a narrow bulk with far outliers) gives null, not billions of edges', () => {
    const values = sorted([...Array.from({ length: 1000 }, (_, i) => i * 1e-9), 1e9]);
    expect(ruleEdges('fd', rankedOf(values), 0)).toBeNull();
    expect(ruleEdges('sturges', rankedOf(values), 0)).toHaveLength(12);
  });
});
