/**
 * The two-thread paths must give byte-identical output to the single-thread general path:
 * big .npy batches (rows split between the main thread and a worker) and big numeric CSVs
 * (parsed on worker threads). KL_NO_FAST_PATH=1 forces the general path.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKl } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-parallel-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

function writeNpy(path: string, rows: number, columns: number, seed: number): void {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${columns}), }`;
  header = `${header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, ' ')}\n`;
  const next = random(seed);
  const data = new Float32Array(rows * columns).map(() => (next() - 0.5) * 12);
  const preamble = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(preamble);
  preamble.writeUInt16LE(header.length, 8);
  writeFileSync(path, Buffer.concat([preamble, Buffer.from(header, 'latin1'), Buffer.from(data.buffer)]));
}

describe('parallel paths = general path', () => {
  it('a 70 MB .npy logits batch split across two threads gives identical JSON and CSV', () => {
    const p = join(dir, 'p.npy');
    const q = join(dir, 'q.npy');
    writeNpy(p, 1100, 8000, 1);
    writeNpy(q, 1100, 8000, 2);
    for (const format of ['json', 'csv']) {
      const args = ['compare', p, q, '--kind', 'logits', '--format', format];
      const parallel = runKl(args);
      const general = runKl(args, { env: { KL_NO_FAST_PATH: '1' } });
      expect(parallel.status).toBe(0);
      expect(parallel.stdout.length).toBeGreaterThan(1000);
      expect(parallel.stdout).toBe(general.stdout);
    }
  });

  it('two 67 MB numeric CSVs parsed on worker threads gives identical output', () => {
    const p = join(dir, 'p.csv');
    const q = join(dir, 'q.csv');
    for (const [path, seed] of [
      [p, 3],
      [q, 4],
    ] as const) {
      const next = random(seed);
      const lines: string[] = [];
      for (let r = 0; r < 8000; r++) lines.push(Array.from({ length: 700 }, () => (next() + 1e-3).toPrecision(9)).join(','));
      writeFileSync(path, `${lines.join('\n')}\n`);
    }
    const args = ['compare', p, q, '--kind', 'counts', '--format', 'json'];
    const parallel = runKl(args);
    const general = runKl(args, { env: { KL_NO_FAST_PATH: '1' } });
    expect(parallel.status).toBe(0);
    expect(parallel.stdout).toBe(general.stdout);
  });
});
