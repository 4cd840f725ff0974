import { MEASURE_NAMES } from '../../measures/catalog.js';
import type { CommandSpec } from './spec.js';

export const explain: CommandSpec = {
  name: 'explain',
  summary: 'per-category contributions: which categories make P and Q differ',
  description:
    'For each category: p, q, its term p·log(p/q) in D(P‖Q), its term q·log(q/p) in D(Q‖P), and its share ' +
    'of D(P‖Q), sorted by the size of the forward term (--top N, 0 for all). The terms add up to the ' +
    'reported KL. Positional inputs are labelled by their 0-based index. For a batch, --row I explains row I; ' +
    'by default the row with the largest D(P‖Q). --format value prints D(P‖Q).',
  measureNames: [...MEASURE_NAMES],
  primary: ['kl_forward'],
  pairwise: true,
  view: 'explain',
  reportable: true,
  examples: [
    'kl explain fixtures/p.csv fixtures/q.csv',
    'kl explain fixtures/p.csv fixtures/q.csv --top 3 --json',
    'kl explain fixtures/batch/ref_logits.npy fixtures/batch/new_logits.npy --kind logits --row 3',
    'kl explain fixtures/p.csv fixtures/q.csv --report report.html',
  ],
};
