/**
 * kl in a real (pseudo-)terminal: colour rules, widths, progress. Each run goes through
 * util-linux's `script`, so stdout and stderr are terminals as a user's are.
 */
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKl } from '../helpers/cli.js';
import { npyBytes } from '../helpers/npy.js';
import { HAS_SCRIPT, runInTerminal } from '../helpers/tty.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-terminal-'));

/** Two .npy batches of logits big enough to take a few tenths of a second. */
function bigBatch(): [string, string] {
  const rows = 1500;
  const width = 4000;
  const paths: [string, string] = [join(dir, 'p.npy'), join(dir, 'q.npy')];
  paths.forEach((path, k) => {
    const data = new Float32Array(rows * width);
    for (let i = 0; i < data.length; i++) data[i] = Math.sin(i * 0.001 + k) * 3;
    writeFileSync(path, npyBytes(data, [rows, width]));
  });
  return paths;
}

describe.skipIf(!HAS_SCRIPT)('kl in a terminal', () => {
  it('colours a terminal, but not TERM=dumb, NO_COLOR, or --no-color', () => {
    const args = ['compare', 'fixtures/p.csv', 'fixtures/q.csv'];
    expect(runInTerminal(args).screen).toMatch(/\u001b\[/);
    expect(runInTerminal(args, { env: { TERM: 'dumb' } }).screen).not.toMatch(/\u001b\[/);
    expect(runInTerminal(args, { env: { NO_COLOR: '1' } }).screen).not.toMatch(/\u001b\[/);
    expect(runInTerminal([...args, '--no-color']).screen).not.toMatch(/\u001b\[/);
    // FORCE_COLOR still wins over TERM=dumb, as it wins over a pipe.
    expect(runInTerminal(args, { env: { TERM: 'dumb', FORCE_COLOR: '1' } }).screen).toMatch(/\u001b\[/);
  });
});

describe.skipIf(!HAS_SCRIPT)('the progress line', () => {
  const [p, q] = bigBatch();
  const args = ['compare', p, q, '--kind', 'logits', '--format', 'json', '--rows', 'none'];
  const now = { KL_PROGRESS_DELAY_MS: '0' };

  it('shows rows of the total, the rate and the time left on a terminal, then erases itself', () => {
    const out = join(dir, 'out.json');
    const { status, screen } = runInTerminal(args, { env: now, redirect: out });
    expect(status).toBe(0);
    expect(screen).toMatch(/kl: [\d.k]+ of 1500 rows \(\d+%\) · [\d.k]+ rows\/s · [\d ]+(s|min)[^·]* left/);
    // Every line is drawn over the last (\r, erase), and the last thing written erases it.
    expect(screen.endsWith('\r\u001b[K')).toBe(true);
    expect(screen).not.toContain('\n');
    // The output itself is untouched.
    expect(JSON.parse(readFileSync(out, 'utf8')).row_count).toBe(1500);
  });

  it('is never shown in a pipe, in CI, with --no-progress or --quiet, or for a quick run', () => {
    expect(runKl(args, { env: now }).stderr).toBe('');
    const out = join(dir, 'quiet.json');
    for (const [extra, env] of [
      [[], { ...now, CI: 'true' }],
      [['--no-progress'], now],
      [['--quiet'], now],
    ] as const) {
      const { status, screen } = runInTerminal([...args, ...extra], { env, redirect: out });
      expect(status).toBe(0);
      expect(screen).not.toContain('rows/s');
    }
    // Without KL_PROGRESS_DELAY_MS, the first line waits half a second: a small run shows none.
    expect(runInTerminal(['compare', 'fixtures/batch/ref_logits.npy', 'fixtures/batch/new_logits.npy', '--kind', 'logits'], {}).screen).not.toContain('rows/s');
  });

  it('stays off when rows stream to the same terminal', () => {
    const { screen } = runInTerminal(['forward', p, q, '--kind', 'logits', '--format', 'value'], { env: now });
    expect(screen).not.toContain('rows/s');
  });
});

describe.skipIf(!HAS_SCRIPT)('tables that fit the terminal', () => {
  const deep = join(dir, 'experiments', 'run-2026-11-30-quantised-int4-vs-bf16', 'eval', 'next_token_probabilities_layer_31.csv');
  mkdirSync(join(deep, '..'), { recursive: true });
  writeFileSync(deep, 'the,0.4\ncat,0.2\na,0.25\nsat,0.1\non,0.05\n');
  const widest = (screen: string) => Math.max(...screen.split('\n').map((line) => [...line.replace(/\u001b\[[0-9;]*m/g, '')].length));

  for (const columns of [80, 200]) {
    it(`every line of a pair, a batch, explain, drift and measures fits ${columns} columns`, () => {
      const runs = [
        ['compare', deep, 'fixtures/q.csv'],
        ['compare', 'fixtures/batch/ref_logits.npy', 'fixtures/batch/new_logits.npy', '--kind', 'logits'],
        ['explain', deep, 'fixtures/q.csv'],
        ['drift', 'fixtures/drift/ref.csv', 'fixtures/drift/cur.csv'],
        ['measures'],
      ];
      for (const args of runs) {
        const { status, screen } = runInTerminal(args, { columns });
        expect(status, screen).toBe(0);
        expect(widest(screen), `${args.join(' ')}\n${screen}`).toBeLessThanOrEqual(columns);
      }
    });
  }

  it('at 80 columns the path is shortened in the middle, P and Q stand for the inputs, and left-out columns are named', () => {
    const pair = runInTerminal(['compare', deep, 'fixtures/q.csv'], { columns: 80, env: { NO_COLOR: '1' } }).screen;
    expect(pair).toMatch(/^P = \/tmp\/\S*…\S*layer_31\.csv {2}\(probs, 5 categories\)$/m);
    expect(pair).toMatch(/│ kl_forward +│ D\(P ‖ Q\) /);
    const batch = runInTerminal(['compare', 'fixtures/batch/ref_logits.npy', 'fixtures/batch/new_logits.npy', '--kind', 'logits'], { columns: 80 }).screen;
    const prose = batch.replace(/\u001b\[[0-9;]*m/g, '').replace(/\n/g, ' ');
    expect(prose).toMatch(/columns? left out to fit 80 columns: .*p99.*; --format json has every value/);
    const wide = runInTerminal(['compare', 'fixtures/batch/ref_logits.npy', 'fixtures/batch/new_logits.npy', '--kind', 'logits'], { columns: 200 }).screen;
    expect(wide).not.toContain('left out to fit');
    expect(wide).toContain('p99');
  });

  it('COLUMNS decides when stdout is not a terminal; 80 otherwise', () => {
    const batch = ['compare', 'fixtures/batch/ref_logits.npy', 'fixtures/batch/new_logits.npy', '--kind', 'logits'];
    expect(widest(runKl(batch).stdout)).toBeLessThanOrEqual(80);
    expect(runKl(batch, { env: { COLUMNS: '200' } }).stdout).not.toContain('left out to fit');
  });
});
