/**
 * Reads one input (file or stdin) into a RawInput, choosing the reader by
 * --input-format, then the extension, then by sniffing the first bytes.
 */

import { InputError } from '../errors.js';
import { checkDuplicateLabels, decideHeader, delimitedRecordsFromBytes, firstColumnLooksLikeIndex, isNumericCell, readDelimited } from './delimited.js';
import type { InputFormat } from './detect.js';
import { type FastBatchContext, fastBatch, fastColumn, fastPathEligible } from './fast-csv.js';
import { readJson, readJsonl } from './json-input.js';
import { npyRowRange, readNpy, readNpyHeaderFromFile } from './npy.js';
import { openWithFormat } from './open.js';
import type { InputPart } from './shard.js';
import { CHUNK_BYTES, type OpenedInput, openFileRanges, readAllBytes, rejectNulBytes, type StdinProvider } from './source.js';
import type { RawBatch, RawDistribution, RawInput, RawRow, ReadOptions } from './types.js';
import { readUniqC, whitespaceAsTabs } from './whitespace.js';

export interface ReadRequest {
  path: string;
  /** Name used in messages and output. */
  displayName: string;
  /** --input-format, when given. */
  format?: InputFormat;
  options: ReadOptions;
  /** The flag that selects this side's column, for messages. */
  columnFlag: string;
  /**
   * Another reader for a big plain numeric batch (compute/parallel parses it on a worker
   * thread: io starts no threads); it returns null to leave the file to this reader.
   */
  bigBatch?: (path: string, fileSize: number, dataStart: number, context: FastBatchContext) => RawBatch | null;
}

/** Where a plain numeric batch's data starts, and how to scan it (see fastLayout). */
export interface FastLayout {
  context: FastBatchContext;
  /** Byte offset of the first data line (after the header, if any). */
  dataStart: number;
}

/**
 * Decides from an input's first chunk whether the byte-scanning fast path (fast-csv.ts)
 * takes it: a plain numeric batch with no quotes, BOM or CRs in the first chunk, a header
 * or not, no label column, no column selection, at least two numeric columns and two data
 * rows. The first three complete lines decide the layout, exactly as for csv-parse records.
 */
export function fastLayout(head: Uint8Array, format: 'csv' | 'tsv', request: ReadRequest): FastLayout | null {
  const { options } = request;
  if (options.fastPath === false || options.column !== undefined || typeof options.labelColumn === 'string' || options.layout === 'distribution') return null;
  if (!fastPathEligible(head)) return null;
  const text = Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  const delimiter = format === 'csv' ? ',' : '\t';
  const lines: { cells: string[]; end: number }[] = [];
  let start = 0;
  while (lines.length < 3) {
    const end = text.indexOf(10, start);
    if (end < 0) break;
    if (end > start) lines.push({ cells: text.toString('latin1', start, end).split(delimiter), end });
    start = end + 1;
  }
  const [first, second, third] = lines;
  if (!first || !second || !third) return null;
  const hasHeader = decideHeader(first, second, options.header);
  const firstData = hasHeader ? second : first;
  const secondData = hasHeader ? third : second;
  const width = firstData.cells.length;
  const numeric = (cells: string[]) => cells.every((cell) => isNumericCell(cell));
  if (width < 2 || !numeric(firstData.cells) || !numeric(secondData.cells)) return null;
  // A first column that may be an index: the general path decides (and refuses to guess).
  if (
    options.labelColumn === undefined &&
    firstColumnLooksLikeIndex(hasHeader ? first.cells[0] : undefined, [firstData.cells[0] ?? '', secondData.cells[0] ?? ''])
  ) {
    return null;
  }
  const columns = hasHeader ? first.cells : null;
  if (columns) checkDuplicateLabels(columns, null, request.displayName, 'column name');
  if (columns && columns.length !== width) return null;
  return {
    context: { source: request.displayName, format, delimiter: delimiter.charCodeAt(0), columns, width, firstLine: hasHeader ? 2 : 1 },
    dataStart: hasHeader ? first.end + 1 : 0,
  };
}

/**
 * The fast path for a plain numeric batch (fastLayout), or null: the input is then still
 * unread past its first chunk, for csv-parse.
 */
function tryFastBatch(opened: OpenedInput, format: 'csv' | 'tsv', request: ReadRequest): RawInput | null {
  const layout = fastLayout(opened.head, format, request);
  if (!layout) return null;
  const { context, dataStart } = layout;
  const big = opened.fileSize === null ? null : (request.bigBatch?.(request.path, opened.fileSize, dataStart, context) ?? null);
  if (big) {
    // Read another way (a worker thread, re-reading from dataStart): this reader stops here.
    opened.close();
    return big;
  }
  return fastBatch(opened.head.subarray(dataStart), opened.rest, context);
}

/** Below this, a one-column file is read whole and scanned by fastColumn (above it, streamed). */
const FAST_COLUMN_MAX_BYTES = 256 << 20;

/** One numeric column, read by the fast scanner when the options allow it; null otherwise (the bytes then go to csv-parse). */
function tryFastColumn(bytes: Uint8Array, format: 'csv' | 'tsv', request: ReadRequest): RawDistribution | null {
  const { options } = request;
  if (options.fastPath === false || options.column !== undefined || options.labelColumn !== undefined || options.layout === 'batch') return null;
  const column = fastColumn(bytes, format, options.header ?? 'auto');
  return column && { shape: 'distribution', source: request.displayName, format, values: column.values, labels: null, lines: column.lines };
}

/** Whether the first line of the input holds one field (no delimiter): a candidate for fastColumn. */
function oneField(head: Uint8Array, delimiter: number): boolean {
  const end = head.indexOf(10);
  for (let i = 0; i < (end < 0 ? head.length : end); i++) if (head[i] === delimiter) return false;
  return true;
}

/** csv-parse on an input that is not a plain numeric batch. */
async function readGeneralDelimited(opened: OpenedInput, format: 'csv' | 'tsv', request: ReadRequest): Promise<RawInput> {
  const source = request.displayName;
  const delimiter = format === 'csv' ? ',' : '\t';
  if (oneField(opened.head, delimiter.charCodeAt(0)) && (opened.whole || (opened.fileSize !== null && opened.fileSize <= FAST_COLUMN_MAX_BYTES))) {
    const bytes = opened.whole ? opened.head : await readAllBytes(opened.chunks(), source);
    const column = tryFastColumn(bytes, format, request);
    if (column) return column;
    const { readDelimitedRecords } = await import('./streams.js');
    const records =
      bytes.length <= CHUNK_BYTES
        ? delimitedRecordsFromBytes(bytes, delimiter, source)
        : readDelimitedRecords(
            (async function* () {
              yield bytes;
            })(),
            delimiter,
            source,
          );
    return readDelimited(records, request.options, { source, format, columnFlag: request.columnFlag });
  }
  // An input that ends within its first chunk is parsed in one call; larger ones stream.
  const second = opened.whole ? null : await opened.rest.next();
  if (second === null || second.done) {
    return readDelimited(delimitedRecordsFromBytes(opened.head, delimiter, source), request.options, { source, format, columnFlag: request.columnFlag });
  }
  async function* chunks(first: Buffer, secondChunk: Buffer): AsyncGenerator<Buffer> {
    yield first;
    yield secondChunk;
    for (let next = await opened.rest.next(); !next.done; next = await opened.rest.next()) yield next.value;
  }
  const { readDelimitedRecords } = await import('./streams.js');
  const records = readDelimitedRecords(chunks(opened.head, second.value), delimiter, source);
  return readDelimited(records, request.options, { source, format, columnFlag: request.columnFlag });
}

export async function readInput(request: ReadRequest, stdin: StdinProvider): Promise<{ input: RawInput; format: InputFormat }> {
  const source = request.displayName;
  const { opened, format } = await openWithFormat(request.path, source, request.format, stdin);
  if (format !== 'csv' && format !== 'tsv' && format !== 'ssv' && (request.options.column !== undefined || typeof request.options.labelColumn === 'string')) {
    throw new InputError('columns-need-delimited', `${request.columnFlag} and --label-col work only with CSV/TSV input, not ${format}`, {
      location: { source },
    });
  }
  const input = await READERS[format](opened, format, request);
  if (format === 'uniq-c' && request.format === undefined && input.shape === 'distribution' && input.labels?.every((label) => isNumericCell(label))) {
    // "      3 0.5": three times the line 0.5, or a padded row of two numbers?
    throw new InputError('ambiguous-format', 'reads as uniq -c output (a count, then the line counted) and as two columns of numbers', {
      location: { source },
      hint: 'say which: --input-format uniq-c (counts of those values) or --input-format ssv (whitespace-separated numbers)',
    });
  }
  return { input, format };
}

/** How an opened input of a format becomes a RawInput. */
type Reader = (opened: OpenedInput, format: InputFormat, request: ReadRequest) => Promise<RawInput>;

/**
 * The readers, one per format (a record: a format without a reader does not compile).
 * CSV/TSV apply --layout themselves (a column is one distribution, whatever the layout);
 * the others have their shape from their syntax, and --layout is applied after.
 */
const delimitedReader: Reader = async (opened, format, request) => {
  const delimited = format as 'csv' | 'tsv';
  return tryFastBatch(opened, delimited, request) ?? (await readGeneralDelimited(opened, delimited, request));
};
const READERS: Readonly<Record<InputFormat, Reader>> = {
  csv: delimitedReader,
  tsv: delimitedReader,
  // Whitespace-separated text is read as the TSV it becomes (whitespace.ts), under its own name.
  ssv: async (opened, _format, request) => ({ ...(await delimitedReader(whitespaceAsTabs(opened), 'tsv', request)), format: 'ssv' }),
  'uniq-c': async (opened, _format, request) => withLayout(await readUniqC(opened, request.displayName), request.options),
  json: async (opened, format, request) =>
    withLayout(
      await readJson(opened.whole ? opened.head : await readAllBytes(opened.chunks(), request.displayName), request.displayName, format),
      request.options,
    ),
  jsonl: async (opened, format, request) => withLayout(await readJsonl(opened.chunks(), request.displayName, format), request.options),
  npy: async (opened, _format, request) => withLayout(await readNpy(opened.chunks(), request.displayName, opened.fileSize), request.options),
};

/** One distribution as a batch of one row (a pair is a batch of one row). */
export function distributionAsBatch(input: RawDistribution): RawBatch {
  async function* one(): AsyncGenerator<RawRow> {
    yield { values: input.values, labels: null, line: input.lines?.[0] ?? null };
  }
  return { shape: 'batch', source: input.source, format: input.format, columns: input.labels, width: input.values.length, rows: one() };
}

/**
 * --layout for the formats whose shape says it (JSON, JSONL, .npy): `batch` makes one
 * distribution a batch of one row; `distribution` takes a batch of exactly one row as one
 * distribution and refuses more.
 */
async function withLayout(input: RawInput, { layout = 'auto' }: ReadOptions): Promise<RawInput> {
  if (layout === 'batch' && input.shape === 'distribution') return distributionAsBatch(input);
  if (layout !== 'distribution' || input.shape === 'distribution') return input;
  const rows = input.rows[Symbol.asyncIterator]();
  const first = await rows.next();
  const second = first.done ? first : await rows.next();
  await rows.return?.(undefined);
  if (first.done || !second.done) {
    throw new InputError('layout-mismatch', `--layout distribution: this is a batch of ${first.done ? 'no' : 'several'} rows, not one distribution`, {
      location: { source: input.source },
    });
  }
  const row = first.value;
  return {
    shape: 'distribution',
    source: input.source,
    format: input.format,
    values: row.values,
    labels: row.labels ?? input.columns,
    lines: row.line === null ? null : new Int32Array(row.values.length).fill(row.line),
  };
}

/**
 * A --shard part of an input as a batch (shard.ts): .npy rows by offset; text as the file's
 * header followed by the part's bytes, read by the format's reader as a file of its own,
 * with line numbers (of rows and in messages) put back to the file's. Always a batch: a part
 * of one row is still a row of the batch.
 */
export async function readInputPart(request: ReadRequest, part: InputPart): Promise<RawBatch> {
  const source = request.displayName;
  if (part.type === 'npy') {
    const header = await readNpyHeaderFromFile(request.path, source);
    return npyRowRange(request.path, source, header, part.startRow, part.endRow);
  }
  // Line v of what the reader sees is line v of the file within the header, v + shift after it.
  const shift = part.firstLine - 1 - part.headerLines;
  const fileLine = (line: number): number => (line > part.headerLines ? line + shift : line);
  const relocate = (error: unknown): unknown =>
    error instanceof InputError && error.location?.line !== undefined ? error.atLine(fileLine(error.location.line)) : error;
  const opened = rejectNulBytes(
    await openFileRanges(request.path, source, [
      { start: 0, end: part.headerEnd },
      { start: part.start, end: part.end },
    ]),
    source,
  );
  const { bigBatch: _bigBatch, ...alone } = request;
  let input: RawInput;
  try {
    input = await READERS[part.format](opened, part.format, { ...alone, format: part.format, options: { ...request.options, layout: 'batch' } });
  } catch (error) {
    throw relocate(error);
  }
  const batch = input.shape === 'batch' ? input : distributionAsBatch(input);
  async function* rows(): AsyncGenerator<RawRow> {
    try {
      for await (const row of batch.rows) yield row.line === null ? row : { ...row, line: fileLine(row.line) };
    } catch (error) {
      throw relocate(error);
    }
  }
  return { ...batch, rows: rows() };
}

/**
 * The first data line of a text input (after its header, as its reader decides), and its
 * format; null for the line when the input has no rows. Refused when the input is one
 * distribution: a shard is a range of a batch's rows.
 */
export async function firstDataLine(request: ReadRequest, stdin: StdinProvider): Promise<{ format: InputFormat; line: number | null }> {
  const { bigBatch: _bigBatch, ...alone } = request;
  const { input, format } = await readInput(alone, stdin);
  if (format === 'npy') return { format, line: null };
  if (input.shape === 'distribution') {
    throw new InputError('shard-unsplittable', 'is one distribution: --shard splits the rows of a batch', { location: { source: request.displayName } });
  }
  const rows = input.rows[Symbol.asyncIterator]();
  try {
    const first = await rows.next();
    return { format, line: first.done ? null : first.value.line };
  } finally {
    await rows.return?.(undefined);
  }
}
