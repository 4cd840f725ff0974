/**
 * The zero-policy warnings, one builder for pairs and batches: where q = 0 < p, D(P‖Q) is
 * infinite (and where p = 0 < q, D(Q‖P)); the warning names the categories (a pair) or the
 * rows (a batch) and says how to avoid it.
 */
import { displayText, plural } from '../display.js';
import { MEASURE_NAMES, type MeasureName, measureSpec } from '../measures/catalog.js';
import type { SupportSummary, Warning } from '../result.js';
import type { BatchSummary } from './batch-summary.js';

/** The measures an empty side of each kind makes infinite (the catalog says which). */
const NEEDS_Q_SUPPORT = MEASURE_NAMES.filter((name) => ['q-zero', 'either'].includes(measureSpec(name).infiniteWhen));
const NEEDS_P_SUPPORT = MEASURE_NAMES.filter((name) => ['p-zero', 'either'].includes(measureSpec(name).infiniteWhen));

interface SideGap {
  /** How many categories (or rows) have the gap. */
  count: number;
  /** "1 category has" / "3 rows have a category with", up to the condition. */
  subject: string;
  /** What names them, in parentheses after the condition ("" for none). */
  which: string;
  /** "" or " there". */
  where: string;
}

function build(
  gaps: { pOnly: SideGap; qOnly: SideGap },
  measureNames: readonly MeasureName[],
  names: { p: string; q: string },
  smoothHint: boolean,
): Warning[] {
  const warnings: Warning[] = [];
  const hint = smoothHint ? '; --smooth EPS avoids this' : '';
  const { pOnly, qOnly } = gaps;
  if (pOnly.count > 0 && NEEDS_Q_SUPPORT.some((name) => measureNames.includes(name))) {
    warnings.push({
      code: 'q-zero-where-p-positive',
      message: `${pOnly.subject} q = 0 where p > 0${pOnly.which}: D(${names.p} ‖ ${names.q}) is infinite${pOnly.where}${hint}`,
    });
  }
  if (qOnly.count > 0 && NEEDS_P_SUPPORT.some((name) => measureNames.includes(name))) {
    warnings.push({
      code: 'p-zero-where-q-positive',
      message: `${qOnly.subject} p = 0 where q > 0${qOnly.which}: D(${names.q} ‖ ${names.p}) is infinite${qOnly.where}${hint}`,
    });
  }
  return warnings;
}

function examples(labels: string[] | null, p: Float64Array, q: Float64Array, pOnly: boolean): string {
  const shown: string[] = [];
  for (let i = 0; i < p.length && shown.length < 3; i++) {
    const hit = pOnly ? (p[i] as number) > 0 && q[i] === 0 : (q[i] as number) > 0 && p[i] === 0;
    // Shortened: a warning names a label, it need not carry a 50 MB one whole.
    if (hit) shown.push(labels ? JSON.stringify(displayText(labels[i] as string)) : `index ${i}`);
  }
  return shown.join(', ');
}

/** A pair (or one batch row explained): the categories, named from `detail` when given. */
export function supportWarnings(
  support: SupportSummary,
  measureNames: readonly MeasureName[],
  names: { p: string; q: string },
  detail: { labels: string[] | null; p: Float64Array; q: Float64Array } | null,
  smoothHint: boolean,
): Warning[] {
  const gap = (count: number, pOnly: boolean): SideGap => ({
    count,
    subject: plural(count, 'category has', 'categories have'),
    which: detail ? ` (${examples(detail.labels, detail.p, detail.q, pOnly)}${count > 3 ? ', …' : ''})` : '',
    where: '',
  });
  return build({ pOnly: gap(support.p_only, true), qOnly: gap(support.q_only, false) }, measureNames, names, smoothHint);
}

/** A batch: how many rows have such a category, and the first of them. */
export function batchSupportWarnings(
  totals: BatchSummary,
  measureNames: readonly MeasureName[],
  names: { p: string; q: string | null },
  smoothHint: boolean,
): Warning[] {
  const gap = (count: number, first: number): SideGap => ({
    count,
    subject: `${plural(count, 'row has', 'rows have')} a category with`,
    which: ` (first: row ${first})`,
    where: ' there',
  });
  return build(
    { pOnly: gap(totals.rowsPOnly, totals.firstPOnlyRow), qOnly: gap(totals.rowsQOnly, totals.firstQOnlyRow) },
    measureNames,
    { p: names.p, q: String(names.q) },
    smoothHint,
  );
}
