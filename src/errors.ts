/**
 * Every failure kl knows about is a KlError: a stable machine `code` (for tests and JSON),
 * a one-line `message` for humans, and the process `exitCode` it maps to.
 *
 * Exit codes follow the `diff` convention:
 *   0  ok
 *   1  a check (--max/--min) failed
 *   2  usage or input error
 * Ctrl-C ends the process by SIGINT itself (cli/main.ts), which shells report as 130.
 */
export const EXIT_OK = 0;
export const EXIT_CHECK_FAILED = 1;
export const EXIT_USAGE = 2;

/**
 * Every error code kl gives, as a type (publint's way with its message codes): a code is
 * part of what tests and scripts rely on, so a new one is added here, not made up in place.
 * csv-… are csv-parse's codes, file-… the system's (file-enoent, file-eacces, …).
 */
export type ErrorCode =
  | 'all-missing-column'
  | 'ambiguous-first-column'
  | 'ambiguous-format'
  | 'ambiguous-header'
  | 'ambiguous-values'
  | 'bad-bandwidth'
  | 'bad-base'
  | 'bad-bins'
  | 'bad-check'
  | 'bad-count'
  | 'bad-direction'
  | 'bad-edges'
  | 'bad-family'
  | 'bad-format'
  | 'bad-grid'
  | 'bad-input'
  | 'bad-input-format'
  | 'bad-kind'
  | 'bad-layout'
  | 'bad-number'
  | 'bad-option'
  | 'bad-report'
  | 'bad-rows'
  | 'bad-shard'
  | 'bad-shell'
  | 'bad-smooth'
  | 'bad-summary'
  | 'bad-target'
  | 'bad-temperature'
  | 'bad-tolerance'
  | 'bad-values'
  | 'bad-worst'
  | 'binary-input'
  | 'check-needs-q'
  | 'check-needs-statistic'
  | 'check-needs-targets'
  | 'check-needs-two-rows'
  | 'check-not-for-column'
  | 'column-mismatch'
  | 'columns-need-delimited'
  | 'conflicting-format'
  | 'conflicting-types'
  | 'constant-column'
  | 'csv-quote'
  | 'duplicate-label'
  | 'empty-input'
  | 'file-not-found'
  | 'fit-infinite'
  | 'grid-not-increasing'
  | 'internal'
  | 'invalid-gzip'
  | 'invalid-json'
  | 'invalid-npz'
  | 'invalid-utf8'
  | 'json-shape'
  | 'label-column-chosen'
  | 'label-mismatch'
  | 'layout-mismatch'
  | 'length-mismatch'
  | 'missing-p-col'
  | 'missing-q'
  | 'missing-q-col'
  | 'negative-value'
  | 'no-data'
  | 'no-row'
  | 'no-stdin'
  | 'no-such-column'
  | 'no-such-array'
  | 'no-such-row'
  | 'no-values'
  | 'non-finite-value'
  | 'not-computable'
  | 'not-normalized'
  | 'not-probabilities'
  | 'npy-dtype'
  | 'npy-fortran'
  | 'npy-header'
  | 'npy-shape'
  | 'npy-trailing-data'
  | 'npy-truncated'
  | 'output-is-directory'
  | 'output-is-input'
  | 'output-write'
  | 'report-unsupported'
  | 'row-count-mismatch'
  | 'shard-empty'
  | 'shard-stdin'
  | 'shard-unsplittable'
  | 'shard-unsupported'
  | 'summary-incomplete'
  | 'summary-mismatch'
  | 'summary-order'
  | 'summary-overlap'
  | 'summary-version'
  | 'targets-stdin'
  | 'temperature-without-logits'
  | 'text-in-numeric-column'
  | 'too-many-bins'
  | 'two-stdin'
  | 'unknown-check'
  | 'unknown-measure'
  | 'zero-mass'
  /** A worker thread's internal error, carried to the main thread. */
  | `csv-${string}`
  | `file-${string}`;

/** The brand every KlError carries, in the global symbol registry: shared by every bundle of kl. */
const KL_ERROR = Symbol.for('kl-divergence.KlError');

export class KlError extends Error {
  /**
   * `x instanceof KlError` checks the brand, so that an error thrown by code from another
   * bundle of kl (dist/execute.cjs, loaded only for kl drift, mi, js of many, matrix) is recognised as one. The
   * subclasses keep the ordinary prototype check.
   */
  static override [Symbol.hasInstance](value: unknown): boolean {
    // biome-ignore lint/complexity/noThisInStatic: `this` is the class instanceof asks about; a subclass keeps the prototype check.
    if (this !== KlError) return Function.prototype[Symbol.hasInstance].call(this, value);
    return typeof value === 'object' && value !== null && (value as { [KL_ERROR]?: unknown })[KL_ERROR] === true;
  }

  readonly code: ErrorCode;
  readonly exitCode: number;
  /** Optional second line shown under the message (a hint such as "use --normalize"). */
  readonly hint: string | undefined;

  constructor(code: ErrorCode, message: string, options: { exitCode?: number; hint?: string; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    this.code = code;
    this.exitCode = options.exitCode ?? EXIT_USAGE;
    this.hint = options.hint;
    Object.defineProperty(this, KL_ERROR, { value: true });
  }
}

/** The command line itself is wrong: unknown option, bad option value, missing argument. */
export class UsageError extends KlError {
  constructor(code: ErrorCode, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super(code, message, { ...options, exitCode: EXIT_USAGE });
  }
}

/** Where in the input a problem is, so the message can name it. */
export interface InputLocation {
  source: string;
  line?: number;
  column?: number;
}

/** A location in `source`, at `line` when there is one. */
export function at(source: string, line?: number | null): InputLocation {
  return line === undefined || line === null ? { source } : { source, line };
}

/**
 * A state the program must never reach (a bug, not a bad input): reported as "internal
 * error … please report it" (exit 2), with the stack under KL_DEBUG=1.
 */
export function internalError(what: string): Error {
  return new Error(`internal error: ${what}`);
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
  /** The message without its location. */
  readonly detail: string;

  constructor(code: ErrorCode, message: string, options: { location?: InputLocation; hint?: string; cause?: unknown } = {}) {
    const prefix = options.location ? `${describeLocation(options.location)}: ` : '';
    super(code, prefix + message, { ...options, exitCode: EXIT_USAGE });
    this.location = options.location;
    this.detail = message;
  }

  /** The same error at another line (a part of a file read as a whole one: --shard). */
  atLine(line: number): InputError {
    const location = this.location ? { ...this.location, line } : undefined;
    return new InputError(this.code, this.detail, { ...(location ? { location } : {}), ...(this.hint ? { hint: this.hint } : {}), cause: this.cause });
  }
}
