/**
 * The softmax of batch rows with its two element-wise passes in WebAssembly (softmax.wat):
 * the exponential and the normalisation on two lanes at a time, bit for bit what
 * logspace.ts's JavaScript passes give (test/unit/softmax-wasm.test.ts), at about half
 * their cost. Validation and the maximum stay in logspace.ts's JavaScript.
 *
 * Each workspace has a memory of its own (wasm.ts), sized for the widest row it takes.
 */
import { instantiate } from '../wasm.js';
import binary from './softmax.wat';

interface SoftmaxExports {
  shiftAndExponentiate(values: number, n: number, max: number, temperature: number, shifted: number, exps: number): number;
  normalize(shifted: number, exps: number, n: number, sum: number, logSum: number): number;
}

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
  private readonly shiftedAt: number;
  private readonly expsAt: number;
  private readonly logProbs: Float64Array;
  private readonly probs: Float64Array;

  private constructor(
    exports: SoftmaxExports,
    memory: WebAssembly.Memory,
    /** The widest row this workspace takes. */
    readonly capacity: number,
  ) {
    this.exports = exports;
    const { buffer } = memory;
    this.shiftedAt = pairBytes(capacity);
    this.expsAt = 2 * pairBytes(capacity);
    this.values = new Float64Array(buffer, this.valuesAt, capacity);
    this.logProbs = new Float64Array(buffer, this.shiftedAt, capacity);
    this.probs = new Float64Array(buffer, this.expsAt, capacity);
  }

  /**
   * A workspace for rows of up to `capacity` values, or null without WebAssembly or for rows
   * too wide for one memory (some 89 million values): the JavaScript passes then run.
   */
  static create(capacity: number): SoftmaxWorkspace | null {
    const made = capacity === 0 ? null : instantiate<SoftmaxExports>(binary, 3 * pairBytes(capacity));
    return made && new SoftmaxWorkspace(made.exports, made.memory, capacity);
  }

  /**
   * softmax(values / T) of a row of at most `capacity` values whose largest is `max` (finite:
   * logspace.ts checks): p and log p, valid until the next call.
   */
  softmax(values: Float64Array, temperature: number, max: number): SoftmaxRow {
    const n = values.length;
    this.values.set(values);
    const sum = this.exports.shiftAndExponentiate(this.valuesAt, n, max, temperature, this.shiftedAt, this.expsAt);
    const argmax = this.exports.normalize(this.shiftedAt, this.expsAt, n, sum, Math.log(sum));
    const whole = n === this.capacity;
    return { probs: whole ? this.probs : this.probs.subarray(0, n), logProbs: whole ? this.logProbs : this.logProbs.subarray(0, n), argmax };
  }
}
