/**
 * Two-core batches for big .npy inputs: the main thread computes the first half of the
 * rows while a worker (batch-worker.ts) computes the second, both reading their ranges
 * straight from the files; once its half is done, the main thread takes the worker's rows
 * from the back (row-claims.ts) until the two meet, so that neither waits for the other. Used only when it is safe and worth it: both inputs are
 * complete C-order .npy files on disk of the same shape, large but with at most
 * MAX_QUEUED_ROWS rows in the worker's half, with no --targets and no
 * row to keep for explain/report; anything else takes the ordinary single-thread path,
 * which also produces every error message.
 */
import { statSync } from 'node:fs';
import { formatFromExtension } from '../../io/detect.js';
import { type NpyHeader, npyMatrixShape, npyRowRange, readNpyHeaderFromFile } from '../../io/npy.js';
import { primeKernel } from '../../measures/kernel.js';
import { computeRows } from '../pair-rows.js';
import type { Request } from '../request.js';
import { RowComputer, type RowOutcome, type RowPlan, rowPlanOf } from '../row-computer.js';
import { PARALLEL_MIN_BYTES, rowsMayRunOnWorkers } from './eligibility.js';
import type { ParallelPlan, ShardParts } from './plan.js';
import { MAX_QUEUED_ROWS, RemoteRows, type WorkerRows } from './remote-rows.js';
import { RowClaims } from './row-claims.js';

/** Where one side's rows are: a complete C-order matrix on disk. */
interface NpySide {
  path: string;
  source: string;
  header: NpyHeader;
}

/**
 * The worker's rows in order, and after them the rows the main thread took from the back
 * of the worker's range: taken (and computed) as soon as the main thread asks for the
 * worker's first outcome, which is when its own half is done. An error in a row taken
 * from the back is thrown where the sequential path would throw it: after the worker's
 * rows before it, and without the rows after it.
 */
class RowsTakenFromTheBack implements WorkerRows {
  constructor(
    private readonly remote: RemoteRows,
    private readonly claims: RowClaims,
    private readonly plan: RowPlan,
    private readonly p: NpySide,
    private readonly q: NpySide,
  ) {}

  async *[Symbol.asyncIterator](): AsyncGenerator<RowOutcome> {
    const taken: RowOutcome[] = [];
    let failure: unknown = null;
    let computer: RowComputer | null = null;
    // A row is claimed only when it will be computed: after an error, the worker computes
    // the rows before it.
    while (failure === null) {
      const row = this.claims.takeBack();
      if (row < 0) break;
      try {
        const p = npyRowRange(this.p.path, this.p.source, this.p.header, row, row + 1, true);
        const q = npyRowRange(this.q.path, this.q.source, this.q.header, row, row + 1, true);
        computer ??= new RowComputer(this.plan, p, q, null);
        for await (const outcome of computeRows(computer, { p, q, targets: null }, row)) {
          // Its vectors are in buffers the next row reuses; nothing here keeps rows for explain.
          outcome.aligned = undefined;
          taken.push(outcome);
        }
      } catch (error) {
        failure = error;
      }
    }
    yield* this.remote;
    if (failure !== null) throw failure;
    for (let i = taken.length - 1; i >= 0; i--) yield taken[i] as RowOutcome;
  }

  close(): Promise<void> {
    return this.remote.close();
  }
}

async function completeMatrix(path: string, source: string): Promise<{ header: NpyHeader; rows: number; width: number; bytes: number } | null> {
  try {
    const header = await readNpyHeaderFromFile(path, source);
    const shape = npyMatrixShape(header);
    if (!shape) return null;
    const bytes = statSync(path).size;
    // Only files whose size is exactly what the header says; others get the careful path.
    if (bytes !== header.dataOffset + shape.rows * shape.rowBytes) return null;
    return { header, rows: shape.rows, width: shape.width, bytes };
  } catch {
    return null;
  }
}

export async function planParallelNpy(request: Request, shard: ShardParts | null): Promise<ParallelPlan | null> {
  if (!rowsMayRunOnWorkers(request)) return null;
  const q = request.q;
  for (const input of [request.p, q]) {
    if ((input.format ?? formatFromExtension(input.path)) !== 'npy') return null;
  }
  const [pMatrix, qMatrix] = await Promise.all([completeMatrix(request.p.path, request.p.displayName), completeMatrix(q.path, q.displayName)]);
  if (!pMatrix || !qMatrix || pMatrix.rows !== qMatrix.rows || pMatrix.width !== qMatrix.width || pMatrix.rows < 2) return null;
  if (pMatrix.bytes + qMatrix.bytes < PARALLEL_MIN_BYTES) return null;
  const { availableParallelism } = await import('node:os');
  if (availableParallelism() < 2) return null;
  // The rows: all of them, or a --shard part's (the same rows of both: same shapes).
  if (shard && (shard.p.type !== 'npy' || shard.q?.type !== 'npy')) return null;
  const first = shard?.p.type === 'npy' ? shard.p.startRow : 0;
  const end = shard?.p.type === 'npy' ? shard.p.endRow : pMatrix.rows;
  if (end - first < 2) return null;
  const half = first + Math.ceil((end - first) / 2);
  if (end - half > MAX_QUEUED_ROWS) return null;
  const plan = rowPlanOf(request);
  const claims = RowClaims.create(half, end);
  const remote = await RemoteRows.start({
    plan,
    p: { format: 'npy', path: request.p.path, source: request.p.displayName, start: half, end },
    q: { format: 'npy', path: q.path, source: q.displayName, start: half, end },
    firstIndex: half,
    // The main thread reads the worker's rows only after its own half, so the worker must
    // never wait: all of its outcomes may queue (MAX_QUEUED_ROWS bounds them).
    credits: Number.MAX_SAFE_INTEGER,
    claims: claims.buffer,
  });
  // The main thread computes the first half itself: the kernel must be primed here too.
  primeKernel();
  return {
    p: npyRowRange(request.p.path, request.p.displayName, pMatrix.header, first, half),
    q: npyRowRange(q.path, q.displayName, qMatrix.header, first, half),
    remote: new RowsTakenFromTheBack(
      remote,
      claims,
      plan,
      { path: request.p.path, source: request.p.displayName, header: pMatrix.header },
      { path: q.path, source: q.displayName, header: qMatrix.header },
    ),
  };
}
