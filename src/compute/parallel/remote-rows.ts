/**
 * Batch rows computed on worker threads (batch-worker.ts), as an async iterable of
 * outcomes in row order: what the main thread merges after (or instead of) its own rows.
 */
import type { Worker } from 'node:worker_threads';
import type { MeasureName } from '../../measures/catalog.js';
import { type RowOutcome, type RowPlan, rowMeasureNames } from '../row-computer.js';
import type { BatchWorkerData, BatchWorkerMessage, RecycledBlock, RowRange, SegmentJob } from './batch-worker.js';
import { decodeOutcomes } from './outcome-codec.js';
import { errorFromMessage } from './protocol.js';

/**
 * The most rows a worker may compute ahead of the main thread's merge. A worker whose
 * range is merged after another's must never wait (or the two would run one after the
 * other), so all of its outcomes queue in memory, a few hundred bytes each: past this
 * many, the two-thread .npy plan is not used, and memory stays flat however long the batch.
 */
export const MAX_QUEUED_ROWS = 50_000;

/** Outcomes computed elsewhere, in row order; close() stops the workers. */
export interface WorkerRows extends AsyncIterable<RowOutcome> {
  close(): Promise<void>;
}

/**
 * A worker's young generation is capped: what a worker allocates dies young (rows, blocks
 * of outcomes), and left to grow, each worker's young generation swelled peak RSS at no
 * gain in speed (figures: BENCHMARKS.md, "Why the code is as it is"). worker_threads is loaded only when a worker is needed: it
 * costs start-up time.
 */
async function startWorker(data: BatchWorkerData): Promise<Worker> {
  const { Worker } = await import('node:worker_threads');
  return new Worker(new URL('./batch-worker.js', import.meta.url), { workerData: data, resourceLimits: { maxYoungGenerationSizeMb: 4 } });
}

/** Wakes one waiting consumer. */
class Signal {
  private waiting: (() => void) | null = null;

  wait(): Promise<void> {
    return new Promise<void>((resolve) => (this.waiting = resolve));
  }

  notify(): void {
    this.waiting?.();
    this.waiting = null;
  }
}

/** The rows one worker computes from one range, in order. */
export class RemoteRows implements WorkerRows {
  private readonly queue: BatchWorkerMessage[] = [];
  private readonly signal = new Signal();
  private failure: Error | null = null;

  static async start(data: Omit<Extract<BatchWorkerData, { mode: 'range' }>, 'mode'>): Promise<RemoteRows> {
    return new RemoteRows(await startWorker({ mode: 'range', ...data }), rowMeasureNames(data.plan, true));
  }

  private constructor(
    private readonly worker: Worker,
    private readonly names: readonly MeasureName[],
  ) {
    this.worker.on('message', (message: BatchWorkerMessage) => {
      this.queue.push(message);
      this.signal.notify();
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      this.signal.notify();
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RowOutcome> {
    for (;;) {
      while (this.queue.length === 0 && !this.failure) await this.signal.wait();
      if (this.failure) throw this.failure;
      const message = this.queue.shift() as BatchWorkerMessage;
      if (message.type === 'done') return;
      if (message.type === 'error') throw errorFromMessage(message);
      if (message.type !== 'outcomes') continue;
      this.worker.postMessage('credit');
      yield* decodeOutcomes(message.data, this.names);
    }
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** One segment of a batch: rows from `firstIndex` on, bounded by P's and Q's byte ranges. */
export interface Segment {
  firstIndex: number;
  p: RowRange;
  q: RowRange;
}

/** Where the segments come from, in row order; null once the batch is covered. */
export interface SegmentSource {
  next(): Segment | null;
}

interface SegmentState {
  /** Blocks of outcomes, each from the worker to give its array back to. */
  blocks: { data: Float64Array; length: number; worker: Worker }[];
  done: boolean;
  error: Extract<BatchWorkerMessage, { type: 'error' }> | null;
}

/**
 * Segments computed by a pool of workers, merged in row order. Each worker holds up to
 * `depth` segments (the one it computes and the next), so it never waits for the main
 * thread between two; at most `window` segments are out (being computed or waiting to be
 * merged), so memory stays flat however long the batch. A segment's error surfaces after
 * the rows before it, as on the sequential path; no segment is handed out after one has
 * failed.
 */
export class SegmentedRows implements WorkerRows {
  private readonly segments = new Map<number, SegmentState>();
  /** Segments handed to each worker and not yet finished. */
  private readonly load = new Map<Worker, number>();
  private readonly signal = new Signal();
  private merged = 0;
  private handedOut = 0;
  private exhausted = false;
  private failure: Error | null = null;

  static async start(plan: RowPlan, source: SegmentSource, options: { workers: number; depth: number; window: number }): Promise<SegmentedRows> {
    const workers = await Promise.all(Array.from({ length: options.workers }, () => startWorker({ mode: 'segments', plan })));
    return new SegmentedRows(workers, rowMeasureNames(plan, true), source, options.depth, options.window);
  }

  private constructor(
    private readonly workers: Worker[],
    private readonly names: readonly MeasureName[],
    private readonly source: SegmentSource,
    private readonly depth: number,
    private readonly window: number,
  ) {
    for (const worker of workers) {
      worker.on('message', (message: BatchWorkerMessage) => this.receive(worker, message));
      worker.on('error', (error) => this.fail(error));
      this.load.set(worker, 0);
    }
    this.handOut();
  }

  /** The worker with the fewest segments, if it can take one more. */
  private leastLoaded(): Worker | null {
    let best: Worker | null = null;
    for (const [worker, load] of this.load) if (load < this.depth && (best === null || load < (this.load.get(best) as number))) best = worker;
    return best;
  }

  private fail(error: unknown): void {
    this.failure ??= error instanceof Error ? error : new Error(String(error));
    this.exhausted = true;
    this.signal.notify();
  }

  private handOut(): void {
    for (let worker = this.leastLoaded(); worker && !this.exhausted && this.handedOut < this.merged + this.window; worker = this.leastLoaded()) {
      let segment: Segment | null;
      try {
        segment = this.source.next();
      } catch (error) {
        this.fail(error);
        return;
      }
      if (!segment) {
        this.exhausted = true;
        break;
      }
      const index = this.handedOut++;
      this.segments.set(index, { blocks: [], done: false, error: null });
      this.load.set(worker, (this.load.get(worker) as number) + 1);
      worker.postMessage({ type: 'segment', segment: index, ...segment } satisfies SegmentJob);
    }
    this.signal.notify();
  }

  private receive(worker: Worker, message: BatchWorkerMessage): void {
    if (message.type === 'done') return;
    const state = this.segments.get(message.segment);
    if (!state) return;
    if (message.type === 'outcomes') state.blocks.push({ data: message.data, length: message.length ?? message.data.length, worker });
    else {
      state.done = true;
      if (message.type === 'error') {
        state.error = message;
        this.exhausted = true;
      }
      this.load.set(worker, (this.load.get(worker) as number) - 1);
      this.handOut();
    }
    this.signal.notify();
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RowOutcome> {
    for (;;) {
      if (this.failure) throw this.failure;
      const state = this.segments.get(this.merged);
      if (!state) {
        if (this.exhausted && this.merged >= this.handedOut) {
          // Every row is in: the workers stop while the main thread summarises and prints.
          if (!this.failure) void this.close();
          return;
        }
        await this.signal.wait();
        continue;
      }
      const block = state.blocks.shift();
      if (block) {
        yield* decodeOutcomes(block.data.subarray(0, block.length), this.names);
        // Merged: the array goes back to its worker, to be filled again.
        block.worker.postMessage({ type: 'recycle', data: block.data } satisfies RecycledBlock);
        continue;
      }
      if (!state.done) {
        await this.signal.wait();
        continue;
      }
      if (state.error) throw errorFromMessage(state.error);
      this.segments.delete(this.merged++);
      this.handOut();
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}
