/**
 * The one door to kl's parallel machinery: which plan, if any, spreads a batch over worker
 * threads, and the reader that parses a big file on a worker of its own. Everything else in
 * this folder (segments, halves, the workers, their protocol and outcome codec) sits behind it.
 */
import type { FastBatchContext } from '../../io/fast-csv.js';
import type { RawBatch } from '../../io/types.js';
import type { Request } from '../request.js';
import { planParallelCsv } from './csv-segments.js';
import { PARALLEL_MIN_BYTES } from './eligibility.js';
import { planParallelNpy } from './npy-halves.js';
import { workerBatch } from './parsed-batch.js';
import type { WorkerRows } from './remote-rows.js';

export interface ParallelPlan {
  /** The rows the main thread computes itself (none, when workers take them all). */
  p: RawBatch;
  q: RawBatch;
  /** The rest, computed by workers, in order after those. */
  remote: WorkerRows;
}

/** Two .npy matrices in halves, or two numeric CSV/TSV files in segments; null: one thread. */
export async function planParallel(request: Request): Promise<ParallelPlan | null> {
  return (await planParallelNpy(request)) ?? (await planParallelCsv(request));
}

/**
 * For the readers (io/read.ts, which starts no threads itself): a plain numeric CSV/TSV file
 * this big is parsed on a worker thread while the main thread computes; null for a smaller one.
 */
export function parseOnWorker(path: string, fileSize: number, dataStart: number, context: FastBatchContext): RawBatch | null {
  return fileSize >= PARALLEL_MIN_BYTES ? workerBatch(path, dataStart, context) : null;
}
