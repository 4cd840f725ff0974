/**
 * The README's library examples run as written, against the built package (imported by
 * its name, as a user would), and print what their `// →` comments say.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/reference.js';

const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
const library = readme.slice(readme.indexOf('\n## Library\n'), readme.indexOf('\n## ', readme.indexOf('\n## Library\n') + 1));
const examples = [...library.matchAll(/```ts\n([\s\S]*?)```/g)].map((match) => match[1] as string);

describe('README library examples', () => {
  it('there are some', () => expect(examples.length).toBeGreaterThanOrEqual(2));

  for (const [index, code] of examples.entries()) {
    it(`example ${index + 1} runs and prints what its comments say`, () => {
      const expected = [...code.matchAll(/\/\/ → (.*)$/gm)].map((match) => match[1] as string);
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', code], { cwd: ROOT, encoding: 'utf8' });
      expect(result.stderr).toBe('');
      expect(result.status).toBe(0);
      expect(result.stdout.trimEnd().split('\n')).toEqual(expected);
    });
  }
});

/** The `kl …` command lines of the ```sh blocks in a README section (lines ending in \\ joined). */
function commandsOf(heading: string): string[] {
  const start = readme.indexOf(`\n## ${heading}`);
  const section = readme.slice(start, readme.indexOf('\n## ', start + 1));
  return [...section.matchAll(/```sh\n([\s\S]*?)```/g)]
    .flatMap((match) => (match[1] as string).replace(/\\\n\s*/g, ' ').split('\n'))
    .filter((line) => /(^|\| |&& |\$\()kl /.test(line));
}

/** Runs a README command line as a shell would, with `kl` the built CLI; files it writes go to a temporary directory. */
function runReadmeLine(line: string): { status: number | null; stdout: string; stderr: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kl-readme-'));
  const script = `kl() { node '${join(ROOT, 'bin', 'kl.js')}' "$@"; }\n${line
    .replace(/\s+#.*$/, '')
    .replace(/ ([\w-]+\.html)/g, (_, name: string) => ` '${join(dir, name)}'`)
    .replace(/ > ([\w.-]+)/g, (_, name: string) => ` > '${join(dir, name)}'`)}`;
  return spawnSync('bash', ['-c', script], { cwd: ROOT, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
}

for (const [heading, least] of [
  ['Commands', 18],
  ['Inputs', 5],
  ['Batches: many rows', 2],
  ['Drift: raw observations', 10],
  ['Model outputs', 6],
  ['Joint distributions', 9],
  ['Forward or reverse? Fitting a model', 7],
] as const) {
  describe(`README examples: ${heading}`, () => {
    const lines = commandsOf(heading);
    it('there are some', () => expect(lines.length).toBeGreaterThanOrEqual(least));
    for (const line of lines) {
      it(`runs: ${line.replace(/\s+#.*$/, '')}`, () => {
        const expectedExit = /#\s*exit (\d)/.exec(line)?.[1] ?? '0';
        const result = runReadmeLine(line);
        expect(result.status, result.stderr).toBe(Number(expectedExit));
        // A line that sends its output elsewhere (> file, x=$(…)) prints nothing itself.
        if (!/ > |^\w+=\$\(/.test(line)) expect(result.stdout.length).toBeGreaterThan(0);
      });
    }
  });
}
