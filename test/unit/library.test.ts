/**
 * The library (src/index.ts) agrees with itself and with the command line's rules: entropy
 * alone equals compare's entropy_p, labelled inputs align by label, bad inputs throw coded errors.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { compare, entropy, InputError, klDivergence } from '../../src/index.js';

describe('library', () => {
  it('entropy(p) is compare(p, p).measures.entropy_p, bit for bit, with any base and smoothing', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 30 }).filter((counts) => counts.some((count) => count > 0)),
        fc.constantFrom<'e' | number>('e', 2, 10, 3.5),
        fc.constantFrom(0, 1e-3),
        (counts, base, smooth) => {
          const options = { kind: 'counts' as const, base, smooth };
          expect(Object.is(entropy(counts, options), compare(counts, counts, options).measures.entropy_p)).toBe(true);
        },
      ),
    );
  });

  it('aligns labelled inputs by label, refuses a labelled one against a positional one, and codes its errors', () => {
    expect(
      klDivergence(
        { a: 0.5, b: 0.5 },
        new Map([
          ['b', 0.5],
          ['a', 0.5],
        ]),
      ),
    ).toBe(0);
    expect(() => klDivergence({ a: 1 }, [1])).toThrow(InputError);
    const error = (() => {
      try {
        entropy([0.5, 0.4]);
      } catch (caught) {
        return caught as InputError;
      }
      return null;
    })();
    expect(error?.code).toBe('not-normalized');
    expect(() => entropy([1], { smooth: -1 })).toThrow(/must be ≥ 0/);
    expect(() => klDivergence([1], [1], { base: 0.5 })).toThrow(/> 1/);
  });
});
