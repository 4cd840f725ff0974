/**
 * `kl fit P --family F --direction forward|reverse|both`: the command line → a FitRequest,
 * the run, the output. Options are validated before anything is read.
 */
import { Command, Option } from 'commander';
import { type FitRequest, GRID_VALUES, type GridValues } from '../compute/fit-request.js';
import { UsageError } from '../errors.js';
import { INPUT_FORMATS, isInputFormat } from '../io/detect.js';
import { STDIN_PATH } from '../io/source.js';
import { FAMILY_NAMES, MAX_COMPONENTS, parseFamilyName } from '../measures/family-names.js';
import type { Direction } from '../measures/fit.js';
import type { BandwidthRule } from '../measures/kde.js';
import { DEFAULT_SUM_TOLERANCE } from '../measures/prepare.js';
import { FIT_FORMATS, type OutputFormat } from '../report/index.js';
import { addOutputOptions, parseBase, parseCount, parseFiniteNumber, parseOutputFormat } from './options.js';
import { type CliIo, type OutputOptions, quoteForShell, runWithOutputs } from './run-support.js';

interface FitOptions extends OutputOptions {
  family?: string;
  direction?: string;
  values?: string;
  samples?: boolean;
  column?: string;
  bandwidth?: string;
  gridPoints?: string;
  tolerance?: string;
  inputFormat?: string;
  report?: string;
}

const EXAMPLES = [
  'kl fit fixtures/fit/bimodal.csv --family gaussian',
  'kl fit fixtures/fit/bimodal.csv --family mixture:2 --direction reverse',
  'kl fit fixtures/fit/samples.csv --samples --family gaussian --report fit.html',
  'kl fit fixtures/fit/heavy.csv --family student-t --json',
];

/** The most points a kernel density estimate is evaluated on. */
const MAX_GRID_POINTS = 100_000;

export function fitCommand(program: Command, io: CliIo, setExitCode: (code: number) => void, argv: readonly string[], complete: boolean): Command {
  const command = new Command('fit')
    .copyInheritedSettings(program)
    .summary('fit a model family to P by minimising D(P‖Q) (forward) or D(Q‖P) (reverse), and show what each does')
    .description(
      'P: a distribution on a grid of increasing x (two columns: x, then p, density or count), or raw samples (--samples: a ' +
        'Gaussian kernel density estimate on a grid). Each fit is the family member Q, taken on P’s grid, that minimises ' +
        'the chosen direction; both divergences of every fit are printed, with a plot of P and the fitted densities.',
    )
    .argument('<P>', 'the distribution or the samples (file path, or - for stdin)')
    .action(async (path: string, options: FitOptions) => {
      setExitCode(await runFitCommand(path, options, io, argv));
    });
  if (!complete) return command;
  command
    .addOption(new Option('--family <family>', `the model family: ${FAMILY_NAMES.join(', ')} (K components, 1–${MAX_COMPONENTS})`).default('gaussian'))
    .addOption(new Option('--direction <direction>', 'which objective: forward = min D(P‖Q), reverse = min D(Q‖P), or both').default('both'))
    .addOption(new Option('-f, --format <format>', `output format: ${FIT_FORMATS.join('|')}`).default('table'))
    .option('--json', 'shorthand for --format json')
    .option('--input-format <format>', `read the input as ${INPUT_FORMATS.join('|')}`)
    .option('--values <kind>', `what a grid's second column holds: ${GRID_VALUES.join(', ')} (default: from its header: p, density or count)`)
    .option('--samples', 'the input is raw samples: fit their kernel density estimate')
    .option('--column <name>', 'with --samples: the column of samples, when the file has several')
    .option('--bandwidth <rule>', 'with --samples: scott, silverman (SciPy’s factors) or a number h', 'scott')
    .option('--grid-points <n>', 'with --samples: points of the density estimate’s grid', '512')
    .option('--tolerance <tol>', 'allowed |Σp − 1| for probabilities', String(DEFAULT_SUM_TOLERANCE))
    .option('-b, --base <base>', 'logarithm base: e, 2, 10 or any number > 1', 'e')
    .option('--report <file>', 'also write an HTML report with the plot as SVG (never over an input)');
  return addOutputOptions(command).addHelpText(
    'after',
    `\nExamples:\n${EXAMPLES.map((example) => `  $ ${example}`).join('\n')}\n\nExit codes: 0 ok, 2 usage or input error.`,
  );
}

function parseDirections(text: string): Direction[] {
  if (text === 'both') return ['forward', 'reverse'];
  if (text === 'forward' || text === 'reverse') return [text];
  throw new UsageError('bad-direction', `--direction ${JSON.stringify(text)}: choose forward (min D(P‖Q)), reverse (min D(Q‖P)) or both`);
}

function parseBandwidth(text: string): BandwidthRule {
  if (text === 'scott' || text === 'silverman') return text;
  const value = parseFiniteNumber(text, '--bandwidth');
  if (!(value > 0)) throw new UsageError('bad-bandwidth', `--bandwidth ${text}: choose scott, silverman or a number > 0`);
  return { value };
}

export function buildFitRequest(path: string, options: FitOptions, commandLine: string): { request: FitRequest; format: OutputFormat } {
  const format = parseOutputFormat(options, { formats: FIT_FORMATS, command: 'fit', hint: '--format json has every number' });
  const familyText = options.family ?? 'gaussian';
  const family = parseFamilyName(familyText);
  if (!family) {
    const mixture = /^mixture:(.*)$/.exec(familyText);
    throw new UsageError(
      'bad-family',
      mixture
        ? `--family ${JSON.stringify(familyText)}: a mixture has 1 to ${MAX_COMPONENTS} components (mixture:2, mixture:3, …)`
        : `--family ${JSON.stringify(familyText)}: unknown family`,
      { hint: `choose ${FAMILY_NAMES.join(', ')}` },
    );
  }
  if (options.inputFormat !== undefined && !isInputFormat(options.inputFormat)) {
    throw new UsageError('bad-input-format', `--input-format ${JSON.stringify(options.inputFormat)}: choose ${INPUT_FORMATS.join(', ')}`);
  }
  const values = options.values;
  if (values !== undefined && !(GRID_VALUES as readonly string[]).includes(values)) {
    throw new UsageError('bad-values', `--values ${JSON.stringify(values)}: choose ${GRID_VALUES.join(', ')}`);
  }
  const samples = options.samples === true;
  if (samples && values !== undefined) throw new UsageError('bad-values', '--values describes a grid; --samples reads raw samples: choose one');
  if (!samples) {
    for (const [flag, given] of [
      ['--column', options.column],
      ['--bandwidth', options.bandwidth !== undefined && options.bandwidth !== 'scott' ? options.bandwidth : undefined],
      ['--grid-points', options.gridPoints !== undefined && options.gridPoints !== '512' ? options.gridPoints : undefined],
    ] as const) {
      if (given !== undefined) throw new UsageError('bad-option', `${flag} applies to --samples (a density estimate of raw samples)`);
    }
  }
  const gridPoints = parseCount(options.gridPoints ?? '512', '--grid-points', 3);
  if (gridPoints > MAX_GRID_POINTS) throw new UsageError('bad-count', `--grid-points ${options.gridPoints}: at most ${MAX_GRID_POINTS}`);
  const tolerance = Number(options.tolerance ?? DEFAULT_SUM_TOLERANCE);
  if (!(tolerance >= 0)) throw new UsageError('bad-tolerance', `--tolerance ${options.tolerance}: must be ≥ 0`);
  const report = options.report ?? null;
  if (report !== null && !/\.html?$/i.test(report))
    throw new UsageError('bad-report', `--report ${JSON.stringify(report)}: the report is HTML; name the file *.html`);
  return {
    format,
    request: {
      path,
      displayName: path === STDIN_PATH ? 'stdin' : path,
      format: options.inputFormat as FitRequest['format'],
      samples,
      column: options.column ?? null,
      values: (values as GridValues | undefined) ?? null,
      tolerance,
      bandwidth: parseBandwidth(options.bandwidth ?? 'scott'),
      gridPoints,
      family,
      directions: parseDirections(options.direction ?? 'both'),
      base: parseBase(options.base ?? 'e'),
      commandLine,
    },
  };
}

async function runFitCommand(path: string, options: FitOptions, io: CliIo, argv: readonly string[]): Promise<number> {
  const { request, format } = buildFitRequest(path, options, quoteForShell(argv));
  const run = {
    commandLine: request.commandLine,
    hasChecks: false,
    quiet: options.quiet === true,
    inputs: [path],
    output: options.output === undefined || options.output === '-' ? null : options.output,
    report: options.report ?? null,
    junit: options.junit ?? null,
  };
  return runWithOutputs(run, io, async (context) => (await import('./execute.js')).executeFit(request, format, options.color, io, context));
}
