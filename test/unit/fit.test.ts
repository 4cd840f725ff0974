/**
 * kl fit's numerics: the analytic gradients against finite differences, the forward
 * Gaussian's closed form (moment matching) against the numerical optimum, each fit optimal
 * for its own objective, the optimiser on a known minimum, and the KDE against SciPy's
 * bandwidths (fixtures/reference/fit.json, scripts/make-fit-references.py).
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { familyOf } from '../../src/measures/families.js';
import { parseFamilyName } from '../../src/measures/family-names.js';
import { cellWidths, type Direction, fitFamily, fitObjective, type Grid, momentsOf } from '../../src/measures/fit.js';
import { bandwidthOf, gaussianKde } from '../../src/measures/kde.js';
import { minimize } from '../../src/measures/optimize.js';
import { loadJson, ROOT } from '../helpers/reference.js';

function normalPdf(x: number, mean: number, sd: number): number {
  return Math.exp(-0.5 * ((x - mean) / sd) ** 2) / (sd * Math.sqrt(2 * Math.PI));
}

/** P from a density on a grid, as kl reads a `x,density` file. */
function gridOf(x: Float64Array, density: (x: number) => number): Grid {
  const widths = cellWidths(x);
  const masses = x.map((value, i) => density(value) * (widths[i] as number));
  const total = masses.reduce((a, b) => a + b, 0);
  return { x, p: masses.map((mass) => mass / total) };
}

function range(from: number, to: number, step: number): Float64Array {
  return Float64Array.from({ length: Math.round((to - from) / step) + 1 }, (_, i) => from + i * step);
}

const BIMODAL = gridOf(range(-8, 10, 0.05), (x) => 0.6 * normalPdf(x, -2, 1) + 0.4 * normalPdf(x, 4, 1));
const FAMILIES = ['gaussian', 'student-t', 'mixture:1', 'mixture:2', 'mixture:3'];
const DIRECTIONS: Direction[] = ['forward', 'reverse'];

/** The objective's value at natural parameters (standardised units), through fitFamily's own code path. */
function objectiveAt(grid: Grid, familyName: string, direction: Direction, theta: Float64Array): number {
  const family = familyOf(parseFamilyName(familyName) as NonNullable<ReturnType<typeof parseFamilyName>>);
  const { mean, sd } = momentsOf(grid);
  const u = grid.x.map((x) => (x - mean) / sd);
  const logW = cellWidths(u).map(Math.log);
  const ell = u.map((value, i) => family.logShape(theta, value) + (logW[i] as number));
  const max = Math.max(...ell);
  const logZ = max + Math.log(ell.reduce((sum, value) => sum + Math.exp(value - max), 0));
  let value = 0;
  ell.forEach((l, i) => {
    const logQ = l - logZ;
    const p = grid.p[i] as number;
    if (direction === 'forward' && p > 0) value += p * (Math.log(p) - logQ);
    if (direction === 'reverse') value += Math.exp(logQ) * (logQ - Math.log(p));
  });
  return value;
}

describe('kl fit numerics', () => {
  it('the objective is D(P‖Q) or D(Q‖P) of Q on the grid, and its analytic gradient matches central differences', () => {
    for (const name of FAMILIES) {
      const family = familyOf(parseFamilyName(name) as NonNullable<ReturnType<typeof parseFamilyName>>);
      for (const direction of DIRECTIONS) {
        const objective = fitObjective(BIMODAL, family, direction);
        // A point away from the optimum: the gradient's components are far from 0.
        const theta = Float64Array.from({ length: family.size }, (_, i) => 0.3 * Math.sin(1.7 * i + 0.4) - (i % 3 === 2 ? 0.2 : 0));
        const gradient = new Float64Array(family.size);
        const value = objective(theta, gradient);
        expect(Math.abs(value - objectiveAt(BIMODAL, name, direction, theta)), `${name} ${direction}`).toBeLessThan(1e-13 * Math.max(1, value));
        const scratch = new Float64Array(family.size);
        for (let k = 0; k < family.size; k++) {
          const h = 1e-5;
          const up = Float64Array.from(theta);
          const down = Float64Array.from(theta);
          up[k] = (up[k] as number) + h;
          down[k] = (down[k] as number) - h;
          const numeric = (objective(up, scratch) - objective(down, scratch)) / (2 * h);
          expect(Math.abs((gradient[k] as number) - numeric), `${name} ${direction} θ${k}`).toBeLessThan(1e-8 * Math.max(1, Math.abs(numeric)));
        }
      }
    }
  });

  it('the fitted optimum is a stationary point of the very objective it reports', () => {
    for (const name of FAMILIES.slice(0, 4)) {
      for (const direction of DIRECTIONS) {
        const fit = fitFamily(BIMODAL, familyOf(parseFamilyName(name) as NonNullable<ReturnType<typeof parseFamilyName>>), direction);
        expect(fit.converged, `${name} ${direction}`).toBe(true);
        expect(fit.gradientNorm).toBeLessThanOrEqual(1e-10);
        const q = fit.q.reduce((a, b) => a + b, 0);
        expect(Math.abs(q - 1)).toBeLessThan(1e-12);
      }
    }
  });

  it('forward Gaussian: the closed form (P’s mean and sd) is the optimum when the grid holds the tails', () => {
    // A skewed P on a wide, fine grid: moment matching and the grid optimum agree to 1e-9.
    const grid = gridOf(range(-40, 60, 0.02), (x) => 0.7 * normalPdf(x, 1, 1.5) + 0.3 * normalPdf(x, 6, 3));
    const { mean, sd } = momentsOf(grid);
    const fit = fitFamily(grid, familyOf({ kind: 'gaussian' }), 'forward');
    expect(Math.abs((fit.parameters[0] as number) - mean) / sd).toBeLessThan(1e-9);
    expect(Math.abs((fit.parameters[1] as number) - sd) / sd).toBeLessThan(1e-9);
    // On the bimodal fixture's narrower grid the tails are cut, and the optimum moves off it.
    const cut = fitFamily(BIMODAL, familyOf({ kind: 'gaussian' }), 'forward');
    expect(Math.abs((cut.parameters[1] as number) - momentsOf(BIMODAL).sd)).toBeGreaterThan(1e-3);
  });

  it('each fit is the better one for its own objective: forward has the smaller D(P‖Q), reverse the smaller D(Q‖P)', () => {
    for (const name of ['gaussian', 'student-t', 'mixture:2']) {
      const family = familyOf(parseFamilyName(name) as NonNullable<ReturnType<typeof parseFamilyName>>);
      const forward = fitFamily(BIMODAL, family, 'forward');
      const reverse = fitFamily(BIMODAL, family, 'reverse');
      expect(forward.objective).toBeLessThanOrEqual(objectiveAt(BIMODAL, name, 'forward', family.fromNatural(standardised(reverse.parameters, name))) + 1e-12);
      expect(reverse.objective).toBeLessThanOrEqual(objectiveAt(BIMODAL, name, 'reverse', family.fromNatural(standardised(forward.parameters, name))) + 1e-12);
    }
  });

  it('forward covers both modes, reverse sits on one (the textbook picture)', () => {
    const family = familyOf({ kind: 'gaussian' });
    const [forwardMean, forwardSd] = fitFamily(BIMODAL, family, 'forward').parameters as [number, number];
    const [reverseMean, reverseSd] = fitFamily(BIMODAL, family, 'reverse').parameters as [number, number];
    expect(forwardMean).toBeGreaterThan(-2);
    expect(forwardMean).toBeLessThan(4);
    expect(forwardSd).toBeGreaterThan(3);
    expect(Math.abs(reverseMean - -2)).toBeLessThan(0.1 * reverseSd);
  });

  it('the optimiser finds the Rosenbrock minimum to the gradient tolerance', () => {
    const rosenbrock = (x: Float64Array, g: Float64Array) => {
      const a = x[0] as number;
      const b = x[1] as number;
      g[0] = -2 * (1 - a) - 400 * a * (b - a * a);
      g[1] = 200 * (b - a * a);
      return (1 - a) ** 2 + 100 * (b - a * a) ** 2;
    };
    const result = minimize(rosenbrock, Float64Array.of(-1.2, 1));
    expect(result.converged).toBe(true);
    expect(Math.abs((result.x[0] as number) - 1)).toBeLessThan(1e-9);
    expect(Math.abs((result.x[1] as number) - 1)).toBeLessThan(1e-9);
  });

  it('KDE bandwidths are SciPy’s (Scott and Silverman factors times the sd with n − 1)', () => {
    const reference = loadJson<{ cases: { input: string; bandwidth?: number }[] }>('reference/fit.json');
    const samples = Float64Array.from(loadText('fit/samples.csv').trim().split('\n').slice(1).map(Number));
    for (const rule of ['scott', 'silverman'] as const) {
      const expected = reference.cases.find((c) => c.input === `samples.csv:${rule}`)?.bandwidth as number;
      expect(Math.abs(bandwidthOf(samples, rule) - expected) / expected).toBeLessThan(1e-13);
    }
    const kde = gaussianKde(Float64Array.of(0, 1, 3), { value: 0.5 }, 7);
    expect(kde.x[0]).toBe(-1.5);
    expect(kde.x[6]).toBe(4.5);
    // ∫ of the estimate over a wide fine grid is 1.
    const fine = gaussianKde(samples, 'scott', 4001);
    const step = (fine.x[1] as number) - (fine.x[0] as number);
    expect(Math.abs(fine.density.reduce((a, b) => a + b, 0) * step - 1)).toBeLessThan(1e-3);
  });
});

/** Natural parameters (data units) of a fit on BIMODAL → natural parameters in its standardised units. */
function standardised(parameters: number[], name: string): number[] {
  const { mean, sd } = momentsOf(BIMODAL);
  if (name === 'gaussian') return [((parameters[0] as number) - mean) / sd, (parameters[1] as number) / sd];
  if (name === 'student-t') return [((parameters[0] as number) - mean) / sd, (parameters[1] as number) / sd, parameters[2] as number];
  return parameters.map((value, i) => (i % 3 === 1 ? (value - mean) / sd : i % 3 === 2 ? value / sd : value));
}

function loadText(path: string): string {
  return readFileSync(join(ROOT, 'fixtures', path), 'utf8');
}
