/** Log-space kernels (measures/logspace.ts): stable log-softmax, logits against 50-digit references. */

import { describe, expect, it } from 'vitest';
import { logSumExp, softmaxWithLogs } from '../../src/measures/logspace.js';
import { klDivergence } from '../../src/measures/reference.js';
import { options, probsOf } from '../helpers/prepare.js';
import { loadJson, parseReference, relativeError } from '../helpers/reference.js';

describe('log-space kernels', () => {
  it('logSumExp does not overflow at 1e3', () => {
    expect(logSumExp([1000, 1000])).toBeCloseTo(1000 + Math.LN2, 12);
  });
  it('log-softmax of [1000, 999, 990] matches the shifted closed form', () => {
    const out = softmaxWithLogs([1000, 999, 990])?.logProbs as Float64Array;
    const z = 1 + Math.exp(-1) + Math.exp(-10);
    expect(out[0]).toBeCloseTo(-Math.log(z), 15);
    expect(out[2]).toBeCloseTo(-10 - Math.log(z), 14);
  });
  it('−Infinity logits are probability 0; all −Infinity is zero mass', () => {
    const out = softmaxWithLogs([0, -Infinity]);
    expect(Array.from(out?.logProbs ?? [])).toEqual([0, -Infinity]);
    expect(Array.from(out?.probs ?? [])).toEqual([1, 0]);
    expect(softmaxWithLogs([-Infinity, -Infinity])).toBeNull();
  });
});

interface LogitCase {
  name: string;
  temperature: number;
  p_logits: number[];
  q_logits: number[];
  expected_nats: Record<string, string>;
}

describe('logits against 50-digit references', () => {
  const reference = loadJson<{ cases: LogitCase[] }>('reference/logits.json');
  for (const testCase of reference.cases) {
    it(`${testCase.name}: KL both ways within 1e-12 relative`, () => {
      const opts = { ...options, temperature: testCase.temperature };
      const p = probsOf(testCase.p_logits, 'logits', opts);
      const q = probsOf(testCase.q_logits, 'logits', opts);
      expect(relativeError(klDivergence(p, q), parseReference(testCase.expected_nats['kl_forward'] as string))).toBeLessThan(1e-12);
      expect(relativeError(klDivergence(q, p), parseReference(testCase.expected_nats['kl_reverse'] as string))).toBeLessThan(1e-12);
    });
  }
});
