/**
 * The table format: the only formatter that needs chalk and cli-table3, so it lives in
 * its own module, loaded only when a table is printed (start-up time for scripts that
 * ask for json, csv or value); chalk itself only when the table is coloured.
 */
import { formatBatchTable } from './batch-table.js';
import { formatExplainTable } from './explain-table.js';
import type { KlResult } from './schema.js';
import { PLAIN, formatPairTable } from './table.js';

export async function renderTable(result: KlResult, color: boolean): Promise<string | Iterable<string>> {
  const context = { paint: color ? new (await import('chalk')).Chalk({ level: 1 }) : PLAIN };
  if (result.type === 'batch') return formatBatchTable(result, context);
  if (result.command === 'explain' && result.explain) return formatExplainTable({ ...result, explain: result.explain }, context);
  return formatPairTable(result, context);
}
