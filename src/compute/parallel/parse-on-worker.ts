import type { FastBatchContext } from '../../io/fast-csv.js';
import type { RawBatch } from '../../io/types.js';
import { PARALLEL_MIN_BYTES } from './eligibility.js';
import { workerBatch } from './parsed-batch.js';

/**
 * For the readers (io/read.ts, which starts no threads itself): a plain numeric CSV/TSV file
 * this big is parsed on a worker thread while the main thread computes; null for a smaller one.
 */
export function parseOnWorker(path: string, fileSize: number, dataStart: number, context: FastBatchContext): RawBatch | null {
  return fileSize >= PARALLEL_MIN_BYTES ? workerBatch(path, dataStart, context) : null;
}
