/**
 * Running moments that merge: what the batch statistics need once the per-row values are no
 * longer kept (stats.ts computes the same from kept values, in two passes).
 *
 * - mean: a compensated (Neumaier) sum over n, the sums of two parts merged with their
 *   compensations;
 * - the sum of squared deviations M₂: Welford's update per value and Chan, Golub and
 *   LeVeque's pairwise combination for a merge (M₂ = M₂ₐ + M₂ᵦ + δ²·nₐnᵦ/n), both stable
 *   where Σx² − (Σx)²/n is not;
 * - the co-moment C = Σ(a − ā)(b − b̄) of a pair of series, updated and merged the same way.
 * Infinite values are counted apart: they make the mean infinite and the spread Infinity,
 * as in stats.ts, and never turn the running moments into NaN.
 */
import { compensatedSum, NeumaierSum } from './sum.js';

export interface MomentsJson {
  count: number;
  sum: [number, number];
  /** The finite values' count, running mean and M₂. */
  finite: number;
  mean: number;
  m2: number;
}

export class Moments {
  count = 0;
  private sum = new NeumaierSum();
  private finite = 0;
  private runningMean = 0;
  private m2 = 0;

  add(value: number): void {
    this.count++;
    this.sum.add(value);
    if (!Number.isFinite(value)) return;
    this.finite++;
    const delta = value - this.runningMean;
    this.runningMean += delta / this.finite;
    this.m2 += delta * (value - this.runningMean);
  }

  merge(other: Moments): void {
    if (other.count === 0) return;
    this.count += other.count;
    this.sum.merge(other.sum);
    const n = this.finite + other.finite;
    if (other.finite > 0) {
      const delta = other.runningMean - this.runningMean;
      this.m2 += other.m2 + (delta * delta * this.finite * other.finite) / n;
      this.runningMean += (delta * other.finite) / n;
    }
    this.finite = n;
  }

  /** The compensated mean (±Infinity when an infinite value is among them). */
  mean(): number {
    return this.sum.value() / this.count;
  }

  /** Σ(x − x̄)² over the values, when they are all finite; else null. */
  squaredDeviations(): number | null {
    return this.finite === this.count ? this.m2 : null;
  }

  /** The standard error of the mean (n − 1 formula), as stats.ts's standardError gives it. */
  standardError(): number | null {
    const n = this.count;
    if (n < 2) return null;
    const mean = this.mean();
    if (!Number.isFinite(mean)) return Number.isNaN(mean) ? null : Infinity;
    return Math.sqrt(this.m2 / (n - 1) / n);
  }

  toJSON(): MomentsJson {
    return { count: this.count, sum: this.sum.toJSON(), finite: this.finite, mean: this.runningMean, m2: this.m2 };
  }

  static fromJSON(json: MomentsJson): Moments {
    const moments = new Moments();
    moments.count = json.count;
    moments.sum = NeumaierSum.fromJSON(json.sum);
    moments.finite = json.finite;
    moments.runningMean = json.mean;
    moments.m2 = json.m2;
    return moments;
  }
}

export interface CoMomentJson {
  count: number;
  meanA: number;
  meanB: number;
  comoment: number;
}

/** C = Σ(a − ā)(b − b̄) over pairs of finite values. */
export class CoMoment {
  count = 0;
  private meanA = 0;
  private meanB = 0;
  comoment = 0;

  add(a: number, b: number): void {
    if (!Number.isFinite(a) || !Number.isFinite(b)) return;
    this.count++;
    const deltaA = a - this.meanA;
    this.meanA += deltaA / this.count;
    this.meanB += (b - this.meanB) / this.count;
    this.comoment += deltaA * (b - this.meanB);
  }

  merge(other: CoMoment): void {
    if (other.count === 0) return;
    const n = this.count + other.count;
    const deltaA = other.meanA - this.meanA;
    const deltaB = other.meanB - this.meanB;
    this.comoment += other.comoment + (deltaA * deltaB * this.count * other.count) / n;
    this.meanA += (deltaA * other.count) / n;
    this.meanB += (deltaB * other.count) / n;
    this.count = n;
  }

  toJSON(): CoMomentJson {
    return { count: this.count, meanA: this.meanA, meanB: this.meanB, comoment: this.comoment };
  }

  static fromJSON(json: CoMomentJson): CoMoment {
    const moment = new CoMoment();
    moment.count = json.count;
    moment.meanA = json.meanA;
    moment.meanB = json.meanB;
    moment.comoment = json.comoment;
    return moment;
  }
}

/**
 * The mean and standard deviation of values, weighted (weights summing to 1) or not (the
 * sum of squared deviations divided by `divisor`: n − 1 for a sample's sd), computed on the
 * values divided by their largest magnitude so that no square overflows (values near 1e300)
 * or underflows (spreads near 1e-300). Compensated sums.
 */
export function scaledMoments(values: Float64Array, weights: Float64Array | null, divisor: number): { mean: number; sd: number } {
  let magnitude = 0;
  for (const value of values) magnitude = Math.max(magnitude, Math.abs(value));
  if (magnitude === 0) return { mean: 0, sd: 0 };
  const scaled = values.map((value) => value / magnitude);
  const mean = weights ? compensatedSum(scaled.map((x, i) => (weights[i] as number) * x)) : compensatedSum(scaled) / scaled.length;
  const squares = weights ? compensatedSum(scaled.map((x, i) => (weights[i] as number) * (x - mean) ** 2)) : compensatedSum(scaled.map((x) => (x - mean) ** 2));
  return { mean: mean * magnitude, sd: Math.sqrt(squares / divisor) * magnitude };
}
