/**
 * Per-category contributions to the KL divergence: which categories make P and Q differ.
 *
 * The forward term of category i is tᵢ = pᵢ·log(pᵢ/qᵢ), evaluated as g(pᵢ, qᵢ) + (pᵢ − qᵢ)
 * (see klTerm), the same pieces whose compensated sum is D(P‖Q); so Σ tᵢ, compensated,
 * reproduces the reported KL to rounding. Terms can be negative (q > p there); only their
 * sum is ≥ 0. Zero convention: pᵢ = 0 gives tᵢ = 0; pᵢ > 0 = qᵢ gives tᵢ = +Infinity.
 * The reverse term is qᵢ·log(qᵢ/pᵢ), likewise. Values in nats.
 */
import { klTerm } from './reference.js';
import { compensatedSum } from './sum.js';

export interface Contribution {
  /** Position on the aligned support. */
  index: number;
  p: number;
  q: number;
  /** pᵢ·log(pᵢ/qᵢ), nats. */
  forward: number;
  /** qᵢ·log(qᵢ/pᵢ), nats. */
  reverse: number;
}

function term(a: number, b: number): number {
  if (a === b || a === 0) return 0;
  const g = klTerm(a, b);
  return g === Infinity ? Infinity : g + (a - b);
}

/** Every category's terms, in support order, with their compensated totals (nats). */
export function contributions(p: Float64Array, q: Float64Array): { terms: Contribution[]; forwardTotal: number; reverseTotal: number } {
  const terms: Contribution[] = [];
  const forward = new Float64Array(p.length);
  const reverse = new Float64Array(p.length);
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const qi = q[i] as number;
    forward[i] = term(pi, qi);
    reverse[i] = term(qi, pi);
    terms.push({ index: i, p: pi, q: qi, forward: forward[i] as number, reverse: reverse[i] as number });
  }
  return { terms, forwardTotal: compensatedSum(forward), reverseTotal: compensatedSum(reverse) };
}
