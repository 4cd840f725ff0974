/**
 * Inputs of `kl mi`: a joint distribution of two variables.
 * - A contingency table: CSV/TSV with the row labels (X) in the first column and the column
 *   labels (Y) in the header, or a JSON object of objects ({x: {y: value}}; a missing cell
 *   is 0). Values are counts or joint probabilities; the caller says which.
 * - Paired observations: two columns of one CSV/TSV (with a header), JSONL or JSON array of
 *   objects, one pair per row; a row with a missing value (empty, NA, N/A, NaN, null) on
 *   either side is counted and left out.
 */
import { InputError } from '../errors.js';
import { delimitedRecordsFromBytes } from './delimited.js';
import type { InputFormat } from './detect.js';
import { JsonSyntaxError, type JsonValue, jsonTypeName, parseJson } from './json-parse.js';
import { parseCell } from './numbers.js';
import { isMissingText } from './observations.js';
import { openWithFormat } from './open.js';
import { decodeUtf8, readAllBytes, type StdinProvider } from './source.js';
import { whitespaceAsTabs } from './whitespace.js';

export interface RawJointTable {
  source: string;
  format: string;
  rowLabels: string[];
  columnLabels: string[];
  /** Row-major, as read (not yet checked). */
  values: Float64Array;
}

export interface PairedColumns {
  source: string;
  format: string;
  x: string;
  y: string;
  /** The present pairs, as text (numbers as read). */
  xs: string[];
  ys: string[];
  /** Rows with a missing value on either side. */
  missing: number;
}

async function wholeText(path: string, source: string, format: InputFormat | undefined, stdin: StdinProvider): Promise<{ text: string; format: string }> {
  const { opened: raw, format: detected } = await openWithFormat(path, source, format, stdin);
  if (detected === 'npy' || detected === 'uniq-c') {
    throw new InputError(
      'bad-input-format',
      `kl mi reads CSV, TSV, whitespace-separated text, JSON or JSONL, not ${detected === 'npy' ? '.npy' : 'uniq -c output'}`,
      {
        location: { source },
      },
    );
  }
  // Whitespace-separated text is read as the TSV it becomes (whitespace.ts).
  const opened = detected === 'ssv' ? whitespaceAsTabs(raw) : raw;
  const bytes = opened.whole ? opened.head : await readAllBytes(opened.chunks(), source);
  return { text: decodeUtf8(bytes, source), format: detected };
}

async function records(text: string, delimiter: string, source: string): Promise<{ cells: string[]; line: number }[]> {
  const out: { cells: string[]; line: number }[] = [];
  for await (const record of delimitedRecordsFromBytes(Buffer.from(text, 'utf8'), delimiter, source)) out.push({ cells: record.cells, line: record.line });
  return out;
}

function jsonDocument(text: string, source: string): JsonValue {
  try {
    return parseJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw new InputError('invalid-json', `invalid JSON: ${error.message}`, { location: { source, line: error.line } });
    throw error;
  }
}

export async function readJointTable(path: string, source: string, format: InputFormat | undefined, stdin: StdinProvider): Promise<RawJointTable> {
  const { text, format: detected } = await wholeText(path, source, format, stdin);
  if (detected === 'json' || detected === 'jsonl') {
    const document = jsonDocument(text, source);
    if (!(document instanceof Map)) {
      throw new InputError('json-shape', `a contingency table in JSON is an object of objects ({"x": {"y": count}}), not ${jsonTypeName(document)}`, {
        location: { source },
      });
    }
    const rowLabels = [...document.keys()];
    const columnLabels: string[] = [];
    const seen = new Set<string>();
    for (const [x, row] of document) {
      if (!(row instanceof Map))
        throw new InputError('json-shape', `row ${JSON.stringify(x)} is ${jsonTypeName(row)}, not an object of column → value`, { location: { source } });
      for (const y of row.keys()) {
        if (seen.has(y)) continue;
        columnLabels.push(y);
        seen.add(y);
      }
    }
    const values = new Float64Array(rowLabels.length * columnLabels.length);
    rowLabels.forEach((x, r) => {
      const row = document.get(x) as Map<string, JsonValue>;
      columnLabels.forEach((y, c) => {
        const value = row.get(y) ?? 0;
        if (typeof value !== 'number')
          throw new InputError('json-shape', `cell (${JSON.stringify(x)}, ${JSON.stringify(y)}) is ${jsonTypeName(value)}, not a number`, {
            location: { source },
          });
        values[r * columnLabels.length + c] = value;
      });
    });
    return { source, format: detected, rowLabels, columnLabels, values };
  }
  const rows = await records(text, detected === 'csv' ? ',' : '\t', source);
  const header = rows[0];
  if (!header || rows.length < 2)
    throw new InputError('no-data', 'a contingency table needs a header of column labels and at least one row', { location: { source } });
  const columnLabels = header.cells.slice(1).map((cell) => cell.trim());
  const values = new Float64Array((rows.length - 1) * columnLabels.length);
  const rowLabels = rows.slice(1).map((row, r) => {
    if (row.cells.length !== header.cells.length) {
      throw new InputError(
        'csv-record-inconsistent-fields-length',
        `line ${row.line}: ${row.cells.length} fields, but the header has ${header.cells.length}: the table is ragged`,
        { location: { source } },
      );
    }
    row.cells.slice(1).forEach((cell, c) => {
      const parsed = parseCell(cell.trim());
      if (!parsed.ok)
        throw new InputError('bad-number', `line ${row.line}, column ${columnLabels[c]}: ${JSON.stringify(cell)} is not a number`, { location: { source } });
      values[r * columnLabels.length + c] = parsed.value;
    });
    return (row.cells[0] as string).trim();
  });
  return { source, format: detected, rowLabels, columnLabels, values };
}

export async function readPairedColumns(
  path: string,
  source: string,
  format: InputFormat | undefined,
  x: string,
  y: string,
  stdin: StdinProvider,
): Promise<PairedColumns> {
  const { text, format: detected } = await wholeText(path, source, format, stdin);
  const out: PairedColumns = { source, format: detected, x, y, xs: [], ys: [], missing: 0 };
  const add = (xv: string | null, yv: string | null) => {
    if (xv === null || yv === null || isMissingText(xv) || isMissingText(yv)) {
      out.missing++;
      return;
    }
    out.xs.push(xv.trim());
    out.ys.push(yv.trim());
  };
  const noColumn = (name: string, flag: string, names: readonly string[]) =>
    new InputError('no-such-column', `${flag} ${name}: there is no column ${name} (columns: ${names.join(', ')})`, { location: { source } });
  if (detected === 'json' || detected === 'jsonl') {
    const objects: JsonValue[] =
      detected === 'json'
        ? (jsonDocument(text, source) as JsonValue[])
        : text
            .split('\n')
            .filter((line) => line.trim() !== '')
            .map((line) => jsonDocument(line, source));
    if (!Array.isArray(objects))
      throw new InputError('json-shape', 'paired observations in JSON are an array of objects, one per row', { location: { source } });
    const keys = new Set<string>();
    for (const object of objects) {
      if (!(object instanceof Map)) throw new InputError('json-shape', `a row is ${jsonTypeName(object)}, not an object`, { location: { source } });
      for (const key of object.keys()) keys.add(key);
    }
    if (!keys.has(x)) throw noColumn(x, '--x', [...keys]);
    if (!keys.has(y)) throw noColumn(y, '--y', [...keys]);
    const asText = (value: JsonValue | undefined): string | null =>
      value === undefined || value === null ? null : typeof value === 'object' ? JSON.stringify(value) : String(value);
    for (const object of objects as Map<string, JsonValue>[]) add(asText(object.get(x)), asText(object.get(y)));
    return out;
  }
  const rows = await records(text, detected === 'csv' ? ',' : '\t', source);
  const header = rows[0]?.cells.map((cell) => cell.trim()) ?? [];
  const xi = header.indexOf(x);
  const yi = header.indexOf(y);
  if (xi < 0) throw noColumn(x, '--x', header);
  if (yi < 0) throw noColumn(y, '--y', header);
  for (const row of rows.slice(1)) add(row.cells[xi] ?? null, row.cells[yi] ?? null);
  return out;
}
