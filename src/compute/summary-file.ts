/**
 * A batch's mergeable state on disk (--save-summary) and the merge of such files (kl merge):
 * versioned JSON holding what the result needs besides the rows (the BatchContext), which
 * shards of how many it covers, and the BatchSummary (batch-summary.ts): counts, running
 * moments or kept values, sketches, extremes with their rows, the worst rows.
 *
 * Numbers JSON has not (±Infinity, NaN, -0) are written as {"$float": "Infinity"}: an
 * object, so that no string (a label, a path) can be mistaken for one.
 *
 * Merging refuses what one run could not have produced: summaries of another schema
 * version, of different commands, measures, units, kinds, options or inputs, of different
 * shard counts, or covering a shard twice.
 */
import { plural } from '../display.js';
import { InputError } from '../errors.js';
import { MEASURE_NAMES } from '../measures/catalog.js';
import type { ShardSpan } from '../result.js';
import type { BatchContext, SavedBatch } from './batch.js';
import { BatchSummary, type BatchSummaryJson } from './batch-summary.js';

export const SUMMARY_SCHEMA = 'kl-batch-summary';
export const SUMMARY_VERSION = 1;

export interface SummaryFile {
  schema: typeof SUMMARY_SCHEMA;
  schema_version: typeof SUMMARY_VERSION;
  kl_version: string;
  context: BatchContext;
  /** The rows covered: shards `indices` of `count` (a run without --shard: shard 0 of 1). */
  shards: { count: number; indices: number[] };
  first_row: number;
  ignored_rows: number;
  state: BatchSummaryJson;
}

const FLOAT_TAG = '$float';

function encodeNumber(_key: string, value: unknown): unknown {
  if (typeof value !== 'number' || (Number.isFinite(value) && !Object.is(value, -0))) return value;
  return { [FLOAT_TAG]: Object.is(value, -0) ? '-0' : String(value) };
}

function decodeNumber(_key: string, value: unknown): unknown {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const keys = Object.keys(value);
    const tagged = (value as Record<string, unknown>)[FLOAT_TAG];
    if (keys.length === 1 && typeof tagged === 'string') return Number(tagged);
  }
  return value;
}

/**
 * The summary of a batch result as the file's text. `exact`: keep the values (exact
 * percentiles after the merge); otherwise the state is sketched first, whatever its size.
 */
export function summaryFileText(saved: SavedBatch, klVersion: string, exact: boolean): string {
  const { totals } = saved;
  if (!exact) totals.approximate();
  const shard: ShardSpan = saved.shard ?? { index: 0, count: 1, firstRow: 0 };
  const file: SummaryFile = {
    schema: SUMMARY_SCHEMA,
    schema_version: SUMMARY_VERSION,
    kl_version: klVersion,
    context: saved.context,
    shards: { count: shard.count, indices: [shard.index] },
    first_row: shard.firstRow,
    ignored_rows: saved.ignoredRows,
    state: totals.toJSON(),
  };
  return stringifySummary(file);
}

/** JSON with ±Infinity, NaN and -0 kept (as tagged objects). */
export function stringifySummary(value: unknown): string {
  return `${JSON.stringify(value, encodeNumber)}\n`;
}

/** The inverse of stringifySummary. */
export function parseSummaryJson(text: string): unknown {
  return JSON.parse(text, decodeNumber);
}

function notASummary(source: string, why: string): InputError {
  return new InputError('bad-summary', `is not a kl batch summary: ${why}`, {
    location: { source },
    hint: 'kl merge reads the files written by --save-summary',
  });
}

/** Reads a summary file's text: refused unless it is a summary of this schema version. */
export function parseSummaryFile(text: string, source: string): SummaryFile {
  let parsed: unknown;
  try {
    parsed = parseSummaryJson(text);
  } catch (error) {
    throw notASummary(source, `not JSON (${(error as Error).message})`);
  }
  const file = parsed as Partial<SummaryFile> | null;
  if (file === null || typeof file !== 'object' || file.schema !== SUMMARY_SCHEMA) throw notASummary(source, `no "schema": "${SUMMARY_SCHEMA}"`);
  if (file.schema_version !== SUMMARY_VERSION) {
    throw new InputError(
      'summary-version',
      `is a summary of schema version ${String(file.schema_version)} (kl ${String(file.kl_version)}); this kl reads version ${SUMMARY_VERSION}`,
      { location: { source }, hint: 'run every shard and the merge with the same kl version' },
    );
  }
  const problem = shapeProblem(file as SummaryFile);
  if (problem) throw notASummary(source, problem);
  return file as SummaryFile;
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
const isFiniteNumber = (value: unknown): value is number => typeof value === 'number' && Number.isFinite(value);
const isObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);
const KNOWN_MEASURES: ReadonlySet<unknown> = new Set(MEASURE_NAMES);

function inputProblem(input: unknown): boolean {
  return !isObject(input) || !isString(input['source']) || !isString(input['format']) || !isString(input['kind']);
}

/** What is wrong with a parsed summary's structure (every field merge and the output read), or null. */
function shapeProblem(file: SummaryFile): string | null {
  const { context, shards, state } = file as Partial<SummaryFile>;
  if (!isObject(context) || !isObject(shards) || !isObject(state)) return 'fields are missing';
  if (!isString(context.command) || !isString(context.unit) || !isFiniteNumber(context.base) || !isFiniteNumber(context.lnBase))
    return 'its context is damaged';
  if (!isObject(context.inputs) || inputProblem(context.inputs.p) || (context.inputs.q !== null && inputProblem(context.inputs.q)))
    return 'its inputs are damaged';
  if (typeof context.pairwise !== 'boolean' || typeof context.normalize !== 'boolean' || typeof context.smoothed !== 'boolean' || !isObject(context.options)) {
    return 'its options are damaged';
  }
  if (!Array.isArray(context.percentiles) || !context.percentiles.every((percent) => isFiniteNumber(percent) && percent > 0 && percent < 100)) {
    return 'its percentiles are damaged';
  }
  const measures = (names: unknown): boolean => Array.isArray(names) && names.every((name) => KNOWN_MEASURES.has(name));
  if (!measures(context.measureNames) || !measures(context.primary)) return 'its measures are damaged';
  if (!isCount(shards.count) || shards.count < 1 || !Array.isArray(shards.indices) || shards.indices.length === 0) return 'its shards are damaged';
  if (!shards.indices.every((index) => isCount(index) && index < shards.count)) return 'its shards are damaged';
  if (!isCount(file.first_row) || !isCount(file.ignored_rows)) return 'its row counts are damaged';
  const { shape } = state;
  if (!isObject(shape) || !measures(shape.measureNames) || typeof shape.targets !== 'boolean' || !isCount(shape.worst)) return 'its state is damaged';
  if (!shape.measureNames.includes(shape.rankBy) || JSON.stringify(shape.measureNames) !== JSON.stringify(context.measureNames)) return 'its state is damaged';
  if (typeof state.exact !== 'boolean' || !isObject(state.columns) || !Array.isArray(state.worst)) return 'its state is damaged';
  const counters = [state.count, state.rowsPOnly, state.rowsQOnly, state.top1Agreements, state.correctP, state.correctQ, state.pWidth, state.qWidth];
  if (!counters.every(isCount) || state.count < 1) return 'its counts are damaged';
  if (!Number.isSafeInteger(state.firstPOnlyRow) || !Number.isSafeInteger(state.firstQOnlyRow)) return 'its counts are damaged';
  if (typeof state.pRescaled !== 'boolean' || typeof state.qRescaled !== 'boolean') return 'its counts are damaged';
  const rowProblem = (row: unknown): boolean =>
    !isObject(row) ||
    !isCount(row['index']) ||
    !(row['line'] === null || isCount(row['line'])) ||
    !isObject(row['measures']) ||
    !Object.entries(row['measures']).every(([name, value]) => KNOWN_MEASURES.has(name) && typeof value === 'number' && !Number.isNaN(value)) ||
    !(row['targets'] === undefined || isObject(row['targets'])) ||
    !(row['top1_agree'] === undefined || typeof row['top1_agree'] === 'boolean');
  if (state.worst.some(rowProblem)) return 'its worst rows are damaged';
  for (const [name, column] of Object.entries(state.columns)) {
    if (
      !isObject(column) ||
      Number.isNaN(column.min) ||
      Number.isNaN(column.max) ||
      typeof column.min !== 'number' ||
      typeof column.max !== 'number' ||
      !isCount(column.minRow) ||
      !isCount(column.maxRow)
    ) {
      return `its column ${name} is damaged`;
    }
    const sketch = column.sketch as unknown;
    const bucketsOk = (buckets: unknown) =>
      Array.isArray(buckets) && buckets.every((pair) => Array.isArray(pair) && Number.isSafeInteger(pair[0]) && isCount(pair[1]));
    const exactOk = isString(column.values);
    const moments = column.moments as unknown;
    const momentsOk =
      isObject(moments) &&
      isCount(moments['count']) &&
      isCount(moments['finite']) &&
      Array.isArray(moments['sum']) &&
      moments['sum'].length === 2 &&
      moments['sum'].every((part) => typeof part === 'number' && !Number.isNaN(part)) &&
      isFiniteNumber(moments['mean']) &&
      isFiniteNumber(moments['m2']) &&
      (moments['m2'] as number) >= 0;
    const sketchedOk =
      momentsOk &&
      isObject(sketch) &&
      isFiniteNumber(sketch['relative_accuracy']) &&
      (sketch['relative_accuracy'] as number) > 0 &&
      (sketch['relative_accuracy'] as number) < 1 &&
      isCount(sketch['zeros']) &&
      isCount(sketch['positive_infinities']) &&
      isCount(sketch['negative_infinities']) &&
      bucketsOk(sketch['positive']) &&
      bucketsOk(sketch['negative']);
    if (!(state.exact ? exactOk : sketchedOk)) return `its column ${name} is damaged`;
  }
  return null;
}

/** What must be equal for two summaries to be parts of one run, with how to say it. */
const SAME_RUN: { what: string; of: (file: SummaryFile) => unknown }[] = [
  { what: 'command', of: (file) => file.context.command },
  { what: 'measures', of: (file) => file.context.measureNames.join(',') },
  { what: 'unit', of: (file) => `${file.context.unit} (base ${file.context.base})` },
  { what: 'kind of P', of: (file) => file.context.inputs.p.kind },
  { what: 'kind of Q', of: (file) => file.context.inputs.q?.kind ?? 'none' },
  { what: 'P', of: (file) => file.context.inputs.p.source },
  { what: 'Q', of: (file) => file.context.inputs.q?.source ?? 'none' },
  { what: 'targets', of: (file) => (file.state.shape.targets ? 'with --targets' : 'without --targets') },
  { what: 'options', of: (file) => optionsOf(file.context) },
  { what: '--percentiles', of: (file) => file.context.percentiles.join(',') || 'none' },
  { what: '--worst', of: (file) => String(file.state.shape.worst) },
  { what: 'shard count', of: (file) => `${file.shards.count}` },
];

/** The options that change the numbers or the rows, as one line: `normalize=false tolerance=1e-6 …`. */
function optionsOf(context: BatchContext): string {
  return Object.entries({ normalize: context.normalize, ...context.options })
    .map(([name, value]) => `${name}=${String(value)}`)
    .join(' ');
}

export interface MergedSummaries {
  context: BatchContext;
  totals: BatchSummary;
  shards: { count: number; indices: number[] };
  firstRow: number;
  ignoredRows: number;
  /** Whether every part kept its values (the merge's percentiles are then exact). */
  exact: boolean;
  /** The shards of `count` that no part covers. */
  missing: number[];
}

/** Merges summary files (in any order) into one, refusing what one run could not have produced. */
export function mergeSummaryFiles(parts: { source: string; file: SummaryFile }[]): MergedSummaries {
  const [first, ...rest] = parts;
  if (!first) throw new InputError('no-data', 'kl merge needs at least one summary file');
  for (const part of rest) {
    for (const { what, of } of SAME_RUN) {
      const mine = of(part.file);
      const theirs = of(first.file);
      if (mine !== theirs) {
        throw new InputError('summary-mismatch', `${first.source} and ${part.source} are not parts of one run: ${what} ${String(theirs)} ≠ ${String(mine)}`, {
          hint: 'kl merge combines the --save-summary files of one command over the same inputs, run with --shard I/N for every I',
        });
      }
    }
  }
  // Row order: a part's rows all precede those of a part with a later first shard.
  const ordered = [...parts].sort((a, b) => Math.min(...a.file.shards.indices) - Math.min(...b.file.shards.indices));
  const covered = new Map<number, string>();
  for (const { source, file } of ordered) {
    for (const index of file.shards.indices) {
      const before = covered.get(index);
      if (before !== undefined) {
        throw new InputError('summary-overlap', `${before} and ${source} both cover shard ${index}/${file.shards.count}: its rows would count twice`, {
          hint: 'give each shard once',
        });
      }
      covered.set(index, source);
    }
  }
  const exact = parts.every((part) => part.file.state.exact);
  if (exact) {
    // Kept values are concatenated: the parts must not interleave (0 and 2 merged, then 1).
    const sequence = ordered.flatMap((part) => [...part.file.shards.indices].sort((a, b) => a - b));
    if (sequence.some((index, i) => i > 0 && index < (sequence[i - 1] as number))) {
      throw new InputError(
        'summary-order',
        'these exact summaries interleave (their shards are not consecutive ranges): their values cannot be put in row order',
        {
          hint: 'merge neighbouring shards first, or all of them at once',
        },
      );
    }
  }
  const budget = exact ? Infinity : undefined;
  const states = new Map(ordered.map((part) => [part, stateOf(part, budget)]));
  const merged = new BatchSummary((states.get(first) as BatchSummary).shape, budget);
  for (const part of ordered) merged.merge(states.get(part) as BatchSummary);
  const count = first.file.shards.count;
  const indices = [...covered.keys()].sort((a, b) => a - b);
  return {
    context: first.file.context,
    totals: merged,
    shards: { count, indices },
    firstRow: Math.min(...parts.map((part) => part.file.first_row)),
    ignoredRows: parts.reduce((sum, part) => sum + part.file.ignored_rows, 0),
    exact,
    missing: Array.from({ length: count }, (_, index) => index).filter((index) => !covered.has(index)),
  };
}

/**
 * A part's summary state, refused as not a summary when it does not hold together (a file
 * edited or cut short): a broken file is the input's fault, never an internal error.
 */
function stateOf(part: { source: string; file: SummaryFile }, budget: number | undefined): BatchSummary {
  const { state } = part.file;
  const numbers: unknown[] = [state.count, state.rowsPOnly, state.rowsQOnly, state.top1Agreements, state.correctP, state.correctQ];
  if (!numbers.every((value) => typeof value === 'number' && Number.isInteger(value) && value >= 0))
    throw notASummary(part.source, 'its counts are not counts');
  if (!state.shape || !Array.isArray(state.shape.measureNames) || !Array.isArray(state.worst) || typeof state.columns !== 'object' || state.columns === null) {
    throw notASummary(part.source, 'its state is incomplete');
  }
  let summary: BatchSummary;
  try {
    summary = BatchSummary.fromJSON(state, budget);
    summary.assertWhole();
    // What the output reads of the state, read once here.
    const { summary: stats } = summary.finish(part.file.context.percentiles);
    for (const values of stats.values()) {
      if (Object.values(values).some((value) => typeof value === 'number' && Number.isNaN(value))) throw new Error('NaN');
    }
    if (summary.shape.targets) {
      if (!state.exact && !state.targetMoments) throw new Error('no target moments');
      summary.perplexities(part.file.context.lnBase);
      summary.rmsDeltaP();
    }
  } catch {
    throw notASummary(part.source, 'its state does not hold together (its values, moments or sketches do not match its counts)');
  }
  // Reading the statistics changed nothing in it: it is what the merge takes in.
  return summary;
}

/** A merged summary as a file's text (a partial merge, to be merged again). */
export function mergedSummaryText(merged: MergedSummaries, klVersion: string): string {
  const file: SummaryFile = {
    schema: SUMMARY_SCHEMA,
    schema_version: SUMMARY_VERSION,
    kl_version: klVersion,
    context: merged.context,
    shards: merged.shards,
    first_row: merged.firstRow,
    ignored_rows: merged.ignoredRows,
    state: merged.totals.toJSON(),
  };
  return stringifySummary(file);
}

/** Why a merge that misses shards cannot print one run's result. */
export function missingShardsError(merged: MergedSummaries): InputError {
  const { missing, shards } = merged;
  return new InputError(
    'summary-incomplete',
    `the summaries cover ${plural(shards.indices.length, 'shard')} of ${shards.count}: ${missing.map((index) => `${index}/${shards.count}`).join(', ')} missing`,
    { hint: 'pass every shard, or keep this partial merge with --save-summary FILE (and merge it with the rest later)' },
  );
}
