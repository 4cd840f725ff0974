/**
 * Main-thread side of parse-worker.ts: a RawBatch whose rows arrive from a worker thread.
 */

import { batchOf, type FastBatchContext } from '../../io/fast-csv.js';
import type { RawBatch, RawRow } from '../../io/types.js';
import type { CsvWorkerData, CsvWorkerMessage } from './parse-worker.js';
import { errorFromMessage } from './protocol.js';

const ROWS_PER_BLOCK = 64;
const CREDITS = 8;

async function* workerRows(path: string, start: number, context: FastBatchContext): AsyncGenerator<RawRow> {
  const data: CsvWorkerData = { path, start, context, rowsPerBlock: ROWS_PER_BLOCK, credits: CREDITS };
  // A small young generation: the parser's blocks are short-lived, and heap headroom per
  // thread shows up in peak RSS.
  // Loaded here, not at start-up: only big files need it.
  const { Worker } = await import('node:worker_threads');
  const worker = new Worker(new URL('./parse-worker.js', import.meta.url), {
    workerData: data,
    resourceLimits: { maxYoungGenerationSizeMb: 4 },
  });
  const queue: CsvWorkerMessage[] = [];
  let waiting: (() => void) | null = null;
  let failure: Error | null = null;
  worker.on('message', (message: CsvWorkerMessage) => {
    queue.push(message);
    waiting?.();
    waiting = null;
  });
  worker.on('error', (error) => {
    failure = error;
    waiting?.();
    waiting = null;
  });
  try {
    for (;;) {
      while (queue.length === 0 && !failure) await new Promise<void>((resolve) => (waiting = resolve));
      if (failure) throw failure;
      const message = queue.shift() as CsvWorkerMessage;
      if (message.type === 'done') return;
      if (message.type === 'error') {
        throw errorFromMessage(message);
      }
      const { width, values, lines } = message;
      for (let r = 0; r < lines.length; r++) {
        yield { values: values.subarray(r * width, (r + 1) * width), labels: null, line: lines[r] as number };
      }
      worker.postMessage('credit');
    }
  } finally {
    await worker.terminate();
  }
}

/** A numeric batch parsed by a worker thread from byte `start` of `path`. */
export function workerBatch(path: string, start: number, context: FastBatchContext): RawBatch {
  return batchOf(context, workerRows(path, start, context));
}
