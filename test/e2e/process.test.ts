/**
 * kl as a process in a pipeline: closed pipes, Ctrl-C, and errors halfway through a batch.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKl } from '../helpers/cli.js';
import { ROOT } from '../helpers/reference.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-process-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function batchFile(rows: number, columns: number): string {
  const path = join(dir, `batch-${rows}x${columns}.csv`);
  const row = Array.from({ length: columns }, () => (1 / columns).toString()).join(',');
  writeFileSync(path, `${Array.from({ length: rows }, () => row).join('\n')}\n`);
  return path;
}

describe('pipes and signals', () => {
  it('`kl … | head -1` ends quietly: exit 0, no error text', () => {
    const big = batchFile(20000, 10);
    const result = spawnSync('bash', ['-o', 'pipefail', '-c', `node bin/kl.js compare "${big}" "${big}" --format csv | head -1`], {
      cwd: ROOT,
      encoding: 'utf8',
      env: { ...process.env, NO_COLOR: '1' },
    });
    expect(result.stdout).toMatch(/^index,entropy_p,/);
    expect(result.stdout.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
  });

  it('Ctrl-C during a long batch ends by SIGINT (a shell sees 130) with nothing half-written on stdout', async () => {
    const child = spawn(process.execPath, ['bin/kl.js', 'compare', '-', '--p-col', '1', '--q-col', '2', '--format', 'json'], {
      cwd: ROOT,
      env: { ...process.env, NO_COLOR: '1' },
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    // A batch that never ends: rows keep coming on stdin until we interrupt.
    child.stdin.write('a,b,c\n');
    for (let i = 0; i < 1000; i++) child.stdin.write('0.25,0.25,0.5\n');
    // Long enough for kl to be running its batch even on a slow, loaded CI machine.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    child.kill('SIGINT');
    const ended = await new Promise<{ status: number | null; signal: NodeJS.Signals | null }>((resolve) =>
      child.on('close', (status, signal) => resolve({ status, signal })),
    );
    // Re-raised after cleaning up, so that a shell loop around kl stops too.
    expect(ended).toEqual({ status: null, signal: 'SIGINT' });
    expect(stdout).toBe('');
    expect(stderr).toBe('kl: interrupted\n');
  });

  it('an error halfway through a batch: CSV keeps the rows already streamed, then exits 2', () => {
    const result = runKl(['compare', 'fixtures/bad/bad-row-batch.csv', 'fixtures/bad/uniform-batch.csv', '--format', 'csv']);
    expect(result.status).toBe(2);
    expect(
      result.stdout
        .trimEnd()
        .split('\n')
        .map((line) => line.split(',')[0]),
    ).toEqual(['index', '0', '1', '2']);
    expect(result.stderr).toBe('kl: error: fixtures/bad/bad-row-batch.csv:5: column 1 ("a"): value "bad" is not a number\n');
  });

  it('the same error with JSON output prints nothing on stdout', () => {
    const result = runKl(['compare', 'fixtures/bad/bad-row-batch.csv', 'fixtures/bad/uniform-batch.csv', '--format', 'json']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
  });
});
