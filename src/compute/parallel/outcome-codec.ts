/**
 * Row outcomes as one Float64Array per block, for the trip from a worker to the main
 * thread: an array is copied in one piece, where a block of objects is serialised field
 * by field on one side and rebuilt on the other, and it waits to be merged in a quarter of
 * the memory; where the main thread's merge is the bottleneck, the run is faster (figures: BENCHMARKS.md, "Why the code is as it is").
 *
 * A row is RECORD_HEAD numbers (index, line or NaN, flags, the two widths) and then its
 * measures in the order of `names`, which both sides derive from the same request. Rows
 * with targets never come from a worker (the parallel plans refuse --targets), so they
 * have no encoding.
 */
import { internalError } from '../../errors.js';
import type { MeasureName } from '../../measures/catalog.js';
import type { RowResult } from '../../result.js';
import type { RowOutcome } from '../row-computer.js';

const RECORD_HEAD = 5;
const P_ONLY = 1;
const Q_ONLY = 2;
const TOP1_KNOWN = 4;
const TOP1_AGREE = 8;
const P_RESCALED = 16;
const Q_RESCALED = 32;

/**
 * A block being filled, one outcome at a time: an outcome is written as soon as it is
 * computed rather than kept as objects until the block is sent (a worker's garbage
 * collector copied the waiting objects at every scavenge). One array serves every full
 * block: postMessage copies what it sends.
 */
export class OutcomeBlock {
  private readonly stride: number;
  private data: Float64Array;
  private at = 0;

  constructor(
    private readonly names: readonly MeasureName[],
    readonly capacity: number,
    /** The array to fill first (from a pool: see swap); a fresh one when not given. */
    data?: Float64Array,
  ) {
    this.stride = RECORD_HEAD + names.length;
    this.data = data ?? new Float64Array(capacity * this.stride);
  }

  /** The size of array a block of these outcomes needs. */
  static arrayLength(names: readonly MeasureName[], capacity: number): number {
    return capacity * (RECORD_HEAD + names.length);
  }

  get count(): number {
    return this.at / this.stride;
  }

  add({ row, pOnly, qOnly, pWidth, qWidth, pRescaled, qRescaled }: RowOutcome): void {
    if (row.targets) throw internalError('rows with targets are not computed on workers');
    const { data, names } = this;
    const at = this.at;
    data[at] = row.index;
    data[at + 1] = row.line ?? NaN;
    data[at + 2] =
      (pOnly ? P_ONLY : 0) |
      (qOnly ? Q_ONLY : 0) |
      (row.top1_agree === undefined ? 0 : TOP1_KNOWN | (row.top1_agree ? TOP1_AGREE : 0)) |
      (pRescaled ? P_RESCALED : 0) |
      (qRescaled ? Q_RESCALED : 0);
    data[at + 3] = pWidth;
    data[at + 4] = qWidth;
    for (let m = 0; m < names.length; m++) data[at + RECORD_HEAD + m] = row.measures[names[m] as MeasureName] as number;
    this.at = at + this.stride;
  }

  /** The outcomes written since the last take (the shared array when it is full), and a fresh start. */
  take(): Float64Array {
    const taken = this.at === this.data.length ? this.data : this.data.slice(0, this.at);
    this.at = 0;
    return taken;
  }

  /**
   * The array written since the last swap and how many numbers of it are outcomes; the block
   * goes on in `next` (an array of the same size): arrays go to the main thread and back
   * instead of being copied (recycled, they are no garbage).
   */
  swap(next: Float64Array): { data: Float64Array; length: number } {
    const filled = { data: this.data, length: this.at };
    this.data = next;
    this.at = 0;
    return filled;
  }
}

/** A block of these outcomes (in tests, and for priming). */
export function encodeOutcomes(outcomes: readonly RowOutcome[], names: readonly MeasureName[]): Float64Array {
  const block = new OutcomeBlock(names, outcomes.length);
  for (const outcome of outcomes) block.add(outcome);
  return block.take();
}

/**
 * The outcomes of a block, one at a time: made as they are merged, they die young when the
 * rows are not kept (a block decoded at once outlived the young generation and filled the
 * old one (figures: BENCHMARKS.md, "Why the code is as it is")).
 */
export function* decodeOutcomes(data: Float64Array, names: readonly MeasureName[]): Generator<RowOutcome> {
  const stride = RECORD_HEAD + names.length;
  for (let at = 0; at < data.length; at += stride) {
    const line = data[at + 1] as number;
    const flags = data[at + 2] as number;
    const row: RowResult = { index: data[at] as number, line: Number.isNaN(line) ? null : line, measures: {} };
    for (let m = 0; m < names.length; m++) row.measures[names[m] as MeasureName] = data[at + RECORD_HEAD + m] as number;
    if (flags & TOP1_KNOWN) row.top1_agree = (flags & TOP1_AGREE) !== 0;
    yield {
      row,
      pOnly: (flags & P_ONLY) !== 0,
      qOnly: (flags & Q_ONLY) !== 0,
      pWidth: data[at + 3] as number,
      qWidth: data[at + 4] as number,
      pRescaled: (flags & P_RESCALED) !== 0,
      qRescaled: (flags & Q_RESCALED) !== 0,
    };
  }
}
