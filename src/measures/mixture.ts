/**
 * The generalised Jensen–Shannon divergence of more than two distributions (`kl js P Q R …`).
 */
import type { LogBase } from './base.js';
import { NeumaierSum } from './sum.js';

/**
 * The generalised Jensen–Shannon divergence of distributions on one support with weights
 * summing to 1: H(M) − Σ wᵢ H(Pᵢ) with M = Σ wᵢ Pᵢ, computed as Σ wᵢ D(Pᵢ ‖ M) (the same
 * value, as a sum of non-negative terms that does not cancel), in the unit of `base`.
 */
export function generalizedJs(distributions: readonly Float64Array[], weights: readonly number[], base: LogBase): number {
  const width = distributions[0]?.length ?? 0;
  const mixture = new Float64Array(width);
  for (let j = 0; j < width; j++) {
    const sum = new NeumaierSum();
    distributions.forEach((p, i) => {
      sum.add((weights[i] as number) * (p[j] as number));
    });
    mixture[j] = sum.value();
  }
  const total = new NeumaierSum();
  distributions.forEach((p, i) => {
    const w = weights[i] as number;
    if (w === 0) return;
    for (let j = 0; j < width; j++) {
      const pj = p[j] as number;
      if (pj > 0) total.add(w * pj * Math.log(pj / (mixture[j] as number)));
    }
  });
  return Math.max(0, total.value()) / base.lnBase;
}
