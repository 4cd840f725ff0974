import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { explainPair } from '../../src/compute/explanation.js';
import { NATS } from '../../src/measures/base.js';
import { contributions } from '../../src/measures/contributions.js';
import { klDivergence } from '../../src/measures/reference.js';
import { compensatedSum } from '../../src/measures/sum.js';
import { histogram } from '../../src/report/bars.js';
import { contributionChart, escapeHtml, niceTicks, probabilityChart } from '../../src/report/html.js';

const distribution = (n: number) =>
  fc
    .array(fc.oneof(fc.constant(0), fc.double({ min: 1e-9, max: 1, noNaN: true })), { minLength: n, maxLength: n })
    .filter((w) => w.some((x) => x > 0))
    .map((w) => {
      const a = Float64Array.from(w);
      const total = compensatedSum(a);
      return a.map((x) => x / total);
    });
const pair = fc.integer({ min: 1, max: 60 }).chain((n) => fc.tuple(distribution(n), distribution(n)));

function rects(svg: string, cls: string): { width: number; x: number; height: number; value: number }[] {
  return [...svg.matchAll(new RegExp(`<rect class="${cls}"[^>]*>`, 'g'))].map((m) => {
    const attr = (name: string) => Number(new RegExp(`${name}="([^"]+)"`).exec(m[0])?.[1]);
    return { width: attr('width'), x: attr('x'), height: attr('height'), value: attr('data-value') };
  });
}

describe('contributions', () => {
  it('add up to D(P‖Q) (compensated), both directions', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const { forwardTotal, reverseTotal } = contributions(p, q);
        const forward = klDivergence(p, q);
        const reverse = klDivergence(q, p);
        const close = (a: number, b: number) => a === b || Math.abs(a - b) <= 1e-13 * Math.max(1, Math.abs(b));
        return close(Math.max(0, forwardTotal), forward) && close(Math.max(0, reverseTotal), reverse);
      }),
      { numRuns: 500 },
    );
  });
  it('are sorted by |p·log(p/q)| and their shares sum to 1', () => {
    fc.assert(
      fc.property(pair, ([p, q]) => {
        const explained = explainPair(p, q, null, NATS, 0, null);
        const sizes = explained.contributions.map((c) => Math.abs(c.kl_forward));
        const sorted = sizes.every((size, i) => i === 0 || size <= (sizes[i - 1] as number));
        const shares = explained.contributions.map((c) => c.share);
        const sharesOk = shares.every((s) => s === null) || Math.abs(compensatedSum(shares as number[]) - 1) < 1e-9;
        return sorted && sharesOk && explained.contributions.length === p.length;
      }),
    );
  });
  it('charts survive all-zero and infinite terms', () => {
    const explained = explainPair(Float64Array.from([0.5, 0.5, 0]), Float64Array.from([0.5, 0, 0.5]), null, NATS, 0, null);
    expect(contributionChart(explained, 'nats')).toContain('class="bar infinite"');
    expect(probabilityChart(explained, { p: 'p', q: 'q' })).toContain('data-chart="probabilities"');
  });

  it('label positional categories by their 0-based index, and follow the zero policy', () => {
    const explained = explainPair(Float64Array.from([0.5, 0.5, 0]), Float64Array.from([0.5, 0, 0.5]), null, NATS, 0, null);
    expect(explained.contributions.map((c) => c.label)).toEqual(['1', '0', '2']);
    expect(explained.contributions[0]?.kl_forward).toBe(Infinity);
    expect(explained.contributions[2]?.kl_forward).toBe(0);
    expect(explained.contributions[2]?.kl_reverse).toBe(Infinity);
    expect(explained.contributions[0]?.share).toBeNull();
  });
});

describe('charts scale with their data', () => {
  const p = Float64Array.from([0.5, 0.3, 0.15, 0.05]);
  const q = Float64Array.from([0.25, 0.25, 0.25, 0.25]);
  const explained = explainPair(p, q, ['<b>', 'x', 'y', 'z'], NATS, 0, null);

  it('P and Q bars: width ∝ probability, one bar per side and category', () => {
    const svg = probabilityChart(explained, { p: 'p.csv', q: 'q.csv' });
    const bars = [...rects(svg, 'bar p'), ...rects(svg, 'bar q')].filter((bar) => !Number.isNaN(bar.value));
    expect(bars).toHaveLength(8);
    const perUnit = (bars[0] as { width: number; value: number }).width / (bars[0] as { value: number }).value;
    for (const bar of bars) expect(bar.width).toBeCloseTo(bar.value * perUnit, 1);
    expect(svg).toContain('&lt;b&gt;');
    expect(svg).not.toContain('<b>');
  });

  it('contribution bars: length ∝ |term|, negative terms left of zero', () => {
    const svg = contributionChart(explained, 'nats');
    const bars = [...rects(svg, 'bar positive'), ...rects(svg, 'bar negative')];
    expect(bars).toHaveLength(4);
    const perUnit = Math.max(...bars.map((b) => b.width / Math.abs(b.value)));
    for (const bar of bars) expect(bar.width).toBeCloseTo(Math.abs(bar.value) * perUnit, 1);
    const zero = Math.min(...rects(svg, 'bar positive').map((b) => b.x));
    for (const bar of rects(svg, 'bar negative')) expect(bar.x + bar.width).toBeCloseTo(zero, 1);
  });

  it('histogram counts every finite row once', () => {
    const values = Float64Array.from([0, 0.1, 0.1, 0.2, 1, Infinity]);
    const shape = histogram(values, 10);
    expect(shape.counts.reduce((a, b) => a + b, 0)).toBe(5);
    expect(shape.infinite).toBe(1);
    expect(shape.counts[0]).toBe(1);
    expect(shape.counts[9]).toBe(1);
  });

  it('ticks are round numbers covering the range', () => {
    expect(niceTicks(0.37)).toEqual([0, 0.1, 0.2, 0.3, 0.4]);
    expect(niceTicks(7, 4)).toEqual([0, 2, 4, 6, 8]);
    // Subnormal ranges once looped forever (the step underflowed to 0).
    expect(niceTicks(5e-324)).toEqual([0, 5e-324]);
    expect(escapeHtml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;');
  });
});
