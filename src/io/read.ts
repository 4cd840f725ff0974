/**
 * Reads one input (file or stdin) into a RawInput, choosing the reader by
 * --input-format, then the extension, then by sniffing the first bytes.
 */
import { Readable } from 'node:stream';
import { InputError } from '../errors.js';
import { readDelimited, readDelimitedRecords } from './delimited.js';
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

/** Pulls the first chunk to sniff it, then hands back a stream that still starts at byte 0. */
async function peekStream(stream: Readable): Promise<{ head: Buffer; stream: Readable }> {
  const iterator = stream[Symbol.asyncIterator]();
  const first = await iterator.next();
  const head: Buffer = first.done ? Buffer.alloc(0) : Buffer.from(first.value as Buffer);
  async function* replay(): AsyncGenerator<Buffer> {
    if (head.length > 0) yield head;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) yield next.value as Buffer;
  }
  return { head, stream: Readable.from(replay(), { objectMode: false }) };
}

export async function readInput(request: ReadRequest, stdin: StdinProvider): Promise<{ input: RawInput; format: InputFormat }> {
  let stream = await openInput(request.path, stdin);
  let format = request.format ?? (isStdin(request.path) ? undefined : formatFromExtension(request.path));
  if (!format) {
    const peeked = await peekStream(stream);
    if (peeked.head.length === 0) {
      throw new InputError('empty-input', 'is empty', { location: { source: request.displayName } });
    }
    stream = peeked.stream;
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
      const records = readDelimitedRecords(stream, format === 'csv' ? ',' : '\t', source);
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
