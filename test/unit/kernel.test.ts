/**
 * The kernel's speed-ups must not move a bit: the series with their coefficients written
 * out equal the series by their definition, and the one-direction kernel equals the fused
 * kernel's sum for that direction, on inputs that take every branch.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BITS, NATS } from '../../src/measures/base.js';
import { MEASURE_NAMES, measurePair } from '../../src/measures/catalog.js';
import { divergenceKernel, hSeries, type KernelWants, pairKernel, phiSeries } from '../../src/measures/kernel.js';

/** h(r) by Horner's rule over (−1)^k / (k(k − 1)), k = 16 … 2, as the kernel first wrote it. */
function hByDefinition(r: number): number {
  let poly = 0;
  for (let k = 16; k >= 2; k--) poly = poly * r + ((k & 1) === 0 ? 1 : -1) / (k * (k - 1));
  return poly * r * r;
}

/** φ(r) by Horner's rule over 2 / (k(k − 1)), even k = 16 … 2. */
function phiByDefinition(r: number): number {
  const r2 = r * r;
  let poly = 0;
  for (let k = 16; k >= 2; k -= 2) poly = poly * r2 + 2 / (k * (k - 1));
  return poly * r2;
}

const seriesArgument = fc.oneof(
  fc.double({ min: -0.05, max: 0.05, noNaN: true }),
  fc.double({ min: -1e-8, max: 1e-8, noNaN: true }),
  fc.constantFrom(0, -0, 5e-324, -5e-324, 0.049999999999999996, -0.049999999999999996),
);

describe('the near-equal series', () => {
  it('hSeries is bit for bit the series by its definition', () => {
    fc.assert(
      fc.property(seriesArgument, (r) => Object.is(hSeries(r), hByDefinition(r))),
      { numRuns: 20000 },
    );
  });

  it('phiSeries is bit for bit the series by its definition', () => {
    fc.assert(
      fc.property(seriesArgument, (r) => Object.is(phiSeries(r), phiByDefinition(r))),
      { numRuns: 20000 },
    );
  });
});

/** A probability-like value: ordinary, tiny, subnormal or zero. */
const mass = fc.oneof(
  { weight: 6, arbitrary: fc.double({ min: 1e-6, max: 1, noNaN: true }) },
  { weight: 1, arbitrary: fc.double({ min: 0, max: 1e-300, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(0) },
);

/** (p, q) pairs: independent, equal, or q a small relative perturbation of p (the series). */
const pair = fc.oneof(
  fc.tuple(mass, mass),
  mass.map((p) => [p, p] as [number, number]),
  fc.tuple(mass, fc.double({ min: -0.2, max: 0.2, noNaN: true })).map(([p, e]) => [p, p * (1 + e)] as [number, number]),
  fc.tuple(mass, fc.double({ min: -1e-6, max: 1e-6, noNaN: true })).map(([p, e]) => [p, p * (1 + e)] as [number, number]),
);

const ALL: KernelWants = { entropy: true, cross: true, kl: true, js: true, totalVariation: true, hellinger: true };

describe('divergenceKernel', () => {
  it('gives each KL direction bit for bit as pairKernel does, with and without logs, normalised or not', () => {
    fc.assert(
      fc.property(fc.array(pair, { minLength: 1, maxLength: 40 }), fc.boolean(), fc.boolean(), (pairs, withLogs, normalized) => {
        const p = Float64Array.from(pairs, ([pi]) => pi);
        const q = Float64Array.from(pairs, ([, qi]) => qi);
        const logP = withLogs ? p.map(Math.log) : undefined;
        const logQ = withLogs ? q.map(Math.log) : undefined;
        const fused = pairKernel(p, q, ALL, logP, logQ, normalized);
        const forward = divergenceKernel(p, q, false, logP, logQ, normalized);
        const reverse = divergenceKernel(p, q, true, logP, logQ, normalized);
        expect(forward.divergence).toBe(fused.klPQ);
        expect(reverse.divergence).toBe(fused.klQP);
        expect([forward.pOnly, forward.qOnly, reverse.pOnly, reverse.qOnly]).toEqual([fused.pOnly, fused.qOnly, fused.pOnly, fused.qOnly]);
      }),
      { numRuns: 3000 },
    );
  });

  it('is what measurePair uses for one direction, with the same value as among all measures', () => {
    const p = Float64Array.from([0.5, 0.25, 0.125, 0.125, 0]);
    const q = Float64Array.from([0.49, 0.26, 0.125, 0.1, 0.025]);
    const all = measurePair(p, q, MEASURE_NAMES, NATS).measures;
    expect(measurePair(p, q, ['kl_forward'], NATS).measures).toEqual({ kl_forward: all.kl_forward });
    expect(measurePair(p, q, ['kl_reverse'], BITS).measures.kl_reverse).toBe(measurePair(p, q, MEASURE_NAMES, BITS).measures.kl_reverse);
    expect(measurePair(p, q, ['kl_reverse'], NATS).measures.kl_reverse).toBe(Infinity);
  });
});
