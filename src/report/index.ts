/**
 * Formatters by name. Each is a pure function of the result, so output is easy to test
 * and every format sees the same numbers.
 */
import type { ChalkInstance } from 'chalk';
import { formatCsv, formatValue } from './delimited.js';
import { formatJson } from './json.js';
import type { KlResult } from './schema.js';
import { formatPairTable } from './table.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'value'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

export interface FormatContext {
  chalk: ChalkInstance;
}

export type Formatter = (result: KlResult, context: FormatContext) => string;

export const FORMATTERS: ReadonlyMap<OutputFormat, Formatter> = new Map<OutputFormat, Formatter>([
  ['table', (result, context) => formatPairTable(result, context)],
  ['json', (result) => formatJson(result)],
  ['csv', (result) => formatCsv(result)],
  ['value', (result) => formatValue(result)],
]);

/** Formats that carry warnings inside the output; the others get them on stderr. */
export const FORMATS_WITH_WARNINGS: ReadonlySet<OutputFormat> = new Set(['table', 'json']);
