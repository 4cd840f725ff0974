/**
 * --shard I/N: the I-th of N contiguous row ranges of the inputs, found without parsing
 * the rows before it.
 *
 * P decides the rows: a C-order .npy file by offset arithmetic (rows ⌊I·R/N⌋ … ⌊(I+1)·R/N⌋),
 * a CSV/TSV/JSONL file by bytes: its data (after any header) cut at N even byte offsets,
 * each moved on to the next line start, and the rows before the cut counted by a newline
 * scan (a row is a line that is not empty; for JSONL, not blank). Every other input (Q, and
 * the targets and mask, which are read and skipped: one number per row) is then placed at
 * the same rows: .npy by offset, text by counting its rows the same way. Running the N
 * shards reads every row exactly once.
 *
 * A text shard is read as the file's header followed by its range: the readers see what
 * they would see in a file of its own, and line numbers are put back to the file's.
 *
 * CSV/TSV quoting can make a row span lines: a line with an odd number of quotes stops the
 * scan with an error (such a file cannot be split at newlines). JSON arrays and Fortran-
 * order .npy files have no row offsets: refused, with the format that has.
 */
import { closeSync, readSync, statSync } from 'node:fs';
import { InputError } from '../errors.js';
import type { InputFormat } from './detect.js';
import { npyMatrixShape, readNpyHeaderFromFile } from './npy.js';
import { openFile } from './source.js';

export interface ShardSpec {
  index: number;
  count: number;
}

/** Where one input's part of a shard is. */
export type InputPart =
  /** Text of `format`: bytes [start, end) read after the header bytes [0, headerEnd); `firstLine`: the file's line at `start`. */
  | { type: 'text'; format: InputFormat; headerEnd: number; headerLines: number; start: number; end: number; firstLine: number }
  /** .npy: rows [startRow, endRow) of the (rows × width) matrix. */
  | { type: 'npy'; startRow: number; endRow: number };

/** The rows of a shard: from `firstRow`, `rows` of them (null: to the end of the input, the last shard). */
export interface RowWindow {
  firstRow: number;
  rows: number | null;
}

const NEWLINE = 10;
const QUOTE = 34;
const SCAN_BYTES = 1 << 20;

/** Whether a line (bytes [from, to) of `chunk`-relative text) is a row of this format. */
function isBlankByte(byte: number, jsonl: boolean): boolean {
  return byte === 13 || (jsonl && (byte === 32 || byte === 9 || byte === 11 || byte === 12));
}

/** A row start found by a scan: its row index, byte offset and line number. */
export interface Position {
  row: number;
  offset: number;
  line: number;
}

/**
 * Scans a text file's lines from `from` and stops at the first row start for which `stop`
 * holds (given the row index and byte offset), or at the end of the file (then returns the
 * end: offset = file size, row = the rows counted). Empty lines (blank for JSONL) are lines
 * but not rows, as the readers skip them. CSV/TSV lines with an odd number of quotes are
 * refused: the row continues on the next line.
 */
export function scanRows(path: string, source: string, format: InputFormat, from: Position, stop: (row: number, offset: number) => boolean): Position {
  const jsonl = format === 'jsonl';
  const checkQuotes = format === 'csv' || format === 'tsv';
  return withFile(path, source, (fd) => {
    const buffer = Buffer.allocUnsafe(SCAN_BYTES);
    let row = from.row;
    let line = from.line;
    let lineStart = from.offset;
    /** Whether the line so far has a byte that makes it a row; and its quotes' parity. */
    let content = false;
    let oddQuotes = false;
    let position = from.offset;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) break;
      let at = 0;
      // The next quote of this chunk, found once (not searched for again at every line).
      let nextQuote = checkQuotes ? buffer.indexOf(QUOTE, 0) : -1;
      if (nextQuote >= read) nextQuote = -1;
      while (at < read) {
        // At a line start: is this where the scan stops?
        if (position + at === lineStart && stop(row, lineStart)) return { row, offset: lineStart, line };
        const newline = buffer.indexOf(NEWLINE, at);
        const end = newline < 0 || newline >= read ? read : newline;
        if (!content) {
          for (let i = at; i < end; i++) {
            if (!isBlankByte(buffer[i] as number, jsonl)) {
              content = true;
              break;
            }
          }
        }
        while (nextQuote >= 0 && nextQuote < end) {
          oddQuotes = !oddQuotes;
          nextQuote = buffer.indexOf(QUOTE, nextQuote + 1);
          if (nextQuote >= read) nextQuote = -1;
        }
        if (end === read) {
          at = read;
          break;
        }
        if (oddQuotes) {
          throw new InputError('shard-unsplittable', 'a quoted cell runs on past the end of the line: the file cannot be split at newlines for --shard', {
            location: { source, line },
            hint: 'run it without --shard, or write the rows without line breaks inside quotes',
          });
        }
        if (content) row++;
        line++;
        content = false;
        at = end + 1;
        lineStart = position + at;
      }
      position += read;
    }
    // The end of the file: a last line without a newline is a row too.
    if (content) row++;
    return { row, offset: position, line: line + (position > lineStart ? 1 : 0) };
  });
}

/** Runs `read` on the file open for reading, and closes it however `read` ends. */
function withFile<T>(path: string, source: string, read: (fd: number) => T): T {
  const { fd } = openFile(path, source);
  try {
    return read(fd);
  } finally {
    closeSync(fd);
  }
}

/** The byte offset and line of the first data row: after the header lines, which the reader decided (`firstDataLine`). */
export function dataStartOf(path: string, source: string, firstDataLine: number): Position {
  let offset = 0;
  let line = 1;
  if (firstDataLine > 1) {
    withFile(path, source, (fd) => {
      const buffer = Buffer.allocUnsafe(SCAN_BYTES);
      let position = 0;
      while (line < firstDataLine) {
        const read = readSync(fd, buffer, 0, buffer.length, position);
        if (read === 0) break;
        for (let i = buffer.indexOf(NEWLINE); i >= 0 && i < read && line < firstDataLine; i = buffer.indexOf(NEWLINE, i + 1)) {
          line++;
          offset = position + i + 1;
        }
        position += read;
      }
    });
  }
  return { row: 0, offset, line };
}

/** The part of a text file that holds the rows of `window`; `data`: where its first data row starts (dataStartOf). */
export function textPartFor(path: string, source: string, format: InputFormat, data: Position, window: RowWindow): InputPart {
  const start = scanRows(path, source, format, data, (row) => row >= window.firstRow);
  const { rows } = window;
  const end = rows === null ? statSync(path).size : scanRows(path, source, format, start, (row) => row >= window.firstRow + rows).offset;
  return { type: 'text', format, headerEnd: data.offset, headerLines: data.line - 1, start: start.offset, end, firstLine: start.line };
}

/** Where shard I/N of a text file's data starts (its first row) and the byte offset where it ends (the next shard's start). */
export function textShardBounds(path: string, source: string, format: InputFormat, data: Position, shard: ShardSpec): { start: Position; end: number } {
  const size = statSync(path).size;
  const cut = (index: number) => data.offset + Math.floor((index * (size - data.offset)) / shard.count);
  // A row starts at or after the cut: counting the rows whose start lies before it.
  const startCut = cut(shard.index);
  const start = scanRows(path, source, format, data, (_row, offset) => offset >= startCut);
  if (shard.index === shard.count - 1) return { start, end: size };
  // The next line start at or after the next cut (its rows are not counted here).
  const endCut = Math.max(start.offset, cut(shard.index + 1));
  return { start, end: lineStartAtOrAfter(path, source, endCut) };
}

/** The first line start at or after `offset` (offset itself when a line starts there). */
function lineStartAtOrAfter(path: string, source: string, offset: number): number {
  if (offset === 0) return 0;
  return withFile(path, source, (fd) => {
    const buffer = Buffer.allocUnsafe(1 << 16);
    let position = offset - 1;
    for (;;) {
      const read = readSync(fd, buffer, 0, buffer.length, position);
      if (read === 0) return position;
      const newline = buffer.subarray(0, read).indexOf(NEWLINE);
      if (newline >= 0) return position + newline + 1;
      position += read;
    }
  });
}

/**
 * The rows of shard I/N of a text file, by even byte cuts of its data, each moved on to the
 * next line start: the window (its rows counted) and the part of the file that holds it.
 */
export function textShard(path: string, source: string, format: InputFormat, data: Position, shard: ShardSpec): { window: RowWindow; part: InputPart } {
  const { start, end } = textShardBounds(path, source, format, data, shard);
  const last = shard.index === shard.count - 1;
  const rows = last ? null : scanRows(path, source, format, start, (_row, offset) => offset >= end).row - start.row;
  return {
    window: { firstRow: start.row, rows },
    part: { type: 'text', format, headerEnd: data.offset, headerLines: data.line - 1, start: start.offset, end, firstLine: start.line },
  };
}

/** The error for a shard in which no row of P starts (more shards than P has rows). */
export function emptyShardError(shard: ShardSpec, source: string): InputError {
  return new InputError('shard-empty', `--shard ${shard.index}/${shard.count}: no row of P falls in this shard (more shards than P has rows?)`, {
    location: { source },
    hint: 'use fewer shards',
  });
}

/** A C-order .npy matrix's rows (the product of every dimension but the last), checked complete. */
export async function npyRows(path: string, source: string): Promise<number> {
  const header = await readNpyHeaderFromFile(path, source);
  const shape = npyMatrixShape(header);
  if (!shape) {
    throw new InputError(
      'shard-unsplittable',
      header.fortranOrder ? 'a Fortran-order .npy file has no row offsets for --shard' : 'one distribution (a 1-D array) has no rows to split for --shard',
      { location: { source }, hint: header.fortranOrder ? 'save it in C order (np.ascontiguousarray) to shard it' : 'shard a batch: rows of distributions' },
    );
  }
  const size = statSync(path).size;
  if (size < header.dataOffset + shape.rows * shape.rowBytes) {
    throw new InputError('npy-truncated', `the data ends early: the header says ${shape.rows} rows`, { location: { source } });
  }
  return shape.rows;
}

/** Rows ⌊I·R/N⌋ … ⌊(I+1)·R/N⌋ of R rows. */
export function npyShard(rows: number, shard: ShardSpec): { window: RowWindow; part: InputPart } {
  const startRow = Math.floor((shard.index * rows) / shard.count);
  const endRow = Math.floor(((shard.index + 1) * rows) / shard.count);
  const last = shard.index === shard.count - 1;
  return { window: { firstRow: startRow, rows: last ? null : endRow - startRow }, part: { type: 'npy', startRow, endRow } };
}

/** The formats --shard can split, and why the others cannot be. */
export function assertSplittable(format: InputFormat, source: string): void {
  if (format === 'json') {
    throw new InputError('shard-unsplittable', 'a JSON document must be read whole: it has no row offsets for --shard', {
      location: { source },
      hint: 'write the rows as JSONL (one JSON array or object per line), which --shard splits',
    });
  }
}
