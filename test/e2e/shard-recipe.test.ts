/**
 * README "More data than one machine" runs as written: the fixture example (two shards, the
 * merge and its gate), and the one-machine recipe (xargs -P over N shards, then kl merge),
 * whose merged report equals one run over all the rows and whose gate exits as one run's.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/reference.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const start = readme.indexOf('\n## More data than one machine');
const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
const blocks = [...section.matchAll(/```sh\n([\s\S]*?)```/g)].map((match) => match[1] as string);

/** A directory with `kl` on PATH as a program (xargs runs programs, not shell functions). */
function sandbox(): { dir: string; env: NodeJS.ProcessEnv } {
  const dir = mkdtempSync(join(tmpdir(), 'kl-recipe-'));
  const bin = join(dir, '.bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'kl'), `#!/bin/sh\nexec '${process.execPath}' '${join(ROOT, 'bin', 'kl.js')}' "$@"\n`);
  chmodSync(join(bin, 'kl'), 0o755);
  return { dir, env: { ...process.env, PATH: `${bin}:${process.env['PATH']}`, NO_COLOR: '1', SOURCE_DATE_EPOCH: '1764460800' } };
}

function bash(script: string, cwd: string, env: NodeJS.ProcessEnv) {
  return spawnSync('bash', ['-e', '-c', script], { cwd, env, encoding: 'utf8', maxBuffer: 64 << 20 });
}

describe('README: More data than one machine', () => {
  it('the fixture example runs: two shards, their merge and its gate', () => {
    const block = blocks.find((text) => text.includes('--shard 0/2'));
    expect(block).toBeDefined();
    const { dir, env } = sandbox();
    symlinkSync(join(ROOT, 'fixtures'), join(dir, 'fixtures'));
    const run = bash(block as string, dir, env);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain('kl_forward');
    expect(existsSync(join(dir, 'part0.json')) && existsSync(join(dir, 'part1.json'))).toBe(true);
  });

  it('the one-machine recipe (xargs -P) gives one run: the same statistics and the same gate', () => {
    const recipe = blocks.find((text) => text.startsWith('# recipe: one machine'));
    expect(recipe).toBeDefined();
    const { dir, env } = sandbox();
    for (const [name, fixture] of [
      ['ref.npy', 'ref_logits.npy'],
      ['new.npy', 'new_logits.npy'],
      ['tokens.npy', 'tokens.npy'],
    ] as const) {
      symlinkSync(join(ROOT, 'fixtures', 'llm', fixture), join(dir, name));
    }
    const sharded = bash(recipe as string, dir, env);
    const gate = /--max \S+/.exec(recipe as string)?.[0] as string;
    const single = bash(
      `kl compare ref.npy new.npy --kind logits --targets tokens.npy --next-token --ignore-index -100 ${gate} --format json --rows worst -o single.json || echo "exit $?" > single.exit`,
      dir,
      env,
    );
    expect(single.status, single.stderr).toBe(0);
    // The gate exits as one run's does.
    const singleExit = existsSync(join(dir, 'single.exit')) ? Number(readFileSync(join(dir, 'single.exit'), 'utf8').split(' ')[1]) : 0;
    expect(sharded.status, sharded.stderr).toBe(singleExit);
    expect(sharded.stderr.includes('kl: check failed: kl_forward.mean')).toBe(singleExit === 1);
    const merged = JSON.parse(readFileSync(join(dir, 'report.json'), 'utf8'));
    const one = JSON.parse(readFileSync(join(dir, 'single.json'), 'utf8'));
    expect([merged.row_count, merged.ignored_rows]).toEqual([one.row_count, one.ignored_rows]);
    for (const [name, stats] of Object.entries(one.summary as Record<string, Record<string, number> | number>)) {
      if (typeof stats === 'number') {
        expect(Math.abs((merged.summary[name] as number) - stats), name).toBeLessThanOrEqual(1e-9 * Math.abs(stats));
        continue;
      }
      expect(Math.abs(merged.summary[name].mean - stats['mean']!), `${name}.mean`).toBeLessThanOrEqual(1e-12 * Math.abs(stats['mean']!));
      expect([merged.summary[name].argmax, merged.summary[name].max]).toEqual([stats['argmax'], stats['max']]);
      const median = stats['median']!;
      expect(Math.abs(merged.summary[name].median - median), `${name}.median`).toBeLessThanOrEqual(1e-3 * Math.abs(median) * 1.000001 + 1e-300);
    }
    expect(merged.worst).toEqual(one.worst);
  });
});
