/**
 * Two top-k lists compared over one partition of the vocabulary: each token in both lists
 * is a category of its own, and one more category, `rest`, holds everything else on each
 * side (1 − Σ of that side's probabilities of the shared tokens; a token in only one list
 * is in `rest` on both sides). Merging categories never increases a divergence (the data
 * processing inequality), so every measure on the partition is a lower bound of the one
 * on the full distributions.
 */
import { NeumaierSum } from './sum.js';

/** The label of the category that holds the tokens outside the shared ones. */
export const REST_LABEL = '(rest)';

export interface TopkPartition {
  /** The shared tokens, in P's order, then REST_LABEL. */
  labels: string[];
  p: Float64Array;
  q: Float64Array;
}

function restOf(values: Float64Array, count: number): number {
  const sum = new NeumaierSum();
  for (let i = 0; i < count; i++) sum.add(values[i] as number);
  const rest = 1 - sum.value();
  // A list that is the whole distribution leaves a rest of rounding noise (each exp(ℓ) is
  // rounded): that is 0, not a category that one side has and the other not (∞).
  return rest <= (count + 1) * Number.EPSILON ? 0 : rest;
}

export function topkPartition(pLabels: readonly string[], pProbs: ArrayLike<number>, qLabels: readonly string[], qProbs: ArrayLike<number>): TopkPartition {
  const qIndex = new Map<string, number>(qLabels.map((label, i) => [label, i]));
  const labels: string[] = [];
  const p: number[] = [];
  const q: number[] = [];
  pLabels.forEach((label, i) => {
    const j = qIndex.get(label);
    if (j === undefined) return;
    labels.push(label);
    p.push(pProbs[i] as number);
    q.push(qProbs[j] as number);
  });
  const pOut = new Float64Array(p.length + 1);
  const qOut = new Float64Array(q.length + 1);
  pOut.set(p);
  qOut.set(q);
  pOut[p.length] = restOf(pOut, p.length);
  qOut[q.length] = restOf(qOut, q.length);
  return { labels: [...labels, REST_LABEL], p: pOut, q: qOut };
}
