/**
 * End-to-end batch mode: many rows, .npy logits, summary statistics, targets and checks,
 * against NumPy/SciPy reference values in fixtures/batch/reference.json.
 */
import { describe, expect, it } from 'vitest';
import { runJson, runKl } from '../helpers/cli.js';
import { loadJson, relativeError } from '../helpers/reference.js';

interface RowRef {
  kl_forward: number;
  kl_reverse: number;
  js_divergence: number;
}
interface Reference {
  logits: {
    rows: RowRef[];
    summary: Record<string, Record<string, number>>;
    top1_agreement: number;
    accuracy_p: number;
    accuracy_q: number;
    perplexity_p: number;
    perplexity_q: number;
  };
  probs: { rows: RowRef[]; summary: Record<string, Record<string, number>>; top1_agreement: number };
}
interface BatchReport {
  row_count: number;
  inputs: { rows: number; categories: number; kind: string }[];
  summary: Record<string, Record<string, number | string | null> | number>;
  rows?: { index: number; line?: number; measures: Record<string, number>; targets?: Record<string, number | boolean | string> }[];
  worst: { by: string; rows: { index: number }[] };
  checks: { name: string; passed: boolean; value: number }[];
}

const reference = loadJson<Reference>('batch/reference.json');
const LOGITS = ['fixtures/batch/ref_logits.npy', 'fixtures/batch/new_logits.npy', '--kind', 'logits'];

function expectRowsMatch(report: BatchReport, rows: RowRef[]): void {
  expect(report.rows).toHaveLength(rows.length);
  rows.forEach((expected, i) => {
    const actual = report.rows?.[i];
    expect(actual?.index).toBe(i);
    for (const name of ['kl_forward', 'kl_reverse', 'js_divergence'] as const) {
      expect(relativeError(actual?.measures[name] as number, expected[name]), `row ${i} ${name}`).toBeLessThan(1e-12);
    }
  });
}

describe('batch of .npy logits (2 × 6 × 16 float32, folded to 12 rows)', () => {
  const report = runJson<BatchReport>(['compare', ...LOGITS, '--targets', 'fixtures/batch/targets.npy']);

  it('pairs row i with row i and matches SciPy per row', () => {
    expect(report.row_count).toBe(12);
    expect(report.inputs.map((input) => [input.rows, input.categories, input.kind])).toEqual([
      [12, 16, 'logits'],
      [12, 16, 'logits'],
    ]);
    expectRowsMatch(report, reference.logits.rows);
  });

  it('summarises each measure like NumPy: mean ± stderr, median, p90, p95, p99, min, max', () => {
    for (const measure of ['kl_forward', 'kl_reverse', 'js_divergence', 'nll_p', 'nll_q', 'delta_p']) {
      const actual = report.summary[measure] as Record<string, number>;
      const expected = reference.logits.summary[measure] as Record<string, number>;
      for (const stat of ['mean', 'stderr', 'median', 'p90', 'p95', 'p99', 'min', 'max', 'argmax']) {
        expect(relativeError(actual[stat] as number, expected[stat] as number), `${measure}.${stat}`).toBeLessThan(1e-11);
      }
    }
  });

  it('reports top-1 agreement, accuracy and perplexity with --targets', () => {
    expect(report.summary['top1_agreement']).toBe(reference.logits.top1_agreement);
    expect(report.summary['accuracy_p']).toBe(reference.logits.accuracy_p);
    expect(report.summary['accuracy_q']).toBe(reference.logits.accuracy_q);
    expect(relativeError(report.summary['perplexity_p'] as number, reference.logits.perplexity_p)).toBeLessThan(1e-12);
    expect(relativeError(report.summary['perplexity_q'] as number, reference.logits.perplexity_q)).toBeLessThan(1e-12);
    expect(Object.keys(report.rows?.[0]?.targets ?? {})).toEqual(['target', 'nll_p', 'nll_q', 'delta_p', 'correct_p', 'correct_q']);
  });

  it('targets as a CSV with a header give the same numbers', () => {
    const fromCsv = runJson<BatchReport>(['forward', ...LOGITS, '--targets', 'fixtures/batch/targets.csv']);
    expect(fromCsv.summary['perplexity_q']).toBe(report.summary['perplexity_q']);
    // An unknown extension is sniffed from the first bytes.
    const sniffed = runJson<BatchReport>(['forward', ...LOGITS, '--targets', 'fixtures/batch/targets.txt']);
    expect(sniffed.summary['perplexity_q']).toBe(report.summary['perplexity_q']);
  });

  it('lists the worst rows by the command measure', () => {
    const worst = reference.logits.rows
      .map((row, index) => ({ index, value: row.kl_forward }))
      .sort((a, b) => b.value - a.value)
      .slice(0, 5)
      .map((row) => row.index);
    expect(report.worst.by).toBe('kl_forward');
    expect(report.worst.rows.map((row) => row.index)).toEqual(worst);
  });

  it('--rows none leaves the rows out of JSON', () => {
    const slim = runJson<BatchReport>(['forward', ...LOGITS, '--rows', 'none']);
    expect(slim.rows).toBeUndefined();
    expect(slim.summary['kl_forward']).toBeDefined();
  });

  it('the table shows the summary, the agreement and the worst rows', () => {
    const table = runKl(['compare', ...LOGITS]);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('P = fixtures/batch/ref_logits.npy  (12 rows, logits, 16 categories)');
    expect(table.stdout).toContain('mean ± stderr');
    expect(table.stdout).toContain('D(P ‖ Q)');
    expect(table.stdout).toContain('top1_agreement');
    expect(table.stdout).toContain('Worst 5 of 12 rows by kl_forward');
    const all = runKl(['forward', ...LOGITS, '--rows', 'all']);
    expect(all.stdout).toContain('All 12 rows');
  });

  it('csv streams a header and one line per row; value prints one number per row', () => {
    const csv = runKl(['compare', ...LOGITS, '--format', 'csv'])
      .stdout.trimEnd()
      .split('\n');
    expect(csv).toHaveLength(13);
    expect(csv[0]?.startsWith('index,entropy_p,entropy_q,')).toBe(true);
    expect(csv[1]?.startsWith('0,')).toBe(true);
    const values = runKl(['forward', ...LOGITS, '--format', 'value'])
      .stdout.trimEnd()
      .split('\n')
      .map(Number);
    expect(values).toHaveLength(12);
    for (const [i, value] of values.entries()) expect(relativeError(value, reference.logits.rows[i]?.kl_forward as number)).toBeLessThan(1e-12);
  });

  it('--temperature divides the logits of every row', () => {
    const hot = runJson<BatchReport>(['forward', ...LOGITS, '--temperature', '2', '--rows', 'none']);
    expect((hot.summary['kl_forward'] as Record<string, number>)['mean']).toBeLessThan(reference.logits.summary['kl_forward']?.['mean'] as number);
  });
});

describe('batch of probability rows', () => {
  it('CSV headers align columns by name when the order differs', () => {
    const report = runJson<BatchReport>(['compare', 'fixtures/batch/p_rows.csv', 'fixtures/batch/q_rows.csv']);
    expectRowsMatch(report, reference.probs.rows);
    expect(report.summary['top1_agreement']).toBe(reference.probs.top1_agreement);
    expect(report.rows?.[0]?.line).toBe(2);
  });

  it('JSONL rows of label → probability objects align by label on each row', () => {
    const report = runJson<BatchReport>(['compare', 'fixtures/batch/p_rows_labelled.jsonl', 'fixtures/batch/q_rows.jsonl']);
    expectRowsMatch(report, reference.probs.rows);
  });

  it('mismatched row counts exit 2 naming both counts', () => {
    const result = runKl(['compare', 'fixtures/batch/p_rows.csv', 'fixtures/batch/q_rows_short.csv']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('P (fixtures/batch/p_rows.csv) has 20 rows but Q (fixtures/batch/q_rows_short.csv) has 5 rows');
  });

  it('targets may be category labels (JSONL), matched against the header names', () => {
    const report = runJson<BatchReport>([
      'forward',
      'fixtures/batch/p_rows.csv',
      'fixtures/batch/q_rows.csv',
      '--targets',
      'fixtures/batch/targets_labels.jsonl',
    ]);
    // NumPy: -log(P[arange(20), targets]).mean() and (P.argmax(1) == targets).mean()
    expect(relativeError((report.summary['nll_p'] as Record<string, number>)['mean'] as number, 1.5884681339889068)).toBeLessThan(1e-14);
    expect(report.summary['accuracy_p']).toBe(0.25);
    expect(report.rows?.[0]?.targets?.['target']).toBe('dog');
  });

  it('a targets file with fewer rows than the inputs exits 2', () => {
    const result = runKl(['forward', 'fixtures/batch/p_rows.csv', 'fixtures/batch/q_rows.csv', '--targets', 'fixtures/batch/targets_short.csv']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('--targets ends after 3 rows');
  });

  it('entropy of a batch is one value per row', () => {
    const lines = runKl(['entropy', 'fixtures/batch/p_rows.csv', '--format', 'csv']).stdout.trimEnd().split('\n');
    expect(lines[0]).toBe('index,entropy_p');
    expect(lines).toHaveLength(21);
  });

  it('a row with labels against a row without is refused', () => {
    const result = runKl(['compare', 'fixtures/batch/p_rows.jsonl', 'fixtures/batch/q_rows.jsonl']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('row 0');
  });
});

describe('CI checks on batches', () => {
  const meanKl = reference.logits.summary['kl_forward']?.['mean'] as number;

  it('passing checks exit 0', () => {
    const result = runKl(['compare', ...LOGITS, '--max', `kl_forward.mean=${meanKl * 2}`, '--min', 'top1_agreement=0.5', '--format', 'json']);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout) as BatchReport;
    expect(report.checks.map((check) => [check.name, check.passed])).toEqual([
      ['kl_forward.mean', true],
      ['top1_agreement', true],
    ]);
  });

  it('a failing check exits 1, names the check, value and limit, and still prints the report', () => {
    const result = runKl(['compare', ...LOGITS, '--max', 'kl_forward.mean=0.001', '--max', 'js_divergence.p99=1']);
    expect(result.status).toBe(1);
    expect(result.stdout).toContain('FAIL  kl_forward.mean');
    expect(result.stderr).toMatch(/^kl: check failed: kl_forward\.mean = 0\.0\d+ > max 0\.001\n$/);
  });

  it('an unknown check name exits 2 and lists what exists', () => {
    const result = runKl(['compare', ...LOGITS, '--max', 'kl_forward.p42=1']);
    expect(result.status).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('--max kl_forward.p42: unknown check name');
    expect(result.stderr).toContain('kl_forward.p99');
  });
});
