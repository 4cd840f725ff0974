/**
 * Worker thread that computes batch rows from two files, so a big comparison uses both
 * cores, with the same RowComputer as the main thread. Two ways to be given rows:
 * - one range from its start data (parallel-npy.ts): outcomes go back in blocks, under
 *   flow control (credits);
 * - segments, in job messages, computed one after another until the worker is terminated
 *   (parallel-csv.ts): each segment's outcomes go back in blocks tagged with the segment,
 *   then `segment-done`, and the main thread hands out another.
 */
import { type MessagePort, parentPort, workerData } from 'node:worker_threads';
import { batchOf, type FastBatchContext, fastRows } from '../../io/fast-csv.js';
import { fileChunks } from '../../io/file-chunks.js';
import { npyRowRange, readNpyHeaderFromFile } from '../../io/npy.js';
import type { RawBatch } from '../../io/types.js';
import { primeKernel } from '../../measures/kernel.js';
import { computeRows } from '../pair-rows.js';
import { RowComputer, type RowOutcome, type RowPlan, rowMeasureNames } from '../row-computer.js';
import { encodeOutcomes, OutcomeBlock } from './outcome-codec.js';
import { Credits, errorMessage, type WorkerErrorMessage } from './protocol.js';
import { claimedFromFront, RowClaims } from './row-claims.js';

/** Where one side's rows of the range come from. */
export type RowRange =
  /** Rows [start, end) of a C-order .npy matrix. */
  | { format: 'npy'; path: string; source: string; start: number; end: number }
  /** The rows in bytes [start, end) of a plain numeric CSV/TSV batch (fast-csv.ts); `end` may be Infinity. */
  | { format: 'csv'; path: string; start: number; end: number; context: FastBatchContext };

export type BatchWorkerData =
  | {
      mode: 'range';
      /** What computing a row needs: kinds, options, measures (not the whole request). */
      plan: RowPlan;
      p: RowRange;
      q: RowRange;
      /** The index of the range's first row in the whole batch. */
      firstIndex: number;
      credits: number;
      /** Rows shared with the main thread, which takes them from the back (row-claims.ts). */
      claims?: SharedArrayBuffer;
    }
  | { mode: 'segments'; plan: RowPlan };

/** A segment to compute: rows from `firstIndex` on, bounded by the byte ranges. */
export interface SegmentJob {
  type: 'segment';
  segment: number;
  p: RowRange;
  q: RowRange;
  firstIndex: number;
}

/** An array of outcomes given back by the main thread, to fill again (segments). */
export interface RecycledBlock {
  type: 'recycle';
  data: Float64Array;
}

export type BatchWorkerMessage =
  /** A block of outcomes, encoded by outcome-codec.ts: the first `length` numbers of `data` (all, when absent). */
  | { type: 'outcomes'; segment: number; data: Float64Array; length?: number }
  | { type: 'segment-done'; segment: number }
  | { type: 'done' }
  | (WorkerErrorMessage & { segment: number });

const BLOCK = 256;

/**
 * The arrays a worker fills with segments' outcomes, in shared memory: each is posted to the
 * main thread (shared, not copied) and given back once merged, so that a long batch
 * allocates none after the first few. (A copy per block, collected only by a full
 * collection, piled up ~100 MB of array buffers on the main thread between two: peak RSS
 * then grew with the rows. Transferred arrays cost 15% of the time: see fresh below.) A
 * worker that has all of them out waits for one to come back.
 */
class BlockPool {
  private readonly free: Float64Array[] = [];
  private waiting: ((array: Float64Array) => void) | null = null;
  private created = 0;

  constructor(private readonly limit: number) {}

  async get(make: () => Float64Array): Promise<Float64Array> {
    const array = this.free.pop();
    if (array) return array;
    if (this.created < this.limit) {
      this.created++;
      return make();
    }
    return new Promise((resolve) => (this.waiting = resolve));
  }

  put(array: Float64Array): void {
    const waiting = this.waiting;
    this.waiting = null;
    if (waiting) waiting(array);
    else this.free.push(array);
  }
}

/** Enough arrays for a worker's segments in hand (two of at most 4096 rows) and one spare. */
const POOL_BLOCKS = 2 * (4096 / BLOCK) + 2;

async function rowsOf(range: RowRange): Promise<RawBatch> {
  if (range.format === 'npy') return npyRowRange(range.path, range.source, await readNpyHeaderFromFile(range.path, range.source), range.start, range.end, true);
  // RowComputer takes each row's numbers at once, so the parser may reuse its row array.
  return batchOf(range.context, fastRows(Buffer.alloc(0), fileChunks(range.path, range.start, range.end), range.context, true));
}

/**
 * KL_TEST_WORKER_DELAY_MS holds a worker back before its first row, so that tests can see the
 * main thread take rows from the back of its range (row-claims.ts).
 */
async function testDelay(): Promise<void> {
  const ms = Number(process.env['KL_TEST_WORKER_DELAY_MS'] ?? 0);
  if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Computes one range's rows and posts them in blocks; the rows before an error go out
 * before the error, as the sequential path prints them. Resolves true when all went out.
 */
async function computeRange(
  port: MessagePort,
  plan: RowPlan,
  job: { p: RowRange; q: RowRange; firstIndex: number; segment: number; claims?: SharedArrayBuffer | undefined },
  credits: Credits | null,
  pool: BlockPool | null = null,
): Promise<boolean> {
  const names = rowMeasureNames(plan, true);
  // Shared memory: posted, an array is shared, never copied or detached (detaching one
  // array buffer slows every typed-array access of the thread from then on: ~15% here).
  const fresh = () => new Float64Array(new SharedArrayBuffer(OutcomeBlock.arrayLength(names, BLOCK) * Float64Array.BYTES_PER_ELEMENT));
  const block = new OutcomeBlock(names, BLOCK, pool ? await pool.get(fresh) : undefined);
  const flush = async (): Promise<void> => {
    if (block.count === 0) return;
    if (pool) {
      // Shared with the main thread, and given back when merged (BlockPool).
      const { data, length } = block.swap(await pool.get(fresh));
      port.postMessage({ type: 'outcomes', segment: job.segment, data, length } satisfies BatchWorkerMessage);
      return;
    }
    await credits?.take();
    // Copied, not transferred: a transferred buffer per block made the run ~15% slower
    // (each one is external memory the garbage collector tracks on both sides).
    port.postMessage({ type: 'outcomes', segment: job.segment, data: block.take() } satisfies BatchWorkerMessage);
  };
  try {
    const [whole, other] = await Promise.all([rowsOf(job.p), rowsOf(job.q)]);
    // Under claims, the rows the main thread has taken from the back are not computed here.
    const { p, q } =
      job.claims && job.p.format === 'npy' ? claimedFromFront(whole, other, new RowClaims(job.claims, job.p.start, job.p.end)) : { p: whole, q: other };
    await testDelay();
    const computer = new RowComputer(plan, p, q, null);
    for await (const outcome of computeRows(computer, { p, q, targets: null }, job.firstIndex)) {
      block.add(outcome);
      if (block.count === BLOCK) await flush();
    }
    await flush();
    return true;
  } catch (error) {
    await flush();
    port.postMessage({ ...errorMessage(error), segment: job.segment } satisfies BatchWorkerMessage);
    return false;
  } finally {
    // The array the block holds now (empty, or never sent) stays in this worker's pool.
    if (pool) pool.put(block.swap(new Float64Array(0)).data);
  }
}

/**
 * V8 gives a function somewhere to record what its operations saw (a feedback vector) only
 * from its eighth call or so: what runs before that teaches the compiler nothing.
 */
const PRIMING_ROUNDS = 10;

async function* inMemory(chunks: readonly Buffer[]): AsyncGenerator<Buffer> {
  yield* chunks;
}

/**
 * Runs the row pipeline once over a tiny pair of batches held in memory, cut into chunks
 * mid-line, with an empty line, a cell the scanner leaves to the general parser and no
 * final newline: every path a real range takes, down to its end. Without this, each path
 * first taken after the optimizing compiler has compiled the parser (a line across two
 * chunks, the end of a segment) throws the compiled code away, and recompiling the
 * parser costs CPU each time, on a machine where the other worker needs it (figures: BENCHMARKS.md, "Why the code is as it is").
 * Best effort: a request these rows do not suit (log-probabilities, say) just stops it.
 */
async function primePipeline(plan: RowPlan): Promise<void> {
  const text = Buffer.from('0.25,0.5,0.25\n\n0.2,0.3,0.5\n1.00000000000000001e-1,0.45,0.45\n0.125,0.125,0.75\n0.1,0.2,0.7');
  const chunks = Array.from({ length: Math.ceil(text.length / 7) }, (_, i) => Buffer.from(text.subarray(i * 7, i * 7 + 7)));
  const context: FastBatchContext = { source: 'priming', format: 'csv', delimiter: 44, columns: null, width: 3, firstLine: 1 };
  const side = (): RawBatch => batchOf(context, fastRows(Buffer.alloc(0), inMemory(chunks), context, true));
  try {
    for (let round = 0; round < PRIMING_ROUNDS; round++) {
      const p = side();
      const q = side();
      const outcomes: RowOutcome[] = [];
      for await (const outcome of computeRows(new RowComputer(plan, p, q, null), { p, q, targets: null }, 0)) outcomes.push(outcome);
      encodeOutcomes(outcomes, rowMeasureNames(plan, true));
    }
  } catch {
    // Priming only.
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as BatchWorkerData;
  primeKernel();
  if (data.mode === 'segments' || data.p.format === 'csv') await primePipeline(data.plan);
  if (data.mode === 'range') {
    const credits = new Credits(port, data.credits);
    if (await computeRange(port, data.plan, { ...data, segment: 0 }, credits)) port.postMessage({ type: 'done' } satisfies BatchWorkerMessage);
    return;
  }
  // Segments are computed one after another, in the order they come.
  let previous = Promise.resolve();
  const pool = new BlockPool(POOL_BLOCKS);
  port.on('message', (message: SegmentJob | RecycledBlock) => {
    if (message.type === 'recycle') {
      pool.put(message.data);
      return;
    }
    previous = previous.then(async () => {
      if (await computeRange(port, data.plan, message, null, pool)) {
        port.postMessage({ type: 'segment-done', segment: message.segment } satisfies BatchWorkerMessage);
      }
    });
  });
}

await main();
