/**
 * "It installs" proven without publishing: the project is packed (`npm pack`), the tarball
 * installed into empty prefixes with no access to the repository and no network
 * (`--offline`: every dependency is bundled into dist/), and the installed `kl`, its
 * `kl-divergence` alias and the library are run from there. The package is also linted
 * the way its consumers' tools see it (publint --strict, @arethetypeswrong/cli).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixturePath, ROOT } from '../helpers/reference.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-package-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const npm = (args: string[], cwd: string) =>
  execFileSync('npm', args, {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, npm_config_update_notifier: 'false', npm_config_fund: 'false', npm_config_audit: 'false' },
  });

let tarball = '';
const work = join(dir, 'work');

beforeAll(() => {
  // --ignore-scripts: dist/ is already built (npm test builds it); rebuilding it here would
  // pull it from under the other test files running at the same time.
  const [packed] = JSON.parse(npm(['pack', '--ignore-scripts', '--json', '--pack-destination', dir], ROOT)) as { filename: string }[];
  tarball = join(dir, (packed as { filename: string }).filename);
  // Inputs outside the repository: the installed kl must need nothing from it.
  mkdirSync(work);
  for (const name of ['p.csv', 'q.csv', 'coin_p.csv', 'coin_q.csv']) copyFileSync(fixturePath(name), join(work, name));
}, 120_000);

function run(bin: string, args: string[]) {
  const result = spawnSync(bin, args, { cwd: work, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('the packed tarball', () => {
  it('installs globally with no network and runs kl and kl-divergence', () => {
    const prefix = join(dir, 'global');
    npm(['install', '--global', '--offline', '--prefix', prefix, tarball], dir);
    for (const bin of ['kl', 'kl-divergence']) {
      expect(run(join(prefix, 'bin', bin), ['--version']).stdout.trim()).toBe(version);
      const value = run(join(prefix, 'bin', bin), ['forward', 'coin_p.csv', 'coin_q.csv', '--format', 'value']);
      expect(value).toEqual({ status: 0, stdout: '0.08228287850505175\n', stderr: '' });
    }
    const table = run(join(prefix, 'bin', 'kl'), ['compare', 'p.csv', 'q.csv']);
    expect(table.status).toBe(0);
    expect(table.stdout).toContain('P = p.csv');
    expect(table.stdout).toContain('D(P ‖ Q)');
  });

  it('installs as a dependency: the library imports from Node (ESM) with its types', () => {
    const project = join(dir, 'project');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), '{"name": "consumer", "version": "1.0.0", "type": "module"}\n');
    npm(['install', '--offline', tarball], project);
    const script = [
      "import { klDivergence, compare, readDistribution, distributionOf } from 'kl-divergence';",
      'const p = distributionOf(await readDistribution(process.argv[1]));',
      'const q = distributionOf(await readDistribution(process.argv[2]));',
      'console.log(klDivergence([0.7, 0.3], [0.5, 0.5]), compare(p, q).measures.kl_forward);',
    ].join('\n');
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', script, join(work, 'p.csv'), join(work, 'q.csv')], {
      cwd: project,
      encoding: 'utf8',
    });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('0.08228287850505175 0.049219184376815536\n');
    // A TypeScript consumer type-checks against the shipped declarations, JSON types included.
    writeFileSync(
      join(project, 'consumer.ts'),
      [
        "import { klDivergence, type Comparison, type JsonPairReport, type MeasureOptions } from 'kl-divergence';",
        "const options: MeasureOptions = { base: 2, kind: 'counts' };",
        'const value: number = klDivergence(new Map([["a", 1], ["b", 3]]), { a: 2, b: 2 }, options);',
        "const report = JSON.parse('{}') as JsonPairReport;",
        'const unit: string = report.unit;',
        'export const used: [number, string, Comparison | null] = [value, unit, null];',
        '',
      ].join('\n'),
    );
    const tsc = spawnSync(
      process.execPath,
      [
        join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc'),
        '--noEmit',
        '--strict',
        '--module',
        'nodenext',
        '--moduleResolution',
        'nodenext',
        '--skipLibCheck',
        'false',
        '--types',
        '',
        'consumer.ts',
      ],
      { cwd: project, encoding: 'utf8' },
    );
    expect(tsc.stdout + tsc.stderr).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('ships the licences of what it bundles, and no runtime dependencies to download', () => {
    const installed = join(dir, 'project', 'node_modules', 'kl-divergence');
    const manifest = JSON.parse(readFileSync(join(installed, 'package.json'), 'utf8')) as { dependencies?: object };
    expect(manifest.dependencies).toBeUndefined();
    expect(readFileSync(join(installed, 'LICENSE'), 'utf8')).toContain('MIT License');
    const notices = readFileSync(join(installed, 'dist', 'THIRD-PARTY-NOTICES.md'), 'utf8');
    for (const name of ['commander', 'csv-parse', 'chalk', 'cli-table3']) expect(notices).toContain(`## ${name} `);
  });

  it('a code cache from another V8 (here: corrupted) is ignored, not fatal', () => {
    const installed = join(dir, 'project', 'node_modules', 'kl-divergence');
    const cache = join(installed, 'dist', 'kl.cache');
    const bytes = readFileSync(cache);
    bytes.fill(0x5a, 0, Math.min(bytes.length, 4096));
    writeFileSync(cache, bytes);
    const result = run(process.execPath, [join(installed, 'bin', 'kl.js'), 'forward', 'coin_p.csv', 'coin_q.csv', '--format', 'value']);
    expect(result).toEqual({ status: 0, stdout: '0.08228287850505175\n', stderr: '' });
    writeFileSync(cache, 'not a code cache at all');
    expect(run(process.execPath, [join(installed, 'bin', 'kl.js'), '--version']).stdout.trim()).toBe(version);
  });

  it('is clean for publint --strict and @arethetypeswrong/cli (ESM-only profile)', () => {
    const bin = (name: string) => join(ROOT, 'node_modules', '.bin', name);
    const publint = spawnSync(bin('publint'), ['--strict', tarball], { cwd: ROOT, encoding: 'utf8' });
    expect(publint.stdout + publint.stderr).toContain('All good!');
    expect(publint.status).toBe(0);
    const attw = spawnSync(bin('attw'), [tarball, '--profile', 'esm-only', '--format', 'json'], { cwd: ROOT, encoding: 'utf8' });
    expect(attw.status, attw.stdout.slice(0, 2000)).toBe(0);
  });
});
