/**
 * Model-output evaluation against llama.cpp's KL-divergence statistics, ported to NumPy by
 * scripts/make-llm-references.py (fixtures/reference/llm.json): every key, 1e-12 relative.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runJson, runKl } from '../helpers/cli.js';
import { loadJson, ROOT, relativeError } from '../helpers/reference.js';

interface LlamaStatistics {
  rows: number;
  ignored?: number;
  scalars: Record<string, number>;
  kl_forward: Record<string, number>;
  delta_p: Record<string, number>;
}
interface Reference {
  every_position: LlamaStatistics;
  next_token: LlamaStatistics;
}
interface BatchJson {
  row_count: number;
  summary: Record<string, number | Record<string, number | null>>;
}

const reference = loadJson<Reference>('reference/llm.json');
const LOGITS = ['fixtures/llm/ref_logits.npy', 'fixtures/llm/new_logits.npy', '--kind', 'logits'];

/** Every statistic llama.cpp reports, within 1e-12 relative (its uncertainties need more than 10 rows: so do these). */
function expectLlamaStatistics(report: BatchJson, expected: LlamaStatistics): void {
  expect(report.row_count).toBe(expected.rows);
  for (const [name, value] of Object.entries(expected.scalars)) {
    expect(relativeError(report.summary[name] as number, value), name).toBeLessThan(1e-12);
  }
  for (const column of ['kl_forward', 'delta_p'] as const) {
    const stats = report.summary[column] as Record<string, number>;
    for (const [name, value] of Object.entries(expected[column])) {
      expect(relativeError(stats[name] as number, value), `${column}.${name}`).toBeLessThan(1e-12);
    }
  }
}

describe("llama.cpp's KL-divergence statistics", () => {
  it('every key on (B·T) rows of logits with one target per row', () => {
    const report = runJson<BatchJson>(['compare', ...LOGITS, '--targets', 'fixtures/llm/targets_flat.npy']);
    expectLlamaStatistics(report, reference.every_position);
  });
  it('--percentiles adds keys to every summary and to the check names', () => {
    const report = runJson<BatchJson>(['compare', ...LOGITS, '--percentiles', '97.5,99.99', '--max', 'kl_forward.p97_5=1']);
    const stats = report.summary['kl_forward'] as Record<string, number>;
    expect(Object.keys(stats)).toEqual(
      expect.arrayContaining(['p0_1', 'p1', 'p5', 'p10', 'p25', 'median', 'p75', 'p90', 'p95', 'p99', 'p99_9', 'p97_5', 'p99_99']),
    );
    expect(stats['p97_5']).toBeGreaterThan(stats['p95'] as number);
    expect(stats['p97_5']).toBeLessThan(stats['p99'] as number);
  });
});

describe('targets the way PyTorch gives them', () => {
  const nextToken = ['--targets', 'fixtures/llm/tokens.npy', '--next-token', '--ignore-index', '-100'];
  it('(B, T, V) logits, (B, T) input token ids, --next-token --ignore-index -100: every llama.cpp key', () => {
    const report = runJson<BatchJson & { ignored_rows: number }>(['compare', ...LOGITS, ...nextToken]);
    expectLlamaStatistics(report, reference.next_token);
    expect(report.ignored_rows).toBe(reference.next_token.ignored);
  });
  it('targets shifted beforehand give the same numbers; rows keep their positions', () => {
    const shifted = runJson<BatchJson & { worst: { rows: { index: number }[] } }>([
      'compare',
      ...LOGITS,
      '--targets',
      'fixtures/llm/next_targets.npy',
      '--ignore-index',
      '-100',
    ]);
    const shifting = runJson<BatchJson & { worst: { rows: { index: number }[] } }>(['compare', ...LOGITS, ...nextToken]);
    expect(shifted.summary).toEqual(shifting.summary);
    // Row 126 (sequence 1, position 62) has the largest D(P‖Q): its index is its position, not its rank among kept rows.
    expect(shifting.worst.rows[0]?.index).toBe(126);
    expect((shifting.summary['kl_forward'] as Record<string, number>)['argmax']).toBe(126);
  });
  it('--mask leaves rows out with or without targets', () => {
    const masked = runJson<BatchJson & { ignored_rows: number }>(['compare', ...LOGITS, '--mask', 'fixtures/llm/mask.npy']);
    expect(masked).toMatchObject({ row_count: 218, ignored_rows: 38 });
    const both = runJson<BatchJson & { ignored_rows: number }>(['compare', ...LOGITS, ...nextToken, '--mask', 'fixtures/llm/mask.npy']);
    expect(both).toMatchObject({ row_count: 214, ignored_rows: 42 });
  });
  it('(B, T) targets as JSON arrays of sequences and as JSONL lines of sequences', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-llm-'));
    const tokens = readNpyInts('fixtures/llm/tokens.npy', 64);
    writeFileSync(join(dir, 'tokens.json'), JSON.stringify(tokens));
    writeFileSync(join(dir, 'tokens.jsonl'), `${tokens.map((sequence) => JSON.stringify(sequence)).join('\n')}\n`);
    const fromNpy = runJson<BatchJson>(['compare', ...LOGITS, ...nextToken]);
    for (const file of ['tokens.json', 'tokens.jsonl']) {
      expect(runJson<BatchJson>(['compare', ...LOGITS, '--targets', join(dir, file), '--next-token', '--ignore-index', '-100']).summary).toEqual(
        fromNpy.summary,
      );
    }
  });
  it('padding without --ignore-index is refused naming the flag; --next-token needs --targets; a short mask is named', () => {
    const padded = runKl(['compare', ...LOGITS, '--targets', 'fixtures/llm/next_targets.npy', '--format', 'json']);
    expect(padded.status).toBe(2);
    expect(padded.stdout).toBe('');
    expect(padded.stderr).toContain('target index -100 is outside 0…299');
    expect(padded.stderr).toContain('kl: hint: --ignore-index -100 leaves the rows with this target out');
    const noTargets = runKl(['compare', ...LOGITS, '--next-token']);
    expect(noTargets.status).toBe(2);
    expect(noTargets.stderr).toContain('--next-token needs --targets FILE');
    const dir = mkdtempSync(join(tmpdir(), 'kl-llm-mask-'));
    writeFileSync(join(dir, 'mask.json'), JSON.stringify(Array(100).fill(1)));
    const short = runKl(['compare', ...LOGITS, '--mask', join(dir, 'mask.json'), '--format', 'json']);
    expect(short.status).toBe(2);
    expect(short.stderr).toContain('--mask ends after 100 rows; the inputs have more');
    writeFileSync(join(dir, 'none.json'), JSON.stringify(Array(256).fill(0)));
    expect(runKl(['compare', ...LOGITS, '--mask', join(dir, 'none.json')]).stderr).toContain('every row (256) is left out by --mask');
  });
});

/** A small (B, T) integer .npy as nested arrays (int32, C order). */
function readNpyInts(path: string, width: number): number[][] {
  const bytes = readFileSync(join(ROOT, path));
  const headerLength = bytes.readUInt16LE(8);
  const data = new Int32Array(bytes.buffer.slice(bytes.byteOffset + 10 + headerLength, bytes.byteOffset + bytes.length));
  const rows: number[][] = [];
  for (let i = 0; i < data.length; i += width) rows.push([...data.subarray(i, i + width)]);
  return rows;
}

describe('top-k log-probabilities from APIs (--kind topk-logprobs)', () => {
  const TOPK = ['fixtures/topk/ref.jsonl', 'fixtures/topk/cur.jsonl', '--kind', 'topk-logprobs'];
  const lines = (path: string) =>
    readFileSync(join(ROOT, path), 'utf8')
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
  /** OpenAI's {top_logprobs: [{token, logprob}]} or a plain {token: logprob}, as token → probability. */
  const probabilities = (line: Record<string, unknown>): Map<string, number> => {
    const list = line['top_logprobs'] as { token: string; logprob: number }[] | undefined;
    return new Map(
      list ? list.map((entry) => [entry.token, Math.exp(entry.logprob)]) : Object.entries(line).map(([token, value]) => [token, Math.exp(value as number)]),
    );
  };

  it('measures over the shared tokens and the rest, says lower_bound, and reads OpenAI’s top_logprobs', () => {
    const report = runJson<BatchJson & { lower_bound?: boolean; rows: { measures: Record<string, number> }[] }>(['compare', ...TOPK, '--rows', 'all']);
    expect(report.lower_bound).toBe(true);
    const [refLines, curLines] = [lines('fixtures/topk/ref.jsonl'), lines('fixtures/topk/cur.jsonl')];
    refLines.forEach((refLine, i) => {
      const p = probabilities(refLine);
      const q = probabilities(curLines[i] as Record<string, unknown>);
      const shared = [...p.keys()].filter((token) => q.has(token));
      const pShared = shared.map((token) => p.get(token) as number);
      const qShared = shared.map((token) => q.get(token) as number);
      const pRest = 1 - pShared.reduce((a, b) => a + b, 0);
      const qRest = 1 - qShared.reduce((a, b) => a + b, 0);
      const terms = [...pShared.map((pi, j) => pi * Math.log(pi / (qShared[j] as number))), pRest * Math.log(pRest / qRest)];
      const expected = terms.reduce((a, b) => a + b, 0);
      expect(relativeError(report.rows[i]?.measures['kl_forward'] as number, expected), `row ${i}`).toBeLessThan(1e-9);
    });
    // The same lists as plain {token: logprob} objects give the same numbers.
    const dir = mkdtempSync(join(tmpdir(), 'kl-topk-'));
    writeFileSync(
      join(dir, 'cur.jsonl'),
      `${curLines.map((line) => JSON.stringify(Object.fromEntries([...probabilities(line)].map(([token, p]) => [token, Math.log(p)])))).join('\n')}\n`,
    );
    const plain = runJson<BatchJson>(['compare', 'fixtures/topk/ref.jsonl', join(dir, 'cur.jsonl'), '--kind', 'topk-logprobs']);
    expect((plain.summary['kl_forward'] as Record<string, number>)['mean']).toBeCloseTo(
      (report.summary['kl_forward'] as Record<string, number>)['mean'] as number,
      14,
    );
  });
  it('refuses a line whose probabilities sum above 1, and top-k on one side only', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-topk-bad-'));
    writeFileSync(join(dir, 'over.jsonl'), `${JSON.stringify({ a: Math.log(0.7), b: Math.log(0.6) })}\n`);
    const over = runKl(['compare', join(dir, 'over.jsonl'), join(dir, 'over.jsonl'), '--kind', 'topk-logprobs', '--format', 'json']);
    expect(over.status).toBe(2);
    expect(over.stdout).toBe('');
    expect(over.stderr).toContain('the top-k probabilities sum to 1.2999999999999998, above 1');
    const oneSide = runKl(['compare', ...TOPK.slice(0, 2), '--p-kind', 'topk-logprobs', '--q-kind', 'logprobs']);
    expect(oneSide.status).toBe(2);
    expect(oneSide.stderr).toContain('give it to both sides');
  });
});
