/**
 * The default human format: a header naming P and Q, one table of measures with the
 * expression computed and its unit, then warnings. Colour only through the painter
 * passed in, so the caller decides (TTY, NO_COLOR, FORCE_COLOR).
 */
import Table from 'cli-table3';
import { displayText, plural } from '../display.js';
import type { InputSummary, PairResult } from '../result.js';
import { stringWidth } from './string-width.js';
import { expression, humanNumber, measureUnit } from './wording.js';

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

/** A document block: one string, or a table's lines, made as they are output (a 256k-row table is 60 MB of text). */
export type Block = string | Iterable<string>;

/**
 * Blocks as output in pieces of a few hundred lines each (a blank line between blocks for
 * Markdown's paragraphs): no
 * single string of the whole output (at 256k categories that string cost a second).
 */
function* inPieces(blocks: readonly Block[], blankLineBetween: boolean, size = 512, width = Number.POSITIVE_INFINITY): Generator<string> {
  let piece: string[] = [];
  for (const [index, block] of blocks.entries()) {
    const lines = typeof block === 'string' ? [block] : block;
    for (const text of lines) {
      for (const line of wrapped(text, width)) piece.push(line);
      if (piece.length === size) {
        yield `${piece.join('\n')}\n`;
        piece = [];
      }
    }
    if (blankLineBetween && index < blocks.length - 1) piece.push('');
  }
  if (piece.length > 0) yield `${piece.join('\n')}\n`;
}

/**
 * Where the human formats draw: a terminal (cli-table3 tables, colours, user text escaped
 * for the terminal) or Markdown (GitHub tables for `$GITHUB_STEP_SUMMARY` and PR comments,
 * user text escaped for Markdown). The formatters below write the same content to either.
 */
export interface TableOptions {
  paint: Painter;
  /** The columns a line may take (a terminal's width; Infinity for Markdown). */
  width: number;
  /** A table with this header and these column alignments. */
  table(head: string[], alignments: ('left' | 'right')[]): TextTable;
  /** User text (a label, a file name, a message quoting them) as this surface shows it. */
  text(value: string, limit?: number): string;
  /** Lines whose spacing matters (the histogram): as they are on a terminal, fenced in Markdown. */
  preformatted(lines: string[]): string[];
  /** The blocks of a document as output: lines on a terminal, paragraphs in Markdown. */
  join(blocks: readonly Block[]): Iterable<string>;
  /** A line break inside one block. */
  lineBreak: string;
}

/** The width a table takes when the terminal's is not known (output to a pipe or a file). */
export const DEFAULT_WIDTH = 80;

/**
 * A line of prose broken at spaces to fit `width` (a word longer than that is cut); a table's
 * lines and lines that fit pass as they are. Colour codes hold no spaces, so they stay whole.
 */
function wrapped(text: string, width: number): string[] {
  if (!Number.isFinite(width)) return [text];
  const out: string[] = [];
  for (const line of text.split('\n')) {
    if (lineWidth(line) <= width || /^[│┌├└]/.test(line.replace(ANSI, ''))) {
      out.push(line);
      continue;
    }
    let current = '';
    for (const word of line.split(' ')) {
      const candidate = current === '' ? word : `${current} ${word}`;
      if (lineWidth(candidate) <= width) {
        current = candidate;
        continue;
      }
      if (current !== '') out.push(current);
      current = word;
      while (lineWidth(current) > width) {
        const points = Array.from(current);
        let cut = width;
        while (cut > 1 && lineWidth(points.slice(0, cut).join('')) > width) cut--;
        out.push(points.slice(0, cut).join(''));
        current = points.slice(cut).join('');
      }
    }
    out.push(current);
  }
  return out;
}

/** The terminal: cli-table3 (drawTable past CLI_TABLE_ROWS rows), the one escaping rule, tables that fit `width`. */
export function terminalSurface(paint: Painter, width = DEFAULT_WIDTH): TableOptions {
  return {
    paint,
    width,
    table: (head, alignments) => newTable(head, paint, alignments, width),
    text: (value, limit) => displayText(value, limit),
    preformatted: (lines) => lines,
    lineBreak: '\n',
    join: (blocks) => inPieces(blocks, false, 512, width),
  };
}

/** Markdown's own characters in user text, shown as themselves (`<` never opens HTML; `|` is the table's to escape). */
function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]<>#~]/g, (character) => `\\${character}`);
}

/** A GitHub Markdown table; a cell's lines are joined with <br>. */
function markdownTable(head: string[], alignments: ('left' | 'right')[]): TextTable {
  const rows = tableRows();
  const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, '<br>');
  function* lines(): Generator<string> {
    yield `| ${head.map(cell).join(' | ')} |`;
    yield `| ${alignments.map((alignment) => (alignment === 'right' ? '---:' : ':---')).join(' | ')} |`;
    const source = rows.source();
    for (let i = 0; i < source.count; i++) yield `| ${source.rowAt(i).map(cell).join(' | ')} |`;
  }
  return { push: rows.push, pushRows: rows.pushRows, lines, toString: () => [...lines()].join('\n') };
}

/** Markdown: the same content as the table, for `$GITHUB_STEP_SUMMARY` and PR comments. */
export function markdownSurface(): TableOptions {
  const paint: Painter = { ...PLAIN, bold: (text) => (text.trim() === '' ? text : `**${text}**`) };
  return {
    paint,
    width: Number.POSITIVE_INFINITY,
    table: markdownTable,
    text: (value, limit) => escapeMarkdown(displayText(value, limit)),
    preformatted: (lines) => [['```text', ...lines, '```'].join('\n')],
    lineBreak: '  \n',
    // A blank line between blocks: each is its own paragraph (or table).
    join: (blocks) => inPieces(blocks, true),
  };
}

/** How much of a file name a table shows (the middle is shortened away past it). */
const NAME_LIMIT = 80;

function describeInput(input: InputSummary, options: TableOptions): string {
  const parts = [input.kind, plural(input.categories, 'category', 'categories')];
  if (input.rows !== undefined) parts.unshift(plural(input.rows, 'row'));
  const details = `  (${parts.join(', ')})`;
  // The line fits the width: the path gives way, shortened in its middle.
  const room = Math.max(20, Math.min(NAME_LIMIT, options.width - 4 - details.length));
  return `${input.role.toUpperCase()} = ${options.text(input.source, room)}${details}`;
}

export function renderInputs(inputs: InputSummary[], options: TableOptions): string[] {
  // One block: the two lines belong together (a line break in Markdown too).
  return [inputs.map((input) => options.paint.dim(describeInput(input, options))).join(options.lineBreak)];
}

export function renderWarnings(result: { warnings: PairResult['warnings'] }, options: TableOptions): string[] {
  return result.warnings.map((warning) => options.paint.yellow(`warning: ${options.text(warning.message, 1000)}`));
}

export function renderChecks(result: { checks: PairResult['checks'] }, options: TableOptions): string[] {
  const { paint } = options;
  return result.checks.map((check) => {
    const relation = check.op === 'max' ? '≤' : '≥';
    const verdict = check.passed ? paint.green('pass') : paint.red('FAIL');
    return `${verdict}  ${check.name} = ${humanNumber(check.value)} (${check.op} ${relation} ${check.limit})`;
  });
}

/**
 * Rows up to which cli-table3 lays a table out. Its layout costs more per row as a table
 * grows (figures: BENCHMARKS.md, "Why the code is as it is"); past this, kl draws the same text itself (drawTable), in time
 * linear in the cells.
 */
export const CLI_TABLE_ROWS = 200;

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
  return [...drawTableLines(head, { count: rows.length, rowAt: (i) => rows[i] as readonly string[] }, alignments)].join('\n');
}

/** Rows made on demand: `rowAt(i)` may be called more than once for a row. */
export interface RowSource {
  count: number;
  rowAt(index: number): readonly string[];
}

/**
 * drawTable's lines, made as they are output: the rows are made twice (once to measure the
 * columns, once to draw them) instead of kept, so a 256k-row table never holds its cells.
 */
export function* drawTableLines(head: readonly string[], rows: RowSource, alignments: readonly ('left' | 'right')[]): Generator<string> {
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
  for (let i = 0; i < rows.count; i++) measure(rows.rowAt(i));
  const rule = (left: string, middle: string, right: string) => left + widths.map((width) => '─'.repeat(width + 2)).join(middle) + right;
  const padded = (text: string, j: number): string => {
    const gap = ' '.repeat((widths[j] as number) - lineWidth(text));
    return alignments[j] === 'right' ? gap + text : text + gap;
  };
  const out: string[] = [rule('┌', '┬', '┐')];
  const draw = (row: readonly string[]): void => {
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
  if (rows.count > 0) out.push(rule('├', '┼', '┤'));
  for (let i = 0; i < rows.count; i++) {
    draw(rows.rowAt(i));
    if (out.length >= 512) yield* out.splice(0, out.length);
  }
  out.push(rule('└', '┴', '┘'));
  yield* out;
}

export interface TextTable {
  push(row: string[]): void;
  /** Many rows made on demand (not kept: long tables are drawn from them as they are output). */
  pushRows(rows: RowSource): void;
  toString(): string;
  /** The table's lines (without newlines). */
  lines(): Iterable<string>;
}

/** A table's rows: pushed one by one, or a source of them. */
function tableRows(): { push(row: string[]): void; pushRows(rows: RowSource): void; source(): RowSource } {
  const pushed: string[][] = [];
  let lazy: RowSource | null = null;
  return {
    push: (row) => void pushed.push(row),
    pushRows: (rows) => {
      if (pushed.length > 0 || lazy) throw new Error('internal error: a table gets its rows one way');
      lazy = rows;
    },
    source: () => lazy ?? { count: pushed.length, rowAt: (i) => pushed[i] as readonly string[] },
  };
}

/** Text columns are not shortened below this many characters to make a table fit. */
const MIN_TEXT_COLUMN = 16;

/** A cell's width: its widest line, colours left out. */
function cellWidth(cell: string): number {
  return cell.includes('\n') ? cell.split('\n').reduce((widest, line) => Math.max(widest, lineWidth(line)), 0) : lineWidth(cell);
}

/** Plain text shortened in the middle to `width` columns (a cell with colours is left whole). */
function shortened(cell: string, width: number): string {
  if (cell.includes('\u001b') || cell.includes('\n') || lineWidth(cell) <= width) return cell;
  const points = Array.from(cell);
  let head = '';
  let tail = '';
  let i = 0;
  let j = points.length - 1;
  // Both ends: a path's directory and its file name, a label's start and end.
  while (lineWidth(head) + lineWidth(tail) + 1 < width && i <= j) {
    if (lineWidth(head) <= lineWidth(tail)) head += points[i++];
    else tail = points[j--] + tail;
  }
  while (lineWidth(head) + lineWidth(tail) + 1 > width && head.length > 0) head = Array.from(head).slice(0, -1).join('');
  return `${head}…${tail}`;
}

/**
 * A table made to fit `width` columns: its left-aligned (text) columns shortened in the
 * middle, the widest first, down to MIN_TEXT_COLUMN; then, if it is still too wide, columns
 * dropped from the right (the first two always stay), named in a note.
 */
export function fitTable(
  head: readonly string[],
  rows: RowSource,
  alignments: readonly ('left' | 'right')[],
  width: number,
): { head: string[]; rows: RowSource; alignments: ('left' | 'right')[]; dropped: string[] } {
  const widths = head.map(cellWidth);
  for (let i = 0; i < rows.count; i++) {
    const row = rows.rowAt(i);
    for (let j = 0; j < row.length; j++) widths[j] = Math.max(widths[j] ?? 0, cellWidth(row[j] as string));
  }
  const total = (columns: number[]) => columns.reduce((sum, w) => sum + w + 3, 1);
  // What each column can shrink to: text down to MIN_TEXT_COLUMN (or its header), numbers not at all.
  const floors = widths.map((natural, j) => (alignments[j] === 'left' ? Math.min(natural, Math.max(MIN_TEXT_COLUMN, cellWidth(head[j] ?? ''))) : natural));
  // Columns that cannot fit even shrunk are left out from the right (the first two always stay) …
  let kept = head.length;
  while (kept > 2 && total(floors.slice(0, kept)) > width) kept--;
  // … and the kept text columns give up what the rest needs, the widest first.
  const limits = widths.slice(0, kept);
  let excess = total(limits) - width;
  while (excess > 0) {
    let widest = -1;
    for (let j = 0; j < kept; j++) {
      if ((limits[j] as number) > (floors[j] as number) && (widest < 0 || (limits[j] as number) > (limits[widest] as number))) widest = j;
    }
    if (widest < 0) break;
    const cut = Math.min(excess, (limits[widest] as number) - (floors[widest] as number));
    limits[widest] = (limits[widest] as number) - cut;
    excess -= cut;
  }
  if (kept === head.length && limits.every((limit, j) => limit === widths[j])) return { head: [...head], rows, alignments: [...alignments], dropped: [] };
  const shorten = (row: readonly string[]) =>
    row.slice(0, kept).map((cell, j) => ((limits[j] as number) < (widths[j] as number) ? shortened(cell, limits[j] as number) : cell));
  return {
    head: shorten(head),
    rows: { count: rows.count, rowAt: (i) => shorten(rows.rowAt(i)) },
    alignments: alignments.slice(0, kept),
    dropped: head.slice(kept).map((cell) => cell.replace(ANSI, '')),
  };
}

/** A table in the compact style (a rule under the header only): cli-table3, or drawTable past CLI_TABLE_ROWS rows; made to fit `width`. */
export function newTable(head: string[], paint: Painter, alignments: ('left' | 'right')[], width = Number.POSITIVE_INFINITY): TextTable {
  const rows = tableRows();
  const lines = (): Iterable<string> => {
    const fitted = fitTable(head, rows.source(), alignments, width);
    const painted = fitted.head.map((cell) => paint.bold(cell));
    const note =
      fitted.dropped.length > 0
        ? [
            paint.dim(
              `(${plural(fitted.dropped.length, 'column')} left out to fit ${width} columns: ${fitted.dropped.join(', ')}; --format json has every value)`,
            ),
          ]
        : [];
    const source = fitted.rows;
    if (source.count > CLI_TABLE_ROWS)
      return note.length > 0 ? [...drawTableLines(painted, source, fitted.alignments), ...note] : drawTableLines(painted, source, fitted.alignments);
    const table = new Table({
      head: painted,
      // compact: a rule under the header only, not between body rows.
      style: { head: [], border: [], compact: true },
      colAligns: fitted.alignments,
    });
    for (let i = 0; i < source.count; i++) table.push([...source.rowAt(i)]);
    return [...table.toString().split('\n'), ...note];
  };
  return { push: rows.push, pushRows: rows.pushRows, lines, toString: () => [...lines()].join('\n') };
}

export function formatPairTable(result: PairResult, options: TableOptions): Iterable<string> {
  const { paint } = options;
  const table = options.table(['measure', 'computed', 'value', 'unit'], ['left', 'left', 'right', 'left']);
  // The header names the inputs once (P = path, Q = path); the rows say P and Q.
  const names = { p: 'P', q: 'Q' };
  for (const name of result.measureNames) {
    const value = result.measures[name];
    if (value === undefined) continue;
    const shown = humanNumber(value);
    table.push([name, expression(name, names), value === Infinity ? paint.red(shown) : shown, measureUnit(name, result.unit)]);
  }
  return options.join([...renderInputs(result.inputs, options), table.lines(), ...renderWarnings(result, options), ...renderChecks(result, options)]);
}
