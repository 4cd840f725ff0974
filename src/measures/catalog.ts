/**
 * The one catalog of measures between a pair of aligned distributions: for each, what it
 * is called, its unit, when it is infinite, what the fused kernel must sum for it
 * (kernel.ts) and how its value is formed from those sums. The kernel's work, the unitless
 * set, the zero-policy warnings, the wording and the check names all come from here:
 * adding a measure is an entry here (and a sum in the kernel if it needs a new one).
 * Names are part of the JSON schema; their order is the display order.
 */
import { type LogBase, toBase } from './base.js';
import { divergenceSums, type KernelSums, type KernelWants, pairSums } from './kernel.js';

export interface MeasureSpec {
  /** For people: "forward KL". */
  title: string;
  /** What is computed, with the inputs' names: `D(p.csv ‖ q.csv)`. */
  expression(p: string, q: string): string;
  /** `log`: in the unit of --base; `sqrt-log`: its square root (√nats); `none`: unitless. */
  unit: 'log' | 'sqrt-log' | 'none';
  /** Infinite when some q = 0 < p (`q-zero`), some p = 0 < q (`p-zero`), either, or never. */
  infiniteWhen: 'q-zero' | 'p-zero' | 'either' | 'never';
  /** What the kernel must sum. */
  needs: keyof KernelWants;
  /** The value from the kernel's sums (in nats), in the unit of `base`. */
  value(sums: KernelSums, base: LogBase): number;
}

export const MEASURES = {
  entropy_p: {
    title: 'entropy of P',
    expression: (p) => `H(${p})`,
    unit: 'log',
    infiniteWhen: 'never',
    needs: 'entropy',
    value: (s, b) => toBase(s.entropyP, b),
  },
  entropy_q: {
    title: 'entropy of Q',
    expression: (_p, q) => `H(${q})`,
    unit: 'log',
    infiniteWhen: 'never',
    needs: 'entropy',
    value: (s, b) => toBase(s.entropyQ, b),
  },
  cross_entropy_pq: {
    title: 'cross-entropy P→Q',
    expression: (p, q) => `H(${p}, ${q})`,
    unit: 'log',
    infiniteWhen: 'q-zero',
    needs: 'cross',
    value: (s, b) => toBase(s.crossPQ, b),
  },
  cross_entropy_qp: {
    title: 'cross-entropy Q→P',
    expression: (p, q) => `H(${q}, ${p})`,
    unit: 'log',
    infiniteWhen: 'p-zero',
    needs: 'cross',
    value: (s, b) => toBase(s.crossQP, b),
  },
  kl_forward: {
    title: 'forward KL',
    expression: (p, q) => `D(${p} ‖ ${q})`,
    unit: 'log',
    infiniteWhen: 'q-zero',
    needs: 'kl',
    value: (s, b) => toBase(s.klPQ, b),
  },
  kl_reverse: {
    title: 'reverse KL',
    expression: (p, q) => `D(${q} ‖ ${p})`,
    unit: 'log',
    infiniteWhen: 'p-zero',
    needs: 'kl',
    value: (s, b) => toBase(s.klQP, b),
  },
  js_divergence: {
    title: 'Jensen–Shannon divergence',
    expression: (p, q) => `JS(${p}, ${q})`,
    unit: 'log',
    infiniteWhen: 'never',
    needs: 'js',
    value: (s, b) => toBase(s.js, b),
  },
  // √(JS in the chosen base), as scipy.spatial.distance.jensenshannon.
  js_distance: {
    title: 'Jensen–Shannon distance',
    expression: (p, q) => `√JS(${p}, ${q})`,
    unit: 'sqrt-log',
    infiniteWhen: 'never',
    needs: 'js',
    value: (s, b) => Math.sqrt(toBase(s.js, b)),
  },
  jeffreys: {
    title: 'Jeffreys (symmetric KL)',
    expression: (p, q) => `J(${p}, ${q})`,
    unit: 'log',
    infiniteWhen: 'either',
    needs: 'kl',
    value: (s, b) => toBase(s.klPQ + s.klQP, b),
  },
  total_variation: {
    title: 'total variation',
    expression: () => '½·Σ|p − q|',
    unit: 'none',
    infiniteWhen: 'never',
    needs: 'totalVariation',
    value: (s) => s.totalVariation,
  },
  hellinger: {
    title: 'Hellinger distance',
    expression: () => '√(½·Σ(√p − √q)²)',
    unit: 'none',
    infiniteWhen: 'never',
    needs: 'hellinger',
    value: (s) => s.hellinger,
  },
} as const satisfies Record<string, MeasureSpec>;

export type MeasureName = keyof typeof MEASURES;
export type Measures = Partial<Record<MeasureName, number>>;

/** Every measure, in display order. */
export const MEASURE_NAMES = Object.keys(MEASURES) as MeasureName[];

/** The catalog entry of a measure. */
export function measureSpec(name: MeasureName): MeasureSpec {
  return MEASURES[name];
}

/** Measures that are not logarithmic: the base does not change them. */
export const UNITLESS_MEASURES: ReadonlySet<MeasureName> = new Set(MEASURE_NAMES.filter((name) => MEASURES[name].unit === 'none'));

export interface MeasuredPair {
  measures: Measures;
  /** Categories with p > 0 = q (D(P‖Q) infinite) and q > 0 = p (D(Q‖P) infinite). */
  pOnly: number;
  qOnly: number;
}

/**
 * What the kernel must sum for these names, and whether one KL direction is all they need
 * (then divergenceKernel sums it alone); a batch asks with the same array every row.
 */
interface KernelRoute {
  wants: KernelWants;
  oneDirection: 'forward' | 'reverse' | null;
}
const routesByNames = new WeakMap<readonly MeasureName[], KernelRoute>();
function kernelRoute(names: readonly MeasureName[]): KernelRoute {
  let route = routesByNames.get(names);
  if (!route) {
    const wants: KernelWants = { entropy: false, cross: false, kl: false, js: false, totalVariation: false, hellinger: false };
    for (const name of names) wants[MEASURES[name].needs] = true;
    const only = (measure: MeasureName) => names.length > 0 && names.every((name) => name === measure);
    route = { wants, oneDirection: only('kl_forward') ? 'forward' : only('kl_reverse') ? 'reverse' : null };
    routesByNames.set(names, route);
  }
  return route;
}

/** Kernel sums holding one KL direction (the others 0: no measure of the route reads them). */
function oneDirectionSums(
  p: Float64Array,
  q: Float64Array,
  reverse: boolean,
  logs: { p: Float64Array; q: Float64Array } | undefined,
  normalized: boolean,
): KernelSums {
  const { divergence, pOnly, qOnly } = divergenceSums(p, q, reverse, logs?.p, logs?.q, normalized);
  return {
    entropyP: 0,
    entropyQ: 0,
    crossPQ: 0,
    crossQP: 0,
    klPQ: reverse ? 0 : divergence,
    klQP: reverse ? divergence : 0,
    js: 0,
    totalVariation: 0,
    hellinger: 0,
    pOnly,
    qOnly,
  };
}

/**
 * Computes the requested measures for P and Q in the given base, in one fused pass
 * (kernel.ts), plus the support mismatch counts.
 * js_distance is √(js_divergence in that base), as in scipy.spatial.distance.jensenshannon.
 */
export function measurePair(
  p: Float64Array,
  q: Float64Array,
  names: readonly MeasureName[],
  base: LogBase,
  logs?: { p: Float64Array; q: Float64Array },
  /** Both sides are normalised by construction (softmax outputs): see pairKernel. */
  normalized = false,
): MeasuredPair {
  const route = kernelRoute(names);
  const sums = route.oneDirection
    ? oneDirectionSums(p, q, route.oneDirection === 'reverse', logs, normalized)
    : pairSums(p, q, route.wants, logs?.p, logs?.q, normalized);
  const measures: Measures = {};
  for (const name of names) measures[name] = MEASURES[name].value(sums, base);
  return { measures, pOnly: sums.pOnly, qOnly: sums.qOnly };
}

const ENTROPY_ONLY: readonly MeasureName[] = ['entropy_p'];

/** H(P) of one distribution on its own support, in the unit of `base`. */
export function entropyOf(p: Float64Array, base: LogBase): number {
  // The kernel's entropy sum needs no second side: P stands in for it.
  return measurePair(p, p, ENTROPY_ONLY, base).measures.entropy_p as number;
}

/** The requested measures only (see measurePair). */
export function computeMeasures(p: Float64Array, q: Float64Array, names: readonly MeasureName[], base: LogBase): Measures {
  return measurePair(p, q, names, base).measures;
}
