/**
 * `kl mi` in every format: the measures (with what each computes and its unit), the
 * cells that carry the most mutual information, the checks. Pure.
 */
import { plural } from '../display.js';
import { JOINT_COMPUTED, JOINT_MEASURE_NAMES, type JointMeasures } from '../measures/joint-names.js';
import type { MiResult, RunInfo } from '../result.js';
import { humanRenderers, type Renderers } from './index.js';
import { type JsonMiReport, provenance, SCHEMA_VERSION } from './schema.js';
import { renderChecks, renderWarnings, type TableOptions } from './surface.js';
import { humanNumber, jsonNumber, machineNumber } from './wording.js';

function unitOf(name: keyof JointMeasures, unit: string): string {
  return name.startsWith('nmi') || name.startsWith('g_') ? '' : unit;
}

function describeInput(result: MiResult, options: TableOptions): string {
  const what =
    result.input === 'pairs'
      ? `X = ${options.text(result.x)} (${result.binned?.x}), Y = ${options.text(result.y)} (${result.binned?.y}): ${plural(result.total, 'pair')}${result.missing ? `, ${result.missing} left out (missing)` : ''}`
      : `a ${result.rows} × ${result.columns} table of ${result.counts ? `counts (N = ${result.total})` : 'joint probabilities'}`;
  return options.paint.dim(`${options.text(result.source, 80)}: ${what}`);
}

function document(result: MiResult, options: TableOptions): Iterable<string> {
  const measures = options.table(['measure', 'computed', 'value', 'unit'], ['left', 'left', 'right', 'left']);
  for (const name of JOINT_MEASURE_NAMES) {
    const value = result.measures[name];
    if (value !== undefined) measures.push([name, JOINT_COMPUTED[name], humanNumber(value), unitOf(name, result.unit)]);
  }
  const cells = options.table(['X', 'Y', 'p(x,y)', 'p·log(p(x,y)/(p(x)p(y)))'], ['left', 'left', 'right', 'right']);
  for (const cell of result.cells) cells.push([options.text(cell.x), options.text(cell.y), humanNumber(cell.p), humanNumber(cell.term)]);
  return options.join([
    describeInput(result, options),
    measures.lines(),
    options.paint.bold(`The ${plural(result.cells.length, 'cell')} carrying the most mutual information (the terms of all cells sum to I):`),
    cells.lines(),
    ...renderWarnings(result, options),
    ...renderChecks(result, options),
  ]);
}

function json(result: MiResult, info?: RunInfo): string {
  const measures = Object.fromEntries(
    JOINT_MEASURE_NAMES.filter((name) => result.measures[name] !== undefined).map((name) => [name, jsonNumber(result.measures[name] as number)]),
  );
  const report: JsonMiReport = {
    schema_version: SCHEMA_VERSION,
    ...provenance(info),
    command: 'mi',
    unit: result.unit,
    base: result.base,
    input: {
      source: result.source,
      format: result.format,
      form: result.input,
      x: result.x,
      y: result.y,
      counts: result.counts,
      rows: result.rows,
      columns: result.columns,
      total: result.total,
      missing: result.missing,
      binned: result.binned,
    },
    measures,
    cells: result.cells.map((cell) => ({ ...cell, term: jsonNumber(cell.term) })),
    checks: result.checks.map((check) => ({ ...check, value: jsonNumber(check.value) })),
    warnings: result.warnings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

/** One renderer per output format. */
export const MI_FORMATTERS: Renderers<MiResult> = {
  ...humanRenderers(document),
  json: { carriesWarnings: true, render: (result, _color, info) => json(result, info) },
  csv: {
    carriesWarnings: false,
    render: (result) =>
      `measure,value\n${JOINT_MEASURE_NAMES.filter((name) => result.measures[name] !== undefined)
        .map((name) => `${name},${machineNumber(result.measures[name] as number)}`)
        .join('\n')}\n`,
  },
  value: { carriesWarnings: false, render: (result) => `${machineNumber(result.measures.mutual_information)}\n` },
};
