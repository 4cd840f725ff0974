/**
 * The default human format: a header naming P and Q, one table of measures with the
 * expression computed and its unit, then warnings. Colour only through the `chalk`
 * instance passed in, so the caller decides (TTY, NO_COLOR, FORCE_COLOR).
 */
import type { ChalkInstance } from 'chalk';
import Table from 'cli-table3';
import type { InputSummary, PairResult } from './schema.js';
import { expression, humanNumber, measureUnit, plural } from './wording.js';

export interface TableOptions {
  chalk: ChalkInstance;
}

function describeInput(input: InputSummary): string {
  const parts = [input.kind, plural(input.categories, 'category', 'categories')];
  if (input.rows !== undefined) parts.unshift(plural(input.rows, 'row'));
  return `${input.role.toUpperCase()} = ${input.source}  (${parts.join(', ')})`;
}

export function renderInputs(inputs: InputSummary[], chalk: ChalkInstance): string[] {
  return inputs.map((input) => chalk.dim(describeInput(input)));
}

export function renderWarnings(result: { warnings: PairResult['warnings'] }, chalk: ChalkInstance): string[] {
  return result.warnings.map((warning) => chalk.yellow(`warning: ${warning.message}`));
}

export function renderChecks(result: { checks: PairResult['checks'] }, chalk: ChalkInstance): string[] {
  return result.checks.map((check) => {
    const relation = check.op === 'max' ? '≤' : '≥';
    const verdict = check.passed ? chalk.green('pass') : chalk.red('FAIL');
    return `${verdict}  ${check.name} = ${humanNumber(check.value)} (${check.op} ${relation} ${check.limit})`;
  });
}

export function newTable(head: string[], chalk: ChalkInstance, alignments: ('left' | 'right')[]): Table.Table {
  return new Table({
    head: head.map((cell) => chalk.bold(cell)),
    // compact: a rule under the header only, not between body rows.
    style: { head: [], border: [], compact: true },
    colAligns: alignments,
  });
}

export function formatPairTable(result: PairResult, options: TableOptions): string {
  const { chalk } = options;
  const table = newTable(['measure', 'computed', 'value', 'unit'], chalk, ['left', 'left', 'right', 'left']);
  for (const name of result.measureNames) {
    const value = result.measures[name];
    if (value === undefined) continue;
    const shown = humanNumber(value);
    table.push([name, expression(name, result.names), value === Infinity ? chalk.red(shown) : shown, measureUnit(name, result.unit)]);
  }
  const lines = [...renderInputs(result.inputs, chalk), table.toString(), ...renderWarnings(result, chalk), ...renderChecks(result, chalk)];
  return `${lines.join('\n')}\n`;
}
