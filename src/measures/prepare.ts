/**
 * Turning what the user has (probabilities, counts, logits, log-probabilities) into
 * probability vectors, with every rescaling explicit.
 *
 * No function here rescales silently beyond `tolerance`: probabilities or
 * log-probabilities whose total mass is off by more than that are refused unless
 * the caller asked for `normalize`. Within the tolerance they are divided by their
 * (compensated) sum so that every later identity holds to rounding; the original
 * mass is returned so it can be shown.
 */
import { logSumExp, softmaxInWorkspace, softmaxWithLogs } from './logspace.js';
import { type SoftmaxSlot, SoftmaxWorkspace } from './softmax-wasm.js';
import { compensatedSum } from './sum.js';

export const KINDS = ['probs', 'counts', 'logits', 'logprobs', 'topk-logprobs'] as const;
export type Kind = (typeof KINDS)[number];

/**
 * Whether a kind's probabilities sum to 1 by construction (a softmax): their KL then leaves
 * out the Σ(p − q) term (pairKernel's `normalized`). toProbabilities returns log-probabilities
 * for exactly these kinds.
 */
export function sumsToOneByConstruction(kind: Kind | undefined): boolean {
  return kind === 'logits' || kind === 'logprobs';
}

/** Default allowed |Σp − 1| (or |log Σ exp ℓ| for log-probs) before --normalize is required. */
export const DEFAULT_SUM_TOLERANCE = 1e-6;

/**
 * The softmax workspace a row's two sides share (each in its slot of one memory), so that
 * the kernel's WebAssembly divergence pass can read both; replaced by a wider one when a
 * wider row comes.
 */
export class SharedSoftmaxWorkspace {
  private workspace: SoftmaxWorkspace | null = null;

  /** A softmax workspace for rows of `width` values (null without WebAssembly). */
  forWidth(width: number): SoftmaxWorkspace | null {
    if (!this.workspace || this.workspace.capacity < width) this.workspace = SoftmaxWorkspace.create(width);
    return this.workspace;
  }
}

/**
 * Reusable output buffers for row-by-row work: a batch of 20000 rows would otherwise leave
 * 20000 dead arrays per side for the garbage collector, and that backlog is peak RSS.
 * A buffer handed out is valid until the next `get` of the same slot. A side's softmax
 * goes to its slot of a workspace, shared with the other side's Scratch when given.
 */
export class Scratch {
  private readonly buffers: Float64Array[] = [];

  constructor(
    private readonly workspaces = new SharedSoftmaxWorkspace(),
    readonly side: SoftmaxSlot = 0,
  ) {}

  get(slot: number, length: number): Float64Array {
    const existing = this.buffers[slot];
    if (existing && existing.length === length) return existing;
    const fresh = new Float64Array(length);
    this.buffers[slot] = fresh;
    return fresh;
  }

  /** A softmax workspace for rows of `width` values (null without WebAssembly). */
  softmaxWorkspace(width: number): SoftmaxWorkspace | null {
    return this.workspaces.forWidth(width);
  }
}

export interface PrepareOptions {
  /** Rescale probabilities / log-probabilities whatever their total. */
  normalize: boolean;
  /** Allowed |Σp − 1| without `normalize`. */
  tolerance: number;
  /** Logit temperature T: softmax(x / T). Only meaningful for logits. */
  temperature: number;
}

export type PrepareFailure = {
  ok: false;
  code: 'negative-value' | 'non-finite-value' | 'zero-mass' | 'not-normalized' | 'not-probabilities';
  message: string;
  /** The offending category, for messages that can point at it. */
  index?: number;
  hint?: string;
};

export type Prepared =
  | {
      ok: true;
      probs: Float64Array;
      /** Total mass before rescaling (Σ values, or Σ exp values for log-probs); null for logits. */
      mass: number | null;
      /** log pᵢ, for log kinds (it comes free with the log-softmax). */
      logProbs?: Float64Array;
      /** The index of the largest pᵢ (the first of equals), when the softmax found it on its way. */
      argmax?: number;
    }
  | PrepareFailure;

function firstInvalidLinear(values: ArrayLike<number>): PrepareFailure | null {
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (Number.isNaN(value) || value === Infinity || value === -Infinity) {
      return { ok: false, code: 'non-finite-value', index: i, message: `non-finite value ${value}` };
    }
    if (value < 0) {
      return { ok: false, code: 'negative-value', index: i, message: `negative value ${value}` };
    }
  }
  return null;
}

function firstInvalidLog(values: ArrayLike<number>): PrepareFailure | null {
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    // −Infinity is log 0: a legitimate zero probability. +Infinity and NaN are not.
    if (Number.isNaN(value) || value === Infinity) {
      return { ok: false, code: 'non-finite-value', index: i, message: `non-finite value ${value}` };
    }
  }
  return null;
}

/**
 * Divides non-negative values by their total. Huge values (counts near 1e308) would
 * overflow the sum, so they are first scaled by the maximum, which is exact in
 * direction and costs one rounding per value.
 */
function divideByTotal(values: ArrayLike<number>, scratch?: Scratch): { probs: Float64Array; mass: number } | null {
  const n = values.length;
  const probs = scratch ? scratch.get(0, n) : new Float64Array(n);
  const mass = compensatedSum(values);
  if (mass === 0) return null;
  if (mass === Infinity) {
    let max = 0;
    for (let i = 0; i < n; i++) max = Math.max(max, values[i] as number);
    for (let i = 0; i < n; i++) probs[i] = (values[i] as number) / max;
    const scaledMass = compensatedSum(probs);
    for (let i = 0; i < n; i++) probs[i] = (probs[i] as number) / scaledMass;
    return { probs, mass };
  }
  for (let i = 0; i < n; i++) probs[i] = (values[i] as number) / mass;
  return { probs, mass };
}

function zeroMass(): PrepareFailure {
  return { ok: false, code: 'zero-mass', message: 'total mass is zero: every value is 0' };
}

/**
 * Values that cannot be one distribution's probabilities whatever their scale: some above
 * 1, or a total above 2 (no rounding explains it). They look like observations (one value
 * per sample or example), and rescaling them (--normalize) would compute a divergence over
 * "categories" that are row numbers: the hint must not suggest it.
 */
function looksLikeSamples(values: ArrayLike<number>, mass: number): { largest: number; integers: boolean } | null {
  let largest = 0;
  let integers = true;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value > largest) largest = value;
    if (integers && !Number.isInteger(value)) integers = false;
  }
  return largest > 1 || mass > 2 ? { largest, integers } : null;
}

function notNormalized(mass: number, tolerance: number, kind: Kind, values: ArrayLike<number>): PrepareFailure {
  const what = kind === 'logprobs' ? 'exp(log-probabilities) sum' : 'probabilities sum';
  const samples = kind === 'probs' ? looksLikeSamples(values, mass) : null;
  if (samples) {
    const n = values.length;
    return {
      ok: false,
      code: 'not-probabilities',
      message:
        samples.largest > 1
          ? `values above 1 (the largest is ${samples.largest}) are not probabilities; the ${n} values sum to ${mass}`
          : `the ${n} values sum to ${mass}: they are not the probabilities of one distribution`,
      hint: samples.integers
        ? `if they are counts per category, pass --kind counts; if each is one observation, kl needs their distribution (count the values first)`
        : `they look like observations (a value per sample or example), not a distribution over ${n} categories: kl compares distributions, so make a histogram or value counts first (--kind counts reads counts)`,
    };
  }
  return {
    ok: false,
    code: 'not-normalized',
    message: `${what} to ${mass}, not 1 (tolerance ${tolerance})`,
    hint:
      kind === 'logprobs'
        ? 'pass --normalize to rescale them, or --kind logits if they are unnormalised scores'
        : 'pass --normalize to rescale them, or --kind counts if they are counts',
  };
}

/**
 * Converts raw values of the given kind into a probability vector.
 *
 * - probs: validated (finite, ≥ 0), total checked against `tolerance`, divided by the total.
 * - counts: validated, divided by their total (any positive total).
 * - logits: p = softmax(x / T) via a stable log-softmax; −Infinity means p = 0.
 * - logprobs: p = exp(ℓ) normalised in log space; total checked like probs.
 */
export function toProbabilities(values: ArrayLike<number>, kind: Kind, options: PrepareOptions, scratch?: Scratch): Prepared {
  if (kind === 'topk-logprobs') return topkProbabilities(values, options.tolerance, scratch);
  if (kind === 'probs' || kind === 'counts') {
    const invalid = firstInvalidLinear(values);
    if (invalid) return invalid;
    const divided = divideByTotal(values, scratch);
    if (!divided) return zeroMass();
    if (kind === 'probs' && !options.normalize && !(Math.abs(divided.mass - 1) <= options.tolerance)) {
      return notNormalized(divided.mass, options.tolerance, kind, values);
    }
    return { ok: true, probs: divided.probs, mass: divided.mass };
  }

  // Batch rows: the row goes to the WebAssembly workspace, whose first pass is the validation
  // and the softmax's maximum (maximumOfLogs).
  const workspace = scratch && values instanceof Float64Array ? scratch.softmaxWorkspace(values.length) : null;
  const max = workspace ? workspace.load(values as Float64Array) : 0;
  const invalid = max !== max || !workspace ? firstInvalidLog(values) : null;
  if (invalid) return invalid;
  let mass: number | null = null;
  if (kind === 'logprobs') {
    const logMass = logSumExp(values);
    if (logMass === -Infinity) return zeroMass();
    mass = Math.exp(logMass);
    if (!options.normalize && !(Math.abs(logMass) <= options.tolerance)) {
      return notNormalized(mass, options.tolerance, kind, values);
    }
  }
  const temperature = kind === 'logits' ? options.temperature : 1;
  const softmax: { probs: Float64Array; logProbs: Float64Array; argmax?: number } | null = workspace
    ? softmaxInWorkspace(workspace, temperature, max, (scratch as Scratch).side)
    : softmaxWithLogs(values, temperature, scratch ? { probs: scratch.get(0, values.length), logProbs: scratch.get(1, values.length) } : undefined);
  if (!softmax) return zeroMass();
  return { ok: true, probs: softmax.probs, logProbs: softmax.logProbs, mass, argmax: softmax.argmax };
}

/**
 * topk-logprobs: the k largest log-probabilities of a distribution (what APIs return):
 * p = exp(ℓ), never rescaled — the rest of the mass, 1 − Σp, belongs to the tokens not
 * listed (topk.ts makes it a category). A line whose probabilities sum above 1 (beyond the
 * tolerance) is not part of one distribution and is refused.
 */
function topkProbabilities(values: ArrayLike<number>, tolerance: number, scratch?: Scratch): Prepared {
  const invalid = firstInvalidLog(values);
  if (invalid) return invalid;
  const probs = scratch ? scratch.get(0, values.length) : new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) probs[i] = Math.exp(values[i] as number);
  const mass = compensatedSum(probs);
  if (mass > 1 + tolerance) {
    return {
      ok: false,
      code: 'not-normalized',
      message: `the top-k probabilities sum to ${mass}, above 1 (tolerance ${tolerance}): they are not the top of one distribution`,
      hint: 'top-k log-probabilities are natural logs of probabilities, as APIs return them; --kind logits reads unnormalised scores',
    };
  }
  return { ok: true, probs, mass };
}

/**
 * Additive (Lidstone) smoothing: p'ᵢ = (pᵢ + ε) / Σⱼ (pⱼ + ε).
 *
 * Applied to both sides over their common (union) support, it removes the zeros that
 * make KL infinite, at the price of biasing every category towards uniform.
 */
export function smooth(probs: Float64Array, epsilon: number): Float64Array {
  const out = new Float64Array(probs.length);
  for (let i = 0; i < probs.length; i++) out[i] = (probs[i] as number) + epsilon;
  const total = compensatedSum(out);
  for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / total;
  return out;
}
