/**
 * All human wording of measures lives here: titles, expressions with the input names,
 * units and number formatting. Formatters only arrange it.
 */
import { type MeasureName, UNITLESS_MEASURES } from '../measures/pair.js';
import type { Names } from '../result.js';
import type { JsonNumber } from './schema.js';

export const MEASURE_TITLES: Record<MeasureName, string> = {
  entropy_p: 'entropy of P',
  entropy_q: 'entropy of Q',
  cross_entropy_pq: 'cross-entropy P→Q',
  cross_entropy_qp: 'cross-entropy Q→P',
  kl_forward: 'forward KL',
  kl_reverse: 'reverse KL',
  js_divergence: 'Jensen–Shannon divergence',
  js_distance: 'Jensen–Shannon distance',
  jeffreys: 'Jeffreys (symmetric KL)',
  total_variation: 'total variation',
  hellinger: 'Hellinger distance',
};

/** The expression a measure computes, with the inputs' names in place of P and Q. */
export function expression(name: MeasureName, names: Names): string {
  const p = names.p;
  const q = names.q ?? 'Q';
  switch (name) {
    case 'entropy_p':
      return `H(${p})`;
    case 'entropy_q':
      return `H(${q})`;
    case 'cross_entropy_pq':
      return `H(${p}, ${q})`;
    case 'cross_entropy_qp':
      return `H(${q}, ${p})`;
    case 'kl_forward':
      return `D(${p} ‖ ${q})`;
    case 'kl_reverse':
      return `D(${q} ‖ ${p})`;
    case 'js_divergence':
      return `JS(${p}, ${q})`;
    case 'js_distance':
      return `√JS(${p}, ${q})`;
    case 'jeffreys':
      return `J(${p}, ${q})`;
    case 'total_variation':
      return `½·Σ|p − q|`;
    case 'hellinger':
      return `√(½·Σ(√p − √q)²)`;
  }
}

/** The unit a measure is expressed in, given the run's unit ("nats", "bits", …). */
export function measureUnit(name: MeasureName, unit: string): string {
  if (UNITLESS_MEASURES.has(name)) return '';
  if (name === 'js_distance') return `√${unit}`;
  return unit;
}

/** Full-precision text for machines: shortest round-trip decimal, infinities spelled out. */
export function machineNumber(value: number): string {
  if (Number.isNaN(value)) throw new Error('internal error: a measure came out NaN');
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  // The same text as String(value), without going through V8's number-to-string cache,
  // which keeps each result alive across a garbage collection: for a batch printing
  // millions of numbers that alone grew the young generation to its maximum.
  return JSON.stringify(value);
}

export function jsonNumber(value: number): JsonNumber {
  if (Number.isNaN(value)) throw new Error('internal error: a measure came out NaN');
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

/** Six significant digits for people; exponent form for very small or large values. */
export function humanNumber(value: number): string {
  if (Number.isNaN(value)) throw new Error('internal error: a measure came out NaN');
  if (value === Infinity) return '∞';
  if (value === -Infinity) return '−∞';
  if (value === 0) return '0';
  const magnitude = Math.abs(value);
  if (magnitude < 1e-4 || magnitude >= 1e6) {
    return value.toExponential(5).replace(/\.?0+e/, 'e');
  }
  const text = value.toPrecision(6);
  return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
}
