/**
 * Turns raw values into probabilities for one side, translating math-level failures into
 * InputErrors that name the file, line and category.
 */
import { at, type ErrorCode, InputError } from '../errors.js';
import { type Kind, type Prepared, type PrepareOptions, type Scratch, toProbabilities } from '../measures/prepare.js';

export interface Provenance {
  source: string;
  labels: string[] | null;
  /** 1-based line of each category, or of the whole row. */
  lines: Int32Array | null;
  rowLine?: number | null;
  /** 1-based row number in a batch. */
  row?: number;
}

export function prepareOrThrow(
  values: Float64Array,
  kind: Kind,
  options: PrepareOptions,
  provenance: Provenance,
  scratch?: Scratch,
): Extract<Prepared, { ok: true }> {
  const prepared = toProbabilities(values, kind, options, scratch);
  if (prepared.ok) return prepared;
  const index = prepared.index;
  const parts: string[] = [];
  if (provenance.row !== undefined) parts.push(`row ${provenance.row}`);
  if (index !== undefined) {
    const label = provenance.labels?.[index];
    parts.push(label === undefined ? `category ${index + 1}` : `category ${JSON.stringify(label)}`);
  }
  const line = index !== undefined ? provenance.lines?.[index] : (provenance.rowLine ?? undefined);
  const prefix = parts.length > 0 ? `${parts.join(', ')}: ` : '';
  return fail(prepared.code, `${prefix}${prepared.message} (--kind ${kind})`, provenance.source, line ?? provenance.rowLine ?? undefined, prepared.hint);
}

function fail(code: ErrorCode, message: string, source: string, line: number | undefined, hint: string | undefined): never {
  throw new InputError(code, message, {
    location: at(source, line),
    ...(hint === undefined ? {} : { hint }),
  });
}
