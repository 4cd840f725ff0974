/**
 * Whether to colour: --color/--no-color win, then FORCE_COLOR, then NO_COLOR
 * (https://no-color.org), then TERM=dumb (a terminal that shows escape codes as text), then
 * whether stdout is a terminal.
 */

export function colorEnabled(flag: boolean | undefined, env: NodeJS.ProcessEnv, isTTY: () => boolean): boolean {
  if (flag !== undefined) return flag;
  const force = env['FORCE_COLOR'];
  if (force !== undefined) return !(force === '0' || force.toLowerCase() === 'false');
  if (env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '') return false;
  if (env['TERM'] === 'dumb') return false;
  return isTTY();
}
