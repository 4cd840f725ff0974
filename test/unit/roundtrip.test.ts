/**
 * Parser round-trips: random distributions (values and arbitrary labels) written in every
 * supported format and read back give exactly the same values and labels.
 */
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { readDelimited } from '../../src/io/delimited.js';
import { readJson, readJsonl } from '../../src/io/json-input.js';
import { readNpy } from '../../src/io/npy.js';
import { readDelimitedRecords } from '../../src/io/streams.js';
import type { RawInput } from '../../src/io/types.js';
import { collectRows, streamOf } from '../helpers/streams.js';

const value = fc.oneof(
  fc.double({ min: 0, max: 1, noNaN: true }),
  fc.double({ min: 0, max: 1e300, noNaN: true }),
  fc.constantFrom(0, 5e-324, 2.2250738585072014e-308, 1, 0.1, 1 / 3),
);
/** Labels are model tokens: any string, including property names, quotes, commas, newlines. */
const label = fc.oneof(
  fc.string({ maxLength: 12 }),
  fc.constantFrom('__proto__', 'constructor', 'toString', 'hasOwnProperty', ' the', 'a,b', 'say "hi"', 'line\nbreak', '\t', ''),
  fc.string({ unit: 'grapheme', maxLength: 6 }),
);
const labelled = fc
  .uniqueArray(label, { minLength: 1, maxLength: 30 })
  .chain((labels) => fc.tuple(fc.constant(labels), fc.array(value, { minLength: labels.length, maxLength: labels.length })));
const positional = fc.array(value, { minLength: 1, maxLength: 50 });
const batch = fc
  .tuple(fc.integer({ min: 2, max: 6 }), fc.integer({ min: 2, max: 8 }))
  .chain(([rows, columns]) => fc.array(fc.array(value, { minLength: columns, maxLength: columns }), { minLength: rows, maxLength: rows }));

function csvField(text: string, delimiter: string): string {
  return /["\r\n]/.test(text) || text.includes(delimiter) ? `"${text.replace(/"/g, '""')}"` : text;
}

function sameNumbers(actual: ArrayLike<number>, expected: readonly number[]): boolean {
  if (actual.length !== expected.length) return false;
  for (let i = 0; i < expected.length; i++) if (!Object.is(actual[i], expected[i])) return false;
  return true;
}

async function delimited(text: string, delimiter: string, labelColumn?: string | false): Promise<RawInput> {
  const records = readDelimitedRecords(streamOf(text), delimiter, 'rt');
  return readDelimited(
    records,
    { header: 'auto', ...(labelColumn === undefined ? {} : { labelColumn }) },
    { source: 'rt', format: delimiter === ',' ? 'csv' : 'tsv', columnFlag: '--p-col' },
  );
}

function npyBytes(values: readonly number[], shape: number[]): Uint8Array {
  let header = `{'descr': '<f8', 'fortran_order': False, 'shape': (${shape.join(', ')}${shape.length === 1 ? ',' : ''}), }`;
  header = `${header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, ' ')}\n`;
  const out = new Uint8Array(10 + header.length + values.length * 8);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(Buffer.from(header, 'latin1'), 10);
  new Float64Array(out.buffer, 10 + header.length).set(values);
  return out;
}

describe('round-trips through every format', () => {
  for (const delimiter of [',', '\t']) {
    const name = delimiter === ',' ? 'CSV' : 'TSV';
    it(`${name}: labelled distribution (label column + header)`, async () => {
      await fc.assert(
        fc.asyncProperty(labelled, async ([labels, values]) => {
          const text = `label${delimiter}p\n${labels.map((l, i) => `${csvField(l, delimiter)}${delimiter}${values[i]}`).join('\n')}\n`;
          const input = await delimited(text, delimiter, '1');
          return input.shape === 'distribution' && sameNumbers(input.values, values) && JSON.stringify(input.labels) === JSON.stringify(labels);
        }),
      );
    });
    it(`${name}: positional column`, async () => {
      await fc.assert(
        fc.asyncProperty(positional, async (values) => {
          const input = await delimited(`${values.join('\n')}\n`, delimiter);
          return input.shape === 'distribution' && sameNumbers(input.values, values);
        }),
      );
    });
    it(`${name}: batch rows`, async () => {
      await fc.assert(
        fc.asyncProperty(batch, async (rows) => {
          // Written without a label column, so read with --no-label-col: a first column of
          // whole numbers counting up (0, 1) is otherwise refused as a possible index.
          const input = await delimited(rows.map((row) => row.join(delimiter)).join('\n'), delimiter, false);
          if (input.shape !== 'batch') return false;
          const read = await collectRows(input);
          return read.length === rows.length && read.every((row, i) => sameNumbers(row.values, rows[i] as number[]));
        }),
      );
    });
  }

  it('JSON: object of label → number, array, and array of arrays', async () => {
    await fc.assert(
      fc.asyncProperty(labelled, positional, async ([labels, values], array) => {
        const object = `{${labels.map((l, i) => `${JSON.stringify(l)}: ${values[i]}`).join(', ')}}`;
        const a = await readJson(Buffer.from(object), 'rt', 'json');
        const b = await readJson(Buffer.from(JSON.stringify(array)), 'rt', 'json');
        return (
          a.shape === 'distribution' &&
          sameNumbers(a.values, values) &&
          JSON.stringify(a.labels) === JSON.stringify(labels) &&
          b.shape === 'distribution' &&
          sameNumbers(b.values, array)
        );
      }),
    );
  });

  it('JSONL: one row per line', async () => {
    await fc.assert(
      fc.asyncProperty(batch, async (rows) => {
        const input = await readJsonl(streamOf(rows.map((row) => JSON.stringify(row)).join('\n')), 'rt', 'jsonl');
        if (input.shape !== 'batch') return false;
        const read = await collectRows(input);
        return read.every((row, i) => sameNumbers(row.values, rows[i] as number[]));
      }),
    );
  });

  it('.npy: float64 1-D and 2-D', async () => {
    await fc.assert(
      fc.asyncProperty(positional, batch, async (values, rows) => {
        const one = await readNpy(streamOf(npyBytes(values, [values.length])), 'rt');
        const width = (rows[0] as number[]).length;
        const two = await readNpy(streamOf(npyBytes(rows.flat(), [rows.length, width])), 'rt');
        if (one.shape !== 'distribution' || two.shape !== 'batch') return false;
        const read = await collectRows(two);
        return sameNumbers(one.values, values) && read.every((row, i) => sameNumbers(row.values, rows[i] as number[]));
      }),
    );
  });
});
