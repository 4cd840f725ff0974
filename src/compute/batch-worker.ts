/**
 * Worker thread that computes a range of batch rows from two .npy files, so a big .npy
 * comparison uses both cores: the main thread computes the first half, this the second,
 * with the same RowComputer. Outcomes go back in order, in blocks, under flow control.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { KlError } from '../errors.js';
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
  | { type: 'error'; code: string; message: string; hint: string | undefined; exitCode: number };

const BLOCK = 32;

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as BatchWorkerData;
  let credits = data.credits;
  let wake: (() => void) | null = null;
  port.on('message', () => {
    credits++;
    wake?.();
    wake = null;
  });
  try {
    const [pHeader, qHeader] = await Promise.all([readNpyHeaderFromFile(data.p.path, data.p.source), readNpyHeaderFromFile(data.q.path, data.q.source)]);
    const p = npyRowRange(data.p.path, data.p.source, pHeader, data.start, data.end);
    const q = npyRowRange(data.q.path, data.q.source, qHeader, data.start, data.end);
    const computer = new RowComputer(data.request, p, q, null);
    let block: RowOutcome[] = [];
    const flush = async (): Promise<void> => {
      if (block.length === 0) return;
      while (credits === 0) await new Promise<void>((resolve) => (wake = resolve));
      credits--;
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
    const known = error instanceof KlError;
    port.postMessage({
      type: 'error',
      code: known ? error.code : 'internal',
      message: error instanceof Error ? error.message : String(error),
      hint: known ? error.hint : undefined,
      exitCode: known ? error.exitCode : 2,
    } satisfies BatchWorkerMessage);
  }
}

await main();
