/**
 * CI checks: `--max NAME=VALUE` passes when the value is ≤ VALUE, `--min NAME=VALUE`
 * when it is ≥ VALUE. An infinite divergence fails any --max.
 */
import { UsageError } from '../errors.js';
import type { CheckResult } from '../report/schema.js';
import type { CheckSpec } from './request.js';

/** Parses `NAME=VALUE` as given to --max/--min. */
export function parseCheck(text: string, op: 'max' | 'min'): CheckSpec {
  const match = /^([A-Za-z0-9_.]+)=(.+)$/.exec(text);
  const limit = match ? Number(match[2]) : NaN;
  if (!match || match[2]?.trim() === '' || !Number.isFinite(limit)) {
    throw new UsageError('bad-check', `--${op} ${JSON.stringify(text)}: expected NAME=NUMBER, e.g. --${op} kl_forward=0.01`);
  }
  return { name: match[1] as string, op, limit };
}

/**
 * Evaluates checks against the values `lookup` knows. A name it does not know is a usage
 * error (exit 2), listing what is available, so a typo can never pass a CI gate.
 */
export function evaluateChecks(
  specs: readonly CheckSpec[],
  lookup: (name: string) => number | undefined,
  available: () => string[] = () => [],
): CheckResult[] {
  return specs.map((spec) => {
    const value = lookup(spec.name);
    if (value === undefined) {
      const names = available();
      throw new UsageError('unknown-check', `--${spec.op} ${spec.name}: unknown check name`, {
        hint: names.length > 0 ? `available here: ${names.join(', ')}` : undefined,
      });
    }
    const passed = spec.op === 'max' ? value <= spec.limit : value >= spec.limit;
    return { name: spec.name, op: spec.op, limit: spec.limit, value, passed };
  });
}
