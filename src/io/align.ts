/**
 * Putting P and Q on one support so that index i is the same category on both sides.
 *
 * - Both labelled: the union of the labels, P's order first, then labels only Q has.
 *   A label missing on one side has probability 0 there (and is counted as such).
 * - Both positional: by position; the lengths must match.
 * - One labelled, one positional: refused. Matching labels to positions would be a
 *   guess, and a wrong guess is a wrong number with nothing to show for it.
 *
 * Labels are user data (often model tokens such as `__proto__`), so they live in Maps.
 */
import { InputError } from '../errors.js';

export interface AlignSide {
  role: 'P' | 'Q';
  source: string;
  probs: Float64Array;
  labels: string[] | null;
}

export interface Aligned {
  labels: string[] | null;
  p: Float64Array;
  q: Float64Array;
}

export function alignPair(p: AlignSide, q: AlignSide): Aligned {
  if (p.labels && q.labels) return alignByLabel(p.probs, p.labels, q.probs, q.labels);
  if (!p.labels && !q.labels) {
    if (p.probs.length !== q.probs.length) {
      throw new InputError('length-mismatch', `P (${p.source}) has ${count(p.probs.length)} but Q (${q.source}) has ${count(q.probs.length)}`, {
        hint: 'positional inputs must have the same length; label the categories to align them by name',
      });
    }
    return { labels: null, p: p.probs, q: q.probs };
  }
  const [labelled, positional] = p.labels ? [p, q] : [q, p];
  throw new InputError('label-mismatch', `${labelled.role} (${labelled.source}) has category labels but ${positional.role} (${positional.source}) does not`, {
    hint: 'give both inputs labels (a label column, a header, or a JSON object) or neither',
  });
}

export function alignByLabel(pProbs: Float64Array, pLabels: string[], qProbs: Float64Array, qLabels: string[]): Aligned {
  const index = new Map<string, number>();
  const labels: string[] = [];
  for (const label of pLabels) {
    index.set(label, labels.length);
    labels.push(label);
  }
  for (const label of qLabels) {
    if (!index.has(label)) {
      index.set(label, labels.length);
      labels.push(label);
    }
  }
  const p = new Float64Array(labels.length);
  const q = new Float64Array(labels.length);
  pLabels.forEach((label, i) => {
    p[index.get(label) as number] = pProbs[i] as number;
  });
  qLabels.forEach((label, i) => {
    q[index.get(label) as number] = qProbs[i] as number;
  });
  return { labels, p, q };
}

function count(categories: number): string {
  return `${categories} ${categories === 1 ? 'category' : 'categories'}`;
}
