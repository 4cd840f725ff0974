/**
 * Raw observations (`kl drift`): a table of variables, one value per row and column, not
 * probabilities.
 *
 * Forms:
 * - CSV/TSV: a header names the columns (auto-detected: a first line with a text cell
 *   above a number; all-text tables need --header or --no-header); without one, columns
 *   are numbered from 1. Quoted cells work within a line.
 * - JSON: an array of scalars (one variable), of objects (keys name the columns) or of
 *   arrays (numbered columns).
 * - JSONL/NDJSON: one scalar, object or array per line, the same way.
 * - .npy: 1-D (one variable) or 2-D (numbered columns), any numeric dtype, C or Fortran order.
 *
 * Cells: a missing value is empty, `NA`, `N/A`, `NaN` or `null` (any case; JSON null; a
 * NaN in .npy) and is counted, not measured. A decimal numeral is a number; any other
 * text is a category. Numbers go to a ColumnValues store (which may spill to disk), text
 * is counted per distinct value.
 */
import { InputError } from '../errors.js';
import { type ColumnSpill, ColumnValues } from './column-store.js';
import type { InputFormat } from './detect.js';
import { fastNumber } from './fast-csv.js';
import { JsonSyntaxError, type JsonValue, jsonTypeName, parseJson } from './json-parse.js';
import { parseNpyHeader } from './npy.js';
import { parseCell } from './numbers.js';
import { openWithFormat } from './open.js';
import { decodeUtf8, type OpenedInput, readAllBytes, type StdinProvider } from './source.js';
import { whitespaceAsTabs } from './whitespace.js';

/** Distinct numbers counted per column, enough to tell "more than 20" (Evidently's rule). */
export const DISTINCT_LIMIT = 20;

const MISSING: ReadonlySet<string> = new Set(['', 'na', 'n/a', 'nan', 'null']);

export function isMissingText(text: string): boolean {
  return MISSING.has(text.trim().toLowerCase());
}

export interface ObservedColumn {
  /** The header name or key; for unnamed columns, the position from 1 as text. */
  name: string;
  /** The numbers, in reading order. */
  values: ColumnValues;
  /** Each distinct text value and how often it occurs. */
  texts: Map<string, number>;
  /** The first text value and where it was, for messages. */
  firstText: { text: string; line: number | null } | null;
  /** Rows where the value is missing (or the key absent), after finish(). */
  missing: number;
  /** Distinct numbers seen, up to DISTINCT_LIMIT + 1. */
  distinct: Set<number>;
}

export interface ObservationTable {
  source: string;
  format: InputFormat;
  rows: number;
  /** True when the columns have names from the file (header, keys). */
  named: boolean;
  columns: ObservedColumn[];
}

export interface ObservationRequest {
  path: string;
  displayName: string;
  format: InputFormat | undefined;
  header: 'auto' | 'yes' | 'no';
}

/** Collects values into columns; readers call it cell by cell. */
class TableBuilder {
  readonly columns: ObservedColumn[] = [];
  private readonly byName = new Map<string, ObservedColumn>();
  rows = 0;
  named = false;

  constructor(
    readonly source: string,
    private readonly spill: ColumnSpill,
  ) {}

  column(name: string): ObservedColumn {
    let column = this.byName.get(name);
    if (!column) {
      column = { name, values: new ColumnValues(this.spill), texts: new Map(), firstText: null, missing: 0, distinct: new Set() };
      this.byName.set(name, column);
      this.columns.push(column);
    }
    return column;
  }

  number(column: ObservedColumn, value: number, line: number | null): void {
    if (value !== value) return; // NaN: missing
    if (!Number.isFinite(value)) {
      throw new InputError('non-finite-value', `${line === null ? '' : `line ${line}: `}column ${column.name}: ${value} is not a finite number`, {
        location: { source: this.source },
        hint: 'leave the value out, or write NA for a missing one',
      });
    }
    column.values.push(value);
    if (column.distinct.size <= DISTINCT_LIMIT) column.distinct.add(value);
  }

  text(column: ObservedColumn, text: string, line: number | null): void {
    column.texts.set(text, (column.texts.get(text) ?? 0) + 1);
    if (!column.firstText) column.firstText = { text, line };
  }

  /** A cell as text: missing, a number, or a category. */
  cell(column: ObservedColumn, raw: string, line: number | null): void {
    const text = raw.trim();
    if (MISSING.has(text.toLowerCase())) return;
    const parsed = parseCell(text);
    if (parsed.ok) this.number(column, parsed.value, line);
    else if (parsed.reason === 'not-a-number') this.text(column, text, line);
    else this.number(column, parsed.reason === 'overflow' ? Infinity : (parsed.value ?? Infinity), line);
  }

  finish(format: InputFormat): ObservationTable {
    for (const column of this.columns) {
      let texts = 0;
      for (const count of column.texts.values()) texts += count;
      column.missing = this.rows - column.values.length - texts;
    }
    if (this.rows === 0) throw new InputError('no-values', 'has no rows of values', { location: { source: this.source } });
    return { source: this.source, format, rows: this.rows, named: this.named, columns: this.columns };
  }
}

/** Splits one line of delimited text into cells; quotes (RFC 4180, "" inside) within the line. */
function splitLine(line: string, delimiter: string, source: string, lineNumber: number): string[] {
  if (!line.includes('"')) return line.split(delimiter);
  const cells: string[] = [];
  let i = 0;
  while (i <= line.length) {
    if (line[i] === '"') {
      let value = '';
      let j = i + 1;
      for (;;) {
        const close = line.indexOf('"', j);
        if (close < 0) {
          throw new InputError('csv-quote', `line ${lineNumber}: a quoted cell is not closed on its line`, {
            location: { source },
            hint: 'kl drift reads quoted cells within one line; a cell spanning lines is not supported',
          });
        }
        value += line.slice(j, close);
        if (line[close + 1] === '"') {
          value += '"';
          j = close + 2;
        } else {
          j = close + 1;
          break;
        }
      }
      cells.push(value);
      const next = line.indexOf(delimiter, j);
      i = next < 0 ? line.length + 1 : next + 1;
    } else {
      const next = line.indexOf(delimiter, i);
      cells.push(next < 0 ? line.slice(i) : line.slice(i, next));
      i = next < 0 ? line.length + 1 : next + 1;
    }
  }
  return cells;
}

const isNumberOrMissing = (cell: string): boolean => {
  const text = cell.trim();
  return MISSING.has(text.toLowerCase()) || parseCell(text).ok;
};

/** Whether the first line names the columns. */
function decideHeader(first: string[], second: string[] | undefined, mode: 'auto' | 'yes' | 'no', source: string): boolean {
  if (mode !== 'auto') return mode === 'yes';
  if (first.every(isNumberOrMissing)) return false;
  if (
    second &&
    first.some(
      (cell, j) =>
        !isNumberOrMissing(cell) && second[j] !== undefined && isMissingText(second[j] as string) === false && parseCell((second[j] as string).trim()).ok,
    )
  ) {
    return true;
  }
  throw new InputError('ambiguous-header', `cannot tell whether the first line (${first.join(',')}) names the columns or holds values`, {
    location: { source },
    hint: '--header if it names the columns, --no-header if it is data',
  });
}

const NEWLINE = 10;
const CR = 13;
const QUOTE = 34;

/**
 * Delimited text, line by line. Plain numeric cells are converted straight from the bytes
 * (fast-csv's exact Clinger path); other cells are decoded and classified.
 */
async function readDelimitedTable(opened: OpenedInput, delimiter: ',' | '\t', builder: TableBuilder, header: 'auto' | 'yes' | 'no'): Promise<void> {
  const source = builder.source;
  const delimiterByte = delimiter.charCodeAt(0);
  let pending: Buffer = Buffer.alloc(0);
  let lineNumber = 0;
  let first: string[] | null = null;
  let columns: ObservedColumn[] | null = null;
  let width = 0;
  let started = false;

  const start = (firstCells: string[], secondCells: string[] | undefined): void => {
    const named = decideHeader(firstCells, secondCells, header, source);
    width = firstCells.length;
    if (named) {
      const seen = new Set<string>();
      for (const [j, raw] of firstCells.entries()) {
        const name = raw.trim() === '' ? String(j + 1) : raw.trim();
        if (seen.has(name)) throw new InputError('duplicate-label', `line 1: the header names column ${name} twice`, { location: { source } });
        seen.add(name);
      }
      columns = firstCells.map((raw, j) => builder.column(raw.trim() === '' ? String(j + 1) : raw.trim()));
      builder.named = true;
    } else {
      columns = firstCells.map((_, j) => builder.column(String(j + 1)));
    }
    if (!named) addCells(firstCells, 1);
  };

  const addCells = (cells: string[], at: number): void => {
    if (cells.length !== width) throw fieldCountError(at, cells.length);
    const cols = columns as ObservedColumn[];
    for (let j = 0; j < width; j++) builder.cell(cols[j] as ObservedColumn, cells[j] as string, at);
    builder.rows++;
  };

  const fieldCountError = (at: number, count: number): InputError =>
    new InputError('csv-record-inconsistent-fields-length', `line ${at}: ${count} ${count === 1 ? 'field' : 'fields'}, but the first line has ${width}`, {
      location: { source },
    });

  const decode = (bytes: Uint8Array, from: number, to: number): string => Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('utf8');

  /** One line's bytes [from, to) without its newline. */
  const line = (bytes: Uint8Array, from: number, toExclusive: number): void => {
    lineNumber++;
    let to = toExclusive;
    if (to > from && bytes[to - 1] === CR) to--;
    if (lineNumber === 1 && to - from >= 3 && bytes[from] === 0xef && bytes[from + 1] === 0xbb && bytes[from + 2] === 0xbf) from += 3;
    if (to === from) return; // a blank line is skipped (write NA for a missing value)
    if (!started) {
      const cells = splitLine(decode(bytes, from, to), delimiter, source, lineNumber);
      if (first === null) {
        first = cells;
        if (header !== 'auto') {
          start(cells, undefined);
          started = true;
        }
        return;
      }
      start(first, cells);
      started = true;
      addCells(cells, lineNumber);
      return;
    }
    let hasQuote = false;
    for (let i = from; i < to; i++) {
      if (bytes[i] === QUOTE) {
        hasQuote = true;
        break;
      }
    }
    if (hasQuote) {
      addCells(splitLine(decode(bytes, from, to), delimiter, source, lineNumber), lineNumber);
      return;
    }
    const cols = columns as ObservedColumn[];
    let j = 0;
    let cellStart = from;
    for (let i = from; i <= to; i++) {
      if (i < to && bytes[i] !== delimiterByte) continue;
      if (j >= width) throw fieldCountError(lineNumber, width + 1 + countDelimiters(bytes, i + 1, to, delimiterByte));
      const column = cols[j] as ObservedColumn;
      const value = i > cellStart ? fastNumber(bytes, cellStart, i) : Number.NaN;
      if (value === value) builder.number(column, value, lineNumber);
      else builder.cell(column, decode(bytes, cellStart, i), lineNumber);
      j++;
      cellStart = i + 1;
    }
    if (j !== width) throw fieldCountError(lineNumber, j);
    builder.rows++;
  };

  for await (const chunk of opened.chunks()) {
    const bytes: Buffer = pending.length > 0 ? Buffer.concat([pending, chunk]) : chunk;
    let from = 0;
    for (let i = bytes.indexOf(NEWLINE, from); i >= 0; i = bytes.indexOf(NEWLINE, from)) {
      line(bytes, from, i);
      from = i + 1;
    }
    pending = Buffer.from(bytes.subarray(from));
  }
  if (pending.length > 0) line(pending, 0, pending.length);
  if (!started && first !== null) start(first, undefined);
}

function countDelimiters(bytes: Uint8Array, from: number, to: number, delimiter: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (bytes[i] === delimiter) count++;
  return count;
}

/** A JSON scalar as a cell. */
function jsonCell(builder: TableBuilder, column: ObservedColumn, value: JsonValue, line: number | null, where: string): void {
  if (value === null) return;
  if (typeof value === 'number') builder.number(column, value, line);
  else if (typeof value === 'string') builder.cell(column, value, line);
  else if (typeof value === 'boolean') builder.text(column, String(value), line);
  else {
    throw new InputError('json-shape', `${where}: a value is ${jsonTypeName(value)}, not a number, a string or null`, {
      location: { source: builder.source },
      hint: 'kl drift reads an array of values, of objects (one per row) or of arrays (one per row)',
    });
  }
}

/** One JSON record (a row): a scalar, an object or an array. */
function jsonRecord(
  builder: TableBuilder,
  record: JsonValue,
  line: number | null,
  where: string,
  shape: { kind: 'scalar' | 'object' | 'array' | null; width: number },
): void {
  const kind = record instanceof Map ? 'object' : Array.isArray(record) ? 'array' : 'scalar';
  if (shape.kind === null) {
    shape.kind = kind;
    builder.named = kind === 'object';
  } else if (shape.kind !== kind) {
    throw new InputError(
      'json-shape',
      `${where}: ${kind === 'scalar' ? 'a value' : `an ${kind}`}, but the rows before are ${shape.kind === 'scalar' ? 'values' : `${shape.kind}s`}`,
      {
        location: { source: builder.source },
      },
    );
  }
  if (record instanceof Map) {
    for (const [key, value] of record) jsonCell(builder, builder.column(key), value, line, `${where}.${key}`);
  } else if (Array.isArray(record)) {
    if (shape.width === 0) shape.width = record.length;
    if (record.length !== shape.width) {
      throw new InputError('json-shape', `${where}: ${record.length} values, but the first row has ${shape.width}`, { location: { source: builder.source } });
    }
    for (const [j, value] of record.entries()) jsonCell(builder, builder.column(String(j + 1)), value, line, `${where}[${j}]`);
  } else {
    jsonCell(builder, builder.column('1'), record, line, where);
  }
  builder.rows++;
}

function jsonError(error: unknown, source: string, line?: number): unknown {
  if (error instanceof JsonSyntaxError) {
    return new InputError('invalid-json', `${line === undefined ? '' : `line ${line}: `}invalid JSON: ${error.message}`, { location: { source } });
  }
  return error;
}

async function readJsonTable(opened: OpenedInput, builder: TableBuilder): Promise<void> {
  const bytes = opened.whole ? opened.head : await readAllBytes(opened.chunks(), builder.source);
  let value: JsonValue;
  try {
    value = parseJson(decodeUtf8(bytes, builder.source));
  } catch (error) {
    throw jsonError(error, builder.source);
  }
  if (!Array.isArray(value)) {
    throw new InputError('json-shape', `the document is ${jsonTypeName(value)}, not an array of rows`, {
      location: { source: builder.source },
      hint: 'kl drift reads an array of values, of objects (one per row) or of arrays (one per row)',
    });
  }
  const shape = { kind: null as 'scalar' | 'object' | 'array' | null, width: 0 };
  for (const [i, record] of value.entries()) jsonRecord(builder, record, null, `[${i}]`, shape);
}

async function readJsonlTable(opened: OpenedInput, builder: TableBuilder): Promise<void> {
  const shape = { kind: null as 'scalar' | 'object' | 'array' | null, width: 0 };
  let pending = '';
  let lineNumber = 0;
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const take = (text: string): void => {
    lineNumber++;
    if (text.trim() === '') return;
    let record: JsonValue;
    try {
      record = parseJson(text);
    } catch (error) {
      throw jsonError(error, builder.source, lineNumber);
    }
    jsonRecord(builder, record, lineNumber, `line ${lineNumber}`, shape);
  };
  for await (const chunk of opened.chunks()) {
    let text: string;
    try {
      text = pending + decoder.decode(chunk, { stream: true });
    } catch {
      throw new InputError('invalid-utf8', 'is not valid UTF-8 text', { location: { source: builder.source } });
    }
    const lines = text.split('\n');
    pending = lines.pop() ?? '';
    for (const one of lines) take(one);
  }
  if (pending !== '') take(pending);
}

async function readNpyTable(opened: OpenedInput, builder: TableBuilder): Promise<void> {
  const source = builder.source;
  const iterator = opened.chunks();
  let buffered: Buffer = Buffer.alloc(0);
  let header = null;
  let chunk = await iterator.next();
  while (!header) {
    if (chunk.done) throw new InputError('npy-header', 'invalid .npy header: the file ends inside the header', { location: { source } });
    buffered = Buffer.concat([buffered, chunk.value]);
    header = parseNpyHeader(buffered, source);
    chunk = await iterator.next();
  }
  const { dtype, shape, fortranOrder } = header;
  if (shape.length < 1 || shape.length > 2) {
    throw new InputError('npy-shape', `has shape (${shape.join(', ')}); kl drift reads 1-D (one variable) or 2-D (rows × columns) arrays`, {
      location: { source },
    });
  }
  const rows = shape[0] as number;
  const width = shape.length === 2 ? (shape[1] as number) : 1;
  // Columns are made as their first value arrives: a header claiming millions of columns
  // costs nothing until the data is there (and then it must be).
  const columns: ObservedColumn[] = [];
  const total = rows * width;
  const size = dtype.itemSize;
  let index = 0;
  let data: Buffer = buffered.subarray(header.dataOffset);
  const take = (bytes: Buffer): Buffer => {
    const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    const items = Math.min(Math.floor(bytes.length / size), total - index);
    for (let k = 0; k < items; k++, index++) {
      const column = fortranOrder ? Math.floor(index / rows) : index % width;
      columns[column] ??= builder.column(String(column + 1));
      builder.number(columns[column], dtype.read(view, k * size), null);
    }
    return bytes.subarray(items * size);
  };
  data = take(data);
  while (!chunk.done) {
    data = take(data.length > 0 ? Buffer.concat([data, chunk.value]) : chunk.value);
    if (index === total && data.length > 0) break;
    chunk = await iterator.next();
  }
  if (index < total) throw new InputError('npy-truncated', `ends after ${index} of ${total} values`, { location: { source } });
  if (data.length > 0 || !(await iterator.next()).done) {
    throw new InputError('npy-trailing-data', 'has bytes after the array its header describes', { location: { source } });
  }
  builder.rows = rows;
}

/** Reads one side of `kl drift`. */
export async function readObservations(request: ObservationRequest, stdin: StdinProvider, spill: ColumnSpill): Promise<ObservationTable> {
  const source = request.displayName;
  const { opened, format } = await openWithFormat(request.path, source, request.format, stdin);
  const builder = new TableBuilder(source, spill);
  if (format === 'csv' || format === 'tsv') await readDelimitedTable(opened, format === 'csv' ? ',' : '\t', builder, request.header);
  else if (format === 'ssv') await readDelimitedTable(whitespaceAsTabs(opened), '\t', builder, request.header);
  else if (format === 'uniq-c') {
    throw new InputError('bad-input-format', 'uniq -c output is one distribution of counts, not a table of observations', {
      location: { source },
      hint: 'give the observations themselves (one per line), or compare counts with kl compare',
    });
  } else if (format === 'json') await readJsonTable(opened, builder);
  else if (format === 'jsonl') await readJsonlTable(opened, builder);
  else await readNpyTable(opened, builder);
  return builder.finish(format);
}
