/**
 * The table format: the only formatter that needs chalk and cli-table3, so it lives in
 * its own module, loaded only when a table is printed (start-up time for scripts that
 * ask for json, csv or value).
 */
import { Chalk } from 'chalk';
import { formatBatchTable } from './batch-table.js';
import { formatExplainTable } from './explain-table.js';
import type { KlResult } from './schema.js';
import { formatPairTable } from './table.js';

export function renderTable(result: KlResult, color: boolean): string {
  const context = { chalk: new Chalk({ level: color ? 1 : 0 }) };
  if (result.type === 'batch') return formatBatchTable(result, context);
  if (result.command === 'explain' && result.explain) return formatExplainTable({ ...result, explain: result.explain }, context);
  return formatPairTable(result, context);
}
