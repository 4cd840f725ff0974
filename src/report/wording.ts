/**
 * All human wording of measures lives here: titles, expressions with the input names,
 * units and number formatting. Formatters only arrange it.
 */
import { internalError } from '../errors.js';
import { MEASURE_NAMES, type MeasureName, measureSpec } from '../measures/catalog.js';
import type { CheckResult, Names } from '../result.js';
import type { JsonNumber } from './schema.js';

/** For people: "forward KL" (the catalog's titles). */
export const MEASURE_TITLES = Object.fromEntries(MEASURE_NAMES.map((name) => [name, measureSpec(name).title])) as Record<MeasureName, string>;

/** The expression a measure computes, with the inputs' names in place of P and Q. */
export function expression(name: MeasureName, names: Names): string {
  return measureSpec(name).expression(names.p, names.q ?? 'Q');
}

/** The unit a measure is expressed in, given the run's unit ("nats", "bits", …). */
export function measureUnit(name: MeasureName, unit: string): string {
  const kind = measureSpec(name).unit;
  return kind === 'none' ? '' : kind === 'sqrt-log' ? `√${unit}` : unit;
}

/** A check as one line: `kl_forward.mean = 0.0252… > max 0.01` (≤/≥ when it passed). */
export function describeCheck(check: CheckResult): string {
  const relation = check.passed ? (check.op === 'max' ? '≤' : '≥') : check.op === 'max' ? '>' : '<';
  return `${check.name} = ${machineNumber(check.value)} ${relation} ${check.op} ${check.limit}`;
}

/** Full-precision text for machines: shortest round-trip decimal, infinities spelled out. */
export function machineNumber(value: number): string {
  if (Number.isNaN(value)) throw internalError('a measure came out NaN');
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  // The same text as String(value), without going through V8's number-to-string cache,
  // which keeps each result alive across a garbage collection: for a batch printing
  // millions of numbers that alone grew the young generation to its maximum.
  return JSON.stringify(value);
}

export function jsonNumber(value: number): JsonNumber {
  if (Number.isNaN(value)) throw internalError('a measure came out NaN');
  if (value === Infinity) return 'Infinity';
  if (value === -Infinity) return '-Infinity';
  return value;
}

/** Six significant digits for people; exponent form for very small or large values. */
export function humanNumber(value: number): string {
  if (Number.isNaN(value)) throw internalError('a measure came out NaN');
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
