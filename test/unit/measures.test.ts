import { describe, expect, it } from 'vitest';
import { BITS, NATS, toBase } from '../../src/measures/base.js';
import { computeMeasures, MEASURE_NAMES, measurePair } from '../../src/measures/catalog.js';
import { crossEntropy, entropy, hellinger, jeffreys, jsDistance, jsDivergence, klDivergence, totalVariation } from '../../src/measures/reference.js';
import { loadJson, parseReference, relativeError } from '../helpers/reference.js';

interface ReferenceCase {
  name: string;
  p: number[];
  q: number[];
  expected_nats: Record<string, string>;
}

const reference = loadJson<{ cases: ReferenceCase[] }>('reference/measures.json');
const f64 = (values: number[]): Float64Array => Float64Array.from(values);

describe('measures against 50-digit mpmath references', () => {
  for (const testCase of reference.cases) {
    it(`${testCase.name}: every measure within 1e-12 relative`, () => {
      const measures = computeMeasures(f64(testCase.p), f64(testCase.q), MEASURE_NAMES, NATS);
      for (const name of MEASURE_NAMES) {
        const expected = parseReference(testCase.expected_nats[name] as string);
        const actual = measures[name] as number;
        expect(Number.isNaN(actual), `${name} is NaN`).toBe(false);
        expect(relativeError(actual, expected), `${name}: ${actual} vs ${expected}`).toBeLessThanOrEqual(1e-12);
      }
    });
  }
});

describe('the textbook case', () => {
  const p = f64([0.7, 0.3]);
  const q = f64([0.5, 0.5]);
  it('D_KL(P‖Q) = 0.0822829 nats', () => {
    expect(klDivergence(p, q)).toBeCloseTo(0.0822829, 7);
  });
  it('in bits it is the nats value / ln 2', () => {
    expect(toBase(klDivergence(p, q), BITS)).toBeCloseTo(0.0822829 / Math.LN2, 7);
  });
  it('entropy of a fair coin is ln 2 nats', () => {
    expect(entropy(q)).toBe(Math.LN2);
  });
});

describe('zero policy', () => {
  it('0·log(0/q) = 0: a category with p = 0 adds nothing', () => {
    expect(klDivergence(f64([0.5, 0.5, 0]), f64([0.25, 0.25, 0.5]))).toBeCloseTo(Math.log(2), 15);
    expect(entropy(f64([1, 0]))).toBe(0);
  });
  it('p > 0 with q = 0 is +Infinity, never NaN', () => {
    expect(klDivergence(f64([0.5, 0.5]), f64([1, 0]))).toBe(Infinity);
    expect(crossEntropy(f64([0.5, 0.5]), f64([1, 0]))).toBe(Infinity);
    expect(jeffreys(f64([0.5, 0.5]), f64([1, 0]))).toBe(Infinity);
  });
  it('JS stays finite and equals ln 2 on disjoint supports', () => {
    expect(jsDivergence(f64([1, 0]), f64([0, 1]))).toBe(Math.LN2);
    expect(jsDistance(f64([1, 0]), f64([0, 1]))).toBe(Math.sqrt(Math.LN2));
  });
  it('counts the categories that make each direction infinite', () => {
    const { pOnly, qOnly } = measurePair(f64([0.5, 0.5, 0, 0]), f64([0.5, 0, 0.5, 0]), ['kl_forward'], NATS);
    expect({ pOnly, qOnly }).toEqual({ pOnly: 1, qOnly: 1 });
  });
});

describe('numerical edge cases', () => {
  it('identical distributions give exactly 0 for every divergence', () => {
    const p = f64([0.1, 0.2, 0.3, 0.4]);
    expect(klDivergence(p, p)).toBe(0);
    expect(jsDivergence(p, p)).toBe(0);
    expect(jsDistance(p, p)).toBe(0);
    expect(hellinger(p, p)).toBe(0);
    expect(totalVariation(p, p)).toBe(0);
  });
  it('JS distance is not NaN when the divergence rounds to a tiny value', () => {
    const p = f64([0.1, 0.2, 0.3, 0.4]);
    const q = f64([0.1, 0.2, 0.3, 0.4 + 1e-17]);
    expect(Number.isNaN(jsDistance(p, q))).toBe(false);
  });
  it('handles subnormal probabilities and a subnormal q without overflow', () => {
    const p = f64([1 - 1e-300, 1e-300, 5e-324]);
    const q = f64([1 - 2e-310, 1e-310, 1e-310]);
    const value = klDivergence(p, q);
    expect(Number.isFinite(value)).toBe(true);
    expect(value).toBeGreaterThanOrEqual(0);
  });
  it('total variation and Hellinger stay in [0, 1]', () => {
    expect(totalVariation(f64([1, 0]), f64([0, 1]))).toBe(1);
    expect(hellinger(f64([1, 0]), f64([0, 1]))).toBe(1);
  });
});
