/**
 * The two-thread paths must give byte-identical output to the single-thread general path:
 * big .npy batches (rows split between the main thread and a worker), big numeric CSVs
 * (segments of rows computed by two workers), and big CSVs the segments do not take (one
 * parsing worker per file). KL_NO_FAST_PATH=1 forces the general path.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
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

const PAIRING_HINT = 'rows pair one to one: row i of P with row i of Q (one distribution is a batch of one row)';

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

  it('a late worker: the main thread takes its rows from the back, with identical output, and an error in a row it took comes after the rows before it', () => {
    const p = join(dir, 'p-late.npy');
    const q = join(dir, 'q-late.npy');
    writeNpy(p, 1100, 8000, 7);
    writeNpy(q, 1100, 8000, 8);
    // The worker waits 3 s before its first row: the main thread takes most of its half.
    const late = { KL_TEST_WORKER_DELAY_MS: '3000' };
    for (const format of ['json', 'csv']) {
      const args = ['forward', p, q, '--kind', 'logits', '--format', format];
      const parallel = runKl(args, { env: late });
      const general = runKl(args, { env: { KL_NO_FAST_PATH: '1' } });
      expect(parallel.status).toBe(0);
      expect(parallel.stdout.length).toBeGreaterThan(1000);
      expect(parallel.stdout).toBe(general.stdout);
    }
    // A NaN in row 1000 (in the worker's half, taken from the back by the main thread).
    const bad = join(dir, 'q-late-nan.npy');
    writeNpy(bad, 1100, 8000, 8);
    const bytes = readFileSync(bad);
    bytes.writeFloatLE(Number.NaN, bytes.length - 100 * 8000 * 4 + 12);
    writeFileSync(bad, bytes);
    const args = ['forward', p, bad, '--kind', 'logits', '--format', 'csv'];
    const parallel = runKl(args, { env: late });
    const general = runKl(args, { env: { KL_NO_FAST_PATH: '1' } });
    expect(parallel.status).toBe(2);
    expect(parallel.stderr).toContain('row 1000');
    expect([parallel.status, parallel.stdout, parallel.stderr]).toEqual([general.status, general.stdout, general.stderr]);
  });

  it('--shard on the .npy halves: the shards cover every row once', () => {
    const p = join(dir, 'p-shard.npy');
    const q = join(dir, 'q-shard.npy');
    writeNpy(p, 1100, 8000, 5);
    writeNpy(q, 1100, 8000, 6);
    const args = ['forward', p, q, '--kind', 'logits', '--format', 'csv'];
    const whole = runKl(args);
    const lines = [0, 1, 2].flatMap((index) => {
      const shard = runKl([...args, '--shard', `${index}/3`]);
      expect(shard.status, shard.stderr).toBe(0);
      return shard.stdout.trimEnd().split('\n').slice(1);
    });
    expect(lines).toEqual(whole.stdout.trimEnd().split('\n').slice(1));
  });

  // Two files of ~34 MB: together past the 64 MiB from which the parallel CSV paths start.
  const WIDTH = 800;
  const header = Array.from({ length: WIDTH }, (_, j) => `c${j}`).join(',');
  function csvLines(rows: number, seed: number): string[] {
    const next = random(seed);
    return Array.from({ length: rows }, () => Array.from({ length: WIDTH }, () => (next() + 1e-3).toPrecision(9)).join(','));
  }
  const pLines = csvLines(3500, 3);
  const qLines = csvLines(3500, 4);
  function csvFile(name: string, lines: string[]): string {
    const path = join(dir, name);
    writeFileSync(path, `${header}\n${lines.join('\n')}\n`);
    return path;
  }
  /** The same run on the parallel path and on the general single-thread path. */
  function both(args: string[]): [ReturnType<typeof runKl>, ReturnType<typeof runKl>] {
    return [runKl(args), runKl(args, { env: { KL_NO_FAST_PATH: '1' } })];
  }
  const withBadCell = (lines: string[], row: number): string[] => lines.map((line, i) => (i === row ? line.replace(/,[^,]*,/, ',x,') : line));
  const withQuote = (lines: string[], row: number): string[] => lines.map((line, i) => (i === row ? line.replace(/^[^,]*/, (cell) => `"${cell}"`) : line));
  /** Q's row `row` has a bad cell: the rows before it printed, its line named, exit 2, as on the general path. */
  function expectSameFailure(p: string, q: string, row: number, command = 'compare'): void {
    const [parallel, general] = both([command, p, q, '--kind', 'counts', '--format', 'csv']);
    expect(parallel.status).toBe(2);
    // A header line, and lines count from 1.
    expect(parallel.stderr).toBe(`kl: error: ${q}:${row + 2}: column 2 ("c1"): value "x" is not a number\n`);
    expect(parallel.stdout.trimEnd().split('\n')).toHaveLength(row + 1);
    expect([parallel.status, parallel.stdout, parallel.stderr]).toEqual([general.status, general.stdout, general.stderr]);
  }

  it('two big CSVs computed in segments by two workers (empty lines, a header) give identical JSON and CSV', () => {
    // Empty lines in several segments shift line numbers but not rows.
    const p = csvFile('p.csv', [...pLines.slice(0, 100), '', ...pLines.slice(100, 3000), '', ...pLines.slice(3000)]);
    const q = csvFile('q.csv', qLines);
    for (const format of ['json', 'csv']) {
      const [parallel, general] = both(['compare', p, q, '--kind', 'counts', '--format', format]);
      expect(parallel.status).toBe(0);
      expect(parallel.stdout.length).toBeGreaterThan(100_000);
      expect(parallel.stdout).toBe(general.stdout);
    }
  });

  it('--shard on the segmented path: the shards cover every row once, and their merge is the one run', () => {
    const p = csvFile('p-shard.csv', [...pLines.slice(0, 100), '', ...pLines.slice(100, 3000), '', ...pLines.slice(3000)]);
    const q = csvFile('q-shard.csv', qLines);
    const args = ['compare', p, q, '--kind', 'counts'];
    const whole = runKl([...args, '--format', 'csv']);
    const [header, ...rows] = whole.stdout.trimEnd().split('\n');
    const lines: string[] = [];
    const summaries: string[] = [];
    for (let index = 0; index < 3; index++) {
      const summary = join(dir, `shard-${index}.json`);
      const shard = runKl([...args, '--format', 'csv', '--shard', `${index}/3`, '--save-summary', summary, '--exact-percentiles']);
      expect(shard.status, shard.stderr).toBe(0);
      const [shardHeader, ...body] = shard.stdout.trimEnd().split('\n');
      expect(shardHeader).toBe(header);
      lines.push(...body);
      summaries.push(summary);
    }
    expect(lines).toEqual(rows);
    const merged = runKl(['merge', ...summaries, '--format', 'json', '--rows', 'none']);
    const single = runKl([...args, '--format', 'json', '--rows', 'none']);
    const withoutCommand = (text: string) => text.replace(/"command_line": .*\n/, '');
    expect(withoutCommand(merged.stdout)).toBe(withoutCommand(single.stdout));
    // A quote in the middle shard: its segments stop there, the rest of the shard (and Q's same rows) in one.
    const quoted = csvFile('p-shard-quoted.csv', withQuote(pLines, 1500));
    const quotedWhole = runKl(['compare', quoted, q, '--kind', 'counts', '--format', 'csv']).stdout.trimEnd().split('\n');
    const quotedShards = [0, 1, 2].flatMap((index) =>
      runKl(['compare', quoted, q, '--kind', 'counts', '--format', 'csv', '--shard', `${index}/3`])
        .stdout.trimEnd()
        .split('\n')
        .slice(1),
    );
    expect(quotedShards).toEqual(quotedWhole.slice(1));
    // A bad cell in the middle shard: its line in the whole file.
    const bad = csvFile('q-shard-bad.csv', withBadCell(qLines, 2000));
    const failed = runKl(['compare', p, bad, '--kind', 'counts', '--format', 'json', '--shard', '1/3']);
    expect(failed.status).toBe(2);
    expect(failed.stdout).toBe('');
    expect(failed.stderr).toBe(`kl: error: ${bad}:2002: column 2 ("c1"): value "x" is not a number\n`);
  });

  it('a bad cell in a late segment: the same rows streamed, the same error with its line, exit 2', () => {
    expectSameFailure(csvFile('p-plain.csv', pLines), csvFile('q-bad.csv', withBadCell(qLines, 3000)), 3000);
  });

  it('one more row in Q: the same row-count error as the sequential path', () => {
    const p = csvFile('p-count.csv', pLines);
    const q = csvFile('q-long.csv', [...qLines, qLines[0]!]);
    const [parallel, general] = both(['compare', p, q, '--kind', 'counts', '--format', 'json']);
    expect(parallel.status).toBe(2);
    expect(parallel.stderr).toBe(`kl: error: P (${p}) has 3500 rows but Q (${q}) has 3501 rows\nkl: hint: ${PAIRING_HINT}\n`);
    expect([parallel.status, parallel.stdout, parallel.stderr]).toEqual([general.status, general.stdout, general.stderr]);
  });

  it('one row fewer in Q: the same row-count error as the sequential path', () => {
    const p = csvFile('p-count2.csv', pLines);
    const q = csvFile('q-short.csv', qLines.slice(0, -1));
    const [parallel, general] = both(['compare', p, q, '--kind', 'counts', '--format', 'json']);
    expect(parallel.status).toBe(2);
    expect(parallel.stderr).toBe(`kl: error: P (${p}) has 3500 rows but Q (${q}) has 3499 rows\nkl: hint: ${PAIRING_HINT}\n`);
    expect([parallel.status, parallel.stdout, parallel.stderr]).toEqual([general.status, general.stdout, general.stderr]);
  });

  it('a quote past the first chunk: segments stop before it, the last hands its lines to csv-parse, identical output', () => {
    // Past the first 64 KiB chunk, so the fast path starts, and past the first segments.
    const p = csvFile('p-quoted.csv', withQuote(pLines, 500));
    const q = csvFile('q-plain.csv', qLines);
    const [parallel, general] = both(['compare', p, q, '--kind', 'counts', '--format', 'json']);
    expect(parallel.status).toBe(0);
    expect(parallel.stdout).toBe(general.stdout);
  });

  it('files over 64 MiB each that segments do not take (entropy): one parsing worker per file; an error keeps the rows before it', () => {
    // A quote in P sends its worker to csv-parse; a bad cell in Q's last rows tests that
    // the rows parsed before it, in a block not yet full, still come out.
    const p = csvFile('p-big.csv', withQuote([...pLines, ...pLines], 500));
    expectSameFailure(p, csvFile('q-big.csv', withBadCell([...qLines, ...qLines], 6990)), 6990, 'entropy');
  });
});
