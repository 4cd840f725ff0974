/**
 * Log-space kernels: the only safe way to turn logits into probabilities.
 *
 * exp(1000) overflows float64, so softmax is evaluated after shifting by the maximum:
 * log softmax(x)ᵢ = (xᵢ − m) − log Σⱼ exp(xⱼ − m),  m = maxⱼ xⱼ.
 * Every exponent is then ≤ 0 and the sum lies in [1, n], so nothing overflows and the
 * largest term never underflows. Subtracting the shifted value first (rather than
 * xᵢ − logsumexp(x)) keeps the absolute error near ε·(|xᵢ − m| + log n) instead of
 * ε·|m|, which matters for logits of magnitude 1e3.
 */

import type { SoftmaxRow, SoftmaxSlot, SoftmaxWorkspace } from './softmax-wasm.js';

/**
 * log Σᵢ exp(xᵢ), computed stably.
 *
 * Returns −Infinity for an empty input or when every xᵢ is −Infinity (zero total mass).
 * Callers must reject +Infinity and NaN before calling.
 */
export function logSumExp(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value > max) max = value;
  }
  if (max === -Infinity) return -Infinity;
  let sum = 0;
  for (let i = 0; i < values.length; i++) sum += Math.exp((values[i] as number) - max);
  return max + Math.log(sum);
}

/*
 * softmaxWithLogs' three passes are three small functions: on a 32000-category row the
 * optimizing compiler compiles a loop while it runs, and code after that loop which has not
 * run yet then discards the compiled code (once per pass per thread, for a function
 * with its passes inline).
 */

/** The largest value (−Infinity when there is none). */
function maximum(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value > max) max = value;
  }
  return max;
}

/**
 * Writes (xᵢ − m)/T into `logProbs` and its exponential into `exps`; returns their
 * compensated sum. The shift comes first: xᵢ/T could overflow (1e308 / 0.5) or, for a
 * subnormal T, turn every logit into ±Infinity, where (xᵢ − m)/T is ≤ 0 and at worst
 * −Infinity (p = 0). The sum is compensated (Neumaier): a plain sum of 32000 terms is off
 * in its last ~2 digits, and the normaliser's error would otherwise show in every p.
 */
function shiftAndExponentiate(values: ArrayLike<number>, temperature: number, max: number, logProbs: Float64Array, exps: Float64Array): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < logProbs.length; i++) {
    const difference = (values[i] as number) - max;
    const shifted = temperature === 1 ? difference : difference / temperature;
    logProbs[i] = shifted;
    const e = Math.exp(shifted);
    exps[i] = e;
    const total = sum + e;
    // e ≤ 1 ≤ sum after the maximum's term; before it, either may be larger.
    compensation += sum >= e ? sum - total + e : e - total + sum;
    sum = total;
  }
  return sum + compensation;
}

function normalize(logProbs: Float64Array, probs: Float64Array, sum: number): void {
  const logSum = Math.log(sum);
  for (let i = 0; i < logProbs.length; i++) {
    logProbs[i] = (logProbs[i] as number) - logSum;
    probs[i] = (probs[i] as number) / sum;
  }
}

/**
 * Softmax of `values / temperature` as both probabilities and log-probabilities, with one
 * exponential per value: pᵢ = exp((xᵢ − m)/T) / s and log pᵢ = (xᵢ − m)/T − log s, where
 * m = max and s = Σⱼ exp((xⱼ − m)/T) ∈ [1, n] (compensated). Returns null when every value
 * is −Infinity.
 */
export function softmaxWithLogs(
  values: ArrayLike<number>,
  temperature = 1,
  out?: { probs: Float64Array; logProbs: Float64Array },
): { probs: Float64Array; logProbs: Float64Array } | null {
  const n = values.length;
  const logProbs = out?.logProbs ?? new Float64Array(n);
  const probs = out?.probs ?? new Float64Array(n);
  const max = maximum(values);
  if (max === -Infinity) return null;
  const sum = shiftAndExponentiate(values, temperature, max, logProbs, probs);
  normalize(logProbs, probs, sum);
  return { probs, logProbs };
}

/**
 * The largest of log-domain values, or NaN when one of them is NaN or +Infinity (which no
 * log kind accepts; −Infinity, log 0, is fine): the validation and the softmax's maximum
 * in one pass. Batch rows get it from SoftmaxWorkspace.load's two-lane pass, bit for bit this
 * loop (which settles the pass's ±0 ties).
 */
export function maximumOfLogs(values: ArrayLike<number>): number {
  let max = -Infinity;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (value !== value || value === Infinity) return Number.NaN;
    if (value > max) max = value;
  }
  return max;
}

/**
 * softmaxWithLogs of the batch row a WebAssembly workspace has taken (`workspace.load`, which
 * returned its maximum, `max`): its element-wise passes in the workspace (softmax-wasm.ts: the
 * same bits, about half the time), in the workspace's `slot`; null when every value is −Infinity.
 */
export function softmaxInWorkspace(workspace: SoftmaxWorkspace, temperature: number, max: number, slot: SoftmaxSlot = 0): SoftmaxRow | null {
  if (max === -Infinity) return null;
  return workspace.softmax(temperature, max, slot);
}
