/**
 * A self-contained HTML report (--report FILE.html): inline CSS and SVG, no scripts, no
 * fonts or anything else fetched, so it works as a CI artifact opened anywhere.
 * Pure: (result) → string. Every piece of user text (labels, paths) is escaped.
 */
import type { MeasureName } from '../measures/catalog.js';
import type { BatchResult, ExplainData, KlResult, RunInfo, SummaryStats, Warning } from '../result.js';
import { histogram } from './bars.js';
import { expression, humanNumber, MEASURE_TITLES, measureUnit } from './wording.js';

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string);
}

/** Round tick steps (1, 2, 5 × 10^k) covering [0, max]. */
export function niceTicks(max: number, target = 5): number[] {
  if (!(max > 0) || !Number.isFinite(max)) return [0];
  const rough = max / target;
  const power = 10 ** Math.floor(Math.log10(rough));
  const step = ([1, 2, 5, 10].find((m) => m * power >= rough) ?? 10) * power;
  // Tiny (subnormal) ranges underflow the step to 0: draw a single span instead of looping.
  if (!(step > 0) || !Number.isFinite(step) || max / step > 50) return [0, max];
  const ticks: number[] = [];
  for (let t = 0; t <= max * (1 + 1e-9); t += step) ticks.push(Number(t.toPrecision(12)));
  if ((ticks[ticks.length - 1] as number) < max) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

function truncate(label: string, length = 28): string {
  return label.length > length ? `${label.slice(0, length - 1)}…` : label;
}

const WIDTH = 760;
const LABEL_WIDTH = 190;
const ROW = 26;

/** Grouped horizontal bars of p and q for the listed categories. */
export function probabilityChart(explain: ExplainData, names: { p: string; q: string }): string {
  const items = explain.contributions;
  // A loop, not Math.max(...values): a spread of 130k values overflows the call stack.
  const max = items.reduce((largest, c) => Math.max(largest, c.p, c.q), 0) || 1;
  const ticks = niceTicks(max);
  const axisMax = ticks[ticks.length - 1] as number;
  const plot = WIDTH - LABEL_WIDTH - 30;
  const height = items.length * ROW + 60;
  const x = (value: number): number => LABEL_WIDTH + (value / axisMax) * plot;
  const parts: string[] = [];
  items.forEach((c, i) => {
    const y = 20 + i * ROW;
    parts.push(`<text class="label" x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(truncate(c.label))}</text>`);
    parts.push(
      `<rect class="bar p" data-value="${c.p}" x="${LABEL_WIDTH}" y="${y + 3}" width="${(x(c.p) - LABEL_WIDTH).toFixed(2)}" height="9"><title>p = ${c.p}</title></rect>`,
    );
    parts.push(
      `<rect class="bar q" data-value="${c.q}" x="${LABEL_WIDTH}" y="${y + 12}" width="${(x(c.q) - LABEL_WIDTH).toFixed(2)}" height="9"><title>q = ${c.q}</title></rect>`,
    );
  });
  const axisY = 20 + items.length * ROW + 4;
  parts.push(`<line class="axis" x1="${LABEL_WIDTH}" y1="16" x2="${LABEL_WIDTH}" y2="${axisY}"/>`);
  parts.push(`<line class="axis" x1="${LABEL_WIDTH}" y1="${axisY}" x2="${LABEL_WIDTH + plot}" y2="${axisY}"/>`);
  for (const tick of ticks) {
    parts.push(
      `<line class="tick" x1="${x(tick)}" y1="${axisY}" x2="${x(tick)}" y2="${axisY + 5}"/><text class="tick-label" x="${x(tick)}" y="${axisY + 18}" text-anchor="middle">${humanNumber(tick)}</text>`,
    );
  }
  parts.push(`<text class="axis-title" x="${LABEL_WIDTH + plot / 2}" y="${axisY + 34}" text-anchor="middle">probability</text>`);
  const legend = `<rect class="bar p" x="${LABEL_WIDTH}" y="2" width="10" height="10"/><text x="${LABEL_WIDTH + 14}" y="11">P = ${escapeHtml(truncate(names.p, 40))}</text><rect class="bar q" x="${LABEL_WIDTH + 320}" y="2" width="10" height="10"/><text x="${LABEL_WIDTH + 334}" y="11">Q = ${escapeHtml(truncate(names.q, 40))}</text>`;
  return `<svg class="chart" data-chart="probabilities" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="P and Q per category">${legend}${parts.join('')}</svg>`;
}

/** Signed horizontal bars of p·log(p/q) around a zero line. */
export function contributionChart(explain: ExplainData, unit: string): string {
  const items = explain.contributions;
  const finite = items.map((c) => Math.abs(c.kl_forward)).filter(Number.isFinite);
  // All terms 0 (or infinite): any scale will do; 1 keeps the axis readable.
  const max = finite.reduce((largest, term) => Math.max(largest, term), 0) || 1;
  const ticks = niceTicks(max, 3);
  const axisMax = ticks[ticks.length - 1] as number;
  const plot = WIDTH - LABEL_WIDTH - 30;
  const zero = LABEL_WIDTH + plot / 2;
  const scale = plot / 2 / axisMax;
  const height = items.length * ROW + 60;
  const parts: string[] = [];
  items.forEach((c, i) => {
    const y = 20 + i * ROW;
    const infinite = c.kl_forward === Infinity;
    const length = infinite ? plot / 2 : Math.abs(c.kl_forward) * scale;
    const left = c.kl_forward < 0 ? zero - length : zero;
    const cls = infinite ? 'bar infinite' : c.kl_forward < 0 ? 'bar negative' : 'bar positive';
    parts.push(`<text class="label" x="${LABEL_WIDTH - 8}" y="${y + 15}" text-anchor="end">${escapeHtml(truncate(c.label))}</text>`);
    parts.push(
      `<rect class="${cls}" data-value="${c.kl_forward}" x="${left.toFixed(2)}" y="${y + 4}" width="${length.toFixed(2)}" height="16"><title>${escapeHtml(c.label)}: p·log(p/q) = ${c.kl_forward} ${unit}</title></rect>`,
    );
    if (infinite) parts.push(`<text class="value" x="${zero + length - 4}" y="${y + 16}" text-anchor="end">∞</text>`);
  });
  const axisY = 20 + items.length * ROW + 4;
  parts.push(`<line class="axis" x1="${zero}" y1="16" x2="${zero}" y2="${axisY}"/>`);
  parts.push(`<line class="axis" x1="${LABEL_WIDTH}" y1="${axisY}" x2="${LABEL_WIDTH + plot}" y2="${axisY}"/>`);
  for (const tick of ticks) {
    for (const signed of tick === 0 ? [0] : [-tick, tick]) {
      const x = zero + signed * scale;
      parts.push(
        `<line class="tick" x1="${x}" y1="${axisY}" x2="${x}" y2="${axisY + 5}"/><text class="tick-label" x="${x}" y="${axisY + 18}" text-anchor="middle">${humanNumber(signed)}</text>`,
      );
    }
  }
  parts.push(`<text class="axis-title" x="${zero}" y="${axisY + 34}" text-anchor="middle">p·log(p/q), ${escapeHtml(unit)} (negative: q &gt; p)</text>`);
  return `<svg class="chart" data-chart="contributions" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="contribution of each category to D(P‖Q)">${parts.join('')}</svg>`;
}

const HISTOGRAM_BINS = 30;

/** Vertical bars: how many rows fall in each bin of the ranking measure, with percentile lines. */
export function histogramChart(result: BatchResult): string {
  const shape = histogram(result.rankValues, HISTOGRAM_BINS, result.rankWeights);
  const stats = result.summary.get(result.worstBy) as SummaryStats;
  const height = 280;
  const left = 60;
  const plotWidth = WIDTH - left - 30;
  const plotHeight = 190;
  const top = 20;
  const most = shape.counts.reduce((largest, count) => Math.max(largest, count), 1);
  const countTicks = niceTicks(most, 4);
  const countMax = countTicks[countTicks.length - 1] as number;
  const binWidth = plotWidth / HISTOGRAM_BINS;
  const span = shape.high - shape.low || 1;
  const xOf = (value: number): number => left + ((value - shape.low) / span) * plotWidth;
  const parts: string[] = [];
  shape.counts.forEach((count, i) => {
    const h = (count / countMax) * plotHeight;
    parts.push(
      `<rect class="bar hist" data-count="${count}" x="${(left + i * binWidth + 1).toFixed(2)}" y="${(top + plotHeight - h).toFixed(2)}" width="${(binWidth - 2).toFixed(2)}" height="${h.toFixed(2)}"><title>${count} rows</title></rect>`,
    );
  });
  const axisY = top + plotHeight;
  parts.push(
    `<line class="axis" x1="${left}" y1="${top}" x2="${left}" y2="${axisY}"/><line class="axis" x1="${left}" y1="${axisY}" x2="${left + plotWidth}" y2="${axisY}"/>`,
  );
  for (const tick of countTicks) {
    const y = axisY - (tick / countMax) * plotHeight;
    parts.push(
      `<line class="tick" x1="${left - 5}" y1="${y}" x2="${left}" y2="${y}"/><text class="tick-label" x="${left - 8}" y="${y + 4}" text-anchor="end">${tick}</text>`,
    );
  }
  for (const [value, anchor] of [
    [shape.low, 'start'],
    [shape.high, 'end'],
  ] as const) {
    parts.push(`<text class="tick-label" x="${xOf(value)}" y="${axisY + 18}" text-anchor="${anchor}">${humanNumber(value)}</text>`);
  }
  for (const [name, value] of [
    ['median', stats.median],
    ['p90', stats.p90],
    ['p99', stats.p99],
  ] as const) {
    if (!Number.isFinite(value)) continue;
    const x = xOf(value);
    parts.push(
      `<line class="marker" data-marker="${name}" x1="${x}" y1="${top}" x2="${x}" y2="${axisY}"/><text class="marker-label" x="${x + 3}" y="${top + 10}">${name}</text>`,
    );
  }
  const unit = measureUnit(result.worstBy, result.unit);
  parts.push(
    `<text class="axis-title" x="${left + plotWidth / 2}" y="${axisY + 40}" text-anchor="middle">${escapeHtml(result.worstBy)} per row (${escapeHtml(unit)})</text>`,
  );
  parts.push(`<text class="axis-title" transform="translate(14 ${top + plotHeight / 2}) rotate(-90)" text-anchor="middle">rows</text>`);
  return `<svg class="chart" data-chart="histogram" viewBox="0 0 ${WIDTH} ${height}" width="${WIDTH}" height="${height}" role="img" aria-label="histogram of per-row ${escapeHtml(result.worstBy)}">${parts.join('')}</svg>`;
}

export const STYLE = `
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2430;margin:2rem auto;max-width:820px;padding:0 1rem}
h1{font-size:1.5rem;margin-bottom:.2rem}h2{font-size:1.1rem;margin-top:2rem;border-bottom:1px solid #dde2ea;padding-bottom:.2rem}
code,pre{font-family:ui-monospace,SFMono-Regular,Menlo,monospace;font-size:12.5px}pre{background:#f4f6f9;padding:.6rem .8rem;white-space:pre-wrap;word-break:break-all;border-radius:4px}
table{border-collapse:collapse;margin:.5rem 0;font-size:12.5px;display:block;overflow-x:auto;max-width:100%}th,td{padding:.2rem .45rem;border-bottom:1px solid #e6e9ef;text-align:left}td.num{text-align:right;font-variant-numeric:tabular-nums}
.warning{color:#8a5a00;background:#fff6e0;padding:.4rem .6rem;border-radius:4px}.meta{color:#556070;margin-top:0}tr.fail td{background:#fdecea}
svg text{font:11px system-ui,sans-serif;fill:#1d2430}.axis,.tick{stroke:#556070;stroke-width:1}.tick-label{fill:#556070}.axis-title{font-weight:600}
.bar.p{fill:#2f6fdb}.bar.q{fill:#c2389b}.bar.positive{fill:#d9534f}.bar.negative{fill:#3c9a5f}.bar.infinite{fill:#7a1f1f}.bar.hist{fill:#4a7fb5}
.marker{stroke:#d9534f;stroke-dasharray:4 3;stroke-width:1.5}.marker-label{fill:#d9534f;font-weight:600}.value{fill:#fff;font-weight:700}
`;

function measuresTable(result: KlResult): string {
  const rows: string[] = [];
  const names = result.type !== 'batch' ? result.measureNames.filter((n) => result.measures[n] !== undefined) : result.measureNames;
  if (result.type !== 'batch') {
    for (const name of names) {
      rows.push(
        `<tr><td><code>${name}</code></td><td>${escapeHtml(MEASURE_TITLES[name])}</td><td>${escapeHtml(expression(name, result.names))}</td><td class="num">${humanNumber(result.measures[name] as number)}</td><td>${escapeHtml(measureUnit(name, result.unit))}</td></tr>`,
      );
    }
    return `<table><thead><tr><th>measure</th><th></th><th>computed</th><th>value</th><th>unit</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
  }
  for (const name of result.summaryNames) {
    const s = result.summary.get(name) as SummaryStats;
    const measure = name as MeasureName;
    const computed = MEASURE_TITLES[measure] ? expression(measure, { p: 'P', q: 'Q' }) : name;
    rows.push(
      `<tr><td><code>${escapeHtml(name)}</code></td><td>${escapeHtml(computed)}</td>${[s.mean, s.median, s.p90, s.p95, s.p99, s.min, s.max]
        .map((v) => `<td class="num">${humanNumber(v)}</td>`)
        .join('')}<td class="num">${s.argmax}</td></tr>`,
    );
  }
  return `<table><thead><tr><th>measure</th><th>computed</th><th>mean</th><th>median</th><th>p90</th><th>p95</th><th>p99</th><th>min</th><th>max</th><th>row of max</th></tr></thead><tbody>${rows.join('')}</tbody></table>`;
}

export function checksTable(checks: KlResult['checks']): string {
  const rows = checks
    .map(
      (check) =>
        `<tr class="${check.passed ? 'pass' : 'fail'}"><td><code>${escapeHtml(check.name)}</code></td><td>${check.op === 'max' ? '≤' : '≥'} ${check.limit}</td><td class="num">${humanNumber(check.value)}</td><td>${check.passed ? 'pass' : '<strong>FAIL</strong>'}</td></tr>`,
    )
    .join('');
  return `<table><thead><tr><th>check</th><th>limit</th><th>value</th><th>result</th></tr></thead><tbody>${rows}</tbody></table>`;
}

/**
 * A report page: the title, the command line and who wrote it when, the body's sections,
 * then the warnings; inline CSS (STYLE and `extraStyle`), nothing fetched.
 */
export function htmlPage(page: {
  title: string;
  commandLine: string;
  info: RunInfo | undefined;
  body: readonly string[];
  warnings: readonly Warning[];
  extraStyle?: string;
}): string {
  const { info, warnings } = page;
  const sections = [
    `<h1>${page.title}</h1>`,
    `<pre>${escapeHtml(page.commandLine)}</pre>`,
    ...(info ? [`<p class="meta">kl ${escapeHtml(info.version)} · ${escapeHtml(info.generatedAt)}</p>`] : []),
    ...page.body,
    ...(warnings.length ? [`<h2>Warnings</h2>${warnings.map((w) => `<p class="warning">${escapeHtml(w.message)}</p>`).join('')}`] : []),
  ];
  const style = page.extraStyle ? `${STYLE}\n${page.extraStyle}` : STYLE;
  return `<!doctype html>\n<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>${page.title}</title><style>${style}</style></head><body>${sections.join('\n')}</body></html>\n`;
}

export function renderHtml(result: KlResult, info?: RunInfo): string {
  const inputs = result.inputs
    .map(
      (input) =>
        `<tr><td>${input.role.toUpperCase()}</td><td><code>${escapeHtml(input.source)}</code></td><td>${input.format}</td><td>${input.kind}</td><td class="num">${input.rows ?? 1}</td><td class="num">${input.categories}</td></tr>`,
    )
    .join('');
  const sections: string[] = [
    ...(result.checks.length > 0
      ? [
          `<h2>Checks: ${result.checks.every((check) => check.passed) ? 'all passed' : `${result.checks.filter((check) => !check.passed).length} failed`}</h2>`,
          checksTable(result.checks),
        ]
      : []),
    `<h2>Inputs</h2><table><thead><tr><th></th><th>source</th><th>format</th><th>kind</th><th>rows</th><th>categories</th></tr></thead><tbody>${inputs}</tbody></table>`,
  ];
  if (result.type === 'batch') {
    sections.push(`<h2>Measures over ${result.rowCount} rows (unit: ${escapeHtml(result.unit)})</h2>`, measuresTable(result));
    const scalars = [...result.scalars].map(([name, value]) => `<tr><td><code>${name}</code></td><td class="num">${humanNumber(value)}</td></tr>`).join('');
    if (scalars) sections.push(`<table><tbody>${scalars}</tbody></table>`);
    sections.push(`<h2>Distribution of ${escapeHtml(result.worstBy)} across rows</h2>`, histogramChart(result));
  } else {
    const title = result.type === 'explain' && result.explain.row !== null ? ` of row ${result.explain.row}` : '';
    sections.push(`<h2>Measures${escapeHtml(title)} (unit: ${escapeHtml(result.unit)})</h2>`, measuresTable(result));
    if (result.type === 'explain' && result.batch) {
      // kl explain on a batch: the row in the context of all rows.
      sections.push(`<h2>Measures over all ${result.batch.rowCount} rows</h2>`, measuresTable(result.batch));
      sections.push(`<h2>Distribution of ${escapeHtml(result.batch.worstBy)} across rows</h2>`, histogramChart(result.batch));
    }
  }
  // The charts: the explained pair or row, or the contributions kept for compare --report.
  const explain = result.type === 'explain' ? result.explain : result.contributions;
  if (explain) {
    const which = explain.row === null ? '' : ` — row ${explain.row}${explain.rowReason === 'worst' ? ', the one with the largest D(P‖Q)' : ''}`;
    const names = { p: result.names.p, q: result.names.q ?? 'Q' };
    sections.push(`<h2>P and Q on the top ${explain.contributions.length} categories${escapeHtml(which)}</h2>`, probabilityChart(explain, names));
    sections.push(
      `<h2>Contribution of each category to D(P‖Q)${escapeHtml(which)}</h2>`,
      `<p>Terms p·log(p/q), largest first; all ${explain.categories} terms sum to ${humanNumber(explain.forwardTotal)} ${escapeHtml(result.unit)}.</p>`,
      contributionChart(explain, result.unit),
    );
  }
  return htmlPage({
    title: 'kl report',
    commandLine: info?.commandLine ?? result.commandLine ?? `kl ${result.command}`,
    info,
    body: sections,
    warnings: result.warnings,
  });
}
