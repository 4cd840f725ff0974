/**
 * A progress line on stderr for runs that take a while: rows done (of the total, when the
 * input says it: .npy), the rate and the time left; one line, redrawn at most ten times a
 * second, erased when the run ends or is interrupted. Shown only when stderr is a terminal,
 * never in CI (`CI` set), with --quiet or --no-progress, nor when stdout is the same
 * terminal and rows stream to it (the two would interleave), and only after half a second:
 * a quick run prints nothing more than it did.
 */
import type { TextSink } from './run-support.js';

/** What the computation updates as rows are done (read on the timer: no call per row). */
export interface ProgressCounter {
  rows: number;
}

const REDRAW_MS = 100;
const DEFAULT_DELAY_MS = 500;
const ERASE = '\r\u001b[K';

let shown: Progress | null = null;

/** Erases the line shown, if any (Ctrl-C, before `kl: interrupted`). */
export function eraseProgress(): void {
  shown?.stop();
}

function compact(value: number): string {
  if (value >= 1e9) return `${(value / 1e9).toFixed(2)}G`;
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)}M`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)}k`;
  return String(Math.round(value));
}

function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${Math.ceil(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return minutes < 60 ? `${minutes} min ${Math.round(seconds % 60)} s` : `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
}

export class Progress {
  readonly counter: ProgressCounter = { rows: 0 };
  private timer: ReturnType<typeof setInterval> | null = null;
  private drawn = false;
  private readonly started = Date.now();

  constructor(
    private readonly stderr: TextSink,
    private readonly columns: number,
    private readonly total: number | null,
    private readonly delayMs = DEFAULT_DELAY_MS,
  ) {
    this.timer = setInterval(() => this.draw(), REDRAW_MS);
    this.timer.unref();
    shown = this;
  }

  /** The line for `rows` done after `elapsed` seconds. */
  line(rows: number, elapsed: number): string {
    const rate = elapsed > 0 ? rows / elapsed : 0;
    const parts =
      this.total !== null && this.total > 0
        ? [
            `${compact(rows)} of ${compact(this.total)} rows (${Math.floor((100 * rows) / this.total)}%)`,
            `${compact(rate)} rows/s`,
            `${duration(rate > 0 ? (this.total - rows) / rate : Number.POSITIVE_INFINITY)} left`,
          ]
        : [`${compact(rows)} rows`, `${compact(rate)} rows/s`, `${duration(elapsed)}`];
    const text = `kl: ${parts.join(' · ')}`;
    return text.length < this.columns ? text : text.slice(0, Math.max(0, this.columns - 1));
  }

  private draw(): void {
    const elapsed = (Date.now() - this.started) / 1000;
    if (elapsed * 1000 < this.delayMs) return;
    this.stderr.write(`${ERASE}${this.line(this.counter.rows, elapsed)}`);
    this.drawn = true;
  }

  /** Stops redrawing and erases the line. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.drawn) this.stderr.write(ERASE);
    this.drawn = false;
    if (shown === this) shown = null;
  }
}

/** Whether a run shows progress (see the module's note). */
export function progressWanted(options: {
  stderrColumns: number | null;
  env: NodeJS.ProcessEnv;
  quiet: boolean;
  noProgress: boolean;
  rowsStreamToTerminal: boolean;
}): boolean {
  const ci = options.env['CI'];
  return (
    options.stderrColumns !== null &&
    !(ci !== undefined && ci !== '' && ci !== '0' && ci !== 'false') &&
    !options.quiet &&
    !options.noProgress &&
    !options.rowsStreamToTerminal
  );
}

/** The delay before the first line: KL_PROGRESS_DELAY_MS (tests), else half a second. */
export function progressDelay(env: NodeJS.ProcessEnv): number {
  const given = Number(env['KL_PROGRESS_DELAY_MS']);
  return env['KL_PROGRESS_DELAY_MS'] !== undefined && Number.isFinite(given) && given >= 0 ? given : DEFAULT_DELAY_MS;
}
