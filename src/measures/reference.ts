/**
 * The reference definitions of the measures, one function each, written for clarity: the
 * test oracles that the fused kernel (kernel.ts), which the program computes with, is held
 * to (bit for bit where it can be, 1e-13 relative otherwise), and the documentation of each
 * formula. Only klTerm is used by the program (the explain contributions).
 *
 * Conventions shared by every function here:
 * - Inputs are aligned `Float64Array`s of probabilities (index i is the same category
 *   in P and Q), already validated: finite, ≥ 0, each summing to 1 to rounding.
 * - Results are in nats (natural log). Convert with {@link toBase}.
 * - Zero convention: 0·log(0/q) = 0 and 0·log 0 = 0 (the limits as p → 0), so a
 *   category with p = 0 contributes nothing. A category with p > 0 and q = 0 makes
 *   KL(P‖Q) and H(P,Q) +Infinity, never NaN.
 * - Sums over categories are compensated (Neumaier), so the error does not grow
 *   with the number of categories.
 */
import { NeumaierSum } from './sum.js';

const LN2 = Math.LN2;
/** Below this |r| the series for h(r) is used; above it the closed form loses < 6 digits of nothing. */
const SERIES_THRESHOLD = 0.05;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * h(r) = (1 + r)·log1p(r) − r ≥ 0, for r > −1.
 *
 * h(r) ≈ r²/2 near 0, where the closed form cancels catastrophically; there the
 * series h(r) = Σ_{k≥2} (−1)^k r^k / (k(k−1)) is summed instead (15 terms reach
 * ε for |r| < 0.05).
 */
function h(r: number): number {
  if (Math.abs(r) < SERIES_THRESHOLD) {
    let poly = 0;
    for (let k = 16; k >= 2; k--) {
      poly = poly * r + ((k & 1) === 0 ? 1 : -1) / (k * (k - 1));
    }
    // poly = Σ_{k=2}^{16} c_k r^{k−2}; multiply back the r².
    return poly * r * r;
  }
  return (1 + r) * Math.log1p(r) - r;
}

/**
 * φ(r) = (1 + r)·log1p(r) + (1 − r)·log1p(−r) = h(r) + h(−r) ≥ 0, for r ∈ [−1, 1].
 * Series near 0: φ(r) = Σ_{k even ≥ 2} 2r^k / (k(k−1)) = r² + r⁴/6 + r⁶/15 + …
 */
function phi(r: number): number {
  const a = Math.abs(r);
  if (a === 1) return 2 * LN2;
  if (a < SERIES_THRESHOLD) {
    const r2 = r * r;
    let poly = 0;
    for (let k = 16; k >= 2; k -= 2) poly = poly * r2 + 2 / (k * (k - 1));
    return poly * r2;
  }
  return (1 + r) * Math.log1p(r) + (1 - r) * Math.log1p(-r);
}

/**
 * The generalised KL term g(p, q) = p·log(p/q) − p + q ≥ 0.
 *
 * Σ g(pᵢ, qᵢ) + Σ (pᵢ − qᵢ) = Σ pᵢ log(pᵢ/qᵢ) exactly, but the g terms are all
 * non-negative, so their sum has no cancellation even when P ≈ Q and the KL is tiny
 * (a quantised model against its base model). Near p = q it is evaluated as q·h(r),
 * r = (p − q)/q, where p − q is exact (Sterbenz) and h uses its series.
 */
export function klTerm(p: number, q: number): number {
  if (p === 0) return q;
  if (q === 0) return Infinity;
  const ratio = p / q;
  if (ratio > 0.5 && ratio < 2) return q * h((p - q) / q);
  // The ratio can overflow (q subnormal) or underflow; logs of each side cannot.
  const logRatio = ratio === Infinity || ratio < MIN_NORMAL ? Math.log(p) - Math.log(q) : Math.log(ratio);
  return p * logRatio - p + q;
}

/**
 * Shannon entropy H(P) = −Σᵢ pᵢ log pᵢ, in nats.
 *
 * Zero convention: 0·log 0 = 0. Range [0, log n].
 */
export function entropy(p: Float64Array): number {
  const sum = new NeumaierSum();
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    if (pi > 0) sum.add(-pi * Math.log(pi));
  }
  return Math.max(0, sum.value());
}

/**
 * Cross-entropy H(P, Q) = −Σᵢ pᵢ log qᵢ, in nats.
 *
 * Zero convention: terms with pᵢ = 0 are 0 whatever qᵢ is; a term with pᵢ > 0 and
 * qᵢ = 0 is +Infinity. H(P, Q) = H(P) + KL(P‖Q) holds to rounding.
 */
export function crossEntropy(p: Float64Array, q: Float64Array): number {
  const sum = new NeumaierSum();
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    if (pi === 0) continue;
    const qi = q[i] as number;
    if (qi === 0) return Infinity;
    sum.add(-pi * Math.log(qi));
  }
  return Math.max(0, sum.value());
}

/**
 * Kullback–Leibler divergence D_KL(P‖Q) = Σᵢ pᵢ log(pᵢ/qᵢ), in nats.
 *
 * The "forward" KL: the expected extra nats paid for coding samples of P with a code
 * built for Q. Not symmetric; D_KL(Q‖P) is the "reverse" KL.
 *
 * Zero convention: 0·log(0/q) = 0; pᵢ > 0 with qᵢ = 0 gives +Infinity.
 * Evaluated as Σ g(pᵢ, qᵢ) + Σ (pᵢ − qᵢ) with non-negative g (see klTerm), both
 * compensated, so the result keeps full relative accuracy even when P ≈ Q.
 * A result below zero can only come from rounding (Gibbs' inequality) and is
 * returned as 0.
 */
export function klDivergence(p: Float64Array, q: Float64Array): number {
  const terms = new NeumaierSum();
  const massDifference = new NeumaierSum();
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const qi = q[i] as number;
    if (pi === qi) continue;
    const term = klTerm(pi, qi);
    if (term === Infinity) return Infinity;
    terms.add(term);
    massDifference.add(pi - qi);
  }
  return Math.max(0, terms.value() + massDifference.value());
}

/**
 * Jensen–Shannon divergence JS(P, Q) = ½ D_KL(P‖M) + ½ D_KL(Q‖M), M = (P + Q)/2, in nats.
 *
 * Symmetric, always finite, and in [0, ln 2] (0 iff P = Q; ln 2 iff the supports are
 * disjoint). Each category contributes ((pᵢ + qᵢ)/4)·φ(rᵢ) with rᵢ = (pᵢ − qᵢ)/(pᵢ + qᵢ)
 * and φ ≥ 0 (see phi), so M is never formed and nothing cancels.
 * Zero convention: a category with one side 0 contributes ((pᵢ + qᵢ)/2)·ln 2.
 * Rounding can push the sum a hair past ln 2 when the inputs' sums are 1 ± ε;
 * the result is clamped to [0, ln 2].
 */
export function jsDivergence(p: Float64Array, q: Float64Array): number {
  const sum = new NeumaierSum();
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const qi = q[i] as number;
    if (pi === qi) continue;
    const total = pi + qi;
    if (pi === 0 || qi === 0) sum.add(total * 0.5 * LN2);
    else sum.add(total * 0.25 * phi((pi - qi) / total));
  }
  return Math.min(LN2, Math.max(0, sum.value()));
}

/**
 * Jensen–Shannon distance √JS(P, Q), a metric, in √nats.
 *
 * SciPy's `jensenshannon` returns this distance, not the divergence. The divergence
 * is clamped at 0 before the square root, so rounding can never produce NaN.
 */
export function jsDistance(p: Float64Array, q: Float64Array): number {
  return Math.sqrt(jsDivergence(p, q));
}

/**
 * Jeffreys divergence J(P, Q) = D_KL(P‖Q) + D_KL(Q‖P), in nats: the symmetrised KL.
 * +Infinity when either support is not contained in the other.
 */
export function jeffreys(p: Float64Array, q: Float64Array): number {
  return klDivergence(p, q) + klDivergence(q, p);
}

/**
 * Total variation distance TV(P, Q) = ½ Σᵢ |pᵢ − qᵢ|, in [0, 1]. Unitless: it does
 * not depend on the logarithm base.
 */
export function totalVariation(p: Float64Array, q: Float64Array): number {
  const sum = new NeumaierSum();
  for (let i = 0; i < p.length; i++) sum.add(Math.abs((p[i] as number) - (q[i] as number)));
  return Math.min(1, 0.5 * sum.value());
}

/**
 * Hellinger distance H(P, Q) = √(½ Σᵢ (√pᵢ − √qᵢ)²), in [0, 1]. Unitless.
 *
 * Summed as squares of differences rather than as 1 − Σ√(pᵢqᵢ), which cancels to
 * garbage (or a negative number) when P ≈ Q; each difference is formed as
 * (pᵢ − qᵢ)/(√pᵢ + √qᵢ) so it keeps full relative accuracy too.
 */
export function hellinger(p: Float64Array, q: Float64Array): number {
  const sum = new NeumaierSum();
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const qi = q[i] as number;
    if (pi === qi) continue;
    // √p − √q = (p − q)/(√p + √q): p − q is exact when p ≈ q, so no digits cancel.
    const difference = (pi - qi) / (Math.sqrt(pi) + Math.sqrt(qi));
    sum.add(difference * difference);
  }
  return Math.sqrt(Math.min(1, Math.max(0, 0.5 * sum.value())));
}
