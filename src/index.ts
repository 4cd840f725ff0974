/**
 * kl as a library: the measures, the readers and the JSON result types, with the same
 * conversion, alignment, zero policy and exactness as the command line.
 *
 * ```ts
 * import { klDivergence, compare } from 'kl-divergence';
 * klDivergence([0.7, 0.3], [0.5, 0.5]); // 0.08228287850505178 nats: D(P‖Q)
 * compare({ cat: 0.5, dog: 0.5 }, { cat: 0.9, dog: 0.1 }, { base: 2 }).measures.kl_reverse;
 * ```
 *
 * Every function takes P first: `klDivergence(p, q)` is D(P‖Q) = Σ p·log(p/q) (PyTorch's
 * `kl_div(input, target)` is D(target‖input): the other way round).
 */
import { measureAligned } from './compute/pair.js';
import { InputError, internalError } from './errors.js';
import { alignPair } from './io/align.js';
import type { InputFormat } from './io/detect.js';
import { readInput } from './io/read.js';
import type { RawInput } from './io/types.js';
import { type LogBase, logBase, NATS } from './measures/base.js';
import { entropyOf, MEASURE_NAMES, type MeasureName } from './measures/catalog.js';
import { DEFAULT_SUM_TOLERANCE, type Kind, smooth, toProbabilities } from './measures/prepare.js';

export { InputError, KlError, UsageError } from './errors.js';
export type { InputFormat } from './io/detect.js';
export type { MeasureName } from './measures/catalog.js';
export type { Kind } from './measures/prepare.js';
export type {
  JsonBatchReport,
  JsonCheck,
  JsonContribution,
  JsonDriftReport,
  JsonFitReport,
  JsonInput,
  JsonMiReport,
  JsonMultiReport,
  JsonNumber,
  JsonPairReport,
  JsonRow,
  JsonStats,
  JsonSupport,
  JsonWarning,
} from './report/schema.js';

/**
 * One distribution: numbers by position (an array or typed array), or numbers by category
 * label (a `Map`, or a plain object whose own keys are the labels: `__proto__` is an
 * ordinary label in an object from `JSON.parse`).
 */
export type DistributionInput = ArrayLike<number> | ReadonlyMap<string, number> | Readonly<Record<string, number>>;

/** How to read the numbers and in which unit to report. Every field is optional. */
export interface MeasureOptions {
  /** What the numbers are (default `probs`): `counts`, `logits`, `logprobs` are converted. */
  kind?: Kind;
  /** The kind of Q when it differs from P's. */
  qKind?: Kind;
  /** Logarithm base: `'e'` (nats, default), 2 (bits), 10 (bans) or any number > 1. */
  base?: 'e' | number;
  /** Rescale probabilities that do not sum to 1 (default false: they are refused). */
  normalize?: boolean;
  /** Allowed |Σp − 1| without `normalize` (default 1e-6). */
  tolerance?: number;
  /** Logit temperature T: softmax(x / T) (default 1). */
  temperature?: number;
  /** Additive smoothing ε added to both sides over the union support, then renormalised (default 0). */
  smooth?: number;
}

/** Every measure between P and Q, as `kl compare` reports them. */
export interface Comparison {
  /** Measure name → value in `unit` (total variation and Hellinger are unitless). +Infinity where the support says so, never NaN. */
  measures: Record<MeasureName, number>;
  /** "nats", "bits", "bans" or "log-base-B units". */
  unit: string;
  /** Categories on the aligned (union) support; how many have q = 0 < p (`p_only`) and p = 0 < q (`q_only`). */
  support: { categories: number; p_only: number; q_only: number };
  /** The category labels of the aligned support, or null for positional inputs. */
  labels: string[] | null;
}

interface Side {
  values: Float64Array;
  labels: string[] | null;
}

function isLabelled(input: DistributionInput): input is ReadonlyMap<string, number> | Readonly<Record<string, number>> {
  return input instanceof Map || (typeof input === 'object' && input !== null && !('length' in input));
}

function sideOf(input: DistributionInput, role: 'P' | 'Q'): Side {
  if (input instanceof Map) return { values: Float64Array.from(input.values()), labels: [...input.keys()] };
  if (isLabelled(input)) {
    const entries = Object.entries(input as Record<string, number>);
    return { values: Float64Array.from(entries, ([, value]) => value), labels: entries.map(([label]) => label) };
  }
  if (typeof input !== 'object' || input === null || typeof input.length !== 'number') {
    throw new InputError('bad-input', `${role} must be an array of numbers, a Map or an object of label → number`);
  }
  const values = Float64Array.from(input as ArrayLike<number>);
  for (let i = 0; i < values.length; i++) {
    if (typeof (input as ArrayLike<unknown>)[i] !== 'number') throw new InputError('bad-input', `${role}[${i}] is not a number`);
  }
  return { values, labels: null };
}

function baseOf(base: MeasureOptions['base']): LogBase {
  if (base === undefined || base === 'e') return NATS;
  const chosen = logBase(base);
  if (!chosen) throw new InputError('bad-base', `base ${base}: the base must be a number > 1 (e, 2, 10, …)`);
  return chosen;
}

function prepared(side: Side, kind: Kind, options: MeasureOptions, role: 'P' | 'Q') {
  const result = toProbabilities(side.values, kind, {
    normalize: options.normalize === true,
    tolerance: options.tolerance ?? DEFAULT_SUM_TOLERANCE,
    temperature: options.temperature ?? 1,
  });
  if (!result.ok) {
    const where = result.index === undefined ? '' : ` (category ${side.labels?.[result.index] ?? result.index})`;
    throw new InputError(result.code, `${role}${where}: ${result.message} (kind ${kind})`, result.hint === undefined ? {} : { hint: result.hint });
  }
  return result;
}

/**
 * Every measure between P and Q: entropies, cross-entropies, KL both ways, Jensen–Shannon
 * divergence and distance, Jeffreys, total variation, Hellinger.
 *
 * Labelled inputs are aligned by label over the union of both (a label missing on one side
 * has probability 0 there); positional inputs by position (equal lengths). A labelled input
 * against a positional one is refused. Throws an {@link InputError} (with `code` and
 * `hint`) for anything the command line would refuse.
 */
export function compare(p: DistributionInput, q: DistributionInput, options: MeasureOptions = {}): Comparison {
  const kind = options.kind ?? 'probs';
  const base = baseOf(options.base);
  const smooth = options.smooth ?? 0;
  if (!(smooth >= 0)) throw new InputError('bad-smooth', `smooth ${smooth}: must be ≥ 0`);
  const pSide = sideOf(p, 'P');
  const qSide = sideOf(q, 'Q');
  const pPrepared = prepared(pSide, kind, options, 'P');
  const qPrepared = prepared(qSide, options.qKind ?? kind, options, 'Q');
  const aligned = alignPair(
    { role: 'P', source: 'P', probs: pPrepared.probs, labels: pSide.labels },
    { role: 'Q', source: 'Q', probs: qPrepared.probs, labels: qSide.labels },
  );
  const measured = measureAligned(aligned, pPrepared, qPrepared, MEASURE_NAMES, { smooth, base });
  return {
    measures: measured.measures as Record<MeasureName, number>,
    unit: base.unit,
    support: { categories: measured.p.length, p_only: measured.pOnly, q_only: measured.qOnly },
    labels: aligned.labels,
  };
}

/** D(P‖Q) = Σ p·log(p/q): forward KL divergence. +Infinity when some q = 0 < p. */
export function klDivergence(p: DistributionInput, q: DistributionInput, options: MeasureOptions = {}): number {
  return compare(p, q, options).measures.kl_forward;
}

/** H(P,Q) = −Σ p·log q: cross-entropy, = H(P) + D(P‖Q). */
export function crossEntropy(p: DistributionInput, q: DistributionInput, options: MeasureOptions = {}): number {
  return compare(p, q, options).measures.cross_entropy_pq;
}

/** JS(P,Q) = ½ D(P‖M) + ½ D(Q‖M), M = (P+Q)/2: Jensen–Shannon divergence, in [0, log 2]. */
export function jsDivergence(p: DistributionInput, q: DistributionInput, options: MeasureOptions = {}): number {
  return compare(p, q, options).measures.js_divergence;
}

/** √JS(P,Q): the Jensen–Shannon distance, a metric (what SciPy's `jensenshannon` returns). */
export function jsDistance(p: DistributionInput, q: DistributionInput, options: MeasureOptions = {}): number {
  return compare(p, q, options).measures.js_distance;
}

/** H(P) = −Σ p·log p: Shannon entropy, with 0·log 0 = 0. */
export function entropy(p: DistributionInput, options: MeasureOptions = {}): number {
  const epsilon = options.smooth ?? 0;
  if (!(epsilon >= 0)) throw new InputError('bad-smooth', `smooth ${epsilon}: must be ≥ 0`);
  const probabilities = prepared(sideOf(p, 'P'), options.kind ?? 'probs', options, 'P').probs;
  // Smoothing spreads ε over the support, as compare does for P on its own support.
  return entropyOf(epsilon > 0 ? smooth(probabilities, epsilon) : probabilities, baseOf(options.base));
}

/** What {@link readDistribution} reads. */
export interface ReadOptions {
  /** The format; default: from the extension, or sniffed (stdin, unknown extensions). */
  format?: InputFormat;
  /** CSV/TSV: the column holding the distribution (header name, or position from 1). */
  column?: string;
  /** CSV/TSV: the column holding the labels; `false`: none (a numeric first column is data). */
  labelColumn?: string | false;
  /** CSV/TSV: whether the first row is a header (default: detected). */
  header?: boolean;
}

/** One distribution as read from a file: numbers as written, not yet converted or validated as probabilities. */
export interface ReadDistribution {
  /** The file name (or `path[column]`). */
  source: string;
  format: InputFormat;
  values: Float64Array;
  /** Category labels in input order, or null when the input is positional. */
  labels: string[] | null;
}

/**
 * Reads one distribution from a CSV, TSV, JSON, JSONL or .npy file, with the layout rules
 * of the command line (README "Layouts"): a file that holds several rows, or that could
 * mean two things, is refused with an {@link InputError} naming the option that decides.
 * Pass the result's `values` (or a Map of labels to values) to the measures.
 */
export async function readDistribution(path: string, options: ReadOptions = {}): Promise<ReadDistribution> {
  const { input } = await readInput(
    {
      path,
      displayName: path,
      ...(options.format === undefined ? {} : { format: options.format }),
      options: {
        header: options.header === undefined ? 'auto' : options.header ? 'yes' : 'no',
        ...(options.column === undefined ? {} : { column: options.column }),
        ...(options.labelColumn === undefined ? {} : { labelColumn: options.labelColumn }),
        layout: 'distribution',
      },
      columnFlag: 'column',
    },
    () => {
      throw new InputError('no-stdin', 'readDistribution reads files; give a path');
    },
  );
  return asDistribution(input);
}

function asDistribution(input: RawInput): ReadDistribution {
  if (input.shape !== 'distribution') throw internalError('a batch where a distribution was asked for');
  return { source: input.source, format: input.format, values: input.values, labels: input.labels };
}

/** Turns a read distribution into what the measures take: a Map of label → value when labelled. */
export function distributionOf(read: ReadDistribution): DistributionInput {
  if (!read.labels) return read.values;
  const labels = read.labels;
  return new Map(labels.map((label, i) => [label, read.values[i] as number]));
}
