import type { MeasureName } from '../measures/pair.js';
import { type JsonNumber, type JsonPairReport, type KlResult, SCHEMA_VERSION } from './schema.js';
import { expression, jsonNumber } from './wording.js';

export function toJsonPairReport(result: KlResult): JsonPairReport {
  const measures: Partial<Record<MeasureName, JsonNumber>> = {};
  const expressions: Partial<Record<MeasureName, string>> = {};
  for (const name of result.measureNames) {
    const value = result.measures[name];
    if (value === undefined) continue;
    measures[name] = jsonNumber(value);
    expressions[name] = expression(name, result.names);
  }
  return {
    schema_version: SCHEMA_VERSION,
    command: result.command,
    unit: result.unit,
    base: result.base,
    inputs: result.inputs,
    measures,
    expressions,
    support: result.support,
    warnings: result.warnings,
    checks: result.checks,
  };
}

/** One JSON document, pretty-printed, ending in a newline. */
export function formatJson(result: KlResult): string {
  return `${JSON.stringify(toJsonPairReport(result), null, 2)}\n`;
}
