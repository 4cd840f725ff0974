/**
 * The JSON schema that `--format json` emits: a public, versioned contract. Add fields,
 * never rename or remove them without bumping `schema_version`. The wire types are
 * spelled out here, not borrowed from the in-memory results (src/result.ts), so that a
 * change there cannot change the contract unnoticed.
 */
import type { MeasureName } from '../measures/catalog.js';
import type { RunInfo } from '../result.js';

export const SCHEMA_VERSION = 1;

/** The run's provenance as JSON keys (JsonProvenance), right after schema_version; none without a run. */
export function provenance(info: RunInfo | undefined): Pick<JsonProvenance, 'kl_version' | 'generated_at' | 'command_line'> {
  return info ? { kl_version: info.version, generated_at: info.generatedAt, command_line: info.commandLine } : {};
}

/** An input as JSON `inputs[]` shows it. */
export interface JsonInput {
  role: 'p' | 'q';
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
  /** True when the values were rescaled (--normalize, within --tolerance, or counts/logits, which always are). */
  normalized: boolean;
}

export interface JsonWarning {
  code: string;
  message: string;
}

export interface JsonSupport {
  /** Categories on the aligned (union) support. */
  categories: number;
  /** Categories with p > 0 and q = 0: D(P‖Q) and H(P,Q) are infinite. */
  p_only: number;
  /** Categories with q > 0 and p = 0: D(Q‖P) and H(Q,P) are infinite. */
  q_only: number;
}

export interface JsonCheck {
  /** As given: `kl_forward`, `kl_forward.mean`, `top1_agreement`. */
  name: string;
  op: 'max' | 'min';
  limit: number;
  value: JsonNumber;
  passed: boolean;
}

/** A number in JSON: finite numbers as numbers, infinities as the strings "Infinity"/"-Infinity". */
export type JsonNumber = number | 'Infinity' | '-Infinity';

/** `kl <command> --format json` for a single pair of distributions. */
/** What every JSON report opens with: the schema and where the report comes from. */
export interface JsonProvenance {
  schema_version: typeof SCHEMA_VERSION;
  /** The kl version that wrote this report (present when written by the command line). */
  kl_version?: string;
  /** When: ISO 8601, UTC. */
  generated_at?: string;
  /** The command line, as it can be pasted back into a shell. */
  command_line?: string;
}

export interface JsonPairReport extends JsonProvenance {
  command: string;
  /** "nats", "bits", "bans", or "log-base-B units". */
  unit: string;
  /** The logarithm base: 2.718281828459045 for nats. */
  base: number;
  inputs: JsonInput[];
  /** Measure name → value; see the README for each definition. */
  measures: Partial<Record<MeasureName, JsonNumber>>;
  /** Measure name → the expression computed, with input names: "D(p.csv ‖ q.csv)". */
  expressions: Partial<Record<MeasureName, string>>;
  support: JsonSupport | null;
  warnings: JsonWarning[];
  checks: JsonCheck[];
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
  /** Percentiles (NumPy's linear interpolation): 0.1th … 99.9th; --percentiles adds more keys (p97_5). */
  p0_1: JsonNumber;
  p1: JsonNumber;
  p5: JsonNumber;
  p10: JsonNumber;
  p25: JsonNumber;
  median: JsonNumber;
  p75: JsonNumber;
  p90: JsonNumber;
  p95: JsonNumber;
  p99: JsonNumber;
  p99_9: JsonNumber;
  min: JsonNumber;
  max: JsonNumber;
  /** 0-based row of the minimum / maximum. */
  argmin: number;
  argmax: number;
}

/** `--format json` for a batch (several rows). */
export interface JsonBatchReport extends JsonProvenance {
  command: string;
  unit: string;
  base: number;
  inputs: JsonInput[];
  /** With --kind topk-logprobs: every measure is a lower bound of the one on the full distributions. */
  lower_bound?: true;
  /** Number of row pairs measured. */
  row_count: number;
  /** Rows read but left out of every statistic (--ignore-index, --mask, --next-token). */
  ignored_rows: number;
  /** --shard I/N: which part of the inputs this run read (rows from first_row on). */
  shard?: { index: number; count: number; first_row: number };
  expressions: Partial<Record<MeasureName, string>>;
  /**
   * How the percentiles were found: exact (every row's value kept), or from a DDSketch whose
   * estimates are within relative_error of the exact order statistics (past the memory
   * budget, or after a merge of sketched summaries). mean, stderr, min, max and argmin/argmax
   * are never approximate.
   */
  percentiles: { exact: true } | { exact: false; method: 'ddsketch'; relative_error: number };
  /**
   * summary.<measure>.{mean, stderr, p0_1, p1, p5, p10, p25, median, p75, p90, p95, p99,
   * p99_9, min, max, argmin, argmax} (and any --percentiles), plus summary.top1_agreement
   * and top1_agreement_stderr and, with --targets, summary.{accuracy_p, accuracy_q,
   * perplexity_p(_stderr), perplexity_q(_stderr), perplexity_ratio(_stderr),
   * ln_perplexity_ratio(_stderr), perplexity_difference(_stderr), nll_correlation,
   * rms_delta_p(_stderr)} and summary.{nll_p, nll_q, delta_p}.<stat>. A value that does not
   * exist (a standard error of one row, a correlation of constant NLLs) is absent.
   */
  summary: Record<string, JsonStats | JsonNumber>;
  /** One object per row (omitted with --rows none; only the worst with --rows worst). */
  rows?: JsonRow[];
  worst: { by: MeasureName; rows: JsonRow[] };
  support: { rows_p_only: number; rows_q_only: number } | null;
  warnings: JsonWarning[];
  checks: JsonCheck[];
}

/** `kl drift --format json`: one object per compared column, then the dataset's summary. */
export interface JsonDriftColumn {
  name: string;
  /** 'numeric' or 'categorical'. */
  type: string;
  /** 'auto' (more than 20 distinct numbers in the reference: numeric) or 'option' (--numeric/--categorical). */
  type_source: string;
  n_ref: number;
  n_cur: number;
  missing_ref: number;
  missing_cur: number;
  /** Numeric columns: `edges` ("-Infinity"/"Infinity" at open ends); categorical: `categories`. */
  bins: { edges?: JsonNumber[]; categories?: string[]; ref_counts: number[]; cur_counts: number[] };
  /** In the run's unit, but psi in nats; ks/chi2 p-values and statistics as SciPy gives them; kl_knn may be null. */
  measures: Record<string, JsonNumber | null>;
  /** 'exact' or 'asymp' (numeric columns; SciPy's ks_2samp method). */
  ks_method?: string;
  drifted: boolean;
  /** With --column: per-bin terms of that column. */
  contributions?: { label: string; ref_count: number; cur_count: number; p: number; q: number; kl_forward: JsonNumber; psi: JsonNumber }[];
}

export interface JsonDriftReport extends JsonProvenance {
  command: 'drift';
  unit: string;
  base: number;
  reference: { source: string; format: string; rows: number };
  current: { source: string; format: string; rows: number };
  binning: { rule: string; bins: number; from: string };
  /** 'none', 'smooth' (with epsilon) or 'evidently'. */
  zero_policy: { kind: string; epsilon?: number };
  drift_rule: string;
  columns: JsonDriftColumn[];
  summary: { columns: number; drifted: number; share_drifted: number };
  checks: JsonCheck[];
  warnings: JsonWarning[];
}

/** `kl mi --format json`. */
export interface JsonMiReport extends JsonProvenance {
  command: 'mi';
  unit: string;
  base: number;
  input: {
    source: string;
    format: string;
    /** 'table' (a contingency table) or 'pairs' (two columns of observations). */
    form: string;
    /** The columns (pairs), or "X" (rows) and "Y" (columns) of a table. */
    x: string;
    y: string;
    /** Whether the values are counts: then g_statistic, g_pvalue and mutual_information_mm exist. */
    counts: boolean;
    rows: number;
    columns: number;
    /** N for counts (Σ of a probability table: 1). */
    total: number;
    /** Pairs left out for a missing value. */
    missing: number;
    /** Pairs: how each variable became categories ("categories", "10 quantile bins"); null for a table. */
    binned: { x: string; y: string } | null;
  };
  /**
   * entropy_x, entropy_y, joint_entropy, conditional_entropy_x_given_y,
   * conditional_entropy_y_given_x, mutual_information, variation_of_information (the run's
   * unit); nmi_arithmetic, nmi_geometric, nmi_min, nmi_max (unitless); with counts
   * g_statistic, g_pvalue and mutual_information_mm.
   */
  measures: Record<string, JsonNumber>;
  /** The cells with the largest |pointwise term| p(x,y)·log(p(x,y)/(p(x)p(y))), --top of them. */
  cells: { x: string; y: string; p: number; term: JsonNumber }[];
  checks: JsonCheck[];
  warnings: JsonWarning[];
}

/** `kl js P Q R …` and `kl matrix` with --format json. */
export interface JsonMultiReport extends JsonProvenance {
  command: string;
  unit: string;
  base: number;
  /** The distributions: file names, or file[row]. */
  inputs: string[];
  /** kl js: the weights and measures.js_divergence (the generalised divergence). */
  weights?: number[];
  measures?: { js_divergence: JsonNumber };
  /** kl matrix: the measure and matrix[i][j] = measure(input i, input j). */
  measure?: string;
  matrix?: JsonNumber[][];
  checks: JsonCheck[];
  warnings: JsonWarning[];
}

/** `kl fit --format json`. */
export interface JsonFitReport extends JsonProvenance {
  command: 'fit';
  unit: string;
  base: number;
  input: {
    source: string;
    format: string;
    /** 'grid' (x and a value per point) or 'samples' (through a kernel density estimate). */
    form: string;
    /** probability, density, count, or kde. */
    values: string;
    /** The column of the values (or of the samples). */
    column: string | null;
    /** Grid points the fit is computed on. */
    points: number;
    /** Before normalising: Σ p, ∫ density over the cells, N of counts, or the KDE's mass on its grid. */
    total: number;
    /** Samples used and left out (samples only). */
    samples: number | null;
    missing: number;
    /** The KDE's bandwidth h and its rule: scott, silverman or given (samples only). */
    bandwidth: { rule: string; value: number } | null;
  };
  /** gaussian, student-t or mixture:K. */
  family: string;
  /** P's mean and standard deviation: the moment-matched Gaussian (the forward Gaussian's closed form). */
  moments: { mean: number; sd: number };
  fits: {
    direction: 'forward' | 'reverse';
    /** The objective: "D(P‖Q)" (forward) or "D(Q‖P)" (reverse). */
    minimises: string;
    /** gaussian: mean, sd; student-t: location, scale, df; mixture:K: weight_k, mean_k, sd_k (by increasing mean). */
    parameters: Record<string, JsonNumber>;
    /** D(P‖Q_fit) and D(Q_fit‖P) in the run's unit. */
    kl_forward: JsonNumber;
    kl_reverse: JsonNumber;
    converged: boolean;
    iterations: number;
    /** Objective evaluations over all starts. */
    evaluations: number;
    /** max |∂/∂θ| at the end, in the optimiser's standardised parameters. */
    gradient_norm: number;
    /** Starting points tried, and how many reached this optimum. */
    starts: number;
    agreeing: number;
    /** Q_fit's masses at the grid's points. */
    q: number[];
  }[];
  /** P on the grid: points and masses (Σ = 1). */
  grid: { x: number[]; p: number[] };
  warnings: JsonWarning[];
}
