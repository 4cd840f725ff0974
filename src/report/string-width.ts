/**
 * Display width of a string, as string-width computes it, with a fast path for printable
 * ASCII, whose width is its length. cli-table3 measures every cell several times, and
 * string-width runs a large emoji regex over each string: in a fresh process that was
 * about 2.5 ms of a 10 ms `kl compare`. The bundle hands this function to cli-table3 in
 * place of string-width (scripts/build.mjs); test/unit/string-width.test.ts checks that
 * both agree on every string.
 */
import realStringWidth from 'string-width';

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;

export function stringWidth(text: string): number {
  return typeof text === 'string' && PRINTABLE_ASCII.test(text) ? text.length : realStringWidth(text);
}
