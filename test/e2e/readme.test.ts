/**
 * The README's library examples run as written, against the built package (imported by
 * its name, as a user would), and print what their `// →` comments say.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
