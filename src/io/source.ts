/**
 * Where input bytes come from: a file path, or `-` for standard input. Standard input is
 * injected (not read from `process.stdin` directly) so tests can drive it.
 */
import { closeSync, createReadStream, fstatSync, openSync, readFileSync, readSync, type Stats } from 'node:fs';
import type { Readable } from 'node:stream';
import { type ErrorCode, InputError } from '../errors.js';
import { npzPartOf } from './npz-path.js';

export const STDIN_PATH = '-';

export type StdinProvider = () => Readable;

export function isStdin(path: string): boolean {
  return path === STDIN_PATH;
}

function describeFsError(error: NodeJS.ErrnoException): string {
  switch (error.code) {
    case 'ENOENT':
      return 'no such file';
    case 'EISDIR':
      return 'is a directory, not a file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    default:
      return error.message;
  }
}

export function fileError(path: string, error: unknown): InputError {
  const code = (error as NodeJS.ErrnoException).code ?? 'EIO';
  return new InputError(`file-${code.toLowerCase()}`, describeFsError(error as NodeJS.ErrnoException), {
    location: { source: path },
    cause: error,
  });
}

/**
 * Files are read in 64 KiB chunks (streams here, workers' synchronous reads in
 * file-chunks.ts): large enough for throughput, small enough that dead chunks awaiting GC
 * do not inflate RSS (1 MiB chunks doubled peak RSS (figures: BENCHMARKS.md, "Why the code is as it is")).
 */
export const CHUNK_BYTES = 1 << 16;

function directoryError(): Error {
  return Object.assign(new Error('is a directory'), { code: 'EISDIR' });
}

/**
 * Opens a file for reading; a missing file or a directory is reported as such, up front,
 * under `sourceName` (the path unless said).
 */
export function openFile(path: string, sourceName = path): { fd: number; info: Stats } {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (error) {
    throw fileError(sourceName, error);
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw directoryError();
    return { fd, info };
  } catch (error) {
    closeSync(fd);
    throw fileError(sourceName, error);
  }
}

/** An input whose first chunk has been read: enough to sniff its format or choose a reader. */
export interface OpenedInput {
  /** The first chunk (empty for an empty input); the whole input when `whole` is true. */
  head: Buffer;
  /** True when `head` is the entire input. */
  whole: boolean;
  /** The size of a regular file, in bytes; null for stdin, pipes and devices. */
  fileSize: number | null;
  /** The chunks after `head` (none when `whole`). */
  rest: AsyncIterator<Buffer>;
  /** Every chunk from byte 0: `head`, then `rest` (use this or `rest`, not both). */
  chunks(): AsyncGenerator<Buffer>;
  /** Stops reading: the caller reads the file another way. */
  close(): void;
}

const NO_MORE_CHUNKS: AsyncIterator<Buffer> = { next: async () => ({ done: true, value: undefined }) };

function opened(head: Buffer, rest: AsyncIterator<Buffer>, whole: boolean, fileSize: number | null, close: () => void): OpenedInput {
  return {
    head,
    whole,
    fileSize,
    rest,
    async *chunks() {
      if (head.length > 0) yield head;
      for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
    },
    close,
  };
}

/**
 * The input with each chunk passed through `transform` (which may keep state from chunk to
 * chunk; `flush` gives what it holds back at the end). The size no longer says anything
 * about the bytes: fileSize is null, so nothing reads the file by offsets behind it.
 */
export function transformedInput(input: OpenedInput, transform: (chunk: Buffer) => Buffer, flush: () => Buffer): OpenedInput {
  let flushed = false;
  const rest: AsyncIterator<Buffer> = {
    next: async () => {
      const next = await input.rest.next();
      if (!next.done) return { done: false, value: transform(next.value) };
      if (flushed) return next;
      flushed = true;
      return { done: false, value: flush() };
    },
    return: async () => (await input.rest.return?.()) ?? { done: true, value: undefined },
  };
  const head = transform(input.head);
  if (input.whole) return opened(Buffer.concat([head, flush()]), NO_MORE_CHUNKS, true, null, input.close);
  return opened(head, rest, false, null, input.close);
}

/** Pulls the first chunk of a stream without losing it. */
async function openedStream(stream: Readable, fileSize: number | null, sourceName: string): Promise<OpenedInput> {
  const rest = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let first: IteratorResult<Buffer>;
  try {
    first = await rest.next();
  } catch (error) {
    throw fileError(sourceName, error);
  }
  const head: Buffer = first.done ? Buffer.alloc(0) : Buffer.from(first.value);
  return opened(head, rest, first.done === true, fileSize, () => stream.destroy());
}

/**
 * Opens an input and reads its first chunk. A regular file that fits in one chunk is read
 * whole, synchronously: for the tiny inputs of a script calling kl in a loop, the stream
 * machinery and its thread-pool round trips cost more than the work itself.
 */
export async function openAndPeek(path: string, stdin: StdinProvider): Promise<OpenedInput> {
  const raw = await openRaw(path, stdin);
  return isGzip(raw.head) ? gunzipped(raw, isStdin(path) ? 'stdin' : path) : raw;
}

async function openRaw(path: string, stdin: StdinProvider): Promise<OpenedInput> {
  if (isStdin(path)) return openedStream(stdin(), null, 'stdin');
  if (npzPartOf(path)) {
    const member = await (await import('./npz.js')).openNpzMember(path);
    return decodedInput(member, path, 'invalid-npz', 'is not a valid .npz archive', () => member.destroy());
  }
  const { fd, info } = openFile(path);
  if (!info.isFile() || info.size > CHUNK_BYTES) {
    return openedStream(createReadStream(path, { fd, highWaterMark: CHUNK_BYTES }), info.isFile() ? info.size : null, path);
  }
  try {
    const bytes = readFileSync(fd);
    return opened(bytes, NO_MORE_CHUNKS, true, bytes.length, () => undefined);
  } catch (error) {
    throw fileError(path, error);
  } finally {
    closeSync(fd);
  }
}

/** gzip's magic bytes (RFC 1952): any input that starts with them is decompressed as it is read. */
function isGzip(head: Uint8Array): boolean {
  return head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b;
}

/**
 * Whether a file is gzip-compressed (false for stdin and for what cannot be read: the
 * reader says why). The paths that read a file by byte offsets (parallel segments, .npy
 * halves, --shard) need the file as it is, so they leave compressed files to the stream.
 */
export function isGzipFile(path: string): boolean {
  if (isStdin(path)) return false;
  let fd: number | null = null;
  try {
    fd = openSync(path, 'r');
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && isGzip(head);
  } catch {
    return false;
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

/**
 * Whether an input's bytes are the file's own, so that it can be read by byte offsets (the
 * parallel segments and halves, a row count from an .npy header): not stdin, not an .npz
 * member, not gzip.
 */
export function readsByOffset(path: string): boolean {
  return !isStdin(path) && npzPartOf(path) === null && !isGzipFile(path);
}

/** The decompressed input, streamed (its size is unknown: fileSize null). */
async function gunzipped(input: OpenedInput, sourceName: string): Promise<OpenedInput> {
  const { createGunzip } = await import('node:zlib');
  const { Readable } = await import('node:stream');
  const gunzip = createGunzip();
  const compressed = Readable.from(input.chunks());
  compressed.on('error', (error) => gunzip.destroy(error));
  compressed.pipe(gunzip);
  return decodedInput(gunzip, sourceName, 'invalid-gzip', 'is not a valid gzip file', () => {
    gunzip.destroy();
    input.close();
  });
}

/**
 * A decoded stream (a decompressor, an archive member) as an input of unknown size. What
 * goes wrong in it, at the first read or any later one, is the input's fault (`code`,
 * `what: …`), never an internal error.
 */
async function decodedInput(stream: Readable, sourceName: string, code: ErrorCode, what: string, close: () => void): Promise<OpenedInput> {
  const invalid = (error: unknown) =>
    error instanceof InputError
      ? error
      : new InputError(code, `${what}: ${error instanceof Error ? error.message : String(error)}`, { location: { source: sourceName } });
  let decoded: OpenedInput;
  try {
    decoded = await openedStream(stream, null, sourceName);
  } catch (error) {
    throw invalid(error);
  }
  const rest: AsyncIterator<Buffer> = {
    next: async () => {
      try {
        return await decoded.rest.next();
      } catch (error) {
        throw invalid(error);
      }
    },
    return: async () => (await decoded.rest.return?.()) ?? { done: true, value: undefined },
  };
  return opened(decoded.head, rest, decoded.whole, null, close);
}

/** The input's bytes as a stream, decompressed when it is gzip. */
export async function openDecoded(path: string, stdin: StdinProvider): Promise<Readable> {
  const { Readable } = await import('node:stream');
  return Readable.from((await openAndPeek(path, stdin)).chunks());
}

/** The error for a NUL byte in a text input: binary data, refused at the first such byte. */
function nulByte(sourceName: string, offset: number): InputError {
  return new InputError('binary-input', `byte ${offset} is a NUL byte: this is binary data, not text`, { location: { source: sourceName } });
}

/**
 * The input with every chunk checked for NUL bytes as it is read, so that binary data
 * (`/dev/zero`, a file of zeros) is refused at its first NUL instead of being parsed as
 * one endless line. `indexOf(0)` is a memchr: nothing measurable on big inputs.
 */
export function rejectNulBytes(input: OpenedInput, sourceName: string): OpenedInput {
  const first = input.head.indexOf(0);
  if (first >= 0) {
    input.close();
    throw nulByte(sourceName, first);
  }
  let offset = input.head.length;
  const rest: AsyncIterator<Buffer> = {
    next: async () => {
      const next = await input.rest.next();
      if (!next.done) {
        const at = next.value.indexOf(0);
        if (at >= 0) {
          input.close();
          throw nulByte(sourceName, offset + at);
        }
        offset += next.value.length;
      }
      return next;
    },
    return: async () => (await input.rest.return?.()) ?? { done: true, value: undefined },
  };
  return opened(input.head, rest, input.whole, input.fileSize, input.close);
}

const NEWLINE = 0x0a;

function isBlank(byte: number): boolean {
  return byte === 0x20 || byte === 0x09 || byte === 0x0a || byte === 0x0d;
}

/**
 * Reads on until the head holds the first non-blank line whole and the first non-blank
 * byte after it (or the whole input), so that sniffing a format sees the same bytes however
 * a pipe happened to cut the writes (a producer's first write may end mid-line). Binary
 * input (a NUL byte) stops the reading at once: it can be no text format.
 */
export async function peekFirstLine(input: OpenedInput, sourceName: string): Promise<OpenedInput> {
  // 0: blanks before the first line; 1: in the first line; 2: blanks after it; 3: enough.
  let phase = 0;
  const scan = (chunk: Buffer): void => {
    if (chunk.indexOf(0) >= 0) {
      phase = 3;
      return;
    }
    for (let i = 0; i < chunk.length && phase < 3; i++) {
      const byte = chunk[i] as number;
      if (phase === 0 && !isBlank(byte)) phase = 1;
      else if (phase === 1 && byte === NEWLINE) phase = 2;
      else if (phase === 2 && !isBlank(byte)) phase = 3;
    }
  };
  scan(input.head);
  if (input.whole || phase === 3) return input;
  const parts: Buffer[] = [input.head];
  let whole = false;
  while (!whole && phase < 3) {
    let next: IteratorResult<Buffer>;
    try {
      next = await input.rest.next();
    } catch (error) {
      throw fileError(sourceName, error);
    }
    if (next.done) whole = true;
    else {
      parts.push(next.value);
      scan(next.value);
    }
  }
  return opened(Buffer.concat(parts), whole ? NO_MORE_CHUNKS : input.rest, whole, input.fileSize, input.close);
}

/** Reads a whole input into memory: for formats that must see everything (JSON). */
export async function readAllBytes(stream: AsyncIterable<Uint8Array | string>, sourceName: string): Promise<Buffer> {
  const chunks: Uint8Array[] = [];
  try {
    for await (const chunk of stream) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  } catch (error) {
    throw fileError(sourceName, error);
  }
  return Buffer.concat(chunks);
}

/** Decodes UTF-8 strictly (a stray Latin-1 byte is an error, not U+FFFD), dropping a BOM. */
export function decodeUtf8(bytes: Uint8Array, sourceName: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw invalidUtf8(sourceName);
  }
}

/** The error for bytes that are not UTF-8, whole or streamed (streams.ts). */
export function invalidUtf8(sourceName: string): InputError {
  return new InputError('invalid-utf8', 'is not valid UTF-8 text', { location: { source: sourceName } });
}

/**
 * Byte ranges of a file read as one input (a --shard part: the header, then the shard's
 * rows): the readers take it as they take a file. Its size is not given (null), so no
 * reader reads the file another way.
 */
export async function openFileRanges(path: string, sourceName: string, ranges: readonly { start: number; end: number }[]): Promise<OpenedInput> {
  const { Readable } = await import('node:stream');
  async function* chunks(): AsyncGenerator<Buffer> {
    for (const { start, end } of ranges) {
      if (end <= start) continue;
      for await (const chunk of createReadStream(path, { start, end: end - 1, highWaterMark: CHUNK_BYTES })) yield chunk as Buffer;
    }
  }
  return openedStream(Readable.from(chunks(), { objectMode: false }), null, sourceName);
}
