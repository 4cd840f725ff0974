/** Compensated (Neumaier) summation (measures/sum.ts). */
import { describe, expect, it } from 'vitest';
import { compensatedSum, NeumaierSum } from '../../src/measures/sum.js';

describe('compensated summation', () => {
  it('recovers what naive summation loses', () => {
    const values = [1, 1e100, 1, -1e100];
    expect(values.reduce((a, b) => a + b, 0)).toBe(0);
    expect(compensatedSum(values)).toBe(2);
    const sum = new NeumaierSum();
    for (const value of values) sum.add(value);
    expect(sum.value()).toBe(2);
  });
  it('sums a million copies of 0.1 to the correctly rounded value, where naive summation drifts', () => {
    const values = new Float64Array(1_000_000).fill(0.1);
    // The exact sum is 100000.0000000000055…, whose nearest double is 100000.
    expect(compensatedSum(values)).toBe(100000);
    expect(values.reduce((a, b) => a + b, 0)).not.toBe(100000);
  });
  it('propagates infinity instead of NaN', () => {
    expect(compensatedSum([1, Infinity, 2])).toBe(Infinity);
  });
});
