/**
 * Fitting a model family to a distribution P on a grid by minimising a KL divergence, in
 * either direction. Pure: arrays in, numbers out.
 *
 * P is given as masses P_i at increasing points x_i (Σ P_i = 1). A model with density f_θ
 * becomes a distribution on the same points by its density times each point's cell width,
 * normalised over the grid:
 *
 *     Q_θ,i = f_θ(x_i)·w_i / Σ_j f_θ(x_j)·w_j,   w_i = (x_{i+1} − x_{i−1}) / 2
 *
 * (the ends take their one neighbour's spacing), i.e. the model conditioned on the grid. Both
 * objectives are then ordinary discrete divergences, the numbers `kl compare` prints for the
 * columns P and Q_θ:
 *
 *     forward  D(P‖Q_θ) = Σ P_i log(P_i/Q_θ,i)    mass-covering: Q must be > 0 wherever P is
 *     reverse  D(Q_θ‖P) = Σ Q_θ,i log(Q_θ,i/P_i)  mode-seeking: Q is pushed away from where P is small
 *
 * with 0·log 0 = 0. The gradients are short in the score s_i = ∂ log f_θ(x_i)/∂θ:
 *
 *     ∇ forward = Σ (Q_i − P_i)·s_i,     ∇ reverse = Σ Q_i·s_i·(log(Q_i/P_i) − D(Q‖P)).
 *
 * For a Gaussian, the forward optimum is moment matching (mean and variance of P) when the
 * grid holds the whole model; a grid that cuts the model's tails moves it a little, so the
 * moment-matched Gaussian is kept as the closed form and the numerical optimum starts there.
 * Everything is computed on x standardised by P's mean and standard deviation, in log space.
 */
import type { Family } from './families.js';
import { scaledMoments } from './moments.js';
import { type Minimum, minimize } from './optimize.js';

export type Direction = 'forward' | 'reverse';

export interface Grid {
  x: Float64Array;
  /** P's masses at x, summing to 1. */
  p: Float64Array;
}

export interface FitOutcome {
  direction: Direction;
  /** The natural parameters (family.parameterNames), in the data's units. */
  parameters: number[];
  /** Q_θ on the grid (masses summing to 1) and their logarithms. */
  q: Float64Array;
  logQ: Float64Array;
  /** The minimised divergence, in nats. */
  objective: number;
  iterations: number;
  evaluations: number;
  /** max |∂/∂θ| at the optimum, in the standardised parameters (x in units of P's sd; logs of scales). */
  gradientNorm: number;
  converged: boolean;
  /** How many starting points were tried, and how many of them reached the reported optimum. */
  starts: number;
  agreeing: number;
}

/** Each point's cell width: half the distance between its neighbours (the ends: their one spacing). */
export function cellWidths(x: Float64Array): Float64Array {
  const n = x.length;
  const widths = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    if (n === 1) widths[i] = 1;
    else if (i === 0) widths[i] = (x[1] as number) - (x[0] as number);
    else if (i === n - 1) widths[i] = (x[i] as number) - (x[i - 1] as number);
    else widths[i] = ((x[i + 1] as number) - (x[i - 1] as number)) / 2;
  }
  return widths;
}

/** P's mean and standard deviation (the forward Gaussian's closed form). */
export function momentsOf(grid: Grid): { mean: number; sd: number } {
  return scaledMoments(grid.x, grid.p, 1);
}

/** The problem in standardised coordinates u = (x − center)/scale, with what the objective needs. */
class Problem {
  readonly u: Float64Array;
  readonly logWidths: Float64Array;
  readonly logP: Float64Array;
  private readonly ell: Float64Array;
  private readonly score: Float64Array;
  readonly center: number;
  readonly scale: number;

  constructor(
    readonly grid: Grid,
    readonly family: Family,
  ) {
    const { mean, sd } = momentsOf(grid);
    this.center = mean;
    this.scale = sd;
    this.u = Float64Array.from(grid.x, (x) => (x - mean) / sd);
    this.logWidths = Float64Array.from(cellWidths(this.u), Math.log);
    this.logP = Float64Array.from(grid.p, Math.log);
    this.ell = new Float64Array(grid.x.length);
    this.score = new Float64Array(family.size);
  }

  /** log Q_θ into `logQ`. */
  logQOf(theta: Float64Array, logQ: Float64Array): void {
    const n = this.u.length;
    let max = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < n; i++) {
      const value = this.family.logShape(theta, this.u[i] as number) + (this.logWidths[i] as number);
      this.ell[i] = value;
      if (value > max) max = value;
    }
    let sum = 0;
    for (let i = 0; i < n; i++) sum += Math.exp((this.ell[i] as number) - max);
    const logZ = max + Math.log(sum);
    for (let i = 0; i < n; i++) logQ[i] = (this.ell[i] as number) - logZ;
  }

  objective(direction: Direction): (theta: Float64Array, gradient: Float64Array) => number {
    const n = this.u.length;
    const logQ = new Float64Array(n);
    return (theta, gradient) => {
      this.logQOf(theta, logQ);
      gradient.fill(0);
      let value = 0;
      if (direction === 'forward') {
        for (let i = 0; i < n; i++) {
          const p = this.grid.p[i] as number;
          if (p > 0) value += p * ((this.logP[i] as number) - (logQ[i] as number));
          const weight = Math.exp(logQ[i] as number) - p;
          if (weight === 0) continue;
          this.family.score(theta, this.u[i] as number, this.score);
          for (let k = 0; k < gradient.length; k++) gradient[k] = (gradient[k] as number) + weight * (this.score[k] as number);
        }
        return value;
      }
      for (let i = 0; i < n; i++) {
        const q = Math.exp(logQ[i] as number);
        if (q > 0) value += q * ((logQ[i] as number) - (this.logP[i] as number));
      }
      if (!Number.isFinite(value)) return Number.POSITIVE_INFINITY;
      for (let i = 0; i < n; i++) {
        const q = Math.exp(logQ[i] as number);
        if (q === 0) continue;
        const weight = q * ((logQ[i] as number) - (this.logP[i] as number) - value);
        this.family.score(theta, this.u[i] as number, this.score);
        for (let k = 0; k < gradient.length; k++) gradient[k] = (gradient[k] as number) + weight * (this.score[k] as number);
      }
      return value;
    };
  }
}

interface Mode {
  at: number;
  height: number;
  sd: number;
}

/** P's local maxima (of its density P_i/w_i, in standardised units), highest first, with a width each. */
function modesOf(problem: Problem, limit: number): Mode[] {
  const n = problem.u.length;
  const density = Float64Array.from(problem.logP, (logP, i) => Math.exp(logP - (problem.logWidths[i] as number)));
  const spacing = (problem.u[n - 1] as number) - (problem.u[0] as number);
  const modes: Mode[] = [];
  for (let i = 0; i < n; i++) {
    const d = density[i] as number;
    if (!(d > 0)) continue;
    const left = i === 0 ? -1 : (density[i - 1] as number);
    const right = i === n - 1 ? -1 : (density[i + 1] as number);
    if (!(d > left && d >= right)) continue;
    let lo = i;
    let hi = i;
    while (lo > 0 && (density[lo - 1] as number) >= d / 2 && (density[lo - 1] as number) <= (density[lo] as number)) lo--;
    while (hi < n - 1 && (density[hi + 1] as number) >= d / 2 && (density[hi + 1] as number) <= (density[hi] as number)) hi++;
    // The half width at half maximum of a Gaussian is 1.1774 σ; a one-point peak gets a few points' width.
    const halfWidth = Math.max(((problem.u[hi] as number) - (problem.u[lo] as number)) / 2, (2 * spacing) / n);
    modes.push({ at: problem.u[i] as number, height: d, sd: halfWidth / 1.1774 });
  }
  modes.sort((a, b) => b.height - a.height);
  return modes.slice(0, limit);
}

/** P's quantile at level in standardised units (the first point whose cumulative mass reaches it). */
function quantileOf(problem: Problem, level: number): number {
  let cumulative = 0;
  for (let i = 0; i < problem.u.length; i++) {
    cumulative += problem.grid.p[i] as number;
    if (cumulative >= level) return problem.u[i] as number;
  }
  return problem.u[problem.u.length - 1] as number;
}

/** Starting points, as natural parameters in standardised units: moments, P's modes, quantiles. */
function startsFor(problem: Problem): number[][] {
  const family = problem.family;
  const modes = modesOf(problem, 6);
  const gaussians = [[0, 1], ...modes.map((mode) => [mode.at, mode.sd])];
  if (family.name === 'gaussian') return gaussians;
  if (family.name === 'student-t') return gaussians.flatMap(([at, sd]) => [3, 30].map((df) => [at as number, sd as number, df]));
  const k = family.size === 2 ? 1 : (family.size + 1) / 3;
  if (k === 1) return gaussians.map(([at, sd]) => [1, at as number, sd as number]);
  const byQuantile = Array.from({ length: k }, (_, i) => [1 / k, quantileOf(problem, (i + 0.5) / k), 1 / k]);
  const starts = [byQuantile.flat()];
  if (modes.length > 0) {
    const byModes = Array.from({ length: k }, (_, i) => {
      const mode = modes[i];
      return mode ? [1 / k, mode.at, mode.sd] : (byQuantile[i] as number[]);
    });
    starts.push(byModes.flat());
    // All components on the highest mode, spread out: a start a reverse fit can keep to one mode from.
    const top = modes[0] as Mode;
    starts.push(Array.from({ length: k }, (_, i) => [1 / k, top.at + ((i - (k - 1) / 2) * top.sd) / k, top.sd]).flat());
  }
  return starts;
}

/**
 * The objective fitFamily minimises, with its gradient: θ in the optimiser's standardised
 * units (x measured from P's mean in units of P's sd). Exposed for tests.
 */
export function fitObjective(grid: Grid, family: Family, direction: Direction): (theta: Float64Array, gradient: Float64Array) => number {
  return new Problem(grid, family).objective(direction);
}

/** Fits `family` to P in one direction: the best of several starts (see startsFor). */
export function fitFamily(grid: Grid, family: Family, direction: Direction): FitOutcome {
  const problem = new Problem(grid, family);
  const objective = problem.objective(direction);
  const results: Minimum[] = startsFor(problem).map((start) =>
    minimize(objective, family.fromNatural(start), { gradientTolerance: 1e-10, maxIterations: 5000 }),
  );
  let best = results[0] as Minimum;
  for (const result of results) if (result.value < best.value) best = result;
  const agreeing = results.filter((result) => Math.abs(result.value - best.value) <= 1e-9 * Math.max(1e-3, Math.abs(best.value))).length;
  const logQ = new Float64Array(grid.x.length);
  problem.logQOf(best.x, logQ);
  return {
    direction,
    parameters: family.natural(best.x, problem.center, problem.scale),
    q: Float64Array.from(logQ, Math.exp),
    logQ,
    objective: best.value,
    iterations: best.iterations,
    evaluations: results.reduce((sum, result) => sum + result.evaluations, 0),
    gradientNorm: best.gradientNorm,
    converged: best.converged,
    starts: results.length,
    agreeing,
  };
}
