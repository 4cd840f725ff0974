/**
 * Every name a user can give kl: the measures (`--measures`, `--max`/`--min`), a batch's
 * statistics and scalars, kl drift's and kl mi's measures, with a one-line meaning and the
 * unit. `kl measures` prints it; the check and `--measures` errors suggest from it. Pure.
 */
import { MEASURE_NAMES, MEASURES } from '../measures/catalog.js';
import { JOINT_COMPUTED, JOINT_MEASURE_NAMES } from '../measures/joint-names.js';
import { PERCENTILES, STAT_NAMES } from '../measures/stats.js';
import { BATCH_SCALARS, type BatchScalar, DRIFT_MEASURES } from '../result.js';
import { csvField } from './csv.js';
import type { Block, TableOptions } from './surface.js';

export interface NameEntry {
  /** Where the name applies: a pair or a batch of the measure commands, kl drift, kl mi. */
  group: 'measure' | 'statistic' | 'batch' | 'drift' | 'mi';
  name: string;
  meaning: string;
  /** 'log' (nats, bits… after --base), '√log', '' (none), or a fixed unit. */
  unit: string;
}

const UNIT_WORDS = { log: 'log', 'sqrt-log': '√log', none: '' } as const;

const SCALAR_MEANINGS: Record<BatchScalar, [string, string]> = {
  top1_agreement: ['share of rows where P and Q have the same most likely category', ''],
  top1_agreement_stderr: ['standard error of top1_agreement', ''],
  accuracy_p: ["share of rows where P's most likely category is the target (--targets)", ''],
  accuracy_q: ["share of rows where Q's most likely category is the target (--targets)", ''],
  perplexity_p: ['exp(mean of nll_p): the perplexity of the targets under P', ''],
  perplexity_p_stderr: ['standard error of perplexity_p', ''],
  perplexity_q: ['exp(mean of nll_q): the perplexity of the targets under Q', ''],
  perplexity_q_stderr: ['standard error of perplexity_q', ''],
  perplexity_ratio: ['PPL(Q) / PPL(P)', ''],
  perplexity_ratio_stderr: ['standard error of perplexity_ratio (from the NLLs’ covariance)', ''],
  ln_perplexity_ratio: ['ln(PPL(Q) / PPL(P)) = mean of nll_q − nll_p', 'nats'],
  ln_perplexity_ratio_stderr: ['standard error of ln_perplexity_ratio', 'nats'],
  perplexity_difference: ['PPL(Q) − PPL(P)', ''],
  perplexity_difference_stderr: ['standard error of perplexity_difference', ''],
  nll_correlation: ['Pearson correlation of the rows’ nll_p and nll_q', ''],
  rms_delta_p: ['√mean((q(target) − p(target))²)', ''],
  rms_delta_p_stderr: ['standard error of rms_delta_p', ''],
};

const DRIFT_MEANINGS: Record<(typeof DRIFT_MEASURES)[number], [string, string]> = {
  kl_forward: ['D(REF ‖ CUR) of the binned column', 'log'],
  kl_reverse: ['D(CUR ‖ REF) of the binned column', 'log'],
  js_divergence: ['JS(REF, CUR) of the binned column', 'log'],
  js_distance: ['√JS(REF, CUR)', '√log'],
  psi: ['population stability index Σ (cur − ref)·ln(cur/ref)', 'nats'],
  hellinger: ['Hellinger distance of the binned column', ''],
  total_variation: ['½·Σ|ref − cur| of the binned column', ''],
  wasserstein: ['earth mover’s distance of the raw values (numeric columns)', 'the data’s'],
  ks_statistic: ['Kolmogorov–Smirnov statistic (numeric columns)', ''],
  ks_pvalue: ['its p-value, exact up to 10,000 values (numeric columns)', ''],
  kl_knn: ['k-nearest-neighbour estimate of D(REF ‖ CUR) of the raw values', 'nats'],
  chi2_statistic: ['χ² statistic of the category counts (categorical columns)', ''],
  chi2_pvalue: ['its p-value (categorical columns)', ''],
};

const JOINT_TITLES: Record<(typeof JOINT_MEASURE_NAMES)[number], string> = {
  entropy_x: 'entropy of X',
  entropy_y: 'entropy of Y',
  joint_entropy: 'joint entropy',
  conditional_entropy_x_given_y: 'conditional entropy of X given Y',
  conditional_entropy_y_given_x: 'conditional entropy of Y given X',
  mutual_information: 'mutual information',
  variation_of_information: 'variation of information',
  nmi_arithmetic: 'normalised MI (arithmetic mean)',
  nmi_geometric: 'normalised MI (geometric mean)',
  nmi_min: 'normalised MI (min)',
  nmi_max: 'normalised MI (max)',
  g_statistic: 'G-test statistic (counts)',
  g_pvalue: 'G-test p-value (counts)',
  mutual_information_mm: 'MI with the Miller–Madow correction (counts)',
};

function statisticMeaning(stat: (typeof STAT_NAMES)[number]): string {
  if (stat === 'mean') return 'mean over the rows';
  if (stat === 'stderr') return 'standard error of the mean';
  if (stat === 'min' || stat === 'max') return `${stat === 'min' ? 'smallest' : 'largest'} row (its row in argmin/argmax)`;
  const level = PERCENTILES.find(([name]) => name === stat)?.[1] as number;
  return `${stat === 'median' ? 'median' : `percentile ${Number((level * 100).toPrecision(6))}`} over the rows (NumPy's linear rule)`;
}

/** Every name, in the order `kl measures` lists them. */
export function nameCatalog(): NameEntry[] {
  return [
    ...MEASURE_NAMES.map((name): NameEntry => {
      const spec = MEASURES[name];
      return { group: 'measure', name, meaning: `${spec.title}: ${spec.expression('P', 'Q')}`, unit: UNIT_WORDS[spec.unit] };
    }),
    ...STAT_NAMES.map((stat): NameEntry => ({ group: 'statistic', name: `MEASURE.${stat}`, meaning: statisticMeaning(stat), unit: "the measure's" })),
    { group: 'statistic', name: 'MEASURE.pN', meaning: 'any other percentile given to --percentiles (p97_5 for 97.5)', unit: "the measure's" },
    { group: 'batch', name: 'nll_p', meaning: '−log p(target) per row (--targets): use its statistics, nll_p.mean', unit: 'log' },
    { group: 'batch', name: 'nll_q', meaning: '−log q(target) per row (--targets)', unit: 'log' },
    { group: 'batch', name: 'delta_p', meaning: 'q(target) − p(target) per row (--targets)', unit: '' },
    ...BATCH_SCALARS.map((name): NameEntry => ({ group: 'batch', name, meaning: SCALAR_MEANINGS[name][0], unit: SCALAR_MEANINGS[name][1] })),
    ...DRIFT_MEASURES.map((name): NameEntry => ({ group: 'drift', name, meaning: DRIFT_MEANINGS[name][0], unit: DRIFT_MEANINGS[name][1] })),
    { group: 'drift', name: 'COLUMN.MEASURE', meaning: 'a drift check on one column only (age.psi)', unit: "the measure's" },
    { group: 'drift', name: 'share_drifted', meaning: 'share of the columns that drifted', unit: '' },
    ...JOINT_MEASURE_NAMES.map(
      (name): NameEntry => ({
        group: 'mi',
        name,
        meaning: `${JOINT_TITLES[name]}: ${JOINT_COMPUTED[name]}`,
        unit: name.startsWith('nmi') || name.startsWith('g_') ? '' : 'log',
      }),
    ),
  ];
}

export const GROUP_TITLES: Record<NameEntry['group'], string> = {
  measure: 'Measures of P against Q (kl compare, forward, reverse, entropy, cross-entropy, js, explain; --measures, checks)',
  statistic: 'Statistics of a measure over a batch of rows (checks such as kl_forward.mean, kl_forward.p99)',
  batch: 'Batch values (checks; --targets for those about targets)',
  drift: 'kl drift (checks per column, or COLUMN.MEASURE)',
  mi: 'kl mi (checks)',
};

function unitText(unit: string): string {
  return unit === 'log' ? 'nats (--base)' : unit === '√log' ? '√nats (--base)' : unit;
}

/** `kl measures` in each format it offers. */
export function renderNames(format: 'table' | 'markdown' | 'json' | 'csv', surface?: TableOptions): Iterable<string> | string {
  const entries = nameCatalog();
  if (format === 'json')
    return `${JSON.stringify(
      entries.map((entry) => ({ ...entry, unit: unitText(entry.unit) })),
      null,
      2,
    )}\n`;
  if (format === 'csv') {
    return `group,name,meaning,unit\n${entries.map((entry) => [entry.group, entry.name, entry.meaning, unitText(entry.unit)].map(csvField).join(',')).join('\n')}\n`;
  }
  const options = surface as TableOptions;
  const blocks: Block[] = [];
  for (const group of Object.keys(GROUP_TITLES) as NameEntry['group'][]) {
    blocks.push(options.paint.bold(GROUP_TITLES[group]));
    const table = options.table(['name', 'meaning', 'unit'], ['left', 'left', 'left']);
    for (const entry of entries.filter((candidate) => candidate.group === group)) table.push([entry.name, entry.meaning, unitText(entry.unit)]);
    blocks.push(table.lines());
  }
  return options.join(blocks);
}
