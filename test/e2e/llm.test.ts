/**
 * Model-output evaluation against llama.cpp's KL-divergence statistics, ported to NumPy by
 * scripts/make-llm-references.py (fixtures/reference/llm.json): every key, 1e-12 relative.
 */
import { describe, expect, it } from 'vitest';
import { runJson } from '../helpers/cli.js';
import { loadJson, relativeError } from '../helpers/reference.js';

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
export function expectLlamaStatistics(report: BatchJson, expected: LlamaStatistics): void {
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
