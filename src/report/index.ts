/**
 * Formatters by name. Each is a pure function of the result, so output is easy to test
 * and every format sees the same numbers.
 */
import type { MeasureName } from '../measures/catalog.js';
import type { KlResult, RowResult, RowsMode, RunInfo } from '../result.js';
import { csvRow, csvRowHeader, formatCsv, formatValue, valueRow } from './csv.js';
import { formatJson, formatJsonChunks, JsonRowChunks } from './json.js';
import type { TableOptions } from './surface.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'value', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

/** The formats `kl fit` offers (its result is no table of measures: no value, no rows). */
export const FIT_FORMATS = ['table', 'markdown', 'json', 'csv'] as const satisfies readonly OutputFormat[];

export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

export interface FormatContext {
  /** The run's provenance (version, time, command line) for the formats that record it (json). */
  info?: RunInfo;
  /** Colour the output (tables only): decided by the CLI from flags, env and TTY. */
  color: boolean;
  /** The columns a table may take (the terminal's width, COLUMNS, or 80). */
  width?: number;
  /** The sink `begin` returned, holding what it made of a batch's rows. */
  sink?: RowSink;
}

/** What a batch's rows look like, known before the first one. */
export interface RowShape {
  measureNames: MeasureName[];
  primary: MeasureName[];
  /** Which rows the output asked for (--rows). */
  rows: RowsMode;
}

/** Where a batch's rows go as they are computed. */
export interface RowSink {
  /** Takes a row; returns the text to print at once ('' for none). */
  add(row: RowResult): string;
  /** True when the sink holds what `render` needs of the rows: the result need not keep them. */
  readonly holdsRows: boolean;
}

export interface Formatter {
  /** --rows when not given. */
  defaultRows: RowsMode;
  /** Whether warnings are part of the output (else they go to stderr, so that stdout stays machine-readable). */
  carriesWarnings: boolean;
  /**
   * Before a batch's first row: a sink for its rows, or nothing (the rows wait for render).
   * CSV and value print each row as it comes; JSON renders them as they come (while the main
   * thread would otherwise wait for workers) and prints them at the end. Pure like render.
   */
  begin?(shape: RowShape): RowSink | null;
  /**
   * The whole output; for streaming formats on a batch, what follows the rows (nothing).
   * It may come in chunks (big JSON), all produced after every row is computed, so an
   * error can never leave half a document on stdout.
   */
  render(result: KlResult, context: FormatContext): string | Iterable<string> | Promise<string | Iterable<string>>;
}

/** A sink that prints a header before the first row, then a line per row. */
function streamingSink(shape: RowShape, header: (shape: RowShape, first: RowResult) => string, line: (shape: RowShape, row: RowResult) => string): RowSink {
  let started = false;
  return {
    holdsRows: true,
    add(row) {
      if (started) return line(shape, row);
      started = true;
      return header(shape, row) + line(shape, row);
    },
  };
}

/** One formatter per output format: a format without one does not compile. */
export const FORMATTERS: Readonly<Record<OutputFormat, Formatter>> = {
  // Loaded on demand: chalk and cli-table3 cost start-up time that json/csv/value never need.
  table: {
    defaultRows: 'worst',
    carriesWarnings: true,
    render: async (result, context) => (await import('./human.js')).renderTable(result, context.color, context.width),
  },
  markdown: { defaultRows: 'worst', carriesWarnings: true, render: async (result) => (await import('./human.js')).renderMarkdown(result) },
  json: {
    defaultRows: 'all',
    carriesWarnings: true,
    begin: (shape) => (shape.rows === 'all' ? new JsonRowChunks(shape.measureNames) : null),
    render: (result, context) =>
      result.type === 'batch'
        ? formatJsonChunks(result, context.sink instanceof JsonRowChunks ? context.sink : undefined, context.info)
        : formatJson(result, context.info),
  },
  // Every row as it comes by default; --rows worst and none print at the end, from the summary.
  csv: {
    defaultRows: 'all',
    carriesWarnings: false,
    begin: (shape) => (shape.rows === 'all' ? streamingSink(shape, csvRowHeader, csvRow) : null),
    render: (result) => formatCsv(result),
  },
  value: {
    defaultRows: 'all',
    carriesWarnings: false,
    begin: (shape) => (shape.rows === 'all' ? streamingSink(shape, () => '', valueRow) : null),
    render: (result) => formatValue(result),
  },
};

/** How the commands with a result of their own (drift, mi, js of many, matrix) render it in one format. */
export interface Renderer<R> {
  /** Whether warnings are part of the output (else they go to stderr). */
  carriesWarnings: boolean;
  render(result: R, color: boolean, info: RunInfo, width?: number): Iterable<string> | string | Promise<Iterable<string>>;
}

/** One renderer per output format: a format without one does not compile. */
export type Renderers<R> = Readonly<Record<OutputFormat, Renderer<R>>>;

/** The table and markdown renderers of a document drawn on a surface (chalk loaded only to colour). */
export function humanRenderers<R>(document: (result: R, surface: TableOptions) => Iterable<string>): Pick<Renderers<R>, 'table' | 'markdown'> {
  return {
    table: {
      carriesWarnings: true,
      render: async (result, color, _info, width) => {
        const { PLAIN, terminalSurface } = await import('./surface.js');
        return document(result, terminalSurface(color ? new (await import('chalk')).Chalk({ level: 1 }) : PLAIN, width));
      },
    },
    markdown: {
      carriesWarnings: true,
      render: async (result) => document(result, (await import('./surface.js')).markdownSurface()),
    },
  };
}
