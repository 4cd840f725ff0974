import type { CommandSpec } from './spec.js';

export const crossEntropy: CommandSpec = {
  name: 'cross-entropy',
  summary: 'cross-entropy H(P,Q) = −Σ p·log q',
  description:
    'The expected cost of coding samples of P with a code built for Q: H(P,Q) = H(P) + D(P‖Q). ' + 'Infinite when some category has p > 0 and q = 0.',
  measureNames: ['cross_entropy_pq'],
  primary: ['cross_entropy_pq'],
  pairwise: true,
  view: 'measures',
  reportable: false,
  examples: ['kl cross-entropy fixtures/p.csv fixtures/q.csv', 'kl cross-entropy fixtures/p.csv fixtures/q.csv --base 2 --format value'],
};
