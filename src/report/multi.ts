/**
 * `kl js P Q R …` and `kl matrix …` in every format: the generalised JS divergence with the
 * weights, or the N × N matrix of a measure. Pure.
 */
import type { MultiResult, RunInfo } from '../result.js';
import { csvField } from './csv.js';
import { humanRenderers, type Renderers } from './index.js';
import { type JsonMultiReport, provenance, SCHEMA_VERSION } from './schema.js';
import { renderChecks, type TableOptions } from './surface.js';
import { expression, humanNumber, jsonNumber, machineNumber, measureUnit } from './wording.js';

/** Column headers for the matrix: the distributions numbered (names are listed above it). */
function document(result: MultiResult, options: TableOptions): Iterable<string> {
  const legend = result.names
    .map((name, i) =>
      options.paint.dim(`${i + 1} = ${options.text(name, 80)}${result.mode === 'js' ? `  (weight ${humanNumber(result.weights[i] as number)})` : ''}`),
    )
    .join(options.lineBreak);
  if (result.mode === 'js') {
    return options.join([
      legend,
      `generalised Jensen–Shannon divergence H(Σ wᵢPᵢ) − Σ wᵢH(Pᵢ) = ${humanNumber(result.value as number)} ${result.unit}`,
      ...renderChecks(result, options),
    ]);
  }
  const measure = result.measure as NonNullable<MultiResult['measure']>;
  const table = options.table(['', ...result.names.map((_, i) => String(i + 1))], ['left', ...result.names.map(() => 'right' as const)]);
  (result.matrix as number[][]).forEach((row, i) => {
    table.push([String(i + 1), ...row.map((value) => humanNumber(value))]);
  });
  const unit = measureUnit(measure, result.unit);
  return options.join([
    legend,
    options.paint.bold(`${measure}: row i, column j = ${expression(measure, { p: 'i', q: 'j' })}${unit ? ` (${unit})` : ''}`),
    table.lines(),
    ...renderChecks(result, options),
  ]);
}

function json(result: MultiResult, info?: RunInfo): string {
  const report: JsonMultiReport = {
    schema_version: SCHEMA_VERSION,
    ...provenance(info),
    command: result.command,
    unit: result.unit,
    base: result.base,
    inputs: result.names,
    ...(result.mode === 'js'
      ? { weights: result.weights, measures: { js_divergence: jsonNumber(result.value as number) } }
      : { measure: result.measure as string, matrix: (result.matrix as number[][]).map((row) => row.map(jsonNumber)) }),
    checks: result.checks.map((check) => ({ ...check, value: jsonNumber(check.value) })),
    warnings: result.warnings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

function csv(result: MultiResult): string {
  if (result.mode === 'js') return `js_divergence\n${machineNumber(result.value as number)}\n`;
  const lines = [['', ...result.names].map(csvField).join(',')];
  (result.matrix as number[][]).forEach((row, i) => {
    lines.push([csvField(result.names[i] as string), ...row.map(machineNumber)].join(','));
  });
  return `${lines.join('\n')}\n`;
}

/** One renderer per output format. */
export const MULTI_FORMATTERS: Renderers<MultiResult> = {
  ...humanRenderers(document),
  json: { carriesWarnings: true, render: (result, _color, info) => json(result, info) },
  csv: { carriesWarnings: false, render: (result) => csv(result) },
  value: {
    carriesWarnings: false,
    render: (result) =>
      result.mode === 'js'
        ? `${machineNumber(result.value as number)}\n`
        : `${(result.matrix as number[][]).map((row) => row.map(machineNumber).join('\t')).join('\n')}\n`,
  },
};
