/** Turning what users have into probabilities (measures/prepare.ts): kinds, tolerance, smoothing. */

import { describe, expect, it } from 'vitest';
import { smooth, toProbabilities } from '../../src/measures/prepare.js';
import { compensatedSum } from '../../src/measures/sum.js';
import { options, probsOf } from '../helpers/prepare.js';

describe('kinds', () => {
  it('probabilities within tolerance are accepted and rescaled to sum 1', () => {
    const probs = probsOf([0.5, 0.5000001], 'probs');
    expect(compensatedSum(probs)).toBeCloseTo(1, 15);
  });
  it('probabilities outside tolerance are refused with a --normalize hint', () => {
    const prepared = toProbabilities(Float64Array.from([0.5, 0.4]), 'probs', options);
    expect(prepared.ok).toBe(false);
    if (!prepared.ok) {
      expect(prepared.code).toBe('not-normalized');
      expect(prepared.hint).toContain('--normalize');
    }
  });
  it('--normalize rescales and reports the original mass', () => {
    const prepared = toProbabilities(Float64Array.from([0.5, 0.4]), 'probs', { ...options, normalize: true });
    expect(prepared.ok && prepared.mass).toBeCloseTo(0.9, 15);
    expect(prepared.ok && Array.from(prepared.probs)).toEqual([0.5 / 0.9, 0.4 / 0.9]);
  });
  it('counts are divided by their total, even when the total overflows', () => {
    expect(Array.from(probsOf([1, 3], 'counts'))).toEqual([0.25, 0.75]);
    const huge = probsOf([1e308, 1e308, 1e308], 'counts');
    expect(Array.from(huge).every((value) => Math.abs(value - 1 / 3) < 1e-15)).toBe(true);
  });
  it('negative values and zero mass are refused with the category index', () => {
    const negative = toProbabilities(Float64Array.from([0.5, -0.1, 0.6]), 'probs', options);
    expect(!negative.ok && negative.code).toBe('negative-value');
    expect(!negative.ok && negative.index).toBe(1);
    const zero = toProbabilities(Float64Array.from([0, 0]), 'counts', options);
    expect(!zero.ok && zero.code).toBe('zero-mass');
  });
  it('log-probabilities must be normalised in log space unless --normalize', () => {
    const good = probsOf([Math.log(0.25), Math.log(0.75)], 'logprobs');
    expect(good[0]).toBeCloseTo(0.25, 15);
    const bad = toProbabilities(Float64Array.from([Math.log(0.25), Math.log(0.25)]), 'logprobs', options);
    expect(!bad.ok && bad.code).toBe('not-normalized');
  });
  it('−Infinity is allowed for log kinds but not for probabilities', () => {
    expect(Array.from(probsOf([0, -Infinity], 'logprobs'))).toEqual([1, 0]);
    const refused = toProbabilities(Float64Array.from([1, -Infinity]), 'probs', options);
    expect(!refused.ok && refused.code).toBe('non-finite-value');
  });
  it('temperature divides the logits', () => {
    const hot = probsOf([2, 0], 'logits', { ...options, temperature: 2 });
    const plain = probsOf([1, 0], 'logits');
    expect(hot[0]).toBeCloseTo(plain[0] as number, 15);
  });
});

describe('smoothing', () => {
  it('adds ε to every category and renormalises', () => {
    const out = smooth(Float64Array.from([1, 0]), 0.5);
    expect(Array.from(out)).toEqual([0.75, 0.25]);
  });
});
