/**
 * Per-category contributions for `kl explain` and the HTML report.
 */
import { InputError } from '../errors.js';
import { type LogBase, toBase } from '../measures/base.js';
import { measurePair } from '../measures/catalog.js';
import { contributions } from '../measures/contributions.js';
import { sumsToOneByConstruction } from '../measures/prepare.js';
import type { BatchResult, ExplainData, ExplainedCategory, ExplainResult } from '../result.js';
import type { Request } from './request.js';
import { supportWarnings } from './warnings.js';

/**
 * The `top` categories by |p·log(p/q)|, largest first (ties keep support order), with
 * totals over every category. `top` 0 means all.
 */
export function explainPair(
  p: Float64Array,
  q: Float64Array,
  labels: string[] | null,
  base: LogBase,
  top: number,
  row: { index: number; reason: 'worst' | 'chosen' } | null,
): ExplainData {
  const { terms, forwardTotal, reverseTotal } = contributions(p, q);
  const order = [...terms].sort((a, b) => {
    const difference = Math.abs(b.forward) - Math.abs(a.forward);
    return difference === 0 || Number.isNaN(difference) ? (b.forward === Infinity ? 1 : 0) - (a.forward === Infinity ? 1 : 0) || a.index - b.index : difference;
  });
  const shown = top > 0 ? order.slice(0, top) : order;
  const finiteTotal = Number.isFinite(forwardTotal) && forwardTotal !== 0;
  const categories: ExplainedCategory[] = shown.map((term) => ({
    label: labels ? (labels[term.index] as string) : String(term.index),
    p: term.p,
    q: term.q,
    kl_forward: toBase(term.forward, base),
    kl_reverse: toBase(term.reverse, base),
    share: finiteTotal ? term.forward / forwardTotal : null,
  }));
  return {
    row: row?.index ?? null,
    rowReason: row?.reason ?? null,
    categories: p.length,
    contributions: categories,
    forwardTotal: toBase(Math.max(0, forwardTotal), base),
    reverseTotal: toBase(Math.max(0, reverseTotal), base),
  };
}

/** `kl explain` on a batch: the measures and contributions of one row, with the batch it belongs to. */
export function explainBatchRow(request: Request, batch: BatchResult): ExplainResult {
  const kept = batch.kept;
  const explain = request.contributions;
  if (!kept || !explain) throw new InputError('no-row', 'no row to explain');
  // As for every batch row (measureAligned): softmax outputs sum to 1 by construction.
  const normalized = sumsToOneByConstruction(request.p.kind) && sumsToOneByConstruction(request.q?.kind);
  const { measures, pOnly, qOnly } = measurePair(kept.p, kept.q, request.measureNames, request.base, undefined, normalized);
  const support = { categories: kept.p.length, p_only: pOnly, q_only: qOnly };
  const names = { p: batch.names.p, q: batch.names.q ?? 'Q' };
  return {
    type: 'explain',
    command: request.command,
    unit: batch.unit,
    base: batch.base,
    names: batch.names,
    inputs: batch.inputs,
    measureNames: [...request.measureNames],
    measures,
    primary: [...request.primary],
    support,
    warnings: supportWarnings(support, request.measureNames, names, { labels: kept.labels, p: kept.p, q: kept.q }, request.smooth === 0),
    // The batch's checks: explaining one row must not drop the gate on all of them.
    checks: batch.checks,
    explain: explainPair(kept.p, kept.q, kept.labels, request.base, explain.top, {
      index: kept.index,
      reason: explain.row === 'worst' ? 'worst' : 'chosen',
    }),
    batch,
    commandLine: request.commandLine,
  };
}
