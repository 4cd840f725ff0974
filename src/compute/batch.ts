/**
 * Many rows: row i of P pairs with row i of Q. Rows stream through one at a time; what
 * stays in memory is one float64 per row per summarised value (for the percentiles), the
 * worst rows, and the rows the output asked to keep.
 */

import { plural } from '../display.js';
import { InputError } from '../errors.js';
import { alignByLabel } from '../io/align.js';
import type { Target } from '../io/targets.js';
import type { RawBatch, RawRow } from '../io/types.js';
import { toBase } from '../measures/base.js';
import { computeMeasures, type MeasureName } from '../measures/pair.js';
import { Scratch } from '../measures/prepare.js';
import { argmax, STAT_NAMES } from '../measures/stats.js';
import { BATCH_SCALARS, type BatchResult, type BatchScalar, type InputSummary, type RowResult, type SummaryStats } from '../result.js';
import { BatchSummary } from './batch-summary.js';
import { evaluateChecks, RowCountChecks } from './checks.js';
import { measureAligned } from './pair.js';
import { prepareOrThrow } from './prepare-input.js';
import type { InputRequest, Request } from './request.js';
import { batchSupportWarnings } from './warnings.js';

export type RowsMode = 'all' | 'worst' | 'none';

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
}

interface AlignedRow {
  labels: string[] | null;
  p: Float64Array;
  q: Float64Array;
}

/**
 * Aligns the rows of two batches. Header columns align by name once, up front, so each
 * row is a scatter through two index arrays (or nothing at all when the orders agree).
 */
class RowAligner {
  private readonly union: string[] | null = null;
  private readonly pMap: Int32Array | null = null;
  private readonly qMap: Int32Array | null = null;
  private readonly index: Map<string, number> | null = null;

  constructor(
    private readonly p: RawBatch,
    private readonly q: RawBatch | null,
  ) {
    if (p.columns && q?.columns) {
      const index = new Map<string, number>();
      const union: string[] = [];
      for (const name of [...p.columns, ...q.columns]) {
        if (!index.has(name)) {
          index.set(name, union.length);
          union.push(name);
        }
      }
      this.union = union;
      this.index = index;
      const sameOrder = union.length === p.columns.length && q.columns.every((name, j) => p.columns?.[j] === name) && q.columns.length === union.length;
      if (!sameOrder) {
        this.pMap = Int32Array.from(p.columns, (name) => index.get(name) as number);
        this.qMap = Int32Array.from(q.columns, (name) => index.get(name) as number);
      }
    } else if (q && (p.columns === null) !== (q.columns === null)) {
      const [named, positional] = p.columns ? ['P', 'Q'] : ['Q', 'P'];
      throw new InputError('label-mismatch', `${named}'s columns have names (a header) but ${positional}'s do not`, {
        hint: 'give both files a header, or neither (--no-header reads a header row as data)',
      });
    } else if (p.columns) {
      this.union = p.columns;
      this.index = new Map(p.columns.map((name, j) => [name, j]));
    }
  }

  /** Categories' labels when they are fixed for the whole batch. */
  get labels(): string[] | null {
    return this.union;
  }

  labelIndex(label: string): number | undefined {
    return this.index?.get(label);
  }

  align(pRow: RawRow, qRow: RawRow, pProbs: Float64Array, qProbs: Float64Array, rowIndex: number): AlignedRow {
    if (this.union) {
      if (!this.pMap || !this.qMap) return { labels: this.union, p: pProbs, q: qProbs };
      const p = new Float64Array(this.union.length);
      const q = new Float64Array(this.union.length);
      for (let j = 0; j < pProbs.length; j++) p[this.pMap[j] as number] = pProbs[j] as number;
      for (let j = 0; j < qProbs.length; j++) q[this.qMap[j] as number] = qProbs[j] as number;
      return { labels: this.union, p, q };
    }
    if (pRow.labels && qRow.labels) return alignByLabel(pProbs, pRow.labels, qProbs, qRow.labels);
    if (pRow.labels || qRow.labels) {
      throw new InputError('label-mismatch', `row ${rowIndex}: ${pRow.labels ? 'P' : 'Q'}'s row has labels (a JSON object) but the other side's does not`, {
        location: { source: (pRow.labels ? this.q?.source : this.p.source) ?? this.p.source },
      });
    }
    if (pProbs.length !== qProbs.length) {
      throw new InputError(
        'length-mismatch',
        `row ${rowIndex}: P (${this.p.source}) has ${plural(pProbs.length, 'category', 'categories')} but Q (${this.q?.source}) has ${plural(qProbs.length, 'category', 'categories')}`,
        {
          location: { source: this.p.source, ...(pRow.line === null ? {} : { line: pRow.line }) },
        },
      );
    }
    return { labels: null, p: pProbs, q: qProbs };
  }
}

async function countRemaining(iterator: AsyncIterator<unknown>): Promise<number> {
  let count = 0;
  while (!(await iterator.next()).done) count++;
  return count;
}

function resolveTarget(target: Target, labels: string[] | null, aligner: RowAligner, width: number, rowIndex: number, source: string): number {
  let index: number | undefined;
  if (typeof target.value === 'string') {
    index = labels ? (aligner.labelIndex(target.value) ?? labels.indexOf(target.value)) : undefined;
    if (index === undefined || index < 0) {
      throw new InputError('bad-target', `row ${rowIndex}: target ${JSON.stringify(target.value)} is not a category label`, {
        location: target.line === null ? { source } : { source, line: target.line },
      });
    }
    return index;
  }
  index = target.value;
  if (index < 0 || index >= width) {
    throw new InputError('bad-target', `row ${rowIndex}: target index ${index} is outside 0…${width - 1}`, {
      location: target.line === null ? { source } : { source, line: target.line },
    });
  }
  return index;
}

export interface BatchInputs {
  p: RawBatch;
  q: RawBatch | null;
  targets: { iterator: AsyncIterator<Target>; source: string } | null;
}

function batchSummary(input: InputRequest, batch: RawBatch, role: 'p' | 'q', rows: number, width: number, rescaled: boolean): InputSummary {
  return {
    role,
    source: batch.source,
    format: batch.format,
    kind: input.kind,
    categories: width,
    rows,
    mass: null,
    // Any row rescaled (with --normalize, or within --tolerance) makes the side normalised.
    normalized: input.kind === 'counts' || input.kind === 'logits' || rescaled,
  };
}

/** What one row contributes to the batch: its result, its support flags and widths. */
export interface RowOutcome {
  row: RowResult;
  pOnly: boolean;
  qOnly: boolean;
  pWidth: number;
  qWidth: number;
  /** The side's values were rescaled (probabilities or log-probabilities not summing to exactly 1). */
  pRescaled: boolean;
  qRescaled: boolean;
}

/** Whether preparing a side rescaled it: any mass other than exactly 1 (logits: always). */
export function wasRescaled(mass: number | null): boolean {
  return mass === null || mass !== 1;
}

/** The measures each row has: pairwise ones need Q, and only entropies make sense alone. */
export function rowMeasureNames(request: Request, hasQ: boolean): MeasureName[] {
  return request.pairwise && hasQ ? request.measureNames : request.measureNames.filter((name) => name === 'entropy_p' || (name === 'entropy_q' && hasQ));
}

/**
 * Computes rows one at a time: prepare each side, align, smooth, measure, targets. Shared by
 * the main thread and the batch worker (batch-worker.ts), so both compute rows identically.
 */
export class RowComputer {
  readonly pairwise: boolean;
  readonly measureNames: MeasureName[];
  readonly rankBy: MeasureName;
  private readonly aligner: RowAligner;
  // Row vectors live only until the row's numbers are taken, so each side reuses buffers.
  private readonly pScratch = new Scratch();
  private readonly qScratch = new Scratch();
  /** The last row's aligned vectors (reused buffers: valid until the next compute). */
  lastAligned: { labels: string[] | null; p: Float64Array; q: Float64Array } | null = null;

  constructor(
    private readonly request: Request,
    private readonly p: RawBatch,
    private readonly q: RawBatch | null,
    private readonly targetsSource: string | null,
  ) {
    this.pairwise = request.pairwise && q !== null;
    this.aligner = new RowAligner(p, q);
    this.measureNames = rowMeasureNames(request, q !== null);
    this.rankBy = (request.primary.find((name) => this.measureNames.includes(name)) ?? this.measureNames[0]) as MeasureName;
  }

  private prepare(row: RawRow, batch: RawBatch, input: InputRequest, scratch: Scratch, index: number) {
    return prepareOrThrow(
      row.values,
      input.kind,
      this.request.prepare,
      { source: batch.source, labels: row.labels ?? batch.columns, lines: null, rowLine: row.line, row: index },
      scratch,
    );
  }

  compute(pRow: RawRow, qRow: RawRow | null, target: Target | null, index: number): RowOutcome {
    const { request, p, q } = this;
    const pPrepared = this.prepare(pRow, p, request.p, this.pScratch, index);
    const pProbs = pPrepared.probs;
    const outcome: RowOutcome = {
      row: { index, line: pRow.line, measures: {} },
      pOnly: false,
      qOnly: false,
      pWidth: pRow.values.length,
      qWidth: 0,
      pRescaled: wasRescaled(pPrepared.mass),
      qRescaled: false,
    };
    const row = outcome.row;
    this.lastAligned = null;
    if (!(qRow && q && request.q)) {
      row.measures = computeMeasures(pProbs, pProbs, ['entropy_p'], request.base);
      return outcome;
    }
    const qPrepared = this.prepare(qRow, q, request.q, this.qScratch, index);
    const qProbs = qPrepared.probs;
    outcome.qWidth = qRow.values.length;
    outcome.qRescaled = wasRescaled(qPrepared.mass);
    if (!this.pairwise) {
      row.measures = computeMeasures(pProbs, pProbs, ['entropy_p'], request.base);
      row.measures.entropy_q = computeMeasures(qProbs, qProbs, ['entropy_p'], request.base).entropy_p as number;
      return outcome;
    }
    const aligned = this.aligner.align(pRow, qRow, pProbs, qProbs, index);
    const measured = measureAligned(aligned, pPrepared, qPrepared, this.measureNames, request);
    const pAligned = measured.p;
    const qAligned = measured.q;
    row.measures = measured.measures;
    outcome.pOnly = measured.pOnly > 0;
    outcome.qOnly = measured.qOnly > 0;
    this.lastAligned = { labels: aligned.labels, p: pAligned, q: qAligned };
    const pTop = argmax(pAligned);
    const qTop = argmax(qAligned);
    row.top1_agree = pTop === qTop;
    if (target && this.targetsSource !== null) {
      const t = resolveTarget(target, aligned.labels, this.aligner, pAligned.length, index, this.targetsSource);
      const pt = pAligned[t] as number;
      const qt = qAligned[t] as number;
      row.targets = {
        target: target.value,
        nll_p: toBase(-Math.log(pt), request.base),
        nll_q: toBase(-Math.log(qt), request.base),
        delta_p: qt - pt,
        correct_p: pTop === t,
        correct_q: qTop === t,
      };
    }
    return outcome;
  }
}

/**
 * Pairs the rows of P, Q (and targets) and computes each: the row-count checks live here.
 * `firstIndex` numbers the rows (a worker computing the second half starts there).
 */
export async function* computeRows(computer: RowComputer, inputs: BatchInputs, firstIndex = 0): AsyncGenerator<RowOutcome> {
  const { p, q, targets } = inputs;
  const pRows = p.rows[Symbol.asyncIterator]();
  const qRows = q ? q.rows[Symbol.asyncIterator]() : null;
  try {
    yield* pairRows(computer, inputs, pRows, qRows, firstIndex);
  } finally {
    // Stop the readers, and the worker threads behind some of them, however the rows ended:
    // an error in Q must not leave P's parser running with nobody to read it. (Settled, so
    // that a reader failing to stop cannot hide the error that stopped the rows.)
    await Promise.allSettled([pRows.return?.(undefined), qRows?.return?.(undefined), targets?.iterator.return?.(undefined)]);
  }
}

async function* pairRows(
  computer: RowComputer,
  inputs: BatchInputs,
  pRows: AsyncIterator<RawRow>,
  qRows: AsyncIterator<RawRow> | null,
  firstIndex: number,
): AsyncGenerator<RowOutcome> {
  const { p, q, targets } = inputs;
  const readNext = () => Promise.all([pRows.next(), qRows ? qRows.next() : Promise.resolve(null), targets ? targets.iterator.next() : Promise.resolve(null)]);
  /** The row-count checks at the end of the inputs: throws when P, Q and the targets disagree. */
  const checkEnd = async (next: Awaited<ReturnType<typeof readNext>>, index: number): Promise<boolean> => {
    const [pNext, qNext, targetNext] = next;
    const pDone = pNext.done === true;
    const qDone = qNext === null ? pDone : qNext.done === true;
    if (!pDone && !qDone) {
      if (targets && (!targetNext || targetNext.done)) {
        throw new InputError('row-count-mismatch', `--targets ends after ${plural(index, 'row')}; the inputs have more`, {
          location: { source: targets.source },
        });
      }
      return false;
    }
    if (pDone !== qDone && qRows) {
      const pCount = pDone ? index : index + 1 + (await countRemaining(pRows));
      const qCount = qDone ? index : index + 1 + (await countRemaining(qRows));
      throw new InputError('row-count-mismatch', `P (${p.source}) has ${plural(pCount, 'row')} but Q (${q?.source}) has ${plural(qCount, 'row')}`, {
        hint: 'rows pair one to one: row i of P with row i of Q (one distribution is a batch of one row)',
      });
    }
    if (targets && targetNext && !targetNext.done) {
      const extra = 1 + (await countRemaining(targets.iterator));
      throw new InputError('row-count-mismatch', `--targets has ${plural(index + extra, 'row')} but the inputs have ${plural(index, 'row')}`, {
        location: { source: targets.source },
      });
    }
    return true;
  };
  let index = firstIndex;
  let current = await readNext();
  if (await checkEnd(current, index)) return;
  for (;;) {
    const [pNext, qNext, targetNext] = current;
    const target = targetNext && !targetNext.done ? targetNext.value : null;
    const outcome = computer.compute(pNext.value as RawRow, qNext && !qNext.done ? (qNext.value as RawRow) : null, target, index);
    // One row ahead: a row-count mismatch at the end is found before the last row is handed
    // on (and printed), so a single pair with too many targets prints nothing. A bad value in
    // the next row is still reported after this row, as everywhere: rows before an error stream.
    let next: Awaited<ReturnType<typeof readNext>>;
    try {
      next = await readNext();
    } catch (error) {
      yield outcome;
      throw error;
    }
    const ended = await checkEnd(next, index + 1);
    yield outcome;
    if (ended) return;
    current = next;
    index++;
  }
}

export async function computeBatch(
  request: Request,
  inputs: BatchInputs,
  options: BatchOptions,
  /** Rows computed elsewhere (a worker), in order, after the ones read from `inputs`. */
  remote?: AsyncIterable<RowOutcome>,
): Promise<BatchResult> {
  const { p, q, targets } = inputs;
  const computer = new RowComputer(request, p, q, targets?.source ?? null);
  const { pairwise, measureNames, rankBy } = computer;
  const totals = new BatchSummary({ measureNames, targets: targets !== null, rankBy, worst: options.worst });
  const keptRows: RowResult[] | null = options.rows === 'all' && options.keepRows !== false ? [] : null;
  let kept: KeptRow | null = null;
  let keptValue: number | undefined;
  // Checks that exist only for one row (a bare measure name) or for two or more (stderr):
  // streamed output holds the first row back until the second arrives (or the input ends),
  // so that such a check fails before anything is printed.
  const rowCountChecks = new RowCountChecks(request.checks, BATCH_SCALARS);
  const emit = options.onRow;
  let held: RowResult | null = null;

  const absorb = (outcome: RowOutcome): void => {
    const { row } = outcome;
    const index = totals.count;
    const aligned = computer.lastAligned;
    const value = row.measures[rankBy] as number;
    if (aligned && (options.keep === row.index || (options.keep === 'worst' && (kept === null || value > (keptValue as number))))) {
      // Copies: the aligned vectors live in reused buffers.
      kept = { index: row.index, labels: aligned.labels, p: Float64Array.from(aligned.p), q: Float64Array.from(aligned.q) };
      keptValue = value;
    }
    totals.add(outcome);
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
  for await (const outcome of computeRows(computer, inputs)) absorb(outcome);
  if (remote) {
    computer.lastAligned = null;
    for await (const outcome of remote) absorb(outcome);
  }

  const count = totals.count;
  if (count === 0) throw new InputError('empty-input', 'has no rows', { location: { source: p.source } });
  rowCountChecks.validate(count);
  if (held && emit) emit(held);
  if (typeof options.keep === 'number' && kept === null) {
    throw new InputError('no-such-row', `--row ${options.keep}: the batch has ${plural(count, 'row')} (0…${count - 1})`);
  }

  const { summaryNames, summary, rankValues } = totals.finish();
  const scalars = new Map<BatchScalar, number>();
  if (pairwise) scalars.set('top1_agreement', totals.top1Agreements / count);
  if (targets && pairwise) {
    scalars.set('accuracy_p', totals.correctP / count);
    scalars.set('accuracy_q', totals.correctQ / count);
    // Perplexity is base-independent: exp of the mean NLL in nats.
    scalars.set('perplexity_p', Math.exp((summary.get('nll_p') as SummaryStats).mean * request.base.lnBase));
    scalars.set('perplexity_q', Math.exp((summary.get('nll_q') as SummaryStats).mean * request.base.lnBase));
  }

  const names = { p: p.source, q: q?.source ?? null };
  const warnings = pairwise ? batchSupportWarnings(totals, measureNames, names, request.smooth === 0) : [];

  const lookup = (name: string): number | undefined => {
    if ((BATCH_SCALARS as readonly string[]).includes(name)) return scalars.get(name as BatchScalar);
    const dot = name.lastIndexOf('.');
    // A bare measure name: the value of the one row (RowCountChecks refused it for more).
    if (dot < 0) return count === 1 ? summary.get(name)?.mean : undefined;
    const stat = summary.get(name.slice(0, dot))?.[name.slice(dot + 1) as keyof SummaryStats];
    return typeof stat === 'number' && !name.endsWith('.argmin') && !name.endsWith('.argmax') ? stat : undefined;
  };
  const available = (): string[] => [...[...scalars.keys()], ...summaryNames.flatMap((name) => STAT_NAMES.map((stat) => `${name}.${stat}`))];

  const rescaledByRequest = request.prepare.normalize;
  const summaries = [batchSummary(request.p, p, 'p', count, totals.pWidth, rescaledByRequest || totals.pRescaled)];
  if (q && request.q) summaries.push(batchSummary(request.q, q, 'q', count, totals.qWidth, rescaledByRequest || totals.qRescaled));
  return {
    type: 'batch',
    command: request.command,
    unit: request.base.unit,
    base: request.base.value,
    names,
    inputs: summaries,
    rowCount: count,
    measureNames: [...measureNames],
    primary: request.primary.filter((name) => measureNames.includes(name)),
    summaryNames,
    summary,
    scalars,
    rowsMode: options.rows,
    rows: options.rows === 'all' ? keptRows : options.rows === 'worst' ? [...totals.worst] : null,
    worstBy: rankBy,
    worst: totals.worst,
    support: pairwise ? { rows_p_only: totals.rowsPOnly, rows_q_only: totals.rowsQOnly } : null,
    warnings,
    checks: evaluateChecks(request.checks, lookup, available),
    kept,
    // The column the statistics were taken from; nothing writes to it any more.
    rankValues,
    contributions: null,
    commandLine: request.commandLine,
  };
}
