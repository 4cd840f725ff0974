/**
 * CSV and TSV inputs, parsed by csv-parse, and the layout rules that turn a table of
 * cells into a distribution or a batch of rows.
 *
 * Layouts (after the header, if any):
 * - one numeric column                 → one distribution down the column
 * - a label column + one numeric column → a labelled distribution
 * - one row of several numbers          → one distribution across the row (labels from the header)
 * - --p-col/--q-col                     → the named or numbered column(s)
 * - several rows × several numbers      → a batch (row i of P pairs with row i of Q)
 *
 * Header detection: the first row is a header when, in some column, it is not numeric
 * while the second row is. --header/--no-header override it.
 * Label detection: the first column is a label column when its first data cell is not
 * numeric. Labels are kept exactly as written (no trimming: " the" and "the" are
 * different tokens); numeric cells may be padded with spaces.
 */
import { CsvError, parse as parseSync } from 'csv-parse/sync';
import { at, InputError } from '../errors.js';
import type { InputFormat } from './detect.js';
import { describeCellProblem, looksNumeric, parseCell } from './numbers.js';
import { decodeUtf8 } from './source.js';
import type { ColumnRef, RawInput, RawRow, ReadOptions } from './types.js';

export interface CsvRecord {
  cells: string[];
  /** 1-based line on which the record ends. */
  line: number;
}

/**
 * The csv-parse options of every delimited read, whole or streamed. Both line ends are
 * record delimiters: left to itself csv-parse takes the first one it meets as the only
 * one, so after one stray CRLF every later line was read as part of a record and every
 * later line number was off.
 */
export const CSV_OPTIONS = (delimiter: string) => ({ delimiter, bom: true, info: true as const, skip_empty_lines: true, record_delimiter: ['\r\n', '\n'] });

/** csv-parse's errors as InputErrors naming the file and line. */
export function wrapCsvError(error: unknown, source: string, lineOffset: number): unknown {
  if (error instanceof CsvError) {
    const line = typeof error['lines'] === 'number' ? (error['lines'] as number) + lineOffset : undefined;
    const message = error.message.replace(/ on line \d+$/, '').replace(/^Invalid Record Length: /, 'inconsistent number of fields: ');
    return new InputError(`csv-${error.code.toLowerCase().replace(/_/g, '-')}`, message, {
      location: at(source, line),
      cause: error,
    });
  }
  return error;
}

/**
 * The records of an input that is already whole in memory (a small file): csv-parse's
 * synchronous API, without the stream machinery that dominates the start-up of tiny runs.
 * Larger inputs stream through readDelimitedRecords (streams.ts), with the same options.
 */
export async function* delimitedRecordsFromBytes(bytes: Uint8Array, delimiter: string, source: string): AsyncGenerator<CsvRecord> {
  const text = decodeUtf8(bytes, source);
  let items: { record: string[]; info: { lines: number } }[];
  try {
    items = parseSync(text, CSV_OPTIONS(delimiter)) as unknown as typeof items;
  } catch (error) {
    throw wrapCsvError(error, source, 0);
  }
  for (const item of items) yield { cells: item.record, line: item.info.lines };
}

export function isNumericCell(cell: string): boolean {
  return looksNumeric(cell.trim());
}

function cellError(source: string, line: number, column: number, cell: string, reason: Parameters<typeof describeCellProblem>[1], header?: string): InputError {
  const where = header === undefined ? `column ${column}` : `column ${column} (${JSON.stringify(header)})`;
  return new InputError('bad-number', `${where}: ${describeCellProblem(cell.trim(), reason)}`, {
    location: { source, line },
  });
}

/** Parses a numeric cell or throws naming the file, line and column. */
function numberAt(source: string, record: CsvRecord, columnIndex: number, header: string[] | null): number {
  const cell = record.cells[columnIndex] ?? '';
  const parsed = parseCell(cell.trim());
  if (parsed.ok) return parsed.value;
  throw cellError(source, record.line, columnIndex + 1, cell, parsed.reason, header?.[columnIndex]);
}

/** Resolves a column by header name first, then as a 1-based position. */
function resolveColumn(ref: ColumnRef, header: string[] | null, width: number, source: string, flag: string): number {
  if (header) {
    const byName = header.indexOf(ref);
    if (byName >= 0) return byName;
    const byTrimmedName = header.findIndex((name) => name.trim() === ref.trim());
    if (byTrimmedName >= 0) return byTrimmedName;
  }
  if (/^\d+$/.test(ref)) {
    const position = Number(ref);
    if (position >= 1 && position <= width) return position - 1;
    throw new InputError('no-such-column', `${flag} ${ref}: there are only ${width} columns (positions count from 1)`, {
      location: { source },
    });
  }
  const known = header ? `; columns are ${header.map((name) => JSON.stringify(name)).join(', ')}` : ' (the file has no header)';
  throw new InputError('no-such-column', `${flag} ${JSON.stringify(ref)}: no such column${known}`, { location: { source } });
}

/**
 * A header cell is text that is not a number and does not start like one: "0x10", "1,5"
 * or "0.5\u0000" in the first row are malformed data, not column names.
 */
export function isHeaderLike(cell: string): boolean {
  return !isNumericCell(cell) && !/^\s*[-+]?\.?\d/.test(cell);
}

export function decideHeader(first: Pick<CsvRecord, 'cells'>, second: Pick<CsvRecord, 'cells'> | undefined, mode: ReadOptions['header']): boolean {
  if (mode !== 'auto') return mode === 'yes';
  // A lone row is a header only when nothing in it is numeric (a header with no data).
  if (!second) return first.cells.every((cell) => isHeaderLike(cell));
  return first.cells.some((cell, j) => isHeaderLike(cell) && isNumericCell(second.cells[j] ?? ''));
}

const INTEGER = /^\s*[+-]?\d+\s*$/;

/**
 * Whether a numeric first column may be an index rather than data: a pandas index (a
 * header cell that is empty), or integers that count up by one (0, 1, 2 … or 1, 2, 3 …:
 * class ids, row numbers). Such a column could be the categories' labels (one distribution
 * down the other column) or a category of its own (a batch): kl does not guess.
 * `cells` are the first column's cells in the first data rows (at least two).
 */
export function firstColumnLooksLikeIndex(headerCell: string | undefined, cells: readonly string[]): boolean {
  if (cells.length < 2 || !cells.every((cell) => INTEGER.test(cell))) return false;
  if (headerCell !== undefined && headerCell.trim() === '') return true;
  const values = cells.map(Number);
  return values.every((value, i) => i === 0 || value === (values[i - 1] as number) + 1);
}

function ambiguousFirstColumn(headerCell: string | undefined, cells: readonly string[], source: string, line: number): InputError {
  const name =
    headerCell === undefined
      ? 'the first column'
      : headerCell.trim() === ''
        ? 'the first column (no header name: an index?)'
        : `the first column ${JSON.stringify(headerCell)}`;
  const reference = headerCell !== undefined && /^[\w.-]+$/.test(headerCell) ? headerCell : '1';
  return new InputError(
    'ambiguous-first-column',
    `${name} holds whole numbers (${cells.join(', ')}, …): they could be labels of the categories or values of a category of their own`,
    {
      location: { source, line },
      hint: `say which: --label-col ${reference} (labels) or --no-label-col (data)`,
    },
  );
}

export function checkDuplicateLabels(labels: string[], lines: Int32Array | null, source: string, what: string): void {
  const seen = new Map<string, number>();
  labels.forEach((label, i) => {
    const previous = seen.get(label);
    if (previous !== undefined) {
      const line = lines?.[i];
      throw new InputError('duplicate-label', `duplicate ${what} ${JSON.stringify(label)}`, {
        location: at(source, line),
        hint: lines ? `first seen on line ${lines[previous]}` : undefined,
      });
    }
    seen.set(label, i);
  });
}

export interface DelimitedContext {
  source: string;
  format: InputFormat;
  /** The flag that chose `options.column`, for messages (`--p-col` or `--q-col`). */
  columnFlag: string;
}

/**
 * Reads delimited records into a distribution or a batch, following the layout rules
 * at the top of this module.
 */
export async function readDelimited(records: AsyncIterator<CsvRecord>, options: ReadOptions, context: DelimitedContext): Promise<RawInput> {
  const { source, format } = context;
  // Three records are enough to decide header, labels and layout; the rest stream.
  const peeked: CsvRecord[] = [];
  while (peeked.length < 3) {
    const next = await records.next();
    if (next.done) break;
    peeked.push(next.value);
  }
  const exhausted = peeked.length < 3;
  const [first, second] = peeked;
  if (!first) throw new InputError('empty-input', 'is empty: no rows', { location: { source } });

  const hasHeader = decideHeader(first, second, options.header);
  const header = hasHeader ? first.cells : null;
  const peekedData = hasHeader ? peeked.slice(1) : peeked;
  const firstData = peekedData[0];
  if (!firstData) {
    const shown = JSON.stringify(first.cells.join(context.format === 'tsv' ? '\t' : ',').slice(0, 60));
    throw new InputError('no-data', `has one row, ${shown}, and nothing numeric in it: a header with no data rows?`, {
      location: { source, line: first.line },
    });
  }
  const width = firstData.cells.length;

  let labelIndex: number | null = null;
  if (options.labelColumn !== undefined && options.labelColumn !== false) {
    labelIndex = resolveColumn(options.labelColumn, header, width, source, '--label-col');
  } else if (options.labelColumn === undefined && width >= 2) {
    // A label is text; "1,000" or "0x10" starts like a number and is a malformed one, reported as such.
    if (isHeaderLike(firstData.cells[0] ?? '')) labelIndex = 0;
    else {
      const firstCells = peekedData.map((record) => record.cells[0] ?? '');
      if (firstColumnLooksLikeIndex(header?.[0], firstCells)) throw ambiguousFirstColumn(header?.[0], firstCells, source, first.line);
    }
  }

  // Everything after the peeked rows, as one iterator over data records.
  async function* dataRecords(): AsyncGenerator<CsvRecord> {
    yield* peekedData;
    for (let next = await records.next(); !next.done; next = await records.next()) yield next.value;
  }

  const valueColumns: number[] = [];
  if (options.column !== undefined) {
    const chosen = resolveColumn(options.column, header, width, source, context.columnFlag);
    if (chosen === labelIndex) {
      throw new InputError('label-column-chosen', `${context.columnFlag} ${options.column} is the label column`, { location: { source } });
    }
    valueColumns.push(chosen);
  } else {
    for (let j = 0; j < width; j++) if (j !== labelIndex) valueColumns.push(j);
  }
  if (valueColumns.length === 0) {
    throw new InputError('no-values', 'has labels but no numeric column', { location: { source } });
  }

  const layout = options.layout ?? 'auto';
  if (valueColumns.length === 1 && layout === 'batch' && options.column === undefined) {
    throw new InputError('layout-mismatch', '--layout batch: there is one value column, which is one distribution; a batch has a column per category', {
      location: { source },
    });
  }
  if (valueColumns.length === 1) {
    // One distribution down a column.
    const column = valueColumns[0] as number;
    const values: number[] = [];
    const lines: number[] = [];
    const labels: string[] | null = labelIndex === null ? null : [];
    for await (const record of dataRecords()) {
      values.push(numberAt(source, record, column, header));
      lines.push(record.line);
      if (labels && labelIndex !== null) labels.push(record.cells[labelIndex] ?? '');
    }
    const lineArray = Int32Array.from(lines);
    if (labels) checkDuplicateLabels(labels, lineArray, source, 'label');
    const name = options.column !== undefined ? `${source}[${header?.[column] ?? column + 1}]` : source;
    return { shape: 'distribution', source: name, format, values: Float64Array.from(values), labels, lines: lineArray };
  }

  const columnLabels = header ? valueColumns.map((j) => header[j] ?? '') : null;
  if (columnLabels) checkDuplicateLabels(columnLabels, null, source, 'column name');

  if (layout === 'distribution' && !(exhausted && peekedData.length === 1)) {
    throw new InputError('layout-mismatch', `--layout distribution: there are several rows of ${valueColumns.length} numbers, which is a batch`, {
      location: { source },
      hint: 'one distribution is one column (choose it with --p-col/--q-col) or one row',
    });
  }
  if (exhausted && peekedData.length === 1 && layout !== 'batch') {
    // Exactly one data row: one distribution across it.
    const record = firstData;
    const values = Float64Array.from(valueColumns, (j) => numberAt(source, record, j, header));
    return {
      shape: 'distribution',
      source,
      format,
      values,
      labels: columnLabels,
      lines: new Int32Array(values.length).fill(record.line),
    };
  }

  async function* rows(): AsyncGenerator<RawRow> {
    for await (const record of dataRecords()) {
      const values = new Float64Array(valueColumns.length);
      for (let k = 0; k < valueColumns.length; k++) values[k] = numberAt(source, record, valueColumns[k] as number, header);
      yield { values, labels: null, line: record.line };
    }
  }
  return { shape: 'batch', source, format, columns: columnLabels, width: valueColumns.length, rows: rows() };
}
