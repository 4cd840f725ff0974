#!/usr/bin/env node
/**
 * Interleaved A/B timing of whole commands, for changes too small for `npm run bench`:
 *   node scripts/bench/ab.mjs '[["node","-e","0"],["node","bin/kl.js","compare","a.csv","b.csv"]]' 41
 * Runs each command in turn, N times (default 31), with NO_COLOR=1 and output discarded,
 * and prints each one's median wall time and its ratio to the first.
 */
import { spawnSync } from 'node:child_process';

const commands = JSON.parse(process.argv[2] ?? '[]');
const runs = Number(process.argv[3] ?? 31);
if (!Array.isArray(commands) || commands.length === 0) throw new Error('usage: ab.mjs JSON-ARRAY-OF-ARGV [RUNS]');
const times = commands.map(() => []);
for (let run = 0; run < runs; run++) {
  commands.forEach(([command, ...args], i) => {
    const started = process.hrtime.bigint();
    const result = spawnSync(command, args, { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    if (result.status !== 0) throw new Error(`${[command, ...args].join(' ')} exited ${result.status}`);
    times[i].push(Number(process.hrtime.bigint() - started) / 1e6);
  });
}
const median = (values) => [...values].sort((a, b) => a - b)[values.length >> 1];
const base = median(times[0]);
commands.forEach((argv, i) => {
  const ms = median(times[i]);
  console.log(`${ms.toFixed(1).padStart(8)} ms  ${(ms / base).toFixed(3)}  ${argv.join(' ')}`);
});
