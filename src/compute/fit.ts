/**
 * `kl fit`: a distribution on a grid (or raw samples, through a kernel density estimate)
 * to the best member of a model family under D(P‖Q) and under D(Q‖P), each fit measured in
 * both directions (measures/fit.ts has the objective and its conventions).
 */
import { InputError } from '../errors.js';
import { ColumnSpill } from '../io/column-store.js';
import { type ObservationTable, type ObservedColumn, readObservations } from '../io/observations.js';
import type { StdinProvider } from '../io/source.js';
import { measurePair } from '../measures/catalog.js';
import { familyOf } from '../measures/families.js';
import { cellWidths, fitFamily, type Grid, momentsOf } from '../measures/fit.js';
import { gaussianKde } from '../measures/kde.js';
import { compensatedSum } from '../measures/sum.js';
import type { FitEntry, FitInput, FitResult, Warning } from '../result.js';
import type { FitRequest, GridValues } from './fit-request.js';

/** Header names that say what a grid's values are, so that no flag is needed. */
const VALUE_NAMES = new Map<string, GridValues>([
  ['p', 'probability'],
  ['prob', 'probability'],
  ['probs', 'probability'],
  ['probability', 'probability'],
  ['mass', 'probability'],
  ['pmf', 'probability'],
  ['density', 'density'],
  ['pdf', 'density'],
  ['count', 'count'],
  ['counts', 'count'],
  ['n', 'count'],
  ['frequency', 'count'],
]);

/** The least number of grid points a fit is computed on. */
export const MIN_GRID_POINTS = 3;

function numbersOf(column: ObservedColumn, table: ObservationTable, what: string, allowMissing: boolean): Float64Array {
  if (column.firstText) {
    const first = column.firstText;
    throw new InputError(
      'text-in-numeric-column',
      `${first.line === null ? '' : `line ${first.line}: `}${what}: ${JSON.stringify(first.text)} is not a number`,
      {
        location: { source: table.source },
      },
    );
  }
  if (column.missing > 0 && !allowMissing) {
    throw new InputError(
      'no-values',
      `${what}: ${column.missing} missing ${column.missing === 1 ? 'value' : 'values'}: every grid point needs its x and its value`,
      {
        location: { source: table.source },
      },
    );
  }
  return column.values.take();
}

function readGrid(table: ObservationTable, request: FitRequest): { grid: Grid; input: FitInput; warnings: Warning[] } {
  const source = table.source;
  if (table.columns.length !== 2) {
    throw new InputError(
      'column-mismatch',
      `has ${table.columns.length} ${table.columns.length === 1 ? 'column' : 'columns'}; a grid has two: x and its value`,
      {
        location: { source },
        hint: table.columns.length === 1 ? 'raw observations? say --samples' : 'give a file of two columns: x, then p (or density, or count)',
      },
    );
  }
  const [xColumn, valueColumn] = table.columns as [ObservedColumn, ObservedColumn];
  const named = table.named ? VALUE_NAMES.get(valueColumn.name.trim().toLowerCase()) : undefined;
  const values = request.values ?? named;
  if (values === undefined) {
    throw new InputError(
      'ambiguous-values',
      table.named
        ? `the column ${JSON.stringify(valueColumn.name)} could hold probabilities, a density or counts`
        : 'a grid without a header: its values could be probabilities, a density or counts',
      { location: { source }, hint: 'say which: --values probability, --values density or --values count (or name the column p, density or count)' },
    );
  }
  const x = numbersOf(xColumn, table, `column ${xColumn.name} (x)`, false);
  const raw = numbersOf(valueColumn, table, `column ${valueColumn.name}`, false);
  if (x.length < MIN_GRID_POINTS) {
    throw new InputError('no-data', `has ${x.length} grid ${x.length === 1 ? 'point' : 'points'}; a fit needs at least ${MIN_GRID_POINTS}`, {
      location: { source },
    });
  }
  for (let i = 0; i < x.length; i++) {
    const value = x[i] as number;
    const mass = raw[i] as number;
    const where = { source };
    if (!Number.isFinite(value) || !Number.isFinite(mass)) {
      throw new InputError(
        'non-finite-value',
        `grid point ${i + 1}: ${Number.isFinite(value) ? `${valueColumn.name} = ${mass}` : `x = ${value}`} is not finite`,
        {
          location: where,
        },
      );
    }
    if (i > 0 && !(value > (x[i - 1] as number))) {
      throw new InputError(
        'grid-not-increasing',
        `grid point ${i + 1}: x = ${value} does not increase on x = ${x[i - 1]}: a grid's points must be strictly increasing`,
        {
          location: where,
          hint: 'sort the file by x and merge repeated points',
        },
      );
    }
    if (mass < 0) {
      throw new InputError('negative-value', `grid point ${i + 1}: ${valueColumn.name} = ${mass} at x = ${value}: a distribution has no negative mass`, {
        location: where,
      });
    }
  }
  if (!Number.isFinite((x[x.length - 1] as number) - (x[0] as number))) {
    throw new InputError('bad-grid', `x runs from ${x[0]} to ${x[x.length - 1]}: a span wider than the largest double`, { location: { source } });
  }
  const widths = cellWidths(x);
  const masses = values === 'density' ? raw.map((d, i) => d * (widths[i] as number)) : raw;
  const total = compensatedSum(masses);
  if (!(total > 0)) throw new InputError('zero-mass', `every ${values} is 0: there is no distribution to fit`, { location: { source } });
  const warnings: Warning[] = [];
  if (values === 'probability' && Math.abs(total - 1) > request.tolerance) {
    throw new InputError('not-normalized', `the probabilities sum to ${total}, not 1 (tolerance ${request.tolerance})`, {
      location: { source },
      hint: 'weights to be normalised are counts: --values count divides them by their total',
    });
  }
  if (values === 'density' && Math.abs(total - 1) > 0.01) {
    warnings.push({
      code: 'density-integral',
      message: `the density integrates to ${total} over the grid, not about 1: is it a density? It is normalised to 1 on the grid`,
    });
  }
  const p = masses.map((mass) => mass / total);
  return {
    grid: { x, p },
    input: { form: 'grid', values, points: x.length, total, samples: null, missing: 0, column: valueColumn.name, bandwidth: null },
    warnings,
  };
}

function readSamples(table: ObservationTable, request: FitRequest): { grid: Grid; input: FitInput; warnings: Warning[] } {
  const source = table.source;
  let column: ObservedColumn | undefined;
  if (request.column !== null) {
    column = table.columns.find((candidate) => candidate.name === request.column);
    if (!column) {
      throw new InputError('no-such-column', `--column ${request.column}: no such column (its columns: ${table.columns.map((c) => c.name).join(', ')})`, {
        location: { source },
      });
    }
  } else if (table.columns.length === 1) {
    column = table.columns[0];
  } else {
    throw new InputError('column-mismatch', `has ${table.columns.length} columns; which holds the samples?`, {
      location: { source },
      hint: `say --column NAME (its columns: ${table.columns.map((c) => c.name).join(', ')})`,
    });
  }
  const samples = numbersOf(column as ObservedColumn, table, `column ${(column as ObservedColumn).name}`, true);
  for (const value of samples) {
    if (!Number.isFinite(value)) throw new InputError('non-finite-value', `the samples hold ${value}, which has no density`, { location: { source } });
  }
  if (samples.length < 2)
    throw new InputError('no-data', `has ${samples.length} ${samples.length === 1 ? 'sample' : 'samples'}; a density estimate needs at least 2`, {
      location: { source },
    });
  const kde = gaussianKde(samples, request.bandwidth, request.gridPoints);
  if (!(kde.bandwidth > 0)) throw new InputError('constant-column', 'every sample has the same value: no density to estimate', { location: { source } });
  if (!Number.isFinite((kde.x[kde.x.length - 1] as number) - (kde.x[0] as number))) {
    throw new InputError('bad-grid', `the density estimate's grid (the samples' range ± 3 bandwidths) is wider than the largest double`, {
      location: { source },
    });
  }
  const widths = cellWidths(kde.x);
  const masses = kde.density.map((d, i) => d * (widths[i] as number));
  const total = compensatedSum(masses);
  const rule = typeof request.bandwidth === 'object' ? 'given' : request.bandwidth;
  return {
    grid: { x: kde.x, p: masses.map((mass) => mass / total) },
    input: {
      form: 'samples',
      values: 'kde',
      points: kde.x.length,
      total,
      samples: samples.length,
      missing: (column as ObservedColumn).missing,
      column: (column as ObservedColumn).name,
      bandwidth: { rule, value: kde.bandwidth },
    },
    warnings: [],
  };
}

export async function runFit(request: FitRequest, stdin: StdinProvider): Promise<FitResult> {
  const spill = new ColumnSpill();
  let table: ObservationTable;
  let read: { grid: Grid; input: FitInput; warnings: Warning[] };
  try {
    table = await readObservations({ path: request.path, displayName: request.displayName, format: request.format, header: 'auto' }, stdin, spill);
    read = request.samples ? readSamples(table, request) : readGrid(table, request);
  } finally {
    spill.close();
  }
  const { grid, input, warnings } = read;
  const family = familyOf(request.family);
  if (request.directions.includes('reverse')) {
    const zeros = grid.p.reduce((count, mass) => count + (mass === 0 ? 1 : 0), 0);
    if (zeros > 0) {
      const first = grid.x[grid.p.indexOf(0)] as number;
      throw new InputError(
        'zero-mass',
        `P is 0 at ${zeros} of its ${grid.x.length} points (the first at x = ${first}); every ${family.name} puts mass there, so D(Q‖P) is infinite for every fit`,
        { location: { source: table.source }, hint: '--direction forward fits D(P‖Q) alone; or give P > 0 on every point of the grid' },
      );
    }
  }
  const moments = momentsOf(grid);
  if (!(moments.sd > 0))
    throw new InputError('constant-column', 'P puts all its mass on one point: no family member to fit', { location: { source: table.source } });
  const logP = Float64Array.from(grid.p, Math.log);
  const fits: FitEntry[] = request.directions.map((direction) => {
    const outcome = fitFamily(grid, family, direction);
    const { measures } = measurePair(grid.p, outcome.q, ['kl_forward', 'kl_reverse'], request.base, { p: logP, q: outcome.logQ });
    if (!outcome.converged) {
      warnings.push({
        code: 'fit-not-converged',
        message: `the ${direction} fit stopped after ${outcome.iterations} iterations with gradient ${outcome.gradientNorm}: its parameters may be off`,
      });
    }
    const { parameters, logQ: _logQ, objective: _objective, ...optimiser } = outcome;
    return {
      ...optimiser,
      parameters: family.parameterNames.map((name, i) => ({ name, value: parameters[i] as number })),
      klForward: measures.kl_forward as number,
      klReverse: measures.kl_reverse as number,
    };
  });
  return {
    type: 'fit',
    command: 'fit',
    unit: request.base.unit,
    base: request.base.value,
    source: table.source,
    format: table.format,
    family: family.name,
    input,
    grid: { x: grid.x, p: grid.p, widths: cellWidths(grid.x) },
    moments,
    fits,
    checks: [],
    warnings,
    commandLine: request.commandLine,
  };
}
