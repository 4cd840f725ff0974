/**
 * The named measures between one pair of aligned distributions, as reported by
 * `kl compare` and the single-measure commands. Names are part of the JSON schema.
 */
import { type LogBase, toBase } from './base.js';
import {
  crossEntropy,
  entropy,
  hellinger,
  jeffreys,
  jsDivergence,
  klDivergence,
  totalVariation,
} from './divergence.js';

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

/**
 * Computes the requested measures for P and Q in the given base.
 * js_distance is √(js_divergence in that base), as in scipy.spatial.distance.jensenshannon.
 */
export function computeMeasures(
  p: Float64Array,
  q: Float64Array,
  names: readonly MeasureName[],
  base: LogBase,
): Measures {
  const measures: Measures = {};
  let js: number | undefined;
  const jsInBase = (): number => (js ??= toBase(jsDivergence(p, q), base));
  for (const name of names) {
    switch (name) {
      case 'entropy_p':
        measures[name] = toBase(entropy(p), base);
        break;
      case 'entropy_q':
        measures[name] = toBase(entropy(q), base);
        break;
      case 'cross_entropy_pq':
        measures[name] = toBase(crossEntropy(p, q), base);
        break;
      case 'cross_entropy_qp':
        measures[name] = toBase(crossEntropy(q, p), base);
        break;
      case 'kl_forward':
        measures[name] = toBase(klDivergence(p, q), base);
        break;
      case 'kl_reverse':
        measures[name] = toBase(klDivergence(q, p), base);
        break;
      case 'js_divergence':
        measures[name] = jsInBase();
        break;
      case 'js_distance':
        measures[name] = Math.sqrt(jsInBase());
        break;
      case 'jeffreys':
        measures[name] = toBase(jeffreys(p, q), base);
        break;
      case 'total_variation':
        measures[name] = totalVariation(p, q);
        break;
      case 'hellinger':
        measures[name] = hellinger(p, q);
        break;
    }
  }
  return measures;
}
