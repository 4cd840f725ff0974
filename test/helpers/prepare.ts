import { type PrepareOptions, toProbabilities } from '../../src/measures/prepare.js';

export const options: PrepareOptions = { normalize: false, tolerance: 1e-6, temperature: 1 };

/** The probabilities `toProbabilities` makes of `values`, or an error when it refuses them. */
export function probsOf(values: number[], kind: Parameters<typeof toProbabilities>[1], opts = options): Float64Array {
  const prepared = toProbabilities(Float64Array.from(values), kind, opts);
  if (!prepared.ok) throw new Error(prepared.message);
  return prepared.probs;
}
