/**
 * The bundle gives cli-table3 src/report/string-width.ts in place of string-width; table
 * layout depends on both agreeing on every string.
 */
import fc from 'fast-check';
import realStringWidth from 'string-width';
import { describe, expect, it } from 'vitest';
import { NARROW_RANGES, stringWidth } from '../../src/report/string-width.js';

describe('stringWidth (string-width with a fast path for narrow text)', () => {
  it.each([
    ['', 0],
    ['kl_forward', 10],
    ['D(p.csv ‖ q.csv)', 16],
    ['√(½·Σ(√p − √q)²)', 16],
    ['token 猫', 8],
    ['👍🏽 ok', 5],
    ['\u001b[1mbold\u001b[22m', 4],
    ['tab\there', 7],
    ['del\u007f', 3],
    ['e\u0301', 1],
  ])('%j is %d columns wide, as string-width says', (text, width) => {
    expect(stringWidth(text)).toBe(width);
    expect(realStringWidth(text)).toBe(width);
  });

  it('agrees with string-width on printable ASCII, any ASCII, and any Unicode', () => {
    const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((code) => String.fromCharCode(code)) });
    const anyAscii = fc.string({ unit: fc.integer({ min: 0, max: 0x7f }).map((code) => String.fromCharCode(code)) });
    fc.assert(
      fc.property(fc.oneof(printable, anyAscii, fc.string({ unit: 'grapheme' }), fc.string({ unit: 'binary' })), (text) => {
        expect(stringWidth(text)).toBe(realStringWidth(text));
      }),
      { numRuns: 2000 },
    );
  });

  it('measures every code point of the narrow fast path as string-width does, alone, twice and among ASCII', () => {
    for (const [first, last] of NARROW_RANGES) {
      for (let code = first; code <= last; code++) {
        const character = String.fromCharCode(code);
        for (const text of [character, character + character, `a${character}b`]) {
          if (stringWidth(text) !== realStringWidth(text))
            expect({ code: code.toString(16), width: stringWidth(text) }).toEqual({ code: code.toString(16), width: realStringWidth(text) });
        }
      }
    }
  });
});
