/**
 * `kl mi TABLE` or `kl mi DATA --x A --y B`: the command line → an MiRequest, the run, the
 * output. Options are validated before anything is read.
 */
import { Command, Option } from 'commander';
import { INPUT_FORMATS } from '../io/detect.js';
import { DEFAULT_SUM_TOLERANCE } from '../measures/prepare.js';
import { OUTPUT_FORMATS } from '../report/index.js';
import { addOutputOptions, collect } from './options.js';
import type { CliIo, OutputOptions } from './run-support.js';

export interface MiOptions extends OutputOptions {
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
      setExitCode(await (await import('./execute.js')).runMiCommand(path, options, io, argv));
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
