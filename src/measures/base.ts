/**
 * Logarithm bases and their units. Every measure is computed in nats and converted
 * once at the end: log_b(x) = ln(x) / ln(b).
 */
export interface LogBase {
  /** The base b itself (Math.E for nats). */
  readonly value: number;
  /** Plural unit name: "nats", "bits", "bans", or "log-base-b units". */
  readonly unit: string;
  /** ln(b), the divisor that converts nats to this unit. */
  readonly lnBase: number;
}

export const NATS: LogBase = { value: Math.E, unit: 'nats', lnBase: 1 };
export const BITS: LogBase = { value: 2, unit: 'bits', lnBase: Math.LN2 };
export const BANS: LogBase = { value: 10, unit: 'bans', lnBase: Math.LN10 };

/**
 * A base from its numeric value. Returns null for a base that is not finite or ≤ 1: a base
 * below 1 has a negative logarithm, which would make every divergence negative.
 */
export function logBase(value: number): LogBase | null {
  if (!Number.isFinite(value) || value <= 1) return null;
  if (value === Math.E) return NATS;
  if (value === 2) return BITS;
  if (value === 10) return BANS;
  return { value, unit: `log-base-${value} units`, lnBase: Math.log(value) };
}

/** Converts a value in nats to `base`. Infinity stays Infinity. */
export function toBase(nats: number, base: LogBase): number {
  return base.lnBase === 1 ? nats : nats / base.lnBase;
}
