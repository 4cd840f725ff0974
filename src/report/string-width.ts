/**
 * Display width of a string, as string-width computes it, faster. cli-table3 measures
 * every cell several times, and string-width runs a large emoji regex over each string:
 * a measurable part of a small `kl compare` (figures: BENCHMARKS.md, "Why the code is as it is"). Text made of
 * printable ASCII and the narrow symbols kl's own tables use (‖, …, ·, ×, −, ≥, →, Σ,
 * box drawing) is measured by its length: nothing in NARROW_RANGES is wide, zero-width,
 * combining, a control or part of an emoji (the test checks every code point of them);
 * building string-width's emoji pattern for the first ‖ of a table was ~1.5 ms of every
 * `kl compare`. Other strings are measured once and remembered. The bundle hands this function to
 * cli-table3 in place of string-width (scripts/build.mjs); test/unit/string-width.test.ts
 * checks that both agree on every string.
 */
import realStringWidth from 'string-width';

/** Code point ranges string-width counts as one column each: no emoji, wide, zero-width or combining one among them. */
export const NARROW_RANGES: readonly (readonly [number, number])[] = [
  [0x20, 0x7e],
  [0xa0, 0x2ff],
  [0x370, 0x3ff],
  [0x2010, 0x203b],
  [0x2190, 0x2193],
  [0x2200, 0x22ff],
  [0x2500, 0x259f],
];
const hex = (code: number) => `\\u${code.toString(16).padStart(4, '0')}`;
const NARROW = new RegExp(`^[${NARROW_RANGES.map(([first, last]) => `${hex(first)}-${hex(last)}`).join('')}]*$`);
/** Distinct strings remembered at most (a table with --rows all has many). */
const MEMO_LIMIT = 10_000;
const memo = new Map<string, number>();

export function stringWidth(text: string): number {
  if (typeof text !== 'string') return realStringWidth(text);
  if (NARROW.test(text)) return text.length;
  let width = memo.get(text);
  if (width === undefined) {
    width = realStringWidth(text);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(text, width);
  }
  return width;
}
