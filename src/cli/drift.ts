/**
 * `kl drift REF CUR`: the command line → a DriftRequest, the run, the output. Every option
 * is validated before anything is read, so exit 2 means nothing on stdout.
 */
import { Command, Option } from 'commander';
import { INPUT_FORMATS } from '../io/detect.js';
import { BINNINGS } from '../measures/binning.js';
import { OUTPUT_FORMATS } from '../report/index.js';
import { addOutputOptions, collect } from './options.js';
import type { CliIo, OutputOptions } from './run-support.js';

export interface DriftOptions extends OutputOptions {
  header?: boolean;
  columns?: string;
  categorical?: string;
  numeric?: string;
  bins?: string;
  binning?: string;
  binsFrom?: string;
  edges?: string;
  smooth?: string;
  fill?: string;
  knnK?: string;
  column?: string;
  report?: string;
}

const EXAMPLES = [
  'kl drift fixtures/drift/ref.csv fixtures/drift/cur.csv',
  'kl drift fixtures/drift/ref.csv fixtures/drift/cur.csv --max psi=0.2 --max share_drifted=0.3',
  'kl drift fixtures/drift/ref.csv fixtures/drift/cur.csv --column age',
  'kl drift fixtures/drift/ref.csv fixtures/drift/cur.csv --binning sturges --bins-from both --fill evidently --json',
];

/**
 * The `drift` command. Its options are built only when the command line may use them
 * (`complete`: it names drift, or no command), as for the measure commands: start-up time.
 */
export function driftCommand(program: Command, io: CliIo, setExitCode: (code: number) => void, argv: readonly string[], complete: boolean): Command {
  const command = new Command('drift')
    .copyInheritedSettings(program)
    .summary('compare two tables of raw observations column by column: PSI, KL, JS, KS, Wasserstein, χ²')
    .description(
      'REF is the reference (P), CUR the current data (Q). Each column becomes a distribution: categories, or ' +
        'numeric bins shared by both sides (10 quantile bins of the reference, outer bins open). Per column: ' +
        'kl_forward D(ref‖cur), kl_reverse, js_divergence, js_distance, psi (nats), hellinger, total_variation; ' +
        'numeric columns also wasserstein, ks_statistic, ks_pvalue (scipy.stats.ks_2samp) and kl_knn (k-nearest-neighbour ' +
        'estimate of D(ref‖cur), no bins); categorical columns chi2_statistic, chi2_pvalue (chi2_contingency, no correction).',
    )
    .argument('<REF>', 'reference observations (file path, or - for stdin)')
    .argument('<CUR>', 'current observations (file path, or - for stdin)')
    .action(async (refPath: string, curPath: string, options: DriftOptions) => {
      setExitCode(await (await import('./execute.js')).runDriftCommand(refPath, curPath, options, io, argv));
    });
  return complete ? addDriftOptions(command) : command;
}

function addDriftOptions(command: Command): Command {
  command
    .addOption(new Option('-f, --format <format>', `output format: ${OUTPUT_FORMATS.join('|')}`).default('table'))
    .option('--json', 'shorthand for --format json')
    .option('--input-format <format>', `read both inputs as ${INPUT_FORMATS.join('|')} (default: from the extension, or sniffed)`)
    .option('--header', 'the first line of CSV/TSV names the columns (default: detected)')
    .option('--no-header', 'the first line of CSV/TSV is data (columns are numbered from 1)')
    .option('--columns <names>', 'compare only these columns (comma-separated names, or positions from 1)')
    .option('--categorical <names>', 'treat these columns as categorical')
    .option('--numeric <names>', 'treat these columns as numeric (text in them is an error)')
    .option('--bins <n>', 'numeric bins for --binning quantile or uniform (default: 10)')
    .option('--binning <rule>', `how numeric bins are made: ${BINNINGS.join('|')}`, 'quantile')
    .option('--bins-from <side>', 'make the bins from the reference or from both sides: reference|both', 'reference')
    .option('--edges <list>', 'explicit bin edges for every numeric column (comma-separated, increasing)')
    .option('--smooth <eps>', 'add eps to every bin of both sides, then renormalise')
    .option('--fill <policy>', "empty bins: evidently (1e-4, Evidently's rule, PSI not renormalised)")
    .option('--knn-k <k>', 'neighbours for kl_knn', '5')
    .option('--column <name>', 'show every bin of this column: counts, shares and each term of D(ref‖cur) and PSI')
    .option('-b, --base <base>', 'logarithm base for the KL and JS measures: e, 2, 10 or any number > 1 (PSI is always in nats)', 'e')
    .option(
      '--max <name=value>',
      'check: fail (exit 1) when the measure exceeds value: psi=0.2 (every column), age.psi=0.1 (one column), share_drifted=0.3; repeatable',
      collect,
    )
    .option('--min <name=value>', 'check: fail (exit 1) when the measure is below value (e.g. ks_pvalue=0.01); repeatable', collect)
    .option('--report <file.html>', 'also write a self-contained HTML report: per column, both histograms overlaid');
  return addOutputOptions(command).addHelpText(
    'after',
    `\nExamples:\n${EXAMPLES.map((example) => `  $ ${example}`).join('\n')}\n\nExit codes: 0 ok, 1 a --max/--min check failed, 2 usage or input error.`,
  );
}
