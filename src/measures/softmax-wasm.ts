/// <reference path="../wat.d.ts" />
/**
 * The softmax of batch rows with its two element-wise passes in WebAssembly (softmax.wat):
 * the exponential and the normalisation on two lanes at a time, bit for bit what
 * logspace.ts's JavaScript passes give (test/unit/softmax-wasm.test.ts), at about half
 * their cost. Validation and the maximum stay in logspace.ts's JavaScript.
 *
 * Each workspace has a memory of its own, sized once for the row width it is made for and
 * never grown: growing a WebAssembly memory detaches its old buffer, and one detached
 * buffer makes V8 check every typed-array access of the thread for detachment from then on.
 */
import binary from './softmax.wat';

interface SoftmaxExports {
  shiftAndExponentiate(values: number, n: number, max: number, temperature: number, shifted: number, exps: number): number;
  normalize(shifted: number, exps: number, n: number, sum: number, logSum: number): number;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly (with SIMD) is not available. */
function softmaxModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(binary);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

const PAGE = 65536;
/** 2 GiB of pages: every byte offset fits a signed 32-bit integer. */
const MAX_PAGES = 32768;

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
    instance: WebAssembly.Instance,
    memory: WebAssembly.Memory,
    /** The widest row this workspace takes. */
    readonly capacity: number,
  ) {
    this.exports = instance.exports as unknown as SoftmaxExports;
    const { buffer } = memory;
    this.shiftedAt = pairBytes(capacity);
    this.expsAt = 2 * pairBytes(capacity);
    this.values = new Float64Array(buffer, this.valuesAt, capacity);
    this.logProbs = new Float64Array(buffer, this.shiftedAt, capacity);
    this.probs = new Float64Array(buffer, this.expsAt, capacity);
  }

  /**
   * A workspace for rows of up to `capacity` values, or null without WebAssembly, or for
   * rows too wide for one (its byte offsets are 32-bit signed integers: at most 2 GiB, some
   * 89 million values), or when the memory cannot be had: the JavaScript passes then run.
   */
  static create(capacity: number): SoftmaxWorkspace | null {
    const module = softmaxModule();
    const pages = Math.ceil((3 * pairBytes(capacity)) / PAGE);
    if (!module || capacity === 0 || pages > MAX_PAGES) return null;
    try {
      const memory = new WebAssembly.Memory({ initial: pages, maximum: pages });
      return new SoftmaxWorkspace(new WebAssembly.Instance(module, { env: { memory } }), memory, capacity);
    } catch {
      return null;
    }
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
