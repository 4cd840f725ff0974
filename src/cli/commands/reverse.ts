import type { CommandSpec } from './spec.js';

export const reverse: CommandSpec = {
  name: 'reverse',
  summary: 'reverse KL divergence D(Q‖P) = Σ q·log(q/p)',
  description:
    'The Kullback–Leibler divergence with the arguments swapped: D(Q‖P). Same as ' + '`kl forward Q P`, but the inputs keep their roles in the output.',
  measureNames: ['kl_reverse'],
  primary: ['kl_reverse'],
  pairwise: true,
  view: 'measures',
  reportable: false,
  examples: ['kl reverse fixtures/p.csv fixtures/q.csv', 'kl reverse fixtures/p.csv fixtures/q.csv --format json'],
};
