/**
 * The result objects that every formatter renders, and the JSON schema that
 * `--format json` emits. The JSON schema is a public, versioned contract: add fields,
 * never rename or remove them without bumping `schema_version`.
 */
import type { MeasureName, Measures } from '../measures/pair.js';

export const SCHEMA_VERSION = 1;

export type Role = 'p' | 'q';

export interface InputSummary {
  role: Role;
  /** Display name: path, `stdin`, or `path[column]`. */
  source: string;
  /** Reader used: csv, tsv, json, jsonl, npy. */
  format: string;
  /** What the values were read as: probs, counts, logits, logprobs. */
  kind: string;
  /** Categories in this input (before alignment); for batches, per row. */
  categories: number;
  /** Rows (batches only). */
  rows?: number;
  /** Total mass as read (Σ values, Σ exp for log-probs); null for logits and batches. */
  mass: number | null;
  /** True when the values were rescaled by --normalize (or are counts/logits, which always are). */
  normalized: boolean;
}

export interface Warning {
  code: string;
  message: string;
}

export interface SupportSummary {
  /** Categories on the aligned (union) support. */
  categories: number;
  /** Categories with p > 0 and q = 0: D(P‖Q) and H(P,Q) are infinite. */
  p_only: number;
  /** Categories with q > 0 and p = 0: D(Q‖P) and H(Q,P) are infinite. */
  q_only: number;
}

export interface CheckResult {
  /** As given: `kl_forward`, `kl_forward.mean`, `top1_agreement`. */
  name: string;
  op: 'max' | 'min';
  limit: number;
  value: number;
  passed: boolean;
}

/** Names of P and Q, for expressions such as D(p.csv ‖ q.csv). */
export interface Names {
  p: string;
  q: string | null;
}

export interface PairResult {
  type: 'pair';
  command: string;
  unit: string;
  base: number;
  names: Names;
  inputs: InputSummary[];
  /** Measures in display order. */
  measureNames: MeasureName[];
  measures: Measures;
  /** What `--format value` prints. */
  primary: MeasureName[];
  /** Null when there is no Q (entropy of P alone). */
  support: SupportSummary | null;
  warnings: Warning[];
  checks: CheckResult[];
}

export type KlResult = PairResult;

/** A number in JSON: finite numbers as numbers, infinities as the strings "Infinity"/"-Infinity". */
export type JsonNumber = number | 'Infinity' | '-Infinity';

/** `kl <command> --format json` for a single pair of distributions. */
export interface JsonPairReport {
  schema_version: typeof SCHEMA_VERSION;
  command: string;
  /** "nats", "bits", "bans", or "log-base-B units". */
  unit: string;
  /** The logarithm base: 2.718281828459045 for nats. */
  base: number;
  inputs: InputSummary[];
  /** Measure name → value; see the README for each definition. */
  measures: Partial<Record<MeasureName, JsonNumber>>;
  /** Measure name → the expression computed, with input names: "D(p.csv ‖ q.csv)". */
  expressions: Partial<Record<MeasureName, string>>;
  support: SupportSummary | null;
  warnings: Warning[];
  checks: CheckResult[];
}
