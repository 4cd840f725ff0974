/**
 * Priming must reach every branch of the kernels and of their routes (pairSums,
 * divergenceSums): a branch first taken after the optimizing compiler has compiled the
 * kernel discards the compiled code mid-batch (see primeKernel). Block coverage from V8
 * says which parts ran.
 */
import { Session } from 'node:inspector/promises';
import { describe, expect, it } from 'vitest';
import { primeKernel } from '../../src/measures/kernel.js';

interface Coverage {
  result: { functions: { functionName: string; ranges: { startOffset: number; endOffset: number; count: number }[] }[] }[];
}

describe('primeKernel', () => {
  it('takes every branch of both kernels', async () => {
    const session = new Session();
    session.connect();
    try {
      await session.post('Profiler.enable');
      await session.post('Profiler.startPreciseCoverage', { callCount: true, detailed: true });
      primeKernel();
      const coverage = (await session.post('Profiler.takePreciseCoverage')) as Coverage;
      await session.post('Profiler.stopPreciseCoverage');
      for (const name of ['pairKernel', 'divergenceKernel', 'pairSums', 'divergenceSums']) {
        const kernel = coverage.result.flatMap((script) => script.functions).filter((fn) => fn.functionName === name);
        expect(kernel).toHaveLength(1);
        expect(kernel[0]!.ranges[0]!.count).toBeGreaterThan(100);
        expect(kernel[0]!.ranges.filter((range) => range.count === 0)).toEqual([]);
      }
    } finally {
      session.disconnect();
    }
  });
});
