/**
 * The numeric CSV fast path's line scanner in WebAssembly (numerals.wat): a line of plain
 * decimal numerals to its values, bit for bit what fast-csv.ts's scanNumber gives, about a
 * third of its time per number; any line with a cell it does not settle is left to the
 * JavaScript scanner (null), which has every fallback and message.
 *
 * A scanner per reader at a time (P's and Q's rows are read in turn: each has its own),
 * taken from a pool and given back when the reader is done, each with a memory of its own
 * (wasm.ts): a buffer of lines is copied in (a 64 KiB chunk, or a chunk and the line it
 * completes), with a newline after it so that no read past a line takes a digit.
 */
import { instantiate } from '../wasm.js';
import binary from './numerals.wat';

interface NumeralExports {
  scanLine(start: number, end: number, width: number, delimiter: number, out: number): number;
}

const INPUT_AT = 256;
/** The most bytes of lines a scanner holds (a longer buffer is read by the JavaScript scanner). */
const INPUT_BYTES = 8 << 20;
const OUTPUT_AT = INPUT_AT + INPUT_BYTES + 16;
/** The widest row it converts. */
const MAX_WIDTH = 1 << 20;

export class LineScanner {
  private readonly bytes: Uint8Array;
  private values: Float64Array;

  private constructor(
    private readonly exports: NumeralExports,
    private readonly memory: WebAssembly.Memory,
  ) {
    this.bytes = new Uint8Array(memory.buffer);
    this.values = new Float64Array(memory.buffer, OUTPUT_AT, 0);
    // 10^0 … 10^22, exact doubles, where numerals.wat reads them.
    const powers = new Float64Array(memory.buffer, 0, 23);
    for (let k = 0; k < 23; k++) powers[k] = 10 ** k;
  }

  private static readonly pool: LineScanner[] = [];
  private static unavailable = false;

  /** A scanner for one reader (give it back with release), or null without WebAssembly. */
  static acquire(): LineScanner | null {
    const spare = LineScanner.pool.pop();
    if (spare || LineScanner.unavailable) return spare ?? null;
    const made = instantiate<NumeralExports>(binary(), OUTPUT_AT + MAX_WIDTH * 8);
    if (!made) LineScanner.unavailable = true;
    return made && new LineScanner(made.exports, made.memory);
  }

  /** Gives a scanner back for the next reader. */
  static release(scanner: LineScanner): void {
    LineScanner.pool.push(scanner);
  }

  /** Makes `buffer` the one lines are scanned from; false when it is too long to hold. */
  load(buffer: Uint8Array): boolean {
    if (buffer.length > INPUT_BYTES) return false;
    this.bytes.set(buffer, INPUT_AT);
    this.bytes[INPUT_AT + buffer.length] = 10;
    return true;
  }

  /**
   * The values of the loaded buffer's line [start, end): `width` numerals separated by
   * `delimiter`, in an array reused by the next call; null when a cell needs the JavaScript
   * scanner (or the row is wider than this scanner takes).
   */
  scan(start: number, end: number, width: number, delimiter: number): Float64Array | null {
    if (width > MAX_WIDTH) return null;
    if (this.exports.scanLine(INPUT_AT + start, INPUT_AT + end, width, delimiter, OUTPUT_AT) === 0) return null;
    if (this.values.length !== width) this.values = new Float64Array(this.memory.buffer, OUTPUT_AT, width);
    return this.values;
  }
}
