/**
 * The WebAssembly softmax passes (softmax.wat) against the JavaScript ones (logspace.ts):
 * every probability and log-probability bit for bit, on rows whose shifted values take every
 * branch of the exponential (e_exp.c's ranges and their edges, underflow, −Infinity), odd
 * and even widths, temperatures, and through toProbabilities as batch rows use it. And the
 * divergence and fused passes against kernel.ts's loops: D(P‖Q) and D(Q‖P), and every
 * measure's sums, bit for bit, with the same one-sided counts, on rows that take each branch.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ANCHORS, divergenceKernel, divergenceSums, type KernelSums, PRIMING_PAIRS, pairKernel, pairSums } from '../../src/measures/kernel.js';
import { maximumOfLogs, softmaxInWorkspace, softmaxWithLogs } from '../../src/measures/logspace.js';
import { Scratch, SharedSoftmaxWorkspace, toProbabilities } from '../../src/measures/prepare.js';
import { divergenceInWorkspace, fusedSumsInWorkspace, SoftmaxWorkspace } from '../../src/measures/softmax-wasm.js';
import { argmax } from '../../src/measures/stats.js';

/** Shifted values at and around every boundary of e_exp.c (relative to a maximum of 0). */
const EDGES = [
  0,
  -0,
  -5e-324,
  -1e-300,
  -(2 ** -28),
  -(2 ** -28) * (1 + Number.EPSILON),
  -(2 ** -28) * (1 - Number.EPSILON / 2),
  -0.34657359027997264,
  -0.3465735902799726,
  -0.34657359027997259,
  -0.5,
  -1,
  -1.0397207708399179,
  -1.0397207708399177,
  -2,
  -708.3964185322641,
  -709.782712893384,
  -709.8,
  -740,
  -744.4400719213812,
  -745.1332191019411,
  -745.1332191019412,
  -745.2,
  -800,
  -1022 * Math.LN2,
  -1021.5 * Math.LN2,
  -Infinity,
];

/** A shifted value: anywhere from tiny to past underflow, or an edge. */
const shifted = fc.oneof(
  fc.double({ min: -1e-7, max: 0, noNaN: true }),
  fc.double({ min: -2, max: 0, noNaN: true }),
  fc.double({ min: -50, max: 0, noNaN: true }),
  fc.double({ min: -760, max: -700, noNaN: true }),
  fc.constantFrom(...EDGES),
);

function expectSameBits(actual: Float64Array, expected: Float64Array): void {
  expect(actual.length).toBe(expected.length);
  for (let i = 0; i < expected.length; i++) {
    if (!Object.is(actual[i], expected[i])) expect({ i, actual: actual[i] }).toEqual({ i, expected: expected[i] });
  }
}

describe('softmax in WebAssembly', () => {
  it('gives every p and log p bit for bit as the JavaScript passes, at every edge of the exponential', () => {
    const workspace = SoftmaxWorkspace.create(EDGES.length + 1);
    expect(workspace).not.toBeNull();
    for (const offset of [0, 3.5, -1000]) {
      // A maximum of 0 (or `offset`) keeps the shifted values as listed.
      const row = Float64Array.from([0, ...EDGES], (x) => x + offset);
      for (const width of [row.length, row.length - 1]) {
        const values = row.subarray(0, width);
        const js = softmaxWithLogs(values, 1);
        const wasm = softmaxInWorkspace(workspace as SoftmaxWorkspace, 1, (workspace as SoftmaxWorkspace).load(values));
        expectSameBits(wasm?.probs as Float64Array, js?.probs as Float64Array);
        expectSameBits(wasm?.logProbs as Float64Array, js?.logProbs as Float64Array);
      }
    }
  });

  it('gives every p and log p bit for bit on random rows, widths and temperatures', () => {
    const workspace = SoftmaxWorkspace.create(64) as SoftmaxWorkspace;
    fc.assert(
      fc.property(
        fc.array(shifted, { minLength: 1, maxLength: 64 }),
        fc.double({ min: -1e4, max: 1e4, noNaN: true }),
        fc.constantFrom(1, 0.5, 0.7, 2, 1e-3, 3e5),
        (shifts, offset, temperature) => {
          const values = Float64Array.from([0, ...shifts].slice(0, 64), (x) => x + offset);
          const js = softmaxWithLogs(values, temperature);
          const wasm = softmaxInWorkspace(workspace, temperature, workspace.load(values));
          if (js === null) return wasm === null;
          return (
            wasm !== null &&
            js.probs.every((p, i) => Object.is(p, wasm.probs[i])) &&
            js.logProbs.every((l, i) => Object.is(l, wasm.logProbs[i])) &&
            wasm.probs.length === values.length &&
            wasm.argmax === argmax(js.probs)
          );
        },
      ),
      { numRuns: 5000 },
    );
  });

  it('is what batch rows get (toProbabilities with a Scratch), with the same values as without', () => {
    const scratch = new Scratch();
    const options = { normalize: false, tolerance: 1e-6, temperature: 1 };
    let state = 7;
    const random = () => {
      state = (state * 1103515245 + 12345) % 2147483648;
      return (state / 2147483648 - 0.5) * 12;
    };
    for (const width of [32000, 5, 1, 31999]) {
      const logits = Float64Array.from({ length: width }, random);
      const batch = toProbabilities(logits, 'logits', options, scratch);
      const single = toProbabilities(logits, 'logits', options);
      if (!batch.ok || !single.ok) throw new Error('a row was refused');
      expect(batch.probs.buffer).not.toBe(single.probs.buffer);
      expectSameBits(batch.probs, single.probs);
      expectSameBits(batch.logProbs as Float64Array, single.logProbs as Float64Array);
    }
  });

  it('refuses the same rows with the same failure as the single-pair path (NaN, +Infinity, all −Infinity)', () => {
    const options = { normalize: false, tolerance: 1e-6, temperature: 1 };
    const rows = [
      [0.5, Number.NaN, 1],
      [Number.POSITIVE_INFINITY, 0, 1],
      [0, 1, Number.NaN, Number.POSITIVE_INFINITY],
      [Number.NEGATIVE_INFINITY, Number.NEGATIVE_INFINITY],
      [Number.NEGATIVE_INFINITY, 0],
      [0.1, 5, 2],
    ];
    for (const kind of ['logits', 'logprobs'] as const) {
      for (const row of rows) {
        const values = Float64Array.from(row);
        const batch = toProbabilities(values, kind, options, new Scratch());
        const single = toProbabilities(values, kind, options);
        expect(batch.ok).toBe(single.ok);
        if (!batch.ok) expect(batch).toEqual(single);
        else if (single.ok) expectSameBits(batch.probs, single.probs);
      }
    }
  });

  it('finds the argmax as stats.ts does: the first of equal maxima, whichever lane holds it', () => {
    const workspace = SoftmaxWorkspace.create(16) as SoftmaxWorkspace;
    const rows = [[0], [0, 0], [-1, 0, 0], [0, -1, 0], [-1, 0, -1, 0], [-2, -1, -1], [3, 3, 3, 3, 3], [-1, -1, -1, 0], [0, -1, -1, -1, -1], [-5, -800, -5]];
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -3, max: 0 }), { minLength: 1, maxLength: 16 }), (integers) => {
        const values = Float64Array.from(integers);
        const row = softmaxInWorkspace(workspace, 1, workspace.load(values));
        return row !== null && row.argmax === argmax(row.probs);
      }),
      { numRuns: 3000 },
    );
    for (const integers of rows) {
      const values = Float64Array.from(integers);
      const row = softmaxInWorkspace(workspace, 1, workspace.load(values));
      expect(row?.argmax).toBe(argmax(softmaxWithLogs(values)?.probs as Float64Array));
    }
  });

  it('finds the maximum and refuses NaN and +Infinity as maximumOfLogs does, bit for bit, whichever lane holds what', () => {
    const workspace = SoftmaxWorkspace.create(24) as SoftmaxWorkspace;
    const value = fc.oneof(
      fc.double({ min: -5, max: 5, noNaN: true }),
      fc.constantFrom(0, -0, Number.NEGATIVE_INFINITY, Number.POSITIVE_INFINITY, Number.NaN, 5e-324, -5e-324),
    );
    fc.assert(
      fc.property(fc.array(value, { minLength: 0, maxLength: 24 }), (values) => {
        const row = Float64Array.from(values);
        return Object.is(workspace.load(row), maximumOfLogs(row));
      }),
      { numRuns: 5000 },
    );
    // ±0 as the largest in either lane and either order: the first one is the maximum.
    for (const row of [
      [-0, 0],
      [0, -0],
      [-1, -0, 0],
      [-1, 0, -0],
      [-0, -1, 0],
      [0, -1, -0],
      [-0, 0, -1, 0],
      [-1, 0, -0, -1],
      [-Infinity, -0],
    ]) {
      expect(Object.is(workspace.load(Float64Array.from(row)), maximumOfLogs(row))).toBe(true);
    }
  });

  it('leaves rows too wide for a 2 GiB memory to the JavaScript passes', () => {
    expect(SoftmaxWorkspace.create(90_000_000)).toBeNull();
    expect(SoftmaxWorkspace.create(0)).toBeNull();
    expect(SoftmaxWorkspace.create(1)).not.toBeNull();
  });
});

/**
 * Checks `holds` on pairs of softmax rows as a batch computes them (each side in its slot of
 * one shared workspace): from identical through quantisation-sized differences (the series on
 * both lanes) to far apart, and now and then a −Infinity logit on Q's side alone (q = 0 < p).
 */
function assertOnSoftmaxRowPairs(holds: (p: Float64Array, q: Float64Array, logP: Float64Array, logQ: Float64Array) => boolean): void {
  const shared = new SharedSoftmaxWorkspace();
  const pScratch = new Scratch(shared, 0);
  const qScratch = new Scratch(shared, 1);
  const options = { normalize: false, tolerance: 1e-6, temperature: 1 };
  const logit = fc.oneof(fc.double({ min: -12, max: 12, noNaN: true }), fc.constant(Number.NEGATIVE_INFINITY));
  const noise = fc.oneof(
    fc.constant(0),
    fc.double({ min: -1e-3, max: 1e-3, noNaN: true }),
    fc.double({ min: -0.1, max: 0.1, noNaN: true }),
    fc.double({ min: -8, max: 8, noNaN: true }),
  );
  fc.assert(
    fc.property(fc.array(fc.tuple(logit, noise, fc.boolean()), { minLength: 1, maxLength: 41 }), (cells) => {
      const z = Float64Array.from(cells, ([x]) => x);
      const w = Float64Array.from(cells, ([x, e, off]) => (off && e > 4 ? Number.NEGATIVE_INFINITY : x + e));
      const p = toProbabilities(z, 'logits', options, pScratch);
      const q = toProbabilities(w, 'logits', options, qScratch);
      if (!p.ok || !q.ok) return true;
      return holds(p.probs, q.probs, p.logProbs as Float64Array, q.logProbs as Float64Array);
    }),
    { numRuns: 3000 },
  );
}

/** (p, q) pairs and their logarithms in the two slots of `workspace`, as any values can stand there. */
function inSlots(workspace: SoftmaxWorkspace, pairs: readonly (readonly [number, number])[]) {
  const p = Float64Array.from(pairs, ([pi]) => pi);
  const q = Float64Array.from(pairs, ([, qi]) => qi);
  return workspace.holding(p, q, p.map(Math.log), q.map(Math.log));
}

/** D both ways by the WebAssembly pass (arrays of the workspace) and by kernel.ts's loop (copies). */
function bothRoutes(p: Float64Array, q: Float64Array, logP: Float64Array, logQ: Float64Array) {
  return [false, true].map((reverse) => {
    expect(divergenceInWorkspace(p, q, logP, logQ, reverse)).not.toBeNull();
    const wasm = divergenceSums(p, q, reverse, logP, logQ, true);
    const loop = divergenceKernel(p.slice(), q.slice(), reverse, logP.slice(), logQ.slice(), true);
    return { reverse, wasm, loop };
  });
}

/** Every measure's sums by the WebAssembly fused pass (arrays of the workspace) and by kernel.ts's loop (copies). */
function fusedBothRoutes(p: Float64Array, q: Float64Array, logP: Float64Array, logQ: Float64Array): { wasm: KernelSums; loop: KernelSums } {
  const ALL = { entropy: true, cross: true, kl: true, js: true, totalVariation: true, hellinger: true };
  expect(fusedSumsInWorkspace(p, q, logP, logQ)).not.toBeNull();
  const wasm = pairSums(p, q, ALL, logP, logQ, true);
  const loop = pairKernel(p.slice(), q.slice(), ALL, logP.slice(), logQ.slice(), true);
  return { wasm, loop };
}

const sameSums = ({ wasm, loop }: { wasm: KernelSums; loop: KernelSums }) =>
  (Object.keys(loop) as (keyof KernelSums)[]).every((key) => Object.is(wasm[key], loop[key]));

/** (p, q) pairs that take every branch: the kernel's priming pairs (zeros, equal values, series, log1p, far either way, subnormal) and more. */
const PAIRS: readonly (readonly [number, number])[] = [
  ...PRIMING_PAIRS,
  ...ANCHORS,
  [1e-300, 1.0000001e-300],
  // Near for one series and not another: |r| < 0.05 ≤ |r′| or the JS ratio alone.
  [0.1, 0.0952],
  [0.0952, 0.1],
  [0.1, 0.0905],
  [0.0905, 0.1],
  [0.3, 0.31],
  [0.31, 0.3],
];

describe('the divergence pass in WebAssembly', () => {
  it('gives D(P‖Q) and D(Q‖P) and the one-sided counts bit for bit as kernel.ts, on pairs that take every branch, in any order', () => {
    const workspace = SoftmaxWorkspace.create(24) as SoftmaxWorkspace;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...PAIRS), { minLength: 1, maxLength: 24 }), (pairs) => {
        const { p, q, logP, logQ } = inSlots(workspace, pairs);
        return bothRoutes(p, q, logP, logQ).every(
          ({ wasm, loop }) => Object.is(wasm.divergence, loop.divergence) && wasm.pOnly === loop.pOnly && wasm.qOnly === loop.qOnly,
        );
      }),
      { numRuns: 3000 },
    );
  });

  it('is what batch rows get: softmax rows of both sides in one shared workspace, near-identical, apart or with −Infinity logits', () => {
    assertOnSoftmaxRowPairs((p, q, logP, logQ) =>
      bothRoutes(p, q, logP, logQ).every(
        ({ wasm, loop }) => Object.is(wasm.divergence, loop.divergence) && wasm.pOnly === loop.pOnly && wasm.qOnly === loop.qOnly,
      ),
    );
  });

  it("leaves arrays that are not all in one workspace to kernel.ts's loop", () => {
    const workspace = SoftmaxWorkspace.create(4) as SoftmaxWorkspace;
    const row = workspace.softmax(1, workspace.load(Float64Array.from([0, -1, -2, -3])), 0);
    const other = Float64Array.from(row.probs);
    expect(divergenceInWorkspace(row.probs, other, row.logProbs, row.logProbs, false)).toBeNull();
    expect(divergenceInWorkspace(other, other, other, other, false)).toBeNull();
    expect(divergenceInWorkspace(row.probs, row.probs, row.logProbs, row.logProbs.subarray(0, 3), false)).toBeNull();
  });
});

describe('the fused pass in WebAssembly (pairKernel, every measure)', () => {
  it('gives every sum and count bit for bit as kernel.ts, on pairs that take every branch, in any order and runs', () => {
    const workspace = SoftmaxWorkspace.create(40) as SoftmaxWorkspace;
    // Runs of near-equal pairs (the two-lane path, and leaving it mid-row) between the rest.
    const near: readonly (readonly [number, number])[] = [
      [0.1, 0.0999],
      [0.0999, 0.1],
      [0.25, 0.25],
      [0.2, 0.2001],
      [1e-300, 1.0000001e-300],
    ];
    const pair = fc.oneof(fc.constantFrom(...PAIRS), fc.constantFrom(...near));
    fc.assert(
      fc.property(fc.array(pair, { minLength: 1, maxLength: 40 }), (pairs) => {
        const { p, q, logP, logQ } = inSlots(workspace, pairs);
        return sameSums(fusedBothRoutes(p, q, logP, logQ));
      }),
      { numRuns: 4000 },
    );
  });

  it('is what batch rows get: softmax rows in one shared workspace, near-identical, apart or with −Infinity logits', () => {
    assertOnSoftmaxRowPairs((p, q, logP, logQ) => sameSums(fusedBothRoutes(p, q, logP, logQ)));
  });

  it("leaves arrays outside a workspace to kernel.ts's loop", () => {
    const workspace = SoftmaxWorkspace.create(4) as SoftmaxWorkspace;
    const row = workspace.softmax(1, workspace.load(Float64Array.from([0, -1, -2, -3])), 0);
    const other = Float64Array.from(row.probs);
    expect(fusedSumsInWorkspace(row.probs, other, row.logProbs, row.logProbs)).toBeNull();
    expect(fusedSumsInWorkspace(other, other, other, other)).toBeNull();
  });
});
