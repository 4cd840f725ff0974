/**
 * Two-core batches for big numeric CSV/TSV inputs: two workers (batch-worker.ts) each
 * parse and compute half of the rows, P and Q alike, while the main thread only merges
 * their outcomes in order and prints. Parsing and the measures both split evenly, which
 * the one-worker-per-file design (csv-workers.ts) cannot do: there the main thread
 * computes every row while two workers parse.
 *
 * Used only when it is safe and worth it: two regular files, plain numeric batches by the
 * fast path's rules (fastLayout), at least MIN_BYTES but at most MAX_QUEUED_ROWS rows per
 * half, no --targets, no row to keep for explain; and no quote, carriage return or NUL
 * byte before the split, where csv-parse could read lines differently from a split at
 * newlines. Anything else takes the ordinary path, which also produces every error
 * message; row-count mismatches are found by the workers.
 */
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { type InputFormat, formatFromExtension } from '../io/detect.js';
import type { FastBatchContext } from '../io/fast-csv.js';
import { type FastLayout, fastLayout } from '../io/read.js';
import { isStdin } from '../io/source.js';
import type { RawBatch } from '../io/types.js';
import type { RowRange } from './batch-worker.js';
import type { ParallelPlan } from './parallel-npy.js';
import { ChainedRows, MAX_QUEUED_ROWS, RemoteRows } from './remote-rows.js';
import type { InputRequest, Request } from './request.js';

/** Below this much data two workers' start-up costs more than they save. */
const MIN_BYTES = 64 << 20;
const SCAN_BYTES = 1 << 20;
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
 * Walks the data lines of a file from `layout.dataStart` and returns the first row (a
 * non-empty line, as fastRows counts them) for which `found` holds, or null at the end
 * of the file or at a byte csv-parse would treat specially.
 */
function findRow(path: string, layout: FastLayout, found: (row: number, offset: number) => boolean): RowStart | null {
  const fd = openSync(path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(SCAN_BYTES);
    let row = 0;
    let line = layout.context.firstLine;
    let lineStart = layout.dataStart;
    let position = layout.dataStart;
    for (;;) {
      const read = readSync(fd, buffer, 0, SCAN_BYTES, position);
      if (read === 0) return null;
      const chunk = buffer.subarray(0, read);
      if (UNSAFE_BYTES.some((byte) => chunk.includes(byte))) return null;
      for (let index = chunk.indexOf(NEWLINE); index >= 0; index = chunk.indexOf(NEWLINE, index + 1)) {
        const lineEnd = position + index;
        if (lineEnd > lineStart) {
          if (found(row, lineStart)) return { row, offset: lineStart, line };
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

function emptyBatch(context: FastBatchContext): RawBatch {
  async function* none() {}
  return { shape: 'batch', source: context.source, format: context.format, columns: context.columns, width: context.width, rows: none() };
}

function csvFormat(input: InputRequest, override: InputFormat | undefined): 'csv' | 'tsv' | null {
  const format = override ?? formatFromExtension(input.path);
  return format === 'csv' || format === 'tsv' ? format : null;
}

/** How a pair of big CSV/TSV batches splits between two workers (see planCsvSplit). */
export interface CsvSplit {
  p: FastLayout;
  q: FastLayout;
  /** The first row of the second half: its index, and where it starts in P and in Q. */
  row: number;
  pStart: RowStart;
  qStart: RowStart;
}

/**
 * Decides whether a comparison takes the two-worker CSV path, and where it splits: at P's
 * first row past its middle byte, and at the row with the same index in Q. Null when the
 * ordinary path must take it (see the top of this module).
 */
export function planCsvSplit(request: Request, minBytes = MIN_BYTES, maxHalfRows = MAX_QUEUED_ROWS): CsvSplit | null {
  const q = request.q;
  if (!q || !request.pairwise || request.targets !== null || request.explain !== null) return null;
  if (isStdin(request.p.path) || isStdin(q.path)) return null;
  const pFormat = csvFormat(request.p, request.inputFormat);
  const qFormat = csvFormat(q, request.inputFormat);
  if (!pFormat || !qFormat) return null;
  let pSize: number;
  let qSize: number;
  try {
    const [pInfo, qInfo] = [statSync(request.p.path), statSync(q.path)];
    if (!pInfo.isFile() || !qInfo.isFile()) return null;
    [pSize, qSize] = [pInfo.size, qInfo.size];
  } catch {
    return null;
  }
  if (pSize + qSize < minBytes) return null;
  const readRequest = (input: InputRequest, format: 'csv' | 'tsv') => ({
    path: input.path,
    displayName: input.displayName,
    format,
    options: input.read,
    columnFlag: input.columnFlag,
  });
  let pLayout: FastLayout | null;
  let qLayout: FastLayout | null;
  try {
    pLayout = fastLayout(readHead(request.p.path), pFormat, readRequest(request.p, pFormat));
    qLayout = fastLayout(readHead(q.path), qFormat, readRequest(q, qFormat));
  } catch {
    // Whatever is wrong with the input, the ordinary path says it properly.
    return null;
  }
  if (!pLayout || !qLayout) return null;
  const middle = pLayout.dataStart + (pSize - pLayout.dataStart) / 2;
  const pStart = findRow(request.p.path, pLayout, (row, offset) => offset >= middle || row > maxHalfRows);
  if (!pStart || pStart.row === 0 || pStart.row > maxHalfRows) return null;
  const qStart = findRow(q.path, qLayout, (row) => row === pStart.row);
  if (!qStart) return null;
  return { p: pLayout, q: qLayout, row: pStart.row, pStart, qStart };
}

export async function planParallelCsv(request: Request): Promise<ParallelPlan | null> {
  const q = request.q;
  if (!q) return null;
  const split = planCsvSplit(request);
  if (!split) return null;
  const { availableParallelism } = await import('node:os');
  if (availableParallelism() < 2) return null;
  const range = (input: InputRequest, layout: FastLayout, start: number, end: number, firstLine: number): RowRange => ({
    format: 'csv',
    path: input.path,
    start,
    end,
    context: { ...layout.context, firstLine },
  });
  const { p: pLayout, q: qLayout, pStart, qStart } = split;
  // The main thread reads the second worker's rows only after the first's, so that one
  // must never wait: all of its outcomes may queue (MAX_QUEUED_ROWS bounds them).
  const [first, second] = await Promise.all([
    RemoteRows.start({
      request,
      p: range(request.p, pLayout, pLayout.dataStart, pStart.offset, pLayout.context.firstLine),
      q: range(q, qLayout, qLayout.dataStart, qStart.offset, qLayout.context.firstLine),
      firstIndex: 0,
      credits: 16,
    }),
    RemoteRows.start({
      request,
      p: range(request.p, pLayout, pStart.offset, Infinity, pStart.line),
      q: range(q, qLayout, qStart.offset, Infinity, qStart.line),
      firstIndex: split.row,
      credits: Number.MAX_SAFE_INTEGER,
    }),
  ]);
  return { p: emptyBatch(pLayout.context), q: emptyBatch(qLayout.context), remote: new ChainedRows([first, second]) };
}
