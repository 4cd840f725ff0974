/**
 * Process entry point: wires the real stdin/stdout/stderr and environment to runCli,
 * and handles the process-level concerns: closed pipes, full disks, a closed stderr,
 * Ctrl-C, the exit code. Exit codes mean what the README says whatever happens to the
 * output streams.
 */
import { fstatSync, statSync, writeSync } from 'node:fs';
import { EXIT_OK, KlError } from '../errors.js';
import { abortPendingOutputs, errnoText } from './output-file.js';
import { runCli, type TextSink } from './program.js';
import { eraseProgress } from './progress.js';

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
 * order, and everything is written before the process exits. `onError` decides what a
 * failed write means (EAGAIN, a full non-blocking pipe, is waited out).
 */
function descriptorSink(fd: number, onError: (error: NodeJS.ErrnoException) => 'stop'): TextSink & { stopped: boolean } {
  const sink = {
    stopped: false,
    write(text: string) {
      if (sink.stopped) return;
      const total = Buffer.byteLength(text, 'utf8');
      let bytes: Buffer | undefined;
      let offset = 0;
      while (offset < total) {
        try {
          // A string needs no Buffer; only a partial write (a full non-blocking pipe) does.
          offset += bytes === undefined ? writeSync(fd, text) : writeSync(fd, bytes, offset);
        } catch (error) {
          const failure = error as NodeJS.ErrnoException;
          // A non-blocking pipe (set so by whoever shares it) that is full: wait for the reader.
          if (failure.code === 'EAGAIN') pause(1);
          else {
            sink.stopped = onError(failure) === 'stop';
            return;
          }
        }
        if (offset < total) bytes ??= Buffer.from(text, 'utf8');
      }
    },
  };
  return sink;
}

/**
 * Whether a descriptor may be a terminal, asked without loading the tty module (with net
 * behind it: milliseconds of every run): a terminal is a character device, and /dev/null,
 * the one character device every script and benchmark writes to, is not a terminal.
 */
function mayBeTerminal(fd: number): boolean {
  try {
    const info = fstatSync(fd);
    return info.isCharacterDevice() && info.rdev !== statSync('/dev/null').rdev;
  } catch {
    return false;
  }
}

/** Set by the command when it has --max/--min checks: a closed stdout must not hide their verdict. */
let finishWhenStdoutCloses = false;

const stdout = descriptorSink(STDOUT, (error) => {
  if (error.code === 'EPIPE') {
    // `kl … | head -1` closes our stdout early: that is the reader's choice, not an error.
    // With checks, the run goes on without output so that the exit code still tells
    // whether a check failed; without, there is nothing left to do.
    if (!finishWhenStdoutCloses) process.exit(process.exitCode ?? EXIT_OK);
    return 'stop';
  }
  // A full disk, a closed descriptor: an ordinary output error (exit 2), not a bug.
  throw new KlError('output-write', `cannot write to standard output: ${errnoText(error)}`);
});

// Nobody is left to tell about a failed write to stderr, and it must not change the exit code.
const stderr = descriptorSink(STDERR, () => 'stop');

// Temporary output files never outlive the process, however it ends.
process.on('exit', abortPendingOutputs);

// Ctrl-C: clean up, then end by SIGINT itself (not a plain exit 130), so that a shell loop
// around kl sees the signal and stops too. JSON and tables are written only after the last
// row, in synchronous writes, so an interrupted run never leaves half a document on stdout.
process.on('SIGINT', () => {
  eraseProgress();
  stderr.write('kl: interrupted\n');
  abortPendingOutputs();
  process.removeAllListeners('SIGINT');
  process.kill(process.pid, 'SIGINT');
});

// No top-level await: the bundle is CommonJS so that it can load from V8's code cache.
void runCli(process.argv.slice(2), {
  stdin: () => process.stdin,
  stdout,
  stderr,
  env: process.env,
  // Constructing process.stdout to ask is what the writes above avoid (~2.6 ms): only asked
  // of a character device that is not /dev/null, never of a pipe or file.
  stdoutIsTTY: () => mayBeTerminal(STDOUT) && process.stdout.isTTY === true,
  stderrColumns: () => (mayBeTerminal(STDERR) && process.stderr.isTTY ? process.stderr.columns || 80 : null),
  stdoutColumns: () => (mayBeTerminal(STDOUT) && process.stdout.isTTY ? process.stdout.columns || null : null),
  finishWhenStdoutCloses: () => {
    finishWhenStdoutCloses = true;
  },
}).then((exitCode) => {
  process.exitCode = exitCode;
});
