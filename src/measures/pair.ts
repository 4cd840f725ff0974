/**
 * The named measures between one pair of aligned distributions, as reported by
 * `kl compare` and the single-measure commands. Names are part of the JSON schema.
 */
import { type LogBase, toBase } from './base.js';
import { type KernelWants, pairKernel } from './kernel.js';

export const MEASURE_NAMES = [
  'entropy_p',
  'entropy_q',
  'cross_entropy_pq',
  'cross_entropy_qp',
  'kl_forward',
  'kl_reverse',
  'js_divergence',
  'js_distance',
  'jeffreys',
  'total_variation',
  'hellinger',
] as const;
export type MeasureName = (typeof MEASURE_NAMES)[number];
export type Measures = Partial<Record<MeasureName, number>>;

const MEASURE_NAME_SET: ReadonlySet<string> = new Set(MEASURE_NAMES);
export function isMeasureName(name: string): name is MeasureName {
  return MEASURE_NAME_SET.has(name);
}

/** Measures that are not logarithmic: the base does not change them. */
export const UNITLESS_MEASURES: ReadonlySet<MeasureName> = new Set(['total_variation', 'hellinger']);

export interface MeasuredPair {
  measures: Measures;
  /** Categories with p > 0 = q (D(P‖Q) infinite) and q > 0 = p (D(Q‖P) infinite). */
  pOnly: number;
  qOnly: number;
}

/** What the kernel must sum for these names; a batch asks with the same array every row. */
const wantsByNames = new WeakMap<readonly MeasureName[], KernelWants>();
function kernelWants(names: readonly MeasureName[]): KernelWants {
  let wants = wantsByNames.get(names);
  if (!wants) {
    const wanted = (name: MeasureName): boolean => names.includes(name);
    wants = {
      entropy: wanted('entropy_p') || wanted('entropy_q'),
      cross: wanted('cross_entropy_pq') || wanted('cross_entropy_qp'),
      kl: wanted('kl_forward') || wanted('kl_reverse') || wanted('jeffreys'),
      js: wanted('js_divergence') || wanted('js_distance'),
      totalVariation: wanted('total_variation'),
      hellinger: wanted('hellinger'),
    };
    wantsByNames.set(names, wants);
  }
  return wants;
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
  const sums = pairKernel(p, q, kernelWants(names), logs?.p, logs?.q, normalized);
  const measures: Measures = {};
  for (const name of names) {
    switch (name) {
      case 'entropy_p':
        measures[name] = toBase(sums.entropyP, base);
        break;
      case 'entropy_q':
        measures[name] = toBase(sums.entropyQ, base);
        break;
      case 'cross_entropy_pq':
        measures[name] = toBase(sums.crossPQ, base);
        break;
      case 'cross_entropy_qp':
        measures[name] = toBase(sums.crossQP, base);
        break;
      case 'kl_forward':
        measures[name] = toBase(sums.klPQ, base);
        break;
      case 'kl_reverse':
        measures[name] = toBase(sums.klQP, base);
        break;
      case 'js_divergence':
        measures[name] = toBase(sums.js, base);
        break;
      case 'js_distance':
        measures[name] = Math.sqrt(toBase(sums.js, base));
        break;
      case 'jeffreys':
        measures[name] = toBase(sums.klPQ + sums.klQP, base);
        break;
      case 'total_variation':
        measures[name] = sums.totalVariation;
        break;
      case 'hellinger':
        measures[name] = sums.hellinger;
        break;
    }
  }
  return { measures, pOnly: sums.pOnly, qOnly: sums.qOnly };
}

/** The requested measures only (see measurePair). */
export function computeMeasures(p: Float64Array, q: Float64Array, names: readonly MeasureName[], base: LogBase): Measures {
  return measurePair(p, q, names, base).measures;
}
