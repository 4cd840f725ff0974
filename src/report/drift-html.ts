/**
 * `kl drift --report FILE.html`: per column, the reference and current histograms overlaid
 * on shared axes (one slot per bin: outer numeric bins are open, so slots are not drawn to
 * scale), the measures, and the checks. Self-contained like every kl report; all user text
 * escaped.
 */
import type { DriftColumnResult, DriftResult, RunInfo } from '../result.js';
import { DRIFT_MEASURES } from '../result.js';
import { describeZeroPolicy, driftUnit } from './drift.js';
import { checksTable, escapeHtml, htmlPage, niceTicks } from './html.js';
import { humanNumber } from './wording.js';

const WIDTH = 760;
const LEFT = 56;
const TOP = 16;
const PLOT_HEIGHT = 150;
/** Room under the plot for the bin labels (turned when they do not fit their slot). */
const LABEL_ROOM = 84;

function edgeText(value: number): string {
  return value === -Infinity ? '−∞' : value === Infinity ? '∞' : String(Number(value.toPrecision(4)));
}

/** Overlaid bars of the reference's and the current's share in each bin. */
export function overlaidHistogram(column: DriftColumnResult): string {
  const { ref_counts: refCounts, cur_counts: curCounts } = column.bins;
  const refShare = refCounts.map((count) => count / (column.n_ref || 1));
  const curShare = curCounts.map((count) => count / (column.n_cur || 1));
  const largest = [...refShare, ...curShare].reduce((max, value) => Math.max(max, value), 0) || 1;
  const ticks = niceTicks(largest);
  const axisMax = ticks[ticks.length - 1] as number;
  const slots = refCounts.length;
  const plotWidth = WIDTH - LEFT - 20;
  const slot = plotWidth / slots;
  const base = TOP + PLOT_HEIGHT;
  const y = (share: number): number => base - (share / axisMax) * PLOT_HEIGHT;
  const parts: string[] = [];
  for (const tick of ticks) {
    parts.push(`<line class="grid" x1="${LEFT}" x2="${LEFT + plotWidth}" y1="${y(tick).toFixed(2)}" y2="${y(tick).toFixed(2)}"/>`);
    parts.push(`<text class="tick" x="${LEFT - 6}" y="${(y(tick) + 4).toFixed(2)}" text-anchor="end">${humanNumber(tick)}</text>`);
  }
  const label = (i: number): string =>
    column.bins.categories
      ? (column.bins.categories[i] as string)
      : `[${edgeText(column.bins.edges?.[i] as number)}, ${edgeText(column.bins.edges?.[i + 1] as number)})`;
  for (let i = 0; i < slots; i++) {
    const x = LEFT + i * slot;
    const ref = refShare[i] as number;
    const cur = curShare[i] as number;
    const name = escapeHtml(label(i));
    const bar = (cls: string, value: number, left: number, width: number, title: string) =>
      `<rect class="${cls}" data-value="${value}" x="${left.toFixed(2)}" y="${y(value).toFixed(2)}" width="${Math.max(width, 0.5).toFixed(2)}" height="${(base - y(value)).toFixed(2)}"><title>${title}</title></rect>`;
    parts.push(bar('bar p', ref, x + 1, slot - 2, `${name}: reference ${ref} (${refCounts[i]})`));
    parts.push(bar('bar q overlay', cur, x + slot * 0.2, slot * 0.6, `${name}: current ${cur} (${curCounts[i]})`));
    if (slots <= 40) {
      const short = label(i).length > 18 ? `${label(i).slice(0, 17)}…` : label(i);
      // About 6.5 px a character at the tick font: a label wider than its slot is turned.
      const lx = (x + slot / 2).toFixed(2);
      const ly = base + 14;
      const turn = short.length * 6.5 > slot ? ` transform="rotate(-35 ${lx} ${ly})"` : '';
      parts.push(`<text class="tick" x="${lx}" y="${ly}" text-anchor="${turn ? 'end' : 'middle'}"${turn}>${escapeHtml(short)}</text>`);
    }
  }
  parts.push(`<line class="axis" x1="${LEFT}" y1="${base}" x2="${LEFT + plotWidth}" y2="${base}"/>`);
  const legend = base + LABEL_ROOM;
  parts.push(`<rect class="bar p" x="${LEFT}" y="${legend}" width="10" height="10"/><text class="tick" x="${LEFT + 14}" y="${legend + 9}">reference</text>`);
  parts.push(
    `<rect class="bar q" x="${LEFT + 90}" y="${legend}" width="10" height="10"/><text class="tick" x="${LEFT + 104}" y="${legend + 9}">current</text>`,
  );
  return `<svg class="chart" viewBox="0 0 ${WIDTH} ${legend + 20}" width="100%" role="img" aria-label="reference and current share per bin">${parts.join('')}</svg>`;
}

function measuresTable(result: DriftResult, column: DriftColumnResult): string {
  const rows = DRIFT_MEASURES.filter((name) => column.measures[name] !== undefined)
    .map((name) => {
      const value = column.measures[name];
      const shown = value === null || value === undefined ? 'n/a (more than 1% repeated values: a discrete variable)' : humanNumber(value);
      return `<tr><td><code>${name}</code></td><td class="num">${shown}</td><td>${escapeHtml(driftUnit(name, result.unit))}</td></tr>`;
    })
    .join('');
  return `<table><thead><tr><th>measure</th><th>value</th><th>unit</th></tr></thead><tbody>${rows}</tbody></table>`;
}

export function renderDriftHtml(result: DriftResult, info?: RunInfo): string {
  const { summary } = result;
  const sections: string[] = [
    `<p>Reference <code>${escapeHtml(result.reference.source)}</code> (${result.reference.rows} rows), current <code>${escapeHtml(result.current.source)}</code> (${result.current.rows} rows).
${summary.drifted} of ${summary.columns} columns drifted (share ${humanNumber(summary.share_drifted)}); drifted means: ${escapeHtml(result.driftRule)}. Empty bins: ${escapeHtml(describeZeroPolicy(result.zeroPolicy))}.</p>`,
  ];
  if (result.checks.length > 0) {
    const failed = result.checks.filter((check) => !check.passed).length;
    sections.push(`<h2>Checks: ${failed === 0 ? 'all passed' : `${failed} failed`}</h2>`, checksTable(result.checks));
  }
  for (const column of result.columns) {
    sections.push(
      `<h2>${escapeHtml(column.name)} <small>(${column.type}${column.drifted ? ', <strong>drifted</strong>' : ''})</small></h2>`,
      `<p>${column.n_ref} reference and ${column.n_cur} current values; ${column.missing_ref} and ${column.missing_cur} missing.</p>`,
      overlaidHistogram(column),
      measuresTable(result, column),
    );
  }
  return htmlPage({
    title: 'kl drift report',
    commandLine: info?.commandLine ?? result.commandLine,
    info,
    body: sections,
    warnings: result.warnings,
    extraStyle: '.overlay{opacity:.7}.grid{stroke:#eef1f5}',
  });
}
