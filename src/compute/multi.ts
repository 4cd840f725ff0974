/**
 * More than two distributions: `kl js P Q R …` (the generalised Jensen–Shannon divergence,
 * with weights) and `kl matrix P Q R …` / `kl matrix rows.csv` (a measure between every
 * pair). Every input is read and prepared as for two; all are aligned by label over the
 * union of their labels (positional inputs must have one length).
 */
import { InputError, UsageError } from '../errors.js';
import { readInput } from '../io/read.js';
import type { StdinProvider } from '../io/source.js';
import { computeMeasures, type MeasureName } from '../measures/catalog.js';
import { generalizedJs } from '../measures/mixture.js';
import type { CheckResult, MultiResult } from '../result.js';
import { evaluateChecks } from './checks.js';
import { prepareOrThrow } from './prepare-input.js';
import { type InputRequest, type Request, readRequestOf, withImpliedKind } from './request.js';

export interface MultiRequest {
  request: Request;
  inputs: InputRequest[];
  mode: 'js' | 'matrix';
  /** js: the weights, in input order (null: equal). */
  weights: number[] | null;
  /** matrix: the measure. */
  measure: MeasureName;
}

interface Distribution {
  name: string;
  probs: Float64Array;
  labels: string[] | null;
}

async function readAll(multi: MultiRequest, stdin: StdinProvider): Promise<Distribution[]> {
  const out: Distribution[] = [];
  const { request } = multi;
  for (const given of multi.inputs) {
    const { input: raw, format } = await readInput(readRequestOf(given), stdin);
    const input = withImpliedKind(given, format);
    if (raw.shape === 'distribution') {
      const prepared = prepareOrThrow(raw.values, input.kind, request.prepare, { source: raw.source, labels: raw.labels, lines: raw.lines });
      out.push({ name: raw.source, probs: Float64Array.from(prepared.probs), labels: raw.labels });
      continue;
    }
    let index = 0;
    for await (const row of raw.rows) {
      const labels = row.labels ?? raw.columns;
      const prepared = prepareOrThrow(row.values, input.kind, request.prepare, { source: raw.source, labels, lines: null, rowLine: row.line, row: index });
      out.push({ name: `${raw.source}[${index}]`, probs: Float64Array.from(prepared.probs), labels });
      index++;
    }
  }
  return out;
}

/** Aligns every distribution over the union of the labels (first seen first), or by position. */
function alignAll(distributions: Distribution[]): Float64Array[] {
  const labelled = distributions.filter((d) => d.labels !== null).length;
  if (labelled === 0) {
    const width = distributions[0]?.probs.length ?? 0;
    const other = distributions.find((d) => d.probs.length !== width);
    if (other) {
      throw new InputError('length-mismatch', `${other.name} has ${other.probs.length} categories but ${distributions[0]?.name} has ${width}`, {
        hint: 'positional inputs align by position: give them the same length, or label the categories',
      });
    }
    return distributions.map((d) => d.probs);
  }
  if (labelled !== distributions.length) {
    const unlabelled = distributions.find((d) => d.labels === null) as Distribution;
    throw new InputError('label-mismatch', `${unlabelled.name} has no category labels, but others do: kl cannot tell which categories are the same`);
  }
  const index = new Map<string, number>();
  for (const d of distributions) for (const label of d.labels as string[]) if (!index.has(label)) index.set(label, index.size);
  return distributions.map((d) => {
    const aligned = new Float64Array(index.size);
    (d.labels as string[]).forEach((label, i) => {
      aligned[index.get(label) as number] = d.probs[i] as number;
    });
    return aligned;
  });
}

export async function runMulti(multi: MultiRequest, stdin: StdinProvider): Promise<MultiResult> {
  const { request } = multi;
  const distributions = await readAll(multi, stdin);
  if (distributions.length < 2)
    throw new InputError(
      'no-data',
      `${multi.mode === 'matrix' ? 'kl matrix' : 'kl js'} needs at least two distributions; the input has ${distributions.length}`,
    );
  if (multi.weights && multi.weights.length !== distributions.length) {
    throw new UsageError(
      'bad-option',
      `--weights has ${multi.weights.length} ${multi.weights.length === 1 ? 'weight' : 'weights'} for ${distributions.length} distributions`,
    );
  }
  const aligned = alignAll(distributions);
  const weights = multi.weights ?? distributions.map(() => 1 / distributions.length);
  const names = distributions.map((d) => d.name);
  if (multi.mode === 'matrix') {
    const matrix = aligned.map((p) => aligned.map((q) => computeMeasures(p, q, [multi.measure], request.base)[multi.measure] as number));
    // A --max gates the largest pair, a --min the smallest (a loop: no spread of N² values).
    let largest = -Infinity;
    let smallest = Infinity;
    matrix.forEach((row, i) => {
      row.forEach((entry, j) => {
        if (i === j) return;
        if (entry > largest) largest = entry;
        if (entry < smallest) smallest = entry;
      });
    });
    const checks = request.checks.map((spec): CheckResult => {
      if (spec.name !== multi.measure)
        throw new UsageError('unknown-check', `--${spec.op} ${spec.name}: kl matrix checks the measure it shows (${multi.measure})`);
      const extreme = spec.op === 'max' ? largest : smallest;
      return { name: spec.name, op: spec.op, limit: spec.limit, value: extreme, passed: spec.op === 'max' ? extreme <= spec.limit : extreme >= spec.limit };
    });
    return {
      type: 'multi',
      command: request.command,
      mode: 'matrix',
      unit: request.base.unit,
      base: request.base.value,
      names,
      weights,
      value: null,
      measure: multi.measure,
      matrix,
      checks,
      warnings: [],
      commandLine: request.commandLine,
    };
  }
  const value = generalizedJs(aligned, weights, request.base);
  const lookup = (name: string): number | undefined => (name === 'js_divergence' ? value : undefined);
  return {
    type: 'multi',
    command: request.command,
    mode: multi.mode,
    unit: request.base.unit,
    base: request.base.value,
    names,
    weights,
    value,
    measure: null,
    matrix: null,
    checks: evaluateChecks(request.checks, lookup, () => ['js_divergence']),
    warnings: [],
    commandLine: request.commandLine,
  };
}
