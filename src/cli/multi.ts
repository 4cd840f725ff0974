/**
 * More than two distributions on the command line: `kl js P Q R … [--weights …]` and
 * `kl matrix P Q R … --measure NAME` (or `kl matrix rows.csv`: every pair of rows).
 */
import { Command } from 'commander';
import type { MultiRequest } from '../compute/multi.js';
import { UsageError } from '../errors.js';
import { parseDecimal } from '../io/numbers.js';
import { MEASURE_NAMES, type MeasureName } from '../measures/catalog.js';
import { compare } from './commands/compare.js';
import type { CommandSpec } from './commands/spec.js';
import { addSharedOptions, buildRequest, type RawOptions } from './options.js';
import { type CliIo, quoteForShell, runWithOutputs } from './run-support.js';

export interface MultiOptions extends RawOptions {
  weights?: string;
  measure?: string;
}

/** --weights: one per distribution, ≥ 0, summing to 1. */
function parseWeights(text: string, count: number): number[] {
  const weights = text.split(',').map((part) => {
    const value = parseDecimal(part);
    if (!(value >= 0) || !Number.isFinite(value)) throw new UsageError('bad-option', `--weights ${text}: each weight must be a number ≥ 0, not ${part.trim()}`);
    return value;
  });
  if (weights.length !== count) throw new UsageError('bad-option', `--weights ${text}: ${weights.length} weights for ${count} distributions`);
  const total = weights.reduce((a, b) => a + b, 0);
  if (Math.abs(total - 1) > 1e-9) throw new UsageError('bad-option', `--weights ${text}: the weights sum to ${total}, not 1`);
  return weights;
}

export async function runMultiCommand(
  spec: CommandSpec,
  paths: string[],
  options: MultiOptions,
  io: CliIo,
  argv: readonly string[],
  mode: 'js' | 'matrix',
): Promise<number> {
  const commandLine = quoteForShell(argv);
  // The shared options are read as for two inputs (P and Q); every input is then read as Q is.
  const { request, format, color, output, junit, quiet } = buildRequest(
    spec,
    paths[0] as string,
    paths[1] ?? (paths[0] as string),
    options,
    io.env,
    commandLine,
  );
  const template = request.q ?? request.p;
  const inputs = paths.map((path) => ({ ...template, path, displayName: path === '-' ? 'stdin' : path }));
  const measure = (options.measure ?? 'js_distance') as MeasureName;
  if (mode === 'matrix' && !(MEASURE_NAMES as readonly string[]).includes(measure)) {
    throw new UsageError('bad-option', `--measure ${JSON.stringify(options.measure)}: choose ${MEASURE_NAMES.join(', ')}`);
  }
  const multi: MultiRequest = { request, inputs, mode, weights: options.weights === undefined ? null : parseWeights(options.weights, paths.length), measure };
  const run = { commandLine, hasChecks: request.checks.length > 0, quiet, inputs: paths, output, report: null, junit };
  return runWithOutputs(run, io, async (context) => (await import('./execute.js')).executeMulti(multi, format, color, io, context));
}

/** `kl matrix`: a measure between every pair of distributions (files, or the rows of one file). */
export function matrixCommand(program: Command, io: CliIo, setExitCode: (code: number) => void, argv: readonly string[], complete: boolean): Command {
  const command = new Command('matrix')
    .copyInheritedSettings(program)
    .summary('a measure between every pair of distributions: files, or the rows of one file')
    .description('Prints the N × N matrix of --measure (default js_distance): row i, column j = measure(i, j). With one file, its rows are the distributions.')
    .argument('<inputs...>', 'two or more distributions, or one file of rows')
    .action(async (paths: string[], options: MultiOptions) => {
      setExitCode(await runMultiCommand({ ...compare, name: 'matrix' }, paths, options, io, argv, 'matrix'));
    });
  if (!complete) return command;
  // --measure NAME (default js_distance) is one of the shared options.
  return addSharedOptions(command).addHelpText(
    'after',
    '\nExamples:\n  $ kl matrix fixtures/joint/dist1.csv fixtures/joint/dist2.csv fixtures/joint/dist3.csv\n  $ kl matrix fixtures/batch/p.csv --measure kl_forward',
  );
}
