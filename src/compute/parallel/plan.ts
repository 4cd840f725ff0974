/**
 * The door to kl's parallel machinery: which plan, if any, spreads a batch over worker
 * threads. Everything else in this folder (segments, halves, the workers, their protocol and
 * outcome codec) sits behind it and parse-on-worker.ts (a big file parsed on a worker of its own).
 */
import type { InputPart, RowWindow } from '../../io/shard.js';
import type { RawBatch } from '../../io/types.js';
import type { Request } from '../request.js';
import { planParallelCsv, planShardedCsv } from './csv-segments.js';
import { planParallelNpy } from './npy-halves.js';
import type { WorkerRows } from './remote-rows.js';

export interface ParallelPlan {
  /** The rows the main thread computes itself (none, when workers take them all). */
  p: RawBatch;
  q: RawBatch;
  /** The rest, computed by workers, in order after those. */
  remote: WorkerRows;
}

export { planShardedCsv };

/** A --shard run's rows: the window, and where P's and Q's parts of it are. */
export interface ShardParts {
  window: RowWindow;
  p: InputPart;
  q: InputPart | null;
}

/**
 * Two .npy matrices in halves (of a shard's rows, with --shard), or two numeric CSV/TSV
 * files in segments; null: one thread. A CSV shard's segments start from planShardedCsv,
 * which finds its rows while the workers start.
 */
export async function planParallel(request: Request, shard: ShardParts | null = null): Promise<ParallelPlan | null> {
  return (await planParallelNpy(request, shard)) ?? (shard ? null : await planParallelCsv(request));
}
