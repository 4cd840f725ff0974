/**
 * What a command computes, in memory: the results every formatter renders, one type per
 * kind of result (a discriminated union on `type`). Formatters switch on the type; the
 * JSON wire format (report/schema.ts) is a separate, versioned contract.
 */
import type { MeasureName, Measures } from './measures/catalog.js';
import type { FitOutcome } from './measures/fit.js';
import type { Stats } from './measures/stats.js';

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

/** What every result has. */
interface ResultBase {
  /** The command's name, as printed in JSON (`compare`, `forward`, …). */
  command: string;
  unit: string;
  base: number;
  names: Names;
  inputs: InputSummary[];
  /** Measures in display order. */
  measureNames: MeasureName[];
  /** What `--format value` prints. */
  primary: MeasureName[];
  warnings: Warning[];
  checks: CheckResult[];
  /** The command line as typed (for reports). */
  commandLine: string;
}

/** One pair of distributions (or one distribution, for entropy). */
export interface PairResult extends ResultBase {
  type: 'pair';
  measures: Measures;
  /** Null when there is no Q (entropy of P alone). */
  support: SupportSummary | null;
  /** Per-category contributions for the HTML report's charts (compare --report), or null. */
  contributions: ExplainData | null;
}

/** `kl explain`: one pair, or one row of a batch, with every category's contribution. */
export interface ExplainResult extends ResultBase {
  type: 'explain';
  /** The measures of the pair (or of the row) explained. */
  measures: Measures;
  support: SupportSummary | null;
  explain: ExplainData;
  /** When a batch row is explained: the whole batch (its checks are the run's), else null. */
  batch: BatchResult | null;
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
export const BATCH_SCALARS = [
  'top1_agreement',
  'top1_agreement_stderr',
  'accuracy_p',
  'accuracy_q',
  'perplexity_p',
  'perplexity_p_stderr',
  'perplexity_q',
  'perplexity_q_stderr',
  'perplexity_ratio',
  'perplexity_ratio_stderr',
  'ln_perplexity_ratio',
  'ln_perplexity_ratio_stderr',
  'perplexity_difference',
  'perplexity_difference_stderr',
  'nll_correlation',
  'rms_delta_p',
  'rms_delta_p_stderr',
] as const;
export type BatchScalar = (typeof BATCH_SCALARS)[number];

/** Summary statistics of one per-row value, as printed and as in JSON. */
export type SummaryStats = Omit<Stats, 'argmin' | 'argmax' | 'count'> & { argmin: number; argmax: number };

/** Many rows: row i of P against row i of Q, summarised. */
/** The part of an input a --shard run reads: the index-th of count row ranges, from row firstRow. */
export interface ShardSpan {
  index: number;
  count: number;
  firstRow: number;
}

/** Which batch rows an output shows (--rows). */
export type RowsMode = 'all' | 'worst' | 'none';

/** Many rows: row i of P against row i of Q, summarised. */
export interface BatchResult extends ResultBase {
  type: 'batch';
  rowCount: number;
  /** Rows read but left out of every statistic (--ignore-index, --mask, --next-token). */
  ignoredRows: number;
  /** Per-row values summarised: the measures, then nll_p, nll_q, delta_p with --targets. */
  summaryNames: string[];
  summary: Map<string, SummaryStats>;
  scalars: Map<BatchScalar, number>;
  /** Which rows the output asked for (--rows). */
  rowsMode: RowsMode;
  /** Rows kept for output: every row with --rows all, the worst with --rows worst, else null. */
  rows: RowResult[] | null;
  /** The measure the worst rows are ranked by, and those rows (worst first). */
  worstBy: MeasureName;
  worst: RowResult[];
  /** Rows with at least one category where q = 0 < p (resp. p = 0 < q). */
  support: { rows_p_only: number; rows_q_only: number } | null;
  /** The row kept for explain/reports (aligned copies), or null. */
  kept: { index: number; labels: string[] | null; p: Float64Array; q: Float64Array } | null;
  /** The values of `worstBy` (for the histograms), any order; with weights when sketched. */
  rankValues: Float64Array;
  rankWeights: Float64Array | null;
  /** The percentiles' relative error bound when they come from a sketch; null when exact. */
  sketchAccuracy: number | null;
  /** --shard: which part of the input this run read; null for the whole input. */
  shard: ShardSpan | null;

  /** Per-category contributions of the kept row for the HTML report's charts (compare --report), or null. */
  contributions: ExplainData | null;
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

export type KlResult = PairResult | BatchResult | ExplainResult;

/** Where a report comes from: shown in JSON and HTML reports so that an artifact says which run made it. */
export interface RunInfo {
  /** kl's version. */
  version: string;
  /** When the run was made: ISO 8601, UTC (SOURCE_DATE_EPOCH, when set, for reproducible output). */
  generatedAt: string;
  /** The command line, quoted so that it can be pasted back into a shell. */
  commandLine: string;
}

/** `kl drift`: the measures of one column; which exist depends on the column's type. */
export const DRIFT_MEASURES = [
  'kl_forward',
  'kl_reverse',
  'js_divergence',
  'js_distance',
  'psi',
  'hellinger',
  'total_variation',
  'wasserstein',
  'ks_statistic',
  'ks_pvalue',
  'kl_knn',
  'chi2_statistic',
  'chi2_pvalue',
] as const;
export type DriftMeasureName = (typeof DRIFT_MEASURES)[number];

/** Every column has the first seven; numeric columns the next four, categorical ones the χ² test. */
export interface DriftMeasures {
  kl_forward: number;
  kl_reverse: number;
  js_divergence: number;
  js_distance: number;
  psi: number;
  hellinger: number;
  total_variation: number;
  wasserstein?: number;
  ks_statistic?: number;
  ks_pvalue?: number;
  /** Null when a side has too few distinct values for k neighbours. */
  kl_knn?: number | null;
  chi2_statistic?: number;
  chi2_pvalue?: number;
}

/** What happens to a bin or category empty on one side (visible in every output). */
export type ZeroPolicy = { kind: 'none' } | { kind: 'smooth'; epsilon: number } | { kind: 'evidently' };

/** One bin's share of a column's divergence (`kl drift --column NAME`). */
export interface DriftBinContribution {
  /** `[a, b)` for a numeric bin, the category otherwise. */
  label: string;
  ref_count: number;
  cur_count: number;
  /** The proportions the measures used (after the zero policy). */
  p: number;
  q: number;
  /** p·log(p/q) in the run's unit. */
  kl_forward: number;
  /** (q − p)·ln(q/p) (PSI's term, nats). */
  psi: number;
}

export interface DriftColumnResult {
  name: string;
  type: 'numeric' | 'categorical';
  /** 'auto' (Evidently's rule) or 'option' (--numeric/--categorical). */
  type_source: 'auto' | 'option';
  n_ref: number;
  n_cur: number;
  missing_ref: number;
  missing_cur: number;
  /** Numeric: the edges (±Infinity at the open ends); categorical: the categories. */
  bins: { edges: number[] | null; categories: string[] | null; ref_counts: number[]; cur_counts: number[] };
  measures: DriftMeasures;
  /** How the KS p-value was computed (numeric columns). */
  ks_method: 'exact' | 'asymp' | null;
  /** Whether a check on this column failed (without column checks: psi > 0.2). */
  drifted: boolean;
  /** Per-bin terms, for the column named by --column. */
  contributions: DriftBinContribution[] | null;
}

export interface DriftSide {
  source: string;
  format: string;
  rows: number;
}

export interface DriftResult {
  type: 'drift';
  command: 'drift';
  unit: string;
  base: number;
  reference: DriftSide;
  current: DriftSide;
  binning: { rule: string; bins: number; from: string };
  zeroPolicy: ZeroPolicy;
  /** What makes a column count as drifted, in words. */
  driftRule: string;
  columns: DriftColumnResult[];
  summary: { columns: number; drifted: number; share_drifted: number };
  /** The column --column explains, or null. */
  explained: string | null;
  checks: CheckResult[];
  warnings: Warning[];
  commandLine: string;
}

/** `kl mi`: the measures of a joint distribution of two variables. */
export interface MiResult {
  type: 'mi';
  command: 'mi';
  unit: string;
  base: number;
  source: string;
  format: string;
  /** 'table' (a contingency table) or 'pairs' (two columns of observations). */
  input: 'table' | 'pairs';
  /** The variables' names: the columns for pairs, `X` (rows) and `Y` (columns) for a table. */
  x: string;
  y: string;
  /** Whether the values are counts (adds the G-test and Miller–Madow). */
  counts: boolean;
  /** Categories of X and Y; N (counts) and pairs left out (missing values). */
  rows: number;
  columns: number;
  total: number;
  missing: number;
  /** How each variable was made categorical (pairs): 'categories', or 'N quantile bins'. */
  binned: { x: string; y: string } | null;
  measures: import('./measures/joint-names.js').JointMeasures;
  /** The cells with the largest pointwise terms p(x,y)·log(p(x,y)/(p(x)p(y))), in the run's unit. */
  cells: { x: string; y: string; p: number; term: number }[];
  checks: CheckResult[];
  warnings: Warning[];
  commandLine: string;
}

/** `kl js P Q R …` (the generalised JS divergence) and `kl matrix` (a measure between every pair). */
export interface MultiResult {
  type: 'multi';
  command: string;
  mode: 'js' | 'matrix';
  unit: string;
  base: number;
  /** The distributions' names: file names, or `file[row]` for the rows of one file. */
  names: string[];
  weights: number[];
  /** js: the generalised JS divergence. */
  value: number | null;
  measure: MeasureName | null;
  /** matrix: row i, column j = measure(distribution i, distribution j). */
  matrix: number[][] | null;
  checks: CheckResult[];
  warnings: { code: string; message: string }[];
  commandLine: string;
}

/** What `kl fit` read: a grid of P's values, or samples turned into a grid by a kernel density estimate. */
export interface FitInput {
  form: 'grid' | 'samples';
  /** What the grid's values were (probabilities, a density, counts), or 'kde' for samples. */
  values: 'probability' | 'density' | 'count' | 'kde';
  points: number;
  /** The values' total before normalising: Σ p, ∫ density over the cells, N, or the KDE's mass on the grid. */
  total: number;
  /** Samples used (samples only), and those left out as missing. */
  samples: number | null;
  missing: number;
  /** The column the values came from. */
  column: string | null;
  /** The kernel density estimate's bandwidth and its rule (samples only). */
  bandwidth: { rule: string; value: number } | null;
}

/** One fit: the family member minimising D(P‖Q) (forward) or D(Q‖P) (reverse), measured both ways. */
export interface FitEntry extends Pick<FitOutcome, 'direction' | 'q' | 'iterations' | 'evaluations' | 'gradientNorm' | 'converged' | 'starts' | 'agreeing'> {
  /** The natural parameters by name (the family's parameterNames). */
  parameters: { name: string; value: number }[];
  /** D(P‖Q_fit) and D(Q_fit‖P), in the run's unit. */
  klForward: number;
  klReverse: number;
}

/** `kl fit P --family F`: the forward and/or reverse fit of a model family to P. */
export interface FitResult {
  type: 'fit';
  command: 'fit';
  unit: string;
  base: number;
  source: string;
  format: string;
  /** gaussian, student-t or mixture:K. */
  family: string;
  input: FitInput;
  /** P on its grid: points, masses (Σ = 1) and cell widths (density = mass / width). */
  grid: { x: Float64Array; p: Float64Array; widths: Float64Array };
  /** P's mean and standard deviation: the moment-matched Gaussian, the forward Gaussian fit's closed form. */
  moments: { mean: number; sd: number };
  fits: FitEntry[];
  checks: CheckResult[];
  warnings: Warning[];
  commandLine: string;
}
