/**
 * What readers hand to the rest of the program: raw numbers with their labels and
 * provenance, not yet validated as distributions of any kind.
 */
import type { InputFormat } from './detect.js';

export interface RawDistribution {
  shape: 'distribution';
  /** Display name: path, `stdin`, or `path[column]`. */
  source: string;
  format: InputFormat;
  values: Float64Array;
  /** Category labels in input order, or null when the input is positional. */
  labels: string[] | null;
  /** 1-based line of each category, where the format has lines (for error messages). */
  lines: Int32Array | null;
}

export interface RawRow {
  values: Float64Array;
  /** Per-row labels (JSON object rows); otherwise the batch's `columns` apply. */
  labels: string[] | null;
  /** 1-based line in the input, where the format has lines. */
  line: number | null;
}

export interface RawBatch {
  shape: 'batch';
  source: string;
  format: InputFormat;
  /** Category names from a header, or null when rows are positional or carry their own labels. */
  columns: string[] | null;
  /** Categories per row when known up front (header, first row, npy shape). */
  width: number | null;
  /** Rows in input order, read lazily. */
  rows: AsyncIterable<RawRow>;
}

export type RawInput = RawDistribution | RawBatch;

/** A column chosen by name (header) or by 1-based position. */
export type ColumnRef = string;

/**
 * What an input holds: `distribution` (one distribution: a column, a label column and a
 * value column, or one row), `batch` (rows of distributions, however many rows), or
 * `auto` (decided by the rules in README "Layouts", refusing what could mean both).
 */
export const LAYOUTS = ['auto', 'distribution', 'batch'] as const;
export type Layout = (typeof LAYOUTS)[number];

export interface ReadOptions {
  /** Whether the first row of delimited text is a header: detected when 'auto'. */
  header: 'auto' | 'yes' | 'no';
  /** Take the distribution from this column (--p-col / --q-col). */
  column?: ColumnRef;
  /** Use this column as category labels instead of detecting one; false: no label column. */
  labelColumn?: ColumnRef | false;
  /** --layout (default auto). */
  layout?: Layout;
  /** Allow the numeric CSV fast path (default true; KL_NO_FAST_PATH=1 turns it off for comparisons). */
  fastPath?: boolean;
}
