/**
 * The softmax of batch rows with its two element-wise passes in WebAssembly (softmax.wat):
 * the exponential and the normalisation on two lanes at a time, bit for bit what
 * logspace.ts's JavaScript passes give (test/unit/softmax-wasm.test.ts), at about half
 * their cost; the validation and the maximum (maximumOfLogs) on two lanes too, on the row's copy
 * in the workspace.
 *
 * A workspace has a memory of its own (wasm.ts), sized for the widest row it takes, with a
 * slot for each side of a row: P's and Q's probabilities and log-probabilities then lie in
 * one memory, where the same module's divergence pass reads them (divergenceInWorkspace).
 */
import { instantiate } from '../wasm.js';
import { maximumOfLogs } from './logspace.js';
import binary from './softmax.wat';

interface SoftmaxExports {
  maximumOfLogs(values: number, n: number): number;
  shiftAndExponentiate(values: number, n: number, max: number, temperature: number, shifted: number, exps: number): number;
  normalize(shifted: number, exps: number, n: number, sum: number, logSum: number): number;
  divergence(p: number, q: number, logP: number, logQ: number, n: number, reverse: number, out: number): number;
  fusedSums(p: number, q: number, logP: number, logQ: number, n: number, out: number): void;
}

/** The slots of a workspace: one per side of a row. */
export type SoftmaxSlot = 0 | 1;
const SLOTS = 2;
/**
 * After the slots, what the passes write out: up to eighteen doubles (the fused pass's nine
 * sums and their compensations; the divergence pass's compensation), then two counts (i32).
 */
const OUT_VALUES = 18;
const OUT_BYTES = OUT_VALUES * 8 + 2 * 4;

/** Which workspace a memory's buffer belongs to: how the kernel finds the pass for its rows. */
const workspaceOf = new WeakMap<ArrayBuffer, SoftmaxWorkspace>();

/** Bytes for `n` doubles, rounded up to a whole pair (the passes work on two at a time). */
function pairBytes(n: number): number {
  return (n + (n & 1)) * 8;
}

/** Probabilities and log-probabilities of one row, in a workspace's memory. */
export interface SoftmaxRow {
  probs: Float64Array;
  logProbs: Float64Array;
  /** The index of the largest probability (the first of equals), as stats.ts's argmax gives it. */
  argmax: number;
}

export class SoftmaxWorkspace {
  private readonly exports: SoftmaxExports;
  private readonly values: Float64Array;
  private readonly valuesAt = 0;
  /** Per slot: where its shifted values (then log-probabilities) and exponentials (then probabilities) are. */
  private readonly shiftedAt: number[] = [];
  private readonly expsAt: number[] = [];
  private readonly logProbs: Float64Array[] = [];
  private readonly probs: Float64Array[] = [];
  /** How many values the last `load` took. */
  private loaded = 0;
  private readonly outAt: number;
  private readonly outValues: Float64Array;
  private readonly outCounts: Int32Array;

  private constructor(
    exports: SoftmaxExports,
    memory: WebAssembly.Memory,
    /** The widest row this workspace takes. */
    readonly capacity: number,
  ) {
    this.exports = exports;
    const { buffer } = memory;
    const bytes = pairBytes(capacity);
    this.values = new Float64Array(buffer, this.valuesAt, capacity);
    for (let slot = 0; slot < SLOTS; slot++) {
      const shiftedAt = (1 + 2 * slot) * bytes;
      const expsAt = (2 + 2 * slot) * bytes;
      this.shiftedAt.push(shiftedAt);
      this.expsAt.push(expsAt);
      this.logProbs.push(new Float64Array(buffer, shiftedAt, capacity));
      this.probs.push(new Float64Array(buffer, expsAt, capacity));
    }
    this.outAt = (1 + 2 * SLOTS) * bytes;
    this.outValues = new Float64Array(buffer, this.outAt, OUT_VALUES);
    this.outCounts = new Int32Array(buffer, this.outAt + OUT_VALUES * 8, 2);
    workspaceOf.set(buffer, this);
  }

  /**
   * A workspace for rows of up to `capacity` values, or null without WebAssembly or for rows
   * too wide for one memory (some 53 million values): the JavaScript passes then run.
   */
  static create(capacity: number): SoftmaxWorkspace | null {
    const made =
      capacity === 0
        ? null
        : instantiate<SoftmaxExports>(binary(), (1 + 2 * SLOTS) * pairBytes(capacity) + OUT_BYTES, {
            log1p: Math.log1p,
            log: Math.log,
          });
    return made && new SoftmaxWorkspace(made.exports, made.memory, capacity);
  }

  /**
   * Takes a row of at most `capacity` values for the next `softmax`, and returns logspace.ts's
   * maximumOfLogs of it (the largest value, or NaN when one is NaN or +Infinity), found by the
   * WebAssembly pass on the copy, bit for bit the JavaScript loop's result.
   */
  load(values: Float64Array): number {
    this.values.set(values);
    this.loaded = values.length;
    const max = this.exports.maximumOfLogs(this.valuesAt, values.length);
    // +Infinity: +0 and −0 were the two lanes' largest, and the first of them is the maximum.
    return max === Infinity ? maximumOfLogs(values) : max;
  }

  /**
   * softmax(values / T) of the row `load` took, whose largest value is `max` (finite:
   * logspace.ts checks): p and log p in `slot`, valid until that slot's next call.
   */
  softmax(temperature: number, max: number, slot: SoftmaxSlot = 0): SoftmaxRow {
    const n = this.loaded;
    const shiftedAt = this.shiftedAt[slot] as number;
    const expsAt = this.expsAt[slot] as number;
    const sum = this.exports.shiftAndExponentiate(this.valuesAt, n, max, temperature, shiftedAt, expsAt);
    const argmax = this.exports.normalize(shiftedAt, expsAt, n, sum, Math.log(sum));
    const probs = this.probs[slot] as Float64Array;
    const logProbs = this.logProbs[slot] as Float64Array;
    const whole = n === this.capacity;
    return { probs: whole ? probs : probs.subarray(0, n), logProbs: whole ? logProbs : logProbs.subarray(0, n), argmax };
  }

  /**
   * A pair copied into the two slots, as a batch row's softmax outputs would stand there: its
   * arrays in this workspace's memory (the kernel's priming, tests, the bench).
   */
  holding(
    p: Float64Array,
    q: Float64Array,
    logP: Float64Array,
    logQ: Float64Array,
  ): { p: Float64Array; q: Float64Array; logP: Float64Array; logQ: Float64Array } {
    const n = p.length;
    const copy = (values: Float64Array, into: Float64Array | undefined) => {
      const view = (into as Float64Array).subarray(0, n);
      view.set(values);
      return view;
    };
    return { p: copy(p, this.probs[0]), q: copy(q, this.probs[1]), logP: copy(logP, this.logProbs[0]), logQ: copy(logQ, this.logProbs[1]) };
  }

  /** The fused pass (softmax.wat) over arrays of this workspace's memory: see fusedSumsInWorkspace. */
  fused(p: Float64Array, q: Float64Array, logP: Float64Array, logQ: Float64Array): FusedSums {
    this.exports.fusedSums(p.byteOffset, q.byteOffset, logP.byteOffset, logQ.byteOffset, p.length, this.outAt);
    return { sums: this.outValues, pOnly: this.outCounts[0] as number, qOnly: this.outCounts[1] as number };
  }

  /** The divergence pass (softmax.wat) over arrays of this workspace's memory: see divergenceInWorkspace. */
  divergence(p: Float64Array, q: Float64Array, logP: Float64Array, logQ: Float64Array, reverse: boolean): DivergenceSums {
    const sum = this.exports.divergence(p.byteOffset, q.byteOffset, logP.byteOffset, logQ.byteOffset, p.length, reverse ? 1 : 0, this.outAt);
    return { sum, compensation: this.outValues[0] as number, pOnly: this.outCounts[0] as number, qOnly: this.outCounts[1] as number };
  }
}

/**
 * What the fused pass (softmax.wat) leaves for pairKernel's tail: `sums` holds the sums of
 * entropy P, entropy Q, cross P‖Q, cross Q‖P, g(P,Q), g(Q,P), total variation, Hellinger and
 * JS, then their compensations, in that order (kernel.ts's tail reads them so); valid until
 * the next call.
 */
export interface FusedSums {
  sums: Float64Array;
  pOnly: number;
  qOnly: number;
}

/** A divergence's compensated sum of terms, as divergenceKernel keeps it, and the one-sided counts. */
export interface DivergenceSums {
  sum: number;
  compensation: number;
  pOnly: number;
  qOnly: number;
}

/** The workspace whose memory holds all four arrays (of one length), or null. */
function workspaceHolding(p: Float64Array, q: Float64Array, logP: Float64Array, logQ: Float64Array): SoftmaxWorkspace | null {
  const workspace = workspaceOf.get(p.buffer as ArrayBuffer);
  if (!workspace || q.buffer !== p.buffer || logP.buffer !== p.buffer || logQ.buffer !== p.buffer) return null;
  const n = p.length;
  return q.length === n && logP.length === n && logQ.length === n ? workspace : null;
}

/**
 * pairKernel's sums with every measure wanted, for softmax rows whose probabilities and
 * log-probabilities are all arrays of one workspace's memory, by the WebAssembly pass: the
 * same terms by the same operations, each sum in the same order, so the same bits
 * (test/unit/softmax-wasm.test.ts), with the terms of near-equal values on two lanes. Null
 * for any other arrays: the kernel's loop then runs.
 */
export function fusedSumsInWorkspace(p: Float64Array, q: Float64Array, logP: Float64Array, logQ: Float64Array): FusedSums | null {
  return workspaceHolding(p, q, logP, logQ)?.fused(p, q, logP, logQ) ?? null;
}

/**
 * D(P‖Q)'s (or D(Q‖P)'s) sums for softmax rows whose probabilities and log-probabilities
 * are all arrays of one workspace's memory (a batch row's two sides, each in its slot), by
 * the WebAssembly pass: the same terms by the same operations in the same order as
 * kernel.ts's loop, so the same bits (test/unit/softmax-wasm.test.ts), with the series of
 * near-equal pairs on two lanes. Null for any other arrays: the kernel's loop then runs.
 */
export function divergenceInWorkspace(p: Float64Array, q: Float64Array, logP: Float64Array, logQ: Float64Array, reverse: boolean): DivergenceSums | null {
  return workspaceHolding(p, q, logP, logQ)?.divergence(p, q, logP, logQ, reverse) ?? null;
}
