/**
 * CI checks: `--max NAME=VALUE` passes when the value is ≤ VALUE, `--min NAME=VALUE`
 * when it is ≥ VALUE. An infinite divergence fails any --max.
 */

import { closestName } from '../display.js';
import { UsageError } from '../errors.js';
import { parseDecimal } from '../io/numbers.js';
import { STAT_NAMES } from '../measures/stats.js';
import type { CheckResult } from '../result.js';
import type { CheckSpec } from './request.js';

/** Parses `NAME=VALUE` as given to --max/--min. */
export function parseCheck(text: string, op: 'max' | 'min'): CheckSpec {
  const match = /^([A-Za-z0-9_.]+)=(.+)$/.exec(text);
  // The same plain decimal numerals as every other number kl reads (no hex, no "Infinity").
  const limit = parseDecimal(match?.[2] ?? '');
  if (!match || !Number.isFinite(limit)) {
    throw new UsageError('bad-check', `--${op} ${JSON.stringify(text)}: expected NAME=NUMBER, e.g. --${op} kl_forward=0.01`);
  }
  return { name: match[1] as string, op, limit };
}

/**
 * Evaluates checks against the values `lookup` knows. A name it does not know is a usage
 * error (exit 2), listing what is available, so a typo can never pass a CI gate.
 */
export function evaluateChecks(specs: readonly CheckSpec[], lookup: (name: string) => number | undefined, available: () => string[] = () => []): CheckResult[] {
  return specs.map((spec) => {
    const value = lookup(spec.name);
    if (value === undefined) {
      const names = available();
      const meant = closestName(spec.name, names);
      throw new UsageError('unknown-check', `--${spec.op} ${spec.name}: unknown check name${meant ? ` (did you mean ${meant}?)` : ''}`, {
        hint: names.length > 0 ? `available here: ${names.join(', ')}` : undefined,
      });
    }
    const passed = spec.op === 'max' ? value <= spec.limit : value >= spec.limit;
    return { name: spec.name, op: spec.op, limit: spec.limit, value, passed };
  });
}

/** A check on a per-row measure with no statistic (`kl_forward`): one value only for one row. */
function isBareMeasure(name: string, scalars: readonly string[]): boolean {
  return !name.includes('.') && !scalars.includes(name);
}

/**
 * The checks whose meaning depends on how many rows the input has: a bare measure name
 * (`--max kl_forward=…`) is one number only for a single pair or a one-row batch, and
 * `.stderr` needs two rows. A pair is a batch of one row: both go through here, so the
 * same checks are accepted for both.
 */
export class RowCountChecks {
  private readonly bare: CheckSpec[];
  private readonly stderr: CheckSpec[];

  constructor(specs: readonly CheckSpec[], scalars: readonly string[]) {
    this.bare = specs.filter((spec) => isBareMeasure(spec.name, scalars));
    this.stderr = specs.filter((spec) => spec.name.endsWith('.stderr'));
  }

  /** Whether any check depends on the row count (a streaming batch then holds its first row back). */
  get any(): boolean {
    return this.bare.length > 0 || this.stderr.length > 0;
  }

  /** Throws when a check does not exist for `rows` rows; `atLeast`: more rows may follow. */
  validate(rows: number, atLeast = false): void {
    const bare = this.bare[0];
    if (bare && rows > 1) {
      throw new UsageError('check-needs-statistic', `--${bare.op} ${bare.name}: the input is a batch of several rows, so ${bare.name} has a value per row`, {
        hint: `name a statistic: ${STAT_NAMES.filter((stat) => stat !== 'stderr')
          .map((stat) => `${bare.name}.${stat}`)
          .join(', ')}`,
      });
    }
    const stderr = this.stderr[0];
    if (stderr && rows < 2 && !atLeast) {
      throw new UsageError('check-needs-two-rows', `--${stderr.op} ${stderr.name}: the standard error needs at least two rows; the input has ${rows}`);
    }
  }
}

/**
 * The value of a check name for a single pair, a batch of one row: `kl_forward` and every
 * statistic of it (`.mean`, `.p99`, `.max`, …) are the pair's value.
 */
export function pairCheckValue(name: string, measures: Readonly<Record<string, number | undefined>>, scalars: ReadonlyMap<string, number>): number | undefined {
  const scalar = scalars.get(name);
  if (scalar !== undefined) return scalar;
  const dot = name.lastIndexOf('.');
  if (dot < 0) return measures[name];
  const stat = name.slice(dot + 1);
  return stat !== 'stderr' && (STAT_NAMES as readonly string[]).includes(stat) ? measures[name.slice(0, dot)] : undefined;
}
