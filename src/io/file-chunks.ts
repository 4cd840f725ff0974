/**
 * A file's bytes for a worker thread, read synchronously: a worker has nothing else to do
 * while it waits for the disk, and an fs stream costs ~150 ms of allocation and event-loop
 * hops per 140 MB, and tens of MB of peak RSS in chunks that only a later garbage
 * collection frees. (The main thread keeps streams: it must stay responsive to Ctrl-C.)
 */
import { closeSync, openSync, readSync } from 'node:fs';

const CHUNK_BYTES = 1 << 16;

/**
 * Bytes [start, end) of a file (to its end when `end` is omitted), in chunks read into two
 * alternating arrays: a chunk stays valid until the one after next is read, as fastRows
 * allows.
 */
export async function* fileChunks(path: string, start: number, end = Infinity): AsyncGenerator<Buffer> {
  const fd = openSync(path, 'r');
  try {
    let buffer = Buffer.allocUnsafe(CHUNK_BYTES);
    let spare = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let position = start; position < end; ) {
      [buffer, spare] = [spare, buffer];
      const read = readSync(fd, buffer, 0, Math.min(CHUNK_BYTES, end - position), position);
      if (read === 0) return;
      position += read;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}
