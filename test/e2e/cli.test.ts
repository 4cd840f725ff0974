/**
 * End-to-end: spawn the built CLI and check stdout, stderr and the exit code.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runJson, runKl } from '../helpers/cli.js';
import { fixturePath } from '../helpers/reference.js';

const TEXTBOOK_KL = 0.08228287850505178;
const ALL_MEASURES = [
  'entropy_p',
  'entropy_q',
  'cross_entropy_pq',
  'cross_entropy_qp',
  'kl_forward',
  'kl_reverse',
  'js_divergence',
  'js_distance',
  'jeffreys',
  'total_variation',
  'hellinger',
];

interface Report {
  schema_version: number;
  command: string;
  unit: string;
  base: number;
  inputs: { role: string; source: string; format: string; kind: string; categories: number; mass: number | null; normalized: boolean }[];
  measures: Record<string, number | string>;
  expressions: Record<string, string>;
  support: { categories: number; p_only: number; q_only: number } | null;
  warnings: { code: string; message: string }[];
  checks: { name: string; op: string; limit: number; value: number; passed: boolean }[];
}

describe('kl compare', () => {
  it('prints one table with every measure, the inputs named once as P and Q, the direction, and the unit', () => {
    const result = runKl(['compare', 'fixtures/p.csv', 'fixtures/q.csv']);
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    for (const name of ALL_MEASURES) expect(result.stdout).toContain(name);
    expect(result.stdout).toMatch(/│ kl_forward +│ D\(P ‖ Q\) /);
    expect(result.stdout).toMatch(/│ kl_reverse +│ D\(Q ‖ P\) /);
    expect(result.stdout).toContain('Q = fixtures/q.csv  (probs, 5 categories)');
    expect(result.stdout).toContain('0.0492192');
    expect(result.stdout).toContain('nats');
    expect(result.stdout).toContain('P = fixtures/p.csv  (probs, 5 categories)');
    expect(result.stdout).not.toMatch(/\u001b\[/);
  });

  it('colours only when asked: FORCE_COLOR beats a pipe, NO_COLOR and --no-color turn it off', () => {
    expect(runKl(['compare', 'fixtures/p.csv', 'fixtures/q.csv'], { env: { FORCE_COLOR: '1' } }).stdout).toMatch(/\u001b\[/);
    expect(runKl(['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--color']).stdout).toMatch(/\u001b\[/);
    expect(runKl(['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--no-color'], { env: { FORCE_COLOR: '1' } }).stdout).not.toMatch(/\u001b\[/);
  });

  it('--format json is one documented object', () => {
    const report = runJson<Report>(['compare', 'fixtures/coin_p.json', 'fixtures/coin_q.json']);
    expect(report.schema_version).toBe(1);
    expect(report.command).toBe('compare');
    expect(report.unit).toBe('nats');
    expect(report.base).toBe(Math.E);
    expect(Object.keys(report.measures)).toEqual(ALL_MEASURES);
    expect(report.measures['kl_forward']).toBeCloseTo(TEXTBOOK_KL, 15);
    expect(report.expressions['kl_forward']).toBe('D(fixtures/coin_p.json ‖ fixtures/coin_q.json)');
    expect(report.inputs.map((input) => [input.role, input.source, input.format, input.kind, input.categories])).toEqual([
      ['p', 'fixtures/coin_p.json', 'json', 'probs', 2],
      ['q', 'fixtures/coin_q.json', 'json', 'probs', 2],
    ]);
    expect(report.support).toEqual({ categories: 2, p_only: 0, q_only: 0 });
    expect(report.warnings).toEqual([]);
    expect(report.checks).toEqual([]);
  });

  it('--json is shorthand for --format json', () => {
    const result = runKl(['compare', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--json']);
    expect(JSON.parse(result.stdout).command).toBe('compare');
  });

  it('--format csv is a header line and one line of full-precision values', () => {
    const result = runKl(['compare', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--format', 'csv']);
    const lines = result.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(2);
    expect(lines[0]?.split(',')).toEqual(ALL_MEASURES);
    const values = lines[1]?.split(',').map(Number) ?? [];
    expect(values[4]).toBeCloseTo(TEXTBOOK_KL, 15);
  });

  it('--format value prints the forward KL alone', () => {
    const result = runKl(['compare', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--format', 'value']);
    expect(result.stdout).toMatch(/^0\.0822828785050517\d*\n$/);
  });
});

describe('single-measure commands', () => {
  it('forward prints D(P‖Q); as a bare value it is ready for $(…)', () => {
    const table = runKl(['forward', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv']);
    expect(table.stdout).toContain('P = fixtures/coin_p.csv');
    expect(table.stdout).toContain('D(P ‖ Q)');
    expect(table.stdout).toContain('0.0822829');
    const value = runKl(['forward', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--format', 'value']);
    expect(Math.abs(Number(value.stdout) - TEXTBOOK_KL)).toBeLessThan(1e-16);
  });

  it('reverse prints D(Q‖P) and keeps the inputs in their roles', () => {
    const table = runKl(['reverse', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv']);
    expect(table.stdout).toContain('Q = fixtures/coin_q.csv');
    expect(table.stdout).toContain('D(Q ‖ P)');
    const value = Number(runKl(['reverse', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--format', 'value']).stdout);
    expect(value).toBeCloseTo(0.5 * Math.log(0.5 / 0.7) + 0.5 * Math.log(0.5 / 0.3), 15);
  });

  it('entropy takes one input, or two measured separately', () => {
    expect(Number(runKl(['entropy', 'fixtures/coin_q.csv', '--format', 'value', '--base', '2']).stdout)).toBe(1);
    const both = runKl(['entropy', 'fixtures/coin_q.csv', 'fixtures/bad/three.csv', '--format', 'value']);
    const [hp, hq] = both.stdout.trim().split('\t').map(Number);
    expect(hp).toBe(Math.LN2);
    expect(hq).toBeCloseTo(-(0.2 * Math.log(0.2) + 0.3 * Math.log(0.3) + 0.5 * Math.log(0.5)), 15);
    expect(runJson<Report>(['entropy', 'fixtures/coin_q.csv']).measures).toEqual({ entropy_p: Math.LN2 });
  });

  it('cross-entropy prints H(P,Q)', () => {
    const result = runKl(['cross-entropy', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv']);
    expect(result.stdout).toContain('H(P, Q)');
    expect(Number(runKl(['cross-entropy', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--format', 'value']).stdout)).toBe(Math.LN2);
  });

  it('js prints the divergence and the distance; value is the divergence', () => {
    const report = runJson<Report>(['js', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv']);
    expect(Object.keys(report.measures)).toEqual(['js_divergence', 'js_distance']);
    expect(report.measures['js_distance']).toBe(Math.sqrt(report.measures['js_divergence'] as number));
    const value = runKl(['js', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--format', 'value']);
    expect(Number(value.stdout)).toBe(report.measures['js_divergence']);
  });

  it('every command has --help with examples', () => {
    for (const command of ['compare', 'forward', 'reverse', 'entropy', 'cross-entropy', 'js']) {
      const result = runKl([command, '--help']);
      expect(result.status).toBe(0);
      expect(result.stdout).toContain('Examples:');
      expect(result.stdout).toContain(`kl ${command} `);
    }
  });

  it('--version prints the package version', () => {
    const version = (JSON.parse(readFileSync(fixturePath('../package.json'), 'utf8')) as { version: string }).version;
    expect(runKl(['--version']).stdout.trim()).toBe(version);
  });
});

describe('inputs', () => {
  it('reads stdin as -, sniffing its format, and names it stdin', () => {
    const report = runJson<Report>(['forward', '-', 'fixtures/coin_q.csv'], { input: '[0.7, 0.3]' });
    expect(report.inputs[0]?.source).toBe('stdin');
    expect(report.inputs[0]?.format).toBe('json');
    expect(report.measures['kl_forward']).toBeCloseTo(TEXTBOOK_KL, 15);
    expect(report.expressions['kl_forward']).toBe('D(stdin ‖ fixtures/coin_q.csv)');
  });

  it('--input-format says what stdin holds', () => {
    const report = runJson<Report>(['forward', 'fixtures/coin_p.csv', '-', '--input-format', 'csv'], { input: '0.5\n0.5\n' });
    expect(report.measures['kl_forward']).toBeCloseTo(TEXTBOOK_KL, 15);
  });

  it('takes P and Q from two columns of one file, or of stdin', () => {
    const report = runJson<Report>(['compare', 'fixtures/columns.csv', '--p-col', 'model_a', '--q-col', 'model_b']);
    expect(report.inputs.map((input) => input.source)).toEqual(['fixtures/columns.csv[model_a]', 'fixtures/columns.csv[model_b]']);
    const expected = 0.62 * Math.log(0.62 / 0.55) + 0.3 * Math.log(0.3 / 0.35) + 0.08 * Math.log(0.08 / 0.1);
    expect(report.measures['kl_forward']).toBeCloseTo(expected, 14);
    const fromStdin = runJson<Report>(['forward', '-', '--p-col', '2', '--q-col', '3'], { input: readFileSync(fixturePath('columns.csv')) });
    expect(fromStdin.measures['kl_forward']).toBe(report.measures['kl_forward']);
  });

  it('aligns labelled inputs by label, whatever their order, for any label string', () => {
    const report = runJson<Report>(['compare', 'fixtures/labels_p.json', 'fixtures/labels_q.json']);
    expect(report.support).toEqual({ categories: 4, p_only: 0, q_only: 1 });
    expect(report.measures['kl_forward']).toBeCloseTo(0.5 * Math.log(2) + 0.3 * Math.log(1.2) + 0.2 * Math.log(0.8), 14);
    expect(report.measures['kl_reverse']).toBe('Infinity');
  });

  it('reads counts (TSV), logits of magnitude 1e3 (JSON) and log-probs (JSONL)', () => {
    const counts = runJson<Report>(['forward', 'fixtures/counts_p.tsv', 'fixtures/counts_q.tsv', '--kind', 'counts']);
    expect(counts.inputs[0]?.normalized).toBe(true);
    expect(counts.measures['kl_forward']).toBeCloseTo(0.24 * Math.log(0.24 / 0.3) + 0.6 * Math.log(0.6 / 0.5) + 0.16 * Math.log(0.16 / 0.2), 14);
    const logits = runJson<Report>(['forward', 'fixtures/logits_p.json', 'fixtures/logits_q.json', '--kind', 'logits']);
    expect(logits.measures['kl_forward']).toBeCloseTo(6.734710282491685, 12);
    // JSONL is rows: one line is a batch of one row, unless --layout distribution says otherwise.
    const logprobs = runJson<Report>(['forward', 'fixtures/logprobs_p.jsonl', 'fixtures/logprobs_q.jsonl', '--kind', 'logprobs', '--layout', 'distribution']);
    expect(logprobs.measures['kl_forward']).toBeCloseTo(0.6 * Math.log(1.2) + 0.4 * Math.log(0.8), 14);
  });

  it('per-side kinds: probabilities against counts', () => {
    const report = runJson<Report>(['forward', 'fixtures/coin_p.csv', '-', '--q-kind', 'counts', '--input-format', 'csv'], { input: '7\n7\n' });
    expect(report.measures['kl_forward']).toBeCloseTo(TEXTBOOK_KL, 15);
  });

  it('--normalize rescales probabilities that do not sum to 1 and shows the original mass', () => {
    const report = runJson<Report>(['forward', 'fixtures/bad/unnormalized.csv', 'fixtures/coin_q.csv', '--normalize']);
    expect(report.inputs[0]?.mass).toBeCloseTo(0.9, 15);
    expect(report.inputs[0]?.normalized).toBe(true);
  });

  it('--base 2 reports bits, and any other base names itself', () => {
    const bits = runJson<Report>(['forward', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--base', '2']);
    expect(bits.unit).toBe('bits');
    expect(bits.measures['kl_forward']).toBeCloseTo(TEXTBOOK_KL / Math.LN2, 15);
    expect(runJson<Report>(['forward', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--base', '10']).unit).toBe('bans');
    const three = runKl(['forward', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--base', '3']);
    expect(three.stdout).toContain('log-base-3 units');
  });
});

describe('the zero policy is visible', () => {
  it('q = 0 where p > 0: Infinity in JSON, a warning in the table, a warning on stderr for value', () => {
    const report = runJson<Report>(['forward', 'fixtures/zero_q_p.csv', 'fixtures/zero_q_q.csv']);
    expect(report.measures['kl_forward']).toBe('Infinity');
    expect(report.support).toEqual({ categories: 3, p_only: 1, q_only: 1 });
    expect(report.warnings.map((warning) => warning.code)).toEqual(['q-zero-where-p-positive']);
    const table = runKl(['forward', 'fixtures/zero_q_p.csv', 'fixtures/zero_q_q.csv']);
    expect(table.stdout).toContain('∞');
    expect(table.stdout).toContain('warning: 1 category has q = 0 where p > 0 (index 1)');
    const value = runKl(['forward', 'fixtures/zero_q_p.csv', 'fixtures/zero_q_q.csv', '--format', 'value']);
    expect(value.stdout).toBe('Infinity\n');
    expect(value.stderr).toContain('kl: warning: 1 category has q = 0 where p > 0');
    expect(value.status).toBe(0);
  });

  it('--smooth makes it finite', () => {
    const report = runJson<Report>(['forward', 'fixtures/zero_q_p.csv', 'fixtures/zero_q_q.csv', '--smooth', '0.01']);
    expect(typeof report.measures['kl_forward']).toBe('number');
    expect(report.support?.p_only).toBe(0);
    expect(report.warnings).toEqual([]);
  });
});

describe('checks', () => {
  it('a passing --max exits 0; a failing one exits 1, says why on stderr and still prints the output', () => {
    const pass = runKl(['forward', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--max', 'kl_forward=0.1']);
    expect(pass.status).toBe(0);
    const fail = runKl(['forward', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--max', 'kl_forward=0.01', '--format', 'json']);
    expect(fail.status).toBe(1);
    expect(fail.stderr).toContain('kl: check failed: kl_forward = 0.0822828785050517');
    expect(fail.stderr).toContain('> max 0.01');
    const report = JSON.parse(fail.stdout) as Report;
    expect(report.checks).toEqual([{ name: 'kl_forward', op: 'max', limit: 0.01, value: report.measures['kl_forward'], passed: false }]);
  });

  it('--min works the other way round', () => {
    expect(runKl(['compare', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--min', 'entropy_q=0.69']).status).toBe(0);
    expect(runKl(['compare', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--min', 'entropy_q=0.7']).status).toBe(1);
  });
});

interface BadCase {
  name: string;
  args: string[];
  input_file?: string;
  exit: number;
  stderr?: string;
  stdout?: string;
}

describe('the corpus of bad, hostile and odd inputs (fixtures/bad/cases.json)', () => {
  const corpus = JSON.parse(readFileSync(fixturePath('bad/cases.json'), 'utf8')) as { cases: BadCase[] };
  for (const badCase of corpus.cases) {
    it(`${badCase.name} → exit ${badCase.exit}`, () => {
      const input = badCase.input_file ? readFileSync(fixturePath(badCase.input_file.replace(/^fixtures\//, ''))) : '';
      const result = runKl(badCase.args, { input });
      expect(result.status).toBe(badCase.exit);
      expect(result.stderr).not.toMatch(/^\s+at |internal error/m);
      if (badCase.exit === 0) {
        expect(result.stdout).toContain(badCase.stdout);
        expect(result.stdout).not.toMatch(/NaN/);
        return;
      }
      // One clear error line (and at most a hint), nothing on stdout.
      expect(result.stdout).toBe('');
      expect(result.stderr.startsWith('kl: error: ')).toBe(true);
      expect(result.stderr).toContain(badCase.stderr);
      expect(result.stderr.trimEnd().split('\n').length).toBeLessThanOrEqual(2);
    });
  }

  it('KL_DEBUG=1 adds the stack trace', () => {
    const result = runKl(['forward', 'fixtures/bad/nan.csv', 'fixtures/coin_q.csv'], { env: { KL_DEBUG: '1' } });
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/^\s+at /m);
  });
});
