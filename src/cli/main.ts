/**
 * Process entry point: wires the real stdin/stdout/stderr and environment to runCli,
 * and handles the process-level concerns: closed pipes, Ctrl-C, the exit code.
 */
import { writeSync } from 'node:fs';
import { EXIT_INTERRUPTED } from '../errors.js';
import { type TextSink, runCli } from './program.js';

const STDOUT = 1;
const STDERR = 2;

/** Blocks the thread for `ms` milliseconds (there is nothing else to do while a pipe is full). */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/**
 * Writes straight to a file descriptor, synchronously: what process.stdout does on Linux
 * for files, pipes and terminals alike, without loading the stream modules (and net, for
 * pipes) that constructing process.stdout costs every run. Output order is the call
 * order, and everything is written before the process exits.
 */
function descriptorSink(fd: number, onClosed: () => void): TextSink {
  return {
    write(text: string) {
      const total = Buffer.byteLength(text, 'utf8');
      let bytes: Buffer | undefined;
      let offset = 0;
      while (offset < total) {
        try {
          // A string needs no Buffer; only a partial write (a full non-blocking pipe) does.
          offset += bytes === undefined ? writeSync(fd, text) : writeSync(fd, bytes, offset);
        } catch (error) {
          const code = (error as NodeJS.ErrnoException).code;
          // A non-blocking pipe (set so by whoever shares it) that is full: wait for the reader.
          if (code === 'EAGAIN') pause(1);
          else if (code === 'EPIPE') return onClosed();
          else throw error;
        }
        if (offset < total) bytes ??= Buffer.from(text, 'utf8');
      }
    },
  };
}

// `kl … | head -1` closes our stdout early: that is the reader's choice, not an error.
const stdout = descriptorSink(STDOUT, () => process.exit(process.exitCode ?? 0));
// Nobody is left to tell about a closed stderr.
const stderr = descriptorSink(STDERR, () => undefined);

// Ctrl-C: stop at once with 130. JSON and tables are written only after the last row, in
// synchronous writes, so an interrupted run never leaves half a document on stdout.
process.on('SIGINT', () => {
  stderr.write('kl: interrupted\n');
  process.exit(EXIT_INTERRUPTED);
});

// No top-level await: the bundle is CommonJS so that it can load from V8's code cache.
void runCli(process.argv.slice(2), {
  stdin: () => process.stdin,
  stdout,
  stderr,
  env: process.env,
  // Constructing process.stdout to ask is what the writes above avoid; only asked when needed.
  stdoutIsTTY: () => process.stdout.isTTY === true,
}).then((exitCode) => {
  process.exitCode = exitCode;
});
