/**
 * What kl's worker threads (CSV parsing, .npy row ranges) share: errors cross the thread
 * boundary as plain data and become KlErrors again on the main thread, and a worker posts
 * ahead of its consumer only as far as its credits allow.
 */
import type { MessagePort } from 'node:worker_threads';
import { type ErrorCode, EXIT_USAGE, KlError } from '../../errors.js';

export interface WorkerErrorMessage {
  type: 'error';
  code: ErrorCode;
  message: string;
  hint: string | undefined;
  exitCode: number;
}

export function errorMessage(error: unknown): WorkerErrorMessage {
  const known = error instanceof KlError;
  return {
    type: 'error',
    code: known ? error.code : 'internal',
    message: error instanceof Error ? error.message : String(error),
    hint: known ? error.hint : undefined,
    exitCode: known ? error.exitCode : EXIT_USAGE,
  };
}

/** The message is already prefixed with its file and line: rebuild it as is. */
export function errorFromMessage(message: WorkerErrorMessage): KlError {
  return new KlError(message.code, message.message, { exitCode: message.exitCode, ...(message.hint === undefined ? {} : { hint: message.hint }) });
}

/** Flow control in the worker: each message from the main thread is one more credit. */
export class Credits {
  private wake: (() => void) | null = null;

  constructor(
    port: MessagePort,
    private available: number,
  ) {
    port.on('message', () => {
      this.available++;
      this.wake?.();
      this.wake = null;
    });
  }

  async take(): Promise<void> {
    while (this.available === 0) await new Promise<void>((resolve) => (this.wake = resolve));
    this.available--;
  }
}
