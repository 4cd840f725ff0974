import type { CommandSpec } from './spec.js';

export const js: CommandSpec = {
  name: 'js',
  summary: 'Jensen–Shannon divergence and distance',
  description:
    'JS(P,Q) = ½·D(P‖M) + ½·D(Q‖M) with M = (P+Q)/2: symmetric, finite, in [0, ln 2] nats ' +
    '(1 bit). The JS distance √JS is a metric (what scipy.spatial.distance.jensenshannon returns). ' +
    '--format value prints the divergence.',
  measureNames: ['js_divergence', 'js_distance'],
  primary: ['js_divergence'],
  pairwise: true,
  view: 'measures',
  reportable: false,
  examples: ['kl js fixtures/p.csv fixtures/q.csv', 'kl js fixtures/p.csv fixtures/q.csv --base 2 --json'],
};
