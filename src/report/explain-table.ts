/**
 * `kl explain` as a table: per category p and q with bars, both KL terms, the share of
 * D(P‖Q) and a signed contribution bar.
 */

import { plural } from '../display.js';
import type { ExplainResult } from '../result.js';
import { bar } from './bars.js';
import { type Block, renderInputs, renderWarnings, type TableOptions } from './surface.js';
import { expression, humanNumber } from './wording.js';

const BAR_WIDTH = 12;

function shareText(share: number | null): string {
  if (share === null) return '—';
  return `${(share * 100).toFixed(Math.abs(share) < 0.1 ? 2 : 1)}%`;
}

export function formatExplainTable(result: ExplainResult, options: TableOptions): Iterable<string> {
  const { paint } = options;
  const { explain } = result;
  const names = { p: 'P', q: 'Q' };
  const lines: Block[] = [...renderInputs(result.inputs, options)];
  if (explain.row !== null) {
    const why = explain.rowReason === 'worst' ? `the row with the largest ${expression('kl_forward', { p: 'P', q: 'Q' })}` : 'chosen with --row';
    lines.push(paint.bold(`Row ${explain.row} of ${result.batch?.rowCount ?? '?'} (rows count from 0): ${why}`));
  }
  const forward = result.measures.kl_forward as number;
  const reverse = result.measures.kl_reverse as number;
  lines.push(
    `${expression('kl_forward', names)} = ${humanNumber(forward)} ${result.unit}    ${expression('kl_reverse', names)} = ${humanNumber(reverse)} ${result.unit}`,
  );
  // Loops, not Math.max(...values): a spread of 256k values overflows the call stack.
  let maxProbability = Number.MIN_VALUE;
  let maxTerm = Number.MIN_VALUE;
  for (const c of explain.contributions) {
    maxProbability = Math.max(maxProbability, c.p, c.q);
    const term = Math.abs(c.kl_forward);
    if (Number.isFinite(term)) maxTerm = Math.max(maxTerm, term);
  }
  const table = options.table(
    ['category', 'p', 'q', 'p ▆ vs q ▆', 'p·log(p/q)', 'q·log(q/p)', 'share', 'contribution to D(P‖Q)'],
    ['left', 'right', 'right', 'left', 'right', 'right', 'right', 'left'],
  );
  const rowAt = (index: number): string[] => {
    const c = explain.contributions[index] as (typeof explain.contributions)[number];
    const pq = `${paint.blue(bar(c.p / maxProbability, BAR_WIDTH))}\n${paint.magenta(bar(c.q / maxProbability, BAR_WIDTH))}`;
    const magnitude = c.kl_forward === Infinity ? 1 : Math.abs(c.kl_forward) / maxTerm;
    const sign = c.kl_forward < 0 ? '−' : '+';
    const contribution = `${sign}${bar(magnitude, BAR_WIDTH * 2).trimEnd()}`;
    return [
      options.text(c.label),
      humanNumber(c.p),
      humanNumber(c.q),
      pq,
      humanNumber(c.kl_forward),
      humanNumber(c.kl_reverse),
      shareText(c.share),
      c.kl_forward < 0 ? paint.green(contribution) : paint.red(contribution),
    ];
  };
  // Made on demand: a 256k-category table is drawn as it is output, not held.
  table.pushRows({ count: explain.contributions.length, rowAt });
  lines.push(table.lines());
  const hidden = explain.categories - explain.contributions.length;
  lines.push(
    paint.dim(
      `${plural(explain.contributions.length, 'category', 'categories')} of ${explain.categories} shown${hidden > 0 ? ` (--top 0 for all)` : ''}; ` +
        `the terms of all ${explain.categories} sum to ${humanNumber(explain.forwardTotal)} ${result.unit} (forward) and ${humanNumber(explain.reverseTotal)} (reverse). ` +
        'Negative terms are categories where q > p.',
    ),
  );
  lines.push(...renderWarnings(result, options));
  return options.join(lines);
}
