/**
 * The two-thread .npy plan queues the worker's outcomes in memory until the main thread's
 * half is merged, so it must stay off when that half would be too long.
 */
import { closeSync, ftruncateSync, mkdtempSync, openSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compare } from '../../src/cli/commands/compare.js';
import { buildRequest } from '../../src/cli/options.js';
import { planParallelNpy } from '../../src/compute/parallel/npy-halves.js';
import { MAX_QUEUED_ROWS } from '../../src/compute/parallel/remote-rows.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-npy-plan-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A complete float32 matrix of zeros (logits), sparse on disk: big without writing it. */
function sparseNpy(name: string, rows: number, columns: number): string {
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${columns}), }`;
  header = `${header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, ' ')}\n`;
  const preamble = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(preamble);
  preamble.writeUInt16LE(header.length, 8);
  const path = join(dir, name);
  const fd = openSync(path, 'w');
  writeSync(fd, Buffer.concat([preamble, Buffer.from(header, 'latin1')]));
  ftruncateSync(fd, preamble.length + header.length + rows * columns * 4);
  closeSync(fd);
  return path;
}

describe('planParallelNpy', () => {
  it('stays off when the worker’s half has more rows than may queue (memory stays flat)', async () => {
    // 2 × 40 MB: past the size where a worker pays for itself, with far too many rows.
    const rows = 2 * MAX_QUEUED_ROWS + 1000;
    const columns = 100;
    const p = sparseNpy('p.npy', rows, columns);
    const q = sparseNpy('q.npy', rows, columns);
    const { request } = buildRequest(compare, p, q, { format: 'json', kind: 'logits' });
    expect(await planParallelNpy(request, null)).toBeNull();
  });
});
