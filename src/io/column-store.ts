/**
 * Where the numbers of a table's columns wait between reading and measuring (`kl drift`).
 *
 * Measures such as KS and Wasserstein need every value of a column, sorted, but only one
 * column at a time. Values are appended in blocks; once the blocks held in memory pass a
 * budget, full blocks go to one temporary file (unlinked as soon as it is opened, so that
 * nothing is left behind whatever happens to the process) and come back one column at a
 * time. Small inputs never touch the disk.
 */
import { closeSync, openSync, readSync, unlinkSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Values per block: 64 KiB. */
const BLOCK_VALUES = 8192;
/** Values in a column's first block: 4 KiB. */
const FIRST_BLOCK_VALUES = 512;
/** Bytes of blocks held in memory before they go to disk. */
export const DEFAULT_MEMORY_BUDGET = 64 * 1024 * 1024;

interface SpilledBlock {
  offset: number;
  length: number;
}

/** The temporary file and the memory budget shared by every column of a run. */
export class ColumnSpill {
  private fd: number | null = null;
  private size = 0;
  heldBytes = 0;

  constructor(readonly budget: number = DEFAULT_MEMORY_BUDGET) {}

  /** Whether another block may stay in memory. */
  roomFor(bytes: number): boolean {
    return this.heldBytes + bytes <= this.budget;
  }

  write(block: Float64Array): SpilledBlock {
    if (this.fd === null) {
      const path = join(tmpdir(), `kl-columns-${process.pid}-${Date.now().toString(36)}-${Math.random().toString(36).slice(2)}`);
      this.fd = openSync(path, 'wx+', 0o600);
      // The open descriptor keeps the data; the name goes at once (POSIX).
      try {
        unlinkSync(path);
      } catch {
        // A system that cannot unlink an open file: close() removes nothing then; tmpdir does.
      }
    }
    const bytes = new Uint8Array(block.buffer, block.byteOffset, block.byteLength);
    const offset = this.size;
    let written = 0;
    while (written < bytes.length) written += writeSync(this.fd, bytes, written, bytes.length - written, offset + written);
    this.size += bytes.length;
    return { offset, length: block.length };
  }

  read(block: SpilledBlock, into: Float64Array, at: number): void {
    const bytes = new Uint8Array(into.buffer, into.byteOffset + at * 8, block.length * 8);
    let read = 0;
    while (read < bytes.length) {
      const got = readSync(this.fd as number, bytes, read, bytes.length - read, block.offset + read);
      if (got === 0) throw new Error('temporary column file ended early');
      read += got;
    }
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}

/** One column's numbers, appended as read, returned whole (in reading order). */
export class ColumnValues {
  private readonly blocks: (Float64Array | SpilledBlock)[] = [];
  /** Empty until the first value: a table with many sparse columns (JSONL keys) costs little. */
  private current = new Float64Array(0);
  private filled = 0;
  private total = 0;

  constructor(private readonly spill: ColumnSpill) {}

  get length(): number {
    return this.total;
  }

  push(value: number): void {
    if (this.filled === this.current.length) this.grow();
    this.current[this.filled++] = value;
    this.total++;
  }

  /** A column's first block is small (FIRST_BLOCK_VALUES); once it fills, blocks are BLOCK_VALUES long. */
  private grow(): void {
    if (this.current.length === 0) {
      this.current = new Float64Array(FIRST_BLOCK_VALUES);
      this.spill.heldBytes += this.current.byteLength;
      return;
    }
    this.seal();
  }

  private seal(): void {
    // The full block was counted when it was made; it stays counted while it stays in memory.
    if (this.spill.roomFor(0)) {
      this.blocks.push(this.current);
    } else {
      this.blocks.push(this.spill.write(this.current));
      this.spill.heldBytes -= this.current.byteLength;
    }
    this.current = new Float64Array(BLOCK_VALUES);
    this.spill.heldBytes += this.current.byteLength;
    this.filled = 0;
  }

  /**
   * Every value in one array (`into`'s first values when it is long enough: one buffer
   * serves column after column); the store's blocks are released.
   */
  take(into?: Float64Array): Float64Array {
    const out = into && into.length >= this.total ? into.subarray(0, this.total) : new Float64Array(this.total);
    let at = 0;
    for (const block of this.blocks) {
      if (block instanceof Float64Array) {
        out.set(block, at);
        this.spill.heldBytes -= block.byteLength;
        at += block.length;
      } else {
        this.spill.read(block, out, at);
        at += block.length;
      }
    }
    out.set(this.current.subarray(0, this.filled), at);
    this.spill.heldBytes -= this.current.byteLength;
    this.blocks.length = 0;
    this.current = new Float64Array(0);
    this.filled = 0;
    return out;
  }
}
