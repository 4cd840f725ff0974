/**
 * When a batch is worth more than one thread: one size threshold and one eligibility rule
 * for every parallel path (segments of CSV pairs, halves of .npy pairs, a parsing worker
 * per big file).
 */
import { readsByOffset } from '../../io/source.js';
import type { Request } from '../request.js';

/** Below this much input a worker's start-up (tens of milliseconds) costs more than a second core gives. */
export const PARALLEL_MIN_BYTES = 64 << 20;

/**
 * Whether P against Q may be computed by worker threads: both sides, measured against each
 * other, row by row with nothing kept for later (no --targets, no contributions for explain
 * or --report), the fast readers allowed (KL_NO_FAST_PATH=1 turns them off), and both
 * files read as they are on disk (workers read byte ranges: no stdin, gzip or .npz member).
 */
export function rowsMayRunOnWorkers(request: Request): request is Request & { q: NonNullable<Request['q']> } {
  return (
    request.q !== null &&
    request.pairwise &&
    request.targets === null &&
    request.mask === null &&
    request.contributions === null &&
    request.p.options.fastPath !== false &&
    readsByOffset(request.p.path) &&
    readsByOffset(request.q.path)
  );
}
