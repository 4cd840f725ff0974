/**
 * Unconstrained minimisation by L-BFGS (Nocedal & Wright, Numerical Optimization, 2nd ed.:
 * Algorithm 7.4, the two-loop recursion, with the line search of Algorithms 3.5–3.6 under the
 * strong Wolfe conditions, c₁ = 1e-4, c₂ = 0.9).
 *
 * Written here because the registry has no maintained L-BFGS for JavaScript (the packages
 * that exist are unmaintained one-offs); `kl fit` needs only this one method on smooth
 * objectives of a few parameters, and tests check it against SciPy's L-BFGS-B.
 */

/** Writes the gradient at x into `gradient` and returns the objective's value there. */
export type Objective = (x: Float64Array, gradient: Float64Array) => number;

export interface MinimizeOptions {
  /** Stop when max |∂f/∂xᵢ| ≤ this. */
  gradientTolerance: number;
  maxIterations: number;
  /** Correction pairs kept. */
  memory: number;
}

export interface Minimum {
  x: Float64Array;
  value: number;
  gradientNorm: number;
  iterations: number;
  evaluations: number;
  /** Whether the gradient criterion was met (otherwise the iteration or the line search stopped it). */
  converged: boolean;
  /** Why it stopped, in words. */
  stop: 'gradient' | 'iterations' | 'no-progress';
}

const DEFAULTS: MinimizeOptions = { gradientTolerance: 1e-10, maxIterations: 2000, memory: 10 };

function dot(a: Float64Array, b: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += (a[i] as number) * (b[i] as number);
  return sum;
}

function maxAbs(a: Float64Array): number {
  let max = 0;
  for (const value of a) max = Math.max(max, Math.abs(value));
  return max;
}

interface Point {
  step: number;
  value: number;
  slope: number;
  x: Float64Array;
  gradient: Float64Array;
}

/** The objective at x + step·direction: its value, gradient and slope along the direction. */
function pointAlong(f: Objective, x: Float64Array, direction: Float64Array, step: number): Point {
  const point = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) point[i] = (x[i] as number) + step * (direction[i] as number);
  const gradient = new Float64Array(x.length);
  const value = f(point, gradient);
  return { step, value, slope: dot(gradient, direction), x: point, gradient };
}

/** A step along `direction` satisfying the strong Wolfe conditions, or null when none is found. */
function lineSearch(f: Objective, x: Float64Array, value: number, gradient: Float64Array, direction: Float64Array, firstStep: number): Point | null {
  const c1 = 1e-4;
  const c2 = 0.9;
  const slope0 = dot(gradient, direction);
  const at = (step: number): Point => pointAlong(f, x, direction, step);
  const zoom = (lowIn: Point, highIn: Point): Point | null => {
    let low = lowIn;
    let high = highIn;
    for (let k = 0; k < 30; k++) {
      // Cubic interpolation between the ends when both are finite, bisection otherwise; kept inside the bracket.
      let step = 0.5 * (low.step + high.step);
      if (Number.isFinite(high.value) && Number.isFinite(high.slope)) {
        const d1 = low.slope + high.slope - (3 * (low.value - high.value)) / (low.step - high.step);
        const root = d1 * d1 - low.slope * high.slope;
        if (root >= 0) {
          const d2 = Math.sign(high.step - low.step) * Math.sqrt(root);
          const cubic = high.step - ((high.step - low.step) * (high.slope + d2 - d1)) / (high.slope - low.slope + 2 * d2);
          const lo = Math.min(low.step, high.step);
          const hi = Math.max(low.step, high.step);
          const margin = 0.1 * (hi - lo);
          if (cubic > lo + margin && cubic < hi - margin) step = cubic;
        }
      }
      if (step === low.step || step === high.step) return null;
      const trial = at(step);
      if (!Number.isFinite(trial.value) || trial.value > value + c1 * step * slope0 || trial.value >= low.value) {
        high = trial;
      } else {
        if (Math.abs(trial.slope) <= -c2 * slope0) return trial;
        if (trial.slope * (high.step - low.step) >= 0) high = low;
        low = trial;
      }
    }
    return null;
  };
  let previous: Point = { step: 0, value, slope: slope0, x, gradient };
  let step = firstStep;
  for (let k = 0; k < 60; k++) {
    const trial = at(step);
    if (!Number.isFinite(trial.value) || trial.value > value + c1 * step * slope0 || (k > 0 && trial.value >= previous.value)) {
      return zoom(previous, trial);
    }
    if (Math.abs(trial.slope) <= -c2 * slope0) return trial;
    if (trial.slope >= 0) return zoom(trial, previous);
    previous = trial;
    step *= 2;
  }
  return null;
}

/**
 * At the objective's floating-point resolution the values no longer tell a better point from
 * a worse one while the gradient still does. This search (the idea of Hager & Zhang's
 * approximate Wolfe conditions) then looks for |φ'(α)| ≤ c₂·|φ'(0)| by the derivative's sign
 * alone, and accepts a value that is no worse than the start's within `slack`.
 */
function slopeSearch(
  f: Objective,
  x: Float64Array,
  value: number,
  gradient: Float64Array,
  direction: Float64Array,
  firstStep: number,
  slack: number,
): Point | null {
  const c2 = 0.9;
  const slope0 = dot(gradient, direction);
  const at = (step: number): Point => pointAlong(f, x, direction, step);
  const acceptable = (point: Point) => Number.isFinite(point.value) && point.value <= value + slack && Math.abs(point.slope) <= -c2 * slope0;
  let low = 0;
  let high = Number.POSITIVE_INFINITY;
  let step = firstStep;
  for (let k = 0; k < 100; k++) {
    const trial = at(step);
    if (acceptable(trial)) return trial;
    if (!Number.isFinite(trial.value) || trial.slope > 0 || trial.value > value + slack) high = step;
    else low = step;
    step = high === Number.POSITIVE_INFINITY ? 2 * step : 0.5 * (low + high);
    if (step === low || step === high) return null;
  }
  return null;
}

/** The minimum of f from x0 (see the module's note). */
export function minimize(f: Objective, x0: Float64Array, options: Partial<MinimizeOptions> = {}): Minimum {
  const { gradientTolerance, maxIterations, memory } = { ...DEFAULTS, ...options };
  let x: Float64Array = Float64Array.from(x0);
  let gradient: Float64Array = new Float64Array(x.length);
  let value = f(x, gradient);
  let evaluations = 1;
  const counted: Objective = (point, g) => {
    evaluations++;
    return f(point, g);
  };
  const steps: Float64Array[] = [];
  const changes: Float64Array[] = [];
  const alphas = new Float64Array(memory);
  let stop: Minimum['stop'] = 'iterations';
  let atResolution = false;
  let iterations = 0;
  for (; iterations < maxIterations; iterations++) {
    if (maxAbs(gradient) <= gradientTolerance) {
      stop = 'gradient';
      break;
    }
    // Two-loop recursion: direction = −H·gradient.
    const direction = Float64Array.from(gradient, (g) => -g);
    for (let i = steps.length - 1; i >= 0; i--) {
      const s = steps[i] as Float64Array;
      const y = changes[i] as Float64Array;
      const alpha = dot(s, direction) / dot(y, s);
      alphas[i] = alpha;
      for (let j = 0; j < x.length; j++) direction[j] = (direction[j] as number) - alpha * (y[j] as number);
    }
    if (steps.length > 0) {
      const s = steps[steps.length - 1] as Float64Array;
      const y = changes[changes.length - 1] as Float64Array;
      const gamma = dot(s, y) / dot(y, y);
      for (let j = 0; j < x.length; j++) direction[j] = (direction[j] as number) * gamma;
    }
    for (let i = 0; i < steps.length; i++) {
      const s = steps[i] as Float64Array;
      const y = changes[i] as Float64Array;
      const beta = dot(y, direction) / dot(y, s);
      for (let j = 0; j < x.length; j++) direction[j] = (direction[j] as number) + ((alphas[i] as number) - beta) * (s[j] as number);
    }
    if (!(dot(direction, gradient) < 0)) {
      // Not a descent direction (curvature information gone bad): start again from steepest descent.
      steps.length = 0;
      changes.length = 0;
      for (let j = 0; j < x.length; j++) direction[j] = -(gradient[j] as number);
    }
    const firstStep = steps.length === 0 ? Math.min(1, 1 / Math.max(maxAbs(gradient), 1e-300)) : 1;
    // Once the values stop resolving steps, they stay so: the slope search from then on.
    const slack = 1e-14 * Math.max(1, Math.abs(value));
    let next = atResolution ? null : lineSearch(counted, x, value, gradient, direction, firstStep);
    if (next === null) {
      next = slopeSearch(counted, x, value, gradient, direction, firstStep, slack);
      if (next !== null) atResolution = true;
    }
    if (next === null) {
      if (steps.length === 0) {
        stop = 'no-progress';
        break;
      }
      steps.length = 0;
      changes.length = 0;
      continue;
    }
    const s = Float64Array.from(next.x, (v, j) => v - (x[j] as number));
    const y = Float64Array.from(next.gradient, (g, j) => g - (gradient[j] as number));
    if (dot(s, y) > 1e-16 * Math.sqrt(dot(s, s) * dot(y, y))) {
      steps.push(s);
      changes.push(y);
      if (steps.length > memory) {
        steps.shift();
        changes.shift();
      }
    }
    const unchanged = next.value === value && s.every((v) => v === 0);
    x = next.x;
    gradient = next.gradient;
    value = next.value;
    if (unchanged) {
      stop = 'no-progress';
      break;
    }
  }
  const gradientNorm = maxAbs(gradient);
  if (gradientNorm <= gradientTolerance) stop = 'gradient';
  return { x, value, gradientNorm, iterations, evaluations, converged: stop === 'gradient', stop };
}
