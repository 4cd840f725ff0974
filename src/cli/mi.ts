/**
 * `kl mi TABLE` or `kl mi DATA --x A --y B`: the command line → an MiRequest, the run, the
 * output. Options are validated before anything is read.
 */
import { Command, Option } from 'commander';
import type { MiRequest } from '../compute/mi.js';
import { closestName } from '../display.js';
import { UsageError } from '../errors.js';
import { INPUT_FORMATS, isInputFormat } from '../io/detect.js';
import { STDIN_PATH } from '../io/source.js';
import { JOINT_MEASURE_NAMES } from '../measures/joint-names.js';
import { DEFAULT_SUM_TOLERANCE } from '../measures/prepare.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../report/index.js';
import { addOutputOptions, collect, parseBase, parseChecks, parseOutputFormat } from './options.js';
import { type CliIo, type OutputOptions, quoteForShell, runWithOutputs } from './run-support.js';

interface MiOptions extends OutputOptions {
  x?: string;
  y?: string;
  kind?: string;
  tolerance?: string;
  bins?: string;
  top?: string;
}

const EXAMPLES = [
  'kl mi fixtures/joint/table.csv --kind counts',
  'kl mi fixtures/joint/pairs.csv --x prediction --y truth',
  'kl mi fixtures/joint/table.json --kind counts --base 2 --json',
];

export function miCommand(program: Command, io: CliIo, setExitCode: (code: number) => void, argv: readonly string[], complete: boolean): Command {
  const command = new Command('mi')
    .copyInheritedSettings(program)
    .summary('mutual information, conditional entropies and NMI of a joint distribution (a table, or two columns)')
    .description(
      'TABLE: a contingency table (CSV/TSV with row labels in the first column and column labels in the header, or a JSON ' +
        'object of objects) of counts (--kind counts) or joint probabilities; or, with --x and --y, two columns of paired ' +
        'observations whose value counts make the table (numeric columns with more than 20 distinct values in quantile bins).',
    )
    .argument('<TABLE>', 'the table or the observations (file path, or - for stdin)')
    .action(async (path: string, options: MiOptions) => {
      setExitCode(await runMiCommand(path, options, io, argv));
    });
  if (!complete) return command;
  command
    .addOption(new Option('-f, --format <format>', `output format: ${OUTPUT_FORMATS.join('|')}`).default('table'))
    .option('--json', 'shorthand for --format json')
    .option('--input-format <format>', `read the input as ${INPUT_FORMATS.filter((format) => format !== 'npy').join('|')}`)
    .option('--x <column>', 'paired observations: the column of X')
    .option('--y <column>', 'paired observations: the column of Y')
    .option('-k, --kind <kind>', 'what a table holds: probs (joint probabilities) or counts', 'probs')
    .option('--tolerance <tol>', 'allowed |Σp − 1| for joint probabilities', String(DEFAULT_SUM_TOLERANCE))
    .option('--bins <n>', 'quantile bins for a numeric column of pairs', '10')
    .option('--top <n>', 'how many cells to list (0: all)', '10')
    .option('-b, --base <base>', 'logarithm base: e, 2, 10 or any number > 1', 'e')
    .option('--max <name=value>', 'check: fail (exit 1) when the measure exceeds value; repeatable', collect)
    .option('--min <name=value>', 'check: fail (exit 1) when the measure is below value; repeatable', collect);
  return addOutputOptions(command).addHelpText(
    'after',
    `\nExamples:\n${EXAMPLES.map((example) => `  $ ${example}`).join('\n')}\n\nExit codes: 0 ok, 1 a --max/--min check failed, 2 usage or input error.`,
  );
}

function count(text: string, flag: string, least: number): number {
  const value = /^\s*\d+\s*$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isInteger(value) || value < least) throw new UsageError('bad-count', `${flag} ${text}: must be a whole number ≥ ${least}`);
  return value;
}

export function buildMiRequest(path: string, options: MiOptions, commandLine: string): { request: MiRequest; format: OutputFormat } {
  const format = parseOutputFormat(options);
  if ((options.x === undefined) !== (options.y === undefined)) {
    throw new UsageError(
      'missing-q-col',
      `${options.x === undefined ? '--y' : '--x'} needs ${options.x === undefined ? '--x' : '--y'} too: two columns of paired observations`,
    );
  }
  if (options.inputFormat !== undefined && (!isInputFormat(options.inputFormat) || options.inputFormat === 'npy')) {
    throw new UsageError('bad-input-format', `--input-format ${JSON.stringify(options.inputFormat)}: choose csv, tsv, json or jsonl`);
  }
  const kind = options.kind ?? 'probs';
  if (kind !== 'probs' && kind !== 'counts') throw new UsageError('bad-kind', `--kind ${JSON.stringify(kind)}: a table holds probs or counts`);
  const tolerance = Number(options.tolerance ?? DEFAULT_SUM_TOLERANCE);
  if (!(tolerance >= 0)) throw new UsageError('bad-tolerance', `--tolerance ${options.tolerance}: must be ≥ 0`);
  const checks = parseChecks(options);
  for (const check of checks) {
    if (!(JOINT_MEASURE_NAMES as readonly string[]).includes(check.name)) {
      const meant = closestName(check.name, JOINT_MEASURE_NAMES);
      throw new UsageError('unknown-check', `--${check.op} ${check.name}: unknown check name${meant ? ` (did you mean ${meant}?)` : ''}`, {
        hint: `choose ${JOINT_MEASURE_NAMES.join(', ')}`,
      });
    }
    if ((check.name.startsWith('g_') || check.name === 'mutual_information_mm') && kind !== 'counts' && options.x === undefined) {
      throw new UsageError('unknown-check', `--${check.op} ${check.name}: the G-test and Miller–Madow need counts (--kind counts, or --x/--y)`);
    }
  }
  return {
    format,
    request: {
      path,
      displayName: path === STDIN_PATH ? 'stdin' : path,
      format: options.inputFormat,
      x: options.x ?? null,
      y: options.y ?? null,
      kind,
      tolerance,
      bins: count(options.bins ?? '10', '--bins', 1),
      base: parseBase(options.base ?? 'e'),
      checks,
      top: count(options.top ?? '10', '--top', 0),
      commandLine,
    },
  };
}

async function runMiCommand(path: string, options: MiOptions, io: CliIo, argv: readonly string[]): Promise<number> {
  const { request, format } = buildMiRequest(path, options, quoteForShell(argv));
  const run = {
    commandLine: request.commandLine,
    hasChecks: request.checks.length > 0,
    quiet: options.quiet === true,
    inputs: [path],
    output: options.output === undefined || options.output === '-' ? null : options.output,
    report: null,
    junit: options.junit ?? null,
  };
  return runWithOutputs(run, io, async (context) => (await import('./execute.js')).executeMi(request, format, options.color, io, context));
}
