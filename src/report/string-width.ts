/**
 * Display width of a string, as string-width computes it, faster. cli-table3 measures
 * every cell several times, and string-width runs a large emoji regex over each string:
 * a measurable part of a small `kl compare` (figures: BENCHMARKS.md, "Why the code is as it is"). Printable ASCII is
 * measured by its length (nothing in it is wide, zero-width or part of an emoji), and
 * other strings are measured once and remembered. The bundle hands this function to
 * cli-table3 in place of string-width (scripts/build.mjs); test/unit/string-width.test.ts
 * checks that both agree on every string.
 */
import realStringWidth from 'string-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** Distinct strings remembered at most (a table with --rows all has many). */
const MEMO_LIMIT = 10_000;
const memo = new Map<string, number>();

export function stringWidth(text: string): number {
  if (typeof text !== 'string') return realStringWidth(text);
  if (PRINTABLE_ASCII.test(text)) return text.length;
  let width = memo.get(text);
  if (width === undefined) {
    width = realStringWidth(text);
    if (memo.size >= MEMO_LIMIT) memo.clear();
    memo.set(text, width);
  }
  return width;
}
