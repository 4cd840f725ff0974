/**
 * The default human format: a header naming P and Q, one table of measures with the
 * expression computed and its unit, then warnings. Colour only through the painter
 * passed in, so the caller decides (TTY, NO_COLOR, FORCE_COLOR).
 */
import Table from 'cli-table3';
import type { InputSummary, PairResult } from './schema.js';
import { expression, humanNumber, measureUnit, plural } from './wording.js';

/** The styles the tables use: a chalk instance when colouring, PLAIN otherwise. */
export interface Painter {
  bold(text: string): string;
  dim(text: string): string;
  red(text: string): string;
  green(text: string): string;
  yellow(text: string): string;
  blue(text: string): string;
  cyan(text: string): string;
  magenta(text: string): string;
}

const unchanged = (text: string): string => text;

/** No colour, without loading chalk (whose terminal detection loads tty, net and os). */
export const PLAIN: Painter = {
  bold: unchanged,
  dim: unchanged,
  red: unchanged,
  green: unchanged,
  yellow: unchanged,
  blue: unchanged,
  cyan: unchanged,
  magenta: unchanged,
};

export interface TableOptions {
  paint: Painter;
}

function describeInput(input: InputSummary): string {
  const parts = [input.kind, plural(input.categories, 'category', 'categories')];
  if (input.rows !== undefined) parts.unshift(plural(input.rows, 'row'));
  return `${input.role.toUpperCase()} = ${input.source}  (${parts.join(', ')})`;
}

export function renderInputs(inputs: InputSummary[], paint: Painter): string[] {
  return inputs.map((input) => paint.dim(describeInput(input)));
}

export function renderWarnings(result: { warnings: PairResult['warnings'] }, paint: Painter): string[] {
  return result.warnings.map((warning) => paint.yellow(`warning: ${warning.message}`));
}

export function renderChecks(result: { checks: PairResult['checks'] }, paint: Painter): string[] {
  return result.checks.map((check) => {
    const relation = check.op === 'max' ? '≤' : '≥';
    const verdict = check.passed ? paint.green('pass') : paint.red('FAIL');
    return `${verdict}  ${check.name} = ${humanNumber(check.value)} (${check.op} ${relation} ${check.limit})`;
  });
}

export function newTable(head: string[], paint: Painter, alignments: ('left' | 'right')[]): Table.Table {
  return new Table({
    head: head.map((cell) => paint.bold(cell)),
    // compact: a rule under the header only, not between body rows.
    style: { head: [], border: [], compact: true },
    colAligns: alignments,
  });
}

export function formatPairTable(result: PairResult, options: TableOptions): string {
  const { paint } = options;
  const table = newTable(['measure', 'computed', 'value', 'unit'], paint, ['left', 'left', 'right', 'left']);
  for (const name of result.measureNames) {
    const value = result.measures[name];
    if (value === undefined) continue;
    const shown = humanNumber(value);
    table.push([name, expression(name, result.names), value === Infinity ? paint.red(shown) : shown, measureUnit(name, result.unit)]);
  }
  const lines = [...renderInputs(result.inputs, paint), table.toString(), ...renderWarnings(result, paint), ...renderChecks(result, paint)];
  return `${lines.join('\n')}\n`;
}
