/**
 * `kl mi` against NumPy/SciPy (scikit-learn's NMI definitions reproduced) on the fixtures
 * made by scripts/make-joint-references.py, its identities, its explain view and bad inputs.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NATS } from '../../src/measures/base.js';
import { jointMeasures, pointwiseTermsNats } from '../../src/measures/joint.js';
import { runJson, runKl } from '../helpers/cli.js';
import { loadJson, relativeError } from '../helpers/reference.js';

type Measures = Record<string, number>;
const reference = loadJson<Record<string, Measures>>('reference/joint.json');
interface MiJson {
  input: { missing: number; rows: number; columns: number; binned: { x: string; y: string } | null };
  measures: Measures;
  cells: { x: string; y: string; term: number }[];
}

function expectMeasures(actual: Measures, expected: Measures): void {
  for (const [name, value] of Object.entries(expected)) {
    if (name === 'missing') continue;
    expect(relativeError(actual[name] as number, value), name).toBeLessThan(1e-12);
  }
}

describe('kl mi against the references', () => {
  it('a contingency table of counts (CSV and JSON), and of joint probabilities', () => {
    expectMeasures(runJson<MiJson>(['mi', 'fixtures/joint/table.csv', '--kind', 'counts']).measures, reference['table_counts'] as Measures);
    expectMeasures(runJson<MiJson>(['mi', 'fixtures/joint/table.json', '--kind', 'counts']).measures, reference['table_counts'] as Measures);
    const probs = runJson<MiJson>(['mi', 'fixtures/joint/probs.csv']);
    expectMeasures(probs.measures, reference['table_probs'] as Measures);
    expect(probs.measures['g_statistic']).toBeUndefined();
  });
  it('paired observations: value counts, rows with a missing value left out, a numeric column in quantile bins', () => {
    const pairs = runJson<MiJson>(['mi', 'fixtures/joint/pairs.csv', '--x', 'prediction', '--y', 'truth']);
    expectMeasures(pairs.measures, reference['pairs_prediction_truth'] as Measures);
    expect(pairs.input.missing).toBe(reference['pairs_prediction_truth']?.['missing']);
    const binned = runJson<MiJson>(['mi', 'fixtures/joint/pairs.csv', '--x', 'confidence', '--y', 'truth']);
    expectMeasures(binned.measures, reference['pairs_confidence_truth'] as Measures);
    expect(binned.input.binned).toEqual({ x: '10 quantile bins', y: 'categories' });
  });
  it('the cells view lists the pointwise terms, which sum to I', () => {
    const all = runJson<MiJson>(['mi', 'fixtures/joint/table.csv', '--kind', 'counts', '--top', '0']);
    const sum = all.cells.reduce((total, cell) => total + cell.term, 0);
    expect(relativeError(sum, all.measures['mutual_information'] as number)).toBeLessThan(1e-12);
    expect(all.cells[0]).toMatchObject({ x: 'zoo', y: 'bird' });
  });
  it('checks gate on any measure; the value format prints I', () => {
    expect(runKl(['mi', 'fixtures/joint/table.csv', '--kind', 'counts', '--min', 'mutual_information=0.3']).status).toBe(1);
    expect(runKl(['mi', 'fixtures/joint/table.csv', '--kind', 'counts', '--max', 'g_pvalue=0.01']).status).toBe(0);
    expect(Number(runKl(['mi', 'fixtures/joint/table.csv', '--kind', 'counts', '--format', 'value']).stdout)).toBeCloseTo(
      reference['table_counts']?.['mutual_information'] as number,
      15,
    );
  });
});

describe('kl mi identities (property)', () => {
  it('I = H(X) + H(Y) − H(X,Y) = H(X) − H(X|Y) = Σ pointwise terms ≥ 0; NMI in [0, 1]', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        fc.integer({ min: 1, max: 6 }),
        fc.array(fc.integer({ min: 0, max: 50 }), { minLength: 36, maxLength: 36 }),
        (rows, columns, cells) => {
          const values = Float64Array.from(cells.slice(0, rows * columns), (v) => v + 1);
          const table = { rows, columns, values };
          const m = jointMeasures(table, NATS, true);
          const scale = 1 + m.joint_entropy;
          expect(m.mutual_information).toBeGreaterThanOrEqual(0);
          expect(Math.abs(m.mutual_information - (m.entropy_x + m.entropy_y - m.joint_entropy))).toBeLessThan(1e-12 * scale);
          expect(Math.abs(m.mutual_information - (m.entropy_x - m.conditional_entropy_x_given_y))).toBeLessThan(1e-12 * scale);
          expect(Math.abs(m.mutual_information - pointwiseTermsNats(table).reduce((a, b) => a + b, 0))).toBeLessThan(1e-12 * scale);
          for (const name of ['nmi_arithmetic', 'nmi_geometric', 'nmi_min', 'nmi_max'] as const) {
            expect(m[name]).toBeGreaterThanOrEqual(0);
            expect(m[name]).toBeLessThanOrEqual(1 + 1e-12);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('kl mi bad inputs: exit 2, nothing on stdout', () => {
  const dir = mkdtempSync(join(tmpdir(), 'kl-mi-'));
  const file = (name: string, text: string) => {
    writeFileSync(join(dir, name), text);
    return join(dir, name);
  };
  for (const [name, args, message] of [
    ['a ragged table', [file('ragged.csv', 'x,a,b\nr,1,2\ns,3\n'), '--kind', 'counts'], 'ragged.csv:3: inconsistent number of fields: expect 3, got 2'],
    ['negative counts', [file('negative.csv', 'x,a,b\nr,1,-2\ns,3,4\n'), '--kind', 'counts'], 'must be finite and ≥ 0'],
    ['an all-zero row', [file('zero.csv', 'x,a,b\nr,0,0\ns,3,4\n'), '--kind', 'counts'], 'row r is all zeros'],
    ['a missing --y column', ['fixtures/joint/pairs.csv', '--x', 'prediction', '--y', 'label'], '--y label: there is no column label'],
    ['--x without --y', ['fixtures/joint/pairs.csv', '--x', 'prediction'], '--x needs --y too'],
    ['counts read as probabilities', ['fixtures/joint/table.csv'], 'the joint probabilities sum to 81'],
  ] as const) {
    it(name, () => {
      const run = runKl(['mi', ...args, '--format', 'json']);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(message);
    });
  }
});

describe('more than two distributions', () => {
  const DISTS = ['fixtures/joint/dist1.csv', 'fixtures/joint/dist2.csv', 'fixtures/joint/dist3.csv'];
  const gjsd = (reference as unknown as { gjsd_bits: Record<string, number>; philentropy_gjsd_bits: Record<string, number> }).gjsd_bits;
  const printed = (reference as unknown as { philentropy_gjsd_bits: Record<string, number> }).philentropy_gjsd_bits;
  it("kl js P Q R: the generalised JS divergence, equal or given weights (philentropy's gJSD example)", () => {
    const equal = Number(runKl(['js', ...DISTS, '--base', '2', '--format', 'value']).stdout);
    const weighted = Number(runKl(['js', ...DISTS, '--base', '2', '--weights', '0.5,0.25,0.25', '--format', 'value']).stdout);
    expect(relativeError(equal, gjsd['equal'] as number)).toBeLessThan(1e-12);
    expect(relativeError(weighted, gjsd['weights_0.5_0.25_0.25'] as number)).toBeLessThan(1e-12);
    expect(equal.toFixed(8)).toBe(String(printed['equal']));
    expect(weighted.toFixed(8)).toBe(String(printed['weights_0.5_0.25_0.25']));
    // Two inputs stay exactly as before: the two-distribution JS.
    expect(runKl(['js', 'fixtures/p.csv', 'fixtures/q.csv', '--format', 'value']).stdout).toBe('0.0125262550239141\n');
  });
  it('kl matrix: every pair, from files or from the rows of one file; checks gate the largest pair', () => {
    const report = runJson<{ matrix: number[][]; inputs: string[] }>(['matrix', ...DISTS]);
    const expected = (reference as unknown as { js_distance_matrix: number[][] }).js_distance_matrix;
    report.matrix.forEach((row, i) => {
      row.forEach((value, j) => {
        expect(relativeError(value, expected[i]?.[j] as number), `${i},${j}`).toBeLessThan(1e-12);
      });
    });
    const rows = runJson<{ matrix: number[][]; inputs: string[] }>(['matrix', 'fixtures/batch/p_rows.csv', '--measure', 'kl_forward']);
    expect(rows.inputs[1]).toBe('fixtures/batch/p_rows.csv[1]');
    expect(rows.matrix.every((row, i) => row[i] === 0)).toBe(true);
    expect(runKl(['matrix', ...DISTS, '--max', 'js_distance=0.1']).status).toBe(1);
    expect(runKl(['matrix', ...DISTS, '--max', 'js_distance=0.2']).status).toBe(0);
  });
  for (const [name, args, message] of [
    ['weights that do not sum to 1', ['js', ...DISTS, '--weights', '0.5,0.5,0.5'], 'the weights sum to 1.5, not 1'],
    ['a weight count that differs from the inputs', ['js', ...DISTS, '--weights', '0.5,0.5'], '2 weights for 3 distributions'],
    ['a matrix of one distribution', ['matrix', 'fixtures/p.csv'], 'needs at least two distributions'],
  ] as const) {
    it(`refuses ${name} (exit 2, nothing on stdout)`, () => {
      const run = runKl([...args, '--format', 'json']);
      expect(run.status).toBe(2);
      expect(run.stdout).toBe('');
      expect(run.stderr).toContain(message);
    });
  }
});
