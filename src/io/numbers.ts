/**
 * Strict numeric cells. `Number()` accepts "", " ", "0x10", "1_0"-free but hex, binary and
 * whitespace-padded strings; a data file that contains those has a problem the user must
 * hear about, so cells must match a plain decimal numeral.
 */
const DECIMAL = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const NON_FINITE = /^([+-]?)(?:inf|infinity|nan)$/i;

/**
 * A plain decimal numeral (surrounding whitespace ignored) as a number, NaN for anything
 * else: the one rule for numbers on the command line (--max, --base, --bins, …) too.
 */
export function parseDecimal(text: string): number {
  const trimmed = text.trim();
  return DECIMAL.test(trimmed) ? Number(trimmed) : Number.NaN;
}

export type CellParse = { ok: true; value: number } | { ok: false; reason: 'not-a-number' | 'overflow' | 'not-finite'; value?: number };

/**
 * Parses one cell.
 * - Decimal numerals (`1`, `+1`, `1.`, `.5`, `2.5e-3`) are accepted; ones that underflow
 *   become 0 or a subnormal as IEEE 754 rounding says.
 * - A numeral too large for float64 (`1e999`) is an overflow, not Infinity.
 * - `-inf`/`-Infinity` is −Infinity, which only log kinds accept (log 0).
 * - `inf`, `Infinity`, `NaN` are recognised (so they are reported as non-finite rather
 *   than mistaken for labels) and rejected.
 */
export function parseCell(text: string): CellParse {
  if (DECIMAL.test(text)) {
    const value = Number(text);
    if (!Number.isFinite(value)) return { ok: false, reason: 'overflow' };
    return { ok: true, value };
  }
  const nonFinite = NON_FINITE.exec(text);
  if (nonFinite) {
    const lower = text.toLowerCase();
    if (nonFinite[1] === '-' && !lower.includes('nan')) return { ok: true, value: -Infinity };
    return { ok: false, reason: 'not-finite', value: lower.includes('nan') ? NaN : Infinity };
  }
  return { ok: false, reason: 'not-a-number' };
}

/** True when the cell reads as a number of any kind, including the rejected non-finite ones. */
export function looksNumeric(text: string): boolean {
  return DECIMAL.test(text) || NON_FINITE.test(text);
}

export function describeCellProblem(text: string, reason: 'not-a-number' | 'overflow' | 'not-finite'): string {
  const shown = JSON.stringify(text.length > 40 ? `${text.slice(0, 40)}…` : text);
  switch (reason) {
    case 'overflow':
      return `value ${shown} is too large for a 64-bit float`;
    case 'not-finite':
      return `value ${shown} is not finite`;
    default:
      return text === '' ? 'empty cell where a number was expected' : `value ${shown} is not a number`;
  }
}
