/**
 * A fast path for the common big input: a numeric CSV/TSV batch with no quotes, no BOM
 * and no carriage returns, such as `np.savetxt(..., fmt='%.9g', delimiter=',')` writes.
 *
 * It scans bytes and converts each cell straight to a double without making a string:
 * a decimal numeral with at most 15 significant digits and a power of ten within ±22 is
 * m × 10^e or m / 10^−e, where m and 10^|e| are exact doubles, so one correctly rounded
 * operation gives the correctly rounded value — bit-identical to `Number(text)` (Clinger's
 * fast path). Any other cell (more digits, a large exponent, spaces, `inf`, garbage) goes
 * through the general path's `parseCell(text.trim())`, so results and messages are the
 * same as csv-parse's path. Lines must have the header's (or first row's) field count.
 *
 * Eligibility is decided on the first chunk; a later line containing a quote or a byte
 * the scanner does not handle hands the rest of the input, from that line on, to
 * csv-parse.
 */
import { isAscii } from 'node:buffer';
import { InputError } from '../errors.js';
import { isHeaderLike } from './delimited.js';
import type { InputFormat } from './detect.js';
import { describeCellProblem, parseCell } from './numbers.js';
import { LineScanner } from './numerals-wasm.js';
import type { RawBatch, RawRow } from './types.js';

const NEWLINE = 10;
const QUOTE = 34;
const CR = 13;
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * True when the first bytes look like plain delimited numbers the scanner can take: ASCII
 * with no quote, carriage return or NUL byte (asked of the whole buffer at once, which
 * Node does in native code: a byte loop here was 7% of reading a 23 MB one-column file).
 */
export function fastPathEligible(head: Uint8Array): boolean {
  if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return false;
  const bytes = Buffer.isBuffer(head) ? head : Buffer.from(head.buffer, head.byteOffset, head.byteLength);
  return isAscii(bytes) && !bytes.includes(QUOTE) && !bytes.includes(CR) && !bytes.includes(0);
}

const NO_EXPONENT_DIGITS = 0x7fffffff;
/**
 * Why scanNumber stored NaN: 1 when the bytes it read are a complete decimal numeral that
 * only needs the exact conversion (more than 15 significant digits, or a power of ten past
 * ±22: `%.17g` writes such numerals), 0 when they are not a numeral it could read.
 */
const numeralNeedsExactConversion = new Int32Array(1);
/** The signed value of the exponent scanExponent read last, or NO_EXPONENT_DIGITS. */
const exponentValue = new Int32Array(1);

/**
 * Reads an exponent's optional sign and digits from `start` (just past the `e`), stores
 * its value in exponentValue and returns the index after it. A function of its own so that
 * scanNumber stays under the optimizing compiler's inlining limit (460 bytes of bytecode)
 * and is inlined into the row loop: 7–13% faster scanning.
 */
function scanExponent(bytes: Uint8Array, start: number, end: number): number {
  let i = start;
  let sign = 1;
  if (i < end && (bytes[i] === 45 || bytes[i] === 43)) {
    sign = bytes[i] === 45 ? -1 : 1;
    i++;
  }
  let explicit = 0;
  const digitsStart = i;
  for (; i < end; i++) {
    const digit = (bytes[i] as number) - 48;
    if (digit < 0 || digit > 9) break;
    if (explicit < 100000) explicit = explicit * 10 + digit;
  }
  exponentValue[0] = i === digitsStart ? NO_EXPONENT_DIGITS : sign * explicit;
  return i;
}

/**
 * Scans a decimal numeral starting at `start`, stores its value in `out[slot]` and returns
 * the index of the first byte that cannot continue it. Stores NaN when the numeral needs
 * the general parser (too many digits, a big exponent, no digits): NaN is never a valid
 * cell value, so it is a safe signal. The value goes into the array rather than being
 * returned because a double returned from a call that is not inlined is boxed: one heap
 * allocation per cell, which made up most of the garbage of a big batch.
 */
function scanNumber(bytes: Uint8Array, start: number, end: number, out: Float64Array, slot: number): number {
  let i = start;
  let negative = false;
  const byte = bytes[i] as number;
  if (byte === 45 || byte === 43) {
    negative = byte === 45;
    i++;
  }
  let mantissa = 0;
  let exponent = 0;
  const integerStart = i;
  for (; i < end; i++) {
    const digit = (bytes[i] as number) - 48;
    if (digit >>> 0 > 9) break;
    mantissa = mantissa * 10 + digit;
  }
  let digits = i - integerStart;
  if (i < end && bytes[i] === 46) {
    i++;
    const fractionStart = i;
    for (; i < end; i++) {
      const digit = (bytes[i] as number) - 48;
      if (digit >>> 0 > 9) break;
      mantissa = mantissa * 10 + digit;
    }
    exponent = fractionStart - i;
    digits += i - fractionStart;
  }
  if (digits === 0) {
    numeralNeedsExactConversion[0] = 0;
    out[slot] = NaN;
    return i;
  }
  if (i < end && (bytes[i] === 101 || bytes[i] === 69)) {
    i = scanExponent(bytes, i + 1, end);
    const explicit = exponentValue[0] as number;
    if (explicit === NO_EXPONENT_DIGITS) {
      numeralNeedsExactConversion[0] = 0;
      out[slot] = NaN;
      return i;
    }
    exponent += explicit;
  }
  // More than 15 significant digits is exactly mantissa ≥ 1e15: leading zeros add nothing
  // to it, each significant digit multiplies it by ten, and it is exact below 2^53.
  if (mantissa >= 1e15 || (mantissa !== 0 && (exponent > 22 || exponent < -22))) {
    numeralNeedsExactConversion[0] = 1;
    out[slot] = NaN;
    return i;
  }
  // No NaN among these branches: a variable that may hold the NaN constant is kept boxed
  // by the optimizing compiler, which then allocates a heap number for every cell.
  const magnitude = mantissa === 0 ? 0 : exponent >= 0 ? mantissa * (POW10[exponent] as number) : mantissa / (POW10[-exponent] as number);
  out[slot] = negative ? -magnitude : magnitude;
  return i;
}

/**
 * The value of the numeral scanNumber read as the whole of bytes[start, end), given what it
 * stored: that value, or, for a numeral that needs the exact conversion, what parseCell gives
 * it (`Number` of its text: the scanner has already checked what parseCell's pattern
 * checks); NaN when the general parser must decide (not a numeral it read, or an overflow,
 * which parseCell reports).
 */
function numeralValue(bytes: Uint8Array, start: number, end: number, stored: number): number {
  if (stored === stored || numeralNeedsExactConversion[0] === 0) return stored;
  const value = Number(latin1(bytes, start, end));
  return value === Infinity || value === -Infinity ? Number.NaN : value;
}

const single = new Float64Array(1);

/** bytes[start, end) as a number via the fast path, or NaN when the cell needs the general parser. */
export function fastNumber(bytes: Uint8Array, start: number, end: number): number {
  const stop = scanNumber(bytes, start, end, single, 0);
  return stop === end ? numeralValue(bytes, start, end, single[0] as number) : Number.NaN;
}

function latin1(bytes: Uint8Array, start: number, end: number): string {
  return Buffer.isBuffer(bytes) ? bytes.toString('latin1', start, end) : Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('latin1');
}

export interface FastBatchContext {
  source: string;
  format: InputFormat;
  delimiter: number;
  /** Category names from the header, or null. */
  columns: string[] | null;
  width: number;
  /** 1-based line number of the first data line in `first`. */
  firstLine: number;
}

function widthError(source: string, line: number, expected: number, got: number): InputError {
  return new InputError('csv-csv-record-inconsistent-fields-length', `inconsistent number of fields: expect ${expected}, got ${got}`, {
    location: { source, line },
  });
}

/**
 * Rows of a numeric batch from bytes. `first` holds the bytes from the first data line on;
 * `rest` yields the remaining chunks; it may reuse a chunk's memory for the chunk after
 * next (the unfinished line of a chunk is copied before the next one is asked for). With
 * `reuseValues`, every row's values are written into one array, valid until the next row
 * is asked for: for a consumer that copies them at once, it saves an allocation per row
 * whose off-heap memory only a later garbage collection returns (tens of MB of peak RSS
 * on a big batch).
 */
export async function* fastRows(first: Uint8Array, rest: AsyncIterator<Buffer>, context: FastBatchContext, reuseValues = false): AsyncGenerator<RawRow> {
  const { delimiter, width } = context;
  const shared = reuseValues ? new Float64Array(width) : null;
  // This reader's own scanner: P's and Q's rows are read in turn, each from its own buffer.
  const wasmScanner = LineScanner.acquire();
  // Every array scanned is a Buffer, as the chunks are: the compiled scanner is specialised
  // to one kind of array and is thrown away when it meets another (a plain Uint8Array).
  // The unfinished last line of a chunk followed by the next chunk, in one reused array
  // (given back when the rows end, for the next range this thread reads: see spareJoined).
  let joined: Buffer = spareJoined.pop() ?? Buffer.allocUnsafeSlow(0);
  let buffer = Buffer.isBuffer(first) ? first : Buffer.from(first.buffer, first.byteOffset, first.length);
  let line = context.firstLine;
  let done = false;
  try {
    for (;;) {
      let lineStart = 0;
      const length = buffer.length;
      // Lines go to the WebAssembly scanner when this buffer fits its memory.
      const scanner = wasmScanner?.load(buffer) ? wasmScanner : null;
      for (;;) {
        let lineEnd = buffer.indexOf(NEWLINE, lineStart);
        if (lineEnd < 0) {
          if (!done) break;
          lineEnd = length;
          if (lineStart >= length) break;
        }
        if (lineEnd === lineStart) {
          // An empty line: csv-parse skips it too.
          lineStart = lineEnd + 1;
          line++;
          continue;
        }
        if (buffer.subarray(lineStart, lineEnd).includes(QUOTE)) {
          // Quotes need csv-parse's state machine: hand it everything from this line on.
          yield* generalRows(buffer.subarray(lineStart), rest, context, line);
          return;
        }
        const values = shared ?? new Float64Array(width);
        const converted = scanner === null ? null : scanner.scan(lineStart, lineEnd, width, delimiter);
        if (converted !== null) values.set(converted);
        else scanLine(buffer, lineStart, lineEnd, values, context, line);
        yield { values, labels: null, line };
        line++;
        lineStart = lineEnd + 1;
        if (lineEnd === length) break;
      }
      if (done) return;
      const next = await rest.next();
      const leftover = buffer.subarray(lineStart);
      if (next.done) {
        done = true;
        if (leftover.length === 0) return;
        // The last line, moved into memory of our own: once the source is done it may hand
        // its buffers to another reader (file-chunks.ts).
        joined = keep(joined, leftover, lineStart, 0);
        buffer = joined.subarray(0, leftover.length);
        continue;
      }
      const chunk = next.value;
      if (chunk.includes(CR) || chunk.includes(0)) {
        // Carriage returns or NUL bytes: let the general path decide what they mean.
        yield* generalRows(Buffer.concat([leftover, chunk]), rest, context, line);
        return;
      }
      if (leftover.length === 0) {
        buffer = chunk;
        continue;
      }
      joined = keep(joined, leftover, lineStart, chunk.length);
      joined.set(chunk, leftover.length);
      buffer = joined.subarray(0, leftover.length + chunk.length);
    }
  } finally {
    spareJoined.push(joined);
    if (wasmScanner) LineScanner.release(wasmScanner);
  }
}

/**
 * One line's cells into `values` by the JavaScript scanner: each numeral through scanNumber
 * (or its exact conversion, or parseCell), with the general path's messages for a short or
 * long line or a cell that is not a number.
 */
function scanLine(buffer: Buffer, lineStart: number, lineEnd: number, values: Float64Array, context: FastBatchContext, line: number): void {
  const { source, delimiter, width } = context;
  let column = 0;
  let position = lineStart;
  // One pass: scan a number, expect a delimiter or the end of the line after it.
  for (;;) {
    const cellStart = position;
    if (column >= width) throw widthError(source, line, width, countFields(buffer, lineStart, lineEnd, delimiter));
    const scanned = scanNumber(buffer, cellStart, lineEnd, values, column);
    let cellEnd = scanned;
    while (cellEnd < lineEnd && buffer[cellEnd] !== delimiter) cellEnd++;
    // Bytes after the numeral in its cell: the general parser decides (and reports).
    const value = cellEnd === scanned ? numeralValue(buffer, cellStart, cellEnd, values[column] as number) : Number.NaN;
    if (value === value) values[column] = value;
    else {
      const text = latin1(buffer, cellStart, cellEnd);
      const parsed = parseCell(text.trim());
      if (!parsed.ok) {
        // csv-parse checks a record's field count before any cell: so does this path,
        // so that both report a short line (a line of spaces) the same way.
        const fields = countFields(buffer, lineStart, lineEnd, delimiter);
        if (fields !== width) throw widthError(source, line, width, fields);
        const header = context.columns?.[column];
        const where = header === undefined ? `column ${column + 1}` : `column ${column + 1} (${JSON.stringify(header)})`;
        throw new InputError('bad-number', `${where}: ${describeCellProblem(text.trim(), parsed.reason)}`, { location: { source, line } });
      }
      values[column] = parsed.value;
    }
    column++;
    if (cellEnd >= lineEnd) break;
    position = cellEnd + 1;
  }
  if (column !== width) throw widthError(source, line, width, column);
}

/**
 * Join arrays of finished readers, for the next: a worker reads hundreds of ranges, and a
 * fresh array per range (grown to twice a chunk) is memory outside the JavaScript heap that
 * only a full collection returns: ~100 MB between two on a 2,000,000-row batch.
 */
const spareJoined: Buffer[] = [];

/**
 * Moves `leftover` (the bytes of a buffer from `from` on) to the start of `joined`, with
 * room for `extra` bytes after it, growing `joined` when needed; returns the array used.
 */
function keep(joined: Buffer, leftover: Buffer, from: number, extra: number): Buffer {
  const size = leftover.length + extra;
  if (joined.length < size) {
    const grown = Buffer.allocUnsafeSlow(Math.max(size, 2 * joined.length));
    grown.set(leftover);
    return grown;
  }
  if (leftover.buffer === joined.buffer && leftover.byteOffset === joined.byteOffset + from) joined.copyWithin(0, from, from + leftover.length);
  else joined.set(leftover);
  return joined;
}

function countFields(bytes: Uint8Array, start: number, end: number, delimiter: number): number {
  let count = 1;
  for (let i = start; i < end; i++) if (bytes[i] === delimiter) count++;
  return count;
}

/**
 * The remainder, from a line boundary, through csv-parse; line numbers continue. The
 * stream pipeline may hold chunks while it reads ahead, so it gets copies: `head` may be
 * part of a reused array, and `rest` may reuse its chunks.
 */
async function* generalRows(head: Uint8Array, rest: AsyncIterator<Buffer>, context: FastBatchContext, firstLine: number): AsyncGenerator<RawRow> {
  async function* replay(): AsyncGenerator<Uint8Array> {
    yield Uint8Array.from(head);
    for (let next = await rest.next(); !next.done; next = await rest.next()) yield Uint8Array.from(next.value);
  }
  const delimiter = String.fromCharCode(context.delimiter);
  const { readDelimitedRecords } = await import('./streams.js');
  for await (const record of readDelimitedRecords(replay(), delimiter, context.source, firstLine - 1)) {
    if (record.cells.length !== context.width) throw widthError(context.source, record.line, context.width, record.cells.length);
    const values = new Float64Array(context.width);
    for (let j = 0; j < context.width; j++) {
      const cell = (record.cells[j] as string).trim();
      const parsed = parseCell(cell);
      if (!parsed.ok) {
        const header = context.columns?.[j];
        const where = header === undefined ? `column ${j + 1}` : `column ${j + 1} (${JSON.stringify(header)})`;
        throw new InputError('bad-number', `${where}: ${describeCellProblem(cell, parsed.reason)}`, {
          location: { source: context.source, line: record.line },
        });
      }
      values[j] = parsed.value;
    }
    yield { values, labels: null, line: record.line };
  }
}

/** The batch a fast-path context describes, with its rows from wherever they are parsed. */
export function batchOf(context: FastBatchContext, rows: AsyncIterable<RawRow>): RawBatch {
  return { shape: 'batch', source: context.source, format: context.format, columns: context.columns, width: context.width, rows };
}

export function fastBatch(first: Uint8Array, rest: AsyncIterator<Buffer>, context: FastBatchContext): RawBatch {
  return batchOf(context, fastRows(first, rest, context));
}

/**
 * One numeric column — one distribution down it, the long input of `kl entropy`, — read
 * without csv-parse: line by line, each cell through the fast numeral path (or
 * `parseCell` past its 15 digits), blank lines skipped and line numbers kept as csv-parse
 * counts them. A header is the first line when the header rule says so (`--header`, or
 * auto: a non-numeric first line above a numeric second one). Anything else — a delimiter,
 * a cell that is not a number, a header the rule does not settle — returns null, and the
 * general path reads the same bytes, so results and messages are the same either way.
 */
export function fastColumn(input: Uint8Array, format: 'csv' | 'tsv', header: 'auto' | 'yes' | 'no'): { values: Float64Array; lines: Int32Array } | null {
  const bytes = Buffer.isBuffer(input) ? input : Buffer.from(input.buffer, input.byteOffset, input.byteLength);
  // One column: a delimiter anywhere means another layout, which the general path reads.
  if (!fastPathEligible(bytes) || bytes.includes(format === 'csv' ? 44 : 9)) return null;
  const values = new Float64Array(Math.max(16, bytes.length >> 3));
  let count = 0;
  let lineNumbers = new Int32Array(values.length);
  let line = 0;
  let headerPending = header !== 'no';
  let headerText: string | null = null;
  let valuesStore = values;
  for (let from = 0; from < bytes.length; ) {
    let to = bytes.indexOf(NEWLINE, from);
    if (to < 0) to = bytes.length;
    line++;
    const start = from;
    from = to + 1;
    if (to === start) continue;
    let value = fastNumber(bytes, start, to);
    if (value !== value) {
      const parsed = parseCell(latin1(bytes, start, to).trim());
      value = parsed.ok ? parsed.value : Number.NaN;
    }
    if (headerPending) {
      headerPending = false;
      if (header === 'yes') {
        headerText = latin1(bytes, start, to);
        continue;
      }
      if (value !== value) {
        // auto: header text (not a malformed number) above a number; the next line decides.
        headerText = latin1(bytes, start, to);
        if (!isHeaderLike(headerText)) return null;
        continue;
      }
    }
    if (value !== value) return null;
    if (count === valuesStore.length) {
      const grown = new Float64Array(valuesStore.length * 2);
      grown.set(valuesStore);
      valuesStore = grown;
      const grownLines = new Int32Array(grown.length);
      grownLines.set(lineNumbers);
      lineNumbers = grownLines;
    }
    valuesStore[count] = value;
    lineNumbers[count] = line;
    count++;
  }
  // A header with no number under it: the general path says what it is.
  if (count === 0) return null;
  return { values: valuesStore.slice(0, count), lines: lineNumbers.slice(0, count) };
}
