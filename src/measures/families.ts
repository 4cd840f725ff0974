/**
 * The model families `kl fit` fits: a Gaussian, Student's t and a mixture of K Gaussians.
 *
 * Each family is written over unconstrained parameters θ (scales as logarithms, mixture
 * weights as softmax logits with the last fixed at 0), so any θ ∈ ℝⁿ is a valid model and
 * an unconstrained optimiser can search them. A family gives, at a point x:
 *   - logShape(θ, x): log f_θ(x) up to a term that does not depend on x,
 *   - score(θ, x, out): ∂ logShape / ∂θ (the same up to terms independent of x).
 * Terms independent of x cancel wherever `kl fit` uses them, because a model is always
 * normalised over the grid it is compared on (fit.ts): Q_i = f(x_i)·w_i / Σ_j f(x_j)·w_j.
 */
import gammaln from '@stdlib/math-base-special-gammaln';
import type { FamilySpec } from './family-names.js';

export interface Family {
  /** gaussian, student-t, or mixture:K. */
  readonly name: string;
  /** Natural parameter names, in the order of `natural`. */
  readonly parameterNames: readonly string[];
  /** The length of θ. */
  readonly size: number;
  logShape(theta: Float64Array, x: number): number;
  /** Writes ∂ logShape/∂θ at x into out (length `size`). */
  score(theta: Float64Array, x: number, out: Float64Array): void;
  /** θ → the natural parameters (means, scales, weights, ν), in data units via x = center + scale·u. */
  natural(theta: Float64Array, center: number, scale: number): number[];
  /** Natural parameters (standardised units) → θ. */
  fromNatural(natural: readonly number[]): Float64Array;
  /** The normalised density at x of natural parameters (data units), for plots and checks. */
  density(natural: readonly number[], x: number): number;
}

const LOG_SQRT_2PI = 0.5 * Math.log(2 * Math.PI);

export const GAUSSIAN: Family = {
  name: 'gaussian',
  parameterNames: ['mean', 'sd'],
  size: 2,
  logShape(theta, x) {
    const z = (x - (theta[0] as number)) * Math.exp(-(theta[1] as number));
    return -0.5 * z * z;
  },
  score(theta, x, out) {
    const inverseScale = Math.exp(-(theta[1] as number));
    const z = (x - (theta[0] as number)) * inverseScale;
    out[0] = z * inverseScale;
    out[1] = z * z;
  },
  natural: (theta, center, scale) => [center + scale * (theta[0] as number), scale * Math.exp(theta[1] as number)],
  fromNatural: ([mean, sd]) => Float64Array.of(mean as number, Math.log(sd as number)),
  density([mean, sd], x) {
    const z = (x - (mean as number)) / (sd as number);
    return Math.exp(-0.5 * z * z - LOG_SQRT_2PI) / (sd as number);
  },
};

export const STUDENT_T: Family = {
  name: 'student-t',
  parameterNames: ['location', 'scale', 'df'],
  size: 3,
  logShape(theta, x) {
    const z = (x - (theta[0] as number)) * Math.exp(-(theta[1] as number));
    const nu = Math.exp(theta[2] as number);
    return -0.5 * (nu + 1) * Math.log1p((z * z) / nu);
  },
  score(theta, x, out) {
    const inverseScale = Math.exp(-(theta[1] as number));
    const z = (x - (theta[0] as number)) * inverseScale;
    const nu = Math.exp(theta[2] as number);
    const z2 = z * z;
    const share = (nu + 1) / (nu + z2);
    out[0] = share * z * inverseScale;
    out[1] = share * z2;
    // ∂/∂ log ν of −(ν+1)/2 · log(1 + z²/ν).
    out[2] = -0.5 * nu * Math.log1p(z2 / nu) + 0.5 * share * z2;
  },
  natural: (theta, center, scale) => [center + scale * (theta[0] as number), scale * Math.exp(theta[1] as number), Math.exp(theta[2] as number)],
  fromNatural: ([location, scale, df]) => Float64Array.of(location as number, Math.log(scale as number), Math.log(df as number)),
  density([location, scale, df], x) {
    const nu = df as number;
    const z = (x - (location as number)) / (scale as number);
    const logNorm = gammaln((nu + 1) / 2) - gammaln(nu / 2) - 0.5 * Math.log(nu * Math.PI) - Math.log(scale as number);
    return Math.exp(logNorm - 0.5 * (nu + 1) * Math.log1p((z * z) / nu));
  },
};

/**
 * A mixture of K Gaussians: θ = (a_1 … a_{K−1}, μ_1 … μ_K, log σ_1 … log σ_K), weights
 * π = softmax(a_1 … a_{K−1}, 0). Natural parameters: weight_k, mean_k, sd_k for each k, components
 * in the order of their means.
 */
export function gaussianMixture(components: number): Family {
  const k = components;
  const names = Array.from({ length: k }, (_, i) => [`weight_${i + 1}`, `mean_${i + 1}`, `sd_${i + 1}`]).flat();
  const logWeights = new Float64Array(k);
  const logTerms = new Float64Array(k);

  function setLogWeights(theta: Float64Array): void {
    let max = 0;
    for (let i = 0; i < k - 1; i++) max = Math.max(max, theta[i] as number);
    let sum = 0;
    for (let i = 0; i < k; i++) sum += Math.exp((i < k - 1 ? (theta[i] as number) : 0) - max);
    const logSum = max + Math.log(sum);
    for (let i = 0; i < k; i++) logWeights[i] = (i < k - 1 ? (theta[i] as number) : 0) - logSum;
  }

  /** Fills logTerms with log(π_k N_k(x)) (less log √2π) and returns their logsumexp. */
  function terms(theta: Float64Array, x: number): number {
    setLogWeights(theta);
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < k; i++) {
      const logSd = theta[k - 1 + k + i] as number;
      const z = (x - (theta[k - 1 + i] as number)) * Math.exp(-logSd);
      const term = (logWeights[i] as number) - logSd - 0.5 * z * z;
      logTerms[i] = term;
      if (term > max) max = term;
    }
    if (max === Number.NEGATIVE_INFINITY) return max;
    let sum = 0;
    for (let i = 0; i < k; i++) sum += Math.exp((logTerms[i] as number) - max);
    return max + Math.log(sum);
  }

  return {
    name: `mixture:${k}`,
    parameterNames: names,
    size: 3 * k - 1,
    logShape: terms,
    score(theta, x, out) {
      const total = terms(theta, x);
      for (let i = 0; i < k; i++) {
        const responsibility = Math.exp((logTerms[i] as number) - total);
        const inverseScale = Math.exp(-(theta[k - 1 + k + i] as number));
        const z = (x - (theta[k - 1 + i] as number)) * inverseScale;
        if (i < k - 1) out[i] = responsibility - Math.exp(logWeights[i] as number);
        out[k - 1 + i] = responsibility * z * inverseScale;
        out[k - 1 + k + i] = responsibility * (z * z - 1);
      }
    },
    natural(theta, center, scale) {
      setLogWeights(theta);
      const parts = Array.from({ length: k }, (_, i) => [
        Math.exp(logWeights[i] as number),
        center + scale * (theta[k - 1 + i] as number),
        scale * Math.exp(theta[k - 1 + k + i] as number),
      ]);
      parts.sort((a, b) => (a[1] as number) - (b[1] as number));
      return parts.flat();
    },
    fromNatural(natural) {
      const theta = new Float64Array(3 * k - 1);
      const last = Math.log(natural[3 * (k - 1)] as number);
      for (let i = 0; i < k; i++) {
        if (i < k - 1) theta[i] = Math.log(natural[3 * i] as number) - last;
        theta[k - 1 + i] = natural[3 * i + 1] as number;
        theta[k - 1 + k + i] = Math.log(natural[3 * i + 2] as number);
      }
      return theta;
    },
    density(natural, x) {
      let sum = 0;
      for (let i = 0; i < k; i++) sum += (natural[3 * i] as number) * GAUSSIAN.density([natural[3 * i + 1] as number, natural[3 * i + 2] as number], x);
      return sum;
    },
  };
}

/** The family a spec names. */
export function familyOf(spec: FamilySpec): Family {
  if (spec.kind === 'gaussian') return GAUSSIAN;
  if (spec.kind === 'student-t') return STUDENT_T;
  return gaussianMixture(spec.components);
}
