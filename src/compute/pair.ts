/**
 * One pair of distributions: read → prepare each side → align → smooth → measure.
 * Returns a PairResult; never prints.
 */

import { alignPair } from '../io/align.js';
import type { RawDistribution } from '../io/types.js';
import { entropyOf, type MeasuredPair, type MeasureName, type Measures, measurePair } from '../measures/catalog.js';
import { smooth } from '../measures/prepare.js';
import { argmax } from '../measures/stats.js';
import type { ExplainResult, InputSummary, PairResult, Role, SupportSummary } from '../result.js';
import { BATCH_SCALARS } from '../result.js';
import { evaluateChecks, pairCheckValue, RowCountChecks } from './checks.js';
import { explainPair } from './explanation.js';
import { prepareOrThrow } from './prepare-input.js';
import type { InputRequest, Request } from './request.js';
import { supportWarnings } from './warnings.js';

export interface PreparedSide {
  raw: RawDistribution;
  probs: Float64Array;
  logProbs: Float64Array | undefined;
  summary: InputSummary;
}

export function prepareSide(raw: RawDistribution, input: InputRequest, role: Role, request: Request): PreparedSide {
  const prepared = prepareOrThrow(raw.values, input.kind, request.prepare, {
    source: raw.source,
    labels: raw.labels,
    lines: raw.lines,
  });
  const rescaled = prepared.mass === null || prepared.mass !== 1;
  return {
    raw,
    probs: prepared.probs,
    logProbs: prepared.logProbs,
    summary: {
      role,
      source: raw.source,
      format: raw.format,
      kind: input.kind,
      categories: raw.values.length,
      mass: prepared.mass,
      // Rescaled at all (with --normalize, or within --tolerance) is normalised: never silent.
      normalized: input.kind === 'counts' || input.kind === 'logits' || request.prepare.normalize || rescaled,
    },
  };
}

/** One side after --kind conversion: probabilities, and log-probabilities when a log-softmax gave them. */
interface SideProbabilities {
  probs: Float64Array;
  logProbs?: Float64Array | undefined;
}

/**
 * Smooths (with --smooth) and measures an aligned pair: shared by single pairs and batch rows.
 * The log-softmax's log-probabilities are reused only when alignment and smoothing left the
 * vectors untouched, since they describe those exact vectors.
 */
export function measureAligned(
  aligned: { p: Float64Array; q: Float64Array },
  p: SideProbabilities,
  q: SideProbabilities,
  names: readonly MeasureName[],
  request: Pick<Request, 'smooth' | 'base'>,
): MeasuredPair & { p: Float64Array; q: Float64Array } {
  const pProbs = request.smooth > 0 ? smooth(aligned.p, request.smooth) : aligned.p;
  const qProbs = request.smooth > 0 ? smooth(aligned.q, request.smooth) : aligned.q;
  const logs = p.logProbs && q.logProbs && pProbs === p.probs && qProbs === q.probs ? { p: p.logProbs, q: q.logProbs } : undefined;
  // Fields copied one by one: an object spread per batch row is a slow generic clone.
  // Sides that went through a softmax sum to 1 by construction (alignment adds only zeros,
  // smoothing renormalises).
  const normalized = p.logProbs !== undefined && q.logProbs !== undefined;
  const { measures, pOnly, qOnly } = measurePair(pProbs, qProbs, names, request.base, logs, normalized);
  return { measures, pOnly, qOnly, p: pProbs, q: qProbs };
}

export function computePair(request: Request, pRaw: RawDistribution, qRaw: RawDistribution | null): PairResult | ExplainResult {
  const p = prepareSide(pRaw, request.p, 'p', request);
  const q = qRaw && request.q ? prepareSide(qRaw, request.q, 'q', request) : null;
  const names = { p: p.raw.source, q: q?.raw.source ?? null };
  const base = { command: request.command, unit: request.base.unit, base: request.base.value, names };

  if (!q || !request.pairwise) {
    // Entropy: each side on its own support.
    const measures: Measures = { entropy_p: entropyOf(p.probs, request.base) };
    if (q) measures.entropy_q = entropyOf(q.probs, request.base);
    const measureNames = request.measureNames.filter((name) => measures[name] !== undefined);
    new RowCountChecks(request.checks, BATCH_SCALARS).validate(1);
    return {
      type: 'pair',
      ...base,
      inputs: q ? [p.summary, q.summary] : [p.summary],
      measureNames,
      measures,
      primary: request.primary.filter((name) => measures[name] !== undefined),
      support: null,
      warnings: [],
      checks: evaluateChecks(
        request.checks,
        (name) => pairCheckValue(name, measures, new Map()),
        () => measureNames,
      ),
      contributions: null,
      commandLine: request.commandLine,
    };
  }

  const aligned = alignPair(
    { role: 'P', source: p.raw.source, probs: p.probs, labels: p.raw.labels },
    { role: 'Q', source: q.raw.source, probs: q.probs, labels: q.raw.labels },
  );
  const { measures, pOnly, qOnly, p: pProbs, q: qProbs } = measureAligned(aligned, p, q, request.measureNames, request);
  const support: SupportSummary = { categories: pProbs.length, p_only: pOnly, q_only: qOnly };
  const warnings = supportWarnings(
    support,
    request.measureNames,
    { p: names.p, q: q.raw.source },
    { labels: aligned.labels, p: pProbs, q: qProbs },
    request.smooth === 0,
  );
  const explain = request.contributions ? explainPair(pProbs, qProbs, aligned.labels, request.base, request.contributions.top, null) : null;
  // A pair is a batch of one row: the same checks apply (top1_agreement is 1 or 0).
  new RowCountChecks(request.checks, BATCH_SCALARS).validate(1);
  const scalars = new Map([['top1_agreement', argmax(pProbs) === argmax(qProbs) ? 1 : 0]]);
  const shared = {
    ...base,
    commandLine: request.commandLine,
    inputs: [p.summary, q.summary],
    measureNames: [...request.measureNames],
    measures,
    primary: [...request.primary],
    support,
    warnings,
    checks: evaluateChecks(
      request.checks,
      (name) => pairCheckValue(name, measures, scalars),
      () => [...request.measureNames],
    ),
  };
  if (request.view === 'explain' && explain) return { type: 'explain', ...shared, explain, batch: null };
  return { type: 'pair', ...shared, contributions: explain };
}
