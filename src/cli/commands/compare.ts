import { MEASURE_NAMES } from '../../measures/catalog.js';
import type { CommandSpec } from './spec.js';

export const compare: CommandSpec = {
  name: 'compare',
  summary: 'every measure between P and Q in one table',
  description:
    'Entropies H(P), H(Q); cross-entropies H(P,Q), H(Q,P); forward KL D(P‖Q); reverse KL D(Q‖P); ' +
    'Jensen–Shannon divergence and distance; Jeffreys (D(P‖Q) + D(Q‖P)); total variation; Hellinger. ' +
    '--format value prints the forward KL D(P‖Q) alone.',
  measureNames: [...MEASURE_NAMES],
  primary: ['kl_forward'],
  pairwise: true,
  view: 'measures',
  reportable: true,
  examples: [
    'kl compare fixtures/p.csv fixtures/q.csv',
    'kl compare fixtures/p.csv fixtures/q.csv --base 2 --json',
    'kl compare fixtures/columns.csv --p-col model_a --q-col model_b',
  ],
};
