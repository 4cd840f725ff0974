import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { percentileSorted, percentiles, summarize } from '../../src/measures/stats.js';
import { loadJson, relativeError } from '../helpers/reference.js';

interface Reference {
  logits: { summary: Record<string, Record<string, number>> };
}

describe('batch statistics', () => {
  const reference = loadJson<Reference>('batch/reference.json');
  it('match NumPy (mean, stderr, linear percentiles) on the reference rows', () => {
    // Reconstruct the per-row values from the reference and summarise them ourselves.
    const rows = loadJson<{ logits: { rows: { kl_forward: number }[] } }>('batch/reference.json').logits.rows;
    const stats = summarize(Float64Array.from(rows, (row) => row.kl_forward));
    const expected = reference.logits.summary['kl_forward'] as Record<string, number>;
    for (const key of ['mean', 'stderr', 'median', 'p90', 'p95', 'p99', 'min', 'max', 'argmin', 'argmax'] as const) {
      expect(relativeError(stats[key] as number, expected[key] as number), key).toBeLessThan(1e-13);
    }
  });
  it('percentiles interpolate linearly, as numpy.percentile does by default', () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    expect(percentileSorted(sorted, 0.5)).toBe(2.5);
    expect(percentileSorted(sorted, 0.9)).toBeCloseTo(3.7, 15);
    expect(percentileSorted(sorted, 1)).toBe(4);
  });
  it('one row has no standard error; infinite rows give Infinity, never NaN', () => {
    expect(summarize(Float64Array.from([0.5])).stderr).toBeNull();
    const stats = summarize(Float64Array.from([0.1, Infinity, 0.2, 0.3]));
    expect(stats.mean).toBe(Infinity);
    expect(stats.stderr).toBe(Infinity);
    expect(stats.max).toBe(Infinity);
    expect(stats.argmax).toBe(1);
    expect(stats.median).toBe(0.25);
    expect(stats.p99).toBe(Infinity);
    expect(Number.isNaN(stats.p90)).toBe(false);
  });
});

describe('percentiles by selection', () => {
  it('equal the percentiles of the sorted values, bit for bit (ties, zeros, infinities)', () => {
    const value = fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(0, 1, Infinity), fc.integer({ min: 0, max: 3 }));
    fc.assert(
      fc.property(
        fc.array(value, { minLength: 1, maxLength: 300 }),
        fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 1, maxLength: 6 }),
        (list, qs) => {
          const values = Float64Array.from(list);
          const sorted = Float64Array.from(values).sort();
          const before = Float64Array.from(values);
          const got = percentiles(values, qs);
          expect(values).toEqual(before);
          for (const [i, q] of qs.entries())
            expect(Object.is(got[i], percentileSorted(sorted, q)) || (got[i] === 0 && percentileSorted(sorted, q) === 0)).toBe(true);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
