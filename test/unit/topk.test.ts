/**
 * Top-k lists compared over the partition of shared tokens and the rest: every divergence
 * is a lower bound of the one on the full distributions (merging categories never increases
 * it), and the partition keeps each side's mass.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NATS } from '../../src/measures/base.js';
import { computeMeasures } from '../../src/measures/catalog.js';
import { REST_LABEL, topkPartition } from '../../src/measures/topk.js';

const positive = (length: number) => fc.array(fc.double({ min: 1e-6, max: 1, noNaN: true }), { minLength: length, maxLength: length });

describe('topkPartition', () => {
  it('gives lower bounds of D(P‖Q), D(Q‖P), JS and total variation on the full distributions', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 40 }).chain((v) => fc.tuple(positive(v), positive(v), fc.integer({ min: 1, max: v }), fc.integer({ min: 1, max: v }))),
        ([pw, qw, kp, kq]) => {
          const normalise = (w: number[]) => {
            const total = w.reduce((a, b) => a + b, 0);
            return Float64Array.from(w, (x) => x / total);
          };
          const p = normalise(pw);
          const q = normalise(qw);
          const labels = Array.from(p, (_, i) => `t${i}`);
          const top = (d: Float64Array, k: number) => [...d.keys()].sort((a, b) => (d[b] as number) - (d[a] as number)).slice(0, k);
          const pTop = top(p, kp);
          const qTop = top(q, kq);
          const partition = topkPartition(
            pTop.map((i) => labels[i] as string),
            pTop.map((i) => p[i] as number),
            qTop.map((i) => labels[i] as string),
            qTop.map((i) => q[i] as number),
          );
          expect(partition.labels[partition.labels.length - 1]).toBe(REST_LABEL);
          expect(partition.p.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
          expect(partition.q.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 12);
          const names = ['kl_forward', 'kl_reverse', 'js_divergence', 'total_variation'] as const;
          const full = computeMeasures(p, q, names, NATS);
          const merged = computeMeasures(partition.p, partition.q, names, NATS);
          // Up to the rounding of 1 − Σ (the rest is all the input says about the other tokens).
          for (const name of names) expect(merged[name] as number).toBeLessThanOrEqual((full[name] as number) * (1 + 1e-9) + 1e-12);
        },
      ),
      { numRuns: 500 },
    );
  });
  it('puts a token listed on one side only into the rest of both', () => {
    const partition = topkPartition(['a', 'b'], [0.5, 0.3], ['b', 'c'], [0.6, 0.2]);
    expect(partition.labels).toEqual(['b', REST_LABEL]);
    expect([...partition.p]).toEqual([0.3, 0.7]);
    expect(partition.q[0]).toBe(0.6);
    expect(partition.q[1]).toBeCloseTo(0.4, 15);
  });
});
