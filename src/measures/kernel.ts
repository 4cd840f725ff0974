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

const LN2 = Math.LN2;
const SERIES_THRESHOLD = 0.05;
const MIN_NORMAL = 2.2250738585072014e-308;

/** h(r) = (1 + r)·log1p(r) − r by its series; valid for |r| < SERIES_THRESHOLD. */
function hSeries(r: number): number {
  let poly = 0;
  for (let k = 16; k >= 2; k--) poly = poly * r + ((k & 1) === 0 ? 1 : -1) / (k * (k - 1));
  return poly * r * r;
}

/** φ(r) = h(r) + h(−r) by its series; valid for |r| < SERIES_THRESHOLD. */
function phiSeries(r: number): number {
  const r2 = r * r;
  let poly = 0;
  for (let k = 16; k >= 2; k -= 2) poly = poly * r2 + 2 / (k * (k - 1));
  return poly * r2;
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

/** Neumaier step, written out: returns the new sum and updates the compensation slot. */
const compensation = new Float64Array(16);
function add(slot: number, sum: number, value: number): number {
  const total = sum + value;
  if (Math.abs(sum) >= Math.abs(value)) compensation[slot] = (compensation[slot] as number) + (sum - total + value);
  else compensation[slot] = (compensation[slot] as number) + (value - total + sum);
  return total;
}
function finish(slot: number, sum: number): number {
  return Number.isFinite(sum) ? sum + (compensation[slot] as number) : sum;
}

const E_P = 0;
const E_Q = 1;
const C_PQ = 2;
const C_QP = 3;
const G_PQ = 4;
const G_QP = 5;
const DIFF = 6;
const JS = 7;
const TV = 8;
const HEL = 9;

/**
 * `logP`/`logQ`, when given, are log pᵢ and log qᵢ as the caller already has them (from a
 * log-softmax): they replace the logarithms the kernel would otherwise take, and
 * log pᵢ − log qᵢ stands in for log(pᵢ/qᵢ) where the ratio is far from 1 (≥ 2 or ≤ ½, so
 * the difference does not cancel).
 */
export function pairKernel(p: Float64Array, q: Float64Array, wants: KernelWants, logP?: Float64Array, logQ?: Float64Array): KernelSums {
  compensation.fill(0);
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
        if (pi > 0) entropyP = add(E_P, entropyP, -pi * lp);
        if (qi > 0) entropyQ = add(E_Q, entropyQ, -qi * lq);
      }
      if (wants.cross) {
        if (pi > 0) crossPQ = qi === 0 ? Infinity : add(C_PQ, crossPQ, -pi * lq);
        if (qi > 0) crossQP = pi === 0 ? Infinity : add(C_QP, crossQP, -qi * lp);
      }
    }
    if (pi === qi) continue;
    if (wants.totalVariation) tv = add(TV, tv, Math.abs(pi - qi));
    if (wants.hellinger) {
      const difference = (pi - qi) / (Math.sqrt(pi) + Math.sqrt(qi));
      hel = add(HEL, hel, difference * difference);
    }

    // One logarithm of the ratio serves KL in both directions and JS.
    let logRatio = NaN;
    if (pi === 0 || qi === 0) {
      if (wants.kl) {
        // g(0, q) = q; g(p, 0) = ∞ (and symmetrically for the reverse).
        if (pi === 0) {
          gPQ = add(G_PQ, gPQ, qi);
          gQP = Infinity;
        } else {
          gPQ = Infinity;
          gQP = add(G_QP, gQP, pi);
        }
        diff = add(DIFF, diff, pi - qi);
      }
      if (wants.js) js = add(JS, js, (pi + qi) * 0.5 * LN2);
      continue;
    }
    const ratio = pi / qi;
    if (wants.kl) {
      if (ratio > 0.5 && ratio < 2) {
        const r = (pi - qi) / qi;
        const rReverse = (qi - pi) / pi;
        if (Math.abs(r) < SERIES_THRESHOLD) gPQ = add(G_PQ, gPQ, qi * hSeries(r));
        else {
          logRatio = Math.log1p(r);
          gPQ = add(G_PQ, gPQ, qi * ((1 + r) * logRatio - r));
        }
        if (Math.abs(rReverse) < SERIES_THRESHOLD) gQP = add(G_QP, gQP, pi * hSeries(rReverse));
        else {
          if (logRatio !== logRatio) logRatio = Math.log1p(r);
          gQP = add(G_QP, gQP, -qi * logRatio - qi + pi);
        }
      } else {
        logRatio = haveLogs
          ? (logP[i] as number) - (logQ[i] as number)
          : ratio === Infinity || ratio < MIN_NORMAL
            ? Math.log(pi) - Math.log(qi)
            : Math.log(ratio);
        gPQ = add(G_PQ, gPQ, pi * logRatio - pi + qi);
        gQP = add(G_QP, gQP, -qi * logRatio - qi + pi);
      }
      diff = add(DIFF, diff, pi - qi);
    }
    if (wants.js) {
      const total = pi + qi;
      const r = (pi - qi) / total;
      let phi: number;
      if (Math.abs(r) < SERIES_THRESHOLD) phi = phiSeries(r);
      else {
        if (logRatio !== logRatio) {
          logRatio =
            ratio > 0.5 && ratio < 2
              ? Math.log1p((pi - qi) / qi)
              : haveLogs
                ? (logP[i] as number) - (logQ[i] as number)
                : ratio === Infinity || ratio < MIN_NORMAL
                  ? Math.log(pi) - Math.log(qi)
                  : Math.log(ratio);
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
      js = add(JS, js, total * 0.25 * phi);
    }
  }
  const difference = finish(DIFF, diff);
  const klPQ = gPQ === Infinity ? Infinity : Math.max(0, finish(G_PQ, gPQ) + difference);
  const klQP = gQP === Infinity ? Infinity : Math.max(0, finish(G_QP, gQP) - difference);
  return {
    entropyP: Math.max(0, finish(E_P, entropyP)),
    entropyQ: Math.max(0, finish(E_Q, entropyQ)),
    crossPQ: crossPQ === Infinity ? Infinity : Math.max(0, finish(C_PQ, crossPQ)),
    crossQP: crossQP === Infinity ? Infinity : Math.max(0, finish(C_QP, crossQP)),
    klPQ,
    klQP,
    js: Math.min(LN2, Math.max(0, finish(JS, js))),
    totalVariation: Math.min(1, 0.5 * finish(TV, tv)),
    hellinger: Math.sqrt(Math.min(1, Math.max(0, 0.5 * finish(HEL, hel)))),
    pOnly,
    qOnly,
  };
}
