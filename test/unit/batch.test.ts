import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KlError } from '../../src/errors.js';
import { readNpy } from '../../src/io/npy.js';
import { percentileSorted, percentiles, summarize } from '../../src/measures/stats.js';
import { fixturePath, loadJson, relativeError } from '../helpers/reference.js';
import { asBatch, asDistribution, collectRows } from '../helpers/streams.js';

function npyStream(name: string, chunkSize = 7): Readable {
  // Small chunks exercise rows and headers split across reads.
  const bytes = readFileSync(fixturePath(name));
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  return Readable.from(chunks);
}

async function npyRows(name: string): Promise<number[][]> {
  const input = await readNpy(npyStream(name), name);
  return (await collectRows(asBatch(input))).map((row) => Array.from(row.values));
}

describe('.npy reader', () => {
  const expected = [
    [1, 2, 3, 4],
    [4, 3, 2, 1],
  ];
  for (const name of [
    'le-f2',
    'be-f2',
    'le-f4',
    'be-f4',
    'le-f8',
    'be-f8',
    'i1',
    'u1',
    'le-i2',
    'be-i2',
    'le-i4',
    'be-i4',
    'le-i8',
    'be-i8',
    'le-u2',
    'le-u4',
    'be-u8',
  ]) {
    it(`reads ${name}`, async () => {
      expect(await npyRows(`npy/${name}.npy`)).toEqual(expected);
    });
  }
  it('reads Fortran-order 2-D arrays', async () => {
    expect(await npyRows('npy/fortran.npy')).toEqual(expected);
  });
  it('reads format versions 2 and 3', async () => {
    expect(await npyRows('npy/version-2.npy')).toEqual(expected);
    expect(await npyRows('npy/version-3.npy')).toEqual(expected);
  });
  it('reads 1-D as one distribution', async () => {
    const input = asDistribution(await readNpy(npyStream('npy/one-d.npy'), 'one-d.npy'));
    expect(Array.from(input.values)).toEqual([0.25, 0.25, 0.5]);
  });
  it('folds the leading dimensions of N-D arrays into rows', async () => {
    const rows = await npyRows('npy/three-d.npy');
    expect(rows).toHaveLength(6);
    expect(rows[5]).toEqual([21, 22, 23, 24]);
  });
  it.each([
    ['bad/truncated.npy', 'data ends after 3 of 4 rows'],
    ['bad/shape-too-large.npy', 'data ends after 4 of 9 rows'],
    ['bad/header-truncated.npy', 'the file ends inside the header'],
    ['bad/bad-dtype.npy', 'unsupported .npy dtype "<c8"'],
    ['bad/not-npy.npy', 'missing the \\x93NUMPY magic'],
  ])('%s: %s', async (name, fragment) => {
    let error: unknown;
    try {
      const input = await readNpy(npyStream(name), name);
      if (input.shape === 'batch') await collectRows(input);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(KlError);
    expect((error as KlError).message).toContain(fragment);
  });
});

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
