/**
 * A file's bytes for a worker thread, read synchronously: a worker has nothing else to do
 * while it waits for the disk, and an fs stream costs allocation, event-loop hops and
 * peak RSS in chunks that only a later garbage collection frees (figures: BENCHMARKS.md, "Why the code is as it is"). (The main thread keeps streams: it must stay responsive to Ctrl-C.)
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { CHUNK_BYTES } from './source.js';

/**
 * Bytes [start, end) of a file (to its end when `end` is omitted), in chunks read into two
 * alternating arrays: a chunk stays valid until the one after next is read, as fastRows
 * allows.
 */
export async function* fileChunks(path: string, start: number, end = Infinity): AsyncGenerator<Buffer> {
  const fd = openSync(path, 'r');
  let buffer = takeBuffer();
  let spare = takeBuffer();
  try {
    for (let position = start; position < end; ) {
      [buffer, spare] = [spare, buffer];
      const read = readSync(fd, buffer, 0, Math.min(CHUNK_BYTES, end - position), position);
      if (read === 0) return;
      position += read;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
    released.push(buffer, spare);
  }
}

/**
 * Read buffers, reused by the next range this thread reads once a range is done (its
 * reader has taken every row by then): a worker reads hundreds of ranges, and fresh
 * buffers are memory outside the JavaScript heap that only a later collection returns.
 */
const released: Buffer[] = [];

function takeBuffer(): Buffer {
  return released.pop() ?? Buffer.allocUnsafeSlow(CHUNK_BYTES);
}
