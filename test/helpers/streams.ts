import { Readable } from 'node:stream';
import type { RawBatch, RawInput, RawRow } from '../../src/io/types.js';

export function streamOf(content: string | Uint8Array): Readable {
  return Readable.from([typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content)]);
}

export async function collectRows(batch: RawBatch): Promise<RawRow[]> {
  const rows: RawRow[] = [];
  for await (const row of batch.rows) rows.push(row);
  return rows;
}

export function asDistribution(input: RawInput): Extract<RawInput, { shape: 'distribution' }> {
  if (input.shape !== 'distribution') throw new Error(`expected a distribution, got ${input.shape}`);
  return input;
}

export function asBatch(input: RawInput): RawBatch {
  if (input.shape !== 'batch') throw new Error(`expected a batch, got ${input.shape}`);
  return input;
}
