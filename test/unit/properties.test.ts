/**
 * The laws every measure must obey, on random distributions (fast-check).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BITS, logBase, NATS, toBase } from '../../src/measures/base.js';
import { computeMeasures } from '../../src/measures/catalog.js';
import { crossEntropy, entropy, hellinger, jsDistance, jsDivergence, klDivergence, totalVariation } from '../../src/measures/reference.js';
import { compensatedSum } from '../../src/measures/sum.js';

/** Non-negative weights normalised to sum 1; zeros are common on purpose. */
function distribution(length: number): fc.Arbitrary<Float64Array> {
  return fc
    .array(fc.oneof(fc.constant(0), fc.double({ min: 1e-12, max: 1, noNaN: true }), fc.double({ min: 1e-300, max: 1e-6, noNaN: true })), {
      minLength: length,
      maxLength: length,
    })
    .filter((weights) => weights.some((weight) => weight > 0))
    .map((weights) => {
      const out = Float64Array.from(weights);
      const total = compensatedSum(out);
      for (let i = 0; i < out.length; i++) out[i] = (out[i] as number) / total;
      return out;
    });
}

const pair = fc.integer({ min: 1, max: 40 }).chain((n) => fc.tuple(distribution(n), distribution(n)));
/** Q with full support, so every measure is finite. */
const fullSupportPair = fc
  .integer({ min: 1, max: 40 })
  .chain((n) =>
    fc.tuple(
      distribution(n),
      distribution(n).map((q) => q.map((value) => value + 1e-3)),
    ),
  )
  .map(([p, q]) => {
    const total = compensatedSum(q);
    return [p, q.map((value) => value / total)] as const;
  });

function close(a: number, b: number, tolerance = 1e-12): boolean {
  if (a === b) return true;
  return Math.abs(a - b) <= tolerance * Math.max(1, Math.abs(a), Math.abs(b));
}

describe('laws of the measures', () => {
  it("Gibbs' inequality: KL(P‖Q) ≥ 0, never NaN", () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const value = klDivergence(p, q);
        return value >= 0 && !Number.isNaN(value);
      }),
    );
  });

  it('KL(P‖P) = 0 exactly', () => {
    fc.assert(fc.property(pair, ([p]) => klDivergence(p, p) === 0 && jsDivergence(p, p) === 0));
  });

  it('H(P,Q) = H(P) + KL(P‖Q) to rounding', () => {
    fc.assert(fc.property(fullSupportPair, ([p, q]) => close(crossEntropy(p, q), entropy(p) + klDivergence(p, q))));
  });

  it('H(P,Q) and KL(P‖Q) are infinite together', () => {
    fc.assert(fc.property(pair, ([p, q]) => (crossEntropy(p, q) === Infinity) === (klDivergence(p, q) === Infinity)));
  });

  it('0 ≤ JS ≤ ln 2, and the JS distance is never NaN', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const js = jsDivergence(p, q);
        const distance = jsDistance(p, q);
        return js >= 0 && js <= Math.LN2 && distance >= 0 && !Number.isNaN(distance);
      }),
    );
  });

  it('JS is symmetric, exactly', () => {
    fc.assert(fc.property(pair, ([p, q]) => jsDivergence(p, q) === jsDivergence(q, p)));
  });

  it('total variation and Hellinger lie in [0, 1] and are symmetric', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const tv = totalVariation(p, q);
        const h = hellinger(p, q);
        return tv >= 0 && tv <= 1 && h >= 0 && h <= 1 && tv === totalVariation(q, p) && h === hellinger(q, p);
      }),
    );
  });

  it('every measure is invariant under a permutation of the categories', () => {
    const permuted = pair.chain(([p, q]) => fc.shuffledSubarray([...p.keys()], { minLength: p.length, maxLength: p.length }).map((order) => ({ p, q, order })));
    fc.assert(
      fc.property(permuted, ({ p, q, order }) => {
        const pp = Float64Array.from(order, (i) => p[i] as number);
        const qq = Float64Array.from(order, (i) => q[i] as number);
        const names = ['entropy_p', 'cross_entropy_pq', 'kl_forward', 'kl_reverse', 'js_divergence', 'hellinger', 'total_variation'] as const;
        const before = computeMeasures(p, q, names, NATS);
        const after = computeMeasures(pp, qq, names, NATS);
        return names.every((name) => close(before[name] as number, after[name] as number));
      }),
    );
  });

  it('change of base: log_b values are nats / ln b', () => {
    const bases = fc.oneof(fc.constant(2), fc.constant(10), fc.double({ min: 1.01, max: 100, noNaN: true }));
    fc.assert(
      fc.property(fullSupportPair, bases, ([p, q], b) => {
        const base = logBase(b);
        if (!base) return false;
        const nats = klDivergence(p, q);
        const converted = computeMeasures(p, q, ['kl_forward'], base).kl_forward as number;
        return close(converted * Math.log(b), nats);
      }),
    );
    expect(toBase(Math.LN2, BITS)).toBe(1);
  });
});

describe('the fused kernel agrees with the reference definitions', () => {
  it('every measure within 1e-13 relative (or both infinite)', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const fused = computeMeasures(
          p,
          q,
          ['entropy_p', 'entropy_q', 'cross_entropy_pq', 'cross_entropy_qp', 'kl_forward', 'kl_reverse', 'js_divergence', 'total_variation', 'hellinger'],
          NATS,
        );
        const reference = {
          entropy_p: entropy(p),
          entropy_q: entropy(q),
          cross_entropy_pq: crossEntropy(p, q),
          cross_entropy_qp: crossEntropy(q, p),
          kl_forward: klDivergence(p, q),
          kl_reverse: klDivergence(q, p),
          js_divergence: jsDivergence(p, q),
          total_variation: totalVariation(p, q),
          hellinger: hellinger(p, q),
        };
        return Object.entries(reference).every(([name, value]) => close(fused[name as keyof typeof fused] as number, value, 1e-13));
      }),
      { numRuns: 500 },
    );
  });

  it('sums with the same terms in the same order are bit for bit the reference ones', () => {
    // Entropies, cross-entropies, total variation and Hellinger add the same terms as the
    // reference functions, in the same order, with the same compensated step: any change
    // to the kernel's Neumaier arithmetic shows up here as a last-bit difference.
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const fused = computeMeasures(p, q, ['entropy_p', 'entropy_q', 'cross_entropy_pq', 'cross_entropy_qp', 'total_variation', 'hellinger'], NATS);
        return (
          Object.is(fused.entropy_p, entropy(p)) &&
          Object.is(fused.entropy_q, entropy(q)) &&
          Object.is(fused.cross_entropy_pq, crossEntropy(p, q)) &&
          Object.is(fused.cross_entropy_qp, crossEntropy(q, p)) &&
          Object.is(fused.total_variation, totalVariation(p, q)) &&
          Object.is(fused.hellinger, hellinger(p, q))
        );
      }),
      { numRuns: 1000 },
    );
  });
});
