import type { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { KlError } from '../../src/errors.js';
import { alignPair } from '../../src/io/align.js';
import { readDelimited } from '../../src/io/delimited.js';
import { sniffFormat } from '../../src/io/detect.js';
import { readJson, readJsonl } from '../../src/io/json-input.js';
import { parseJson } from '../../src/io/json-parse.js';
import { parseCell } from '../../src/io/numbers.js';
import { readInput } from '../../src/io/read.js';
import { readDelimitedRecords } from '../../src/io/streams.js';
import type { ReadOptions } from '../../src/io/types.js';
import { asBatch, asDistribution, collectRows, streamOf } from '../helpers/streams.js';

async function readCsv(text: string, options: Partial<ReadOptions> = {}, delimiter = ',') {
  const records = readDelimitedRecords(streamOf(text), delimiter, 'in.csv');
  return readDelimited(records, { header: 'auto', ...options }, { source: 'in.csv', format: 'csv', columnFlag: '--p-col' });
}

async function errorOf(promise: Promise<unknown>): Promise<KlError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof KlError) return error;
    throw error;
  }
  throw new Error('expected an error');
}

describe('numeric cells', () => {
  it.each([
    ['1', 1],
    ['+1', 1],
    ['1.', 1],
    ['.5', 0.5],
    ['2.5e-3', 0.0025],
    ['1e-400', 0],
    ['-inf', -Infinity],
    ['-Infinity', -Infinity],
  ])('%s is %d', (text, value) => {
    expect(parseCell(text)).toEqual({ ok: true, value });
  });
  it.each([
    ['0x10', 'not-a-number'],
    ['', 'not-a-number'],
    ['1,5', 'not-a-number'],
    ['1e999', 'overflow'],
    ['Infinity', 'not-finite'],
    ['NaN', 'not-finite'],
    ['abc', 'not-a-number'],
  ])('%s is refused (%s)', (text, reason) => {
    expect(parseCell(text)).toMatchObject({ ok: false, reason });
  });
});

describe('CSV layouts', () => {
  it('one column without a header is one positional distribution', async () => {
    const input = asDistribution(await readCsv('0.2\n0.8\n'));
    expect(Array.from(input.values)).toEqual([0.2, 0.8]);
    expect(input.labels).toBeNull();
    expect(Array.from(input.lines ?? [])).toEqual([1, 2]);
  });
  it('one column with a header skips the header', async () => {
    const input = asDistribution(await readCsv('prob\n0.2\n0.8\n'));
    expect(Array.from(input.values)).toEqual([0.2, 0.8]);
    expect(input.labels).toBeNull();
  });
  it('label + value columns, with or without a header, give a labelled distribution', async () => {
    const withHeader = asDistribution(await readCsv('token,p\nthe,0.6\n a ,0.4\n'));
    expect(withHeader.labels).toEqual(['the', ' a ']);
    const withoutHeader = asDistribution(await readCsv('the,0.6\na,0.4\n'));
    expect(withoutHeader.labels).toEqual(['the', 'a']);
    expect(Array.from(withoutHeader.values)).toEqual([0.6, 0.4]);
  });
  it('a single row of numbers is one distribution; a header gives its labels', async () => {
    expect(Array.from(asDistribution(await readCsv('0.1,0.2,0.7\n')).values)).toEqual([0.1, 0.2, 0.7]);
    const labelled = asDistribution(await readCsv('x,y,z\n0.1,0.2,0.7\n'));
    expect(labelled.labels).toEqual(['x', 'y', 'z']);
  });
  it('reads a UTF-8 BOM, CRLF line ends, quoted fields and quoted commas', async () => {
    const input = asDistribution(await readCsv('\uFEFFtoken,p\r\n"a,b",0.5\r\n"say ""hi""",0.5\r\n'));
    expect(input.labels).toEqual(['a,b', 'say "hi"']);
    expect(Array.from(input.values)).toEqual([0.5, 0.5]);
  });
  it('keeps labels that are JavaScript property names', async () => {
    const input = asDistribution(await readCsv('__proto__,0.5\nconstructor,0.25\ntoString,0.25\n'));
    expect(input.labels).toEqual(['__proto__', 'constructor', 'toString']);
  });
  it('reads TSV', async () => {
    const input = asDistribution(await readCsv('w\tc\nred\t3\nblue\t1\n', {}, '\t'));
    expect(input.labels).toEqual(['red', 'blue']);
  });
  it('--p-col picks a column by name or by 1-based position', async () => {
    const text = 'token,a,b\nx,0.1,0.3\ny,0.9,0.7\n';
    const byName = asDistribution(await readCsv(text, { column: 'b' }));
    expect(Array.from(byName.values)).toEqual([0.3, 0.7]);
    expect(byName.labels).toEqual(['x', 'y']);
    expect(byName.source).toBe('in.csv[b]');
    const byIndex = asDistribution(await readCsv(text, { column: '2' }));
    expect(Array.from(byIndex.values)).toEqual([0.1, 0.9]);
  });
  it('several rows of several numbers are a batch', async () => {
    const batch = asBatch(await readCsv('a,b\n0.1,0.9\n0.5,0.5\n0.3,0.7\n'));
    expect(batch.columns).toEqual(['a', 'b']);
    const rows = await collectRows(batch);
    expect(rows.map((row) => Array.from(row.values))).toEqual([
      [0.1, 0.9],
      [0.5, 0.5],
      [0.3, 0.7],
    ]);
    expect(rows.map((row) => row.line)).toEqual([2, 3, 4]);
  });
  it('--no-header reads a non-numeric-looking first row as data (and fails on it)', async () => {
    const error = await errorOf(readCsv('p\n0.5\n0.5\n', { header: 'no' }));
    expect(error.message).toContain('in.csv:1');
  });
});

describe('CSV errors name the file and line', () => {
  it.each([
    ['', 'is empty'],
    ['token,p\n', 'a header with no data rows?'],
    ['0.5\nabc\n', 'in.csv:2'],
    ['0.5\n0x10\n', 'not a number'],
    ['0.5\n1e999\n', 'too large'],
    ['0.5\nNaN\n', 'not finite'],
    ['a,0.5\na,0.5\n', 'duplicate label "a"'],
    ['a,b\n0.1,0.9\n0.5\n', 'inconsistent number of fields'],
    ['a,b\n"x,0.1\n', 'in.csv'],
  ])('%j → %s', async (text, fragment) => {
    const error = await errorOf(readCsv(text));
    expect(error.exitCode).toBe(2);
    expect(error.message).toContain(fragment);
  });
  it('rejects invalid UTF-8', async () => {
    const records = readDelimitedRecords(streamOf(new Uint8Array([0x61, 0x2c, 0xff, 0x0a])), ',', 'in.csv');
    const error = await errorOf(readDelimited(records, { header: 'auto' }, { source: 'in.csv', format: 'csv', columnFlag: '--p-col' }));
    expect(error.message).toContain('UTF-8');
  });
  it('names a missing column and lists the real ones', async () => {
    const error = await errorOf(readCsv('token,a\nx,1\n', { column: 'zzz' }));
    expect(error.message).toContain('"zzz": no such column');
    expect(error.message).toContain('"a"');
  });
});

describe('JSON', () => {
  it('an array of numbers is a positional distribution', async () => {
    const input = asDistribution(await readJson(Buffer.from('[0.25, 0.75]'), 'in.json', 'json'));
    expect(Array.from(input.values)).toEqual([0.25, 0.75]);
    expect(input.labels).toBeNull();
  });
  it('an object is a labelled distribution, in document order, for any key', async () => {
    const input = asDistribution(await readJson(Buffer.from('{"__proto__": 0.5, "constructor": 0.25, "": 0.25}'), 'in.json', 'json'));
    expect(input.labels).toEqual(['__proto__', 'constructor', '']);
  });
  it('an array of arrays or objects is a batch', async () => {
    const rows = await collectRows(asBatch(await readJson(Buffer.from('[[0.5,0.5],{"a":1}]'), 'in.json', 'json')));
    expect(rows[1]?.labels).toEqual(['a']);
  });
  it.each([
    ['{"a": 0.5, "a": 0.5}', 'duplicate key "a"'],
    ['[0.5, "0.5"]', 'expected a number, found a string'],
    ['{"a": [1]}', 'expected a number, found an array'],
    ['"hello"', 'expected an array or an object'],
    ['[0.5, 0.5', 'invalid JSON'],
    ['[1e999]', 'too large'],
    ['[NaN, 1]', 'not finite'],
    ['[]', 'empty array'],
    ['   ', 'is empty'],
    [`${'['.repeat(100_000)}${']'.repeat(100_000)}`, 'nested deeper than 64'],
  ])('%j → %s', async (text, fragment) => {
    const error = await errorOf(readJson(Buffer.from(text), 'in.json', 'json'));
    expect(error.message).toContain(fragment);
    expect(error.message).toContain('in.json');
  });
  it('reports line and column of a syntax error', async () => {
    const error = await errorOf(readJson(Buffer.from('[\n0.5,\n0.5,,\n]'), 'in.json', 'json'));
    expect(error.message).toMatch(/in\.json:3:5/);
  });
  it('the parser keeps -Infinity (log 0) for log kinds', () => {
    expect(parseJson('[-Infinity, 0]')).toEqual([-Infinity, 0]);
  });
});

describe('JSONL', () => {
  it('is rows: one line is a batch of one row, as several lines are a batch; blank lines are skipped', async () => {
    const one = await collectRows(asBatch(await readJsonl(streamOf('{"a":0.5,"b":0.5}\n'), 'in.jsonl', 'jsonl')));
    expect(one.map((row) => row.labels)).toEqual([['a', 'b']]);
    const many = await collectRows(asBatch(await readJsonl(streamOf('[0.5,0.5]\n\n[0.1,0.9]\n'), 'in.jsonl', 'jsonl')));
    expect(many.map((row) => row.line)).toEqual([1, 3]);
  });
  it('names the line of a bad row', async () => {
    const error = await errorOf(collectRows(asBatch(await readJsonl(streamOf('[0.5,0.5]\n[0.1,0.9]\n[0.1,"x"]\n'), 'in.jsonl', 'jsonl'))));
    expect(error.message).toContain('in.jsonl:3');
  });
  it('stopping at a bad row leaves no stray error from the unread rest (invalid UTF-8 there)', async () => {
    // Found by the fuzzer: the UTF-8 check of the unread tail used to fail after the
    // reader had stopped, as an uncaught exception that would crash the process.
    const stray: unknown[] = [];
    const onUncaught = (error: unknown): void => void stray.push(error);
    process.on('uncaughtException', onUncaught);
    try {
      const stdin = (): Readable => streamOf(Buffer.from('0.5\nNaN\xd1', 'latin1'));
      const request = { path: '-', displayName: 'stdin', format: 'jsonl' as const, options: { header: 'auto' as const }, columnFlag: '--p-col' };
      const error = await errorOf(readInput(request, stdin));
      expect(error.message).toContain('stdin:1: $: expected an array or an object, found a number');
      await new Promise((resolve) => setTimeout(resolve, 50));
    } finally {
      process.off('uncaughtException', onUncaught);
    }
    expect(stray).toEqual([]);
  });
});

describe('format sniffing', () => {
  it.each([
    ['[0.5, 0.5]', 'json'],
    ['{"a": 1}', 'json'],
    ['[0.5, 0.5]\n[0.2, 0.8]\n', 'jsonl'],
    ['{\n "a": 1\n}\n', 'json'],
    ['a\tb\n1\t2\n', 'tsv'],
    ['a,b\n1,2\n', 'csv'],
    ['0.5\n0.5\n', 'csv'],
  ])('%j is %s', (text, format) => {
    expect(sniffFormat(Buffer.from(text))).toBe(format);
  });
  it('recognises the .npy magic', () => {
    expect(sniffFormat(Uint8Array.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]))).toBe('npy');
  });
});

describe('alignment', () => {
  const side = (role: 'P' | 'Q', probs: number[], labels: string[] | null) => ({ role, source: `${role}.csv`, probs: Float64Array.from(probs), labels });
  it('labelled inputs align over the union; a missing label is 0', () => {
    const aligned = alignPair(side('P', [0.5, 0.5], ['__proto__', 'b']), side('Q', [0.25, 0.75], ['c', '__proto__']));
    expect(aligned.labels).toEqual(['__proto__', 'b', 'c']);
    expect(Array.from(aligned.p)).toEqual([0.5, 0.5, 0]);
    expect(Array.from(aligned.q)).toEqual([0.75, 0, 0.25]);
  });
  it('positional inputs must have equal lengths', () => {
    expect(() => alignPair(side('P', [1], null), side('Q', [0.5, 0.5], null))).toThrow(/has 1 category but Q \(Q\.csv\) has 2 categories/);
  });
  it('labelled against positional is refused', () => {
    expect(() => alignPair(side('P', [1], ['a']), side('Q', [1], null))).toThrow(/has category labels but Q/);
  });
});
