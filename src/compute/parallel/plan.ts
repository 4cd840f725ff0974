/**
 * The door to kl's parallel machinery: which plan, if any, spreads a batch over worker
 * threads. Everything else in this folder (segments, halves, the workers, their protocol and
 * outcome codec) sits behind it and parse-on-worker.ts (a big file parsed on a worker of its own).
 */
import type { RawBatch } from '../../io/types.js';
import type { Request } from '../request.js';
import { planParallelCsv } from './csv-segments.js';
import { planParallelNpy } from './npy-halves.js';
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
