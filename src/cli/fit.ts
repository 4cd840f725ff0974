/**
 * `kl fit P --family F --direction forward|reverse|both`: the command line → a FitRequest,
 * the run, the output. Options are validated before anything is read.
 */
import { Command, Option } from 'commander';
import { GRID_VALUES } from '../compute/fit-request.js';
import { INPUT_FORMATS } from '../io/detect.js';
import { FAMILY_NAMES, MAX_COMPONENTS } from '../measures/family-names.js';
import { DEFAULT_SUM_TOLERANCE } from '../measures/prepare.js';
import { FIT_FORMATS } from '../report/index.js';
import { addOutputOptions } from './options.js';
import type { CliIo, OutputOptions } from './run-support.js';

export interface FitOptions extends OutputOptions {
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
      setExitCode(await (await import('./execute.js')).runFitCommand(path, options, io, argv));
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
