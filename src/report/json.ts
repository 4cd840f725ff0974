import { internalError } from '../errors.js';
import type { MeasureName, Measures } from '../measures/catalog.js';
import { PERCENTILES, type PercentileName } from '../measures/stats.js';
import type { BatchResult, CheckResult, ExplainedCategory, ExplainResult, KlResult, Names, PairResult, RowResult, RunInfo, SummaryStats } from '../result.js';
import type { RowSink } from './index.js';
import {
  type JsonBatchReport,
  type JsonCheck,
  type JsonNumber,
  type JsonPairReport,
  type JsonRow,
  type JsonStats,
  provenance,
  SCHEMA_VERSION,
} from './schema.js';
import { expression, jsonNumber } from './wording.js';

function jsonMeasures(names: readonly MeasureName[], measures: Measures): Partial<Record<MeasureName, JsonNumber>> {
  const out: Partial<Record<MeasureName, JsonNumber>> = {};
  for (const name of names) {
    const value = measures[name];
    if (value !== undefined) out[name] = jsonNumber(value);
  }
  return out;
}

function expressions(names: readonly MeasureName[], inputNames: Names): Partial<Record<MeasureName, string>> {
  const out: Partial<Record<MeasureName, string>> = {};
  for (const name of names) out[name] = expression(name, inputNames);
  return out;
}

/**
 * `lower_bound: true` when the inputs are top-k lists: their measures are taken over a
 * partition of the vocabulary (the shared tokens and the rest), so each is a lower bound
 * of the measure on the full distributions.
 */
function lowerBound(inputs: readonly { kind: string }[]): { lower_bound?: true } {
  return inputs.some((input) => input.kind === 'topk-logprobs') ? { lower_bound: true } : {};
}

/** Checks as JSON: values as JSON numbers ("Infinity" for an infinite divergence, never null). */
function jsonChecks(checks: readonly CheckResult[]): JsonCheck[] {
  return checks.map((check) => ({ ...check, value: jsonNumber(check.value) }));
}

/** A single pair, or (kl explain) one pair or batch row with its contributions. */
export function toJsonPairReport(result: PairResult | ExplainResult, info?: RunInfo): JsonPairReport {
  const names = result.measureNames.filter((name) => result.measures[name] !== undefined);
  const explained = result.type === 'explain' ? result.explain : null;
  const report: JsonPairReport = {
    schema_version: SCHEMA_VERSION,
    ...provenance(info),
    command: result.command,
    unit: result.unit,
    base: result.base,
    inputs: result.inputs,
    measures: jsonMeasures(names, result.measures),
    expressions: expressions(names, result.names),
    support: result.support,
    warnings: result.warnings,
    checks: jsonChecks(result.checks),
  };
  if (explained) {
    if (explained.row !== null && explained.rowReason !== null) {
      report.explained_row = { index: explained.row, reason: explained.rowReason, row_count: result.type === 'explain' ? (result.batch?.rowCount ?? 0) : 0 };
    }
    report.categories = explained.categories;
    report.contributions = explained.contributions.map((c: ExplainedCategory) => ({
      label: c.label,
      p: c.p,
      q: c.q,
      kl_forward: jsonNumber(c.kl_forward),
      kl_reverse: jsonNumber(c.kl_reverse),
      share: c.share,
    }));
  }
  return report;
}

export function toJsonRow(row: RowResult, measureNames: readonly MeasureName[]): JsonRow {
  const out: JsonRow = {
    index: row.index,
    ...(row.line === null ? {} : { line: row.line }),
    measures: jsonMeasures(measureNames, row.measures),
  };
  if (row.targets) {
    out.targets = {
      target: row.targets.target,
      nll_p: jsonNumber(row.targets.nll_p),
      nll_q: jsonNumber(row.targets.nll_q),
      delta_p: row.targets.delta_p,
      correct_p: row.targets.correct_p,
      correct_q: row.targets.correct_q,
    };
  }
  if (row.top1_agree !== undefined) out.top1_agree = row.top1_agree;
  return out;
}

function jsonStats(stats: SummaryStats): JsonStats {
  return {
    mean: jsonNumber(stats.mean),
    stderr: stats.stderr === null ? null : jsonNumber(stats.stderr),
    ...(Object.fromEntries(PERCENTILES.map(([name]) => [name, jsonNumber(stats[name])])) as Record<PercentileName, JsonNumber>),
    ...Object.fromEntries(Object.entries(stats.extra).map(([name, value]) => [name, jsonNumber(value)])),
    min: jsonNumber(stats.min),
    max: jsonNumber(stats.max),
    argmin: stats.argmin,
    argmax: stats.argmax,
  };
}

export function toJsonBatchReport(result: BatchResult, info?: RunInfo): JsonBatchReport {
  const summary: Record<string, JsonStats | JsonNumber> = {};
  for (const name of result.summaryNames) summary[name] = jsonStats(result.summary.get(name) as SummaryStats);
  for (const [name, value] of result.scalars) summary[name] = jsonNumber(value);
  const report: JsonBatchReport = {
    schema_version: SCHEMA_VERSION,
    ...provenance(info),
    command: result.command,
    unit: result.unit,
    base: result.base,
    inputs: result.inputs,
    ...lowerBound(result.inputs),
    row_count: result.rowCount,
    ignored_rows: result.ignoredRows,
    ...(result.shard ? { shard: { index: result.shard.index, count: result.shard.count, first_row: result.shard.firstRow } } : {}),
    expressions: expressions(result.measureNames, result.names),
    percentiles: result.sketchAccuracy === null ? { exact: true } : { exact: false, method: 'ddsketch', relative_error: result.sketchAccuracy },
    summary,
    worst: { by: result.worstBy, rows: result.worst.map((row) => toJsonRow(row, result.measureNames)) },
    support: result.support,
    warnings: result.warnings,
    checks: jsonChecks(result.checks),
  };
  if (result.rows) report.rows = result.rows.map((row) => toJsonRow(row, result.measureNames));
  return report;
}

/** One JSON document, pretty-printed, ending in a newline. */
export function formatJson(result: KlResult, info?: RunInfo): string {
  const report = result.type === 'batch' ? toJsonBatchReport(result, info) : toJsonPairReport(result, info);
  return `${JSON.stringify(report, null, 2)}\n`;
}

const ROWS_PER_CHUNK = 512;
const ROWS_OPENING = '{\n  "rows": [\n';
const ROWS_CLOSING = '\n  ]\n}';

/** Rows as they sit in the document: one native call per chunk (see formatJsonChunks). */
function rowsText(rows: readonly RowResult[], names: readonly MeasureName[]): string {
  const json: JsonRow[] = [];
  for (const row of rows) json.push(toJsonRow(row, names));
  // As the value of a top-level "rows" key, the rows come out at the document's
  // indentation, between a fixed opening and closing that are cut off.
  return JSON.stringify({ rows: json }, null, 2).slice(ROWS_OPENING.length, -ROWS_CLOSING.length);
}

/**
 * A batch's rows rendered as they are computed, in the chunks formatJsonChunks prints:
 * the work is done while the main thread would otherwise wait for workers, rather than
 * after the last row, and the rows need not be kept (BatchOptions.keepRows). `names` may
 * be the request's measures: a row's missing ones are skipped, as they are in the document.
 */
export class JsonRowChunks implements RowSink {
  /** render() prints the rows from here: the result need not keep them. */
  readonly holdsRows = true;

  private readonly texts: string[] = [];
  private pending: RowResult[] = [];
  private added = 0;

  constructor(private readonly names: readonly MeasureName[]) {}

  /** How many rows have been added. */
  get count(): number {
    return this.added;
  }

  /** Renders the row (in chunks); nothing to print before the document is whole. */
  add(row: RowResult): string {
    this.added++;
    this.pending.push(row);
    if (this.pending.length === ROWS_PER_CHUNK) {
      this.texts.push(rowsText(this.pending, this.names));
      this.pending = [];
    }
    return '';
  }

  chunks(): string[] {
    if (this.pending.length > 0) {
      this.texts.push(rowsText(this.pending, this.names));
      this.pending = [];
    }
    return this.texts;
  }
}

/**
 * The same document as formatJson, as a sequence of chunks, so a batch with many rows is
 * never one giant string in memory. `rows` is the last key, so everything before it is
 * one chunk and the rows follow in groups, indented exactly as JSON.stringify would;
 * `prerendered` holds them when they were rendered as they were computed.
 */
export function* formatJsonChunks(result: KlResult, prerendered?: JsonRowChunks, info?: RunInfo): Generator<string> {
  // Rows rendered as they were computed stand for all of the batch's rows, which were not
  // kept: the count is the check that they are this result's.
  const chunks =
    result.type === 'batch' && result.rowsMode === 'all' && result.rows === null && prerendered?.count === result.rowCount ? prerendered.chunks() : null;
  if (result.type !== 'batch' || ((!result.rows || result.rows.length === 0) && !chunks?.length)) {
    if (result.type === 'batch' && result.rowsMode === 'all' && result.rows === null) throw internalError('a batch printed without its rows');
    yield formatJson(result, info);
    return;
  }
  const { rows, ...rest } = toJsonBatchReport({ ...result, rows: [] }, info);
  void rows;
  const head = JSON.stringify(rest, null, 2);
  yield `${head.slice(0, -2)},\n  "rows": [\n`;
  if (chunks) {
    for (let i = 0; i < chunks.length; i++) yield (chunks[i] as string) + (i + 1 < chunks.length ? ',\n' : '\n');
  } else {
    const all = result.rows as RowResult[];
    for (let start = 0; start < all.length; start += ROWS_PER_CHUNK) {
      const end = Math.min(all.length, start + ROWS_PER_CHUNK);
      yield rowsText(all.slice(start, end), result.measureNames) + (end < all.length ? ',\n' : '\n');
    }
  }
  yield '  ]\n}\n';
}
