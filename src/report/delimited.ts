import type { KlResult } from './schema.js';
import { machineNumber } from './wording.js';

/** A header line of measure names and one line of full-precision values. */
export function formatCsv(result: KlResult): string {
  const names = result.measureNames.filter((name) => result.measures[name] !== undefined);
  const values = names.map((name) => machineNumber(result.measures[name] as number));
  return `${names.join(',')}\n${values.join(',')}\n`;
}

/** The command's own measure(s), bare, tab-separated on one line. */
export function formatValue(result: KlResult): string {
  const values = result.primary
    .filter((name) => result.measures[name] !== undefined)
    .map((name) => machineNumber(result.measures[name] as number));
  return `${values.join('\t')}\n`;
}
