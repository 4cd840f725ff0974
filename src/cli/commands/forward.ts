import type { CommandSpec } from './spec.js';

export const forward: CommandSpec = {
  name: 'forward',
  summary: 'forward KL divergence D(P‖Q) = Σ p·log(p/q)',
  description:
    'The Kullback–Leibler divergence of Q from P: the expected extra cost of coding samples of P ' +
    'with a code built for Q. Infinite when some category has p > 0 and q = 0.',
  measureNames: ['kl_forward'],
  primary: ['kl_forward'],
  pairwise: true,
  view: 'measures',
  reportable: false,
  examples: [
    'kl forward fixtures/p.csv fixtures/q.csv',
    'x=$(kl forward fixtures/p.csv fixtures/q.csv --format value)',
    'kl forward fixtures/logits_p.json fixtures/logits_q.json --kind logits --base 2',
  ],
};
