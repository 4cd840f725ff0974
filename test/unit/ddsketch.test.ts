/**
 * DDSketch's guarantee, checked against exact percentiles (NumPy's linear rule, stats.ts)
 * on skewed data: every estimate within α of the exact value (across zero: α times the
 * interpolated magnitudes; subnormal values count as 0). And merges: the sketch of a split, merged, is the sketch of all.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DDSketch } from '../../src/measures/ddsketch.js';
import { percentiles } from '../../src/measures/stats.js';

const ALPHA = 1e-3;
const LEVELS = [0, 0.001, 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1];

/** A seeded generator (mulberry32): the same data on every run. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function normal(next: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - next())) * Math.cos(2 * Math.PI * next());
}

/** Data as divergences are: spanning many orders of magnitude, with zeros, negatives and infinities. */
const DATASETS: Record<string, (next: () => number) => number> = {
  'log-normal, σ = 4 (KL per row)': (next) => Math.exp(4 * normal(next) - 6),
  'Pareto, α = 1.1': (next) => (1 - next()) ** (-1 / 1.1),
  'near-identical rows (1e-17 … 1e-9) and exact zeros': (next) => (next() < 0.2 ? 0 : 10 ** (-17 + 8 * next())),
  'Δp: both signs': (next) => normal(next) * 10 ** (-3 * next()),
  'a few infinite rows': (next) => (next() < 0.003 ? Infinity : Math.exp(normal(next))),
};

function checkBound(values: Float64Array, sketch: DDSketch): void {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const min = sorted[0] as number;
  const max = sorted[n - 1] as number;
  const exact = percentiles(values, LEVELS);
  LEVELS.forEach((level, i) => {
    const estimate = sketch.quantile(level, min, max);
    const truth = exact[i] as number;
    if (!Number.isFinite(truth)) {
      expect(estimate).toBe(truth);
      return;
    }
    const h = (n - 1) * level;
    const lower = Math.floor(h);
    const fraction = h - lower;
    const a = Math.abs(sorted[lower] as number);
    const b = Math.abs((sorted[Math.min(n - 1, lower + 1)] as number) || 0);
    // Subnormal magnitudes (below 2.2e-308) count as zeros: an absolute error that small.
    // With no fraction the upper neighbour does not count (it may be infinite: 0 · ∞ is NaN).
    const interpolated = fraction === 0 ? a : (1 - fraction) * a + fraction * b;
    // The 1e-9 of α (1e-12 relative) is for the rounding of γᵏ and of both interpolations.
    const bound = ALPHA * interpolated * (1 + 1e-9) + 2.3e-308;
    expect(Math.abs(estimate - truth), `${level}: ${estimate} vs ${truth}`).toBeLessThanOrEqual(bound);
  });
}

describe('DDSketch', () => {
  for (const [name, draw] of Object.entries(DATASETS)) {
    it(`estimates every percentile within α of the exact one: ${name}`, () => {
      const next = random(name.length * 7919);
      const values = Float64Array.from({ length: 100_000 }, () => draw(next));
      const sketch = new DDSketch(ALPHA);
      for (const value of values) sketch.add(value);
      expect(sketch.count).toBe(values.length);
      checkBound(values, sketch);
    });
  }

  it('a merge of the sketches of any split is the sketch of all the values, also through JSON', () => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(fc.double({ noNaN: true }), fc.constantFrom(0, -0, 5e-324, -1e-300, 1e300)), { minLength: 1, maxLength: 200 }),
        fc.array(fc.nat(), { maxLength: 5 }),
        (values, cuts) => {
          const whole = new DDSketch(ALPHA);
          for (const value of values) whole.add(value);
          const bounds = [...new Set([0, ...cuts.map((cut) => cut % (values.length + 1)), values.length])].sort((a, b) => a - b);
          const merged = new DDSketch(ALPHA);
          for (let k = bounds.length - 2; k >= 0; k--) {
            const part = new DDSketch(ALPHA);
            for (const value of values.slice(bounds[k], bounds[k + 1])) part.add(value);
            merged.merge(DDSketch.fromJSON(JSON.parse(JSON.stringify(part.toJSON()))));
          }
          expect(merged.toJSON()).toEqual(whole.toJSON());
          checkBound(Float64Array.from(values), merged);
        },
      ),
      {
        numRuns: 300,
        examples: [
          [[0, Number.POSITIVE_INFINITY], []],
          [[8.976524795746129e307, 0, 8.976524795746129e307], []],
          [[8.976524795746333e307, 8.985501320551056e307, 0], []],
          [[Number.NEGATIVE_INFINITY, -1.7968370988369285e308, 0], []],
        ],
      },
    );
  });

  it('refuses NaN and merges of other accuracies', () => {
    expect(() => new DDSketch(ALPHA).add(Number.NaN)).toThrow(/NaN/);
    expect(() => new DDSketch(ALPHA).merge(new DDSketch(0.01))).toThrow(/accuracies/);
  });
});
