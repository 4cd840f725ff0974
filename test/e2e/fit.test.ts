/**
 * `kl fit` end to end: every fit against SciPy's optimum of the same objective
 * (fixtures/reference/fit.json from scripts/make-fit-references.py: the best of many
 * L-BFGS-B starts, polished by Nelder–Mead), the bimodal example README walks through, the
 * formats and the report, and bad inputs (exit 2, nothing on stdout).
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { runJson, runKl } from '../helpers/cli.js';
import { loadJson } from '../helpers/reference.js';

interface Case {
  input: string;
  family: string;
  direction: 'forward' | 'reverse';
  parameters: number[];
  objective_nats: number;
  moments: [number, number];
  bandwidth?: number;
}

interface FitJson {
  command: string;
  unit: string;
  input: { form: string; values: string; points: number; total: number; bandwidth: { rule: string; value: number } | null };
  family: string;
  moments: { mean: number; sd: number };
  fits: {
    direction: string;
    minimises: string;
    parameters: Record<string, number>;
    kl_forward: number;
    kl_reverse: number;
    converged: boolean;
    gradient_norm: number;
    q: number[];
  }[];
  grid: { x: number[]; p: number[] };
}

const reference = loadJson<{ cases: Case[] }>('reference/fit.json');

function argsOf(testCase: Case): string[] {
  const [file, rule] = testCase.input.split(':') as [string, string | undefined];
  return ['fit', `fixtures/fit/${file}`, '--family', testCase.family, '--direction', testCase.direction, ...(rule ? ['--samples', '--bandwidth', rule] : [])];
}

describe('kl fit against SciPy’s optimum of the same objective', () => {
  for (const testCase of reference.cases) {
    it(`${testCase.input} ${testCase.family} ${testCase.direction}: parameters within 1e-6`, () => {
      const report = runJson<FitJson>(argsOf(testCase));
      const fit = report.fits[0] as FitJson['fits'][number];
      expect(fit.converged).toBe(true);
      const sd = testCase.moments[1];
      const names = Object.keys(fit.parameters);
      names.forEach((name, i) => {
        const actual = fit.parameters[name] as number;
        const expected = testCase.parameters[i] as number;
        // Locations relative to P's spread (a mean of 0 has no relative error); the rest relative.
        const scale = /^(mean|location)/.test(name) ? Math.max(Math.abs(expected), sd) : Math.abs(expected);
        expect(Math.abs(actual - expected) / scale, `${name}: ${actual} vs ${expected}`).toBeLessThan(1e-6);
      });
      // The objective kl reports is the divergence SciPy minimised (nats), to rounding.
      const objective = testCase.direction === 'forward' ? fit.kl_forward : fit.kl_reverse;
      expect(Math.abs(objective - testCase.objective_nats)).toBeLessThan(1e-12 + 1e-9 * Math.abs(testCase.objective_nats));
      if (testCase.bandwidth !== undefined) expect(Math.abs((report.input.bandwidth?.value as number) / testCase.bandwidth - 1)).toBeLessThan(1e-13);
      expect(Math.abs(report.moments.mean - testCase.moments[0]) / sd).toBeLessThan(1e-12);
      expect(Math.abs(report.moments.sd / sd - 1)).toBeLessThan(1e-12);
    });
  }
});

describe('kl fit: the bimodal example (README)', () => {
  const report = runJson<FitJson>(['fit', 'fixtures/fit/bimodal.csv', '--family', 'gaussian']);
  const [forward, reverse] = report.fits as [FitJson['fits'][number], FitJson['fits'][number]];

  it('forward covers both modes: its mean lies between them and its sd spans them', () => {
    expect(forward.direction).toBe('forward');
    expect(forward.minimises).toBe('D(P‖Q)');
    expect(forward.parameters['mean']).toBeGreaterThan(-2);
    expect(forward.parameters['mean']).toBeLessThan(4);
    expect(forward.parameters['sd']).toBeGreaterThan(3);
  });

  it('reverse sits on the heavier mode: its mean within 0.1 σ of −2', () => {
    expect(reverse.minimises).toBe('D(Q‖P)');
    expect(Math.abs((reverse.parameters['mean'] as number) + 2)).toBeLessThan(0.1 * (reverse.parameters['sd'] as number));
  });

  it('each fit wins its own objective and loses the other', () => {
    expect(forward.kl_forward).toBeLessThan(reverse.kl_forward);
    expect(reverse.kl_reverse).toBeLessThan(forward.kl_reverse);
  });

  it('reports P, each Q on the grid (Σ = 1), the closed form, and agrees with kl compare on the columns', () => {
    expect(report.grid.x.length).toBe(361);
    expect(Math.abs(report.grid.p.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expect(Math.abs(forward.q.reduce((a, b) => a + b, 0) - 1)).toBeLessThan(1e-12);
    expect(report.moments.mean).toBeCloseTo(0.4, 8);
    const dir = mkdtempSync(join(tmpdir(), 'kl-fit-'));
    writeFileSync(join(dir, 'pq.csv'), `p,q\n${report.grid.p.map((p, i) => `${p},${forward.q[i]}`).join('\n')}\n`);
    const compared = runJson<{ measures: Record<string, number> }>(['compare', join(dir, 'pq.csv'), '--p-col', 'p', '--q-col', 'q']);
    expect(Math.abs((compared.measures['kl_forward'] as number) / forward.kl_forward - 1)).toBeLessThan(1e-12);
    expect(Math.abs((compared.measures['kl_reverse'] as number) / forward.kl_reverse - 1)).toBeLessThan(1e-12);
  });

  it('--base 2 gives the same fits in bits', () => {
    const bits = runJson<FitJson>(['fit', 'fixtures/fit/bimodal.csv', '--family', 'gaussian', '--base', '2']);
    expect(bits.unit).toBe('bits');
    expect(Math.abs((bits.fits[0]?.kl_forward as number) * Math.LN2 - forward.kl_forward)).toBeLessThan(1e-15);
    expect(bits.fits[1]?.parameters['mean']).toBe(reverse.parameters['mean']);
  });
});

describe('kl fit: formats and the report', () => {
  it('the table names P, both objectives, the closed form, and draws the plot with a legend', () => {
    const result = runKl(['fit', 'fixtures/fit/bimodal.csv']);
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('P = fixtures/fit/bimodal.csv');
    expect(result.stdout).toContain('forward fit: min D(P‖Q)');
    expect(result.stdout).toContain('reverse fit: min D(Q‖P)');
    expect(result.stdout).toContain('moment matching');
    expect(result.stdout).toMatch(/█ P \(density\) {3}● forward fit, min D\(P‖Q\) {3}× reverse fit, min D\(Q‖P\)/);
    expect(result.stdout).toMatch(/[▁▂▃▄▅▆▇█]/);
    // Fits an 80-column terminal.
    for (const line of result.stdout.split('\n')) expect([...line].length, line).toBeLessThanOrEqual(80);
  });

  it('README shows the bimodal example as kl prints it', () => {
    const readme = readFileSync('README.md', 'utf8');
    const start = readme.indexOf('```\n', readme.indexOf('as a density on a grid:')) + 4;
    const shown = readme.slice(start, readme.indexOf('\n```', start));
    expect(runKl(['fit', 'fixtures/fit/bimodal.csv', '--family', 'gaussian']).stdout.trimEnd()).toBe(shown);
  });

  it('markdown fences the plot; csv has a line per fit', () => {
    const markdown = runKl(['fit', 'fixtures/fit/bimodal.csv', '--format', 'markdown']);
    expect(markdown.stdout).toContain('```text');
    const csv = runKl(['fit', 'fixtures/fit/bimodal.csv', '--format', 'csv']);
    const lines = csv.stdout.trim().split('\n');
    expect(lines[0]).toBe('direction,mean,sd,kl_forward,kl_reverse,converged,iterations,gradient_norm');
    expect(lines).toHaveLength(3);
    expect(lines[1]?.startsWith('forward,')).toBe(true);
  });

  it('--report writes an HTML page with the plot as SVG, atomically and never over the input', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-fit-'));
    const report = join(dir, 'fit.html');
    const result = runKl(['fit', 'fixtures/fit/bimodal.csv', '--family', 'mixture:2', '--report', report]);
    expect(result.status, result.stderr).toBe(0);
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('<svg class="chart" data-chart="fit"');
    expect(html).toContain('class="fit forward"');
    expect(html).toContain('class="fit reverse"');
    expect(html).toContain('weight_2');
    const input = join(dir, 'p.html');
    writeFileSync(input, readFileSync('fixtures/fit/bimodal.csv'));
    const over = runKl(['fit', input, '--values', 'density', '--input-format', 'csv', '--report', input]);
    expect(over.status).toBe(2);
    expect(over.stdout).toBe('');
    expect(readFileSync(input, 'utf8')).toBe(readFileSync('fixtures/fit/bimodal.csv', 'utf8'));
  });

  it('reads stdin, counts and samples, saying how it made P', () => {
    const piped = runJson<FitJson>(['fit', '-', '--direction', 'forward'], { input: readFileSync('fixtures/fit/counts.csv') });
    expect(piped.input.values).toBe('count');
    expect(piped.input.total).toBe(831);
    const samples = runKl(['fit', 'fixtures/fit/samples.csv', '--samples']);
    expect(samples.stdout).toMatch(/1000 samples as a Gaussian KDE: bandwidth [\d.]+ \(Scott's rule\), 512 points/);
  });
});

describe('kl fit: the report in a real browser', () => {
  it.skipIf(!existsSync('/usr/bin/chromium'))('draws P and both fits in their colours (headless Chromium)', async () => {
    const path = join(mkdtempSync(join(tmpdir(), 'kl-fit-browser-')), 'fit.html');
    expect(runKl(['fit', 'fixtures/fit/bimodal.csv', '--report', path]).status).toBe(0);
    const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox', '--disable-gpu', '--no-first-run'] });
    try {
      const page = await browser.newPage({ viewport: { width: 900, height: 900 } });
      await page.goto(`file://${path}`);
      const png = PNG.sync.read(await page.locator('svg.chart').screenshot());
      const near = (k: number, [r, g, b]: number[]) =>
        Math.abs((png.data[k] as number) - (r as number)) +
          Math.abs((png.data[k + 1] as number) - (g as number)) +
          Math.abs((png.data[k + 2] as number) - (b as number)) <
        60;
      let forward = 0;
      let reverse = 0;
      let area = 0;
      for (let k = 0; k < png.data.length; k += 4) {
        if (near(k, [0x0e, 0x8a, 0x9a])) forward++;
        if (near(k, [0xc2, 0x38, 0x9b])) reverse++;
        if (near(k, [0xcb, 0xdb, 0xf6])) area++;
      }
      // Each curve is a line hundreds of pixels long; P's area covers a real share of the plot.
      expect(forward).toBeGreaterThan(300);
      expect(reverse).toBeGreaterThan(300);
      expect(area / (png.width * png.height)).toBeGreaterThan(0.03);
    } finally {
      await browser.close();
    }
  });
});

describe('kl fit: the same fit at any scale of x', () => {
  it('x in units of 1e300 or 1e-300 gives the unit grid’s fit, scaled (no overflow, no underflow)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-fit-scale-'));
    const masses = [0.1, 0.25, 0.3, 0.2, 0.15];
    const fitAt = (scale: number) => {
      const path = join(dir, `scale-${scale}.csv`);
      writeFileSync(path, `x,p\n${masses.map((p, i) => `${(i - 1) * scale},${p}`).join('\n')}\n`);
      return runJson<FitJson>(['fit', path, '--family', 'gaussian']).fits;
    };
    const unit = fitAt(1);
    for (const scale of [1e300, 1e-300, 1e-5, 1e5]) {
      fitAt(scale).forEach((fit, k) => {
        const expected = unit[k] as FitJson['fits'][number];
        expect(Math.abs((fit.parameters['mean'] as number) / scale - (expected.parameters['mean'] as number))).toBeLessThan(1e-8);
        expect(Math.abs((fit.parameters['sd'] as number) / scale / (expected.parameters['sd'] as number) - 1)).toBeLessThan(1e-8);
        expect(Math.abs(fit.kl_forward - expected.kl_forward)).toBeLessThan(1e-12);
      });
    }
  });
});

describe('kl fit refuses bad input (exit 2, nothing on stdout)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kl-fit-bad-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  const cases: [string, string[], RegExp][] = [
    ['negative mass', ['fit', file('negative.csv', 'x,p\n0,0.5\n1,-0.1\n2,0.6\n')], /no negative mass/],
    ['mixture:0', ['fit', 'fixtures/fit/bimodal.csv', '--family', 'mixture:0'], /a mixture has 1 to 20 components/],
    ['an unknown family', ['fit', 'fixtures/fit/bimodal.csv', '--family', 'cauchy'], /unknown family/],
    ['a grid that is not increasing', ['fit', file('unsorted.csv', 'x,p\n0,0.2\n2,0.3\n1,0.5\n')], /must be strictly increasing/],
    ['a repeated point', ['fit', file('repeated.csv', 'x,p\n0,0.2\n1,0.3\n1,0.5\n')], /must be strictly increasing/],
    ['values that could be anything', ['fit', file('bare.csv', '0,0.2\n1,0.3\n2,0.5\n')], /could be probabilities, a density or counts/],
    ['probabilities not summing to 1', ['fit', file('sum.csv', 'x,p\n0,0.2\n1,0.3\n2,0.6\n')], /sum to 1\.1/],
    ['zeros with a reverse fit', ['fit', file('zeros.csv', 'x,count\n0,3\n1,0\n2,5\n3,1\n')], /D\(Q‖P\) is infinite for every fit/],
    ['too few points', ['fit', file('two.csv', 'x,p\n0,0.5\n1,0.5\n')], /at least 3/],
    ['all mass on one point', ['fit', file('one.csv', 'x,p\n0,0\n1,1\n2,0\n'), '--direction', 'forward'], /all its mass on one point/],
    ['text in the grid', ['fit', file('text.csv', 'x,p\n0,0.5\n1,abc\n2,0.5\n')], /"abc" is not a number/],
    ['three columns', ['fit', file('three.csv', 'x,p,q\n0,0.5,1\n1,0.5,1\n2,0,1\n')], /a grid has two/],
    ['a grid wider than a double', ['fit', file('huge.csv', 'x,p\n-1e308,0.2\n0,0.5\n1e308,0.3\n')], /wider than the largest double/],
    ['--format value', ['fit', 'fixtures/fit/bimodal.csv', '--format', 'value'], /kl fit prints table, markdown, json, csv/],
    ['a bad direction', ['fit', 'fixtures/fit/bimodal.csv', '--direction', 'sideways'], /choose forward/],
    ['a bad bandwidth', ['fit', 'fixtures/fit/samples.csv', '--samples', '--bandwidth', '-1'], /--bandwidth -1/],
    ['--bandwidth without --samples', ['fit', 'fixtures/fit/bimodal.csv', '--bandwidth', '0.3'], /applies to --samples/],
    ['one sample', ['fit', file('sample.csv', 'value\n1.5\n'), '--samples'], /at least 2/],
  ];
  for (const [what, args, message] of cases) {
    it(what, () => {
      const result = runKl(args);
      expect(result.status, result.stderr).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(message);
    });
  }

  it('the zero-mass hint leads to a fit that works', () => {
    const zeros = file('zeros-hint.csv', 'x,count\n0,3\n1,0\n2,5\n3,1\n');
    const refused = runKl(['fit', zeros]);
    expect(refused.stderr).toContain('--direction forward');
    expect(runKl(['fit', zeros, '--direction', 'forward']).status).toBe(0);
  });

  it('the ambiguous-values hint names the flag that decides, and it decides', () => {
    const bare = file('bare-hint.csv', '0,0.2\n1,0.3\n2,0.5\n');
    expect(runKl(['fit', bare]).stderr).toContain('--values probability');
    expect(runKl(['fit', bare, '--values', 'probability']).status).toBe(0);
  });
});
