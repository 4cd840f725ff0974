/**
 * Measures of a joint distribution of two variables X (rows) and Y (columns), from a
 * table of counts or joint probabilities (`kl mi`), and of more than two distributions.
 *
 * Conventions (as everywhere in kl): 0·log 0 = 0; compensated sums; the unit of `base`.
 * - H(X), H(Y), H(X,Y): Shannon entropies of the marginals and of the joint.
 * - I(X;Y) = Σ p(x,y)·log(p(x,y) / (p(x)·p(y))) = D(P_XY ‖ P_X ⊗ P_Y) ≥ 0, summed directly
 *   (not as H(X) + H(Y) − H(X,Y), which cancels when I is small).
 * - H(X|Y) = H(X,Y) − H(Y), H(Y|X) = H(X,Y) − H(X); VI = H(X|Y) + H(Y|X).
 * - Normalised MI as scikit-learn's normalized_mutual_info_score: I over the arithmetic
 *   mean, geometric mean, min or max of H(X) and H(Y); 1 when both variables are constant,
 *   0 when I is 0.
 * - For counts: the G-test of independence, G = 2·N·I (nats), p-value from χ² with
 *   (r − 1)(c − 1) degrees of freedom (stdlib's regularised incomplete gamma function); and
 *   the Miller–Madow bias-corrected I, each entropy plus (m − 1)/(2N) for its m non-empty cells.
 */
import gammainc from '@stdlib/math-base-special-gammainc';
import type { LogBase } from './base.js';
import type { JointMeasures } from './joint-names.js';
import { NeumaierSum } from './sum.js';

export type { JointMeasures } from './joint-names.js';
export { JOINT_MEASURE_NAMES } from './joint-names.js';

export interface JointTable {
  rows: number;
  columns: number;
  /** Row-major r × c, ≥ 0. */
  values: Float64Array;
}

/** −Σ p ln p over the values / total (nats). */
function entropyNats(values: ArrayLike<number>, total: number): number {
  const sum = new NeumaierSum();
  for (let i = 0; i < values.length; i++) {
    const p = (values[i] as number) / total;
    if (p > 0) sum.add(-p * Math.log(p));
  }
  return Math.max(0, sum.value());
}

export function marginals(table: JointTable): { x: Float64Array; y: Float64Array; total: number } {
  const x = new Float64Array(table.rows);
  const y = new Float64Array(table.columns);
  const rowSums = Array.from({ length: table.rows }, () => new NeumaierSum());
  const columnSums = Array.from({ length: table.columns }, () => new NeumaierSum());
  const total = new NeumaierSum();
  for (let r = 0; r < table.rows; r++) {
    for (let c = 0; c < table.columns; c++) {
      const value = table.values[r * table.columns + c] as number;
      rowSums[r]?.add(value);
      columnSums[c]?.add(value);
      total.add(value);
    }
  }
  rowSums.forEach((sum, r) => {
    x[r] = sum.value();
  });
  columnSums.forEach((sum, c) => {
    y[c] = sum.value();
  });
  return { x, y, total: total.value() };
}

/** The pointwise terms p(x,y)·ln(p(x,y) / (p(x)p(y))) in nats, row-major; they sum to I. */
export function pointwiseTermsNats(table: JointTable): Float64Array {
  const { x, y, total } = marginals(table);
  const terms = new Float64Array(table.values.length);
  for (let r = 0; r < table.rows; r++) {
    for (let c = 0; c < table.columns; c++) {
      const n = table.values[r * table.columns + c] as number;
      if (n === 0) continue;
      // p(x,y)/(p(x)p(y)) = n·N / (n_x·n_y): one division of exact products where they fit.
      terms[r * table.columns + c] = (n / total) * Math.log((n * total) / ((x[r] as number) * (y[c] as number)));
    }
  }
  return terms;
}

function nonZero(values: ArrayLike<number>): number {
  let count = 0;
  for (let i = 0; i < values.length; i++) if ((values[i] as number) > 0) count++;
  return count;
}

/** Every measure of the table, in the unit of `base`; `counts`: the values are counts (adds the G-test and Miller–Madow). */
export function jointMeasures(table: JointTable, base: LogBase, counts: boolean): JointMeasures {
  const { x, y, total } = marginals(table);
  const hx = entropyNats(x, total);
  const hy = entropyNats(y, total);
  const hxy = entropyNats(table.values, total);
  const terms = pointwiseTermsNats(table);
  const sum = new NeumaierSum();
  for (const term of terms) sum.add(term);
  const mi = Math.max(0, sum.value());
  const unit = (nats: number) => nats / base.lnBase;
  const constantBoth = nonZero(x) <= 1 && nonZero(y) <= 1;
  const normalised = (normaliser: number) => (constantBoth ? 1 : mi === 0 ? 0 : mi / Math.max(normaliser, Number.EPSILON));
  const measures: JointMeasures = {
    entropy_x: unit(hx),
    entropy_y: unit(hy),
    joint_entropy: unit(hxy),
    conditional_entropy_x_given_y: unit(Math.max(0, hxy - hy)),
    conditional_entropy_y_given_x: unit(Math.max(0, hxy - hx)),
    mutual_information: unit(mi),
    variation_of_information: unit(Math.max(0, hx + hy - 2 * mi)),
    nmi_arithmetic: normalised((hx + hy) / 2),
    nmi_geometric: normalised(Math.sqrt(hx * hy)),
    nmi_min: normalised(Math.min(hx, hy)),
    nmi_max: normalised(Math.max(hx, hy)),
  };
  if (counts) {
    const g = 2 * total * mi;
    const dof = (nonZero(x) - 1) * (nonZero(y) - 1);
    measures.g_statistic = g;
    measures.g_pvalue = dof <= 0 ? 1 : gammainc(g / 2, dof / 2, true, true);
    const correction = (nonZero(x) - 1 + (nonZero(y) - 1) - (nonZero(table.values) - 1)) / (2 * total);
    measures.mutual_information_mm = unit(mi + correction);
  }
  return measures;
}
