import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from './reference.js';

/** Whether a pseudo-terminal can be had (util-linux's script). */
export const HAS_SCRIPT = existsSync('/usr/bin/script');

function quote(arg: string): string {
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/**
 * Runs the built CLI in a pseudo-terminal of `columns` columns (util-linux's `script`), so that
 * stdout and stderr are terminals; `redirect` sends stdout to a file instead (stderr stays the
 * terminal). Returns what the terminal showed, with \r\n as \n, and the exit status.
 */
export function runInTerminal(
  args: string[],
  options: { env?: Record<string, string | undefined>; columns?: number; redirect?: string } = {},
): { status: number | null; screen: string } {
  const command = `stty cols ${options.columns ?? 80} rows 50; exec node ${quote(join(ROOT, 'bin', 'kl.js'))} ${args.map(quote).join(' ')}${options.redirect ? ` > ${quote(options.redirect)}` : ''}`;
  const env: Record<string, string | undefined> = { ...process.env, TERM: 'xterm-256color', ...options.env };
  for (const name of ['NO_COLOR', 'FORCE_COLOR', 'CI', 'GITHUB_ACTIONS']) if (!(options.env && name in options.env)) delete env[name];
  for (const [name, value] of Object.entries(env)) if (value === undefined) delete env[name];
  const result = spawnSync('script', ['-qec', command, '/dev/null'], { cwd: ROOT, env, encoding: 'utf8', timeout: 120_000 });
  return { status: result.status, screen: result.stdout.replace(/\r\n/g, '\n') };
}
