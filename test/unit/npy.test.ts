/** The .npy reader (io/npy.ts): dtypes, byte orders, versions, Fortran order, shapes. */
import { readFileSync } from 'node:fs';
import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KlError } from '../../src/errors.js';
import { readNpy } from '../../src/io/npy.js';
import { fixturePath } from '../helpers/reference.js';
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
