/**
 * The typed request that the command line is turned into. Everything after argv
 * parsing works from this, never from raw option strings.
 */
import type { InputFormat } from '../io/detect.js';
import type { ReadRequest } from '../io/read.js';
import type { LogBase } from '../measures/base.js';
import type { MeasureName } from '../measures/catalog.js';
import type { Kind, PrepareOptions } from '../measures/prepare.js';
import { parseOnWorker } from './parallel/parse-on-worker.js';

/**
 * One input: what the readers need (a ReadRequest: path, name, format, read options) and
 * what its values are (`kind`).
 */
export interface InputRequest extends Omit<ReadRequest, 'bigBatch'> {
  kind: Kind;
  /** Whether --kind (or --p-kind/--q-kind) said it; if not, a format may imply it (uniq -c: counts). */
  kindGiven?: boolean;
}

/** The side as read: `uniq -c` output is counts unless --kind says otherwise. */
export function withImpliedKind(input: InputRequest, format: InputFormat): InputRequest {
  return format === 'uniq-c' && input.kindGiven !== true ? { ...input, kind: 'counts' } : input;
}

/** The input as the readers take it: a big plain batch parsed on a worker; `format` when already decided. */
export function readRequestOf(input: InputRequest, format: InputFormat | undefined = input.format): ReadRequest {
  const { kind: _kind, format: _format, ...read } = input;
  return { ...read, ...(format === undefined ? {} : { format }), bigBatch: parseOnWorker };
}

export interface CheckSpec {
  /** As typed: `kl_forward`, `kl_forward.mean`, `top1_agreement`. */
  name: string;
  op: 'max' | 'min';
  limit: number;
}

/** What a command shows: the measures, or every category's contribution to them. */
export type View = 'measures' | 'explain';

export interface Request {
  /** The command's name, as printed in JSON. */
  command: string;
  view: View;
  /** Measures to compute and show, in display order. */
  measureNames: MeasureName[];
  /** What `--format value` prints. */
  primary: MeasureName[];
  p: InputRequest;
  q: InputRequest | null;
  /** When false (entropy), P and Q are measured separately and need not align. */
  pairwise: boolean;
  prepare: PrepareOptions;
  /** Additive smoothing ε (0 = none). */
  smooth: number;
  base: LogBase;
  checks: CheckSpec[];
  /** --percentiles: percents (0 < q < 100) summarised beyond the standard set. */
  percentiles: number[];
  /** --exact-percentiles: keep every row's values whatever the memory (no sketch). */
  exactPercentiles: boolean;
  /** --shard I/N: only the I-th (0-based) of N contiguous row ranges; null: every row. */
  shard: { index: number; count: number } | null;
  /** --mask FILE: 0/1 per row (0 leaves the row out), or null. */
  mask: string | null;
  /** --next-token: the targets are the input tokens; position t scores token t + 1. */
  nextToken: boolean;
  /** --ignore-index N: rows whose target is N are left out (PyTorch's -100); null: none. */
  ignoreIndex: number | null;
  /** --targets FILE: one class per row (index or label), or null. */
  targets: string | null;
  /** Per-category contributions (the explain view, or the charts of --report): how many to list, and which batch row. */
  contributions: { top: number; row: number | 'worst' } | null;
  /** --report FILE.html, or null. */
  report: string | null;
  /** The command line as typed, for the HTML report. */
  commandLine: string;
}
