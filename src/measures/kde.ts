/**
 * A Gaussian kernel density estimate of raw samples on a uniform grid, as
 * scipy.stats.gaussian_kde computes it in one dimension:
 *
 *     f̂(x) = 1/(n·h·√(2π)) · Σ_j exp(−((x − X_j)/h)² / 2),   h = factor · s
 *
 * with s the samples' standard deviation (n − 1 in the denominator) and SciPy's factors:
 * Scott's n^(−1/5) or Silverman's (3n/4)^(−1/5), or a bandwidth h given outright. The grid
 * runs from min − 3h to max + 3h. Every sample enters every point's sum (no binning, no
 * cut-off), so the estimate is SciPy's to rounding.
 */
import { linspace } from './binning.js';
import { scaledMoments } from './moments.js';

export type BandwidthRule = 'scott' | 'silverman' | { value: number };

export interface KernelDensity {
  x: Float64Array;
  density: Float64Array;
  bandwidth: number;
}

/** The samples' standard deviation with n − 1 in the denominator (compensated sums). */
export function sampleSd(samples: Float64Array): number {
  return scaledMoments(samples, null, samples.length - 1).sd;
}

export function bandwidthOf(samples: Float64Array, rule: BandwidthRule): number {
  if (typeof rule === 'object') return rule.value;
  const n = samples.length;
  const factor = rule === 'scott' ? n ** -0.2 : ((3 * n) / 4) ** -0.2;
  return factor * sampleSd(samples);
}

export function gaussianKde(samples: Float64Array, rule: BandwidthRule, points: number): KernelDensity {
  const h = bandwidthOf(samples, rule);
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  for (const value of samples) {
    if (value < min) min = value;
    if (value > max) max = value;
  }
  const x = Float64Array.from(linspace(min - 3 * h, max + 3 * h, points));
  const norm = 1 / (samples.length * h * Math.sqrt(2 * Math.PI));
  const density = new Float64Array(points);
  const inverse = 1 / h;
  for (let i = 0; i < points; i++) {
    const at = x[i] as number;
    let sum = 0;
    for (const value of samples) {
      const z = (at - value) * inverse;
      sum += Math.exp(-0.5 * z * z);
    }
    density[i] = sum * norm;
  }
  return { x, density, bandwidth: h };
}
