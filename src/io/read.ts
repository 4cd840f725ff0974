/**
 * Reads one input (file or stdin) into a RawInput, choosing the reader by
 * --input-format, then the extension, then by sniffing the first bytes.
 */
import { stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { checkDuplicateLabels, decideHeader, delimitedRecordsFromBytes, isNumericCell, readDelimited, readDelimitedRecords } from './delimited.js';
import { WORKER_MIN_BYTES, workerBatch } from './csv-workers.js';
import { fastBatch, fastPathEligible } from './fast-csv.js';
import { type InputFormat, formatFromExtension, sniffFormat } from './detect.js';
import { readJson, readJsonl } from './json-input.js';
import { readNpy } from './npy.js';
import { type StdinProvider, isStdin, openInput } from './source.js';
import type { RawInput, ReadOptions } from './types.js';

export interface ReadRequest {
  path: string;
  /** Name used in messages and output. */
  displayName: string;
  /** --input-format, when given. */
  format?: InputFormat;
  options: ReadOptions;
  /** The flag that selects this side's column, for messages. */
  columnFlag: string;
}

async function fileSize(path: string): Promise<number> {
  return (await stat(path)).size;
}

interface Peeked {
  /** The first chunk (empty for an empty input). */
  head: Buffer;
  /** The chunks after it. */
  rest: AsyncIterator<Buffer>;
  /** A stream of the whole input again, from byte 0 (use it or `rest`, not both). */
  replay(): Readable;
}

/** Pulls the first chunk, to sniff the format or choose a reader, without losing it. */
async function peek(stream: Readable): Promise<Peeked> {
  const rest = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  const first = await rest.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  async function* all(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
  }
  return { head, rest, replay: () => Readable.from(all(), { objectMode: false }) };
}

/**
 * Takes the byte-scanning fast path (fast-csv.ts) when the input is a plain numeric batch:
 * no quotes, BOM or CRs in the first chunk, a header or not, no label column, no column
 * selection, at least two numeric columns and two data rows. Otherwise hands back a
 * stream that still starts at byte 0, for csv-parse.
 */
async function tryFastBatch(
  stream: Readable,
  format: 'csv' | 'tsv',
  request: ReadRequest,
): Promise<{ input: RawInput | null; stream: Readable }> {
  const { options } = request;
  if (options.fastPath === false || options.column !== undefined || options.labelColumn !== undefined) return { input: null, stream };
  const { head, rest: iterator, replay } = await peek(stream);
  if (!fastPathEligible(head)) return { input: null, stream: replay() };
  const delimiter = format === 'csv' ? ',' : '\t';
  // The first three complete lines decide the layout, exactly as for csv-parse records.
  const lines: { cells: string[]; end: number }[] = [];
  let start = 0;
  while (lines.length < 3) {
    const end = head.indexOf(10, start);
    if (end < 0) break;
    if (end > start) lines.push({ cells: head.toString('latin1', start, end).split(delimiter), end });
    start = end + 1;
  }
  const [first, second, third] = lines;
  if (!first || !second || !third) return { input: null, stream: replay() };
  const hasHeader = decideHeader(first, second, options.header);
  const firstData = hasHeader ? second : first;
  const secondData = hasHeader ? third : second;
  const width = firstData.cells.length;
  const numeric = (cells: string[]) => cells.every((cell) => isNumericCell(cell));
  if (width < 2 || !numeric(firstData.cells) || !numeric(secondData.cells)) return { input: null, stream: replay() };
  const columns = hasHeader ? first.cells : null;
  if (columns) checkDuplicateLabels(columns, null, request.displayName, 'column name');
  if (columns && columns.length !== width) return { input: null, stream: replay() };
  const dataStart = hasHeader ? first.end + 1 : 0;
  const context = { source: request.displayName, format, delimiter: delimiter.charCodeAt(0), columns, width, firstLine: hasHeader ? 2 : 1 };
  if (!isStdin(request.path) && (await fileSize(request.path)) >= WORKER_MIN_BYTES) {
    // Big file: parse it on a worker thread (P and Q in parallel); it re-reads from dataStart.
    stream.destroy();
    return { input: workerBatch(request.path, dataStart, context), stream };
  }
  return { input: fastBatch(head.subarray(dataStart), iterator, context), stream };
}

export async function readInput(request: ReadRequest, stdin: StdinProvider): Promise<{ input: RawInput; format: InputFormat }> {
  let stream = await openInput(request.path, stdin);
  let format = request.format ?? (isStdin(request.path) ? undefined : formatFromExtension(request.path));
  if (!format) {
    const peeked = await peek(stream);
    if (peeked.head.length === 0) {
      throw new InputError('empty-input', 'is empty', { location: { source: request.displayName } });
    }
    stream = peeked.replay();
    format = sniffFormat(peeked.head);
  }
  const source = request.displayName;
  if (format !== 'csv' && format !== 'tsv' && (request.options.column !== undefined || request.options.labelColumn !== undefined)) {
    throw new InputError('columns-need-delimited', `${request.columnFlag} and --label-col work only with CSV/TSV input, not ${format}`, {
      location: { source },
    });
  }
  switch (format) {
    case 'csv':
    case 'tsv': {
      const fast = await tryFastBatch(stream, format, request);
      if (fast.input) return { input: fast.input, format };
      const delimiter = format === 'csv' ? ',' : '\t';
      // A small input that arrived in one chunk is parsed in one call; larger ones stream.
      const peeked = await peek(fast.stream);
      const second = await peeked.rest.next();
      const records = second.done
        ? delimitedRecordsFromBytes(peeked.head, delimiter, source)
        : readDelimitedRecords(
            Readable.from(
              (async function* () {
                yield peeked.head;
                yield second.value;
                for (let next = await peeked.rest.next(); !next.done; next = await peeked.rest.next()) yield next.value;
              })(),
              { objectMode: false },
            ),
            delimiter,
            source,
          );
      const input = await readDelimited(records, request.options, { source, format, columnFlag: request.columnFlag });
      return { input, format };
    }
    case 'json':
      return { input: await readJson(stream, source, format), format };
    case 'jsonl':
      return { input: await readJsonl(stream, source, format), format };
    case 'npy':
      return { input: await readNpy(stream, source), format };
  }
}
