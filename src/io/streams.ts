/**
 * Stream plumbing: csv-parse's streaming parser, UTF-8 validation of a stream, and
 * Readables over chunks. Only inputs that really stream (stdin, files larger than one
 * chunk, --targets) load this module: node:stream and the internal modules behind it cost
 * about a millisecond of start-up that a run on small files never needs.
 */
import { once } from 'node:events';
import { Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { InputError } from '../errors.js';
import { CSV_OPTIONS, type CsvRecord, wrapCsvError } from './delimited.js';
import { fileError, invalidUtf8 } from './source.js';

/** A byte stream over chunks (a Readable is passed through as it is). */
export function asReadable(input: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Readable {
  return input instanceof Readable ? input : Readable.from(input, { objectMode: false });
}

/** Streams the records of delimited text. csv-parse errors become InputErrors naming the file and line. */
export async function* readDelimitedRecords(input: AsyncIterable<Uint8Array>, delimiter: string, source: string, lineOffset = 0): AsyncGenerator<CsvRecord> {
  const parser = parse(CSV_OPTIONS(delimiter));
  const feeding = pipeline(validatedUtf8(asReadable(input), source), parser).catch((error: unknown) => {
    parser.destroy(error instanceof Error ? error : new Error(String(error)));
  });
  try {
    for await (const item of parser as AsyncIterable<{ record: string[]; info: { lines: number } }>) {
      yield { cells: item.record, line: item.info.lines + lineOffset };
    }
  } catch (error) {
    throw wrapCsvError(error, source, lineOffset);
  } finally {
    await Promise.race([feeding, once(parser, 'close').catch(() => undefined)]);
  }
}

/**
 * The lines of UTF-8 text, split by readline's rules (\n, \r\n or a lone \r), for JSONL.
 * Invalid UTF-8 fails the iteration, naming the source.
 */
export async function* utf8Lines(input: AsyncIterable<Uint8Array>, source: string): AsyncGenerator<string> {
  const { createInterface } = await import('node:readline'); // JSONL only
  const text = validatedUtf8(asReadable(input), source);
  const lines = createInterface({ input: text, crlfDelay: Infinity });
  try {
    yield* lines;
  } finally {
    // A reader that stops early (at a bad row) leaves the rest unread; an encoding error
    // the validator finds there later has nobody to tell, and must not crash the process.
    text.on('error', () => undefined);
    text.destroy();
    lines.close();
  }
}

/**
 * Passes bytes through unchanged but fails the stream on invalid UTF-8, which text
 * decoders would otherwise turn into U+FFFD without a word.
 */
export function validatedUtf8(stream: Readable, sourceName: string): Readable {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const validator = new Transform({
    transform(chunk: Buffer, _encoding, callback) {
      try {
        decoder.decode(chunk, { stream: true });
        callback(null, chunk);
      } catch {
        callback(invalidUtf8(sourceName));
      }
    },
    flush(callback) {
      try {
        decoder.decode();
        callback();
      } catch {
        callback(invalidUtf8(sourceName));
      }
    },
  });
  pipeline(stream, validator).catch((error: unknown) => {
    validator.destroy(error instanceof InputError ? error : fileError(sourceName, error));
  });
  return validator;
}
