/**
 * Every failure kl knows about is a KlError: a stable machine `code` (for tests and JSON),
 * a one-line `message` for humans, and the process `exitCode` it maps to.
 *
 * Exit codes follow the `diff` convention:
 *   0  ok
 *   1  a check (--max/--min) failed
 *   2  usage or input error
 * 130  interrupted (SIGINT)
 */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;
export const EXIT_INTERRUPTED = 130;

export class KlError extends Error {
  readonly code: string;
  readonly exitCode: number;
  /** Optional second line shown under the message (a hint such as "use --normalize"). */
  readonly hint: string | undefined;

  constructor(code: string, message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT_USAGE;
    this.hint = options.hint;
  }
}

/** The command line itself is wrong: unknown option, bad option value, missing argument. */
export class UsageError extends KlError {
  constructor(code: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, exitCode: EXIT_USAGE });
  }
}

/** Where in the input a problem is, so the message can name it. */
export interface InputLocation {
  source: string;
  line?: number;
  column?: number;
}

function describeLocation(location: InputLocation): string {
  let text = location.source;
  if (location.line !== undefined) text += `:${location.line}`;
  if (location.column !== undefined) text += `:${location.column}`;
  return text;
}

/** The command line is fine but an input is not: unreadable, malformed, not a distribution. */
export class InputError extends KlError {
  readonly location: InputLocation | undefined;

  constructor(code: string, message: string, options: { location?: InputLocation; hint?: string; cause?: unknown } = {}) {
    const prefix = options.location ? `${describeLocation(options.location)}: ` : '';
    super(code, prefix + message, { ...options, exitCode: EXIT_USAGE });
    this.location = options.location;
  }
}

/** Raised when the user interrupts a long run; maps to exit 130 with nothing partial on stdout. */
export class InterruptedError extends KlError {
  constructor() {
    super('interrupted', 'interrupted', { exitCode: EXIT_INTERRUPTED });
  }
}
