/**
 * kl at home in CI systems: Markdown for step summaries, GitHub annotations, JUnit XML,
 * reports that say which run made them, and a quiet mode for scripts.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runKl } from '../helpers/cli.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-ci-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BATCH = ['compare', 'fixtures/batch/ref_logits.npy', 'fixtures/batch/new_logits.npy', '--kind', 'logits'];

describe('--format markdown', () => {
  it('has the table’s content as GitHub tables, and escapes user text for Markdown', () => {
    const pair = runKl(['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--format', 'markdown']);
    expect(pair.status).toBe(0);
    expect(pair.stdout).toContain('| measure | computed | value | unit |\n| :--- | :--- | ---: | :--- |\n');
    expect(pair.stdout).toContain('| kl_forward | D(P ‖ Q) | 0.0492192 | nats |');
    // A `|` inside a cell is escaped, so the table keeps its columns.
    expect(pair.stdout).toContain('| total_variation | ½·Σ\\|p − q\\| | 0.15 |  |');
    const batch = runKl([...BATCH, '--format', 'markdown', '--max', 'kl_forward.mean=0.01']);
    expect(batch.status).toBe(1);
    expect(batch.stdout).toContain('| kl_forward | D(P ‖ Q) | 0.0252609 ± 0.00582313 |');
    expect(batch.stdout).toContain('```text\n');
    expect(batch.stdout).toContain('**top1_agreement** = 1');
    expect(batch.stdout).toContain('FAIL  kl_forward.mean = 0.0252609 (max ≤ 0.01)');
    const hostile = join(dir, 'hostile.json');
    writeFileSync(hostile, '{"<img src=x onerror=alert(1)>": 0.5, "__proto__": 0.25, "a|b": 0.25}');
    const labels = runKl(['explain', hostile, hostile, '--format', 'markdown', '--top', '0']);
    expect(labels.stdout).toContain('| \\<img src=x onerror=alert(1)\\> |');
    expect(labels.stdout).toContain('| \\_\\_proto\\_\\_ |');
    expect(labels.stdout).toContain('| a\\|b |');
  });
});

describe('GitHub Actions annotations', () => {
  it('one ::error line per failed check on stderr, only under GITHUB_ACTIONS=true', () => {
    const args = [...BATCH, '--max', 'kl_forward.mean=0.01', '--min', 'top1_agreement=0.5', '--format', 'json'];
    const inActions = runKl(args, { env: { GITHUB_ACTIONS: 'true' } });
    expect(inActions.status).toBe(1);
    const annotations = inActions.stderr.split('\n').filter((line) => line.startsWith('::'));
    expect(annotations).toEqual([expect.stringMatching(/^::error title=kl check::kl_forward\.mean = 0\.0252\d+ > max 0\.01 \(kl compare /)]);
    expect(JSON.parse(inActions.stdout).checks).toHaveLength(2);
    expect(runKl(args).stderr).not.toContain('::error');
  });
});

describe('--junit FILE', () => {
  it('one test case per check, failures as <failure>, written atomically', () => {
    const path = join(dir, 'checks.xml');
    const result = runKl([...BATCH, '--max', 'kl_forward.mean=0.01', '--max', 'kl_forward.p99=1', '--format', 'value', '--junit', path]);
    expect(result.status).toBe(1);
    const xml = readFileSync(path, 'utf8');
    expect(xml).toContain('<testsuite name="kl compare" tests="2" failures="1" errors="0" skipped="0" timestamp="2025-11-30T00:00:00">');
    expect(xml).toContain('<testcase classname="kl compare" name="max kl_forward.p99" time="0"></testcase>');
    expect(xml).toMatch(/<failure message="kl_forward\.mean = 0\.0252\d+ &#62; max 0\.01" type="kl-check">/);
    expect(xml).toContain('<property name="kl_version" value="0.1.0"/>');
    const over = runKl([...BATCH, '--junit', 'fixtures/batch/ref_logits.npy']);
    expect(over.status).toBe(2);
    expect(over.stderr).toContain('kl never writes over an input');
  });
});

describe('reports say which run made them', () => {
  it('JSON: kl_version, generated_at (SOURCE_DATE_EPOCH) and the command line; HTML: the same and the checks', () => {
    const report = JSON.parse(runKl(['forward', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--format', 'json']).stdout) as Record<string, unknown>;
    expect(Object.keys(report).slice(0, 4)).toEqual(['schema_version', 'kl_version', 'generated_at', 'command_line']);
    expect(report['kl_version']).toBe('0.1.0');
    expect(report['generated_at']).toBe('2025-11-30T00:00:00Z');
    expect(report['command_line']).toBe('kl forward fixtures/coin_p.csv fixtures/coin_q.csv --format json');
    const now = JSON.parse(runKl(['forward', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--format', 'json'], { env: { SOURCE_DATE_EPOCH: '' } }).stdout) as {
      generated_at: string;
    };
    expect(Math.abs(Date.parse(now.generated_at) - Date.now())).toBeLessThan(10 * 60_000);
    const html = join(dir, 'report.html');
    expect(runKl(['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--report', html, '--max', 'kl_forward=0.01']).status).toBe(1);
    const page = readFileSync(html, 'utf8');
    expect(page).toContain('kl 0.1.0 · 2025-11-30T00:00:00Z');
    expect(page).toContain('<h2>Checks: 1 failed</h2>');
    expect(page).toMatch(/<tr class="fail"><td><code>kl_forward<\/code><\/td><td>≤ 0\.01<\/td>/);
  });
});

describe('-q, --quiet', () => {
  it('prints nothing: the exit status alone says how it went; errors still reach stderr', () => {
    expect(runKl(['forward', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--max', 'kl_forward=0.01', '-q'])).toEqual({ status: 1, stdout: '', stderr: '' });
    expect(runKl(['forward', 'fixtures/coin_p.csv', 'fixtures/coin_q.csv', '--max', 'kl_forward=1', '--quiet'])).toEqual({ status: 0, stdout: '', stderr: '' });
    const error = runKl(['forward', 'fixtures/bad/nan.csv', 'fixtures/coin_q.csv', '-q']);
    expect(error.status).toBe(2);
    expect(error.stdout).toBe('');
    expect(error.stderr).toMatch(/^kl: error: /);
  });
});
