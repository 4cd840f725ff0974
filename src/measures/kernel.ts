/**
 * One pass over two aligned distributions that yields every measure `kl` reports.
 *
 * The single-measure functions in divergence.ts are the reference definitions (and the
 * documentation); this kernel evaluates the same formulas but shares the expensive parts
 * between measures, which matters on batches of 32000-category rows:
 * - log pᵢ and log qᵢ serve both entropies and both cross-entropies;
 * - L = log(pᵢ/qᵢ) serves the forward and the reverse KL term
 *   (g(q, p) = −q·L − q + p when g(p, q) = p·L − p + q), and JS:
 *   log1p(−r) = log1p(r) − L for r = (p − q)/(p + q);
 * - near p = q (ratio in (0.5, 2), |r| < 0.05) the series of divergence.ts are used, so the
 *   non-negative-term evaluation keeps its full relative accuracy.
 * Every sum is compensated (Neumaier), inlined. Results in nats; 0·log 0 = 0; p > 0 = q gives
 * +Infinity for D(P‖Q) and H(P,Q), never NaN. Tests hold the kernel to the reference
 * functions and to 50-digit references.
 */

import { divergenceInWorkspace, fusedSumsInWorkspace, SoftmaxWorkspace } from './softmax-wasm.js';

const LN2 = Math.LN2;
const SERIES_THRESHOLD = 0.05;
const MIN_NORMAL = 2.2250738585072014e-308;

/**
 * h(r) = (1 + r)·log1p(r) − r by its series, Σₖ₌₂¹⁶ (−1)^k r^k / (k(k − 1)); valid for
 * |r| < SERIES_THRESHOLD. Horner's rule with the coefficients written out: a loop over a
 * table of them ran 15 dependent steps with a load and a loop test each; these literals are
 * the same doubles, so the result is bit for bit the same (kernel.test.ts checks both).
 */
export function hSeries(r: number): number {
  let poly = 0.004166666666666667;
  poly = poly * r - 0.004761904761904762;
  poly = poly * r + 0.005494505494505495;
  poly = poly * r - 0.00641025641025641;
  poly = poly * r + 0.007575757575757576;
  poly = poly * r - 0.00909090909090909;
  poly = poly * r + 0.011111111111111112;
  poly = poly * r - 0.013888888888888888;
  poly = poly * r + 0.017857142857142856;
  poly = poly * r - 0.023809523809523808;
  poly = poly * r + 0.03333333333333333;
  poly = poly * r - 0.05;
  poly = poly * r + 0.08333333333333333;
  poly = poly * r - 0.16666666666666666;
  poly = poly * r + 0.5;
  return poly * r * r;
}

/** φ(r) = h(r) + h(−r) by its series, Σ over even k of 2r^k / (k(k − 1)); as hSeries. */
export function phiSeries(r: number): number {
  const r2 = r * r;
  let poly = 0.008333333333333333;
  poly = poly * r2 + 0.01098901098901099;
  poly = poly * r2 + 0.015151515151515152;
  poly = poly * r2 + 0.022222222222222223;
  poly = poly * r2 + 0.03571428571428571;
  poly = poly * r2 + 0.06666666666666667;
  poly = poly * r2 + 0.16666666666666666;
  poly = poly * r2 + 1;
  return poly * r2;
}

/** A Neumaier sum's value: the sum plus its compensation, unless the sum is not finite. */
function finish(sum: number, compensation: number): number {
  return Number.isFinite(sum) ? sum + compensation : sum;
}

/**
 * log(pᵢ/qᵢ) for a ratio far from 1 (≥ 2 or ≤ ½, where the difference of two logarithms
 * does not cancel): the caller's log pᵢ − log qᵢ when it has them, else the log of the
 * ratio, or of each side when the ratio overflows or is subnormal. Small enough to be
 * inlined into the kernels' loops.
 */
function farLogRatio(
  pi: number,
  qi: number,
  ratio: number,
  haveLogs: boolean,
  logP: Float64Array | undefined,
  logQ: Float64Array | undefined,
  i: number,
): number {
  if (haveLogs) return ((logP as Float64Array)[i] as number) - ((logQ as Float64Array)[i] as number);
  return ratio === Infinity || ratio < MIN_NORMAL ? Math.log(pi) - Math.log(qi) : Math.log(ratio);
}

export interface KernelWants {
  entropy: boolean;
  cross: boolean;
  kl: boolean;
  js: boolean;
  totalVariation: boolean;
  hellinger: boolean;
}

export interface KernelSums {
  entropyP: number;
  entropyQ: number;
  crossPQ: number;
  crossQP: number;
  klPQ: number;
  klQP: number;
  js: number;
  totalVariation: number;
  hellinger: number;
  /** Categories with p > 0 = q, and q > 0 = p. */
  pOnly: number;
  qOnly: number;
}

/**
 * The measures' sums for a pair: by the WebAssembly fused pass when the pair is a batch row's
 * softmax outputs (normalised, with log-probabilities, all four arrays in one workspace's
 * memory) and every measure is wanted, else by pairKernel's loop; the same bits either way.
 * The route is chosen here, outside the loops: code the optimizing compiler builds for a
 * loop that also holds the route would embed the priming's workspace, and be thrown away
 * when that workspace is collected (then the loop runs interpreted until a recompile).
 */
export function pairSums(p: Float64Array, q: Float64Array, wants: KernelWants, logP?: Float64Array, logQ?: Float64Array, normalized = false): KernelSums {
  if (normalized && logP !== undefined && logQ !== undefined && wantsEverything(wants)) {
    const fused = fusedSumsInWorkspace(p, q, logP, logQ);
    if (fused) return kernelSums(fused.sums, 0, fused.pOnly, fused.qOnly);
  }
  return pairKernel(p, q, wants, logP, logQ, normalized);
}

/** D(P‖Q) (or D(Q‖P)) for a pair, routed as pairSums: the WebAssembly divergence pass or divergenceKernel's loop. */
export function divergenceSums(
  p: Float64Array,
  q: Float64Array,
  reverse: boolean,
  logP?: Float64Array,
  logQ?: Float64Array,
  normalized = false,
): { divergence: number; pOnly: number; qOnly: number } {
  if (normalized && logP !== undefined && logQ !== undefined) {
    const sums = divergenceInWorkspace(p, q, logP, logQ, reverse);
    if (sums) return { divergence: finishDivergence(sums.sum, sums.compensation, 0, reverse), pOnly: sums.pOnly, qOnly: sums.qOnly };
  }
  return divergenceKernel(p, q, reverse, logP, logQ, normalized);
}

/**
 * `logP`/`logQ`, when given, are log pᵢ and log qᵢ as the caller already has them (from a
 * log-softmax): they replace the logarithms the kernel would otherwise take, and
 * log pᵢ − log qᵢ stands in for log(pᵢ/qᵢ) where the ratio is far from 1 (≥ 2 or ≤ ½, so
 * the difference does not cancel).
 */
export function pairKernel(p: Float64Array, q: Float64Array, wants: KernelWants, logP?: Float64Array, logQ?: Float64Array, normalized = false): KernelSums {
  // Neumaier accumulators, written out as locals (a sum and its compensation each) so they
  // stay in registers: this loop runs once per category per row. Each step picks the larger
  // and smaller operand first and then does its arithmetic in one place, rather than in two
  // branches: an arithmetic operation that has never run deoptimizes the compiled loop when
  // it first does (see primeKernel), and one of the two branches is rare for most sums.
  let c_entropyP = 0;
  let c_entropyQ = 0;
  let c_crossPQ = 0;
  let c_crossQP = 0;
  let c_gPQ = 0;
  let c_gQP = 0;
  let c_diff = 0;
  let c_js = 0;
  let c_tv = 0;
  let c_hel = 0;
  let entropyP = 0;
  let entropyQ = 0;
  let crossPQ = 0;
  let crossQP = 0;
  let gPQ = 0;
  let gQP = 0;
  let diff = 0;
  let js = 0;
  let tv = 0;
  let hel = 0;
  let pOnly = 0;
  let qOnly = 0;
  const needLogs = wants.entropy || wants.cross;
  const haveLogs = logP !== undefined && logQ !== undefined;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const pi = p[i] as number;
    const qi = q[i] as number;
    if (pi === 0 && qi === 0) continue;
    if (qi === 0) pOnly++;
    else if (pi === 0) qOnly++;

    if (needLogs) {
      const lp = pi > 0 ? (haveLogs ? (logP[i] as number) : Math.log(pi)) : 0;
      const lq = qi > 0 ? (haveLogs ? (logQ[i] as number) : Math.log(qi)) : 0;
      if (wants.entropy) {
        if (pi > 0) {
          const v_ = -pi * lp;
          const t_ = entropyP + v_;
          const k_ = Math.abs(entropyP) >= Math.abs(v_);
          c_entropyP += (k_ ? entropyP : v_) - t_ + (k_ ? v_ : entropyP);
          entropyP = t_;
        }
        if (qi > 0) {
          const v_ = -qi * lq;
          const t_ = entropyQ + v_;
          const k_ = Math.abs(entropyQ) >= Math.abs(v_);
          c_entropyQ += (k_ ? entropyQ : v_) - t_ + (k_ ? v_ : entropyQ);
          entropyQ = t_;
        }
      }
      if (wants.cross) {
        if (pi > 0) {
          if (qi === 0) crossPQ = Infinity;
          else {
            const v_ = -pi * lq;
            const t_ = crossPQ + v_;
            const k_ = Math.abs(crossPQ) >= Math.abs(v_);
            c_crossPQ += (k_ ? crossPQ : v_) - t_ + (k_ ? v_ : crossPQ);
            crossPQ = t_;
          }
        }
        if (qi > 0) {
          if (pi === 0) crossQP = Infinity;
          else {
            const v_ = -qi * lp;
            const t_ = crossQP + v_;
            const k_ = Math.abs(crossQP) >= Math.abs(v_);
            c_crossQP += (k_ ? crossQP : v_) - t_ + (k_ ? v_ : crossQP);
            crossQP = t_;
          }
        }
      }
    }
    if (pi === qi) continue;
    if (wants.totalVariation) {
      const v_ = Math.abs(pi - qi);
      const t_ = tv + v_;
      const k_ = Math.abs(tv) >= Math.abs(v_);
      c_tv += (k_ ? tv : v_) - t_ + (k_ ? v_ : tv);
      tv = t_;
    }
    if (wants.hellinger) {
      const difference = (pi - qi) / (Math.sqrt(pi) + Math.sqrt(qi));
      {
        const v_ = difference * difference;
        const t_ = hel + v_;
        const k_ = Math.abs(hel) >= Math.abs(v_);
        c_hel += (k_ ? hel : v_) - t_ + (k_ ? v_ : hel);
        hel = t_;
      }
    }

    // One logarithm of the ratio serves KL in both directions and JS.
    let logRatio = NaN;
    if (pi === 0 || qi === 0) {
      if (wants.kl) {
        // g(0, q) = q; g(p, 0) = ∞ (and symmetrically for the reverse).
        if (pi === 0) {
          {
            const v_ = qi;
            const t_ = gPQ + v_;
            const k_ = Math.abs(gPQ) >= Math.abs(v_);
            c_gPQ += (k_ ? gPQ : v_) - t_ + (k_ ? v_ : gPQ);
            gPQ = t_;
          }
          gQP = Infinity;
        } else {
          gPQ = Infinity;
          {
            const v_ = pi;
            const t_ = gQP + v_;
            const k_ = Math.abs(gQP) >= Math.abs(v_);
            c_gQP += (k_ ? gQP : v_) - t_ + (k_ ? v_ : gQP);
            gQP = t_;
          }
        }
        if (!normalized) {
          const v_ = pi - qi;
          const t_ = diff + v_;
          const k_ = Math.abs(diff) >= Math.abs(v_);
          c_diff += (k_ ? diff : v_) - t_ + (k_ ? v_ : diff);
          diff = t_;
        }
      }
      if (wants.js) {
        const v_ = (pi + qi) * 0.5 * LN2;
        const t_ = js + v_;
        const k_ = Math.abs(js) >= Math.abs(v_);
        c_js += (k_ ? js : v_) - t_ + (k_ ? v_ : js);
        js = t_;
      }
      continue;
    }
    const ratio = pi / qi;
    if (wants.kl) {
      if (ratio > 0.5 && ratio < 2) {
        const r = (pi - qi) / qi;
        const rReverse = (qi - pi) / pi;
        if (Math.abs(r) < SERIES_THRESHOLD) {
          const v_ = qi * hSeries(r);
          const t_ = gPQ + v_;
          const k_ = Math.abs(gPQ) >= Math.abs(v_);
          c_gPQ += (k_ ? gPQ : v_) - t_ + (k_ ? v_ : gPQ);
          gPQ = t_;
        } else {
          logRatio = Math.log1p(r);
          {
            const v_ = qi * ((1 + r) * logRatio - r);
            const t_ = gPQ + v_;
            const k_ = Math.abs(gPQ) >= Math.abs(v_);
            c_gPQ += (k_ ? gPQ : v_) - t_ + (k_ ? v_ : gPQ);
            gPQ = t_;
          }
        }
        if (Math.abs(rReverse) < SERIES_THRESHOLD) {
          const v_ = pi * hSeries(rReverse);
          const t_ = gQP + v_;
          const k_ = Math.abs(gQP) >= Math.abs(v_);
          c_gQP += (k_ ? gQP : v_) - t_ + (k_ ? v_ : gQP);
          gQP = t_;
        } else {
          if (logRatio !== logRatio) logRatio = Math.log1p(r);
          {
            const v_ = -qi * logRatio - qi + pi;
            const t_ = gQP + v_;
            const k_ = Math.abs(gQP) >= Math.abs(v_);
            c_gQP += (k_ ? gQP : v_) - t_ + (k_ ? v_ : gQP);
            gQP = t_;
          }
        }
      } else {
        logRatio = farLogRatio(pi, qi, ratio, haveLogs, logP, logQ, i);
        {
          const v_ = pi * logRatio - pi + qi;
          const t_ = gPQ + v_;
          const k_ = Math.abs(gPQ) >= Math.abs(v_);
          c_gPQ += (k_ ? gPQ : v_) - t_ + (k_ ? v_ : gPQ);
          gPQ = t_;
        }
        {
          const v_ = -qi * logRatio - qi + pi;
          const t_ = gQP + v_;
          const k_ = Math.abs(gQP) >= Math.abs(v_);
          c_gQP += (k_ ? gQP : v_) - t_ + (k_ ? v_ : gQP);
          gQP = t_;
        }
      }
      if (!normalized) {
        const v_ = pi - qi;
        const t_ = diff + v_;
        const k_ = Math.abs(diff) >= Math.abs(v_);
        c_diff += (k_ ? diff : v_) - t_ + (k_ ? v_ : diff);
        diff = t_;
      }
    }
    if (wants.js) {
      const total = pi + qi;
      const r = (pi - qi) / total;
      let phi: number;
      if (Math.abs(r) < SERIES_THRESHOLD) phi = phiSeries(r);
      else {
        if (logRatio !== logRatio) {
          logRatio = ratio > 0.5 && ratio < 2 ? Math.log1p((pi - qi) / qi) : farLogRatio(pi, qi, ratio, haveLogs, logP, logQ, i);
        }
        // 1 ± r = 2p/(p+q), 2q/(p+q), formed directly (1 − r by subtraction would cancel when
        // one side dwarfs the other). The log of the larger one lies in (0, ln 2]; the other is
        // derived through L, whose relative accuracy carries over.
        const onePlus = (2 * pi) / total;
        const oneMinus = (2 * qi) / total;
        let up: number;
        let down: number;
        if (pi > qi) {
          up = Math.log(onePlus);
          down = up - logRatio;
        } else {
          down = Math.log(oneMinus);
          up = down + logRatio;
        }
        phi = onePlus * up + oneMinus * down;
      }
      {
        const v_ = total * 0.25 * phi;
        const t_ = js + v_;
        const k_ = Math.abs(js) >= Math.abs(v_);
        c_js += (k_ ? js : v_) - t_ + (k_ ? v_ : js);
        js = t_;
      }
    }
  }
  const sums = FINAL_SUMS;
  sums[0] = entropyP;
  sums[1] = entropyQ;
  sums[2] = crossPQ;
  sums[3] = crossQP;
  sums[4] = gPQ;
  sums[5] = gQP;
  sums[6] = tv;
  sums[7] = hel;
  sums[8] = js;
  sums[9] = c_entropyP;
  sums[10] = c_entropyQ;
  sums[11] = c_crossPQ;
  sums[12] = c_crossQP;
  sums[13] = c_gPQ;
  sums[14] = c_gQP;
  sums[15] = c_tv;
  sums[16] = c_hel;
  sums[17] = c_js;
  return kernelSums(sums, finish(diff, c_diff), pOnly, qOnly);
}

/** pairKernel's sums and compensations, in kernelSums' order, handed over without an allocation per row. */
const FINAL_SUMS = new Float64Array(18);

function wantsEverything(wants: KernelWants): boolean {
  return wants.entropy && wants.cross && wants.kl && wants.js && wants.totalVariation && wants.hellinger;
}

/**
 * The measures' sums from the compensated sums of entropy P, entropy Q, cross P‖Q,
 * cross Q‖P, g(P,Q), g(Q,P), total variation, Hellinger and JS (then their nine
 * compensations, in the same order), and Σ(p − q).
 */
function kernelSums(sums: Float64Array, difference: number, pOnly: number, qOnly: number): KernelSums {
  const gPQ = sums[4] as number;
  const gQP = sums[5] as number;
  const crossPQ = sums[2] as number;
  const crossQP = sums[3] as number;
  // D(P‖Q) = Σ g(p, q) + Σ (p − q). When both sides are normalised by construction (a
  // softmax), Σ (p − q) is 0 and what the computed vectors sum to is only the rounding of
  // their normalisers: adding it would put that error, first order, into a KL of 1e-9.
  // Without it the sum of g, whose terms are never negative, is off only to second order.
  // (Nor is it accumulated then: diff stays 0.)
  const klPQ = gPQ === Infinity ? Infinity : Math.max(0, finish(gPQ, sums[13] as number) + difference);
  const klQP = gQP === Infinity ? Infinity : Math.max(0, finish(gQP, sums[14] as number) - difference);
  return {
    entropyP: Math.max(0, finish(sums[0] as number, sums[9] as number)),
    entropyQ: Math.max(0, finish(sums[1] as number, sums[10] as number)),
    crossPQ: crossPQ === Infinity ? Infinity : Math.max(0, finish(crossPQ, sums[11] as number)),
    crossQP: crossQP === Infinity ? Infinity : Math.max(0, finish(crossQP, sums[12] as number)),
    klPQ,
    klQP,
    js: Math.min(LN2, Math.max(0, finish(sums[8] as number, sums[17] as number))),
    totalVariation: Math.min(1, 0.5 * finish(sums[6] as number, sums[15] as number)),
    hellinger: Math.sqrt(Math.min(1, Math.max(0, 0.5 * finish(sums[7] as number, sums[16] as number)))),
    pOnly,
    qOnly,
  };
}

/**
 * D(P‖Q) alone (or D(Q‖P) alone, with `reverse`), bit for bit what pairKernel gives for it:
 * the same terms, by the same formulas, summed in the same order. For `kl forward` and
 * `kl reverse`, which ask for nothing else: pairKernel sums both directions at once (one
 * logarithm serves both), and letting it skip one direction made every other command pay
 * for the flags (BENCHMARKS.md: "Tried, not kept"); a function of its own costs them nothing.
 */
export function divergenceKernel(
  p: Float64Array,
  q: Float64Array,
  reverse: boolean,
  logP?: Float64Array,
  logQ?: Float64Array,
  normalized = false,
): { divergence: number; pOnly: number; qOnly: number } {
  const haveLogs = logP !== undefined && logQ !== undefined;
  let g = 0;
  let c_g = 0;
  let diff = 0;
  let c_diff = 0;
  let pOnly = 0;
  let qOnly = 0;
  const n = p.length;
  for (let i = 0; i < n; i++) {
    const pi = p[i] as number;
    const qi = q[i] as number;
    if (pi === 0 && qi === 0) continue;
    if (qi === 0) pOnly++;
    else if (pi === 0) qOnly++;
    if (pi === qi) continue;
    // The term of g(p, q) (forward) or g(q, p) (reverse); +Infinity where the sum becomes it.
    let term: number;
    // Near-equal values first: |r| < SERIES_THRESHOLD puts p/q within 5% of 1, inside the
    // (½, 2) that pairKernel tests the ratio against, so that division can wait.
    const rNear = reverse ? (qi - pi) / pi : (pi - qi) / qi;
    if (pi === 0 || qi === 0) {
      term = (pi === 0) === reverse ? Infinity : pi === 0 ? qi : pi;
    } else if (Math.abs(rNear) < SERIES_THRESHOLD) {
      term = (reverse ? pi : qi) * hSeries(rNear);
    } else {
      const ratio = pi / qi;
      if (ratio > 0.5 && ratio < 2) {
        // Not near enough for the series (that was above): log1p, as pairKernel.
        const r = (pi - qi) / qi;
        const logRatio = Math.log1p(r);
        term = reverse ? -qi * logRatio - qi + pi : qi * ((1 + r) * logRatio - r);
      } else {
        const logRatio = farLogRatio(pi, qi, ratio, haveLogs, logP, logQ, i);
        term = reverse ? -qi * logRatio - qi + pi : pi * logRatio - pi + qi;
      }
    }
    if (term === Infinity) g = Infinity;
    else {
      const t_ = g + term;
      const k_ = Math.abs(g) >= Math.abs(term);
      c_g += (k_ ? g : term) - t_ + (k_ ? term : g);
      g = t_;
    }
    if (!normalized) {
      const v_ = pi - qi;
      const t_ = diff + v_;
      const k_ = Math.abs(diff) >= Math.abs(v_);
      c_diff += (k_ ? diff : v_) - t_ + (k_ ? v_ : diff);
      diff = t_;
    }
  }
  return { divergence: finishDivergence(g, c_g, finish(diff, c_diff), reverse), pOnly, qOnly };
}

/** D from the sum of g's terms and its compensation, and Σ(p − q) (0 for normalised rows). */
function finishDivergence(g: number, compensation: number, difference: number, reverse: boolean): number {
  return g === Infinity ? Infinity : Math.max(0, finish(g, compensation) + (reverse ? -difference : difference));
}

/**
 * (p, q) pairs that between them take every branch of the kernel: zeros on either side and
 * both, equal values, ratios near 1 (series and log1p, either way round), far from 1,
 * overflowing and subnormal.
 */
export const PRIMING_PAIRS: readonly (readonly [number, number])[] = [
  [0, 0],
  [0, 0.1],
  [0.1, 0],
  [0.25, 0.25],
  // Near 1: both KL directions by series; one by series and the other by log1p, both ways
  // (|r| < 0.05 but |r/(1 + r)| ≥ 0.05); both by log1p.
  [0.1, 0.0999],
  [0.0999, 0.1],
  [0.09512, 0.1],
  [0.1, 0.09512],
  [0.1, 0.13],
  [0.13, 0.1],
  // Far from 1; a ratio that overflows, and one that is subnormal.
  [0.05, 0.2],
  [0.2, 0.05],
  [0.5, 5e-324],
  [5e-324, 0.5],
];
/** Two pairs with large terms in every sum, so a pair after them adds a smaller term. */
export const ANCHORS: readonly (readonly [number, number])[] = [
  [0.6, 0.001],
  [0.001, 0.3],
];

/**
 * Runs the kernels over every priming pair, alone and after the anchors, with and without
 * caller logs: pairKernel for all measures and for JS alone, divergenceKernel both ways, and
 * pairSums and divergenceSums on their routes to the WebAssembly passes (the pairs in a
 * softmax workspace's slots) and to the loops.
 *
 * Why: the optimizing compiler puts a deoptimization exit wherever an operation has never
 * run. On a big batch the first row that reaches a rare branch (a near-equal pair, a zero)
 * throws the compiled loop away, and the rows that follow run in the interpreter, which
 * allocates a heap number per arithmetic result, until a recompile lands: hundreds of
 * garbage collections per worker on a big batch (figures: BENCHMARKS.md, "Why the code is as it is"). Priming costs a few
 * milliseconds (interpreted); batch workers run it before their first row.
 */
export function primeKernel(): void {
  const all: KernelWants = { entropy: true, cross: true, kl: true, js: true, totalVariation: true, hellinger: true };
  const jsOnly: KernelWants = { entropy: false, cross: false, kl: false, js: true, totalVariation: false, hellinger: false };
  // The routes to the WebAssembly passes, which a batch's softmax rows take.
  const workspace = SoftmaxWorkspace.create(PRIMING_PAIRS.length + ANCHORS.length);
  // Twice: V8 records what a function's operations see only from its eighth call or so,
  // so the first round's first pairs would teach the compiler nothing.
  for (let round = 0; round < 2; round++) {
    for (const pair of PRIMING_PAIRS) {
      for (const pairs of [[pair], [...ANCHORS, pair]]) {
        const p = Float64Array.from(pairs, ([pi]) => pi);
        const q = Float64Array.from(pairs, ([, qi]) => qi);
        const logP = p.map(Math.log);
        const logQ = q.map(Math.log);
        // Through the routes, which take the loops for arrays outside a workspace.
        const held = workspace?.holding(p, q, logP, logQ);
        for (const wants of [all, jsOnly]) {
          pairSums(p, q, wants);
          pairSums(p, q, wants, logP, logQ);
          pairSums(p, q, wants, logP, logQ, true);
        }
        if (held) pairSums(held.p, held.q, all, held.logP, held.logQ, true);
        for (const reverse of [false, true]) {
          divergenceSums(p, q, reverse);
          divergenceSums(p, q, reverse, logP, logQ);
          divergenceSums(p, q, reverse, logP, logQ, true);
          if (held) divergenceSums(held.p, held.q, reverse, held.logP, held.logQ, true);
        }
      }
    }
  }
}
