import { spawnSync } from 'node:child_process';
import { ROOT } from './reference.js';

export interface CliRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the built CLI (bin/kl.js → dist) from the repository root, colour off unless asked. */
export function runKl(args: string[], options: { input?: string | Buffer; env?: Record<string, string> } = {}): CliRun {
  // A fixed SOURCE_DATE_EPOCH: reports record when they were made, and runs compared byte
  // for byte must not differ by the second they ran in.
  const env: Record<string, string | undefined> = { ...process.env, NO_COLOR: '1', SOURCE_DATE_EPOCH: '1764460800', ...options.env };
  if (options.env?.['FORCE_COLOR'] === undefined) delete env['FORCE_COLOR'];
  const result = spawnSync(process.execPath, ['bin/kl.js', ...args], {
    cwd: ROOT,
    input: options.input ?? '',
    env,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    // A kl that never exits (a worker left running) fails the test instead of hanging it.
    timeout: 120_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

export function runJson<T = Record<string, unknown>>(args: string[], options: Parameters<typeof runKl>[1] = {}): T {
  const result = runKl([...args, '--format', 'json'], options);
  if (result.status !== 0 && result.status !== 1) throw new Error(`kl exited ${result.status}: ${result.stderr}`);
  return JSON.parse(result.stdout) as T;
}
