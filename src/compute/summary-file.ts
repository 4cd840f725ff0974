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
  if (!file.context || !file.shards || !file.state || !Array.isArray(file.shards.indices)) throw notASummary(source, 'fields are missing');
  return file as SummaryFile;
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
  const totals = BatchSummary.fromJSON(first.file.state, exact ? Infinity : undefined);
  const merged = new BatchSummary(totals.shape, exact ? Infinity : undefined);
  for (const part of ordered) merged.merge(part === first ? totals : BatchSummary.fromJSON(part.file.state, exact ? Infinity : undefined));
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
