/**
 * The logits path keeps the 1e-12 promise where it is hardest: near-identical float32
 * logits over a 32000-token vocabulary (a quantised model against its base), per-row KL
 * 1e-8…1e-10, against 50-digit references (scripts/make-references.py).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { measureAligned } from '../../src/compute/pair.js';
import { NATS } from '../../src/measures/base.js';
import { toProbabilities } from '../../src/measures/prepare.js';
import { runJson } from '../helpers/cli.js';
import { npyBytes } from '../helpers/npy.js';
import { loadJson, parseReference, relativeError } from '../helpers/reference.js';

interface NearRow {
  noise: number;
  p_f32_base64: string;
  q_f32_base64: string;
  kl_forward: string;
  kl_reverse: string;
}
const reference = loadJson<{ rows: NearRow[]; mean_kl_forward: string }>('reference/logits-32000.json');

function float32s(base64: string): Float32Array {
  const bytes = Buffer.from(base64, 'base64');
  return new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
}

const options = { normalize: false, tolerance: 1e-6, temperature: 1 };

function softmax(logits: Float32Array) {
  const prepared = toProbabilities(logits, 'logits', options);
  if (!prepared.ok) throw new Error(prepared.message);
  return prepared;
}

describe('near-identical 32000-category float32 logits', () => {
  for (const row of reference.rows) {
    it(`noise ${row.noise}: KL both ways within 1e-12 relative of the 50-digit value`, () => {
      const p = softmax(float32s(row.p_f32_base64));
      const q = softmax(float32s(row.q_f32_base64));
      const { measures } = measureAligned({ p: p.probs, q: q.probs }, p, q, ['kl_forward', 'kl_reverse'], { smooth: 0, base: NATS });
      expect(relativeError(measures.kl_forward as number, parseReference(row.kl_forward))).toBeLessThan(1e-12);
      expect(relativeError(measures.kl_reverse as number, parseReference(row.kl_reverse))).toBeLessThan(1e-12);
    });
  }

  const dir = mkdtempSync(join(tmpdir(), 'kl-logits-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('the CLI on the same rows as .npy: every row and the batch mean within 1e-12', () => {
    const width = 32000;
    const matrix = (side: 'p_f32_base64' | 'q_f32_base64') => {
      const data = new Float32Array(reference.rows.length * width);
      for (const [i, row] of reference.rows.entries()) data.set(float32s(row[side]), i * width);
      return npyBytes(data, [reference.rows.length, width]);
    };
    writeFileSync(join(dir, 'ref.npy'), matrix('p_f32_base64'));
    writeFileSync(join(dir, 'new.npy'), matrix('q_f32_base64'));
    const report = runJson<{ rows: { measures: Record<string, number> }[]; summary: Record<string, { mean: number }> }>([
      'compare',
      join(dir, 'ref.npy'),
      join(dir, 'new.npy'),
      '--kind',
      'logits',
    ]);
    reference.rows.forEach((row, i) => {
      expect(relativeError(report.rows[i]?.measures['kl_forward'] as number, parseReference(row.kl_forward))).toBeLessThan(1e-12);
      expect(relativeError(report.rows[i]?.measures['kl_reverse'] as number, parseReference(row.kl_reverse))).toBeLessThan(1e-12);
    });
    expect(relativeError(report.summary['kl_forward']?.mean as number, parseReference(reference.mean_kl_forward))).toBeLessThan(1e-12);
  });
});
