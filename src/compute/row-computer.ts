/**
 * One batch row at a time: prepare each side, align, smooth, measure, resolve the target.
 * Shared by the main thread and the batch worker (batch-worker.ts), so both compute rows
 * identically.
 */
import { at, InputError } from '../errors.js';
import type { Target } from '../io/targets.js';
import type { RawBatch, RawRow } from '../io/types.js';
import { type LogBase, toBase } from '../measures/base.js';
import { entropyOf, type MeasureName } from '../measures/catalog.js';
import { type Kind, type PrepareOptions, Scratch, SharedSoftmaxWorkspace } from '../measures/prepare.js';
import { argmax } from '../measures/stats.js';
import { topkPartition } from '../measures/topk.js';
import type { RowResult } from '../result.js';
import { measureAligned } from './pair.js';
import { prepareOrThrow } from './prepare-input.js';
import type { Request } from './request.js';
import { RowAligner } from './row-aligner.js';

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
  /**
   * The row's aligned distributions (in reused buffers: valid until the next row is
   * computed), for the batch to copy the row that explain and reports show. Only rows
   * computed on this thread have them; outcomes from workers do not.
   */
  aligned?: { labels: string[] | null; p: Float64Array; q: Float64Array };
}

/** Whether preparing a side rescaled it: any mass other than exactly 1 (logits: always). */
export function wasRescaled(mass: number | null): boolean {
  return mass === null || mass !== 1;
}

/**
 * What computing a row needs of the request, and all that a worker thread is sent: no
 * paths, checks, report or command line.
 */
export interface RowPlan {
  measureNames: MeasureName[];
  primary: MeasureName[];
  pairwise: boolean;
  pKind: Kind;
  /** Null when there is no Q. */
  qKind: Kind | null;
  prepare: PrepareOptions;
  smooth: number;
  base: LogBase;
}

export function rowPlanOf(request: Request): RowPlan {
  return {
    measureNames: request.measureNames,
    primary: request.primary,
    pairwise: request.pairwise,
    pKind: request.p.kind,
    qKind: request.q?.kind ?? null,
    prepare: request.prepare,
    smooth: request.smooth,
    base: request.base,
  };
}

/** The measures each row has: pairwise ones need Q, and only entropies make sense alone. */
export function rowMeasureNames(plan: Pick<RowPlan, 'pairwise' | 'measureNames'>, hasQ: boolean): MeasureName[] {
  return plan.pairwise && hasQ ? plan.measureNames : plan.measureNames.filter((name) => name === 'entropy_p' || (name === 'entropy_q' && hasQ));
}

function resolveTarget(
  target: Target & { value: number | string },
  labels: string[] | null,
  aligner: RowAligner,
  width: number,
  rowIndex: number,
  source: string,
): number {
  let index: number | undefined;
  if (typeof target.value === 'string') {
    index = labels ? (aligner.labelIndex(target.value) ?? labels.indexOf(target.value)) : undefined;
    if (index === undefined || index < 0) {
      throw new InputError('bad-target', `row ${rowIndex}: target ${JSON.stringify(target.value)} is not a category label`, {
        location: at(source, target.line),
      });
    }
    return index;
  }
  index = target.value;
  if (index < 0 || index >= width) {
    throw new InputError('bad-target', `row ${rowIndex}: target index ${index} is outside 0…${width - 1}`, {
      location: at(source, target.line),
      // PyTorch pads targets with -100: say how to leave such rows out.
      ...(index < 0 ? { hint: `--ignore-index ${index} leaves the rows with this target out (PyTorch's padding)` } : {}),
    });
  }
  return index;
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
  // Row vectors live only until the row's numbers are taken, so each side reuses buffers;
  // the two sides' softmax outputs share one workspace (the kernel's divergence pass reads both).
  private readonly workspaces = new SharedSoftmaxWorkspace();
  private readonly pScratch = new Scratch(this.workspaces, 0);
  private readonly qScratch = new Scratch(this.workspaces, 1);

  constructor(
    private readonly plan: RowPlan,
    private readonly p: RawBatch,
    private readonly q: RawBatch | null,
    private readonly targetsSource: string | null,
  ) {
    this.pairwise = plan.pairwise && q !== null;
    this.aligner = new RowAligner(p, q);
    this.measureNames = rowMeasureNames(plan, q !== null);
    this.rankBy = (plan.primary.find((name) => this.measureNames.includes(name)) ?? this.measureNames[0]) as MeasureName;
  }

  private prepare(row: RawRow, batch: RawBatch, kind: Kind, scratch: Scratch, index: number) {
    return prepareOrThrow(
      row.values,
      kind,
      this.plan.prepare,
      { source: batch.source, labels: row.labels ?? batch.columns, lines: null, rowLine: row.line, row: index },
      scratch,
    );
  }

  private topkAligned(pRow: RawRow, qRow: RawRow, pProbs: Float64Array, qProbs: Float64Array, index: number) {
    const pLabels = pRow.labels ?? this.p.columns;
    const qLabels = qRow.labels ?? this.q?.columns ?? null;
    if (!pLabels || !qLabels) {
      throw new InputError('json-shape', `row ${index}: top-k log-probabilities need their tokens: one object of token → log-probability per position`, {
        location: { source: (pLabels ? this.q?.source : this.p.source) ?? this.p.source },
      });
    }
    return topkPartition(pLabels, pProbs, qLabels, qProbs);
  }

  compute(pRow: RawRow, qRow: RawRow | null, target: Target | null, index: number): RowOutcome {
    const { plan, p, q } = this;
    const pPrepared = this.prepare(pRow, p, plan.pKind, this.pScratch, index);
    const pProbs = pPrepared.probs;
    const outcome: RowOutcome = {
      row: { index, line: pRow.line, measures: {} },
      pOnly: false,
      qOnly: false,
      pWidth: pRow.values.length,
      qWidth: 0,
      pRescaled: wasRescaled(pPrepared.mass),
      qRescaled: false,
      // Set once the row is aligned; present from the start so every outcome has one shape.
      aligned: undefined,
    };
    const row = outcome.row;
    if (!(qRow && q && plan.qKind)) {
      row.measures = { entropy_p: entropyOf(pProbs, plan.base) };
      return outcome;
    }
    const qPrepared = this.prepare(qRow, q, plan.qKind, this.qScratch, index);
    const qProbs = qPrepared.probs;
    outcome.qWidth = qRow.values.length;
    outcome.qRescaled = wasRescaled(qPrepared.mass);
    if (!this.pairwise) {
      row.measures = { entropy_p: entropyOf(pProbs, plan.base), entropy_q: entropyOf(qProbs, plan.base) };
      return outcome;
    }
    // Top-k lists: compared over the partition of shared tokens and the rest (topk.ts).
    const aligned =
      plan.pKind === 'topk-logprobs' ? this.topkAligned(pRow, qRow, pProbs, qProbs, index) : this.aligner.align(pRow, qRow, pProbs, qProbs, index);
    const measured = measureAligned(aligned, pPrepared, qPrepared, this.measureNames, plan);
    const pAligned = measured.p;
    const qAligned = measured.q;
    row.measures = measured.measures;
    outcome.pOnly = measured.pOnly > 0;
    outcome.qOnly = measured.qOnly > 0;
    outcome.aligned = { labels: aligned.labels, p: pAligned, q: qAligned };
    // The WebAssembly softmax finds each side's argmax on its way: valid while the row
    // measured is the softmax's own array (no alignment or smoothing made a new one).
    const pTop = pAligned === pPrepared.probs && pPrepared.argmax !== undefined ? pPrepared.argmax : argmax(pAligned);
    const qTop = qAligned === qPrepared.probs && qPrepared.argmax !== undefined ? qPrepared.argmax : argmax(qAligned);
    row.top1_agree = pTop === qTop;
    if (target && target.value !== null && this.targetsSource !== null) {
      const t = resolveTarget(target as Target & { value: number | string }, aligned.labels, this.aligner, pAligned.length, index, this.targetsSource);
      const pt = pAligned[t] as number;
      const qt = qAligned[t] as number;
      row.targets = {
        target: target.value as number | string,
        nll_p: toBase(-Math.log(pt), plan.base),
        nll_q: toBase(-Math.log(qt), plan.base),
        delta_p: qt - pt,
        correct_p: pTop === t,
        correct_q: qTop === t,
      };
    }
    return outcome;
  }
}
