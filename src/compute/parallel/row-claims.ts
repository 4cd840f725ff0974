/**
 * The rows of a worker's range, shared with the main thread: the worker takes them from
 * the front, one at a time, and the main thread, once its own half is done, takes them from
 * the back, so that both finish together however late the worker started or however the
 * two threads' speeds differ. One 32-bit word in shared memory holds both counts (taken
 * from the front in the low 16 bits, from the back in the high 16), and each claim is one
 * compare-and-swap of it: a row is never claimed twice, and none is left out.
 */
import type { RawBatch, RawRow } from '../../io/types.js';

const FRONT = 1;
const BACK = 0x10000;

/** Rows a range may hold: the counts must fit in 16 bits each. */
export const MAX_CLAIMED_ROWS = 0xffff;

export class RowClaims {
  private readonly state: Uint32Array;

  constructor(
    /** The shared word (RowClaims.create makes it; a worker gets it in its start data). */
    readonly buffer: SharedArrayBuffer,
    /** The range's rows: [first, end). */
    readonly first: number,
    readonly end: number,
  ) {
    if (end - first > MAX_CLAIMED_ROWS) throw new RangeError(`a range of ${end - first} rows is more than RowClaims counts`);
    this.state = new Uint32Array(buffer);
  }

  static create(first: number, end: number): RowClaims {
    return new RowClaims(new SharedArrayBuffer(4), first, end);
  }

  /** Claims one row, from the front or the back: its index, or −1 when every row is claimed. */
  private claim(step: number): number {
    const size = this.end - this.first;
    for (;;) {
      const state = Atomics.load(this.state, 0);
      const front = state & 0xffff;
      const back = state >>> 16;
      if (front + back >= size) return -1;
      if (Atomics.compareExchange(this.state, 0, state, state + step) === state) {
        return step === FRONT ? this.first + front : this.end - 1 - back;
      }
    }
  }

  /** The worker's next row, from the front (−1: none left). */
  takeFront(): number {
    return this.claim(FRONT);
  }

  /** The main thread's next row, from the back (−1: none left). */
  takeBack(): number {
    return this.claim(BACK);
  }
}

/**
 * P's and Q's rows of a worker's range, each of P's claimed from the front before it is read
 * (the claim is made in the same synchronous step as the request for the row, so that Q,
 * asked next, knows it), Q's given as far as P's were claimed: both end together at the
 * first row the main thread has taken.
 */
export function claimedFromFront(p: RawBatch, q: RawBatch, claims: RowClaims): { p: RawBatch; q: RawBatch } {
  let claimed = 0;
  async function* pRows(): AsyncGenerator<RawRow> {
    const rows = p.rows[Symbol.asyncIterator]();
    try {
      while (claims.takeFront() >= 0) {
        claimed++;
        const next = await rows.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await rows.return?.(undefined);
    }
  }
  async function* qRows(): AsyncGenerator<RawRow> {
    const rows = q.rows[Symbol.asyncIterator]();
    try {
      for (let given = 0; given < claimed; given++) {
        const next = await rows.next();
        if (next.done) return;
        yield next.value;
      }
    } finally {
      await rows.return?.(undefined);
    }
  }
  return { p: { ...p, rows: pRows() }, q: { ...q, rows: qRows() } };
}
