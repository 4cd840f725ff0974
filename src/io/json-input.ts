/**
 * JSON and JSONL inputs.
 *
 * JSON shapes:
 * - `[0.1, 0.9]`                       → one positional distribution
 * - `{"cat": 0.1, "dog": 0.9}`         → one labelled distribution (keys are labels, any string)
 * - `[[…], […]]` or `[{…}, {…}]`       → a batch of rows
 * JSONL/NDJSON: one such array or object per line, a batch of rows however many lines
 * there are (one line is a batch of one row; --layout distribution reads it as one
 * distribution). Blank lines are skipped.
 */
import { at, InputError } from '../errors.js';
import type { InputFormat } from './detect.js';
import { JsonSyntaxError, type JsonValue, jsonTypeName, parseJson } from './json-parse.js';
import { decodeUtf8 } from './source.js';
import type { RawInput, RawRow } from './types.js';

interface Located {
  source: string;
  line?: number;
}

function shapeError(where: Located, path: string, message: string): InputError {
  return new InputError('json-shape', `${path}: ${message}`, {
    location: at(where.source, where.line),
    hint: 'expected an array of numbers, an object of label → number, or an array of either (one per row)',
  });
}

/** A JSON syntax error as kl reports it, at its line (a JSONL line: `lineOffset` lines down) and column. */
export function syntaxError(error: JsonSyntaxError, source: string, lineOffset = 0): InputError {
  return new InputError('invalid-json', `invalid JSON: ${error.message}`, {
    location: { source, line: error.line + lineOffset, column: error.column },
  });
}

/**
 * OpenAI's (and vLLM's OpenAI-compatible) per-position shape, `{"token": …, "logprob": …,
 * "top_logprobs": [{"token": "a", "logprob": -0.1}, …]}`: the top_logprobs as token → value.
 */
function openAiTopLogprobs(value: JsonValue, where: Located, path: string): JsonValue {
  if (!(value instanceof Map)) return value;
  const list = value.get('top_logprobs');
  if (!Array.isArray(list)) return value;
  const row: Map<string, JsonValue> = new Map();
  list.forEach((entry, i) => {
    const token = entry instanceof Map ? entry.get('token') : undefined;
    const logprob = entry instanceof Map ? entry.get('logprob') : undefined;
    if (typeof token !== 'string' || typeof logprob !== 'number') {
      throw shapeError(where, `${path}.top_logprobs[${i}]`, 'expected {"token": "…", "logprob": number}');
    }
    row.set(token, logprob);
  });
  return row;
}

/** A row: an array of numbers, or an object of label → number (or OpenAI's top_logprobs). */
function toRow(raw: JsonValue, where: Located, path: string): { values: Float64Array; labels: string[] | null } {
  const value = openAiTopLogprobs(raw, where, path);
  if (Array.isArray(value)) {
    const values = new Float64Array(value.length);
    value.forEach((item, i) => {
      if (typeof item !== 'number') throw shapeError(where, `${path}[${i}]`, `expected a number, found ${jsonTypeName(item)}`);
      values[i] = item;
    });
    return { values, labels: null };
  }
  if (value instanceof Map) {
    const values = new Float64Array(value.size);
    const labels: string[] = [];
    let i = 0;
    for (const [label, item] of value) {
      if (typeof item !== 'number') {
        throw shapeError(where, `${path}[${JSON.stringify(label)}]`, `expected a number, found ${jsonTypeName(item)}`);
      }
      values[i++] = item;
      labels.push(label);
    }
    return { values, labels };
  }
  throw shapeError(where, path, `expected an array or an object, found ${jsonTypeName(value)}`);
}

function isRowLike(value: JsonValue): boolean {
  return Array.isArray(value) || value instanceof Map;
}

function rejectNonFinite(values: Float64Array, labels: string[] | null, where: Located, path: string): void {
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    // −Infinity (log 0) is for log kinds to accept or refuse; NaN and +Infinity never make sense.
    if (Number.isNaN(value) || value === Infinity) {
      const key = labels ? JSON.stringify(labels[i]) : String(i);
      throw new InputError('bad-number', `${path}[${key}]: value ${value} is not finite`, {
        location: at(where.source, where.line),
      });
    }
  }
}

/** A JSON document, whole: JSON cannot be parsed before its end anyway. */
export async function readJson(bytes: Uint8Array, source: string, format: InputFormat): Promise<RawInput> {
  const text = decodeUtf8(bytes, source);
  if (text.trim() === '') throw new InputError('empty-input', 'is empty', { location: { source } });
  let document: JsonValue;
  try {
    document = parseJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) throw syntaxError(error, source);
    throw error;
  }
  const where = { source };
  if (Array.isArray(document)) {
    if (document.length === 0) throw new InputError('empty-input', 'is an empty array', { location: { source } });
    if (document.every((item) => typeof item === 'number')) {
      const row = toRow(document, where, '$');
      rejectNonFinite(row.values, null, where, '$');
      return { shape: 'distribution', source, format, values: row.values, labels: null, lines: null };
    }
    if (isRowLike(document[0] as JsonValue)) {
      const documentRows = document;
      async function* rows(): AsyncGenerator<RawRow> {
        for (let i = 0; i < documentRows.length; i++) {
          const row = toRow(documentRows[i] as JsonValue, where, `$[${i}]`);
          rejectNonFinite(row.values, row.labels, where, `$[${i}]`);
          yield { ...row, line: null };
        }
      }
      return { shape: 'batch', source, format, columns: null, width: null, rows: rows() };
    }
    const badIndex = document.findIndex((item) => typeof item !== 'number');
    throw shapeError(where, `$[${badIndex}]`, `expected a number, found ${jsonTypeName(document[badIndex] as JsonValue)}`);
  }
  if (document instanceof Map) {
    if (document.size === 0) throw new InputError('empty-input', 'is an empty object', { location: { source } });
    const row = toRow(document, where, '$');
    rejectNonFinite(row.values, row.labels, where, '$');
    return { shape: 'distribution', source, format, values: row.values, labels: row.labels, lines: null };
  }
  throw shapeError(where, '$', `expected an array or an object, found ${jsonTypeName(document)}`);
}

/** Streams JSONL rows; each non-blank line must be one row. */
async function* jsonlRows(chunks: AsyncIterable<Uint8Array>, source: string): AsyncGenerator<RawRow> {
  const { utf8Lines } = await import('./streams.js');
  let lineNumber = 0;
  for await (const rawLine of utf8Lines(chunks, source)) {
    lineNumber++;
    const line = lineNumber === 1 ? rawLine.replace(/^\uFEFF/, '') : rawLine;
    if (line.trim() === '') continue;
    let value: JsonValue;
    try {
      value = parseJson(line);
    } catch (error) {
      if (error instanceof JsonSyntaxError) throw syntaxError(error, source, lineNumber - 1);
      throw error;
    }
    const where = { source, line: lineNumber };
    const row = toRow(value, where, '$');
    rejectNonFinite(row.values, row.labels, where, '$');
    yield { ...row, line: lineNumber };
  }
}

export async function readJsonl(chunks: AsyncIterable<Uint8Array>, source: string, format: InputFormat): Promise<RawInput> {
  const rows = jsonlRows(chunks, source);
  const first = await rows.next();
  if (first.done) throw new InputError('empty-input', 'is empty: no rows', { location: { source } });
  async function* all(): AsyncGenerator<RawRow> {
    yield first.value as RawRow;
    yield* rows;
  }
  return { shape: 'batch', source, format, columns: null, width: null, rows: all() };
}
