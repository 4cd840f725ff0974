/**
 * The human formats, table and markdown: the only formatters that need chalk and
 * cli-table3, so they live in their own module, loaded only when one is printed (start-up
 * time for scripts that ask for json, csv or value); chalk itself only when the table is
 * coloured. Both write the same content, to a terminal surface or to a Markdown one.
 */

import type { KlResult } from '../result.js';
import { formatBatchTable } from './batch-table.js';
import { formatExplainTable } from './explain-table.js';
import { formatPairTable, markdownSurface, PLAIN, type TableOptions, terminalSurface } from './surface.js';

function render(result: KlResult, surface: TableOptions): Iterable<string> {
  switch (result.type) {
    case 'batch':
      return formatBatchTable(result, surface);
    case 'explain':
      return formatExplainTable(result, surface);
    case 'pair':
      return formatPairTable(result, surface);
  }
}

export async function renderTable(result: KlResult, color: boolean, width?: number): Promise<Iterable<string>> {
  return render(result, terminalSurface(color ? new (await import('chalk')).Chalk({ level: 1 }) : PLAIN, width));
}

/** `--format markdown`: the table's content as GitHub Markdown, for `$GITHUB_STEP_SUMMARY` and PR comments. */
export function renderMarkdown(result: KlResult): Iterable<string> {
  return render(result, markdownSurface());
}
