/**
 * NumPy .npy reader (format versions 1.0, 2.0 and 3.0).
 *
 * Layout of the file: the magic `\x93NUMPY`, a major and minor version byte, the header
 * length (uint16 LE in v1, uint32 LE in v2/v3), then an ASCII (v3: UTF-8) Python dict
 * literal `{'descr': '<f4', 'fortran_order': False, 'shape': (4096, 32000), }` padded
 * to a multiple of 64 bytes, then the raw array data.
 *
 * Supported dtypes: float16/32/64 and signed/unsigned integers of 1–8 bytes, either
 * endianness. Shapes: 1-D is one distribution, 2-D is rows, N-D folds every leading
 * dimension into rows (batch × sequence × vocabulary logits become batch·sequence rows).
 * C-order data streams row by row with memory of one row; Fortran order is accepted for
 * 1-D and 2-D (the 2-D case must be read whole, since a row is scattered over the file).
 */
import { createReadStream } from 'node:fs';
import { InputError, internalError } from '../errors.js';
import { fileChunks } from './file-chunks.js';
import { fileError } from './source.js';
import type { RawBatch, RawInput, RawRow } from './types.js';

const MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59];

type Decoder = (view: DataView, offset: number) => number;

interface DType {
  descr: string;
  itemSize: number;
  littleEndian: boolean;
  isFloat: boolean;
  read: Decoder;
}

function float16(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exponent = (bits >> 10) & 0x1f;
  const fraction = bits & 0x3ff;
  if (exponent === 0) return sign * fraction * 2 ** -24;
  if (exponent === 0x1f) return fraction === 0 ? sign * Infinity : NaN;
  return sign * (1 + fraction / 1024) * 2 ** (exponent - 15);
}

function parseDType(descr: string, source: string): DType {
  const match = /^([<>|=])([fiu])(\d+)$/.exec(descr);
  const fail = (): never => {
    throw new InputError('npy-dtype', `unsupported .npy dtype ${JSON.stringify(descr)}`, {
      location: { source },
      hint: 'supported: float16/32/64 and (u)int8/16/32/64, little- or big-endian',
    });
  };
  if (!match) return fail();
  const [, order, kind, sizeText] = match as unknown as [string, string, string, string];
  const itemSize = Number(sizeText);
  const littleEndian = order !== '>';
  let read: Decoder | undefined;
  if (kind === 'f') {
    if (itemSize === 2) read = (view, offset) => float16(view.getUint16(offset, littleEndian));
    else if (itemSize === 4) read = (view, offset) => view.getFloat32(offset, littleEndian);
    else if (itemSize === 8) read = (view, offset) => view.getFloat64(offset, littleEndian);
  } else if (kind === 'i') {
    if (itemSize === 1) read = (view, offset) => view.getInt8(offset);
    else if (itemSize === 2) read = (view, offset) => view.getInt16(offset, littleEndian);
    else if (itemSize === 4) read = (view, offset) => view.getInt32(offset, littleEndian);
    else if (itemSize === 8) read = (view, offset) => Number(view.getBigInt64(offset, littleEndian));
  } else {
    if (itemSize === 1) read = (view, offset) => view.getUint8(offset);
    else if (itemSize === 2) read = (view, offset) => view.getUint16(offset, littleEndian);
    else if (itemSize === 4) read = (view, offset) => view.getUint32(offset, littleEndian);
    else if (itemSize === 8) read = (view, offset) => Number(view.getBigUint64(offset, littleEndian));
  }
  if (!read) return fail();
  return { descr, itemSize, littleEndian, isFloat: kind === 'f', read };
}

export interface NpyHeader {
  dtype: DType;
  fortranOrder: boolean;
  shape: number[];
  /** Byte offset where the data starts. */
  dataOffset: number;
}

function headerError(source: string, message: string): InputError {
  return new InputError('npy-header', `invalid .npy header: ${message}`, { location: { source } });
}

/** Parses the header from the first bytes; returns null when more bytes are needed. */
export function parseNpyHeader(bytes: Uint8Array, source: string): NpyHeader | null {
  if (bytes.length < 10) return null;
  if (!MAGIC.every((byte, i) => bytes[i] === byte)) throw headerError(source, 'missing the \\x93NUMPY magic');
  const major = bytes[6] as number;
  if (major < 1 || major > 3) throw headerError(source, `unknown format version ${major}.${bytes[7]}`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let headerLength: number;
  let headerStart: number;
  if (major === 1) {
    headerLength = view.getUint16(8, true);
    headerStart = 10;
  } else {
    if (bytes.length < 12) return null;
    headerLength = view.getUint32(8, true);
    headerStart = 12;
  }
  if (headerLength > 1 << 20) throw headerError(source, `header length ${headerLength} is implausible`);
  if (bytes.length < headerStart + headerLength) return null;
  const text = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(headerStart, headerStart + headerLength));
  const descr = /'descr'\s*:\s*'([^']*)'/.exec(text)?.[1];
  const fortran = /'fortran_order'\s*:\s*(True|False)/.exec(text)?.[1];
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(text)?.[1];
  if (descr === undefined || fortran === undefined || shapeText === undefined) {
    throw headerError(source, `cannot read descr, fortran_order and shape from ${JSON.stringify(text.trim())}`);
  }
  const shape = shapeText
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '')
    .map((part) => {
      if (!/^\d+L?$/.test(part)) throw headerError(source, `bad shape (${shapeText})`);
      return Number.parseInt(part, 10);
    });
  return { dtype: parseDType(descr, source), fortranOrder: fortran === 'True', shape, dataOffset: headerStart + headerLength };
}

function nonFiniteError(source: string, row: number, column: number, value: number): InputError {
  // Rows and columns from 0, as NumPy indexes them and as kl numbers rows everywhere.
  return new InputError('bad-number', `row ${row}, column ${column} (from 0): value ${value} is not finite`, {
    location: { source },
  });
}

const NATIVE_LITTLE_ENDIAN = new Uint8Array(Uint16Array.of(1).buffer)[0] === 1;

function decodeRow(bytes: Uint8Array, dtype: DType, width: number, rowIndex: number, source: string, out = new Float64Array(width)): Float64Array {
  // Native-order float32/float64 in an aligned buffer: a typed-array view and one bulk copy.
  if (dtype.isFloat && dtype.itemSize >= 4 && dtype.littleEndian === NATIVE_LITTLE_ENDIAN && bytes.byteOffset % dtype.itemSize === 0) {
    const view = dtype.itemSize === 4 ? new Float32Array(bytes.buffer, bytes.byteOffset, width) : new Float64Array(bytes.buffer, bytes.byteOffset, width);
    out.set(view);
    for (let j = 0; j < width; j++) {
      const value = out[j] as number;
      if (value !== value || value === Infinity) throw nonFiniteError(source, rowIndex, j, value);
    }
    return out;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const step = dtype.itemSize;
  for (let j = 0, offset = 0; j < width; j++, offset += step) {
    const value = dtype.read(view, offset);
    // −Infinity stays (log 0, for log kinds); NaN and +Infinity are never meaningful.
    if (value !== value || value === Infinity) throw nonFiniteError(source, rowIndex, j, value);
    out[j] = value;
  }
  return out;
}

/**
 * Yields fixed-size records from a byte stream: the bytes in `first`, then the chunks of `rest`.
 * Memory stays at one record plus one chunk: every record is written into the same array,
 * valid until the next one is asked for (a fresh array per row is gigabytes of
 * allocation on a big batch of 32000-wide rows).
 */
async function* records(first: Uint8Array, rest: AsyncIterator<Uint8Array>, recordBytes: number, count: number, source: string): AsyncGenerator<Uint8Array> {
  // The record grows with the bytes that really arrive (up to recordBytes): a header that
  // declares a huge shape in a tiny file must end in "data ends after …", not in an
  // allocation of terabytes.
  let record = new Uint8Array(Math.min(recordBytes, 1 << 20));
  let filled = 0;
  let produced = 0;
  let chunk: Uint8Array | undefined = first;
  while (chunk) {
    let offset = 0;
    while (offset < chunk.length) {
      if (produced === count) {
        throw new InputError('npy-trailing-data', `has more data than its header's shape declares`, { location: { source } });
      }
      const take = Math.min(recordBytes - filled, chunk.length - offset);
      if (filled + take > record.length) {
        const grown = new Uint8Array(Math.min(recordBytes, Math.max(2 * record.length, filled + take)));
        grown.set(record.subarray(0, filled));
        record = grown;
      }
      record.set(chunk.subarray(offset, offset + take), filled);
      filled += take;
      offset += take;
      if (filled === recordBytes) {
        yield record;
        filled = 0;
        produced++;
      }
    }
    let next: IteratorResult<Uint8Array>;
    try {
      next = await rest.next();
    } catch (error) {
      throw fileError(source, error);
    }
    chunk = next.done ? undefined : next.value;
  }
  if (produced < count) {
    throw new InputError('npy-truncated', `data ends after ${produced} of ${count} rows declared by the header (file truncated, or the shape lies)`, {
      location: { source },
    });
  }
}

/** What a header's shape means in bytes of data, checked against the file's size where it is known. */
function checkDataSize(header: NpyHeader, fileSize: number | null, source: string): void {
  if (fileSize === null) return;
  const declared = header.shape.reduce((a, b) => a * b, 1) * header.dtype.itemSize;
  const present = fileSize - header.dataOffset;
  if (declared > present) {
    throw new InputError(
      'npy-truncated',
      `the header declares shape (${header.shape.join(', ')}), ${declared} bytes of data, but the file holds ${Math.max(0, present)} (file truncated, or the shape lies)`,
      {
        location: { source },
      },
    );
  }
}

/** `fileSize`: the size of a regular file, checked against the header before anything is allocated. */
export async function readNpy(chunks: AsyncIterable<Uint8Array>, source: string, fileSize: number | null = null): Promise<RawInput> {
  const iterator = chunks[Symbol.asyncIterator]();
  let head = new Uint8Array(0);
  let header: NpyHeader | null = null;
  while (!header) {
    let next: IteratorResult<Uint8Array>;
    try {
      next = await iterator.next();
    } catch (error) {
      throw fileError(source, error);
    }
    if (next.done) {
      if (head.length === 0) throw new InputError('empty-input', 'is empty', { location: { source } });
      throw headerError(source, 'the file ends inside the header');
    }
    const joined = new Uint8Array(head.length + next.value.length);
    joined.set(head);
    joined.set(next.value, head.length);
    head = joined;
    header = parseNpyHeader(head, source);
  }
  const { dtype, shape, fortranOrder } = header;
  if (shape.length === 0) throw new InputError('npy-shape', 'holds a scalar, not a distribution', { location: { source } });
  checkDataSize(header, fileSize, source);
  const width = shape[shape.length - 1] as number;
  const rowCount = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  if (width === 0 || rowCount === 0) {
    throw new InputError('empty-input', `is empty (shape (${shape.join(', ')}))`, { location: { source } });
  }
  if (fortranOrder && shape.length > 2) {
    throw new InputError('npy-fortran', `Fortran-order arrays with ${shape.length} dimensions are not supported`, {
      location: { source },
      hint: 'save it in C order: np.save(path, np.ascontiguousarray(a))',
    });
  }
  const data = head.subarray(header.dataOffset);

  if (shape.length === 1) {
    let only: Uint8Array | undefined;
    for await (const record of records(data, iterator, width * dtype.itemSize, 1, source)) only = record;
    const values = decodeRow(only as Uint8Array, dtype, width, 0, source);
    return { shape: 'distribution', source, format: 'npy', values, labels: null, lines: null };
  }

  if (fortranOrder) {
    // Column-major: element (r, c) sits at c·rows + r. Read everything, then gather rows.
    let all: Uint8Array | undefined;
    for await (const record of records(data, iterator, rowCount * width * dtype.itemSize, 1, source)) all = record;
    const whole = all as Uint8Array;
    const view = new DataView(whole.buffer, whole.byteOffset, whole.byteLength);
    async function* fortranRows(): AsyncGenerator<RawRow> {
      for (let r = 0; r < rowCount; r++) {
        const values = new Float64Array(width);
        for (let c = 0; c < width; c++) {
          const value = dtype.read(view, (c * rowCount + r) * dtype.itemSize);
          if (value !== value || value === Infinity) throw nonFiniteError(source, r, c, value);
          values[c] = value;
        }
        yield { values, labels: null, line: null };
      }
    }
    return { shape: 'batch', source, format: 'npy', columns: null, width, rows: fortranRows() };
  }

  async function* rows(): AsyncGenerator<RawRow> {
    let index = 0;
    for await (const record of records(data, iterator, width * dtype.itemSize, rowCount, source)) {
      yield { values: decodeRow(record, dtype, width, index, source), labels: null, line: null };
      index++;
    }
  }
  return { shape: 'batch', source, format: 'npy', columns: null, width, rows: rows() };
}

/** Reads and parses the header of an .npy file on disk (the first 64 KiB are plenty). */
export async function readNpyHeaderFromFile(path: string, source: string): Promise<NpyHeader> {
  const { open } = await import('node:fs/promises');
  const handle = await open(path, 'r');
  try {
    const head = new Uint8Array(65536);
    const { bytesRead } = await handle.read(head, 0, head.length, 0);
    const header = parseNpyHeader(head.subarray(0, bytesRead), source);
    if (!header) throw headerError(source, 'the file ends inside the header');
    return header;
  } finally {
    await handle.close();
  }
}

/** The row count and width of a C-order array of two or more dimensions, or null. */
export function npyMatrixShape(header: NpyHeader): { rows: number; width: number; rowBytes: number } | null {
  if (header.fortranOrder || header.shape.length < 2) return null;
  const width = header.shape[header.shape.length - 1] as number;
  const rows = header.shape.slice(0, -1).reduce((a, b) => a * b, 1);
  return { rows, width, rowBytes: width * header.dtype.itemSize };
}

/**
 * Rows [startRow, endRow) of a C-order .npy file as a batch, read from their byte offset:
 * lets two threads work on the two halves of one file. Row numbers in messages are
 * absolute. Each row's values are written into one array, valid until the next row is
 * asked for (its consumer, RowComputer, takes them at once). A worker thread reads synchronously (`synchronous`);
 * the main thread streams, to stay responsive to Ctrl-C.
 */
export function npyRowRange(path: string, source: string, header: NpyHeader, startRow: number, endRow: number, synchronous = false): RawBatch {
  const shape = npyMatrixShape(header);
  if (!shape) throw internalError('npyRowRange needs a C-order matrix');
  const { width, rowBytes } = shape;
  async function* rows(): AsyncGenerator<RawRow> {
    const start = header.dataOffset + startRow * rowBytes;
    const end = start + (endRow - startRow) * rowBytes;
    // 1 MiB chunks: records() copies each at once, so big chunks cost no RSS, and 16× fewer
    // stream reads save time (BENCHMARKS.md).
    const chunks = synchronous ? fileChunks(path, start, end) : createReadStream(path, { start, end: end - 1, highWaterMark: 1 << 20 });
    const iterator = chunks[Symbol.asyncIterator]() as AsyncIterator<Uint8Array>;
    const values = new Float64Array(width);
    let index = startRow;
    try {
      for await (const record of records(new Uint8Array(0), iterator, rowBytes, endRow - startRow, source)) {
        yield { values: decodeRow(record, header.dtype, width, index, source, values), labels: null, line: null };
        index++;
      }
    } finally {
      await iterator.return?.(undefined);
    }
  }
  return { shape: 'batch', source, format: 'npy', columns: null, width, rows: rows() };
}
