/**
 * `kl mi`: a contingency table, or two columns of paired observations, to the measures of
 * their joint distribution (measures/joint.ts), with checks.
 */
import { InputError } from '../errors.js';
import type { InputFormat } from '../io/detect.js';
import { readJointTable, readPairedColumns } from '../io/joint.js';
import { parseCell } from '../io/numbers.js';
import { DISTINCT_LIMIT } from '../io/observations.js';
import type { StdinProvider } from '../io/source.js';
import type { LogBase } from '../measures/base.js';
import { binLabel, linspace, openBins, quantile, rankedOf } from '../measures/binning.js';
import { JOINT_MEASURE_NAMES, type JointMeasures, type JointTable, jointMeasures, pointwiseTermsNats } from '../measures/joint.js';
import type { MiResult } from '../result.js';
import { evaluateChecks } from './checks.js';
import type { CheckSpec } from './request.js';

export interface MiRequest {
  path: string;
  displayName: string;
  format: InputFormat | undefined;
  /** --x/--y: paired observations in these columns; null: a contingency table. */
  x: string | null;
  y: string | null;
  /** What a table holds (pairs are always counted). */
  kind: 'probs' | 'counts';
  tolerance: number;
  /** Quantile bins for a numeric column of pairs. */
  bins: number;
  base: LogBase;
  checks: CheckSpec[];
  /** How many cells to list. */
  top: number;
  commandLine: string;
}

/** A variable's categories: its values, or quantile bins of a numeric column (kl drift's rules). */
function categorise(values: readonly string[], bins: number): { labels: string[]; codes: Int32Array; binned: string } {
  const numbers = values.map((value) => parseCell(value));
  const numeric = numbers.every((parsed) => parsed.ok) && new Set(numbers.map((parsed) => (parsed as { value: number }).value)).size > DISTINCT_LIMIT;
  const codes = new Int32Array(values.length);
  if (numeric) {
    const sorted = Float64Array.from(numbers, (parsed) => (parsed as { value: number }).value).sort();
    const raw = linspace(0, 1, bins + 1).map((level) => quantile(rankedOf(sorted), level));
    const { edges } = openBins(raw, 'quantile', [sorted]);
    const labels = edges.slice(0, -1).map((lower, i) => binLabel(lower, edges[i + 1] as number));
    numbers.forEach((parsed, i) => {
      const value = (parsed as { value: number }).value;
      let bin = 0;
      while (bin < labels.length - 1 && value >= (edges[bin + 1] as number)) bin++;
      codes[i] = bin;
    });
    return { labels, codes, binned: `${labels.length} quantile bins` };
  }
  // Numbers by value, then text in code-unit order; a number is one category however it is written.
  const key = (value: string, i: number) => {
    const parsed = numbers[i] as { ok: boolean; value?: number };
    return parsed.ok ? String(parsed.value) : value;
  };
  const keys = values.map(key);
  const distinct = [...new Set(keys)];
  const asNumber = (label: string) => parseCell(label);
  distinct.sort((a, b) => {
    const na = asNumber(a);
    const nb = asNumber(b);
    if (na.ok && nb.ok) return na.value - nb.value;
    if (na.ok !== nb.ok) return na.ok ? -1 : 1;
    return a < b ? -1 : a > b ? 1 : 0;
  });
  const index = new Map(distinct.map((label, i) => [label, i]));
  keys.forEach((label, i) => {
    codes[i] = index.get(label) as number;
  });
  return { labels: distinct, codes, binned: 'categories' };
}

function checkTable(table: JointTable, rowLabels: string[], columnLabels: string[], source: string): void {
  for (let i = 0; i < table.values.length; i++) {
    const value = table.values[i] as number;
    if (!(value >= 0) || !Number.isFinite(value)) {
      throw new InputError(
        'negative-value',
        `cell (${rowLabels[Math.floor(i / table.columns)]}, ${columnLabels[i % table.columns]}) is ${value}: a count or probability must be finite and ≥ 0`,
        {
          location: { source },
        },
      );
    }
  }
  for (let r = 0; r < table.rows; r++) {
    let any = false;
    for (let c = 0; c < table.columns; c++) if ((table.values[r * table.columns + c] as number) > 0) any = true;
    if (!any)
      throw new InputError('no-data', `row ${rowLabels[r]} is all zeros: a value of X that never occurs has no place in the table`, { location: { source } });
  }
  for (let c = 0; c < table.columns; c++) {
    let any = false;
    for (let r = 0; r < table.rows; r++) if ((table.values[r * table.columns + c] as number) > 0) any = true;
    if (!any)
      throw new InputError('no-data', `column ${columnLabels[c]} is all zeros: a value of Y that never occurs has no place in the table`, {
        location: { source },
      });
  }
}

export async function runMi(request: MiRequest, stdin: StdinProvider): Promise<MiResult> {
  let table: JointTable;
  let rowLabels: string[];
  let columnLabels: string[];
  let missing = 0;
  let binned: MiResult['binned'] = null;
  let counts: boolean;
  let format: string;
  if (request.x !== null && request.y !== null) {
    const pairs = await readPairedColumns(request.path, request.displayName, request.format, request.x, request.y, stdin);
    if (pairs.xs.length === 0)
      throw new InputError('no-values', `no row has values in both ${request.x} and ${request.y} (${pairs.missing} with a missing one)`, {
        location: { source: request.displayName },
      });
    const x = categorise(pairs.xs, request.bins);
    const y = categorise(pairs.ys, request.bins);
    rowLabels = x.labels;
    columnLabels = y.labels;
    table = { rows: rowLabels.length, columns: columnLabels.length, values: new Float64Array(rowLabels.length * columnLabels.length) };
    for (let i = 0; i < x.codes.length; i++) {
      const cell = (x.codes[i] as number) * table.columns + (y.codes[i] as number);
      table.values[cell] = (table.values[cell] as number) + 1;
    }
    missing = pairs.missing;
    binned = { x: x.binned, y: y.binned };
    counts = true;
    format = pairs.format;
  } else {
    const raw = await readJointTable(request.path, request.displayName, request.format, stdin);
    rowLabels = raw.rowLabels;
    columnLabels = raw.columnLabels;
    table = { rows: rowLabels.length, columns: columnLabels.length, values: raw.values };
    checkTable(table, rowLabels, columnLabels, request.displayName);
    counts = request.kind === 'counts';
    format = raw.format;
    if (!counts) {
      let total = 0;
      for (const value of table.values) total += value;
      if (!(Math.abs(total - 1) <= request.tolerance)) {
        throw new InputError('not-normalized', `the joint probabilities sum to ${total}, not 1 (tolerance ${request.tolerance})`, {
          location: { source: request.displayName },
          hint: [...table.values].every(Number.isInteger) ? 'if they are counts, pass --kind counts' : 'pass --kind counts to read them as weights (counts)',
        });
      }
    }
  }
  const measures = jointMeasures(table, request.base, counts);
  let total = 0;
  for (const value of table.values) total += value;
  const terms = pointwiseTermsNats(table);
  const cells = [...terms.keys()]
    .filter((i) => (table.values[i] as number) > 0)
    .sort((a, b) => Math.abs(terms[b] as number) - Math.abs(terms[a] as number) || a - b)
    .slice(0, request.top === 0 ? undefined : request.top)
    .map((i) => ({
      x: rowLabels[Math.floor(i / table.columns)] as string,
      y: columnLabels[i % table.columns] as string,
      p: (table.values[i] as number) / total,
      term: (terms[i] as number) / request.base.lnBase,
    }));
  const available = JOINT_MEASURE_NAMES.filter((name) => measures[name] !== undefined);
  const checks = evaluateChecks(
    request.checks,
    (name) => ((available as readonly string[]).includes(name) ? (measures[name as keyof JointMeasures] as number) : undefined),
    () => [...available],
  );
  return {
    type: 'mi',
    command: 'mi',
    unit: request.base.unit,
    base: request.base.value,
    source: request.displayName,
    format,
    input: request.x !== null ? 'pairs' : 'table',
    x: request.x ?? 'X',
    y: request.y ?? 'Y',
    counts,
    rows: table.rows,
    columns: table.columns,
    total,
    missing,
    binned,
    measures,
    cells,
    checks,
    warnings:
      missing > 0
        ? [
            {
              code: 'missing-values',
              message: `${missing} ${missing === 1 ? 'row has' : 'rows have'} a missing value in ${request.x} or ${request.y} and ${missing === 1 ? 'is' : 'are'} left out`,
            },
          ]
        : [],
    commandLine: request.commandLine,
  };
}
