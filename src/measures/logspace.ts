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

/** Writes xᵢ/T into `out` and returns the maximum. */
function scaledWithMax(values: ArrayLike<number>, temperature: number, out: Float64Array): number {
  const n = values.length;
  let max = -Infinity;
  if (temperature === 1) {
    for (let i = 0; i < n; i++) {
      const value = values[i] as number;
      out[i] = value;
      if (value > max) max = value;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const scaled = (values[i] as number) / temperature;
      out[i] = scaled;
      if (scaled > max) max = scaled;
    }
  }
  return max;
}

/** Shifts each value by −max in place, stores its exponential in `exps`, returns their sum. */
function shiftAndExponentiate(logProbs: Float64Array, exps: Float64Array, max: number): number {
  let sum = 0;
  for (let i = 0; i < logProbs.length; i++) {
    const shifted = (logProbs[i] as number) - max;
    logProbs[i] = shifted;
    const e = Math.exp(shifted);
    exps[i] = e;
    sum += e;
  }
  return sum;
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
 * exponential per value: pᵢ = exp(xᵢ/T − m) / s and log pᵢ = (xᵢ/T − m) − log s, where
 * m = max and s = Σⱼ exp(xⱼ/T − m) ∈ [1, n]. Returns null when every value is −Infinity.
 */
export function softmaxWithLogs(
  values: ArrayLike<number>,
  temperature = 1,
  out?: { probs: Float64Array; logProbs: Float64Array },
): { probs: Float64Array; logProbs: Float64Array } | null {
  const n = values.length;
  const logProbs = out?.logProbs ?? new Float64Array(n);
  const probs = out?.probs ?? new Float64Array(n);
  const max = scaledWithMax(values, temperature, logProbs);
  if (max === -Infinity) return null;
  const sum = shiftAndExponentiate(logProbs, probs, max);
  normalize(logProbs, probs, sum);
  return { probs, logProbs };
}
