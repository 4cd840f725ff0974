/**
 * Batch rows computed on worker threads (batch-worker.ts), as an async iterable of
 * outcomes in row order: what the main thread merges after (or instead of) its own rows.
 */
import type { Worker } from 'node:worker_threads';
import { errorFromMessage } from '../worker-protocol.js';
import type { RowOutcome } from './batch.js';
import type { BatchWorkerData, BatchWorkerMessage } from './batch-worker.js';

/**
 * The most rows a worker may compute ahead of the main thread's merge. A worker whose
 * range is merged after another's must never wait (or the two would run one after the
 * other), so all of its outcomes queue in memory, a few hundred bytes each: past this
 * many, the two-thread plans are not used, and memory stays flat however long the batch.
 */
export const MAX_QUEUED_ROWS = 50_000;

/** Outcomes computed elsewhere, in row order; close() stops the workers. */
export interface WorkerRows extends AsyncIterable<RowOutcome> {
  close(): Promise<void>;
}

/** The rows one worker computes, in order. */
export class RemoteRows implements WorkerRows {
  private readonly worker: Worker;
  private readonly queue: BatchWorkerMessage[] = [];
  private waiting: (() => void) | null = null;
  private failure: Error | null = null;

  /** worker_threads is loaded only when a worker is needed: it costs start-up time. */
  static async start(data: BatchWorkerData): Promise<RemoteRows> {
    const { Worker } = await import('node:worker_threads');
    return new RemoteRows(new Worker(new URL('./batch-worker.js', import.meta.url), { workerData: data }));
  }

  private constructor(worker: Worker) {
    this.worker = worker;
    this.worker.on('message', (message: BatchWorkerMessage) => {
      this.queue.push(message);
      this.waiting?.();
      this.waiting = null;
    });
    this.worker.on('error', (error) => {
      this.failure = error;
      this.waiting?.();
      this.waiting = null;
    });
  }

  async *[Symbol.asyncIterator](): AsyncGenerator<RowOutcome> {
    for (;;) {
      while (this.queue.length === 0 && !this.failure) await new Promise<void>((resolve) => (this.waiting = resolve));
      if (this.failure) throw this.failure;
      const message = this.queue.shift() as BatchWorkerMessage;
      if (message.type === 'done') return;
      if (message.type === 'error') {
        throw errorFromMessage(message);
      }
      this.worker.postMessage('credit');
      yield* message.outcomes;
    }
  }

  async close(): Promise<void> {
    await this.worker.terminate();
  }
}

/** Several workers' rows, one range after another. */
export class ChainedRows implements WorkerRows {
  constructor(private readonly parts: readonly RemoteRows[]) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<RowOutcome> {
    for (const part of this.parts) yield* part;
  }

  async close(): Promise<void> {
    await Promise.all(this.parts.map((part) => part.close()));
  }
}
