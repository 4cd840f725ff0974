/**
 * --targets FILE: one class per row, as a 0-based index or as a category label.
 * Formats: CSV/TSV (one column, optional header), JSON (an array), JSONL (one value per
 * line), .npy (1-D integers). Values are handed over raw; the batch resolves them
 * against its categories.
 */
import { at, InputError } from '../errors.js';
import type { CsvRecord } from './delimited.js';
import { formatFromExtension, type InputFormat, sniffFormat } from './detect.js';
import { syntaxError } from './json-input.js';
import { JsonSyntaxError, type JsonValue, jsonTypeName, parseJson } from './json-parse.js';
import { readNpy } from './npy.js';
import { decodeUtf8, isStdin, openAndPeek, openDecoded, peekFirstLine, readAllBytes, type StdinProvider } from './source.js';
import { whitespaceAsTabs } from './whitespace.js';

export interface Target {
  /** An integer index, or a label; null for a row tagged by --mask alone. */
  value: number | string | null;
  /** 1-based line, where the format has lines. */
  line: number | null;
  /** The last position of a sequence (a row of a 2-D array, an array in JSON): for --next-token. */
  sequenceEnd?: boolean;
  /** Left out of every statistic (--ignore-index, --mask, the last position with --next-token). */
  ignored?: boolean;
}

function targetValue(value: JsonValue, source: string, where: string, line: number | null): number | string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new InputError('bad-target', `${where}: a target must be an integer index or a label string, not ${jsonTypeName(value)}`, {
    location: at(source, line),
  });
}

const INTEGER = /^[+-]?\d+$/;

async function* delimitedTargets(path: string, stdin: StdinProvider, delimiter: string, source: string, whitespace = false): AsyncGenerator<Target> {
  const { readDelimitedRecords } = await import('./streams.js');
  const { Readable } = await import('node:stream');
  // Whitespace-separated text is read as the TSV it becomes (whitespace.ts).
  const bytes = whitespace ? Readable.from(whitespaceAsTabs(await openAndPeek(path, stdin)).chunks()) : await openDecoded(path, stdin);
  const records = readDelimitedRecords(bytes, delimiter, source);
  const toTarget = (record: CsvRecord): Target => {
    if (record.cells.length !== 1) {
      throw new InputError('bad-target', `expected one target per line, found ${record.cells.length} fields`, {
        location: { source, line: record.line },
      });
    }
    const cell = record.cells[0] as string;
    return { value: INTEGER.test(cell.trim()) ? Number(cell.trim()) : cell, line: record.line };
  };
  const first = await records.next();
  if (first.done) return;
  const second = await records.next();
  const firstTarget = toTarget(first.value);
  // A non-integer first cell above integer ones is a header; above labels it is data.
  const isHeader = typeof firstTarget.value === 'string' && !second.done && typeof toTarget(second.value).value === 'number';
  if (!isHeader) yield firstTarget;
  if (!second.done) yield toTarget(second.value);
  for await (const record of records) yield toTarget(record);
}

async function* jsonlTargets(path: string, stdin: StdinProvider, source: string): AsyncGenerator<Target> {
  const { utf8Lines } = await import('./streams.js');
  let lineNumber = 0;
  for await (const line of utf8Lines(await openDecoded(path, stdin), source)) {
    lineNumber++;
    if (line.trim() === '') continue;
    let value: JsonValue;
    try {
      value = parseJson(line.replace(/^\uFEFF/, ''));
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw syntaxError(error, source, lineNumber - 1);
      throw error;
    }
    // A line may be one target, or one sequence of them ([3, 17, 9], for --next-token).
    yield* sequenceOf(value, source, '$', lineNumber);
  }
}

/** A JSON value as targets: one, or an array of them as one sequence (its last one ends it). */
function* sequenceOf(value: JsonValue, source: string, where: string, line: number | null): Generator<Target> {
  if (!Array.isArray(value)) {
    yield { value: targetValue(value, source, where, line), line };
    return;
  }
  for (let i = 0; i < value.length; i++) {
    yield { value: targetValue(value[i] as JsonValue, source, `${where}[${i}]`, line), line, ...(i === value.length - 1 ? { sequenceEnd: true } : {}) };
  }
}

async function* jsonTargets(path: string, stdin: StdinProvider, source: string): AsyncGenerator<Target> {
  const text = decodeUtf8(await readAllBytes(await openDecoded(path, stdin), source), source);
  let document: JsonValue;
  try {
    document = parseJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw syntaxError(error, source);
    throw error;
  }
  if (!Array.isArray(document)) {
    throw new InputError('bad-target', `expected an array of targets, found ${jsonTypeName(document)}`, { location: { source } });
  }
  // One target per row, or (B, T) as an array of sequences.
  for (let i = 0; i < document.length; i++) yield* sequenceOf(document[i] as JsonValue, source, `$[${i}]`, null);
}

/**
 * .npy targets: 1-D (one per row) or N-D (PyTorch's (B, T): one per position, in C order,
 * each row of the last axis a sequence for --next-token).
 */
async function* npyTargets(path: string, stdin: StdinProvider, source: string): AsyncGenerator<Target> {
  const input = await readNpy(await openDecoded(path, stdin), source);
  const sequences: AsyncIterable<{ values: Float64Array }> =
    input.shape === 'distribution'
      ? (async function* () {
          yield input;
        })()
      : input.rows;
  let position = 0;
  for await (const sequence of sequences) {
    for (let i = 0; i < sequence.values.length; i++, position++) {
      const value = sequence.values[i] as number;
      if (!Number.isInteger(value)) {
        throw new InputError('bad-target', `[${position}]: target ${value} is not an integer class index`, { location: { source } });
      }
      yield { value, line: null, ...(i === sequence.values.length - 1 ? { sequenceEnd: true } : {}) };
    }
  }
}

export async function readTargets(path: string, stdin: StdinProvider, override?: InputFormat): Promise<AsyncIterator<Target>> {
  const source = isStdin(path) ? 'stdin' : path;
  let format = override ?? (isStdin(path) ? undefined : formatFromExtension(path));
  if (!format) {
    // Stdin cannot be opened twice (once to sniff, once to read).
    if (isStdin(path)) throw new InputError('targets-stdin', '--targets cannot read stdin; give a file', { location: { source } });
    // Sniffed as every input is (the first line whole); the reader below opens the file again.
    const opened = await peekFirstLine(await openAndPeek(path, stdin), source);
    opened.close();
    format = sniffFormat(opened.head);
  }
  return TARGET_READERS[format](path, stdin, source);
}

/** --targets readers, one per format (a record: a format without one does not compile). */
const TARGET_READERS: Readonly<Record<InputFormat, (path: string, stdin: StdinProvider, source: string) => AsyncGenerator<Target>>> = {
  csv: (path, stdin, source) => delimitedTargets(path, stdin, ',', source),
  tsv: (path, stdin, source) => delimitedTargets(path, stdin, '\t', source),
  ssv: (path, stdin, source) => delimitedTargets(path, stdin, '\t', source, true),
  'uniq-c': async function* (_path, _stdin, source) {
    yield* [];
    throw new InputError('bad-input-format', 'uniq -c output is counts of lines, not one target per row', { location: { source } });
  },
  json: jsonTargets,
  jsonl: jsonlTargets,
  npy: npyTargets,
};
