/**
 * Finding one's way: `kl measures` lists every name a check or --measures takes, a mistyped
 * name gets a did-you-mean, --measures/--measure choose what is shown, and --rows is honoured
 * by every format (csv --rows none is the summary as CSV).
 */
import { describe, expect, it } from 'vitest';
import { MEASURE_NAMES } from '../../src/measures/catalog.js';
import { BATCH_SCALARS, DRIFT_MEASURES } from '../../src/result.js';
import { runJson, runKl } from '../helpers/cli.js';

const BATCH = ['fixtures/batch/ref_logits.npy', 'fixtures/batch/new_logits.npy', '--kind', 'logits'];

describe('kl measures', () => {
  const entries = runJson<{ group: string; name: string; meaning: string; unit: string }[]>(['measures']);

  it('lists every measure, batch value and drift measure with a meaning', () => {
    const names = new Set(entries.map((entry) => entry.name));
    for (const name of [...MEASURE_NAMES, ...BATCH_SCALARS, ...DRIFT_MEASURES, 'MEASURE.mean', 'MEASURE.p99', 'mutual_information']) {
      expect(names.has(name), name).toBe(true);
    }
    for (const entry of entries) expect(entry.meaning.length, entry.name).toBeGreaterThan(5);
    expect(entries.find((entry) => entry.name === 'kl_forward')?.meaning).toBe('forward KL: D(P ‖ Q)');
    expect(entries.find((entry) => entry.name === 'kl_forward')?.unit).toBe('nats (--base)');
  });

  it('every name it lists for the measure commands is one a check takes', () => {
    for (const entry of entries.filter((candidate) => candidate.group === 'measure')) {
      const result = runKl(['compare', ...BATCH, '--format', 'value', '--rows', 'none', '--max', `${entry.name}.mean=1e9`]);
      expect(result.status, `${entry.name}: ${result.stderr}`).toBe(0);
    }
  });

  it('prints a table, CSV and Markdown too', () => {
    const table = runKl(['measures']);
    expect(table.stdout).toContain('Measures of P against Q');
    expect(table.stdout).toMatch(/│ kl_forward +│ forward KL: D\(P ‖ Q\)/);
    expect(runKl(['measures', '--format', 'csv']).stdout.split('\n')[0]).toBe('group,name,meaning,unit');
    expect(runKl(['measures', '--format', 'markdown']).stdout).toContain('| kl_forward | forward KL: D(P ‖ Q) |');
    expect(runKl(['measures', '--format', 'value']).status).toBe(2);
  });
});

describe('kl --help', () => {
  it('shows a CI gate and names kl measures', () => {
    const help = runKl(['--help']).stdout;
    expect(help).toMatch(/A CI gate: kl compare \S+ \S+ --kind logits --max kl_forward\.mean=0\.01 \(exit 1 when a check fails\)/);
    expect(help).toContain('measures');
  });
});

describe('did you mean', () => {
  const cases: [string[], string][] = [
    [['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--max', 'kl_foward=0.1'], 'did you mean kl_forward?'],
    [['compare', ...BATCH, '--max', 'kl_forward.maen=0.1'], 'did you mean kl_forward.mean?'],
    [['compare', ...BATCH, '--min', 'top1_agrement=0.9'], 'did you mean top1_agreement?'],
    [['drift', 'fixtures/drift/ref.csv', 'fixtures/drift/cur.csv', '--max', 'pis=0.1'], 'did you mean psi?'],
    [['drift', 'fixtures/drift/ref.csv', 'fixtures/drift/cur.csv', '--max', 'age.pis=0.1'], 'did you mean age.psi?'],
    [['mi', 'fixtures/joint/table.csv', '--kind', 'counts', '--max', 'mutual_informaton=1'], 'did you mean mutual_information?'],
    [['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--measures', 'kl_forward,js_distnce'], 'did you mean js_distance?'],
    [['matrix', 'fixtures/joint/dist1.csv', 'fixtures/joint/dist2.csv', '--measure', 'hellnger'], 'did you mean hellinger?'],
  ];
  for (const [args, suggestion] of cases) {
    it(args.slice(-2).join(' '), () => {
      const result = runKl(args);
      expect(result.status).toBe(2);
      expect(result.stdout).toBe('');
      expect(result.stderr).toContain(suggestion);
    });
  }

  it('suggests nothing for a name far from every one', () => {
    const result = runKl(['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--max', 'banana=1']);
    expect(result.status).toBe(2);
    expect(result.stderr).not.toContain('did you mean');
    expect(result.stderr).toContain('kl measures lists every name');
  });
});

describe('--measures and --measure', () => {
  it('choose the measures shown, in the order given, in every format', () => {
    const json = runJson<{ measures: Record<string, number> }>(['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--measures', 'js_distance,kl_forward']);
    expect(Object.keys(json.measures)).toEqual(['js_distance', 'kl_forward']);
    expect(runKl(['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--measures', 'js_distance,kl_forward', '--format', 'csv']).stdout.split('\n')[0]).toBe(
      'js_distance,kl_forward',
    );
    const table = runKl(['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--measures', 'hellinger']).stdout;
    expect(table).toContain('hellinger');
    expect(table).not.toContain('kl_forward');
    const batch = runKl(['compare', ...BATCH, '--measures', 'kl_forward,hellinger', '--format', 'csv']).stdout;
    expect(batch.split('\n')[0]).toBe('index,kl_forward,hellinger');
  });

  it('--format value --measure NAME prints that measure', () => {
    const value = runKl(['compare', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--format', 'value', '--measure', 'kl_reverse']);
    expect(value.stdout).toBe(`${runKl(['reverse', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--format', 'value']).stdout}`);
  });

  it('a check on a measure left out is refused, naming the fix', () => {
    const result = runKl(['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--measures', 'js_distance', '--max', 'kl_forward=1']);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('add kl_forward to --measures');
  });
});

describe('--rows in every format', () => {
  it('csv and value: all rows by default, the worst with --rows worst, the summary with --rows none', () => {
    const all = runKl(['forward', ...BATCH, '--format', 'value'])
      .stdout.trim()
      .split('\n');
    expect(all).toHaveLength(12);
    const worst = runKl(['forward', ...BATCH, '--format', 'value', '--rows', 'worst', '--worst', '3'])
      .stdout.trim()
      .split('\n');
    expect(worst).toEqual([...all].sort((a, b) => Number(b) - Number(a)).slice(0, 3));
    const mean = runKl(['forward', ...BATCH, '--format', 'value', '--rows', 'none']).stdout.trim();
    const summary = runJson<{ summary: { kl_forward: { mean: number } } }>(['forward', ...BATCH, '--rows', 'none']);
    expect(Number(mean)).toBe(summary.summary.kl_forward.mean);
    const csv = runKl(['compare', ...BATCH, '--format', 'csv', '--rows', 'none'])
      .stdout.trim()
      .split('\n');
    expect(csv[0]).toBe('statistic,value');
    expect(csv).toContain(`kl_forward.mean,${summary.summary.kl_forward.mean}`);
    expect(csv.some((line) => line.startsWith('top1_agreement,'))).toBe(true);
    expect(csv).toContain('row_count,12');
    const worstCsv = runKl(['compare', ...BATCH, '--format', 'csv', '--rows', 'worst', '--worst', '2'])
      .stdout.trim()
      .split('\n');
    expect(worstCsv).toHaveLength(3);
    expect(worstCsv[0]?.startsWith('index,')).toBe(true);
  });
});
