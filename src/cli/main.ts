/**
 * Process entry point: wires the real stdin/stdout/stderr and environment to runCli,
 * and handles the process-level concerns: closed pipes, Ctrl-C, the exit code.
 */
import { EXIT_INTERRUPTED } from '../errors.js';
import { runCli } from './program.js';

// `kl … | head -1` closes our stdout early: that is the reader's choice, not an error.
process.stdout.on('error', (error: NodeJS.ErrnoException) => {
  if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
  throw error;
});

// Ctrl-C: stop at once with 130. JSON and tables are written only after the last row, in
// synchronous writes, so an interrupted run never leaves half a document on stdout.
process.on('SIGINT', () => {
  process.stderr.write('kl: interrupted\n');
  process.exit(EXIT_INTERRUPTED);
});

// No top-level await: the bundle is CommonJS so that it can load from V8's code cache.
void runCli(process.argv.slice(2), {
  stdin: () => process.stdin,
  stdout: process.stdout,
  stderr: process.stderr,
  env: process.env,
  stdoutIsTTY: process.stdout.isTTY === true,
}).then((exitCode) => {
  process.exitCode = exitCode;
});
