/**
 * Process entry point: wires the real stdin/stdout/stderr and environment to runCli,
 * and handles the process-level concerns (closed pipes, exit code).
 */
import { runCli } from './program.js';

// `kl … | head -1` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

const exitCode = await runCli(process.argv.slice(2), {
  stdin: () => process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
});
process.exitCode = exitCode;
