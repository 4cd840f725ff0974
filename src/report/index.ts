/**
 * Formatters by name. Each is a pure function of the result, so output is easy to test
 * and every format sees the same numbers.
 */
import { type RowStreamShape, csvRow, csvRowHeader, formatCsv, formatValue, valueRow } from './delimited.js';
import { formatJson, formatJsonChunks } from './json.js';
import type { KlResult, RowResult } from './schema.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'value'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

export interface FormatContext {
  /** Colour the output (tables only): decided by the CLI from flags, env and TTY. */
  color: boolean;
}

export interface Formatter {
  /**
   * The whole output; for streaming formats on a batch, what follows the rows (nothing).
   * It may come in chunks (big JSON), all produced after every row is computed, so an
   * error can never leave half a document on stdout.
   */
  render(result: KlResult, context: FormatContext): string | Iterable<string> | Promise<string>;
  /** Streaming formats print batch rows as they are computed: a header, then a line per row. */
  rows?: {
    header(shape: RowStreamShape, first: RowResult): string;
    row(shape: RowStreamShape, row: RowResult): string;
  };
}

export const FORMATTERS: ReadonlyMap<OutputFormat, Formatter> = new Map<OutputFormat, Formatter>([
  // Loaded on demand: chalk and cli-table3 cost start-up time that json/csv/value never need.
  ['table', { render: async (result, context) => (await import('./tables.js')).renderTable(result, context.color) }],
  ['json', { render: (result) => (result.type === 'batch' ? formatJsonChunks(result) : formatJson(result)) }],
  ['csv', { render: (result) => formatCsv(result), rows: { header: csvRowHeader, row: csvRow } }],
  ['value', { render: (result) => formatValue(result), rows: { header: () => '', row: valueRow } }],
]);

/** Formats that carry warnings inside the output; the others get them on stderr. */
export const FORMATS_WITH_WARNINGS: ReadonlySet<OutputFormat> = new Set(['table', 'json']);
