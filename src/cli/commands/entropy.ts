import type { CommandSpec } from './spec.js';

export const entropy: CommandSpec = {
  name: 'entropy',
  summary: 'Shannon entropy H(P) = −Σ p·log p (and H(Q) when Q is given)',
  description:
    'The entropy of each input on its own support; P and Q need not have the same categories. ' +
    '--format value prints H(P), or H(P) and H(Q) separated by a tab.',
  measureNames: ['entropy_p', 'entropy_q'],
  primary: ['entropy_p', 'entropy_q'],
  pairwise: false,
  view: 'measures',
  reportable: false,
  examples: ['kl entropy fixtures/p.csv', 'kl entropy fixtures/p.csv fixtures/q.csv --base 2'],
};
