/**
 * Two-core batches for big numeric CSV/TSV inputs: two workers (batch-worker.ts) parse
 * and compute the rows, P and Q alike, segment by segment, while the main thread finds
 * the segments, merges the outcomes in order and prints. Parsing and the measures both
 * split evenly, which the one-worker-per-file design (csv-workers.ts) cannot do: there the
 * main thread computes every row while two workers parse.
 *
 * A segment is a run of rows of P of about SEGMENT_BYTES (at most SEGMENT_ROWS rows) and
 * the same rows of Q. Segments are found by a newline scan just ahead of the workers and
 * handed to whichever worker has least to do, so both finish together; a few segments out
 * at a time keep memory flat however long the batch. The scan stops at the first quote,
 * carriage return or NUL byte of either file (csv-parse could read the lines after it
 * differently from a split at newlines), or at the end of either: the last segment then
 * runs to the end of both files, where its worker hands any such line to csv-parse as
 * the sequential path does, and finds a row-count mismatch.
 *
 * Used only when it is safe and worth it: two regular files, plain numeric batches by the
 * fast path's rules (fastLayout), at least PARALLEL_MIN_BYTES together, no --targets, no row to
 * keep for explain. Anything else takes the ordinary path, which also produces every
 * error message.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { formatFromExtension } from '../../io/detect.js';
import { batchOf, type FastBatchContext } from '../../io/fast-csv.js';
import { type FastLayout, fastLayout } from '../../io/read.js';
import { emptyShardError, type ShardSpec, scanRows, textShardBounds } from '../../io/shard.js';
import type { RawBatch } from '../../io/types.js';
import { type InputRequest, type Request, readRequestOf } from '../request.js';
import { rowPlanOf } from '../row-computer.js';
import type { RowRange } from './batch-worker.js';
import { PARALLEL_MIN_BYTES, rowsMayRunOnWorkers } from './eligibility.js';
import type { ParallelPlan } from './plan.js';
import { type Segment, SegmentedRows, type SegmentSource } from './remote-rows.js';

/** Below this much data two workers' start-up costs more than they save. */
/**
 * Segment size: small enough that the two workers finish close together, big enough that
 * handing one out (a message, two file opens) is noise.
 */
const SEGMENT_BYTES = 4 << 20;
/** A segment's rows bound what waits in memory when the rows are short. */
const SEGMENT_ROWS = 4096;
/** Segments out at a time: being computed, queued at a worker, or waiting to be merged. */
const WINDOW = 6;
const SCAN_BYTES = 1 << 18;
const NEWLINE = 10;
const UNSAFE_BYTES = [34, 13, 0]; // quote, carriage return, NUL

function readHead(path: string): Buffer {
  const fd = openSync(path, 'r');
  try {
    const head = Buffer.allocUnsafe(1 << 16);
    return head.subarray(0, readSync(fd, head, 0, head.length, 0));
  } finally {
    closeSync(fd);
  }
}

/** Where a row starts: its index among the data rows, its byte offset and its line number. */
export interface RowStart {
  row: number;
  offset: number;
  line: number;
}

/**
 * Walks the data lines of a file from `from` (a row start, or the start of the data) and
 * returns the first later row (a non-empty line, as fastRows counts them) for which
 * `found` holds, or null at the end of the file or at a byte csv-parse would treat
 * specially.
 */
function findRow(path: string, from: RowStart, found: (row: number, offset: number) => boolean, buffer: Buffer): RowStart | null {
  const fd = openSync(path, 'r');
  try {
    let row = from.row;
    let line = from.line;
    let lineStart = from.offset;
    let position = from.offset;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) return null;
      const chunk = buffer.subarray(0, read);
      if (UNSAFE_BYTES.some((byte) => chunk.includes(byte))) return null;
      for (let index = chunk.indexOf(NEWLINE); index >= 0; index = chunk.indexOf(NEWLINE, index + 1)) {
        const lineEnd = position + index;
        if (lineEnd > lineStart) {
          if (row > from.row && found(row, lineStart)) return { row, offset: lineStart, line };
          row++;
        }
        line++;
        lineStart = lineEnd + 1;
      }
      position += read;
    }
  } finally {
    closeSync(fd);
  }
}

/** Two plain numeric batches that may be computed in segments (see planCsvSegments). */
export interface CsvPair {
  p: { path: string; layout: FastLayout; size: number };
  q: { path: string; layout: FastLayout; size: number };
}

/**
 * Finds the segments of a CsvPair one at a time, just ahead of the workers: at most
 * `maxBytes` of P past the segment's first row, or `maxRows` rows, and the same rows of Q.
 * Towards the end of P segments shrink (to an eighth of the rest, down to an eighth of
 * `maxBytes`), so that the workers' last segments end close together.
 */
export class CsvSegments implements SegmentSource {
  private p: RowStart;
  private q: RowStart;
  private finished = false;
  /** One read buffer for every scan: a fresh one each time is external memory that only a collection frees. */
  private readonly buffer = Buffer.allocUnsafeSlow(SCAN_BYTES);

  /** Where the rows end: a --shard part's end in P, and how to find Q's (null: the ends of the files). */
  private readonly end: { p: number; q: ((endRow: number) => number) | null };

  constructor(
    private readonly pair: CsvPair,
    /**
     * A --shard part: its first row's start in each file, the offset where P's part ends,
     * and how to find Q's end from the row P's part ends at (only when a segment needs it).
     */
    shard: { p: RowStart; q: RowStart; pEnd: number; qEnd: (endRow: number) => number } | null = null,
    private readonly maxBytes = SEGMENT_BYTES,
    private readonly maxRows = SEGMENT_ROWS,
  ) {
    this.p = shard?.p ?? { row: 0, offset: pair.p.layout.dataStart, line: pair.p.layout.context.firstLine };
    this.q = shard?.q ?? { row: 0, offset: pair.q.layout.dataStart, line: pair.q.layout.context.firstLine };
    this.end = { p: shard?.pEnd ?? Infinity, q: shard?.qEnd ?? null };
  }

  next(): Segment | null {
    if (this.finished) return null;
    const { p: from, q: fromQ, end } = this;
    if (from.offset >= end.p) {
      this.finished = true;
      return null;
    }
    const bytes = Math.min(this.maxBytes, Math.max(this.maxBytes / 8, (Math.min(this.pair.p.size, end.p) - from.offset) / 8));
    const pEnd = findRow(
      this.pair.p.path,
      from,
      (row, offset) => offset - from.offset >= bytes || row - from.row >= this.maxRows || offset >= end.p,
      this.buffer,
    );
    const qEnd = pEnd && findRow(this.pair.q.path, fromQ, (row) => row === pEnd.row, this.buffer);
    if (!pEnd || !qEnd || pEnd.offset > end.p) {
      // The end of a file (or of the shard), or a byte the split must not cross: the rest in one segment.
      this.finished = true;
      return { firstIndex: from.row, p: this.range('p', from, end.p), q: this.range('q', fromQ, this.qEndOffset(from)) };
    }
    this.p = pEnd;
    this.q = qEnd;
    return { firstIndex: from.row, p: this.range('p', from, pEnd.offset), q: this.range('q', fromQ, qEnd.offset) };
  }

  /** Q's end offset: its end, or (a --shard) found from the row P's part ends at. */
  private qEndOffset(from: RowStart): number {
    const { q, p } = this.end;
    if (q === null || p === Infinity) return Infinity;
    // P's rows from `from` to its part's end, counted as shard.ts counts them.
    const context = this.pair.p.layout.context;
    const pEndRow = scanRows(
      this.pair.p.path,
      context.source,
      context.format,
      { row: from.row, offset: from.offset, line: from.line },
      (_row, offset) => offset >= p,
    ).row;
    return q(pEndRow);
  }

  private range(side: 'p' | 'q', from: RowStart, end: number): RowRange {
    const { path, layout } = this.pair[side];
    return { format: 'csv', path, start: from.offset, end, context: { ...layout.context, firstLine: from.line } };
  }
}

/** The main thread's share of a segmented batch: no rows (the workers compute them all). */
function emptyBatch(context: FastBatchContext): RawBatch {
  return batchOf(context, (async function* () {})());
}

function csvFormat(input: InputRequest): 'csv' | 'tsv' | null {
  const format = input.format ?? formatFromExtension(input.path);
  return format === 'csv' || format === 'tsv' ? format : null;
}

/**
 * Decides whether a comparison takes the segmented two-worker CSV path: null when the
 * ordinary path must take it (see the top of this module).
 */
export function planCsvSegments(request: Request, minBytes = PARALLEL_MIN_BYTES): CsvPair | null {
  if (!rowsMayRunOnWorkers(request)) return null;
  const q = request.q;
  const pFormat = csvFormat(request.p);
  const qFormat = csvFormat(q);
  if (!pFormat || !qFormat) return null;
  let sizes: [number, number];
  try {
    const [pInfo, qInfo] = [statSync(request.p.path), statSync(q.path)];
    if (!pInfo.isFile() || !qInfo.isFile() || pInfo.size + qInfo.size < minBytes) return null;
    sizes = [pInfo.size, qInfo.size];
  } catch {
    return null;
  }
  try {
    const pLayout = fastLayout(readHead(request.p.path), pFormat, readRequestOf(request.p, pFormat));
    const qLayout = fastLayout(readHead(q.path), qFormat, readRequestOf(q, qFormat));
    if (!pLayout || !qLayout) return null;
    return { p: { path: request.p.path, layout: pLayout, size: sizes[0] }, q: { path: q.path, layout: qLayout, size: sizes[1] } };
  } catch {
    // Whatever is wrong with the input, the ordinary path says it properly.
    return null;
  }
}

/**
 * A --shard of two big numeric CSV/TSV files: the segments of the shard's rows, found at the
 * first call (P's rows before the shard counted, Q's same row found: the newline scans of
 * shard.ts) while the workers start. The shard ends where the next one starts in P; Q's end
 * is found only if a segment must run to it (a byte the split must not cross).
 */
class ShardSegments implements SegmentSource {
  private segments: CsvSegments | null = null;

  constructor(
    private readonly pair: CsvPair,
    private readonly shard: ShardSpec,
    private readonly onFirstRow: (firstRow: number) => void,
  ) {}

  next(): Segment | null {
    if (!this.segments) {
      const { p, q } = this.pair;
      const data = (side: CsvPair['p']) => ({ row: 0, offset: side.layout.dataStart, line: side.layout.context.firstLine });
      const { start, end } = textShardBounds(p.path, p.layout.context.source, p.layout.context.format, data(p), this.shard);
      if (start.offset >= end) throw emptyShardError(this.shard, p.layout.context.source);
      const format = q.layout.context.format;
      const qStart = scanRows(q.path, q.layout.context.source, format, data(q), (row) => row >= start.row);
      const last = this.shard.index === this.shard.count - 1;
      const qEnd = (endRow: number): number => (last ? Infinity : scanRows(q.path, q.layout.context.source, format, qStart, (row) => row >= endRow).offset);
      this.onFirstRow(start.row);
      this.segments = new CsvSegments(this.pair, { p: start, q: qStart, pEnd: last ? Infinity : end, qEnd });
    }
    return this.segments.next();
  }
}

/** planParallelCsv for a --shard: null when the ordinary shard path must take it. */
export async function planShardedCsv(request: Request & { shard: ShardSpec }, onFirstRow: (firstRow: number) => void): Promise<ParallelPlan | null> {
  const pair = planCsvSegments(request);
  if (!pair) return null;
  const { availableParallelism } = await import('node:os');
  if (availableParallelism() < 2) return null;
  const remote = await SegmentedRows.start(rowPlanOf(request), new ShardSegments(pair, request.shard, onFirstRow), { workers: 2, depth: 2, window: WINDOW });
  return { p: emptyBatch(pair.p.layout.context), q: emptyBatch(pair.q.layout.context), remote };
}

export async function planParallelCsv(request: Request): Promise<ParallelPlan | null> {
  const pair = planCsvSegments(request);
  if (!pair) return null;
  const { availableParallelism } = await import('node:os');
  if (availableParallelism() < 2) return null;
  const remote = await SegmentedRows.start(rowPlanOf(request), new CsvSegments(pair), { workers: 2, depth: 2, window: WINDOW });
  return { p: emptyBatch(pair.p.layout.context), q: emptyBatch(pair.q.layout.context), remote };
}
