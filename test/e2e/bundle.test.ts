/**
 * What every command's start-up loads: the CLI bundle (dist/kl.cjs) must not carry the
 * statistics library that kl drift and kl mi need (230 KB: start-up 1.31× instead of 1.22×
 * `node -e 0`, BENCHMARKS.md); their computation is in dist/execute.cjs.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/reference.js';

describe('the CLI bundle', () => {
  it('leaves the statistics library to the bundles of the commands that use it', () => {
    expect(readFileSync(join(ROOT, 'dist', 'kl.cjs'), 'utf8')).not.toContain('@stdlib');
    expect(readFileSync(join(ROOT, 'dist', 'execute.cjs'), 'utf8')).toContain('@stdlib');
  });

  it('leaves the zip reader (yauzl) to dist/npz.cjs, loaded only for an .npz', () => {
    for (const bundle of ['kl.cjs', 'execute.cjs']) expect(readFileSync(join(ROOT, 'dist', bundle), 'utf8')).not.toContain('central directory');
    expect(readFileSync(join(ROOT, 'dist', 'npz.cjs'), 'utf8')).toContain('central directory');
  });
});

describe('the WebAssembly passes', () => {
  it('is in the CLI bundle, and a Node without WebAssembly (--jitless) gets the same output from the JavaScript passes', () => {
    expect(readFileSync(join(ROOT, 'dist', 'kl.cjs'), 'utf8')).toContain('WebAssembly.Module');
    // compare: the softmax passes; forward and reverse: the divergence pass too.
    for (const command of ['compare', 'forward', 'reverse']) {
      const args = ['bin/kl.js', command, 'fixtures/batch/ref_logits.npy', 'fixtures/batch/new_logits.npy', '--kind', 'logits', '--format', 'csv'];
      const env = { ...process.env, NO_COLOR: '1' };
      const withWasm = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
      const without = spawnSync(process.execPath, ['--jitless', ...args], { cwd: ROOT, env, encoding: 'utf8' });
      expect(withWasm.status).toBe(0);
      expect(without.status).toBe(0);
      expect(without.stdout.split('\n').length).toBeGreaterThan(3);
      expect(without.stdout).toBe(withWasm.stdout);
    }
  });

  it('the WebAssembly line scanner: a Node without WebAssembly reads a numeric CSV batch to the same output', () => {
    expect(readFileSync(join(ROOT, 'dist', 'kl.cjs'), 'utf8')).toContain('scanLine');
    // %.9g cells, as np.savetxt(fmt='%.9g') writes them: the lines the WebAssembly scanner takes.
    const dir = mkdtempSync(join(tmpdir(), 'kl-wasm-'));
    const table = (seed: number) =>
      Array.from({ length: 50 }, (_, r) => {
        const row = Array.from({ length: 8 }, (_, c) => ((r * 7 + c * 13 + seed) % 23) + 1);
        const total = row.reduce((sum, x) => sum + x, 0);
        return row.map((x) => (x / total).toPrecision(9)).join(',');
      }).join('\n');
    writeFileSync(join(dir, 'p.csv'), table(1));
    writeFileSync(join(dir, 'q.csv'), table(2));
    const args = ['bin/kl.js', 'compare', join(dir, 'p.csv'), join(dir, 'q.csv'), '--format', 'csv'];
    const env = { ...process.env, NO_COLOR: '1' };
    const withWasm = spawnSync(process.execPath, args, { cwd: ROOT, env, encoding: 'utf8' });
    const without = spawnSync(process.execPath, ['--jitless', ...args], { cwd: ROOT, env, encoding: 'utf8' });
    expect(withWasm.status).toBe(0);
    expect(without.stdout.split('\n').length).toBeGreaterThan(50);
    expect(without.stdout).toBe(withWasm.stdout);
    rmSync(dir, { recursive: true, force: true });
  });
});
