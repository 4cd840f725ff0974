/**
 * JSON batch rows rendered while they are computed must print exactly the document that
 * rendering them at the end prints, and must never stand in for other rows.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { compare } from '../../src/cli/commands/compare.js';
import { buildRequest } from '../../src/cli/options.js';
import { runRequest } from '../../src/compute/run.js';
import { formatJson, formatJsonChunks, JsonRowChunks } from '../../src/report/json.js';
import type { KlResult } from '../../src/result.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-json-chunks-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function batch(rows: number, keepRows: boolean): Promise<{ result: KlResult; prerendered: JsonRowChunks }> {
  const lines = (shift: number) => Array.from({ length: rows }, (_, i) => `${1 + ((i + shift) % 7)},${2 + (i % 3)},3`).join('\n');
  const p = join(dir, `p${rows}.csv`);
  const q = join(dir, `q${rows}.csv`);
  writeFileSync(p, `a,b,c\n${lines(0)}\n`);
  writeFileSync(q, `a,b,c\n${lines(2)}\n`);
  const { request, batch: options } = buildRequest(compare, p, q, { format: 'json', kind: 'counts', rows: 'all', labelCol: false });
  const prerendered = new JsonRowChunks(request.measureNames);
  const result = await runRequest(request, () => Readable.from([]), { ...options, onRow: (row) => prerendered.add(row), keepRows });
  return { result, prerendered };
}

describe('JSON rows rendered as they are computed', () => {
  it.each([2, 511, 512, 513, 1300])('give the same document as rows kept and rendered at the end (%i rows)', async (rows) => {
    const { result: kept } = await batch(rows, true);
    const { result, prerendered } = await batch(rows, false);
    expect(result.type === 'batch' && result.rows).toBeNull();
    const whole = formatJson(kept);
    expect([...formatJsonChunks(result, prerendered)].join('')).toBe(whole);
    expect([...formatJsonChunks(kept)].join('')).toBe(whole);
    expect(JSON.parse(whole).rows).toHaveLength(rows);
  });

  it('are refused for a batch with another number of rows, which cannot be printed without its rows', async () => {
    const { result } = await batch(600, false);
    const { prerendered: other } = await batch(601, false);
    expect(() => [...formatJsonChunks(result, other)]).toThrow(/without its rows/);
    expect(() => [...formatJsonChunks(result)]).toThrow(/without its rows/);
  });
});
