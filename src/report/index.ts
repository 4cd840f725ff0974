/**
 * Formatters by name. Each is a pure function of the result, so output is easy to test
 * and every format sees the same numbers.
 */
import type { ChalkInstance } from 'chalk';
import { formatBatchTable } from './batch-table.js';
import { formatExplainTable } from './explain-table.js';
import { type RowStreamShape, csvRow, csvRowHeader, formatCsv, formatValue, valueRow } from './delimited.js';
import { formatJson, formatJsonChunks } from './json.js';
import type { KlResult, RowResult } from './schema.js';
import { formatPairTable } from './table.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'value'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

export interface FormatContext {
  chalk: ChalkInstance;
}

export interface Formatter {
  /**
   * The whole output; for streaming formats on a batch, what follows the rows (nothing).
   * It may come in chunks (big JSON), all produced after every row is computed, so an
   * error can never leave half a document on stdout.
   */
  render(result: KlResult, context: FormatContext): string | Iterable<string>;
  /** Streaming formats print batch rows as they are computed: a header, then a line per row. */
  rows?: {
    header(shape: RowStreamShape, first: RowResult): string;
    row(shape: RowStreamShape, row: RowResult): string;
  };
}

export const FORMATTERS: ReadonlyMap<OutputFormat, Formatter> = new Map<OutputFormat, Formatter>([
  [
    'table',
    {
      render: (result, context) => {
        if (result.type === 'batch') return formatBatchTable(result, context);
        if (result.command === 'explain' && result.explain) return formatExplainTable({ ...result, explain: result.explain }, context);
        return formatPairTable(result, context);
      },
    },
  ],
  ['json', { render: (result) => (result.type === 'batch' ? formatJsonChunks(result) : formatJson(result)) }],
  ['csv', { render: (result) => formatCsv(result), rows: { header: csvRowHeader, row: csvRow } }],
  ['value', { render: (result) => formatValue(result), rows: { header: () => '', row: valueRow } }],
]);

/** Formats that carry warnings inside the output; the others get them on stderr. */
export const FORMATS_WITH_WARNINGS: ReadonlySet<OutputFormat> = new Set(['table', 'json']);
