/**
 * `npm run bench -- kernel`: nanoseconds per value of the fused kernel that `kl compare`
 * runs (kernel.ts's loop; for softmax rows, the WebAssembly fused pass), next to the parts of
 * the loop that no bit-identical rewrite can leave out (issue 20):
 * - big CSV (independent rows, ratios mostly far from 1): its four logarithms, log p, log q,
 *   log(p/q) and log(2p/(p + q)) (or 2q/(p + q)), each V8's Math.log of the same double;
 * - near-identical logits (the series branch on almost every value): its three series,
 *   h(r), h(−r′) and φ(r), with the three divisions that form their arguments.
 * Each part runs alone, in one plain sum, on the same data in the same process, so the
 * difference to the kernel is what everything else in it costs. One thread; medians of 7.
 * Bundled by scripts/bench.mjs with esbuild and run in a child process.
 */
import { hSeries, pairKernel, pairSums, phiSeries } from '../../src/measures/kernel.js';
import { SoftmaxWorkspace } from '../../src/measures/softmax-wasm.js';
// @ts-expect-error: a JavaScript module of the bench, without declarations
import { generator } from './xorshift.mjs';

const EVERY_MEASURE = { entropy: true, cross: true, kl: true, js: true, totalVariation: true, hellinger: true };

/** Rows as the bench's CSV files hold them: uniform + 1e-3, normalised. */
function csvRows(rows: number, columns: number, seed: number): Float64Array[] {
  const random = generator(seed);
  return Array.from({ length: rows }, () => {
    const row = Float64Array.from({ length: columns }, () => random() + 1e-3);
    const total = row.reduce((sum, value) => sum + value, 0);
    return row.map((value) => value / total);
  });
}

/** log-softmax of logits like the bench's .npy files (σ ≈ 3), and of them plus ±0.02. */
function logitRows(rows: number, columns: number, seed: number): { logP: Float64Array[]; logQ: Float64Array[] } {
  const random = generator(seed);
  const logSoftmax = (z: Float64Array) => {
    const max = z.reduce((m, value) => Math.max(m, value), -Infinity);
    const total = z.reduce((sum, value) => sum + Math.exp(value - max), 0);
    const normaliser = max + Math.log(total);
    return z.map((value) => value - normaliser);
  };
  const logP: Float64Array[] = [];
  const logQ: Float64Array[] = [];
  for (let r = 0; r < rows; r++) {
    const z = Float64Array.from({ length: columns }, () => (random() + random() + random() + random() - 2) * 5.2);
    logP.push(logSoftmax(z));
    logQ.push(logSoftmax(z.map((value) => value + (random() - 0.5) * 0.04)));
  }
  return { logP, logQ };
}

function fourLogarithms(p: Float64Array, q: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const qi = q[i] as number;
    sum += Math.log(pi) + Math.log(qi) + Math.log(pi / qi) + Math.log((2 * Math.max(pi, qi)) / (pi + qi));
  }
  return sum;
}

function threeSeries(p: Float64Array, q: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < p.length; i++) {
    const pi = p[i] as number;
    const qi = q[i] as number;
    sum += qi * hSeries((pi - qi) / qi) + pi * hSeries((qi - pi) / pi) + (pi + qi) * phiSeries((pi - qi) / (pi + qi));
  }
  return sum;
}

/** Median nanoseconds per value of `run` over every row, 7 rounds after 2 warm-ups. */
function nanosecondsPerValue(rows: number, columns: number, run: (row: number) => number): number {
  const times: number[] = [];
  let sink = 0;
  for (let round = 0; round < 9; round++) {
    const started = process.hrtime.bigint();
    for (let row = 0; row < rows; row++) sink += run(row);
    if (round >= 2) times.push(Number(process.hrtime.bigint() - started) / (rows * columns));
  }
  if (Number.isNaN(sink)) throw new Error('a part summed to NaN');
  return times.sort((a, b) => a - b)[times.length >> 1] as number;
}

const csv = { rows: 2000, columns: 500 };
const p = csvRows(csv.rows, csv.columns, 1);
const q = csvRows(csv.rows, csv.columns, 2);
const logits = { rows: 40, columns: 32000 };
const { logP, logQ } = logitRows(logits.rows, logits.columns, 3);
const probabilitiesP = logP.map((row) => row.map(Math.exp));
const probabilitiesQ = logQ.map((row) => row.map(Math.exp));
// The same rows as a batch holds them: each row's two sides in the slots of a workspace.
const inWorkspaces = probabilitiesP.map((pRow, r) =>
  (SoftmaxWorkspace.create(logits.columns) as SoftmaxWorkspace).holding(
    pRow,
    probabilitiesQ[r] as Float64Array,
    logP[r] as Float64Array,
    logQ[r] as Float64Array,
  ),
);

const results: [string, number][] = [
  [
    `CSV rows (${csv.columns} categories, independent): pairKernel, every measure`,
    nanosecondsPerValue(csv.rows, csv.columns, (r) => pairKernel(p[r] as Float64Array, q[r] as Float64Array, EVERY_MEASURE).klPQ),
  ],
  ['  its four logarithms alone', nanosecondsPerValue(csv.rows, csv.columns, (r) => fourLogarithms(p[r] as Float64Array, q[r] as Float64Array))],
  [
    `logit rows (${logits.columns} categories, near-identical): pairKernel's loop from log-probabilities, every measure`,
    nanosecondsPerValue(
      logits.rows,
      logits.columns,
      (r) => pairKernel(probabilitiesP[r] as Float64Array, probabilitiesQ[r] as Float64Array, EVERY_MEASURE, logP[r], logQ[r], true).klPQ,
    ),
  ],
  [
    '  the same rows in softmax workspaces: the WebAssembly fused pass (what `kl compare` runs on logits)',
    nanosecondsPerValue(logits.rows, logits.columns, (r) => {
      const held = inWorkspaces[r] as (typeof inWorkspaces)[number];
      return pairSums(held.p, held.q, EVERY_MEASURE, held.logP, held.logQ, true).klPQ;
    }),
  ],
  [
    "  the loop's three series and their divisions alone",
    nanosecondsPerValue(logits.rows, logits.columns, (r) => threeSeries(probabilitiesP[r] as Float64Array, probabilitiesQ[r] as Float64Array)),
  ],
];
console.log('| kernel or part (one thread) | ns per value |');
console.log('| --- | ---: |');
for (const [name, nanoseconds] of results) console.log(`| ${name} | ${nanoseconds.toFixed(1)} |`);
