/**
 * `kl drift` output in every format: the table (and Markdown) shows one line per column
 * and the dataset line; JSON every measure, bin and count; CSV one line per column; value
 * the share of drifted columns. With --column, the per-bin terms of that column instead.
 * Pure functions of the DriftResult.
 */
import { plural } from '../display.js';
import type { DriftColumnResult, DriftMeasureName, DriftResult, RunInfo, ZeroPolicy } from '../result.js';
import { DRIFT_MEASURES } from '../result.js';
import { csvField } from './csv.js';
import { humanRenderers, type Renderers } from './index.js';
import { type JsonDriftReport, type JsonNumber, provenance, SCHEMA_VERSION } from './schema.js';
import { renderChecks, renderWarnings, type TableOptions } from './surface.js';
import { humanNumber, jsonNumber, machineNumber } from './wording.js';

/** How the zero policy reads in every output. */
export function describeZeroPolicy(policy: ZeroPolicy): string {
  switch (policy.kind) {
    case 'none':
      return 'kept empty: a bin empty on one side only makes D or PSI infinite';
    case 'smooth':
      return `--smooth ${policy.epsilon}: added to every bin of both sides, then renormalised`;
    case 'evidently':
      return "--fill evidently: an empty bin becomes 1e-4 (or the smallest share / 1e6 when that is ≤ 1e-4), PSI without renormalising (Evidently's rule)";
  }
}

function describeBinning(result: DriftResult): string {
  const { rule, bins, from } = result.binning;
  if (rule === 'edges') return `numeric bins: the --edges given (${plural(bins, 'bin')}), with open bins added for values outside them`;
  const what = rule === 'quantile' ? `${bins} quantile bins` : rule === 'uniform' ? `${bins} equal-width bins` : `equal-width bins by NumPy's ${rule} rule`;
  return `numeric bins: ${what} of the ${from === 'both' ? 'reference and current together' : 'reference'}, outer bins open to ±∞`;
}

/** The p-value of the column's test: KS for numeric columns, χ² for categorical ones. */
function testCell(column: DriftColumnResult): string {
  const { measures } = column;
  if (column.type === 'numeric') return `KS p ${humanNumber(measures.ks_pvalue as number)}`;
  return `χ² p ${humanNumber(measures.chi2_pvalue as number)}`;
}

function header(result: DriftResult, options: TableOptions): string[] {
  const side = (label: string, s: DriftResult['reference']): string => `${label} = ${options.text(s.source, 80)}  (${s.format}, ${plural(s.rows, 'row')})`;
  return [
    [side('REF', result.reference), side('CUR', result.current)].map((line) => options.paint.dim(line)).join(options.lineBreak),
    [describeBinning(result), `empty bins: ${describeZeroPolicy(result.zeroPolicy)}`].map((line) => options.paint.dim(line)).join(options.lineBreak),
  ];
}

function columnsTable(result: DriftResult, options: TableOptions): Iterable<string> {
  const { paint } = options;
  const table = options.table(
    // The verdict and the measures first: on a narrow terminal the counts are what gives way.
    ['column', 'drift', 'PSI', 'D(ref‖cur)', 'D(cur‖ref)', 'JS dist', 'test', 'type', 'n ref', 'n cur', 'missing'],
    ['left', 'left', 'right', 'right', 'right', 'right', 'left', 'left', 'right', 'right', 'right'],
  );
  const shown = (value: number): string => (value === Infinity ? paint.red(humanNumber(value)) : humanNumber(value));
  for (const column of result.columns) {
    const m = column.measures;
    table.push([
      options.text(column.name),
      column.drifted ? paint.red('DRIFT') : '',
      shown(m.psi),
      shown(m.kl_forward),
      shown(m.kl_reverse),
      humanNumber(m.js_distance),
      testCell(column),
      column.type,
      String(column.n_ref),
      String(column.n_cur),
      `${column.missing_ref} / ${column.missing_cur}`,
    ]);
  }
  return table.lines();
}

function contributionTable(column: DriftColumnResult, options: TableOptions): Iterable<string> {
  const table = options.table(
    ['bin', 'ref n', 'cur n', 'p (ref)', 'q (cur)', 'p·log(p/q)', 'PSI term'],
    ['left', 'right', 'right', 'right', 'right', 'right', 'right'],
  );
  for (const bin of column.contributions ?? []) {
    table.push([
      options.text(bin.label),
      String(bin.ref_count),
      String(bin.cur_count),
      humanNumber(bin.p),
      humanNumber(bin.q),
      humanNumber(bin.kl_forward),
      humanNumber(bin.psi),
    ]);
  }
  return table.lines();
}

function measureLines(result: DriftResult, column: DriftColumnResult, options: TableOptions): Iterable<string> {
  const table = options.table(['measure', 'value', 'unit'], ['left', 'right', 'left']);
  for (const name of DRIFT_MEASURES) {
    const value = column.measures[name];
    if (value === undefined) continue;
    table.push([name, value === null ? 'n/a' : humanNumber(value), driftUnit(name, result.unit)]);
  }
  return table.lines();
}

/** The unit of a drift measure: PSI is always in nats; tests and distances have none of kl's. */
export function driftUnit(name: DriftMeasureName, unit: string): string {
  switch (name) {
    case 'kl_forward':
    case 'kl_reverse':
    case 'js_divergence':
    case 'kl_knn':
      return unit;
    case 'psi':
      return 'nats';
    case 'wasserstein':
      return 'units of the values';
    default:
      return '';
  }
}

function renderDocument(result: DriftResult, options: TableOptions): Iterable<string> {
  const blocks: (string | Iterable<string>)[] = [...header(result, options)];
  const explained = result.explained === null ? null : result.columns.find((column) => column.name === result.explained);
  if (explained) {
    blocks.push(
      options.paint.bold(
        `column ${options.text(explained.name)} (${explained.type}): D(ref‖cur) = ${humanNumber(explained.measures.kl_forward)} ${result.unit}, PSI = ${humanNumber(explained.measures.psi)}`,
      ),
      contributionTable(explained, options),
      measureLines(result, explained, options),
    );
  } else {
    blocks.push(columnsTable(result, options));
  }
  const { drifted, columns, share_drifted } = result.summary;
  blocks.push(`dataset: ${drifted} of ${plural(columns, 'column')} drifted (share_drifted ${humanNumber(share_drifted)}); drifted means: ${result.driftRule}`);
  blocks.push(...renderWarnings(result, options), ...renderChecks(result, options));
  return options.join(blocks);
}

function jsonMeasures(column: DriftColumnResult): Record<string, JsonNumber | null> {
  const out: Record<string, JsonNumber | null> = {};
  for (const name of DRIFT_MEASURES) {
    const value = column.measures[name];
    if (value !== undefined) out[name] = value === null ? null : jsonNumber(value);
  }
  return out;
}

export function driftJson(result: DriftResult, info?: RunInfo): string {
  const report: JsonDriftReport = {
    schema_version: SCHEMA_VERSION,
    ...provenance(info),
    command: 'drift',
    unit: result.unit,
    base: result.base,
    reference: result.reference,
    current: result.current,
    binning: result.binning,
    zero_policy: result.zeroPolicy,
    drift_rule: result.driftRule,
    columns: result.columns.map((column) => ({
      name: column.name,
      type: column.type,
      type_source: column.type_source,
      n_ref: column.n_ref,
      n_cur: column.n_cur,
      missing_ref: column.missing_ref,
      missing_cur: column.missing_cur,
      bins: {
        ...(column.bins.edges ? { edges: column.bins.edges.map(jsonNumber) } : {}),
        ...(column.bins.categories ? { categories: column.bins.categories } : {}),
        ref_counts: column.bins.ref_counts,
        cur_counts: column.bins.cur_counts,
      },
      measures: jsonMeasures(column),
      ...(column.ks_method ? { ks_method: column.ks_method } : {}),
      drifted: column.drifted,
      ...(column.contributions
        ? { contributions: column.contributions.map((bin) => ({ ...bin, kl_forward: jsonNumber(bin.kl_forward), psi: jsonNumber(bin.psi) })) }
        : {}),
    })),
    summary: result.summary,
    checks: result.checks.map((check) => ({ ...check, value: jsonNumber(check.value) })),
    warnings: result.warnings,
  };
  return `${JSON.stringify(report, null, 2)}\n`;
}

export function driftCsv(result: DriftResult): string {
  const explained = result.explained === null ? null : result.columns.find((column) => column.name === result.explained);
  if (explained) {
    const lines = ['bin,ref_count,cur_count,p,q,kl_forward,psi'];
    for (const bin of explained.contributions ?? []) {
      lines.push(
        [
          csvField(bin.label),
          bin.ref_count,
          bin.cur_count,
          machineNumber(bin.p),
          machineNumber(bin.q),
          machineNumber(bin.kl_forward),
          machineNumber(bin.psi),
        ].join(','),
      );
    }
    return `${lines.join('\n')}\n`;
  }
  const lines = [['column', 'type', 'n_ref', 'n_cur', 'missing_ref', 'missing_cur', ...DRIFT_MEASURES, 'drifted'].join(',')];
  for (const column of result.columns) {
    const values = DRIFT_MEASURES.map((name) => {
      const value = column.measures[name];
      return value === undefined || value === null ? '' : machineNumber(value);
    });
    lines.push([csvField(column.name), column.type, column.n_ref, column.n_cur, column.missing_ref, column.missing_cur, ...values, column.drifted].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/** `--format value`: share_drifted; with --column, that column's PSI. */
export function driftValue(result: DriftResult): string {
  const explained = result.explained === null ? null : result.columns.find((column) => column.name === result.explained);
  return `${machineNumber(explained ? explained.measures.psi : result.summary.share_drifted)}\n`;
}

/** One renderer per output format (a format without one does not compile). */
export const DRIFT_FORMATTERS: Renderers<DriftResult> = {
  ...humanRenderers(renderDocument),
  json: { carriesWarnings: true, render: (result, _color, info) => driftJson(result, info) },
  csv: { carriesWarnings: false, render: (result) => driftCsv(result) },
  value: { carriesWarnings: false, render: (result) => driftValue(result) },
};
