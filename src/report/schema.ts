/**
 * The result objects that every formatter renders, and the JSON schema that
 * `--format json` emits. The JSON schema is a public, versioned contract: add fields,
 * never rename or remove them without bumping `schema_version`.
 */
import type { MeasureName, Measures } from '../measures/pair.js';
import type { Stats } from '../measures/stats.js';

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
  /** Per-category contributions (explain; compare --report). */
  explain?: ExplainData;
  /** For explain on a batch: how many rows the batch had. */
  rowCount?: number;
  /** For explain on a batch: the whole batch's result, for the report's histogram and percentiles. */
  batch?: BatchResult;
  commandLine?: string;
}

/** Per-row values that need --targets: the target's NLL under each side and q(t) − p(t). */
export interface TargetValues {
  /** The target as given (index or label). */
  target: number | string;
  nll_p: number;
  nll_q: number;
  /** q(target) − p(target): how much probability Q moved onto (+) or off (−) the target. */
  delta_p: number;
  correct_p: boolean;
  correct_q: boolean;
}

export interface RowResult {
  /** 0-based row index (as in NumPy). */
  index: number;
  /** 1-based line of P's row, where the format has lines. */
  line: number | null;
  measures: Measures;
  targets?: TargetValues;
  /** Whether P's and Q's top-1 categories agree (pairwise commands only). */
  top1_agree?: boolean;
}

/** Names of batch-level scalars that --max/--min accept besides measure.stat. */
export const BATCH_SCALARS = ['top1_agreement', 'accuracy_p', 'accuracy_q', 'perplexity_p', 'perplexity_q'] as const;
export type BatchScalar = (typeof BATCH_SCALARS)[number];

/** Summary statistics of one per-row value, as printed and as in JSON. */
export type SummaryStats = Omit<Stats, 'argmin' | 'argmax' | 'count'> & { argmin: number; argmax: number };

export interface BatchResult {
  type: 'batch';
  command: string;
  unit: string;
  base: number;
  names: Names;
  inputs: InputSummary[];
  rowCount: number;
  measureNames: MeasureName[];
  primary: MeasureName[];
  /** Per-row values summarised: the measures, then nll_p, nll_q, delta_p with --targets. */
  summaryNames: string[];
  summary: Map<string, SummaryStats>;
  scalars: Map<BatchScalar, number>;
  /** Which rows the output asked for (--rows). */
  rowsMode: 'all' | 'worst' | 'none';
  /** Rows kept for output: every row with --rows all, the worst with --rows worst, else null. */
  rows: RowResult[] | null;
  /** The measure the worst rows are ranked by, and those rows (worst first). */
  worstBy: MeasureName;
  worst: RowResult[];
  /** Rows with at least one category where q = 0 < p (resp. p = 0 < q). */
  support: { rows_p_only: number; rows_q_only: number } | null;
  warnings: Warning[];
  checks: CheckResult[];
  /** The row kept for explain/reports (aligned copies), or null. */
  kept: { index: number; labels: string[] | null; p: Float64Array; q: Float64Array } | null;
  /** Every row's value of `worstBy` (for the histograms). */
  rankValues: Float64Array;
  /** Per-category contributions of the kept row (compare --report). */
  explain?: ExplainData;
  commandLine?: string;
}

/** Per-category contributions: what `kl explain` shows and reports chart. */
export interface ExplainData {
  /** The batch row explained (0-based), or null for a single pair. */
  row: number | null;
  /** Why that row: 'worst' (largest D(P‖Q)) or 'chosen' (--row). */
  rowReason: 'worst' | 'chosen' | null;
  /** Categories on the aligned support. */
  categories: number;
  /** Sorted by |forward term|, largest first; at most --top of them. */
  contributions: ExplainedCategory[];
  /** Σ of every category's forward / reverse term (compensated), in the run's unit. */
  forwardTotal: number;
  reverseTotal: number;
}

export interface ExplainedCategory {
  /** The category label, or its 0-based index as text for positional inputs. */
  label: string;
  p: number;
  q: number;
  /** p·log(p/q) in the run's unit. */
  kl_forward: number;
  /** q·log(q/p) in the run's unit. */
  kl_reverse: number;
  /** kl_forward / D(P‖Q); null when D(P‖Q) is 0 or infinite. */
  share: number | null;
}

export type KlResult = PairResult | BatchResult;

/** A number in JSON: finite numbers as numbers, infinities as the strings "Infinity"/"-Infinity". */
export type JsonNumber = number | 'Infinity' | '-Infinity';

/** Where a report comes from: shown in JSON and HTML reports so that an artifact says which run made it. */
export interface RunInfo {
  /** kl's version. */
  version: string;
  /** When the run was made: ISO 8601, UTC (SOURCE_DATE_EPOCH, when set, for reproducible output). */
  generatedAt: string;
  /** The command line, quoted so that it can be pasted back into a shell. */
  commandLine: string;
}

/** `kl <command> --format json` for a single pair of distributions. */
export interface JsonPairReport {
  schema_version: typeof SCHEMA_VERSION;
  /** The kl version that wrote this report (present when written by the command line). */
  kl_version?: string;
  /** When: ISO 8601, UTC. */
  generated_at?: string;
  /** The command line, as it can be pasted back into a shell. */
  command_line?: string;
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
  /** kl explain only: the batch row explained ({index, reason: "worst"|"chosen", row_count}). */
  explained_row?: { index: number; reason: 'worst' | 'chosen'; row_count: number };
  /** kl explain only: categories on the aligned support. */
  categories?: number;
  /** kl explain only: the top categories by |p·log(p/q)|, largest first. */
  contributions?: JsonContribution[];
}

export interface JsonContribution {
  label: string;
  p: number;
  q: number;
  kl_forward: JsonNumber;
  kl_reverse: JsonNumber;
  share: number | null;
}

export interface JsonRow {
  index: number;
  line?: number;
  measures: Partial<Record<MeasureName, JsonNumber>>;
  targets?: { target: number | string; nll_p: JsonNumber; nll_q: JsonNumber; delta_p: number; correct_p: boolean; correct_q: boolean };
  top1_agree?: boolean;
}

export interface JsonStats {
  mean: JsonNumber;
  /** null for a single row (undefined there). */
  stderr: JsonNumber | null;
  median: JsonNumber;
  p90: JsonNumber;
  p95: JsonNumber;
  p99: JsonNumber;
  min: JsonNumber;
  max: JsonNumber;
  /** 0-based row of the minimum / maximum. */
  argmin: number;
  argmax: number;
}

/** `--format json` for a batch (several rows). */
export interface JsonBatchReport {
  schema_version: typeof SCHEMA_VERSION;
  /** The kl version that wrote this report (present when written by the command line). */
  kl_version?: string;
  /** When: ISO 8601, UTC. */
  generated_at?: string;
  /** The command line, as it can be pasted back into a shell. */
  command_line?: string;
  command: string;
  unit: string;
  base: number;
  inputs: InputSummary[];
  /** Number of row pairs. */
  row_count: number;
  expressions: Partial<Record<MeasureName, string>>;
  /**
   * summary.<measure>.{mean, stderr, median, p90, p95, p99, min, max, argmin, argmax}, plus
   * summary.top1_agreement and, with --targets, summary.{accuracy_p, accuracy_q,
   * perplexity_p, perplexity_q} and summary.{nll_p, nll_q, delta_p}.<stat>.
   */
  summary: Record<string, JsonStats | JsonNumber>;
  /** One object per row (omitted with --rows none; only the worst with --rows worst). */
  rows?: JsonRow[];
  worst: { by: MeasureName; rows: JsonRow[] };
  support: { rows_p_only: number; rows_q_only: number } | null;
  warnings: Warning[];
  checks: CheckResult[];
}
