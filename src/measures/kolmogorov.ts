/**
 * The survival function of the two-sided one-sample Kolmogorov–Smirnov statistic D_n,
 * P(D_n > x): what `scipy.stats.kstwo.sf(x, n)` returns, computed the same way (SciPy's
 * `stats/_ksstats.py`, after Simard & L'Ecuyer 2011), region by region, so that kl's KS
 * p-values agree with `scipy.stats.ks_2samp` to 1e-9 (asymptotic method). No JavaScript
 * library computes this distribution for finite n (stdlib's `kstest` uses Marsaglia–Tsang–
 * Wang with a 3-digit shortcut), so the SciPy algorithms are ported here, with their
 * sources:
 * - Ruben–Gambino closed forms for nx ≤ 1 and nx ≥ n − 1;
 * - Durbin's matrix method as Marsaglia, Tsang & Wang (2003) computed it;
 * - Pomeranz (1974) for n ≤ 140;
 * - the Pelz–Good (1976) asymptotic series for large n;
 * - 2 × the one-sided Smirnov tail (Birnbaum & Tingey 1951) where the two-sided tail is
 *   that to double precision.
 */
import { NeumaierSum } from './sum.js';

const EP128 = 2 ** 128;
const EM128 = 2 ** -128;
const LOG_2PI = Math.log(2 * Math.PI);
const SQRT_2PI = Math.sqrt(2 * Math.PI);
const SQRT3 = Math.sqrt(3);
const PI_SQUARED = Math.PI ** 2;
const PI_FOUR = Math.PI ** 4;
const PI_SIX = Math.PI ** 6;
const MIN_LOG = -708;
/** Below this, e^x underflows (cephes' MINLOG). */
const CEPHES_MINLOG = -708.3964185322641;

const clip = (p: number): number => Math.min(1, Math.max(0, p));

/** x · 2^e without overflow or underflow in the power itself. */
function ldexp(x: number, exponent: number): number {
  let value = x;
  let e = exponent;
  while (e > 1000) {
    value *= 2 ** 1000;
    e -= 1000;
  }
  while (e < -1000) {
    value *= 2 ** -1000;
    e += 1000;
  }
  return value * 2 ** e;
}

/** SciPy's coefficients (as the doubles Python reads them). */
const STIRLING = [
  -0.029550653594771242, 0.00641025641025641, -0.0019175269175269176, 0.0008417508417508417, -0.0005952380952380953, 0.0007936507936507937,
  -0.002777777777777778, 0.08333333333333333,
];

/** log(n! / n^n) by Stirling's series. */
function logFactorialOverPower(n: number): number {
  const rn = 1 / n;
  let poly = 0;
  for (const c of STIRLING) poly = poly * (rn / n) + c;
  return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
}

/** Row-major m×m matrix product. */
function matmul(a: Float64Array, b: Float64Array, m: number): Float64Array<ArrayBuffer> {
  const out = new Float64Array(m * m);
  for (let i = 0; i < m; i++) {
    for (let k = 0; k < m; k++) {
      const aik = a[i * m + k] as number;
      if (aik === 0) continue;
      for (let j = 0; j < m; j++) out[i * m + j] = (out[i * m + j] as number) + aik * (b[k * m + j] as number);
    }
  }
  return out;
}

/** P(D_n ≤ d) by Durbin's matrix (Marsaglia, Tsang & Wang 2003). */
function durbinCdf(n: number, d: number): number {
  if (d >= 1) return 1;
  const nd = n * d;
  if (nd <= 0.5) return 0;
  const k = Math.ceil(nd);
  const h = k - nd;
  const m = 2 * k - 1;
  const v = new Float64Array(m);
  const w = new Float64Array(m);
  let fac = 1;
  for (let j = 1; j <= m; j++) {
    w[j - 1] = fac;
    fac /= j;
    v[j - 1] = (1 - h ** j) * fac;
  }
  const tt = Math.max(2 * h - 1, 0) ** m - 2 * h ** m;
  v[m - 1] = (1 + tt) * fac;
  let power = new Float64Array(m * m);
  for (let i = 1; i < m; i++) for (let row = i - 1; row < m; row++) power[row * m + i] = w[row - i + 1] as number;
  for (let row = 0; row < m; row++) power[row * m] = v[row] as number;
  for (let col = 0; col < m; col++) power[(m - 1) * m + col] = v[m - 1 - col] as number;
  let result = new Float64Array(m * m);
  for (let i = 0; i < m; i++) result[i * m + i] = 1;
  let remaining = n;
  let exponent = 0;
  let powerExponent = 0;
  while (remaining > 0) {
    if (remaining % 2 === 1) {
      result = matmul(result, power, m);
      exponent += powerExponent;
    }
    power = matmul(power, power, m);
    powerExponent *= 2;
    if (Math.abs(power[(k - 1) * m + (k - 1)] as number) > EP128) {
      for (let i = 0; i < power.length; i++) power[i] = (power[i] as number) / EP128;
      powerExponent += 128;
    }
    remaining = Math.floor(remaining / 2);
  }
  let p = result[(k - 1) * m + (k - 1)] as number;
  for (let i = 1; i <= n; i++) {
    p = (i * p) / n;
    if (Math.abs(p) < EM128) {
      p *= EP128;
      exponent -= 128;
    }
  }
  return exponent === 0 ? p : ldexp(p, exponent);
}

function pomeranzRange(i: number, n: number, ll: number, ceilf: number, roundf: number): [number, number] {
  let j1: number;
  let j2: number;
  if (i === 0) {
    j1 = -ll - ceilf - 1;
    j2 = ll + ceilf - 1;
  } else {
    const half = Math.floor((i + 1) / 2);
    if ((i + 1) % 2 === 0) {
      if (half === n + 1) {
        j1 = n - ll - ceilf - 1;
        j2 = n + ll + ceilf - 1;
      } else {
        j1 = half - 1 - ll - roundf - 1;
        j2 = half + ll - 1 + ceilf - 1;
      }
    } else {
      j1 = half - 1 - ll - 1;
      j2 = half + ll + roundf - 1;
    }
  }
  return [Math.max(j1 + 2, 0), Math.min(j2, n)];
}

/** P(D_n ≤ x) by Pomeranz's recursion (1974). */
function pomeranzCdf(n: number, x: number): number {
  const t = n * x;
  const ll = Math.floor(t);
  const f = t - ll;
  const g = Math.min(f, 1 - f);
  const ceilf = f > 0 ? 1 : 0;
  const roundf = f > 0.5 ? 1 : 0;
  const powers = 2 * (ll + 1);
  const gPower = new Float64Array(powers);
  const twoGPower = new Float64Array(powers);
  const oneMinusTwoGPower = new Float64Array(powers);
  gPower[0] = 1;
  twoGPower[0] = 1;
  oneMinusTwoGPower[0] = 1;
  let exponent = 0;
  const gOverN = g / n;
  const twoGOverN = (2 * g) / n;
  const oneMinusTwoGOverN = (1 - 2 * g) / n;
  for (let m = 1; m < powers; m++) {
    gPower[m] = ((gPower[m - 1] as number) * gOverN) / m;
    twoGPower[m] = ((twoGPower[m - 1] as number) * twoGOverN) / m;
    oneMinusTwoGPower[m] = ((oneMinusTwoGPower[m - 1] as number) * oneMinusTwoGOverN) / m;
  }
  let v0 = new Float64Array(powers);
  let v1 = new Float64Array(powers);
  v1[0] = 1;
  let v0Start = 0;
  let v1Start = 0;
  let [j1, j2] = pomeranzRange(0, n, ll, ceilf, roundf);
  for (let i = 1; i < 2 * n + 2; i++) {
    const k1 = j1;
    [v0, v1] = [v1, v0];
    [v0Start, v1Start] = [v1Start, v0Start];
    v1.fill(0);
    [j1, j2] = pomeranzRange(i, n, ll, ceilf, roundf);
    const pwrs = i === 1 || i === 2 * n + 1 ? gPower : i % 2 === 1 ? twoGPower : oneMinusTwoGPower;
    const length = j2 - k1 + 1;
    if (length > 0) {
      // The full convolution of V0[k1−V0s …][:length] with pwrs[:length], entries j1−k1 … j2−k1.
      const offset = k1 - v0Start;
      const convStart = j1 - k1;
      const convLength = j2 - j1 + 1;
      let largest = 0;
      for (let out = 0; out < convLength; out++) {
        const index = convStart + out;
        let sum = 0;
        for (let a = Math.max(0, index - (length - 1)); a <= Math.min(index, length - 1); a++) {
          sum += (v0[offset + a] ?? 0) * (pwrs[index - a] as number);
        }
        v1[out] = sum;
        if (sum > largest) largest = sum;
      }
      if (largest > 0 && largest < EM128) {
        for (let a = 0; a < v1.length; a++) v1[a] = (v1[a] as number) * EP128;
        exponent -= 128;
      }
      v1Start = v0Start + j1 - k1;
    }
  }
  let answer = v1[n - v1Start] as number;
  for (let m = 1; m <= n; m++) {
    if (Math.abs(answer) > EP128) {
      answer *= EM128;
      exponent += 128;
    }
    answer *= m;
  }
  return exponent === 0 ? answer : ldexp(answer, exponent);
}

/** P(D_n ≤ x) by the Pelz–Good asymptotic series (1976). */
function pelzGoodCdf(n: number, x: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const z = Math.sqrt(n) * x;
  const z2 = z ** 2;
  const z3 = z ** 3;
  const z4 = z ** 4;
  const z6 = z ** 6;
  const qlog = -PI_SQUARED / 8 / z2;
  if (qlog < MIN_LOG) return 0;
  let q = Math.exp(qlog);
  const k1a = -z2;
  const k1b = PI_SQUARED / 4;
  const k2a = 6 * z6 + 2 * z4;
  const k2b = ((2 * z4 - 5 * z2) * PI_SQUARED) / 4;
  const k2c = (PI_FOUR * (1 - 2 * z2)) / 16;
  const k3d = (PI_SIX * (5 - 30 * z2)) / 64;
  const k3c = (PI_FOUR * (-60 * z2 + 212 * z4)) / 16;
  const k3b = (PI_SQUARED * (135 * z4 - 96 * z6)) / 4;
  const k3a = -30 * z6 - 90 * z ** 8;
  const terms = [0, 0, 0, 0];
  const maxk = Math.ceil((16 * z) / Math.PI);
  for (let k = maxk; k > 0; k--) {
    const m = 2 * k - 1;
    const m2 = m ** 2;
    const m4 = m ** 4;
    const m6 = m ** 6;
    const qPower = q ** (8 * k);
    const coefficients = [1, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6];
    for (let i = 0; i < 4; i++) terms[i] = (terms[i] as number) * qPower + (coefficients[i] as number);
  }
  const divisors = [z, 6 * z4, 72 * z ** 7, 6480 * z ** 10];
  for (let i = 0; i < 4; i++) terms[i] = ((terms[i] as number) * q * SQRT_2PI) / (divisors[i] as number);
  q = Math.exp(-PI_SQUARED / 2 / z2);
  let k2extra = 0;
  let k3extra = 0;
  const sqrt3z = SQRT3 * z;
  for (let k = maxk; k > 0; k--) {
    const k2 = k * k;
    const qPower = q ** k2;
    k2extra += k2 * qPower;
    const kPi = Math.PI * k;
    k3extra += (sqrt3z + kPi) * (sqrt3z - kPi) * k2 * qPower;
  }
  terms[2] = (terms[2] as number) + (k2extra * PI_SQUARED * SQRT_2PI) / (-36 * z3);
  terms[3] = (terms[3] as number) + (k3extra * PI_SQUARED * SQRT_2PI) / (216 * z6);
  let sum = 0;
  for (let i = 0; i < 4; i++) sum += (terms[i] as number) / n ** (i / 2);
  return sum;
}

/** n·x as an exact double-double (Dekker's product), so floor(nx) and its fraction are exact. */
function exactProduct(n: number, x: number): { floor: number; fraction: number } {
  const hi = n * x;
  const split = (a: number): [number, number] => {
    const c = 134217729 * a;
    const big = c - (c - a);
    return [big, a - big];
  };
  const [nh, nl] = split(n);
  const [xh, xl] = split(x);
  const lo = nh * xh - hi + nh * xl + nl * xh + nl * xl;
  let floor = Math.floor(hi);
  let fraction = hi - floor + lo;
  if (fraction < 0) {
    floor -= 1;
    fraction += 1;
  }
  if (fraction >= 1) {
    floor += 1;
    fraction -= 1;
  }
  return { floor, fraction };
}

/**
 * The one-sided Smirnov tail P(D⁺_n > x) by the Birnbaum–Tingey sum
 * x · Σ_{v=0}^{⌊n(1−x)⌋} C(n,v) (x + v/n)^{v−1} (1 − x − v/n)^{n−v}: positive terms, summed
 * in log space with the largest term factored out, so nothing overflows or cancels. Used
 * only where SciPy uses it for the two-sided tail (2 × this), where its lower sum applies.
 */
export function smirnovSf(n: number, x: number): number {
  if (n === 1) return 1 - x;
  if (x <= 0) return 1;
  if (x >= 1) return 0;
  const { floor: nxFloor, fraction: alpha } = exactProduct(n, x);
  if (nxFloor === 0 || (nxFloor === 1 && alpha === 0)) return 1 - x * (1 + x) ** (n - 1);
  if (-2 * n * x * x < CEPHES_MINLOG) return 0;
  if (nxFloor >= n - 1) return (1 - x) ** n;
  if (n > 1_000_000) {
    const logp = -((6 * n * x + 1) ** 2) / 18 / n;
    // Maximise precision for a small p-value, as SciPy does.
    return logp < -Math.LN2 ? Math.exp(logp) : 1 - -Math.expm1(logp);
  }
  let last = n - nxFloor - (alpha === 0 ? 0 : 1);
  if (alpha === 0) last -= 1;
  // log C(n, v), accumulated with compensation.
  const logBinomial = new NeumaierSum();
  let largest = -Infinity;
  let scaled = 0;
  for (let v = 0; v <= last; v++) {
    if (v > 0) logBinomial.add(Math.log((n - v + 1) / v));
    // 1 − x − v/n and x + v/n from the exact fraction of nx: no cancellation.
    const lower = (n - nxFloor - v - alpha) / n;
    const upper = (nxFloor + v + alpha) / n;
    const logTerm = logBinomial.value() + (v - 1) * Math.log(upper) + (n - v) * Math.log(lower);
    if (logTerm > largest) {
      scaled = scaled * Math.exp(largest - logTerm) + 1;
      largest = logTerm;
    } else {
      const term = Math.exp(logTerm - largest);
      scaled += term;
      // The terms fall away after their peak: stop once the rest cannot change the sum.
      if (4 * (last - v) * term < Number.EPSILON * scaled && v !== last) break;
    }
  }
  return clip(x * scaled * Math.exp(largest));
}

/** P(D_n > x) for the two-sided one-sample statistic: `scipy.stats.kstwo.sf(x, n)`. */
export function kolmogorovSf(n: number, x: number): number {
  if (!Number.isInteger(n) || n <= 0 || Number.isNaN(x)) return NaN;
  if (x >= 1) return 0;
  if (x <= 0) return 1;
  const t = n * x;
  if (t <= 1) {
    if (t <= 0.5) return 1;
    let cdf: number;
    if (n <= 140) {
      cdf = 1;
      for (let i = 1; i <= n; i++) cdf *= i * (1 / n) * (2 * t - 1);
    } else {
      cdf = Math.exp(logFactorialOverPower(n) + n * Math.log(2 * t - 1));
    }
    return clip(1 - cdf);
  }
  if (t >= n - 1) return clip(2 * (1 - x) ** n);
  if (x >= 0.5) return clip(2 * smirnovSf(n, x));
  const nxSquared = t * x;
  if (n <= 140) {
    if (nxSquared <= 0.754693) return clip(1 - durbinCdf(n, x));
    if (nxSquared <= 4) return clip(1 - pomeranzCdf(n, x));
    return clip(2 * smirnovSf(n, x));
  }
  if (nxSquared >= 370) return 0;
  if (nxSquared >= 2.2) return clip(2 * smirnovSf(n, x));
  const cdf = n <= 100000 && n * x ** 1.5 <= 1.4 ? durbinCdf(n, x) : pelzGoodCdf(n, x);
  return clip(1 - cdf);
}
