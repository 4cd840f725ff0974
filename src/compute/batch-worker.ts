/**
 * Worker thread that computes a range of batch rows from two .npy files, so a big .npy
 * comparison uses both cores: the main thread computes the first half, this the second,
 * with the same RowComputer. Outcomes go back in order, in blocks, under flow control.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { Credits, type WorkerErrorMessage, errorMessage } from '../worker-protocol.js';
import { npyRowRange, readNpyHeaderFromFile } from '../io/npy.js';
import { RowComputer, type RowOutcome, computeRows } from './batch.js';
import type { Request } from './request.js';

export interface BatchWorkerData {
  request: Request;
  p: { path: string; source: string };
  q: { path: string; source: string };
  start: number;
  end: number;
  credits: number;
}

export type BatchWorkerMessage =
  | { type: 'outcomes'; outcomes: RowOutcome[] }
  | { type: 'done' }
  | WorkerErrorMessage;

const BLOCK = 32;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as BatchWorkerData;
  const credits = new Credits(port, data.credits);
  try {
    const [pHeader, qHeader] = await Promise.all([readNpyHeaderFromFile(data.p.path, data.p.source), readNpyHeaderFromFile(data.q.path, data.q.source)]);
    const p = npyRowRange(data.p.path, data.p.source, pHeader, data.start, data.end);
    const q = npyRowRange(data.q.path, data.q.source, qHeader, data.start, data.end);
    const computer = new RowComputer(data.request, p, q, null);
    let block: RowOutcome[] = [];
    const flush = async (): Promise<void> => {
      if (block.length === 0) return;
      await credits.take();
      port.postMessage({ type: 'outcomes', outcomes: block } satisfies BatchWorkerMessage);
      block = [];
    };
    for await (const outcome of computeRows(computer, { p, q, targets: null }, data.start)) {
      block.push(outcome);
      if (block.length === BLOCK) await flush();
    }
    await flush();
    port.postMessage({ type: 'done' } satisfies BatchWorkerMessage);
  } catch (error) {
    port.postMessage(errorMessage(error) satisfies BatchWorkerMessage);
  }
}

await main();
