/**
 * Worker thread that computes a range of batch rows from two files, so a big comparison
 * uses both cores (parallel-npy.ts, parallel-csv.ts), with the same RowComputer as the
 * main thread. Outcomes go back in order, in blocks, under flow control.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Credits, type WorkerErrorMessage, errorMessage } from '../worker-protocol.js';
import { type FastBatchContext, batchOf, fastRows } from '../io/fast-csv.js';
import { fileChunks } from '../io/file-chunks.js';
import { npyRowRange, readNpyHeaderFromFile } from '../io/npy.js';
import type { RawBatch } from '../io/types.js';
import { primeKernel } from '../measures/kernel.js';
import { RowComputer, type RowOutcome, computeRows } from './batch.js';
import type { Request } from './request.js';

/** Where one side's rows of the range come from. */
export type RowRange =
  /** Rows [start, end) of a C-order .npy matrix. */
  | { format: 'npy'; path: string; source: string; start: number; end: number }
  /** The rows in bytes [start, end) of a plain numeric CSV/TSV batch (fast-csv.ts); `end` may be Infinity. */
  | { format: 'csv'; path: string; start: number; end: number; context: FastBatchContext };

export interface BatchWorkerData {
  request: Request;
  p: RowRange;
  q: RowRange;
  /** The index of the range's first row in the whole batch. */
  firstIndex: number;
  credits: number;
}

export type BatchWorkerMessage =
  | { type: 'outcomes'; outcomes: RowOutcome[] }
  | { type: 'done' }
  | WorkerErrorMessage;

const BLOCK = 32;

async function rowsOf(range: RowRange): Promise<RawBatch> {
  if (range.format === 'npy') return npyRowRange(range.path, range.source, await readNpyHeaderFromFile(range.path, range.source), range.start, range.end, true);
  // RowComputer takes each row's numbers at once, so the parser may reuse its row array.
  return batchOf(range.context, fastRows(new Uint8Array(0), fileChunks(range.path, range.start, range.end), range.context, true));
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as BatchWorkerData;
  const credits = new Credits(port, data.credits);
  let block: RowOutcome[] = [];
  const flush = async (): Promise<void> => {
    if (block.length === 0) return;
    await credits.take();
    port.postMessage({ type: 'outcomes', outcomes: block } satisfies BatchWorkerMessage);
    block = [];
  };
  try {
    const [p, q] = await Promise.all([rowsOf(data.p), rowsOf(data.q)]);
    primeKernel();
    const computer = new RowComputer(data.request, p, q, null);
    for await (const outcome of computeRows(computer, { p, q, targets: null }, data.firstIndex)) {
      block.push(outcome);
      if (block.length === BLOCK) await flush();
    }
    await flush();
    port.postMessage({ type: 'done' } satisfies BatchWorkerMessage);
  } catch (error) {
    // The rows before the error go out first: the sequential path has printed them too.
    await flush();
    port.postMessage(errorMessage(error) satisfies BatchWorkerMessage);
  }
}

await main();
