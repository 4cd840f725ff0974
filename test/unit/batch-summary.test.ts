/**
 * The batch summary merges: the summaries of any split of the rows, merged in order, give
 * what one pass gives, bit for bit (counts, min, max, top-1, the compensated means, the
 * percentiles: the columns are kept and concatenated), and survive a JSON round trip.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BatchSummary, type BatchSummaryJson, type BatchSummaryShape, SKETCH_RELATIVE_ACCURACY } from '../../src/compute/batch-summary.js';
import type { RowOutcome } from '../../src/compute/row-computer.js';
import { parseSummaryJson, stringifySummary } from '../../src/compute/summary-file.js';
import type { MeasureName } from '../../src/measures/catalog.js';

const measureNames: MeasureName[] = ['kl_forward', 'kl_reverse', 'js_divergence'];
const value = fc.oneof(
  { weight: 8, arbitrary: fc.double({ min: 0, max: 10, noNaN: true }) },
  { weight: 1, arbitrary: fc.constant(Infinity) },
  { weight: 1, arbitrary: fc.constantFrom(0, 5e-324, 1e-300) },
);

const rowArbitrary = (targets: boolean) =>
  fc
    .record({
      values: fc.array(value, { minLength: 3, maxLength: 3 }),
      nll: fc.array(fc.double({ min: 0, max: 30, noNaN: true }), { minLength: 2, maxLength: 2 }),
      delta: fc.double({ min: -1, max: 1, noNaN: true }),
      flags: fc.array(fc.boolean(), { minLength: 7, maxLength: 7 }),
      widths: fc.tuple(fc.integer({ min: 1, max: 9 }), fc.integer({ min: 1, max: 9 })),
    })
    .map(({ values, nll, delta, flags, widths }) => ({ values, nll, delta, flags, widths, targets }));

function outcomes(rows: ReturnType<typeof rowArbitrary> extends fc.Arbitrary<infer T> ? T[] : never): RowOutcome[] {
  return rows.map((row, index) => ({
    row: {
      index,
      line: index + 2,
      measures: Object.fromEntries(measureNames.map((name, j) => [name, row.values[j]])),
      top1_agree: row.flags[0] as boolean,
      ...(row.targets
        ? {
            targets: {
              target: index % 3,
              nll_p: row.nll[0] as number,
              nll_q: row.nll[1] as number,
              delta_p: row.delta,
              correct_p: row.flags[1] as boolean,
              correct_q: row.flags[2] as boolean,
            },
          }
        : {}),
    },
    pOnly: row.flags[3] as boolean,
    qOnly: row.flags[4] as boolean,
    pRescaled: row.flags[5] as boolean,
    qRescaled: row.flags[6] as boolean,
    pWidth: row.widths[0],
    qWidth: row.widths[1],
  }));
}

/** Everything a summary says, with numbers compared by Object.is (0 and -0, Infinity, bits). */
function observe(summary: BatchSummary) {
  const { summaryNames, summary: stats, rankValues } = summary.finish([97.5]);
  const numbers = summaryNames.flatMap((name) => Object.values(stats.get(name) ?? {}));
  return {
    numbers: numbers.map((number) => (typeof number === 'number' ? (Object.is(number, -0) ? '-0' : String(number)) : number)),
    rankValues: Array.from(rankValues, String),
    counts: [
      summary.count,
      summary.rowsPOnly,
      summary.rowsQOnly,
      summary.firstPOnlyRow,
      summary.firstQOnlyRow,
      summary.top1Agreements,
      summary.correctP,
      summary.correctQ,
    ],
    widths: [summary.pWidth, summary.qWidth, summary.pRescaled, summary.qRescaled],
    worst: summary.worst.map((row) => row.index),
  };
}

function closeTo(actual: number, expected: number, relative: number): void {
  if (!Number.isFinite(expected)) {
    expect(actual).toBe(expected);
    return;
  }
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(relative * Math.max(Math.abs(expected), 1e-300) + 1e-300);
}

describe('BatchSummary', () => {
  for (const targets of [false, true]) {
    it(`merging the summaries of any split gives one pass, bit for bit${targets ? ' (with targets)' : ''}`, () => {
      fc.assert(
        fc.property(
          fc.array(rowArbitrary(targets), { minLength: 1, maxLength: 60 }),
          fc.array(fc.nat(), { maxLength: 6 }),
          fc.integer({ min: 0, max: 7 }),
          (rows, cuts, worst) => {
            const shape: BatchSummaryShape = { measureNames, targets, rankBy: 'kl_forward', worst };
            const all = outcomes(rows);
            const single = new BatchSummary(shape);
            for (const outcome of all) single.add(outcome);
            const bounds = [...new Set([0, ...cuts.map((cut) => cut % (all.length + 1)), all.length])].sort((a, b) => a - b);
            const parts = bounds.slice(1).map((end, k) => {
              const part = new BatchSummary(shape);
              for (const outcome of all.slice(bounds[k], end)) part.add(outcome);
              return part;
            });
            const merged = new BatchSummary(shape);
            for (const part of parts) merged.merge(part);
            expect(observe(merged)).toEqual(observe(single));
            // Across a process boundary: JSON and back, then merged.
            const viaJson = new BatchSummary(shape);
            for (const part of parts) viaJson.merge(BatchSummary.fromJSON(parseSummaryJson(stringifySummary(part.toJSON())) as BatchSummaryJson));
            expect(observe(viaJson)).toEqual(observe(single));
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('past its memory budget a summary sketches: memory stops growing, the exact statistics stay', () => {
    const shape: BatchSummaryShape = { measureNames, targets: true, rankBy: 'kl_forward', worst: 3 };
    const rows = fc.sample(rowArbitrary(true), { numRuns: 500, seed: 7 });
    const all = outcomes(rows);
    // Room for 100 rows of the six columns.
    const bounded = new BatchSummary(shape, 100 * 6 * 8);
    const exact = new BatchSummary(shape, Infinity);
    for (const outcome of all) {
      bounded.add(outcome);
      exact.add(outcome);
    }
    expect(bounded.exact).toBe(false);
    expect(exact.exact).toBe(true);
    const sketched = bounded.finish([97.5]);
    const reference = exact.finish([97.5]);
    expect(sketched.sketchAccuracy).toBe(SKETCH_RELATIVE_ACCURACY);
    expect(reference.sketchAccuracy).toBeNull();
    for (const name of reference.summaryNames) {
      const a = sketched.summary.get(name)!;
      const b = reference.summary.get(name)!;
      expect([a.min, a.max, a.argmin, a.argmax]).toEqual([b.min, b.max, b.argmin, b.argmax]);
      closeTo(a.mean, b.mean, 1e-13);
      if (b.stderr !== null) closeTo(a.stderr as number, b.stderr, 1e-9);
    }
    // The scalars from running moments agree with the two-pass ones.
    const p = bounded.perplexities(Math.LN2);
    const q = exact.perplexities(Math.LN2);
    for (const key of Object.keys(q) as (keyof typeof q)[]) {
      if (q[key] === null) expect(p[key]).toBeNull();
      else closeTo(p[key] as number, q[key] as number, 1e-9);
    }
    closeTo(bounded.rmsDeltaP().value, exact.rmsDeltaP().value, 1e-13);
    closeTo(bounded.rmsDeltaP().stderr as number, exact.rmsDeltaP().stderr as number, 1e-9);
  });

  it('sketched summaries of any split merge to the sketch of one pass (percentiles within the bound)', () => {
    fc.assert(
      fc.property(fc.array(rowArbitrary(true), { minLength: 2, maxLength: 80 }), fc.array(fc.nat(), { maxLength: 5 }), (rows, cuts) => {
        const shape: BatchSummaryShape = { measureNames, targets: true, rankBy: 'kl_forward', worst: 2 };
        const all = outcomes(rows);
        const single = new BatchSummary(shape, 0);
        const exact = new BatchSummary(shape, Infinity);
        for (const outcome of all) {
          single.add(outcome);
          exact.add(outcome);
        }
        const bounds = [...new Set([0, ...cuts.map((cut) => cut % (all.length + 1)), all.length])].sort((a, b) => a - b);
        const merged = new BatchSummary(shape, 0);
        // In any order: sketches and moments do not need row order.
        for (const k of bounds
          .slice(1)
          .map((_, k) => k)
          .reverse()) {
          const part = new BatchSummary(shape, 0);
          for (const outcome of all.slice(bounds[k], bounds[k + 1])) part.add(outcome);
          merged.merge(BatchSummary.fromJSON(parseSummaryJson(stringifySummary(part.toJSON())) as BatchSummaryJson, 0));
        }
        const a = merged.finish();
        const b = single.finish();
        const truth = exact.finish();
        for (const name of b.summaryNames) {
          const m = a.summary.get(name)!;
          const s = b.summary.get(name)!;
          const t = truth.summary.get(name)!;
          expect([m.min, m.max, m.argmin, m.argmax]).toEqual([t.min, t.max, t.argmin, t.argmax]);
          // The same buckets: the same percentile estimates, bit for bit.
          expect(m.median).toBe(s.median);
          expect(m.p99).toBe(s.p99);
          closeTo(m.mean, t.mean, 1e-12);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('refuses to merge summaries of another shape', () => {
    const a = new BatchSummary({ measureNames, targets: false, rankBy: 'kl_forward', worst: 5 });
    const b = new BatchSummary({ measureNames: ['kl_forward'], targets: false, rankBy: 'kl_forward', worst: 5 });
    expect(() => a.merge(b)).toThrow(/different shapes/);
  });
});
