/**
 * Worker outcomes cross to the main thread as numbers: what comes out must be the
 * outcome that went in, field for field and bit for bit.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeOutcomes, encodeOutcomes } from '../../src/compute/parallel/outcome-codec.js';
import type { RowOutcome } from '../../src/compute/row-computer.js';
import { MEASURE_NAMES } from '../../src/measures/catalog.js';

const measure = fc.oneof(fc.double({ min: 0, max: 1e6, noNaN: true }), fc.constant(Infinity), fc.constant(0), fc.constant(5e-324));
const outcome: fc.Arbitrary<RowOutcome> = fc
  .record({
    index: fc.nat(),
    line: fc.option(fc.integer({ min: 1, max: 2 ** 40 }), { nil: null }),
    values: fc.array(measure, { minLength: MEASURE_NAMES.length, maxLength: MEASURE_NAMES.length }),
    top1: fc.constantFrom(undefined, true, false),
    pOnly: fc.boolean(),
    qOnly: fc.boolean(),
    pWidth: fc.nat(),
    qWidth: fc.nat(),
    pRescaled: fc.boolean(),
    qRescaled: fc.boolean(),
  })
  .map(({ index, line, values, top1, pOnly, qOnly, pWidth, qWidth, pRescaled, qRescaled }) => ({
    row: {
      index,
      line,
      measures: Object.fromEntries(MEASURE_NAMES.map((name, i) => [name, values[i]])),
      ...(top1 === undefined ? {} : { top1_agree: top1 }),
    },
    pOnly,
    qOnly,
    pWidth,
    qWidth,
    pRescaled,
    qRescaled,
  }));

describe('outcome codec', () => {
  it('decodes every block to the outcomes encoded, bit for bit', () => {
    fc.assert(
      fc.property(fc.array(outcome, { maxLength: 40 }), fc.subarray([...MEASURE_NAMES], { minLength: 1 }), (outcomes, names) => {
        const picked = outcomes.map((o) => ({ ...o, row: { ...o.row, measures: Object.fromEntries(names.map((name) => [name, o.row.measures[name]])) } }));
        const decoded = [...decodeOutcomes(encodeOutcomes(picked, names), names)];
        expect(decoded).toEqual(picked);
        for (const [i, d] of decoded.entries()) for (const name of names) expect(Object.is(d.row.measures[name], picked[i]!.row.measures[name])).toBe(true);
      }),
    );
  });

  it('refuses rows with targets, which workers never compute', () => {
    const row = { index: 0, line: 1, measures: { kl_forward: 0 }, targets: { target: 0, nll_p: 0, nll_q: 0, delta_p: 0, correct_p: true, correct_q: true } };
    expect(() => encodeOutcomes([{ row, pOnly: false, qOnly: false, pWidth: 1, qWidth: 1, pRescaled: false, qRescaled: false }], ['kl_forward'])).toThrow(
      /targets/,
    );
  });
});
