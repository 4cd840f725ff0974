/**
 * `kl drift REF CUR`: two tables of raw observations, compared column by column.
 *
 * read both sides (columns spill to disk past a memory budget) → match columns by name →
 * decide each column's type → per column: sort once, bin (numeric) or count (categorical),
 * apply the zero policy, measure → checks → a DriftResult.
 */
import { InputError, UsageError } from '../errors.js';
import { ColumnSpill } from '../io/column-store.js';
import { DISTINCT_LIMIT, type ObservationRequest, type ObservationTable, type ObservedColumn, readObservations } from '../io/observations.js';
import type { StdinProvider } from '../io/source.js';
import type { LogBase } from '../measures/base.js';
import { type Binning, type Bins, binCounts, binLabel, explicitBins, MAX_BINS, openBins, rankedOf, rankedUnion, ruleEdges } from '../measures/binning.js';
import { computeMeasures } from '../measures/catalog.js';
import { contributions as klContributions } from '../measures/contributions.js';
import { smooth } from '../measures/prepare.js';
import { compensatedSum, NeumaierSum } from '../measures/sum.js';
import { chiSquareTwoRows, knnKl, ksTwoSample, wasserstein } from '../measures/two-sample.js';
import type { CheckResult, Warning } from '../result.js';
import {
  DRIFT_MEASURES,
  type DriftBinContribution,
  type DriftColumnResult,
  type DriftMeasureName,
  type DriftMeasures,
  type DriftResult,
  type ZeroPolicy,
} from '../result.js';

export interface DriftCheckSpec {
  /** The column it is about, or null for every column (and for share_drifted). */
  column: string | null;
  /** A drift measure, or `share_drifted`. */
  measure: DriftMeasureName | 'share_drifted';
  /** As given: `psi`, `age.psi`, `share_drifted`. */
  name: string;
  op: 'max' | 'min';
  limit: number;
}

export interface DriftRequest {
  reference: ObservationRequest;
  current: ObservationRequest;
  /** --columns: names (or positions from 1) to compare; null: every column. */
  columns: string[] | null;
  categorical: string[];
  numeric: string[];
  binning: Binning;
  bins: number;
  binsFrom: 'reference' | 'both';
  edges: number[] | null;
  zeroPolicy: ZeroPolicy;
  base: LogBase;
  knnK: number;
  checks: DriftCheckSpec[];
  /** --column NAME: per-bin contributions of this column. */
  explainColumn: string | null;
  commandLine: string;
  /** Bytes of column values kept in memory before they spill to a temporary file. */
  memoryBudget?: number;
}

/** When no column check is given, a column counts as drifted when PSI exceeds this. */
export const DEFAULT_PSI_RULE = 0.2;

type ColumnType = 'numeric' | 'categorical';

interface PlannedColumn {
  name: string;
  type: ColumnType;
  typeSource: 'auto' | 'option';
  reference: ObservedColumn;
  current: ObservedColumn;
}

/** Finds a requested column by name, or by position (from 1) when no column has that name. */
function findColumn(table: ObservationTable, wanted: string): ObservedColumn | undefined {
  const byName = table.columns.find((column) => column.name === wanted);
  if (byName) return byName;
  if (/^[1-9]\d*$/.test(wanted)) return table.columns[Number(wanted) - 1];
  return undefined;
}

function listColumns(table: ObservationTable): string {
  const names = table.columns.map((column) => column.name);
  return names.length > 12 ? `${names.slice(0, 12).join(', ')}, … (${names.length} in all)` : names.join(', ');
}

/** The pairs of columns to compare: by name (a lone column on each side pairs with the other). */
function matchColumns(
  reference: ObservationTable,
  current: ObservationTable,
  wanted: string[] | null,
): { name: string; reference: ObservedColumn; current: ObservedColumn }[] {
  if (wanted === null) {
    if (reference.columns.length === 1 && current.columns.length === 1) {
      const name = reference.named ? (reference.columns[0] as ObservedColumn).name : (current.columns[0] as ObservedColumn).name;
      return [{ name, reference: reference.columns[0] as ObservedColumn, current: current.columns[0] as ObservedColumn }];
    }
    const currentNames = new Set(current.columns.map((column) => column.name));
    const referenceNames = new Set(reference.columns.map((column) => column.name));
    const onlyReference = reference.columns.find((column) => !currentNames.has(column.name));
    const onlyCurrent = current.columns.find((column) => !referenceNames.has(column.name));
    const missing = onlyReference
      ? { name: onlyReference.name, in: reference, notIn: current }
      : onlyCurrent
        ? { name: onlyCurrent.name, in: current, notIn: reference }
        : null;
    if (missing) {
      throw new InputError(
        'column-mismatch',
        `column ${missing.name} is in ${missing.in.source} but not in ${missing.notIn.source} (its columns: ${listColumns(missing.notIn)})`,
        {
          hint: '--columns a,b,… compares only the columns you name',
        },
      );
    }
    return reference.columns.map((column) => ({
      name: column.name,
      reference: column,
      current: current.columns.find((other) => other.name === column.name) as ObservedColumn,
    }));
  }
  return wanted.map((name) => {
    const inReference = findColumn(reference, name);
    const inCurrent = findColumn(current, name);
    for (const [found, table] of [
      [inReference, reference],
      [inCurrent, current],
    ] as const) {
      if (!found) throw new InputError('no-such-column', `--columns ${name}: ${table.source} has no column ${name} (its columns: ${listColumns(table)})`);
    }
    return { name: (inReference as ObservedColumn).name, reference: inReference as ObservedColumn, current: inCurrent as ObservedColumn };
  });
}

function firstTextError(column: ObservedColumn, source: string, name: string, why: string, hint: string): InputError {
  const first = column.firstText as { text: string; line: number | null };
  return new InputError(
    'text-in-numeric-column',
    `${first.line === null ? '' : `line ${first.line}: `}column ${name}: ${JSON.stringify(first.text)} is not a number, ${why}`,
    {
      location: { source },
      hint,
    },
  );
}

/**
 * A column's type: --numeric/--categorical when given; otherwise numeric when every value
 * is a number and the reference has more than 20 distinct values (Evidently's rule). Text
 * in a column the rule makes numeric is refused, never turned into categories silently.
 */
function planColumn(
  match: { name: string; reference: ObservedColumn; current: ObservedColumn },
  tables: { reference: ObservationTable; current: ObservationTable },
  forced: Map<string, ColumnType>,
): PlannedColumn {
  const { name, reference, current } = match;
  for (const [column, table] of [
    [reference, tables.reference],
    [current, tables.current],
  ] as const) {
    if (column.values.length === 0 && column.texts.size === 0) {
      throw new InputError('all-missing-column', `column ${name} has no values in ${table.source} (${column.missing} missing)`, {
        hint: '--columns a,b,… compares only the columns you name',
      });
    }
  }
  const option = forced.get(name);
  if (option === 'numeric') {
    for (const [column, table] of [
      [reference, tables.reference],
      [current, tables.current],
    ] as const) {
      if (column.firstText)
        throw firstTextError(column, table.source, name, 'and --numeric makes the column numeric', `--categorical ${name} compares its values as categories`);
    }
    if (reference.distinct.size === 1) {
      throw new InputError(
        'constant-column',
        `column ${name} is constant in ${tables.reference.source} (every value is ${[...reference.distinct][0]}): there is nothing to bin`,
        {
          hint: `--categorical ${name} compares its values as categories`,
        },
      );
    }
    return { ...match, type: 'numeric', typeSource: 'option' };
  }
  if (option === 'categorical') return { ...match, type: 'categorical', typeSource: 'option' };
  const manyValues = reference.distinct.size > DISTINCT_LIMIT;
  if (reference.firstText) {
    if (manyValues) {
      throw firstTextError(
        reference,
        tables.reference.source,
        name,
        `yet the column has more than ${DISTINCT_LIMIT} distinct numbers`,
        `--numeric ${name} refuses text there; --categorical ${name} compares every value as a category`,
      );
    }
    return { ...match, type: 'categorical', typeSource: 'auto' };
  }
  if (!manyValues) return { ...match, type: 'categorical', typeSource: 'auto' };
  if (current.firstText) {
    throw firstTextError(
      current,
      tables.current.source,
      name,
      `yet the reference makes it numeric (more than ${DISTINCT_LIMIT} distinct numbers)`,
      `--categorical ${name} compares its values as categories`,
    );
  }
  return { ...match, type: 'numeric', typeSource: 'auto' };
}

/** Applies the zero policy to counts: the proportions the measures see (and PSI's, which Evidently does not renormalise). */
function proportions(
  refCounts: Float64Array,
  curCounts: Float64Array,
  nRef: number,
  nCur: number,
  policy: ZeroPolicy,
): { p: Float64Array; q: Float64Array; psiP: Float64Array; psiQ: Float64Array } {
  const p = refCounts.map((count) => count / nRef);
  const q = curCounts.map((count) => count / nCur);
  if (policy.kind === 'smooth') {
    const ps = smooth(p, policy.epsilon);
    const qs = smooth(q, policy.epsilon);
    return { p: ps, q: qs, psiP: ps, psiQ: qs };
  }
  if (policy.kind === 'evidently') {
    const fill = (values: Float64Array): Float64Array => {
      let smallest = Infinity;
      for (const value of values) if (value !== 0 && value < smallest) smallest = value;
      const replacement = smallest <= 0.0001 ? smallest / 10 ** 6 : 0.0001;
      return values.map((value) => (value === 0 ? replacement : value));
    };
    const pf = fill(p);
    const qf = fill(q);
    // Evidently's PSI uses the filled values as they are; its KL and JS go through SciPy,
    // which renormalises: the other measures see the filled values renormalised.
    const normalise = (values: Float64Array): Float64Array => {
      const total = compensatedSum(values);
      return values.map((value) => value / total);
    };
    return { p: normalise(pf), q: normalise(qf), psiP: pf, psiQ: qf };
  }
  return { p, q, psiP: p, psiQ: q };
}

/** One bin's PSI term (q − p)·ln(q / p), nats: 0 where equal, +∞ where one side only is empty. */
function psiTerm(p: number, q: number): number {
  if (p === q) return 0;
  if (p === 0 || q === 0) return Infinity;
  return (q - p) * Math.log(q / p);
}

/** PSI = Σ (q − p) ln(q / p), in nats always; a bin empty on one side only makes it +∞. */
export function psi(p: Float64Array, q: Float64Array): number {
  const sum = new NeumaierSum();
  for (let i = 0; i < p.length; i++) {
    const term = psiTerm(p[i] as number, q[i] as number);
    if (term === Infinity) return Infinity;
    sum.add(term);
  }
  return Math.max(0, sum.value());
}

function distributionMeasures(p: Float64Array, q: Float64Array, psiP: Float64Array, psiQ: Float64Array, base: LogBase): DriftMeasures {
  const measured = computeMeasures(p, q, ['kl_forward', 'kl_reverse', 'js_divergence', 'js_distance', 'hellinger', 'total_variation'], base);
  return {
    kl_forward: measured.kl_forward as number,
    kl_reverse: measured.kl_reverse as number,
    js_divergence: measured.js_divergence as number,
    js_distance: measured.js_distance as number,
    psi: psi(psiP, psiQ),
    hellinger: measured.hellinger as number,
    total_variation: measured.total_variation as number,
  };
}

function numericBins(request: DriftRequest, name: string, reference: Float64Array, current: Float64Array): Bins {
  if (request.edges) return explicitBins(request.edges, [reference, current]);
  const both = request.binsFrom === 'both';
  const sample = both ? rankedUnion(reference, current) : rankedOf(reference);
  const raw = ruleEdges(request.binning, sample, request.bins);
  if (raw === null) {
    throw new InputError(
      'too-many-bins',
      `column ${name}: NumPy's ${request.binning} rule asks for more than ${MAX_BINS} bins here (a narrow bulk and far outliers)`,
      {
        hint: '--binning quantile, or --binning uniform --bins N',
      },
    );
  }
  // Quantile bins must each hold a value of the sample their edges came from.
  return openBins(raw, request.binning, request.binning === 'quantile' ? (both ? [reference, current] : [reference]) : null);
}

/** Categories: numbers by value (ascending), then text values in code-unit order. */
function categoryCounts(reference: ObservedColumn, current: ObservedColumn): { categories: string[]; ref: Float64Array; cur: Float64Array } {
  const numberCounts = (column: ObservedColumn): Map<number, number> => {
    const values = column.values.take().sort();
    const counts = new Map<number, number>();
    for (let i = 0; i < values.length; ) {
      const value = values[i] as number;
      let j = i + 1;
      while (j < values.length && values[j] === value) j++;
      counts.set(value, j - i);
      i = j;
    }
    return counts;
  };
  const refNumbers = numberCounts(reference);
  const curNumbers = numberCounts(current);
  const numbers = [...new Set([...refNumbers.keys(), ...curNumbers.keys()])].sort((a, b) => a - b);
  const texts = [...new Set([...reference.texts.keys(), ...current.texts.keys()])].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const categories = [...numbers.map((value) => String(value)), ...texts];
  const ref = new Float64Array(categories.length);
  const cur = new Float64Array(categories.length);
  numbers.forEach((value, i) => {
    ref[i] = refNumbers.get(value) ?? 0;
    cur[i] = curNumbers.get(value) ?? 0;
  });
  texts.forEach((text, i) => {
    ref[numbers.length + i] = reference.texts.get(text) ?? 0;
    cur[numbers.length + i] = current.texts.get(text) ?? 0;
  });
  return { categories, ref, cur };
}

/** Per-bin terms of the explained column: p·ln(p/q) in the run's unit, and PSI's. */
function contributions(
  labels: string[],
  refCounts: Float64Array,
  curCounts: Float64Array,
  p: Float64Array,
  q: Float64Array,
  psiP: Float64Array,
  psiQ: Float64Array,
  base: LogBase,
): DriftBinContribution[] {
  // The forward terms as kl explain makes them: they add up to the reported D(ref‖cur).
  const { terms } = klContributions(p, q);
  return labels.map((label, i) => {
    const term = terms[i] as { p: number; q: number; forward: number };
    return {
      label,
      ref_count: refCounts[i] as number,
      cur_count: curCounts[i] as number,
      p: term.p,
      q: term.q,
      kl_forward: term.forward / base.lnBase,
      psi: psiTerm(psiP[i] as number, psiQ[i] as number),
    };
  });
}

/**
 * Two buffers reused from column to column for the sorted values: a column's values are
 * needed only while it is measured, and fresh arrays per column left several columns'
 * worth waiting for the garbage collector (figures: BENCHMARKS.md).
 */
class SortBuffers {
  private reference = new Float64Array(0);
  private current = new Float64Array(0);

  sorted(column: ObservedColumn, side: 'reference' | 'current'): Float64Array {
    const length = column.values.length;
    if (this[side].length < length) this[side] = new Float64Array(length);
    return column.values.take(this[side]).sort();
  }
}

function measureColumn(planned: PlannedColumn, request: DriftRequest, explain: boolean, buffers: SortBuffers): DriftColumnResult {
  const { name, type, reference, current } = planned;
  const base = { name, type, type_source: planned.typeSource, missing_ref: reference.missing, missing_cur: current.missing };
  if (type === 'numeric') {
    const refValues = buffers.sorted(reference, 'reference');
    const curValues = buffers.sorted(current, 'current');
    const bins = numericBins(request, name, refValues, curValues);
    const refCounts = binCounts(refValues, bins);
    const curCounts = binCounts(curValues, bins);
    const { p, q, psiP, psiQ } = proportions(refCounts, curCounts, refValues.length, curValues.length, request.zeroPolicy);
    const ks = ksTwoSample(refValues, curValues);
    const measures: DriftMeasures = {
      ...distributionMeasures(p, q, psiP, psiQ, request.base),
      wasserstein: wasserstein(refValues, curValues),
      ks_statistic: ks.statistic,
      ks_pvalue: ks.pvalue,
      kl_knn: toUnit(knnKl(refValues, curValues, request.knnK), request.base),
    };
    const labels = bins.edges.slice(0, -1).map((lower, i) => binLabel(lower, bins.edges[i + 1] as number));
    return {
      ...base,
      n_ref: refValues.length,
      n_cur: curValues.length,
      bins: { edges: bins.edges, categories: null, ref_counts: [...refCounts], cur_counts: [...curCounts] },
      measures,
      ks_method: ks.method,
      drifted: false,
      contributions: explain ? contributions(labels, refCounts, curCounts, p, q, psiP, psiQ, request.base) : null,
    };
  }
  const { categories, ref, cur } = categoryCounts(reference, current);
  const nRef = compensatedSum(ref);
  const nCur = compensatedSum(cur);
  const { p, q, psiP, psiQ } = proportions(ref, cur, nRef, nCur, request.zeroPolicy);
  const chi = chiSquareTwoRows(ref, cur);
  return {
    ...base,
    n_ref: nRef,
    n_cur: nCur,
    bins: { edges: null, categories, ref_counts: [...ref], cur_counts: [...cur] },
    measures: { ...distributionMeasures(p, q, psiP, psiQ, request.base), chi2_statistic: chi.statistic, chi2_pvalue: chi.pvalue },
    ks_method: null,
    drifted: false,
    contributions: explain ? contributions(categories, ref, cur, p, q, psiP, psiQ, request.base) : null,
  };
}

function toUnit(nats: number | null, base: LogBase): number | null {
  return nats === null ? null : nats / base.lnBase;
}

/** Column checks, one per column they apply to (a column's own check replaces the general one). */
function evaluateColumnChecks(columns: DriftColumnResult[], specs: readonly DriftCheckSpec[]): CheckResult[] {
  const results: CheckResult[] = [];
  const columnSpecs = specs.filter((spec) => spec.measure !== 'share_drifted');
  for (const column of columns) {
    for (const spec of columnSpecs) {
      if (spec.column !== null && spec.column !== column.name) continue;
      if (spec.column === null && columnSpecs.some((other) => other.column === column.name && other.measure === spec.measure && other.op === spec.op)) continue;
      const measure = spec.measure as DriftMeasureName;
      if (!(measure in column.measures)) {
        if (spec.column === null) continue; // e.g. ks_pvalue on a categorical column
        throw new UsageError(
          'check-not-for-column',
          `--${spec.op} ${spec.name}: column ${column.name} is ${column.type}, and ${measure} is measured on ${column.type === 'numeric' ? 'categorical' : 'numeric'} columns only`,
        );
      }
      const value = column.measures[measure];
      if (value === null || value === undefined) {
        throw new InputError('not-computable', `--${spec.op} ${spec.name}: ${measure} cannot be computed for column ${column.name} (too few distinct values)`);
      }
      const passed = spec.op === 'max' ? value <= spec.limit : value >= spec.limit;
      results.push({ name: `${column.name}.${measure}`, op: spec.op, limit: spec.limit, value, passed });
      if (!passed) column.drifted = true;
    }
  }
  for (const spec of columnSpecs) {
    if (!results.some((result) => result.name.endsWith(`.${spec.measure}`))) {
      throw new UsageError('check-not-for-column', `--${spec.op} ${spec.name}: no column compared here has ${spec.measure}`, {
        hint: DRIFT_MEASURE_HINT,
      });
    }
  }
  return results;
}

const DRIFT_MEASURE_HINT = `numeric columns have ${DRIFT_MEASURES.filter((m) => m !== 'chi2_statistic' && m !== 'chi2_pvalue').join(', ')}; categorical ones chi2_statistic and chi2_pvalue instead of the last five`;

export async function runDrift(request: DriftRequest, stdin: StdinProvider): Promise<DriftResult> {
  const spill = new ColumnSpill(request.memoryBudget);
  try {
    const reference = await readObservations(request.reference, stdin, spill);
    const current = await readObservations(request.current, stdin, spill);
    const matches = matchColumns(reference, current, request.columns);
    const names = new Set(matches.map((match) => match.name));
    const forced = new Map<string, ColumnType>();
    for (const [list, type, flag] of [
      [request.numeric, 'numeric', '--numeric'],
      [request.categorical, 'categorical', '--categorical'],
    ] as const) {
      for (const name of list) {
        const resolved = findColumn(reference, name)?.name ?? name;
        if (!names.has(resolved)) throw new InputError('no-such-column', `${flag} ${name}: no column ${name} is compared (columns: ${[...names].join(', ')})`);
        if (forced.has(resolved) && forced.get(resolved) !== type)
          throw new UsageError('conflicting-types', `column ${name} is given both --numeric and --categorical`);
        forced.set(resolved, type);
      }
    }
    for (const spec of request.checks) {
      if (spec.column !== null && !names.has(spec.column)) {
        throw new InputError('no-such-column', `--${spec.op} ${spec.name}: no column ${spec.column} is compared (columns: ${[...names].join(', ')})`);
      }
    }
    if (request.explainColumn !== null && !names.has(findColumn(reference, request.explainColumn)?.name ?? request.explainColumn)) {
      throw new InputError(
        'no-such-column',
        `--column ${request.explainColumn}: no column ${request.explainColumn} is compared (columns: ${[...names].join(', ')})`,
      );
    }
    const explained = request.explainColumn === null ? null : (findColumn(reference, request.explainColumn)?.name ?? request.explainColumn);
    // Every type is decided (and every refusal made) before any column is measured.
    const planned = matches.map((match) => planColumn(match, { reference, current }, forced));
    const buffers = new SortBuffers();
    const columns = planned.map((column) => measureColumn(column, request, column.name === explained, buffers));
    const columnChecks = evaluateColumnChecks(columns, request.checks);
    const ruled = request.checks.some((spec) => spec.measure !== 'share_drifted');
    if (!ruled) for (const column of columns) column.drifted = column.measures.psi > DEFAULT_PSI_RULE;
    const drifted = columns.filter((column) => column.drifted).length;
    const shareDrifted = drifted / columns.length;
    const datasetChecks: CheckResult[] = request.checks
      .filter((spec) => spec.measure === 'share_drifted')
      .map((spec) => ({
        name: spec.name,
        op: spec.op,
        limit: spec.limit,
        value: shareDrifted,
        passed: spec.op === 'max' ? shareDrifted <= spec.limit : shareDrifted >= spec.limit,
      }));
    return {
      type: 'drift',
      command: 'drift',
      unit: request.base.unit,
      base: request.base.value,
      reference: { source: reference.source, format: reference.format, rows: reference.rows },
      current: { source: current.source, format: current.format, rows: current.rows },
      binning: request.edges
        ? { rule: 'edges', bins: request.edges.length - 1, from: 'given' }
        : { rule: request.binning, bins: request.bins, from: request.binsFrom },
      zeroPolicy: request.zeroPolicy,
      driftRule: ruled ? 'a column check failed' : `psi > ${DEFAULT_PSI_RULE} (no column check given)`,
      columns,
      summary: { columns: columns.length, drifted, share_drifted: shareDrifted },
      explained,
      checks: [...columnChecks, ...datasetChecks],
      warnings: driftWarnings(columns, request.zeroPolicy),
      commandLine: request.commandLine,
    };
  } finally {
    spill.close();
  }
}

function driftWarnings(columns: DriftColumnResult[], policy: ZeroPolicy): Warning[] {
  if (policy.kind !== 'none') return [];
  const infinite = columns.filter((column) => column.measures.kl_forward === Infinity || column.measures.psi === Infinity).map((column) => column.name);
  if (infinite.length === 0) return [];
  return [
    {
      code: 'empty-bins',
      message: `${infinite.length === 1 ? 'column' : 'columns'} ${infinite.join(', ')}: a bin or category is empty on one side only, so D(ref‖cur) or PSI is infinite; --smooth EPS or --fill evidently gives finite values`,
    },
  ];
}
