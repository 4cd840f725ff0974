/**
 * gzip-compressed inputs: recognised by their magic bytes (whatever the name), decompressed
 * as they are read, for every text format, .npy, stdin, --targets, kl drift and kl fit;
 * the same numbers as the plain files; a damaged file is exit 2, never an internal error.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { runKl } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-gzip-'));
function gzipped(fixture: string, name: string): string {
  const path = join(dir, name);
  writeFileSync(path, gzipSync(readFileSync(fixture)));
  return path;
}

describe('gzip-compressed inputs', () => {
  it('give the same output as the plain files, for every format and side', () => {
    const pairs: [string[], string[]][] = [
      [
        ['fixtures/p.csv', 'fixtures/q.csv'],
        [gzipped('fixtures/p.csv', 'p.csv.gz'), gzipped('fixtures/q.csv', 'q.csv.gz')],
      ],
      [
        ['fixtures/counts_p.tsv', 'fixtures/counts_q.tsv', '--kind', 'counts'],
        [gzipped('fixtures/counts_p.tsv', 'p.tsv.gz'), 'fixtures/counts_q.tsv', '--kind', 'counts'],
      ],
      [
        ['fixtures/coin_p.json', 'fixtures/coin_q.json'],
        [gzipped('fixtures/coin_p.json', 'coin.json.gz'), 'fixtures/coin_q.json'],
      ],
      [
        ['fixtures/logprobs_p.jsonl', 'fixtures/logprobs_q.jsonl', '--kind', 'logprobs'],
        [gzipped('fixtures/logprobs_p.jsonl', 'lp.jsonl.gz'), 'fixtures/logprobs_q.jsonl', '--kind', 'logprobs'],
      ],
      [
        ['fixtures/batch/ref_logits.npy', 'fixtures/batch/new_logits.npy', '--kind', 'logits'],
        [gzipped('fixtures/batch/ref_logits.npy', 'ref.npy.gz'), gzipped('fixtures/batch/new_logits.npy', 'new.npy.gz'), '--kind', 'logits'],
      ],
      // No .gz in the name: the magic bytes decide, then the inner format is sniffed.
      [
        ['fixtures/p.csv', 'fixtures/q.csv'],
        [gzipped('fixtures/p.csv', 'p-compressed'), 'fixtures/q.csv'],
      ],
    ];
    for (const [plain, compressed] of pairs) {
      const expected = runKl(['compare', ...plain, '--format', 'csv']);
      expect(expected.status, expected.stderr).toBe(0);
      const actual = runKl(['compare', ...compressed, '--format', 'csv']);
      expect(actual.status, actual.stderr).toBe(0);
      expect(actual.stdout).toBe(expected.stdout);
    }
  });

  it('from stdin, as --targets, for kl drift and kl fit', () => {
    const plain = runKl(['forward', '-', 'fixtures/q.csv', '--format', 'value'], { input: readFileSync('fixtures/p.csv') });
    expect(runKl(['forward', '-', 'fixtures/q.csv', '--format', 'value'], { input: gzipSync(readFileSync('fixtures/p.csv')) }).stdout).toBe(plain.stdout);
    const llm = ['compare', 'fixtures/llm/ref_logits.npy', 'fixtures/llm/new_logits.npy', '--kind', 'logits', '--format', 'csv', '--rows', 'none'];
    expect(runKl([...llm, '--targets', gzipped('fixtures/llm/targets_flat.npy', 't.npy.gz')]).stdout).toBe(
      runKl([...llm, '--targets', 'fixtures/llm/targets_flat.npy']).stdout,
    );
    expect(runKl(['drift', gzipped('fixtures/drift/ref.csv', 'ref.csv.gz'), 'fixtures/drift/cur.csv', '--format', 'csv']).stdout).toBe(
      runKl(['drift', 'fixtures/drift/ref.csv', 'fixtures/drift/cur.csv', '--format', 'csv']).stdout,
    );
    expect(runKl(['fit', gzipped('fixtures/fit/counts.csv', 'counts.csv.gz'), '--format', 'csv']).stdout).toBe(
      runKl(['fit', 'fixtures/fit/counts.csv', '--format', 'csv']).stdout,
    );
  });

  it('a truncated or damaged gzip file is exit 2 naming it, with nothing on stdout', () => {
    const whole = gzipSync(readFileSync('fixtures/batch/ref_logits.npy'));
    const truncated = join(dir, 'truncated.npy.gz');
    writeFileSync(truncated, whole.subarray(0, whole.length >> 1));
    const damaged = join(dir, 'damaged.csv.gz');
    const bytes = Buffer.from(gzipSync(readFileSync('fixtures/p.csv')));
    const middle = bytes.length >> 1;
    bytes.writeUInt8((bytes.readUInt8(middle) ^ 0xff) & 0xff, middle);
    writeFileSync(damaged, bytes);
    for (const [path, q] of [
      [truncated, 'fixtures/batch/new_logits.npy'],
      [damaged, 'fixtures/q.csv'],
    ] as const) {
      const result = runKl(['compare', path, q, ...(q.endsWith('.npy') ? ['--kind', 'logits'] : [])]);
      expect(result.status, result.stderr).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/is not a valid gzip file|invalid|incorrect|unexpected end/);
      expect(result.stderr).not.toMatch(/internal error/);
    }
  });
});
