/**
 * Many rows: row i of P pairs with row i of Q. Rows stream through one at a time; what
 * stays in memory is the BatchSummary (one float64 per row per summarised value up to its
 * budget, then sketches of bounded size), the worst rows, and the rows the output asked to keep.
 */

import { plural } from '../display.js';
import { InputError } from '../errors.js';
import type { RawBatch } from '../io/types.js';
import type { MeasureName } from '../measures/catalog.js';
import { STAT_NAMES } from '../measures/stats.js';
import {
  BATCH_SCALARS,
  type BatchResult,
  type BatchScalar,
  type InputSummary,
  type RowResult,
  type RowsMode,
  type ShardSpan,
  type SummaryStats,
} from '../result.js';
import { BatchSummary } from './batch-summary.js';
import { evaluateChecks, RowCountChecks } from './checks.js';
import { type BatchInputs, computeRows } from './pair-rows.js';
import type { CheckSpec, InputRequest, Request } from './request.js';
import { RowComputer, type RowOutcome, rowPlanOf } from './row-computer.js';
import { batchSupportWarnings } from './warnings.js';

/** A copy of one row's aligned distributions, for explain and reports. */
export interface KeptRow {
  index: number;
  labels: string[] | null;
  p: Float64Array;
  q: Float64Array;
}

export interface BatchOptions {
  rows: RowsMode;
  worst: number;
  /** Keep a copy of this row's aligned P and Q (a 0-based index, or the worst by the ranking measure). */
  keep?: number | 'worst';
  /** Called with each row as soon as it is computed (CSV and value output stream these). */
  onRow?: (row: RowResult) => void;
  /**
   * With rows 'all': false when onRow takes care of every row (JSON renders them as they
   * come), so the result's `rows` stays null instead of holding them all in memory.
   */
  keepRows?: boolean;
  /** --shard: the rows read are these of the whole input (their indices start at firstRow). */
  shard?: ShardSpan;
  /** --save-summary: called with the batch's mergeable summary and what the result needs besides it. */
  onSummary?: (summary: SavedBatch) => void;
  /** Rows done so far, for a progress line (read by its timer). */
  progress?: { rows: number };
}

/**
 * What a batch's result says besides its rows' summary: from the request, or from a saved
 * summary (kl merge). Plain data, so that a summary file carries it.
 */
export interface BatchContext {
  command: string;
  unit: string;
  base: number;
  lnBase: number;
  inputs: { p: BatchInputContext; q: BatchInputContext | null };
  pairwise: boolean;
  /** --normalize: every row rescaled. */
  normalize: boolean;
  /** Whether --smooth was given (the warnings then suggest nothing). */
  smoothed: boolean;
  /** Every option that changes the numbers or the rows measured, as given (merges must agree on them). */
  options: Record<string, string | number | boolean | null>;
  percentiles: number[];
  primary: MeasureName[];
  measureNames: MeasureName[];
}

export interface BatchInputContext {
  source: string;
  format: string;
  kind: string;
}

export function batchContextOf(
  request: Request,
  p: RawBatch,
  q: RawBatch | null,
  computed: { measureNames: readonly MeasureName[]; pairwise: boolean },
): BatchContext {
  const { measureNames, pairwise } = computed;
  const input = (side: InputRequest, batch: RawBatch): BatchInputContext => ({ source: batch.source, format: batch.format, kind: side.kind });
  return {
    command: request.command,
    unit: request.base.unit,
    base: request.base.value,
    lnBase: request.base.lnBase,
    inputs: { p: input(request.p, p), q: q && request.q ? input(request.q, q) : null },
    pairwise,
    normalize: request.prepare.normalize,
    smoothed: request.smooth !== 0,
    options: {
      tolerance: request.prepare.tolerance,
      temperature: request.prepare.temperature,
      smooth: request.smooth,
      targets: request.targets,
      mask: request.mask,
      nextToken: request.nextToken,
      ignoreIndex: request.ignoreIndex,
    },
    percentiles: [...request.percentiles],
    primary: request.primary.filter((name) => measureNames.includes(name)),
    measureNames: [...measureNames],
  };
}

function batchInputSummary(input: BatchInputContext, role: 'p' | 'q', rows: number, width: number, rescaled: boolean): InputSummary {
  return {
    role,
    source: input.source,
    format: input.format,
    kind: input.kind,
    categories: width,
    rows,
    mass: null,
    // Any row rescaled (with --normalize, or within --tolerance) makes the side normalised.
    normalized: input.kind === 'counts' || input.kind === 'logits' || rescaled,
  };
}

/** What left rows out, in words: the options given. */
function describeLeftOut(request: Request): string {
  return [
    ...(request.ignoreIndex === null ? [] : [`--ignore-index ${request.ignoreIndex}`]),
    ...(request.mask === null ? [] : ['--mask']),
    ...(request.nextToken ? ['--next-token (the last position of each sequence)'] : []),
  ].join(', ');
}

export async function computeBatch(
  request: Request,
  inputs: BatchInputs,
  options: BatchOptions,
  /** Rows computed elsewhere (a worker), in order, after the ones read from `inputs`. */
  remote?: AsyncIterable<RowOutcome>,
): Promise<BatchResult> {
  const { p, q, targets } = inputs;
  // Targets proper (a --mask alone tags rows without giving them targets).
  const hasTargets = request.targets !== null && targets !== null;
  const computer = new RowComputer(rowPlanOf(request), p, q, hasTargets ? targets.source : null);
  const { pairwise, measureNames, rankBy } = computer;
  // --exact-percentiles keeps every value; a run whose summary is saved sketched
  // (--save-summary without it) sketches from the first row: values kept only to be
  // replayed into sketches at the budget cost a shard ~10% of its time (BENCHMARKS.md).
  const budget = request.exactPercentiles ? Infinity : options.onSummary ? 0 : undefined;
  const totals = new BatchSummary({ measureNames, targets: hasTargets, rankBy, worst: options.worst }, budget);
  const keptRows: RowResult[] | null = options.rows === 'all' && options.keepRows !== false ? [] : null;
  let kept: KeptRow | null = null;
  let keptValue: number | undefined;
  // Checks that exist only for one row (a bare measure name) or for two or more (stderr):
  // streamed output holds the first row back until the second arrives (or the input ends),
  // so that such a check fails before anything is printed.
  const rowCountChecks = new RowCountChecks(request.checks, BATCH_SCALARS);
  const emit = options.onRow;
  const progress = options.progress;
  let held: RowResult | null = null;

  const absorb = (outcome: RowOutcome): void => {
    const { row } = outcome;
    const index = totals.count;
    const aligned = outcome.aligned;
    const value = row.measures[rankBy] as number;
    if (aligned && (options.keep === row.index || (options.keep === 'worst' && (kept === null || value > (keptValue as number))))) {
      // Copies: the aligned vectors live in reused buffers.
      kept = { index: row.index, labels: aligned.labels, p: Float64Array.from(aligned.p), q: Float64Array.from(aligned.q) };
      keptValue = value;
    }
    totals.add(outcome);
    if (progress) progress.rows = totals.count;
    keptRows?.push(row);
    if (emit) {
      if (index === 0 && rowCountChecks.any) held = row;
      else {
        if (held) {
          rowCountChecks.validate(index + 1, true);
          emit(held);
          held = null;
        }
        emit(row);
      }
    }
  };
  for await (const outcome of computeRows(computer, inputs, options.shard?.firstRow ?? 0)) absorb(outcome);
  if (remote) for await (const outcome of remote) absorb(outcome);

  const count = totals.count;
  const ignoredRows = targets?.ignored ?? 0;
  if (count === 0 && ignoredRows > 0) {
    throw new InputError('no-data', `every row (${ignoredRows}) is left out by ${describeLeftOut(request)}: nothing to measure`);
  }
  if (count === 0) throw new InputError('empty-input', 'has no rows', { location: { source: p.source } });
  rowCountChecks.validate(count);
  if (held && emit) emit(held);
  if (typeof options.keep === 'number' && kept === null) {
    throw new InputError('no-such-row', `--row ${options.keep}: the batch has ${plural(count, 'row')} (0…${count - 1})`);
  }

  const context = batchContextOf(request, p, q, { measureNames, pairwise });
  const result = batchResultOf(context, totals, {
    checks: request.checks,
    commandLine: request.commandLine,
    rows: options.rows,
    keptRows,
    ignoredRows,
    shard: options.shard ?? null,
  });
  result.kept = kept;
  options.onSummary?.({ context, totals, shard: result.shard, ignoredRows });
  return result;
}

/** What a summary file holds (summary-file.ts). */
export interface SavedBatch {
  context: BatchContext;
  totals: BatchSummary;
  shard: ShardSpan | null;
  ignoredRows: number;
}

/** What one run (or one merge) adds to a summary to make a result. */
export interface BatchRun {
  checks: CheckSpec[];
  commandLine: string;
  rows: RowsMode;
  /** Every row, with --rows all (null when streamed or not asked for). */
  keptRows: RowResult[] | null;
  ignoredRows: number;
  shard: ShardSpan | null;
}

/** The result of a batch from its summary: the statistics, the scalars, the warnings and the checks. */
export function batchResultOf(context: BatchContext, totals: BatchSummary, run: BatchRun): BatchResult {
  const count = totals.count;
  const { summaryNames, summary, rankValues, rankWeights, sketchAccuracy } = totals.finish(context.percentiles);
  const scalars = new Map<BatchScalar, number>();
  // A value that does not exist here (one row's standard error, the correlation of constant
  // series) is left out, never NaN.
  const set = (name: BatchScalar, value: number | null) => {
    if (value !== null) scalars.set(name, value);
  };
  const { pairwise, measureNames } = context;
  if (pairwise) {
    const agreement = totals.top1Agreements / count;
    set('top1_agreement', agreement);
    // The binomial standard error, with llama.cpp's n − 1.
    set('top1_agreement_stderr', count > 1 ? Math.sqrt((agreement * (1 - agreement)) / (count - 1)) : null);
  }
  if (totals.shape.targets && pairwise) {
    set('accuracy_p', totals.correctP / count);
    set('accuracy_q', totals.correctQ / count);
    // Perplexity is base-independent: exp of the mean NLL in nats.
    const compared = totals.perplexities(context.lnBase);
    set('perplexity_p', compared.perplexityP);
    set('perplexity_p_stderr', compared.perplexityPStderr);
    set('perplexity_q', compared.perplexityQ);
    set('perplexity_q_stderr', compared.perplexityQStderr);
    set('perplexity_ratio', compared.ratio);
    set('perplexity_ratio_stderr', compared.ratioStderr);
    set('ln_perplexity_ratio', compared.lnRatio);
    set('ln_perplexity_ratio_stderr', compared.lnRatioStderr);
    set('perplexity_difference', compared.difference);
    set('perplexity_difference_stderr', compared.differenceStderr);
    set('nll_correlation', compared.correlation);
    const rms = totals.rmsDeltaP();
    set('rms_delta_p', rms.value);
    set('rms_delta_p_stderr', rms.stderr);
  }

  const names = { p: context.inputs.p.source, q: context.inputs.q?.source ?? null };
  const warnings = pairwise ? batchSupportWarnings(totals, measureNames, names, !context.smoothed) : [];

  const lookup = (name: string): number | undefined => {
    if ((BATCH_SCALARS as readonly string[]).includes(name)) return scalars.get(name as BatchScalar);
    const dot = name.lastIndexOf('.');
    // A bare measure name: the value of the one row (RowCountChecks refused it for more).
    if (dot < 0) return count === 1 ? summary.get(name)?.mean : undefined;
    const stats = summary.get(name.slice(0, dot));
    const statName = name.slice(dot + 1);
    const stat = stats?.[statName as keyof SummaryStats] ?? stats?.extra[statName];
    return typeof stat === 'number' && !name.endsWith('.argmin') && !name.endsWith('.argmax') ? stat : undefined;
  };
  const available = (): string[] => [
    ...[...scalars.keys()],
    ...summaryNames.flatMap((name) => [...STAT_NAMES, ...Object.keys(summary.get(name)?.extra ?? {})].map((stat) => `${name}.${stat}`)),
  ];

  const summaries = [batchInputSummary(context.inputs.p, 'p', count, totals.pWidth, context.normalize || totals.pRescaled)];
  if (context.inputs.q) summaries.push(batchInputSummary(context.inputs.q, 'q', count, totals.qWidth, context.normalize || totals.qRescaled));
  return {
    type: 'batch',
    command: context.command,
    unit: context.unit,
    base: context.base,
    names,
    inputs: summaries,
    rowCount: count,
    ignoredRows: run.ignoredRows,
    measureNames: [...measureNames],
    primary: [...context.primary],
    summaryNames,
    summary,
    scalars,
    sketchAccuracy,
    rowsMode: run.rows,
    rows: run.rows === 'all' ? run.keptRows : run.rows === 'worst' ? [...totals.worst] : null,
    worstBy: totals.shape.rankBy,
    worst: totals.worst,
    support: pairwise ? { rows_p_only: totals.rowsPOnly, rows_q_only: totals.rowsQOnly } : null,
    warnings,
    checks: evaluateChecks(run.checks, lookup, available),
    kept: null,
    // The values the statistics were taken from; nothing writes to them any more.
    rankValues,
    rankWeights,
    contributions: null,
    commandLine: run.commandLine,
    shard: run.shard,
  };
}
