/**
 * Worker thread for big numeric CSV/TSV batches: reads one file from the first data byte,
 * runs the fast scanner (fast-csv.ts), and posts rows to the main thread in blocks, so
 * P and Q are parsed in parallel while the main thread computes.
 *
 * Flow control: the worker posts at most `credits` blocks ahead of the consumer; each block
 * the main thread takes returns one credit. Memory stays at a few blocks per side.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { type FastBatchContext, fastRows } from '../../io/fast-csv.js';
import { fileChunks } from '../../io/file-chunks.js';
import { Credits, errorMessage, type WorkerErrorMessage } from './protocol.js';

export interface CsvWorkerData {
  path: string;
  start: number;
  context: FastBatchContext;
  rowsPerBlock: number;
  credits: number;
}

export type CsvWorkerMessage = { type: 'rows'; width: number; values: Float64Array; lines: Int32Array } | { type: 'done' } | WorkerErrorMessage;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as CsvWorkerData;
  const credits = new Credits(port, data.credits);
  const iterator = fileChunks(data.path, data.start);
  const width = data.context.width;
  let values = new Float64Array(width * data.rowsPerBlock);
  let lines = new Int32Array(data.rowsPerBlock);
  let count = 0;
  const flush = async (): Promise<void> => {
    if (count === 0) return;
    await credits.take();
    const message: CsvWorkerMessage = { type: 'rows', width, values: values.subarray(0, count * width), lines: lines.subarray(0, count) };
    port.postMessage(message, [values.buffer, lines.buffer]);
    values = new Float64Array(width * data.rowsPerBlock);
    lines = new Int32Array(data.rowsPerBlock);
    count = 0;
  };
  try {
    // Each row is copied into the block at once, so the parser may reuse its row array.
    for await (const row of fastRows(new Uint8Array(0), iterator, data.context, true)) {
      values.set(row.values, count * width);
      lines[count] = row.line ?? 0;
      count++;
      if (count === data.rowsPerBlock) await flush();
    }
    await flush();
    port.postMessage({ type: 'done' } satisfies CsvWorkerMessage);
  } catch (error) {
    // The rows before the error go out first: the sequential path has printed them too.
    await flush();
    port.postMessage(errorMessage(error) satisfies CsvWorkerMessage);
  } finally {
    await iterator.return(undefined);
  }
}

await main();
