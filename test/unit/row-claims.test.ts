/**
 * RowClaims: the worker's rows taken from the front and the main thread's from the back
 * never overlap, leave none out, and come in order from each end.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MAX_CLAIMED_ROWS, RowClaims } from '../../src/compute/parallel/row-claims.js';

describe('RowClaims', () => {
  it('splits a range between the two ends, whatever the order of the claims', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 1000 }), fc.integer({ min: 0, max: 300 }), fc.array(fc.boolean(), { maxLength: 400 }), (first, size, order) => {
        const claims = RowClaims.create(first, first + size);
        const front: number[] = [];
        const back: number[] = [];
        for (const fromFront of [...order, ...Array.from({ length: size + 2 }, () => true)]) {
          const row = fromFront ? claims.takeFront() : claims.takeBack();
          if (row >= 0) (fromFront ? front : back).push(row);
        }
        expect(claims.takeFront()).toBe(-1);
        expect(claims.takeBack()).toBe(-1);
        expect([...front, ...back.slice().reverse()]).toEqual(Array.from({ length: size }, (_, i) => first + i));
      }),
      { numRuns: 500 },
    );
  });

  it('shares its state through the buffer (as a worker gets it), and refuses ranges its counts cannot hold', () => {
    const main = RowClaims.create(10, 14);
    const worker = new RowClaims(main.buffer, 10, 14);
    expect([worker.takeFront(), main.takeBack(), worker.takeFront(), main.takeBack(), worker.takeFront(), main.takeBack()]).toEqual([10, 13, 11, 12, -1, -1]);
    expect(() => RowClaims.create(0, MAX_CLAIMED_ROWS + 1)).toThrow(RangeError);
  });
});
