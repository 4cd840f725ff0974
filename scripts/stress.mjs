#!/usr/bin/env node
/**
 * Resource-bound checks, part of `npm run fuzz` (never of `npm test`): inputs too big for
 * a unit test, run through the built CLI, with the exit code, the result and the peak RSS
 * checked. Prints one line per case and exits 1 if any fails.
 *
 *   50 MB single line     one distribution of 3M equal counts: H = ln n
 *   1M columns            a header of 1M labels and one row, against itself: D = 0
 *   200k labels           a labelled column of 200k tokens against a shuffled copy: no quadratic alignment
 *   1 GB CSV              a 1 GB batch against itself, streamed: D = 0 and peak RSS bounded
 */
import { spawnSync } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROBE = fileURLToPath(new URL('./bench/rss-probe.cjs', import.meta.url));
const KL = join(ROOT, 'bin', 'kl.js');
const dir = mkdtempSync(join(tmpdir(), 'kl-stress-'));
let failures = 0;

function kl(args) {
  const rssFile = join(dir, 'rss');
  const started = Date.now();
  const result = spawnSync(process.execPath, ['--require', PROBE, KL, ...args], {
    encoding: 'utf8',
    maxBuffer: 256 << 20,
    env: { ...process.env, KL_RSS_FILE: rssFile, NO_COLOR: '1' },
  });
  let rssMiB = NaN;
  try {
    rssMiB = Number(readFileSync(rssFile, 'utf8')) / 1024;
  } catch {}
  return { ...result, seconds: (Date.now() - started) / 1000, rssMiB };
}

function check(name, result, ok, detail) {
  const pass = result.status === 0 && ok;
  if (!pass) failures++;
  console.log(
    `${pass ? 'ok  ' : 'FAIL'}  ${name}: exit ${result.status}, ${result.seconds.toFixed(1)} s, peak RSS ${result.rssMiB.toFixed(0)} MiB${detail ? `, ${detail}` : ''}`,
  );
  if (!pass) console.log(`      stderr: ${result.stderr.slice(0, 300)}`);
}

function writeLines(path, count, line) {
  const fd = openSync(path, 'w');
  let pending = '';
  for (let i = 0; i < count; i++) {
    pending += line(i);
    if (pending.length > 1 << 22) {
      writeSync(fd, pending);
      pending = '';
    }
  }
  writeSync(fd, pending);
  closeSync(fd);
}

try {
  {
    const n = 3_000_000;
    const path = join(dir, 'one-line.csv');
    writeLines(path, 1, () => `${Array(n).fill('0.000000333333333').join(',')}\n`);
    const result = kl(['entropy', path, '--kind', 'counts', '--format', 'value']);
    const value = Number(result.stdout);
    check(`50 MB single line (${(statSync(path).size / 1e6).toFixed(0)} MB, ${n} values)`, result, Math.abs(value - Math.log(n)) < 1e-9, `H = ${value}`);
  }
  {
    const n = 1_000_000;
    const path = join(dir, 'wide.csv');
    writeLines(path, 1, () => `${Array.from({ length: n }, (_, i) => `c${i}`).join(',')}\n${Array(n).fill('1').join(',')}\n`);
    const result = kl(['forward', path, path, '--kind', 'counts', '--format', 'value']);
    check('1M columns (header + one row, against itself)', result, Number(result.stdout) === 0, `D = ${result.stdout.trim()}`);
  }
  {
    const n = 200_000;
    const p = join(dir, 'labels-p.csv');
    const q = join(dir, 'labels-q.csv');
    writeLines(p, n, (i) => `tok${i},1\n`);
    writeLines(q, n, (i) => `tok${(i * 7919) % n},1\n`);
    const result = kl(['forward', p, q, '--kind', 'counts', '--format', 'value']);
    check('200k labels aligned against a shuffled copy', result, Number(result.stdout) === 0 && result.seconds < 30, `D = ${result.stdout.trim()}`);
  }
  {
    const path = join(dir, 'gigabyte.csv');
    const columns = 50;
    const row = `${Array.from({ length: columns }, (_, j) => (0.02 + (j - 24.5) * 1e-4).toPrecision(9)).join(',')}\n`;
    const rows = Math.ceil(1e9 / row.length);
    writeLines(path, rows, () => row);
    const result = kl(['compare', path, path, '--format', 'json', '--rows', 'none']);
    let ok = false;
    try {
      const report = JSON.parse(result.stdout);
      ok = report.row_count === rows && report.summary.kl_forward.max === 0 && result.rssMiB < 400;
    } catch {}
    check(`1 GB CSV (${rows} rows × ${columns}) against itself, streamed`, result, ok, 'peak RSS must stay < 400 MiB');
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
console.log(failures === 0 ? 'stress: all passed' : `stress: ${failures} failed`);
process.exitCode = failures === 0 ? 0 : 1;
