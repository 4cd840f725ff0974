/**
 * The default human format: a header naming P and Q, one table of measures with the
 * expression computed and its unit, then warnings. Colour only through the painter
 * passed in, so the caller decides (TTY, NO_COLOR, FORCE_COLOR).
 */
import Table from 'cli-table3';
import { displayText } from './display.js';
import type { InputSummary, Names, PairResult } from './schema.js';
import { stringWidth } from './string-width.js';
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

/** Lines as output in pieces of a few hundred lines each: no single string of the whole output. */
export function* inPieces(lines: readonly string[], size = 512): Generator<string> {
  for (let start = 0; start < lines.length; start += size) yield `${lines.slice(start, start + size).join('\n')}\n`;
}

export interface TableOptions {
  paint: Painter;
}

/** How much of a file name a table shows (the middle is shortened away past it). */
const NAME_LIMIT = 80;

/** The inputs' names as tables show them: escaped and shortened (display.ts). */
export function displayNames(names: Names): Names {
  return { p: displayText(names.p, NAME_LIMIT), q: names.q === null ? null : displayText(names.q, NAME_LIMIT) };
}

function describeInput(input: InputSummary): string {
  const parts = [input.kind, plural(input.categories, 'category', 'categories')];
  if (input.rows !== undefined) parts.unshift(plural(input.rows, 'row'));
  return `${input.role.toUpperCase()} = ${displayText(input.source, NAME_LIMIT)}  (${parts.join(', ')})`;
}

export function renderInputs(inputs: InputSummary[], paint: Painter): string[] {
  return inputs.map((input) => paint.dim(describeInput(input)));
}

export function renderWarnings(result: { warnings: PairResult['warnings'] }, paint: Painter): string[] {
  return result.warnings.map((warning) => paint.yellow(`warning: ${displayText(warning.message, 1000)}`));
}

export function renderChecks(result: { checks: PairResult['checks'] }, paint: Painter): string[] {
  return result.checks.map((check) => {
    const relation = check.op === 'max' ? '≤' : '≥';
    const verdict = check.passed ? paint.green('pass') : paint.red('FAIL');
    return `${verdict}  ${check.name} = ${humanNumber(check.value)} (${check.op} ${relation} ${check.limit})`;
  });
}

/**
 * Rows up to which cli-table3 lays a table out. It costs ~10 µs per cell and more per
 * row as a table grows (a 16k-category `kl explain --top 0` took 36 s); past this, kl
 * draws the same text itself (drawTable), in time linear in the cells.
 */
export const CLI_TABLE_ROWS = 200;

// biome-ignore lint: ESC is the point of this pattern.
const ANSI = /\u001b\[[0-9;]*m/g;

function lineWidth(line: string): number {
  return stringWidth(line.includes('\u001b') ? line.replace(ANSI, '') : line);
}

/**
 * cli-table3's compact style, drawn directly: a border, the header and a rule under it,
 * the rows (a cell's lines top-aligned, one space of padding each side), a border.
 * test/unit/table.test.ts holds it to cli-table3's output character for character.
 */
export function drawTable(head: readonly string[], rows: readonly (readonly string[])[], alignments: readonly ('left' | 'right')[]): string {
  return drawTableLines(head, rows, alignments).join('\n');
}

/** drawTable's lines, for output that goes out in pieces (a 256k-row table is 60 MB of text). */
export function drawTableLines(head: readonly string[], rows: readonly (readonly string[])[], alignments: readonly ('left' | 'right')[]): string[] {
  const columns = head.length;
  const widths = new Array<number>(columns).fill(0);
  const measure = (row: readonly string[]) => {
    for (let j = 0; j < columns; j++) {
      const cell = row[j] ?? '';
      const width = cell.includes('\n') ? cell.split('\n').reduce((widest, line) => Math.max(widest, lineWidth(line)), 0) : lineWidth(cell);
      if (width > (widths[j] as number)) widths[j] = width;
    }
  };
  measure(head);
  for (const row of rows) measure(row);
  const rule = (left: string, middle: string, right: string) => left + widths.map((width) => '─'.repeat(width + 2)).join(middle) + right;
  const padded = (text: string, j: number): string => {
    const gap = ' '.repeat((widths[j] as number) - lineWidth(text));
    return alignments[j] === 'right' ? gap + text : text + gap;
  };
  const out: string[] = [rule('┌', '┬', '┐')];
  const draw = (row: readonly string[]) => {
    let height = 1;
    for (let j = 0; j < columns; j++) {
      const cell = row[j] ?? '';
      if (cell.includes('\n')) height = Math.max(height, cell.split('\n').length);
    }
    if (height === 1) {
      let line = '│';
      for (let j = 0; j < columns; j++) line += ` ${padded(row[j] ?? '', j)} │`;
      out.push(line);
      return;
    }
    const lines = Array.from({ length: columns }, (_, j) => (row[j] ?? '').split('\n'));
    for (let k = 0; k < height; k++) {
      let line = '│';
      for (let j = 0; j < columns; j++) line += ` ${padded(lines[j]?.[k] ?? '', j)} │`;
      out.push(line);
    }
  };
  draw(head);
  if (rows.length > 0) out.push(rule('├', '┼', '┤'));
  for (const row of rows) draw(row);
  out.push(rule('└', '┴', '┘'));
  return out;
}

export interface TextTable {
  push(row: string[]): void;
  toString(): string;
  /** The table's lines (without newlines). */
  lines(): string[];
}

/** A table in the compact style (a rule under the header only): cli-table3, or drawTable past CLI_TABLE_ROWS rows. */
export function newTable(head: string[], paint: Painter, alignments: ('left' | 'right')[]): TextTable {
  const rows: string[][] = [];
  const painted = head.map((cell) => paint.bold(cell));
  const lines = (): string[] => {
    if (rows.length > CLI_TABLE_ROWS) return drawTableLines(painted, rows, alignments);
    const table = new Table({
      head: painted,
      // compact: a rule under the header only, not between body rows.
      style: { head: [], border: [], compact: true },
      colAligns: alignments,
    });
    table.push(...rows);
    return table.toString().split('\n');
  };
  return { push: (row) => void rows.push(row), lines, toString: () => lines().join('\n') };
}

export function formatPairTable(result: PairResult, options: TableOptions): string {
  const { paint } = options;
  const table = newTable(['measure', 'computed', 'value', 'unit'], paint, ['left', 'left', 'right', 'left']);
  const names = displayNames(result.names);
  for (const name of result.measureNames) {
    const value = result.measures[name];
    if (value === undefined) continue;
    const shown = humanNumber(value);
    table.push([name, expression(name, names), value === Infinity ? paint.red(shown) : shown, measureUnit(name, result.unit)]);
  }
  const lines = [...renderInputs(result.inputs, paint), table.toString(), ...renderWarnings(result, paint), ...renderChecks(result, paint)];
  return `${lines.join('\n')}\n`;
}
