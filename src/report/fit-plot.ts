/**
 * `kl fit`'s picture: P's density with the fitted densities over it, as terminal text
 * (block characters for P, a marker per fit) and as SVG for the HTML report. Pure.
 * Densities are masses over cell widths (P_i / w_i, Q_i / w_i): the curves a reader knows.
 */
import type { FitResult } from '../result.js';
import { escapeHtml, niceTicks } from './html.js';
import type { Painter } from './surface.js';
import { humanNumber } from './wording.js';

/** The marker of each direction's fit, in the plot and its legend. */
export const FIT_MARKERS = { forward: '●', reverse: '×' } as const;

/** Densities at the grid's points: P's and each fit's. */
function densities(result: FitResult): { p: Float64Array; fits: Float64Array[] } {
  const { p, widths } = result.grid;
  return {
    p: p.map((mass, i) => mass / (widths[i] as number)),
    fits: result.fits.map((fit) => fit.q.map((mass, i) => mass / (widths[i] as number))),
  };
}

/** A density at `at` by linear interpolation between the grid's points. */
function interpolate(x: Float64Array, values: Float64Array, at: number): number {
  let lo = 0;
  let hi = x.length - 1;
  if (at <= (x[0] as number)) return values[0] as number;
  if (at >= (x[hi] as number)) return values[hi] as number;
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    if ((x[mid] as number) <= at) lo = mid;
    else hi = mid;
  }
  const t = (at - (x[lo] as number)) / ((x[hi] as number) - (x[lo] as number));
  return (values[lo] as number) * (1 - t) + (values[hi] as number) * t;
}

function maxOf(arrays: Float64Array[]): number {
  let max = 0;
  for (const values of arrays) for (const value of values) if (value > max) max = value;
  return max;
}

const EIGHTHS = [' ', '▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'];

/**
 * The plot as lines of `width` columns (the axis labels included) and `height` rows: P as
 * bars of block characters, each fit as its marker (FIT_MARKERS) at its density.
 */
export function terminalPlot(result: FitResult, paint: Painter, width = 78, height = 14): string[] {
  const { x } = result.grid;
  const { p, fits } = densities(result);
  const top = maxOf([p, ...fits]) * 1.05 || 1;
  const topLabel = humanNumber(top);
  const labelWidth = Math.max(topLabel.length, 1);
  const columns = Math.max(10, width - labelWidth - 2);
  const lo = x[0] as number;
  const hi = x[x.length - 1] as number;
  const centers = Array.from({ length: columns }, (_, c) => lo + ((c + 0.5) * (hi - lo)) / columns);
  const pLevels = centers.map((at) => (interpolate(x, p, at) / top) * height * 8);
  // Each fit's curve: the rows it passes through in each column (down to half-way to the
  // next column's row, so that steep flanks stay connected); nothing below a third of a row.
  const fitSpans = fits.map((values) => {
    const levels = centers.map((at) => (interpolate(x, values, at) / top) * height);
    const rows = levels.map((level) => Math.min(height - 1, Math.floor(level)));
    return rows.map((row, c) => {
      if ((levels[c] as number) < 1 / 3) return null;
      const neighbours = [rows[c - 1], rows[c + 1]].filter((other): other is number => other !== undefined);
      const low = Math.min(row, ...neighbours.map((other) => Math.ceil((row + other) / 2)));
      return { low: Math.max(0, low), high: row };
    });
  });
  const lines: string[] = [];
  for (let row = height - 1; row >= 0; row--) {
    let line = '';
    for (let c = 0; c < columns; c++) {
      const onFit = result.fits
        .map((fit, k) => {
          const span = (fitSpans[k] as ({ low: number; high: number } | null)[])[c];
          return span && row >= span.low && row <= span.high ? fit.direction : null;
        })
        .filter((d) => d !== null);
      if (onFit.length > 0) {
        const marker = FIT_MARKERS[onFit[0] as 'forward' | 'reverse'];
        line += onFit.length > 1 ? paint.bold('◆') : onFit[0] === 'forward' ? paint.cyan(marker) : paint.magenta(marker);
        continue;
      }
      const fill = Math.max(0, Math.min(8, Math.round((pLevels[c] as number) - row * 8)));
      line += fill === 0 ? ' ' : paint.blue(EIGHTHS[fill] as string);
    }
    const label = row === height - 1 ? topLabel : row === 0 ? '0' : '';
    lines.push(`${label.padStart(labelWidth)} │${line}`.trimEnd());
  }
  lines.push(`${' '.repeat(labelWidth)} └${'─'.repeat(columns)}`);
  const left = humanNumber(lo);
  const middle = humanNumber((lo + hi) / 2);
  const right = humanNumber(hi);
  const axis = `${left}${' '.repeat(Math.max(1, Math.floor(columns / 2) - left.length - Math.floor(middle.length / 2)))}${middle}`;
  lines.push(`${' '.repeat(labelWidth + 2)}${axis}${' '.repeat(Math.max(1, columns - axis.length - right.length))}${right}`);
  const legend = [paint.blue('█ P (density)'), ...result.fits.map((fit) => legendEntry(fit.direction, paint))];
  lines.push(`${' '.repeat(labelWidth + 2)}${legend.join('   ')}`);
  return lines;
}

function legendEntry(direction: 'forward' | 'reverse', paint: Painter): string {
  const text = direction === 'forward' ? `${FIT_MARKERS.forward} forward fit, min D(P‖Q)` : `${FIT_MARKERS.reverse} reverse fit, min D(Q‖P)`;
  return direction === 'forward' ? paint.cyan(text) : paint.magenta(text);
}

const WIDTH = 760;
const HEIGHT = 340;
const COLORS = { forward: '#0e8a9a', reverse: '#c2389b' } as const;

/** The same picture as SVG: P as a filled area, each fit as a line. */
export function svgPlot(result: FitResult): string {
  const { x } = result.grid;
  const { p, fits } = densities(result);
  const left = 64;
  const right = 16;
  const topMargin = 16;
  const bottom = 48;
  const plotWidth = WIDTH - left - right;
  const plotHeight = HEIGHT - topMargin - bottom;
  const ticks = niceTicks(maxOf([p, ...fits]));
  const top = ticks[ticks.length - 1] || 1;
  const lo = x[0] as number;
  const hi = x[x.length - 1] as number;
  const sx = (value: number) => (left + ((value - lo) / (hi - lo)) * plotWidth).toFixed(2);
  const sy = (value: number) => (topMargin + plotHeight - (value / top) * plotHeight).toFixed(2);
  const points = (values: Float64Array) => Array.from(x, (xi, i) => `${sx(xi)},${sy(values[i] as number)}`).join(' ');
  const parts: string[] = [];
  for (const tick of ticks) {
    parts.push(`<line class="grid" x1="${left}" x2="${left + plotWidth}" y1="${sy(tick)}" y2="${sy(tick)}"/>`);
    parts.push(`<text class="tick-label" x="${left - 6}" y="${sy(tick)}" text-anchor="end" dominant-baseline="middle">${humanNumber(tick)}</text>`);
  }
  for (const tick of niceTicksBetween(lo, hi)) {
    parts.push(`<line class="tick" x1="${sx(tick)}" x2="${sx(tick)}" y1="${topMargin + plotHeight}" y2="${topMargin + plotHeight + 5}"/>`);
    parts.push(`<text class="tick-label" x="${sx(tick)}" y="${topMargin + plotHeight + 18}" text-anchor="middle">${humanNumber(tick)}</text>`);
  }
  parts.push(`<polygon class="p-area" points="${sx(lo)},${sy(0)} ${points(p)} ${sx(hi)},${sy(0)}"/>`);
  result.fits.forEach((fit, k) => {
    parts.push(
      `<polyline class="fit ${fit.direction}" fill="none" stroke="${COLORS[fit.direction]}" stroke-width="2" points="${points(fits[k] as Float64Array)}"/>`,
    );
  });
  parts.push(`<line class="axis" x1="${left}" x2="${left + plotWidth}" y1="${topMargin + plotHeight}" y2="${topMargin + plotHeight}"/>`);
  parts.push(`<line class="axis" x1="${left}" x2="${left}" y1="${topMargin}" y2="${topMargin + plotHeight}"/>`);
  parts.push(`<text class="axis-title" x="${left + plotWidth / 2}" y="${HEIGHT - 8}" text-anchor="middle">x</text>`);
  parts.push(`<text class="axis-title" transform="translate(14 ${topMargin + plotHeight / 2}) rotate(-90)" text-anchor="middle">density</text>`);
  const legend = [
    `<rect x="${left + 10}" y="${topMargin + 4}" width="14" height="10" class="p-area"/><text x="${left + 30}" y="${topMargin + 13}">P</text>`,
    ...result.fits.map(
      (fit, k) =>
        `<line x1="${left + 10}" x2="${left + 24}" y1="${topMargin + 26 + 16 * k}" y2="${topMargin + 26 + 16 * k}" stroke="${COLORS[fit.direction]}" stroke-width="2"/><text x="${left + 30}" y="${topMargin + 30 + 16 * k}">${escapeHtml(fit.direction === 'forward' ? 'forward fit: min D(P‖Q)' : 'reverse fit: min D(Q‖P)')}</text>`,
    ),
  ];
  parts.push(...legend);
  return `<svg class="chart" data-chart="fit" viewBox="0 0 ${WIDTH} ${HEIGHT}" width="${WIDTH}" height="${HEIGHT}" role="img" aria-label="P and the fitted densities">${parts.join('')}</svg>`;
}

/** Round ticks across [lo, hi]. */
function niceTicksBetween(lo: number, hi: number): number[] {
  const span = hi - lo;
  const rough = span / 6;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  const ticks: number[] = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9 && ticks.length < 20; t += step) ticks.push(Number(t.toPrecision(12)));
  return ticks;
}
