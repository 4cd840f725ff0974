/**
 * kl explain, batch histograms, and the HTML report — end to end, plus one render in real
 * headless Chromium (Debian's chromium; .ci/run installs it).
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, describe, expect, it } from 'vitest';
import { runJson, runKl } from '../helpers/cli.js';
import { loadJson } from '../helpers/reference.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-report-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

interface ExplainReport {
  command: string;
  measures: Record<string, number | string>;
  categories: number;
  contributions: { label: string; p: number; q: number; kl_forward: number | string; kl_reverse: number | string; share: number | null }[];
  explained_row?: { index: number; reason: string; row_count: number };
}

const LOGITS = ['fixtures/batch/ref_logits.npy', 'fixtures/batch/new_logits.npy', '--kind', 'logits'];

describe('kl explain', () => {
  it('lists each category with p, q, both terms and its share; the terms add up to the KL', () => {
    const report = runJson<ExplainReport>(['explain', 'fixtures/p.csv', 'fixtures/q.csv']);
    expect(report.command).toBe('explain');
    expect(report.categories).toBe(5);
    expect(report.contributions.map((c) => c.label)).toEqual(['the', 'cat', 'a', 'dog', '__proto__']);
    const the = report.contributions[0];
    expect(the?.kl_forward).toBeCloseTo(0.4 * Math.log(0.4 / 0.3), 15);
    expect(the?.kl_reverse).toBeCloseTo(0.3 * Math.log(0.3 / 0.4), 15);
    const total = report.contributions.reduce((sum, c) => sum + (c.kl_forward as number), 0);
    expect(total).toBeCloseTo(report.measures['kl_forward'] as number, 15);
    expect(report.contributions.reduce((sum, c) => sum + (c.share as number), 0)).toBeCloseTo(1, 12);
  });

  it('draws bars in the table and names the direction', () => {
    const result = runKl(['explain', 'fixtures/p.csv', 'fixtures/q.csv', '--top', '2']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('D(P ‖ Q) = 0.0492192 nats');
    expect(result.stdout).toMatch(/█/);
    expect(result.stdout).toContain('2 categories of 5 shown (--top 0 for all)');
    expect(result.stdout).not.toContain('dog');
  });

  it('labels positional categories by index; csv lists the contributions', () => {
    const csv = runKl(['explain', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--format', 'csv']).stdout.trimEnd().split('\n');
    expect(csv[0]).toBe('label,p,q,kl_forward,kl_reverse,share');
    expect(csv.slice(1).map((line) => line.split(',')[0])).toEqual(['0', '1']);
  });

  it('explains the worst row of a batch by default, or the one chosen with --row', () => {
    const reference = loadJson<{ logits: { rows: { kl_forward: number }[] } }>('batch/reference.json').logits.rows;
    const worst = reference.reduce((best, row, i) => (row.kl_forward > (reference[best]?.kl_forward ?? -1) ? i : best), 0);
    const report = runJson<ExplainReport>(['explain', ...LOGITS]);
    expect(report.explained_row).toEqual({ index: worst, reason: 'worst', row_count: 12 });
    expect(report.measures['kl_forward']).toBeCloseTo(reference[worst]?.kl_forward as number, 12);
    expect(report.contributions).toHaveLength(16);
    const chosen = runJson<ExplainReport>(['explain', ...LOGITS, '--row', '5']);
    expect(chosen.explained_row).toEqual({ index: 5, reason: 'chosen', row_count: 12 });
    expect(chosen.measures['kl_forward']).toBeCloseTo(reference[5]?.kl_forward as number, 12);
    const beyond = runKl(['explain', ...LOGITS, '--row', '12']);
    expect(beyond.status).toBe(2);
    expect(beyond.stderr).toContain('--row 12: the batch has 12 rows (0…11)');
  });
});

describe('batch tables show the shape of the per-row KL', () => {
  it('a histogram line and percentile markers', () => {
    const result = runKl(['compare', ...LOGITS]);
    expect(result.stdout).toContain('kl_forward per row (12 rows)');
    expect(result.stdout).toMatch(/[▁▂▃▄▅▆▇█]/);
    expect(result.stdout).toMatch(/m median 0\.0197529 · 9 p90 0\.0405506 · ! p99 0\.0701665/);
  });
});

describe('--report FILE.html', () => {
  it('writes one self-contained file for a pair and for a batch', () => {
    for (const [name, args] of [
      ['pair', ['compare', 'fixtures/p.csv', 'fixtures/q.csv']],
      ['batch', ['compare', ...LOGITS]],
      ['explain', ['explain', 'fixtures/labels_p.json', 'fixtures/labels_q.json']],
      ['explain-batch', ['explain', ...LOGITS]],
    ] as const) {
      const path = join(dir, `${name}.html`);
      const result = runKl([...args, '--report', path]);
      expect(result.status, result.stderr).toBe(0);
      const html = readFileSync(path, 'utf8');
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).not.toMatch(/<script|https?:\/\/|<link /i);
      expect(html).toContain('data-chart="probabilities"');
      expect(html).toContain('data-chart="contributions"');
      expect(html.includes('data-chart="histogram"')).toBe(name === 'batch' || name === 'explain-batch');
      expect(html).toContain(`kl ${args.join(' ')} --report`);
    }
  });

  it('is refused for commands without charts, and for non-HTML names', () => {
    expect(runKl(['forward', 'fixtures/p.csv', 'fixtures/q.csv', '--report', join(dir, 'x.html')]).status).toBe(2);
    const wrong = runKl(['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--report', join(dir, 'x.txt')]);
    expect(wrong.status).toBe(2);
    expect(wrong.stdout).toBe('');
  });
});

const CHROMIUM = '/usr/bin/chromium';

describe('the report in a real browser', () => {
  it.skipIf(!existsSync(CHROMIUM))('renders every chart non-blank in headless Chromium', async () => {
    const path = join(dir, 'browser.html');
    expect(runKl(['compare', ...LOGITS, '--report', path]).status).toBe(0);
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 1200 } });
      await page.goto(`file://${path}`);
      const charts = page.locator('svg.chart');
      expect(await charts.count()).toBe(3);
      for (let i = 0; i < 3; i++) {
        const chart = charts.nth(i);
        const box = await chart.boundingBox();
        expect(box?.width).toBeGreaterThan(300);
        const png = PNG.sync.read(await chart.screenshot());
        let inked = 0;
        const colours = new Set<number>();
        for (let k = 0; k < png.data.length; k += 4) {
          const [r, g, b] = [png.data[k] as number, png.data[k + 1] as number, png.data[k + 2] as number];
          if (r < 200 || g < 200 || b < 200) inked++;
          colours.add((r >> 4) * 256 + (g >> 4) * 16 + (b >> 4));
        }
        // Not blank: a real share of the chart is drawn, in more than one colour.
        expect(inked / (png.width * png.height), `chart ${i}`).toBeGreaterThan(0.02);
        expect(colours.size, `chart ${i}`).toBeGreaterThan(3);
      }
      await page.screenshot({ path: join(dir, 'report.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
