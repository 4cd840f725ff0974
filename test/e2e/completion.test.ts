/**
 * `kl completion bash` is sourced into a real bash and asked for completions, as a shell
 * would on Tab: commands, options of the command on the line, an option's values, files.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { runKl } from '../helpers/cli.js';
import { ROOT } from '../helpers/reference.js';

const script = runKl(['completion', 'bash']).stdout;

/** What bash completes for `words`, the cursor on the last word. */
function complete(words: string[]): string[] {
  const line = words.map((word) => `'${word}'`).join(' ');
  const result = spawnSync('bash', ['-c', `${script}\nCOMP_WORDS=(${line}); COMP_CWORD=${words.length - 1}; _kl; printf '%s\\n' "\${COMPREPLY[@]}"`], {
    cwd: ROOT,
    encoding: 'utf8',
  });
  expect(result.stderr).toBe('');
  return result.stdout.split('\n').filter((word) => word !== '');
}

describe('kl completion', () => {
  it('bash: commands, a command’s options, an option’s values, and file names for the inputs', () => {
    expect(complete(['kl', 'c'])).toEqual(['compare', 'cross-entropy', 'completion']);
    expect(complete(['kl', 'compare', '--rep'])).toEqual(['--report']);
    expect(complete(['kl', 'forward', '--rep'])).toEqual([]);
    expect(complete(['kl', 'explain', '--to'])).toEqual(['--tolerance', '--top']);
    expect(complete(['kl', 'compare', '--to'])).toEqual(['--tolerance']);
    expect(complete(['kl', 'compare', '--format', ''])).toEqual(['table', 'json', 'csv', 'value', 'markdown']);
    expect(complete(['kl', 'compare', '--kind', 'lo'])).toEqual(['logits', 'logprobs']);
    expect(complete(['kl', 'compare', 'fixtures/coin_'])).toEqual([
      'fixtures/coin_p.csv',
      'fixtures/coin_p.json',
      'fixtures/coin_q.csv',
      'fixtures/coin_q.json',
    ]);
    expect(complete(['kl', 'compare', 'p.csv', '--targets', 'fixtures/batch/targets.n'])).toEqual(['fixtures/batch/targets.npy']);
  });

  it('zsh and fish scripts name every command and option; an unknown shell exits 2', () => {
    for (const shell of ['zsh', 'fish']) {
      const result = runKl(['completion', shell]);
      expect(result.status).toBe(0);
      for (const word of ['compare', 'explain', 'markdown', 'logits', 'junit', 'no-label-col']) expect(result.stdout).toContain(word);
    }
    const bad = runKl(['completion', 'tcsh']);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toBe('kl: error: completion "tcsh": choose bash, zsh, fish\n');
  });
});
