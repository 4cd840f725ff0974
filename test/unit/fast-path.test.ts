/**
 * The numeric CSV fast path must give exactly what the general (csv-parse) path gives:
 * the same doubles, bit for bit, and the same errors.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { KlError } from '../../src/errors.js';
import { readDelimited } from '../../src/io/delimited.js';
import { fastBatch, fastNumber, fastPathEligible } from '../../src/io/fast-csv.js';
import { LineScanner } from '../../src/io/numerals-wasm.js';
import { readDelimitedRecords } from '../../src/io/streams.js';
import { asBatch, collectRows, streamOf } from '../helpers/streams.js';

/** Numerals in the many spellings real files use. */
const numeral = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }).map(String),
  fc.double({ min: -1e30, max: 1e30, noNaN: true }).map((x) => x.toPrecision(9)),
  fc.double({ min: 0, max: 1, noNaN: true }).map((x) => x.toExponential(8)),
  fc.tuple(fc.integer({ min: 0, max: 99999 }), fc.integer({ min: 0, max: 99999999 }), fc.integer({ min: -40, max: 40 })).map(([a, b, e]) => `${a}.${b}e${e}`),
  // More than 15 significant digits (np.savetxt's `%.17g`, repr), and exponents past ±22.
  fc.double({ min: -1e30, max: 1e30, noNaN: true }).map((x) => x.toPrecision(17)),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((x) => x.toExponential(18)),
  fc.tuple(fc.bigInt({ min: 0n, max: 10n ** 22n }), fc.integer({ min: -340, max: 320 })).map(([m, e]) => `${m}e${e}`),
  fc.constantFrom(
    '+1',
    '1.',
    '.5',
    '007',
    '0.000',
    '-0',
    '1e-400',
    '1e309',
    '-12345678901234567e300',
    '1234567890123456789e-400',
    '0.10000000000000000555',
    '9007199254740993',
    '123456789012345678',
    '0.1234567890123456789',
    ' 0.5',
    '0.5 ',
    'inf',
    '-inf',
    'NaN',
    'abc',
    '',
    '1e',
    '--1',
    '1.2.3',
    '0x10',
  ),
);

async function viaGeneralPath(text: string): Promise<number[][] | string> {
  try {
    const records = readDelimitedRecords(streamOf(text), ',', 'f.csv');
    // The fast path reads a plain numeric batch: no label column (a first column of 0 and 1
    // would otherwise be refused as a possible index, where the CLI never takes the fast path).
    const input = await readDelimited(records, { header: 'no', labelColumn: false }, { source: 'f.csv', format: 'csv', columnFlag: '--p-col' });
    return (await collectRows(asBatch(input))).map((row) => Array.from(row.values));
  } catch (error) {
    if (error instanceof KlError) return error.message;
    throw error;
  }
}

async function viaFastPath(text: string, width: number, chunkSize: number): Promise<number[][] | string> {
  const bytes = Buffer.from(text, 'latin1');
  const chunks: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += chunkSize) chunks.push(bytes.subarray(i, i + chunkSize));
  const rest = (async function* () {
    yield* chunks.slice(1);
  })();
  try {
    const batch = fastBatch(chunks[0] ?? Buffer.alloc(0), rest, { source: 'f.csv', format: 'csv', delimiter: 44, columns: null, width, firstLine: 1 });
    return (await collectRows(batch)).map((row) => Array.from(row.values));
  } catch (error) {
    if (error instanceof KlError) return error.message;
    throw error;
  }
}

describe('fast path = general path', () => {
  it('fastNumber agrees with Number() wherever it answers, bit for bit', () => {
    fc.assert(
      fc.property(numeral, (text) => {
        const bytes = Buffer.from(text, 'latin1');
        const fast = fastNumber(bytes, 0, bytes.length);
        if (Number.isNaN(fast)) return true; // deferred to the general parser
        return Object.is(fast, Number(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('fastNumber answers for long numerals too (`%.17g`, exponents past ±22), as Number() does', () => {
    const long = fc.oneof(
      fc.double({ min: 1e-300, max: 1e300, noNaN: true }).map((x) => x.toPrecision(17)),
      fc.tuple(fc.bigInt({ min: 10n ** 15n, max: 10n ** 19n }), fc.integer({ min: -300, max: 280 })).map(([m, e]) => `${m}e${e}`),
    );
    fc.assert(
      fc.property(long, (text) => {
        const bytes = Buffer.from(text, 'latin1');
        return Object.is(fastNumber(bytes, 0, bytes.length), Number(text));
      }),
      { numRuns: 5000 },
    );
  });

  it('random numeric tables read the same through both paths, in any chunking', async () => {
    // The fast path is only chosen when the first two rows are plain numbers (that decides the
    // layout); every later cell may be anything.
    const plain = fc.double({ min: 0, max: 1, noNaN: true }).map(String);
    const table = fc
      .tuple(fc.integer({ min: 0, max: 5 }), fc.integer({ min: 2, max: 5 }))
      .chain(([rows, width]) =>
        fc.tuple(
          fc.constant(width),
          fc.array(fc.array(plain, { minLength: width, maxLength: width }), { minLength: 2, maxLength: 2 }),
          fc.array(fc.array(numeral, { minLength: width, maxLength: width }), { minLength: rows, maxLength: rows }),
        ),
      )
      .map(([width, first, rest]) => [width, [...first, ...rest]] as const);
    await fc.assert(
      fc.asyncProperty(table, fc.integer({ min: 1, max: 64 }), async ([width, rows], chunkSize) => {
        const text = `${rows.map((row) => row.join(',')).join('\n')}\n`;
        const general = await viaGeneralPath(text);
        const fast = await viaFastPath(text, width, chunkSize);
        expect(fast).toEqual(general);
      }),
      { numRuns: 300 },
    );
  });

  it('a quote later in the file hands over to csv-parse with the same result', async () => {
    const text = '0.5,0.5\n0.25,0.75\n"0.1",0.9\n0.3,0.7\n';
    expect(await viaFastPath(text, 2, 8)).toEqual(await viaGeneralPath(text));
  });

  it('ragged rows give the same message', async () => {
    const text = '0.5,0.5\n0.25,0.75,0.1\n';
    const fast = await viaFastPath(text, 2, 1024);
    expect(typeof fast).toBe('string');
    expect(fast).toEqual(await viaGeneralPath(text));
  });

  it('only plain bytes are eligible: no BOM, quotes, CR or NUL', () => {
    expect(fastPathEligible(Buffer.from('0.5,0.5\n'))).toBe(true);
    for (const text of ['\uFEFF0.5\n', '"a",1\n', '0.5\r\n', '0.5\u0000\n']) expect(fastPathEligible(Buffer.from(text))).toBe(false);
  });
});

describe('the WebAssembly line scanner = the JavaScript scanner', () => {
  it('converts every line it takes bit for bit as fastNumber (and Number()) does, and takes plain %.9g lines', () => {
    const scanner = LineScanner.acquire() as LineScanner;
    expect(scanner).not.toBeNull();
    try {
      fc.assert(
        fc.property(fc.array(numeral, { minLength: 1, maxLength: 12 }), fc.constantFrom(',', '\t'), (cells, delimiter) => {
          const line = Buffer.from(cells.join(delimiter), 'latin1');
          // Bytes after the line, as in a chunk: the next line's digits must not be read.
          scanner.load(Buffer.concat([line, Buffer.from('\n123456789')]));
          const values = scanner.scan(0, line.length, cells.length, delimiter.charCodeAt(0));
          if (values === null) return true;
          return cells.every((cell, j) => Object.is(values[j], fastNumber(Buffer.from(cell, 'latin1'), 0, cell.length)) && Object.is(values[j], Number(cell)));
        }),
        { numRuns: 5000 },
      );
      // %.9g of values whose power of ten stays within ±22 (1e-12 … 1e12): the fast path's domain.
      const magnitude = fc.oneof(fc.double({ min: 1e-12, max: 1e12, noNaN: true }), fc.constant(0));
      const plain = fc.array(
        fc.tuple(magnitude, fc.boolean()).map(([x, negative]) => (negative ? -x : x).toPrecision(9)),
        { minLength: 1, maxLength: 50 },
      );
      fc.assert(
        fc.property(plain, (cells) => {
          const line = Buffer.from(cells.join(','), 'latin1');
          scanner.load(line);
          const values = scanner.scan(0, line.length, cells.length, 44);
          return values !== null && cells.every((cell, j) => Object.is(values[j], Number(cell)));
        }),
        { numRuns: 2000 },
      );
      // A line with more or fewer cells than the width, or an empty cell: left to the JavaScript scanner.
      scanner.load(Buffer.from('0.5,0.25,0.25'));
      expect(scanner.scan(0, 13, 2, 44)).toBeNull();
      expect(scanner.scan(0, 13, 4, 44)).toBeNull();
      scanner.load(Buffer.from('0.5,,0.25'));
      expect(scanner.scan(0, 9, 3, 44)).toBeNull();
    } finally {
      LineScanner.release(scanner);
    }
  });

  it('P and Q read in turn, each with its own scanner, give the rows each gives alone', async () => {
    const table = (seed: number) =>
      Array.from({ length: 40 }, (_, r) => Array.from({ length: 30 }, (_, c) => (((r * 31 + c * 17 + seed) % 97) / 997 + 1e-4).toPrecision(9)).join(',')).join(
        '\n',
      );
    const batchOf = (text: string) => {
      const bytes = Buffer.from(text, 'latin1');
      const chunks = Array.from({ length: Math.ceil(bytes.length / 1000) }, (_, i) => bytes.subarray(i * 1000, i * 1000 + 1000));
      return fastBatch(
        chunks[0] as Buffer,
        (async function* () {
          yield* chunks.slice(1);
        })(),
        { source: 'f.csv', format: 'csv', delimiter: 44, columns: null, width: 30, firstLine: 1 },
      );
    };
    const alone = async (text: string) => (await collectRows(batchOf(text))).map((row) => Array.from(row.values));
    const p = batchOf(table(1));
    const q = batchOf(table(2));
    const pRows = p.rows[Symbol.asyncIterator]();
    const qRows = q.rows[Symbol.asyncIterator]();
    const inTurn: [number[][], number[][]] = [[], []];
    for (;;) {
      const [pNext, qNext] = await Promise.all([pRows.next(), qRows.next()]);
      if (pNext.done || qNext.done) break;
      inTurn[0].push(Array.from(pNext.value.values));
      inTurn[1].push(Array.from(qNext.value.values));
    }
    expect(inTurn).toEqual([await alone(table(1)), await alone(table(2))]);
  });
});

describe('one numeric column: the fast column scanner = the general path', () => {
  it('random columns (headers, blank lines, padding, long and malformed numerals) give the same output and exit code', async () => {
    const { runInProcess } = await import('../helpers/in-process.js');
    const path = join(mkdtempSync(join(tmpdir(), 'kl-column-')), 'column.csv');
    const cell = fc.oneof(fc.double({ min: 0, max: 1, noNaN: true }).map(String), numeral, fc.constant(''));
    const column = fc.tuple(fc.constantFrom('', 'p\n', 'prob ability\n', '0x10\n', ' \n'), fc.array(cell, { minLength: 0, maxLength: 8 }), fc.boolean());
    await fc.assert(
      fc.asyncProperty(column, fc.constantFrom([], ['--header'], ['--no-header'], ['--layout', 'distribution']), async ([head, cells, newline], flags) => {
        const text = `${head}${cells.join('\n')}${newline ? '\n' : ''}`;
        // A file: the scanner reads files it can size (stdin streams through csv-parse).
        writeFileSync(path, Buffer.from(text, 'latin1'));
        const args = ['entropy', path, '--format', 'json', ...flags];
        const fast = await runInProcess(args, undefined, { SOURCE_DATE_EPOCH: '0' });
        const general = await runInProcess(args, undefined, { SOURCE_DATE_EPOCH: '0', KL_NO_FAST_PATH: '1' });
        expect(fast.status).toBe(general.status);
        expect(fast.stdout).toBe(general.stdout);
        expect(fast.stderr).toBe(general.stderr);
      }),
      { numRuns: 400 },
    );
  });
});
