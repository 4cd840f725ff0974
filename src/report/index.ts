/**
 * Formatters by name. Each is a pure function of the result, so output is easy to test
 * and every format sees the same numbers.
 */
import type { MeasureName } from '../measures/catalog.js';
import type { KlResult, RowResult, RunInfo } from '../result.js';
import { csvRow, csvRowHeader, formatCsv, formatValue, type RowStreamShape, valueRow } from './csv.js';
import { formatJson, formatJsonChunks, JsonRowChunks } from './json.js';

export const OUTPUT_FORMATS = ['table', 'json', 'csv', 'value', 'markdown'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(name: string): name is OutputFormat {
  return (OUTPUT_FORMATS as readonly string[]).includes(name);
}

export interface FormatContext {
  /** The run's provenance (version, time, command line) for the formats that record it (json). */
  info?: RunInfo;
  /** Colour the output (tables only): decided by the CLI from flags, env and TTY. */
  color: boolean;
  /** What `prerender` made of the rows while they were computed. */
  prerendered?: RowPrerender;
}

/** Batch rows rendered as they are computed, for a format that prints them at the end. */
export interface RowPrerender {
  add(row: RowResult): void;
}

export interface Formatter {
  /**
   * The whole output; for streaming formats on a batch, what follows the rows (nothing).
   * It may come in chunks (big JSON), all produced after every row is computed, so an
   * error can never leave half a document on stdout.
   */
  render(result: KlResult, context: FormatContext): string | Iterable<string> | Promise<string | Iterable<string>>;
  /**
   * For a format that prints every row at the end (JSON): renders them as they are
   * computed, while the main thread would otherwise wait, so that they need not be kept
   * (the CLI then asks for a result without them); render() gets the rendering back in the
   * context and prints it when its row count is the result's. Pure like render().
   */
  prerender?: (measureNames: readonly MeasureName[]) => RowPrerender;
  /** Streaming formats print batch rows as they are computed: a header, then a line per row. */
  rows?: {
    header(shape: RowStreamShape, first: RowResult): string;
    row(shape: RowStreamShape, row: RowResult): string;
  };
}

export const FORMATTERS: ReadonlyMap<OutputFormat, Formatter> = new Map<OutputFormat, Formatter>([
  // Loaded on demand: chalk and cli-table3 cost start-up time that json/csv/value never need.
  ['table', { render: async (result, context) => (await import('./human.js')).renderTable(result, context.color) }],
  ['markdown', { render: async (result) => (await import('./human.js')).renderMarkdown(result) }],
  [
    'json',
    {
      render: (result, context) =>
        result.type === 'batch'
          ? formatJsonChunks(result, context.prerendered instanceof JsonRowChunks ? context.prerendered : undefined, context.info)
          : formatJson(result, context.info),
      prerender: (measureNames) => new JsonRowChunks(measureNames),
    },
  ],
  ['csv', { render: (result) => formatCsv(result), rows: { header: csvRowHeader, row: csvRow } }],
  ['value', { render: (result) => formatValue(result), rows: { header: () => '', row: valueRow } }],
]);

/** Formats that carry warnings inside the output; the others get them on stderr. */
export const FORMATS_WITH_WARNINGS: ReadonlySet<OutputFormat> = new Set(['table', 'json', 'markdown']);
