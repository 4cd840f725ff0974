/**
 * `kl drift REF CUR`: the command line → a DriftRequest, the run, the output. Every option
 * is validated before anything is read, so exit 2 means nothing on stdout.
 */
import { Command, Option } from 'commander';
import type { DriftCheckSpec, DriftRequest } from '../compute/drift.js';
import { closestName } from '../display.js';
import { UsageError } from '../errors.js';
import { INPUT_FORMATS, type InputFormat, isInputFormat } from '../io/detect.js';
import { parseDecimal } from '../io/numbers.js';
import { STDIN_PATH } from '../io/source.js';
import { BINNINGS, type Binning, MAX_BINS } from '../measures/binning.js';
import { OUTPUT_FORMATS, type OutputFormat } from '../report/index.js';
import { DRIFT_MEASURES, type DriftMeasureName, type ZeroPolicy } from '../result.js';
import { addOutputOptions, collect, parseBase, parseCount, parseFiniteNumber, parseOutputFormat } from './options.js';
import { type CliIo, type OutputOptions, quoteForShell, runWithOutputs } from './run-support.js';

interface DriftOptions extends OutputOptions {
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
      setExitCode(await runDriftCommand(refPath, curPath, options, io, argv));
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

function list(text: string | undefined): string[] {
  return text === undefined ? [] : text.split(',').map((name) => name.trim());
}

/**
 * `NAME=VALUE` for a drift check: NAME is a measure (every column), COLUMN.MEASURE (one
 * column; the column name may itself contain dots) or share_drifted.
 */
export function parseDriftCheck(text: string, op: 'max' | 'min'): DriftCheckSpec {
  const equals = text.lastIndexOf('=');
  const name = equals < 0 ? '' : text.slice(0, equals).trim();
  const numeral = equals < 0 ? '' : text.slice(equals + 1).trim();
  const limit = parseDecimal(numeral);
  if (name === '' || !Number.isFinite(limit)) {
    throw new UsageError('bad-check', `--${op} ${JSON.stringify(text)}: expected NAME=NUMBER, e.g. --${op} psi=0.2 or --${op} age.psi=0.1`);
  }
  if (name === 'share_drifted') return { column: null, measure: 'share_drifted', name, op, limit };
  const known = (measure: string): measure is DriftMeasureName => (DRIFT_MEASURES as readonly string[]).includes(measure);
  if (known(name)) return { column: null, measure: name, name, op, limit };
  const dot = name.lastIndexOf('.');
  const measure = dot < 0 ? '' : name.slice(dot + 1);
  if (dot > 0 && known(measure)) return { column: name.slice(0, dot), measure, name, op, limit };
  const meant = dot > 0 ? closestName(measure, DRIFT_MEASURES) : closestName(name, ['share_drifted', ...DRIFT_MEASURES]);
  const suggestion = meant === undefined ? '' : ` (did you mean ${dot > 0 ? `${name.slice(0, dot)}.${meant}` : meant}?)`;
  throw new UsageError('unknown-check', `--${op} ${name}: unknown check name${suggestion}`, {
    hint: `a measure (${DRIFT_MEASURES.join(', ')}), COLUMN.MEASURE for one column, or share_drifted`,
  });
}

function parseEdges(text: string): number[] {
  const edges = text.split(',').map((part) => parseFiniteNumber(part, '--edges'));
  if (edges.length < 2) throw new UsageError('bad-edges', `--edges ${text}: give at least two edges (one bin)`);
  for (let i = 1; i < edges.length; i++) {
    if (!((edges[i] as number) > (edges[i - 1] as number))) {
      throw new UsageError('bad-edges', `--edges ${text}: edges must increase, but ${edges[i]} follows ${edges[i - 1]}`);
    }
  }
  return edges;
}

export function buildDriftRequest(
  refPath: string,
  curPath: string,
  options: DriftOptions,
  commandLine: string,
  env: NodeJS.ProcessEnv = {},
): { request: DriftRequest; format: OutputFormat } {
  const format = parseOutputFormat(options);
  if (refPath === STDIN_PATH && curPath === STDIN_PATH) throw new UsageError('two-stdin', 'only one of REF and CUR can be read from stdin (-)');
  let inputFormat: InputFormat | undefined;
  if (options.inputFormat !== undefined) {
    if (!isInputFormat(options.inputFormat))
      throw new UsageError('bad-input-format', `--input-format ${JSON.stringify(options.inputFormat)}: choose ${INPUT_FORMATS.join(', ')}`);
    inputFormat = options.inputFormat;
  }
  const binning = options.binning ?? 'quantile';
  if (!(BINNINGS as readonly string[]).includes(binning))
    throw new UsageError('bad-option', `--binning ${JSON.stringify(binning)}: choose ${BINNINGS.join(', ')}`);
  const binsFrom = options.binsFrom ?? 'reference';
  if (binsFrom !== 'reference' && binsFrom !== 'both') throw new UsageError('bad-option', `--bins-from ${JSON.stringify(binsFrom)}: choose reference or both`);
  const bins = parseCount(options.bins ?? '10', '--bins', 1);
  if (bins > MAX_BINS) throw new UsageError('bad-bins', `--bins ${options.bins}: at most ${MAX_BINS}`);
  const binsGiven = options.bins !== undefined;
  if (binsGiven && binning !== 'quantile' && binning !== 'uniform') {
    throw new UsageError('bad-bins', `--bins applies to --binning quantile or uniform; the ${binning} rule chooses the number of bins`);
  }
  const edges = options.edges === undefined ? null : parseEdges(options.edges);
  if (edges && (binning !== 'quantile' || binsFrom !== 'reference' || binsGiven)) {
    throw new UsageError('bad-edges', '--edges gives the bins itself: it cannot be combined with --bins, --binning or --bins-from');
  }
  let zeroPolicy: ZeroPolicy = { kind: 'none' };
  if (options.smooth !== undefined) {
    const epsilon = parseFiniteNumber(options.smooth, '--smooth');
    if (!(epsilon > 0)) throw new UsageError('bad-smooth', `--smooth ${options.smooth}: must be > 0`);
    zeroPolicy = { kind: 'smooth', epsilon };
  }
  if (options.fill !== undefined) {
    if (options.fill !== 'evidently') throw new UsageError('bad-option', `--fill ${JSON.stringify(options.fill)}: the one fill is evidently`);
    if (zeroPolicy.kind === 'smooth') throw new UsageError('bad-smooth', '--fill evidently and --smooth are two empty-bin policies: choose one');
    zeroPolicy = { kind: 'evidently' };
  }
  const report = options.report ?? null;
  if (report !== null && !/\.html?$/i.test(report))
    throw new UsageError('bad-report', `--report ${JSON.stringify(report)}: the report is HTML; name the file *.html`);
  const checks = [...(options.max ?? []).map((text) => parseDriftCheck(text, 'max')), ...(options.min ?? []).map((text) => parseDriftCheck(text, 'min'))];
  const side = (path: string) => ({
    path,
    displayName: path === STDIN_PATH ? 'stdin' : path,
    format: inputFormat,
    header: options.header === undefined ? ('auto' as const) : options.header ? ('yes' as const) : ('no' as const),
  });
  return {
    format,
    request: {
      reference: side(refPath),
      current: side(curPath),
      columns: options.columns === undefined ? null : list(options.columns),
      categorical: list(options.categorical),
      numeric: list(options.numeric),
      binning: binning as Binning,
      bins,
      binsFrom,
      edges,
      zeroPolicy,
      base: parseBase(options.base ?? 'e'),
      knnK: parseCount(options.knnK ?? '5', '--knn-k', 1),
      checks,
      explainColumn: options.column ?? null,
      commandLine,
      // Tests make columns spill with a small budget (bytes).
      ...(env['KL_DRIFT_MEMORY'] ? { memoryBudget: Number(env['KL_DRIFT_MEMORY']) } : {}),
    },
  };
}

async function runDriftCommand(refPath: string, curPath: string, options: DriftOptions, io: CliIo, argv: readonly string[]): Promise<number> {
  const { request, format } = buildDriftRequest(refPath, curPath, options, quoteForShell(argv), io.env);
  const run = {
    commandLine: request.commandLine,
    hasChecks: request.checks.length > 0,
    quiet: options.quiet === true,
    inputs: [refPath, curPath],
    output: options.output === undefined || options.output === '-' ? null : options.output,
    report: options.report ?? null,
    junit: options.junit ?? null,
  };
  return runWithOutputs(run, io, async (context) => (await import('./execute.js')).executeDrift(request, format, options.color, io, context));
}
