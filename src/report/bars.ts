/**
 * Unicode bars and histograms for terminal output. Pure string functions.
 */
const EIGHTHS = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];
const LEVELS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/** A horizontal bar of `fraction` ∈ [0, 1] of `width` cells, in eighth-cell steps. */
export function bar(fraction: number, width: number): string {
  const clamped = Number.isFinite(fraction) ? Math.min(1, Math.max(0, fraction)) : fraction === Infinity ? 1 : 0;
  const eighths = Math.round(clamped * width * 8);
  const full = Math.floor(eighths / 8);
  return ('█'.repeat(full) + EIGHTHS[eighths % 8]).padEnd(width, ' ');
}

export interface Histogram {
  /** One character per bin, ▁ to █ by count (a space for an empty bin). */
  bars: string;
  low: number;
  high: number;
  counts: number[];
  /** Rows beyond `high` (infinite values), not drawn. */
  infinite: number;
}

/** Bins finite values into `bins` equal-width bins over [min, max]. */
export function histogram(values: Float64Array, bins: number, weights: Float64Array | null = null): Histogram {
  let low = Infinity;
  let high = -Infinity;
  let infinite = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isFinite(value)) {
      infinite += weights ? (weights[i] as number) : 1;
      continue;
    }
    if (value < low) low = value;
    if (value > high) high = value;
  }
  const counts = new Array<number>(bins).fill(0);
  if (low === Infinity) return { bars: ' '.repeat(bins), low: 0, high: 0, counts, infinite };
  const span = high - low;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    if (!Number.isFinite(value)) continue;
    const bin = span === 0 ? 0 : Math.min(bins - 1, Math.floor(((value - low) / span) * bins));
    counts[bin] = (counts[bin] as number) + (weights ? (weights[i] as number) : 1);
  }
  const most = counts.reduce((a, b) => Math.max(a, b), 0);
  const bars = counts.map((count) => (count === 0 ? ' ' : (LEVELS[Math.min(7, Math.floor((count / most) * 7.999))] as string))).join('');
  return { bars, low, high, counts, infinite };
}

/** A line of markers under a histogram at the bins where each value falls. */
export function markerLine(markers: { value: number; symbol: string }[], low: number, high: number, bins: number): string {
  const line = new Array<string>(bins).fill(' ');
  for (const { value, symbol } of markers) {
    if (!Number.isFinite(value)) continue;
    const at = high === low ? 0 : Math.min(bins - 1, Math.floor(((value - low) / (high - low)) * bins));
    line[at] = symbol;
  }
  return line.join('').trimEnd();
}
