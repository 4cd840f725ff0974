/**
 * `kl drift` end to end (the built CLI): every measure of every column of the fixtures
 * against SciPy/NumPy (fixtures/reference/drift.json), every input form, Evidently's PSI,
 * checks, formats, reports, and columns spilled to disk.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKl } from '../helpers/cli.js';
import { loadJson, relativeError } from '../helpers/reference.js';

interface ReferenceColumn {
  name: string;
  type: string;
  ref_counts: number[];
  cur_counts: number[];
  edges: (number | string)[] | null;
  measures: Record<string, number | string | null>;
}
interface Reference {
  fixture: { default: ReferenceColumn[]; sturges_both_evidently: ReferenceColumn[]; scores: ReferenceColumn };
  evidently: { ref: number[]; cur: number[]; numerical: boolean; psi: number }[];
}
interface DriftJson {
  columns: {
    name: string;
    type: string;
    n_ref: number;
    n_cur: number;
    missing_ref: number;
    missing_cur: number;
    bins: { edges?: (number | string)[]; categories?: string[]; ref_counts: number[]; cur_counts: number[] };
    measures: Record<string, number | string | null>;
    ks_method?: string;
    drifted: boolean;
    contributions?: { label: string; kl_forward: number | string; psi: number | string; p: number; q: number }[];
  }[];
  summary: { columns: number; drifted: number; share_drifted: number };
  checks: { name: string; passed: boolean; value: number | string }[];
  zero_policy: { kind: string };
  drift_rule: string;
  reference: { source: string; format: string; rows: number };
}

const reference = loadJson<Reference>('reference/drift.json');
const REF = 'fixtures/drift/ref.csv';
const CUR = 'fixtures/drift/cur.csv';

function drift(args: string[], options: Parameters<typeof runKl>[1] = {}): DriftJson {
  const run = runKl(['drift', ...args, '--format', 'json'], options);
  expect(run.stderr).toBe('');
  expect(run.status).toBe(0);
  return JSON.parse(run.stdout) as DriftJson;
}

/** Every reference measure within 1e-12 relative (p-values 1e-9), counts and edges exact. */
function expectColumnsMatch(actual: DriftJson['columns'], expected: ReferenceColumn[]): void {
  expect(actual.map((column) => column.name)).toEqual(expected.map((column) => column.name));
  for (const [i, want] of expected.entries()) {
    const got = actual[i] as DriftJson['columns'][number];
    expect(got.type).toBe(want.type);
    expect(got.bins.ref_counts).toEqual(want.ref_counts);
    expect(got.bins.cur_counts).toEqual(want.cur_counts);
    if (want.edges) expect(got.bins.edges).toEqual(want.edges);
    for (const [name, value] of Object.entries(want.measures)) {
      if (value === null) continue;
      const actualValue = got.measures[name];
      if (typeof value === 'string' || typeof actualValue === 'string') {
        expect(actualValue, `${want.name}.${name}`).toBe(value);
        continue;
      }
      const tolerance = name.endsWith('pvalue') ? 1e-9 : 1e-12;
      expect(relativeError(actualValue as number, value), `${want.name}.${name}`).toBeLessThan(tolerance);
    }
  }
}

describe('kl drift against SciPy and NumPy', () => {
  it('default: 10 quantile bins of the reference, every measure of every column', () => {
    const result = drift([REF, CUR]);
    expectColumnsMatch(result.columns, reference.fixture.default);
    const byName = new Map(result.columns.map((column) => [column.name, column]));
    // Missing values are counted, not measured: tenure has NA cells on both sides.
    const naCount = (path: string) =>
      readFileSync(path, 'utf8')
        .split('\n')
        .filter((line) => line.endsWith(',NA')).length;
    expect(byName.get('tenure')).toMatchObject({ missing_ref: naCount(REF), missing_cur: naCount(CUR), n_ref: 400 - naCount(REF) });
    expect(byName.get('plan')?.bins.categories).toEqual(['free', 'pro', 'team']);
    expect(byName.get('age')?.ks_method).toBe('exact');
    expect(result.drift_rule).toBe('psi > 0.2 (no column check given)');
    expect(result.summary).toEqual({ columns: 5, drifted: 2, share_drifted: 0.4 });
  });
  it('--binning sturges --bins-from both --fill evidently', () => {
    const result = drift([REF, CUR, '--binning', 'sturges', '--bins-from', 'both', '--fill', 'evidently']);
    expectColumnsMatch(result.columns, reference.fixture.sturges_both_evidently);
    expect(result.zero_policy).toEqual({ kind: 'evidently' });
  });
  it('one variable: a JSON array against a header-less CSV column', () => {
    expectColumnsMatch(drift(['fixtures/drift/scores_ref.json', 'fixtures/drift/scores_cur.csv']).columns, [reference.fixture.scores]);
  });
  it("reproduces Evidently's PSI (its get_binned_data fill) on its own test series", () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-evidently-'));
    for (const [i, entry] of reference.evidently.entries()) {
      writeFileSync(join(dir, `ref${i}.csv`), `${entry.ref.join('\n')}\n`);
      writeFileSync(join(dir, `cur${i}.csv`), `${entry.cur.join('\n')}\n`);
      const binning = entry.numerical ? ['--binning', 'sturges', '--bins-from', 'both'] : [];
      const result = drift([join(dir, `ref${i}.csv`), join(dir, `cur${i}.csv`), '--fill', 'evidently', ...binning]);
      expect(relativeError(result.columns[0]?.measures['psi'] as number, entry.psi), `case ${i}`).toBeLessThan(1e-12);
    }
  });
});

describe('kl drift input forms', () => {
  const withoutSources = (result: DriftJson) => result.columns;
  it('JSONL objects, TSV, stdin and a spilled column store give the same columns as CSV', () => {
    const csv = withoutSources(drift([REF, CUR]));
    expect(withoutSources(drift([REF, 'fixtures/drift/cur.jsonl']))).toEqual(csv);
    expect(withoutSources(drift([REF, '-'], { input: readFileSync(CUR) }))).toEqual(csv);
    const dir = mkdtempSync(join(tmpdir(), 'kl-drift-'));
    const tsv = join(dir, 'ref.tsv');
    writeFileSync(tsv, readFileSync(REF, 'utf8').replace(/,/g, '\t'));
    expect(withoutSources(drift([tsv, CUR]))).toEqual(csv);
    // A 64 KiB budget: every full block of values goes to the temporary file and back.
    expect(withoutSources(drift([REF, CUR], { env: { KL_DRIFT_MEMORY: '65536' } }))).toEqual(csv);
  });
  it('spills large columns to disk and reads them back unchanged', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-drift-big-'));
    const lines = (shift: number) => ['a,b', ...Array.from({ length: 30000 }, (_, i) => `${Math.sin(i) + shift},${Math.cos(i * 0.7)}`)].join('\n');
    writeFileSync(join(dir, 'r.csv'), `${lines(0)}\n`);
    writeFileSync(join(dir, 'c.csv'), `${lines(0.01)}\n`);
    const args = [join(dir, 'r.csv'), join(dir, 'c.csv')];
    expect(drift(args, { env: { KL_DRIFT_MEMORY: '0' } }).columns).toEqual(drift(args).columns);
  });
  it('2-D .npy: numbered columns', () => {
    const result = drift(['fixtures/drift/ref.npy', 'fixtures/drift/cur.npy']);
    expect(result.columns.map((column) => column.name)).toEqual(['1', '2', '3']);
    const csv = drift([REF, CUR, '--columns', 'age,income,score']).columns;
    expect(result.columns.map((column) => column.measures)).toEqual(csv.map((column) => column.measures));
  });
  it('--columns by name or position, --categorical and --numeric override the type', () => {
    expect(drift([REF, CUR, '--columns', '1,plan']).columns.map((column) => column.name)).toEqual(['age', 'plan']);
    const forced = drift([REF, CUR, '--columns', 'age', '--categorical', 'age']).columns[0];
    expect(forced).toMatchObject({ type: 'categorical', type_source: 'option' });
    expect(forced?.measures['chi2_pvalue']).toBeTypeOf('number');
  });
  it('a header is detected above numbers; an all-text table needs --header or --no-header', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-drift-header-'));
    writeFileSync(join(dir, 'a.csv'), 'color\nred\nblue\nred\n');
    writeFileSync(join(dir, 'b.csv'), 'color\nred\nred\ngreen\n');
    const named = drift([join(dir, 'a.csv'), join(dir, 'b.csv'), '--header']).columns[0];
    expect(named).toMatchObject({ name: 'color', n_ref: 3 });
    const unnamed = drift([join(dir, 'a.csv'), join(dir, 'b.csv'), '--no-header']).columns[0];
    expect(unnamed).toMatchObject({ name: '1', n_ref: 4 });
    expect(unnamed?.bins.categories).toEqual(['blue', 'color', 'green', 'red']);
  });
});

describe('kl drift checks and outputs', () => {
  it('--max psi fails for each column over it, names them, exit 1; a column check overrides', () => {
    const run = runKl(['drift', REF, CUR, '--max', 'psi=0.3']);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('kl: check failed: age.psi = ');
    expect(run.stderr).toContain('kl: check failed: income.psi = ');
    expect(run.stdout).toMatch(/age .*DRIFT/);
    const overridden = runKl(['drift', REF, CUR, '--max', 'psi=0.3', '--max', 'age.psi=0.5', '--max', 'income.psi=0.5']);
    expect(overridden.status).toBe(0);
    expect(overridden.stdout).toContain('PASS'.toLowerCase());
  });
  it('share_drifted is checked against the columns that failed their checks', () => {
    expect(runKl(['drift', REF, CUR, '--max', 'psi=0.3', '--max', 'share_drifted=0.5']).status).toBe(1);
    const result = JSON.parse(runKl(['drift', REF, CUR, '--max', 'psi=0.3', '--max', 'share_drifted=0.3', '--format', 'json']).stdout) as DriftJson;
    expect(result.summary).toEqual({ columns: 5, drifted: 2, share_drifted: 0.4 });
    expect(result.checks.find((check) => check.name === 'share_drifted')).toMatchObject({ value: 0.4, passed: false });
    expect(result.drift_rule).toBe('a column check failed');
    // p-value checks apply to the columns that have the test (numeric here).
    const ks = JSON.parse(runKl(['drift', REF, CUR, '--min', 'ks_pvalue=1e-6', '--format', 'json']).stdout) as DriftJson;
    expect(ks.checks.map((check) => check.name)).toEqual(['age.ks_pvalue', 'income.ks_pvalue', 'score.ks_pvalue', 'tenure.ks_pvalue']);
  });
  it('--column explains one column bin by bin: the terms add up to D(ref‖cur) and PSI', () => {
    const result = drift([REF, CUR, '--column', 'age']);
    const age = result.columns.find((column) => column.name === 'age');
    const terms = age?.contributions ?? [];
    expect(terms).toHaveLength(10);
    const sum = (key: 'kl_forward' | 'psi') => terms.reduce((total, term) => total + (term[key] as number), 0);
    expect(relativeError(sum('kl_forward'), age?.measures['kl_forward'] as number)).toBeLessThan(1e-12);
    expect(relativeError(sum('psi'), age?.measures['psi'] as number)).toBeLessThan(1e-12);
    const table = runKl(['drift', REF, CUR, '--column', 'age']);
    expect(table.stdout).toContain('[−∞, 25.900000000000006)');
    expect(table.stdout).toContain('p·log(p/q)');
    expect(runKl(['drift', REF, CUR, '--column', 'age', '--format', 'value']).stdout).toBe(`${age?.measures['psi']}\n`);
  });
  it('csv: one line per column with every measure; value: share_drifted; markdown', () => {
    const csv = runKl(['drift', REF, CUR, '--format', 'csv']).stdout.trim().split('\n');
    expect(csv[0]).toBe(
      'column,type,n_ref,n_cur,missing_ref,missing_cur,kl_forward,kl_reverse,js_divergence,js_distance,psi,hellinger,total_variation,wasserstein,ks_statistic,ks_pvalue,kl_knn,chi2_statistic,chi2_pvalue,drifted',
    );
    expect(csv).toHaveLength(6);
    expect(csv[3]).toMatch(/^plan,categorical,400,300,0,0,(?:[^,]+,){7},,,,[^,]+,[^,]+,false$/);
    expect(runKl(['drift', REF, CUR, '--format', 'value']).stdout).toBe('0.4\n');
    expect(runKl(['drift', REF, CUR, '--format', 'markdown']).stdout).toContain('| column | drift | PSI |');
  });
  it('an empty bin on one side is infinite by default, with a warning naming the fix; --smooth makes it finite', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-drift-empty-'));
    writeFileSync(join(dir, 'r.csv'), 'v\na\nb\nc\n');
    writeFileSync(join(dir, 'c.csv'), 'v\na\na\nb\n');
    const run = runKl(['drift', join(dir, 'r.csv'), join(dir, 'c.csv'), '--header', '--format', 'json']);
    const result = JSON.parse(run.stdout) as DriftJson;
    expect(result.columns[0]?.measures['kl_forward']).toBe('Infinity');
    expect(result.columns[0]?.measures['psi']).toBe('Infinity');
    expect(run.stdout).toContain('--smooth EPS or --fill evidently gives finite values');
    const smoothed = drift([join(dir, 'r.csv'), join(dir, 'c.csv'), '--header', '--smooth', '0.01']).columns[0];
    expect(smoothed?.measures['kl_forward']).toBeTypeOf('number');
  });
  it('--report writes per-column overlaid histograms and the checks; --junit one case per check', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-drift-report-'));
    const report = join(dir, 'drift.html');
    const junit = join(dir, 'drift.xml');
    const run = runKl(['drift', REF, CUR, '--max', 'psi=0.3', '--report', report, '--junit', junit]);
    expect(run.status).toBe(1);
    const html = readFileSync(report, 'utf8');
    expect(html.match(/<svg class="chart"/g)).toHaveLength(5);
    expect(html).toContain('<h2>Checks: 2 failed</h2>');
    expect(readFileSync(junit, 'utf8').match(/<testcase /g)).toHaveLength(5);
    // Never over an input.
    const over = runKl(['drift', REF, CUR, '--report', REF.replace('.csv', '.html'), '-o', REF]);
    expect(over.status).toBe(2);
    expect(over.stdout).toBe('');
  });
  it('escapes control characters in column names and cells shown to a person', () => {
    const dir = mkdtempSync(join(tmpdir(), 'kl-drift-escape-'));
    writeFileSync(join(dir, 'r.csv'), 'na\u001b[31mme\nx\u202ey\nb\n');
    writeFileSync(join(dir, 'c.csv'), 'na\u001b[31mme\nx\u202ey\nx\u202ey\n');
    const run = runKl(['drift', join(dir, 'r.csv'), join(dir, 'c.csv'), '--header']);
    expect(run.status).toBe(0);
    expect(run.stdout).not.toContain('\u001b');
    expect(run.stdout).toContain('na\\u001b[31mme');
    expect(runKl(['drift', join(dir, 'r.csv'), join(dir, 'c.csv'), '--header', '--column', 'na\u001b[31mme']).stdout).toContain('x\\u202ey');
  });
});
