/**
 * Two-core batches for big .npy inputs: the main thread computes the first half of the
 * rows while a worker (batch-worker.ts) computes the second, both reading their ranges
 * straight from the files. Used only when it is safe and worth it: both inputs are
 * complete C-order .npy files on disk of the same shape, large, with no --targets and no
 * row to keep for explain/report; anything else takes the ordinary single-thread path,
 * which also produces every error message.
 */
import { statSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import { errorFromMessage } from '../worker-protocol.js';
import { formatFromExtension } from '../io/detect.js';
import { type NpyHeader, npyMatrixShape, npyRowRange, readNpyHeaderFromFile } from '../io/npy.js';
import { isStdin } from '../io/source.js';
import type { RawBatch } from '../io/types.js';
import type { RowOutcome } from './batch.js';
import type { BatchWorkerData, BatchWorkerMessage } from './batch-worker.js';
import type { Request } from './request.js';

/** Below this much data a worker's start-up costs more than the second core gives. */
const MIN_BYTES = 64 << 20;

export interface ParallelPlan {
  p: RawBatch;
  q: RawBatch;
  remote: RemoteRows;
}

async function completeMatrix(path: string, source: string): Promise<{ header: NpyHeader; rows: number; width: number; bytes: number } | null> {
  try {
    const header = await readNpyHeaderFromFile(path, source);
    const shape = npyMatrixShape(header);
    if (!shape) return null;
    const bytes = statSync(path).size;
    // Only files whose size is exactly what the header says; others get the careful path.
    if (bytes !== header.dataOffset + shape.rows * shape.rowBytes) return null;
    return { header, rows: shape.rows, width: shape.width, bytes };
  } catch {
    return null;
  }
}

/** The rows another thread computes, as an async iterable of outcomes in order. */
export class RemoteRows implements AsyncIterable<RowOutcome> {
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

export async function planParallelNpy(request: Request): Promise<ParallelPlan | null> {
  const q = request.q;
  if (!q || request.targets !== null || request.explain !== null || request.p.read.fastPath === false) return null;
  for (const input of [request.p, q]) {
    if (isStdin(input.path) || (request.inputFormat ?? formatFromExtension(input.path)) !== 'npy') return null;
  }
  const [pMatrix, qMatrix] = await Promise.all([completeMatrix(request.p.path, request.p.displayName), completeMatrix(q.path, q.displayName)]);
  if (!pMatrix || !qMatrix || pMatrix.rows !== qMatrix.rows || pMatrix.width !== qMatrix.width || pMatrix.rows < 2) return null;
  if (pMatrix.bytes + qMatrix.bytes < MIN_BYTES) return null;
  const { availableParallelism } = await import('node:os');
  if (availableParallelism() < 2) return null;
  const half = Math.ceil(pMatrix.rows / 2);
  const remote = await RemoteRows.start({
    request,
    p: { path: request.p.path, source: request.p.displayName },
    q: { path: q.path, source: q.displayName },
    start: half,
    end: pMatrix.rows,
    // The main thread reads the worker's rows only after its own half, so the worker must
    // never wait: outcomes are a few hundred bytes per row, so all of them may queue.
    credits: Number.MAX_SAFE_INTEGER,
  });
  return {
    p: npyRowRange(request.p.path, request.p.displayName, pMatrix.header, 0, half),
    q: npyRowRange(q.path, q.displayName, qMatrix.header, 0, half),
    remote,
  };
}
