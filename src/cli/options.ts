/**
 * The options every measure command shares, and the translation of raw option strings
 * into a typed Request. Every invalid value is a UsageError (exit 2) naming the flag.
 */

import { type Command, Option } from 'commander';
import { parseCheck } from '../compute/checks.js';
import type { CheckSpec, InputRequest, Request } from '../compute/request.js';
import { closestName } from '../display.js';
import { UsageError } from '../errors.js';
import { INPUT_FORMATS, type InputFormat, isInputFormat } from '../io/detect.js';
import { parseDecimal } from '../io/numbers.js';
import { STDIN_PATH } from '../io/source.js';
import { LAYOUTS, type Layout } from '../io/types.js';
import { BANS, BITS, type LogBase, logBase, NATS } from '../measures/base.js';
import type { MeasureName } from '../measures/catalog.js';
import { DEFAULT_SUM_TOLERANCE, KINDS, type Kind } from '../measures/prepare.js';
import { percentileName, STAT_NAMES } from '../measures/stats.js';
import { FORMATTERS, isOutputFormat, OUTPUT_FORMATS, type OutputFormat } from '../report/index.js';
import type { RowsMode } from '../result.js';
import { BATCH_SCALARS } from '../result.js';
import type { CommandSpec } from './commands/spec.js';
import { outputPath } from './run-support.js';

/** Option values as commander hands them over: strings, booleans, arrays. */
export interface RawOptions {
  format?: string;
  json?: boolean;
  measures?: string;
  measure?: string;
  delimiter?: string;
  /** false with --no-progress. */
  progress?: boolean;
  kind?: string;
  pKind?: string;
  qKind?: string;
  inputFormat?: string;
  pCol?: string;
  qCol?: string;
  /** A column name or position; false for --no-label-col. */
  labelCol?: string | false;
  layout?: string;
  pFormat?: string;
  qFormat?: string;
  output?: string;
  junit?: string;
  quiet?: boolean;
  header?: boolean;
  normalize?: boolean;
  tolerance?: string;
  smooth?: string;
  base?: string;
  temperature?: string;
  max?: string[];
  min?: string[];
  percentiles?: string;
  mask?: string;
  nextToken?: boolean;
  ignoreIndex?: string;
  color?: boolean;
  targets?: string;
  rows?: string;
  worst?: string;
  top?: string;
  row?: string;
  report?: string;
  shard?: string;
  saveSummary?: string;
  exactPercentiles?: boolean;
}

/** A repeatable option's values (--max, --min). */
export const collect = (value: string, previous: string[] | undefined): string[] => [...(previous ?? []), value];

export function addSharedOptions(command: Command): Command {
  command
    .addOption(new Option('-f, --format <format>', `output format: ${OUTPUT_FORMATS.join('|')}`).default('table'))
    .option('--json', 'shorthand for --format json')
    .option('--measures <list>', 'only these measures, in this order, in every format, e.g. kl_forward,js_distance (kl measures lists them)')
    .option('--measure <name>', 'the one measure --format value prints (and the only one shown)')
    .option('-k, --kind <kind>', `what the values are: ${KINDS.join('|')} (default: probs; counts for uniq -c input)`)
    .option('--p-kind <kind>', 'kind of P only (overrides --kind)')
    .option('--q-kind <kind>', 'kind of Q only (overrides --kind)')
    .option('--input-format <format>', `read every input as ${INPUT_FORMATS.join('|')} (default: from the extension, or sniffed)`)
    .option('--delimiter <d>', "delimited text: ',' (csv), tab (tsv), ' ' (whitespace-separated: ssv) or auto (default: detected)")
    .option('--p-format <format>', 'read P as this format (overrides --input-format)')
    .option('--q-format <format>', 'read Q as this format (overrides --input-format)')
    .option('--layout <layout>', `what an input holds: ${LAYOUTS.join('|')} (default: auto, see README "Layouts")`)
    .option('--p-col <name|index>', 'take P from this column (header name, or position counting from 1)')
    .option('--q-col <name|index>', 'take Q from this column (of the P file when Q is omitted)')
    .option('--label-col <name|index>', 'use this column as category labels (default: a non-numeric first column)')
    .option('--no-label-col', 'no column holds labels: every column is data (a numeric first column is then a category)')
    .option('--header', 'the first row of CSV/TSV is a header (default: detected)')
    .option('--no-header', 'the first row of CSV/TSV is data')
    .option('--normalize', 'rescale probabilities (or log-probabilities) that do not sum to 1')
    .option('--tolerance <tol>', 'allowed |Σp − 1| without --normalize', String(DEFAULT_SUM_TOLERANCE))
    .option('--smooth <eps>', 'add eps to every probability of both sides (union support), then renormalise')
    .option('-b, --base <base>', 'logarithm base: e (nats), 2 (bits), 10 (bans) or any number > 1', 'e')
    .option('-t, --temperature <T>', 'divide logits by T before the softmax')
    .option('--max <name=value>', 'check: fail (exit 1) when the measure exceeds value; repeatable', collect)
    .option('--min <name=value>', 'check: fail (exit 1) when the measure is below value; repeatable', collect)
    .option('--targets <file>', 'batch: one target class per row (0-based index or label) for NLL, perplexity, Δp, accuracy')
    .option('--rows <mode>', 'batch rows to print: all|worst|none (default: worst for table, all for json)')
    .option('--worst <n>', 'batch: how many worst rows to list', '5')
    .option('--ignore-index <n>', "batch: leave out the rows whose target is n (PyTorch's -100 padding); counted and reported")
    .option('--mask <file>', 'batch: 0/1 per row (the shape of the targets); 0 leaves the row out')
    .option('--next-token', 'batch: --targets holds the input token ids; position t scores token t + 1 of its sequence')
    .option('--percentiles <list>', 'batch: more percentiles to summarise, e.g. 97.5,99.99 (always: 0.1 1 5 10 25 50 75 90 95 99 99.9)')
    .option('--shard <i/n>', 'batch: read only the i-th (0-based) of n contiguous row ranges (then --save-summary, kl merge)')
    .option('--save-summary <file>', 'batch: also write the mergeable summary of the rows read, for kl merge')
    .option('--no-progress', 'no progress line on stderr (it shows only on a terminal, after half a second, never in CI)')
    .option('--exact-percentiles', "batch: keep every row's values for exact percentiles, past the memory budget and in --save-summary");
  return addOutputOptions(command);
}

/** Where the output goes and how it looks: the options every command with checks shares. */
export function addOutputOptions(command: Command): Command {
  return command
    .option('-o, --output <file>', 'write the output to this file (atomically; never over an input), - for stdout')
    .option('--junit <file.xml>', 'also write the checks as JUnit XML, one test case per check (GitLab, Jenkins, Azure, Buildkite)')
    .option('-q, --quiet', 'print nothing: only the exit status says how it went (errors still go to stderr)')
    .option('--color', 'colour the table even when stdout is not a terminal')
    .option('--no-color', 'never colour the output (also: NO_COLOR=1)');
}

export function parseFiniteNumber(text: string, flag: string): number {
  const value = parseDecimal(text);
  if (!Number.isFinite(value)) throw new UsageError('bad-option', `${flag} ${JSON.stringify(text)}: expected a number`);
  return value;
}

export function parseBase(text: string): LogBase {
  const named = new Map<string, LogBase>([
    ['e', NATS],
    ['nats', NATS],
    ['2', BITS],
    ['bits', BITS],
    ['10', BANS],
    ['bans', BANS],
  ]);
  const known = named.get(text.trim().toLowerCase());
  if (known) return known;
  const base = logBase(parseFiniteNumber(text, '--base'));
  if (!base) throw new UsageError('bad-base', `--base ${text}: the base must be a number > 1 (e, 2, 10, …)`);
  return base;
}

function parseKind(text: string, flag: string): Kind {
  if ((KINDS as readonly string[]).includes(text)) return text as Kind;
  throw new UsageError('bad-kind', `${flag} ${JSON.stringify(text)}: unknown kind; choose ${KINDS.join(', ')}`);
}

/** --max and --min, in that order. */
export function parseChecks(options: { max?: string[]; min?: string[] }): CheckSpec[] {
  return [...(options.max ?? []).map((text) => parseCheck(text, 'max')), ...(options.min ?? []).map((text) => parseCheck(text, 'min'))];
}

/**
 * --format and --json, for every command. `offered`: a command that prints fewer formats,
 * with what to say when another is asked for.
 */
export function parseOutputFormat(
  options: { format?: string; json?: boolean },
  offered?: { formats: readonly OutputFormat[]; command: string; hint: string },
): OutputFormat {
  const format = options.format ?? 'table';
  if (!isOutputFormat(format)) {
    throw new UsageError('bad-format', `--format ${JSON.stringify(format)}: unknown format; choose ${(offered?.formats ?? OUTPUT_FORMATS).join(', ')}`);
  }
  if (options.json && format !== 'table' && format !== 'json') {
    throw new UsageError('conflicting-format', `--json conflicts with --format ${format}`);
  }
  const chosen = options.json ? 'json' : format;
  if (offered && !offered.formats.includes(chosen)) {
    throw new UsageError('bad-format', `--format ${JSON.stringify(chosen)}: kl ${offered.command} prints ${offered.formats.join(', ')}`, {
      hint: offered.hint,
    });
  }
  return chosen;
}

/** --delimiter as the text format it means; undefined for auto (detected). */
function formatOfDelimiter(text: string | undefined): InputFormat | undefined {
  if (text === undefined || text === 'auto') return undefined;
  if (text === ',' || text === 'comma') return 'csv';
  if (text === '\t' || text === '\\t' || text === 'tab') return 'tsv';
  if (text === ' ' || text === 'space' || text === 'whitespace') return 'ssv';
  throw new UsageError('bad-input-format', `--delimiter ${JSON.stringify(text)}: choose ',', tab, ' ' (whitespace) or auto`);
}

function parseInputFormat(text: string | undefined, flag: string): InputFormat | undefined {
  if (text === undefined) return undefined;
  if (!isInputFormat(text)) {
    throw new UsageError('bad-input-format', `${flag} ${JSON.stringify(text)}: choose ${INPUT_FORMATS.join(', ')}`);
  }
  return text;
}

function parseLayout(text: string | undefined): Layout {
  if (text === undefined) return 'auto';
  if (!(LAYOUTS as readonly string[]).includes(text)) {
    throw new UsageError('bad-layout', `--layout ${JSON.stringify(text)}: choose ${LAYOUTS.join(', ')}`);
  }
  return text as Layout;
}

/** Check names (or their measure part) that exist only with --targets. */
const TARGET_CHECKS: ReadonlySet<string> = new Set([
  'nll_p',
  'nll_q',
  'delta_p',
  'accuracy_p',
  'accuracy_q',
  ...BATCH_SCALARS.filter((name) => /perplexity|nll_|delta_p/.test(name)),
]);

function knownCheckNames(measureNames: readonly string[], percentiles: readonly number[]): Set<string> {
  const known = new Set<string>([...measureNames, ...BATCH_SCALARS]);
  const stats = [...STAT_NAMES, ...percentiles.map(percentileName)];
  for (const name of [...measureNames, 'nll_p', 'nll_q', 'delta_p']) for (const stat of stats) known.add(`${name}.${stat}`);
  return known;
}

/** --percentiles: percents strictly between 0 and 100. */
function parsePercentiles(text: string | undefined): number[] {
  if (text === undefined) return [];
  return text.split(',').map((part) => {
    const value = parseFiniteNumber(part, '--percentiles');
    if (!(value > 0 && value < 100))
      throw new UsageError('bad-option', `--percentiles ${text}: each must be a percent between 0 and 100 (exclusive), not ${part.trim()}`);
    return value;
  });
}

/** A name of this command's measures, or a usage error that suggests the closest. */
function measureOf(name: string, spec: CommandSpec, flag: string): MeasureName {
  const known: readonly string[] = spec.measureNames;
  if (known.includes(name)) return name as MeasureName;
  const meant = closestName(name, known);
  throw new UsageError(
    'unknown-measure',
    `${flag} ${name}: kl ${spec.name} has no measure ${JSON.stringify(name)}${meant ? ` (did you mean ${meant}?)` : ''}`,
    {
      hint: `choose from ${known.join(', ')}`,
    },
  );
}

/** --measures (which measures, in which order) and --measure (the one --format value prints). */
function chooseMeasures(spec: CommandSpec, options: RawOptions): { measureNames: MeasureName[]; primary: MeasureName[] } {
  let measureNames = [...spec.measureNames];
  if (options.measures !== undefined) {
    const names = options.measures.split(',').map((name) => name.trim());
    if (names.some((name) => name === ''))
      throw new UsageError('unknown-measure', `--measures ${JSON.stringify(options.measures)}: a comma-separated list of measure names`);
    measureNames = [...new Set(names.map((name) => measureOf(name, spec, '--measures')))];
  }
  if (options.measure === undefined) {
    const primary = spec.primary.filter((name) => measureNames.includes(name));
    return { measureNames, primary: primary.length > 0 ? primary : [measureNames[0] as MeasureName] };
  }
  const chosen = measureOf(options.measure.trim(), spec, '--measure');
  if (options.measures !== undefined && !measureNames.includes(chosen)) {
    throw new UsageError('unknown-measure', `--measure ${chosen} is not among --measures ${options.measures}`);
  }
  return { measureNames: options.measures === undefined ? [chosen] : measureNames, primary: [chosen] };
}

/**
 * Every check name is validated before any input is read: a typo, or a name that this
 * command or these options cannot produce, exits 2 with nothing on stdout. (Whether a
 * statistic exists for the input's row count is known only while reading: see
 * checks.ts, RowCountChecks.)
 */
export function validateCheckNames(
  checks: readonly CheckSpec[],
  spec: CommandSpec,
  hasTargets: boolean,
  pairwise: boolean,
  percentiles: readonly number[],
): void {
  const known = knownCheckNames(spec.measureNames, percentiles);
  for (const check of checks) {
    const flag = `--${check.op} ${check.name}`;
    if (!known.has(check.name)) {
      const meant = closestName(check.name, known);
      throw new UsageError('unknown-check', `${flag}: unknown check name${meant ? ` (did you mean ${meant}?)` : ''}`, {
        hint: `e.g. ${spec.primary[0]}, ${spec.primary[0]}.mean, ${spec.primary[0]}.p99${pairwise ? ', top1_agreement' : ''}; kl measures lists every name`,
      });
    }
    const base = check.name.split('.')[0] as string;
    if (TARGET_CHECKS.has(base) && !hasTargets) {
      throw new UsageError('check-needs-targets', `${flag}: ${base} needs --targets FILE (one target class per row)`);
    }
    if (base.startsWith('top1_agreement') && !pairwise) {
      throw new UsageError('check-needs-q', `${flag}: top1_agreement compares P with Q; kl ${spec.name} measures each on its own`);
    }
  }
}

function displayName(path: string): string {
  return path === STDIN_PATH ? 'stdin' : path;
}

export interface ParsedCommandLine {
  request: Request;
  format: OutputFormat;
  batch: { rows: RowsMode; worst: number };
  /** true/false when --color/--no-color was given. */
  color: boolean | undefined;
  /** -o FILE: where the output goes instead of stdout (null: stdout). */
  output: string | null;
  /** --junit FILE: the checks as JUnit XML, or null. */
  junit: string | null;
  /** -q: nothing printed. */
  quiet: boolean;
  /** --save-summary FILE, or null. */
  saveSummary: string | null;
}

/** --shard I/N: 0 ≤ I < N. */
export function parseShard(text: string): { index: number; count: number } {
  const match = /^\s*(\d+)\s*\/\s*(\d+)\s*$/.exec(text);
  const index = Number(match?.[1]);
  const count = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(index) || !Number.isSafeInteger(count) || count < 1) {
    throw new UsageError('bad-shard', `--shard ${JSON.stringify(text)}: expected I/N, e.g. 0/4 (the first of four)`);
  }
  if (index >= count) {
    throw new UsageError('bad-shard', `--shard ${text}: the shards of ${count} are 0/${count} … ${count - 1}/${count} (I counts from 0)`);
  }
  return { index, count };
}

/** Builds the typed request for a measure command from its arguments and options. */
/** --report, on the commands that have charts to show (compare, explain). */
export function addReportOption(command: Command): Command {
  return command.option('--report <file.html>', 'also write a self-contained HTML report with charts');
}

/** Options only `kl explain` has. */
export function addExplainOptions(command: Command): Command {
  return command
    .option('--top <n>', 'how many categories to list, largest contribution first (0: all)', '20')
    .option('--row <i>', 'batch: explain this row (0-based; default: the row with the largest D(P‖Q))');
}

/** A whole number ≥ `least` (0 unless said). */
export function parseCount(text: string, flag: string, least = 0): number {
  const value = parseFiniteNumber(text, flag);
  if (!Number.isInteger(value) || value < least) throw new UsageError('bad-count', `${flag} ${text}: must be a whole number ≥ ${least}`);
  return value;
}

export function buildRequest(
  spec: CommandSpec,
  pPath: string,
  qPath: string | undefined,
  options: RawOptions,
  env: NodeJS.ProcessEnv = {},
  commandLine = '',
): ParsedCommandLine {
  const format = parseOutputFormat(options);
  const kind = parseKind(options.kind ?? 'probs', '--kind');
  const pKind = options.pKind === undefined ? kind : parseKind(options.pKind, '--p-kind');
  const qKind = options.qKind === undefined ? kind : parseKind(options.qKind, '--q-kind');

  let qSource = qPath;
  if (qSource === undefined) {
    if (options.qCol !== undefined) qSource = pPath;
    else if (spec.pairwise) {
      throw new UsageError('missing-q', `${spec.name} needs two inputs, P and Q`, {
        hint: 'give two files, or take both from one file with --p-col NAME --q-col NAME',
      });
    }
  } else if (pPath === STDIN_PATH && qSource === STDIN_PATH) {
    throw new UsageError('two-stdin', 'only one of P and Q can be read from stdin (-)');
  }
  if (options.pCol !== undefined && options.qCol === undefined && qPath === undefined && spec.pairwise) {
    throw new UsageError('missing-q-col', '--p-col without Q needs --q-col too');
  }
  if (options.qCol !== undefined && options.pCol === undefined && qPath === undefined) {
    throw new UsageError('missing-p-col', '--q-col without Q needs --p-col too: P and Q are then two columns of the one file');
  }
  const layout = parseLayout(options.layout);
  const inputFormat = parseInputFormat(options.inputFormat, '--input-format') ?? formatOfDelimiter(options.delimiter);
  if (options.inputFormat !== undefined && options.delimiter !== undefined && formatOfDelimiter(options.delimiter) !== inputFormat) {
    throw new UsageError('conflicting-format', `--delimiter ${JSON.stringify(options.delimiter)} conflicts with --input-format ${options.inputFormat}`);
  }
  const pFormat = parseInputFormat(options.pFormat, '--p-format') ?? inputFormat;
  const qFormat = parseInputFormat(options.qFormat, '--q-format') ?? inputFormat;

  const header = options.header === undefined ? 'auto' : options.header ? 'yes' : 'no';
  const readOptions = (column: string | undefined) =>
    ({
      header,
      ...(column === undefined ? {} : { column }),
      ...(options.labelCol === undefined ? {} : { labelColumn: options.labelCol }),
      layout,
      fastPath: env['KL_NO_FAST_PATH'] !== '1',
    }) as const;
  const p: InputRequest = {
    path: pPath,
    displayName: displayName(pPath),
    kind: pKind,
    kindGiven: options.kind !== undefined || options.pKind !== undefined,
    options: readOptions(options.pCol),
    columnFlag: '--p-col',
    format: pFormat,
  };
  // Q from the P file (--q-col without Q) is read as P is.
  const q: InputRequest | null =
    qSource === undefined
      ? null
      : {
          path: qSource,
          displayName: displayName(qSource),
          kind: qKind,
          kindGiven: options.kind !== undefined || options.qKind !== undefined,
          options: readOptions(options.qCol),
          columnFlag: '--q-col',
          format: qPath === undefined ? pFormat : qFormat,
        };

  const tolerance = parseFiniteNumber(options.tolerance ?? String(DEFAULT_SUM_TOLERANCE), '--tolerance');
  if (tolerance < 0) throw new UsageError('bad-tolerance', `--tolerance ${options.tolerance}: must be ≥ 0`);
  const smooth = options.smooth === undefined ? 0 : parseFiniteNumber(options.smooth, '--smooth');
  if (smooth < 0) throw new UsageError('bad-smooth', `--smooth ${options.smooth}: must be ≥ 0`);
  let temperature = 1;
  if (options.temperature !== undefined) {
    temperature = parseFiniteNumber(options.temperature, '--temperature');
    if (temperature <= 0) throw new UsageError('bad-temperature', `--temperature ${options.temperature}: must be > 0`);
    if (pKind !== 'logits' && qKind !== 'logits') {
      throw new UsageError('temperature-without-logits', '--temperature applies only to --kind logits');
    }
  }
  const checks: CheckSpec[] = parseChecks(options);
  const percentiles = parsePercentiles(options.percentiles);
  if ((pKind === 'topk-logprobs') !== (qKind === 'topk-logprobs') && qSource !== undefined) {
    throw new UsageError('bad-kind', '--kind topk-logprobs compares two top-k lists: give it to both sides (--kind, not --p-kind or --q-kind alone)');
  }
  if (pKind === 'topk-logprobs') {
    if (options.targets !== undefined)
      throw new UsageError('bad-kind', '--targets does not work with --kind topk-logprobs: a target outside both top-k lists has no probability of its own');
    if (options.normalize === true)
      throw new UsageError(
        'bad-kind',
        '--normalize does not apply to --kind topk-logprobs: the top k are part of a distribution, the rest of the mass is its own category',
      );
  }
  for (const [given, flag] of [
    [options.nextToken === true, '--next-token'],
    [options.ignoreIndex !== undefined, '--ignore-index'],
  ] as const) {
    if (given && options.targets === undefined) throw new UsageError('check-needs-targets', `${flag} needs --targets FILE (the token ids)`);
  }
  let ignoreIndex: number | null = null;
  if (options.ignoreIndex !== undefined) {
    ignoreIndex = parseFiniteNumber(options.ignoreIndex, '--ignore-index');
    if (!Number.isInteger(ignoreIndex)) throw new UsageError('bad-option', `--ignore-index ${options.ignoreIndex}: must be a whole number (e.g. -100)`);
  }
  const { measureNames, primary } = chooseMeasures(spec, options);
  for (const check of checks) {
    const base = check.name.split('.')[0] as MeasureName;
    if (spec.measureNames.includes(base) && !measureNames.includes(base)) {
      throw new UsageError(
        'unknown-check',
        `--${check.op} ${check.name}: ${base} is not among the measures asked for (--measures ${options.measures ?? options.measure})`,
        {
          hint: `add ${base} to --measures`,
        },
      );
    }
  }
  validateCheckNames(checks, { ...spec, measureNames, primary }, options.targets !== undefined, spec.pairwise && q !== null, percentiles);

  const report = options.report;
  if (report !== undefined && !spec.reportable) {
    throw new UsageError('report-unsupported', `--report works with kl compare and kl explain, not kl ${spec.name}`);
  }
  if (report !== undefined && !/\.html?$/i.test(report)) {
    throw new UsageError('bad-report', `--report ${JSON.stringify(report)}: the report is HTML; name the file *.html`);
  }
  const rowsModes: readonly string[] = ['all', 'worst', 'none'];
  if (options.rows !== undefined && !rowsModes.includes(options.rows)) {
    throw new UsageError('bad-rows', `--rows ${JSON.stringify(options.rows)}: choose all, worst or none`);
  }
  const defaultRows: RowsMode = FORMATTERS[format].defaultRows;
  const worst = parseFiniteNumber(options.worst ?? '5', '--worst');
  if (!Number.isInteger(worst) || worst < 0) throw new UsageError('bad-worst', `--worst ${options.worst}: must be a whole number ≥ 0`);
  const shard = options.shard === undefined ? null : parseShard(options.shard);
  if (shard || options.saveSummary !== undefined) {
    const flag = shard ? '--shard' : '--save-summary';
    if (spec.view === 'explain')
      throw new UsageError('shard-unsupported', `${flag} works with the measure commands, not kl explain (it explains one row: --row)`);
    if (report !== undefined) throw new UsageError('shard-unsupported', `${flag} does not go with --report (a report shows one run)`);
    if (shard && [pPath, qSource, options.targets, options.mask].includes(STDIN_PATH)) {
      throw new UsageError('shard-stdin', '--shard needs files: stdin cannot be split into row ranges', { hint: 'save stdin to a file first' });
    }
  }

  return {
    format,
    color: options.color,
    output: outputPath(options.output),
    junit: options.junit ?? null,
    quiet: options.quiet === true,
    saveSummary: options.saveSummary ?? null,
    batch: { rows: (options.rows as RowsMode | undefined) ?? defaultRows, worst },
    request: {
      command: spec.name,
      view: spec.view,
      measureNames,
      primary,
      p,
      q,
      pairwise: spec.pairwise,
      prepare: { normalize: options.normalize === true, tolerance, temperature },
      smooth,
      base: parseBase(options.base ?? 'e'),
      checks,
      percentiles,
      exactPercentiles: options.exactPercentiles === true,
      shard,
      mask: options.mask ?? null,
      nextToken: options.nextToken === true,
      ignoreIndex,
      targets: options.targets ?? null,
      contributions:
        spec.view === 'explain'
          ? { top: parseCount(options.top ?? '20', '--top'), row: options.row === undefined ? 'worst' : parseCount(options.row, '--row') }
          : options.report !== undefined
            ? { top: 20, row: 'worst' }
            : null,
      report: report ?? null,
      commandLine,
    },
  };
}
