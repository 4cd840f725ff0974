/**
 * What users must be able to trust, end to end on the built CLI: nothing from a file drives
 * the terminal, no input is ever overwritten, exit codes mean what the README says whatever
 * happens to the output streams, and a gate never passes by accident.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKl } from '../helpers/cli.js';
import { npyBytes } from '../helpers/npy.js';
import { ROOT } from '../helpers/reference.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-trust-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Control characters a terminal acts on, which must never reach it raw (tab and newline aside). */
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/;

function bash(script: string): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('nothing from a file, a label or a file name drives the terminal', () => {
  const hostile = ['clear\u001b[2J', 'osc52\u001b]52;c;cm0gLXJmIH4=\u0007', 'csi\u009b31m', 'bidi\u202eexe.pdf', 'sep\u2028x', 'bell\u0007'];
  const p = join(dir, 'hostile_p.json');
  const q = join(dir, 'hostile_q.json');
  writeFileSync(p, JSON.stringify(Object.fromEntries(hostile.map((label, i) => [label, (i + 1) / 21]))));
  writeFileSync(q, JSON.stringify(Object.fromEntries(hostile.map((label) => [label, 1 / 6]))));

  it('labels are escaped in explain tables and warnings; JSON keeps them whole', () => {
    // Wide enough that no label is shortened: the escaping is what is checked here.
    const table = runKl(['explain', p, q, '--top', '0'], { env: { COLUMNS: '200' } });
    expect(table.status).toBe(0);
    expect(table.stdout).not.toMatch(RAW_CONTROLS);
    expect(table.stdout).toContain('clear\\u001b[2J');
    expect(table.stdout).toContain('bidi\\u202eexe.pdf');
    const json = JSON.parse(runKl(['explain', p, q, '--top', '0', '--format', 'json']).stdout) as { contributions: { label: string }[] };
    expect(json.contributions.map((c) => c.label).sort()).toEqual([...hostile].sort());
  });

  it('a file name with escape sequences is escaped in tables and in errors', () => {
    const named = join(dir, 'evil\u001b]0;title\u0007.csv');
    writeFileSync(named, '0.5\n0.5\n');
    const table = runKl(['entropy', named]);
    expect(table.status).toBe(0);
    expect(table.stdout).not.toMatch(RAW_CONTROLS);
    expect(table.stdout).toContain('evil\\u001b]0;title\\u0007.csv');
    const error = runKl(['entropy', join(dir, 'missing\u009b2J.csv')]);
    expect(error.status).toBe(2);
    expect(error.stderr).not.toMatch(RAW_CONTROLS);
    expect(error.stderr).toContain('missing\\u009b2J.csv: no such file');
  });

  it('a cell value quoted in an error is escaped', () => {
    const bad = join(dir, 'bad-cell.csv');
    writeFileSync(bad, 'a,b\n0.5,\u001b[31mred\n');
    const result = runKl(['entropy', bad]);
    expect(result.status).toBe(2);
    expect(result.stderr).not.toMatch(RAW_CONTROLS);
    expect(result.stderr).toContain('\\u001b[31mred');
  });

  it('a 5 MB label is shortened in tables (with an ellipsis) and kept whole in JSON', () => {
    const label = `L${'x'.repeat(5_000_000)}Z`;
    const big = join(dir, 'long-label.json');
    writeFileSync(big, JSON.stringify({ [label]: 0.5, short: 0.5 }));
    const table = runKl(['explain', big, big]);
    expect(table.status).toBe(0);
    expect(table.stdout.length).toBeLessThan(10_000);
    expect(table.stdout).toMatch(/Lx+…x+Z/);
    const json = JSON.parse(runKl(['explain', big, big, '--format', 'json']).stdout) as { contributions: { label: string }[] };
    expect(json.contributions.some((c) => c.label === label)).toBe(true);
  });
});

describe('no file is ever lost', () => {
  it('--report and -o refuse an input reached through a symlink or a hard link', () => {
    const input = join(dir, 'input.csv');
    writeFileSync(input, '0.5\n0.5\n');
    const original = readFileSync(input, 'utf8');
    symlinkSync(input, join(dir, 'link.html'));
    linkSync(input, join(dir, 'hard.html'));
    for (const [flag, target] of [
      ['--report', 'link.html'],
      ['--report', 'hard.html'],
      ['-o', 'link.html'],
      ['--output', 'hard.html'],
    ] as const) {
      const result = runKl(['compare', input, input, flag, join(dir, target)]);
      expect(result.status, `${flag} ${target}`).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain('(the same file): kl never writes over an input');
    }
    expect(readFileSync(input, 'utf8')).toBe(original);
  });

  it('-o writes the output atomically: a failed run leaves the old file as it was and no temporary file', () => {
    const out = join(dir, 'out', 'result.json');
    mkdirSync(join(dir, 'out'));
    writeFileSync(out, 'previous\n');
    const failed = runKl(['compare', 'fixtures/p.csv', 'fixtures/bad/nan.csv', '--format', 'json', '-o', out]);
    expect(failed.status).toBe(2);
    expect(readFileSync(out, 'utf8')).toBe('previous\n');
    expect(readdirSync(join(dir, 'out'))).toEqual(['result.json']);
    const fresh = join(dir, 'out', 'fresh.json');
    expect(runKl(['compare', 'fixtures/p.csv', 'fixtures/bad/nan.csv', '--format', 'json', '-o', fresh]).status).toBe(2);
    expect(existsSync(fresh)).toBe(false);
    const ok = runKl(['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--format', 'json', '-o', out, '--max', 'kl_forward=0.01']);
    expect(ok.status).toBe(1);
    expect(ok.stdout).toBe('');
    expect(JSON.parse(readFileSync(out, 'utf8')).checks[0].passed).toBe(false);
  });

  it('an unwritable --report fails before anything is printed', () => {
    const result = runKl([
      'compare',
      'fixtures/batch/p_rows.csv',
      'fixtures/batch/q_rows.csv',
      '--format',
      'csv',
      '--report',
      join(dir, 'no-such-dir', 'r.html'),
    ]);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('cannot write it: no such directory');
  });
});

describe('exit codes mean what the README says, whatever happens to the streams', () => {
  it('a failing check still exits 1 when the reader closes the pipe early (pipefail)', () => {
    const result = bash(
      'set -o pipefail; node bin/kl.js compare fixtures/batch/p_rows.csv fixtures/batch/q_rows.csv --format csv --max kl_forward.mean=0.0001 | head -c 1 >/dev/null',
    );
    expect(result.status).toBe(1);
    const passing = bash(
      'set -o pipefail; node bin/kl.js compare fixtures/batch/p_rows.csv fixtures/batch/q_rows.csv --format csv --max kl_forward.mean=10 | head -c 1 >/dev/null',
    );
    expect(passing.status).toBe(0);
  });

  it('a closed or failing stderr does not change the exit code', () => {
    expect(bash('node bin/kl.js forward fixtures/bad/nan.csv fixtures/coin_q.csv 2>&-').status).toBe(2);
    expect(bash('node bin/kl.js forward fixtures/coin_p.csv fixtures/coin_q.csv --format value 2>&- >/dev/null').status).toBe(0);
    expect(bash('node bin/kl.js forward fixtures/coin_p.csv fixtures/coin_q.csv --max kl_forward=0.01 2>/dev/full >/dev/null').status).toBe(1);
  });

  it('a full disk on stdout is an ordinary output error: exit 2, a plain message', () => {
    const result = bash('node bin/kl.js compare fixtures/p.csv fixtures/q.csv > /dev/full');
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('kl: error: cannot write to standard output: no space left on device (ENOSPC)\n');
  });

  it('binary input is refused at its first NUL byte: /dev/zero ends at once', () => {
    const result = runKl(['entropy', '/dev/zero']);
    expect(result.status).toBe(2);
    expect(result.stderr).toBe('kl: error: /dev/zero: byte 0 is a NUL byte: this is binary data, not text\n');
  });
});

describe('sniffing does not depend on how a pipe cuts the input', () => {
  it('JSONL whose first write ends mid-line is still JSONL', async () => {
    const child = spawn(process.execPath, ['bin/kl.js', 'entropy', '-', '--format', 'csv', '--rows', 'all'], { cwd: ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => (stdout += chunk));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.stdin.write('[0.5, ');
    await new Promise((resolve) => setTimeout(resolve, 400));
    child.stdin.end('0.5]\n[0.2, 0.8]\n');
    const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(stderr).toBe('');
    expect(status).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(3);
  });
});

describe('a gate never passes by accident', () => {
  it('explain on a batch keeps the batch checks and prints one document', () => {
    const value = runKl(['explain', 'fixtures/batch/p_rows.csv', 'fixtures/batch/q_rows.csv', '--max', 'kl_forward.mean=0.0001', '--format', 'value']);
    expect(value.status).toBe(1);
    expect(value.stdout.trim().split('\n')).toHaveLength(1);
    const json = runKl(['explain', 'fixtures/batch/p_rows.csv', 'fixtures/batch/q_rows.csv', '--max', 'kl_forward.mean=0.0001', '--format', 'json']);
    expect(json.status).toBe(1);
    const report = JSON.parse(json.stdout) as { checks: { name: string; passed: boolean }[] };
    expect(report.checks).toEqual([expect.objectContaining({ name: 'kl_forward.mean', passed: false })]);
  });

  it('--normalize on a batch says normalized: true', () => {
    const p = join(dir, 'unnormalised_rows.csv');
    writeFileSync(p, 'a,b\n0.2,0.3\n0.4,0.4\n');
    const report = JSON.parse(runKl(['compare', p, p, '--normalize', '--format', 'json']).stdout) as { inputs: { normalized: boolean }[] };
    expect(report.inputs.map((input) => input.normalized)).toEqual([true, true]);
  });
});

describe('an LLM vocabulary in every format', () => {
  it('150k categories: explain --top 0 as a table and as JSON, and the HTML report', () => {
    const width = 150_000;
    const make = (seed: number) => {
      const values = new Float64Array(width);
      let state = seed;
      for (let i = 0; i < width; i++) {
        state = (state * 1103515245 + 12345) % 2147483648;
        values[i] = 1 + state / 2147483648;
      }
      return values;
    };
    writeFileSync(join(dir, 'vp.npy'), npyBytes(make(1), [width]));
    writeFileSync(join(dir, 'vq.npy'), npyBytes(make(2), [width]));
    const args = ['explain', join(dir, 'vp.npy'), join(dir, 'vq.npy'), '--kind', 'counts', '--top', '0'];
    const table = runKl(args);
    expect(table.status).toBe(0);
    expect(table.stdout.split('\n').length).toBeGreaterThan(2 * width);
    expect(runKl([...args, '--format', 'json', '--report', join(dir, 'vocab.html')]).status).toBe(0);
    expect(readFileSync(join(dir, 'vocab.html'), 'utf8')).toContain('<svg');
  });
});
