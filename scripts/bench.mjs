#!/usr/bin/env node
/**
 * npm run bench [-- SECTION...]
 *
 * Sections:
 *   memory   peak RSS of a CSV batch at 1× and 10× the rows (CSV output): must stay flat
 *
 * Data is generated deterministically under a temp dir. Each case runs several times,
 * alternating, and the median is reported. Timing never runs inside `npm test`.
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROBE = fileURLToPath(new URL('./bench/rss-probe.mjs', import.meta.url));
const KL = join(ROOT, 'bin', 'kl.js');

/** Deterministic xorshift generator, so every run benches the same bytes. */
function generator(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state ^= state << 13;
    state >>>= 0;
    state ^= state >>> 17;
    state ^= state << 5;
    state >>>= 0;
    return state / 4294967296;
  };
}

async function writeCsvBatch(path, rows, columns, seed) {
  const random = generator(seed);
  const out = createWriteStream(path);
  const row = new Array(columns);
  for (let r = 0; r < rows; r++) {
    let total = 0;
    for (let c = 0; c < columns; c++) total += row[c] = random() + 1e-3;
    let line = '';
    for (let c = 0; c < columns; c++) line += (c ? ',' : '') + (row[c] / total).toPrecision(9);
    if (!out.write(`${line}\n`)) await new Promise((resolve) => out.once('drain', resolve));
  }
  await new Promise((resolve) => out.end(resolve));
}

function measure(command, args, env = {}) {
  const rssFile = join(tmpdir(), `kl-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    env: { ...process.env, ...env, KL_RSS_FILE: rssFile },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  let rssKiB = NaN;
  try {
    rssKiB = Number(readFileSync(rssFile, 'utf8'));
    rmSync(rssFile);
  } catch {}
  return { seconds, rssMiB: rssKiB / 1024 };
}

const median = (values) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};

function runAlternating(cases, runs) {
  const samples = new Map(cases.map((c) => [c.name, []]));
  for (let i = 0; i < runs; i++) for (const c of cases) samples.get(c.name).push(c.run());
  return cases.map((c) => {
    const s = samples.get(c.name);
    return { name: c.name, bytes: c.bytes, seconds: median(s.map((x) => x.seconds)), rssMiB: median(s.map((x) => x.rssMiB)) };
  });
}

function printTable(title, rows, extra = []) {
  console.log(`\n## ${title}\n`);
  console.log('| case | input | median time | throughput | peak RSS |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const mb = row.bytes / 1e6;
    console.log(`| ${row.name} | ${mb.toFixed(1)} MB | ${row.seconds.toFixed(3)} s | ${(mb / row.seconds).toFixed(1)} MB/s | ${row.rssMiB.toFixed(1)} MiB |`);
  }
  for (const line of extra) console.log(line);
}

const klRun = (args) => () => measure(process.execPath, ['--import', PROBE, KL, ...args]);

async function memorySection(dir) {
  const columns = 100;
  const small = 2_000;
  const files = {};
  for (const [label, rows] of [['1x', small], ['10x', small * 10]]) {
    files[label] = { p: join(dir, `mem-p-${label}.csv`), q: join(dir, `mem-q-${label}.csv`), rows };
    await writeCsvBatch(files[label].p, rows, columns, 11);
    await writeCsvBatch(files[label].q, rows, columns, 12);
  }
  const cases = Object.entries(files).map(([label, f]) => ({
    name: `kl compare (${f.rows} rows × ${columns}, --format csv)`,
    bytes: statSync(f.p).size + statSync(f.q).size,
    run: klRun(['compare', f.p, f.q, '--format', 'csv']),
  }));
  const results = runAlternating(cases, 3);
  const ratio = results[1].rssMiB / results[0].rssMiB;
  printTable('Memory: peak RSS must not grow with the rows', results, [
    '',
    `RSS ratio 10× rows / 1× rows: ${ratio.toFixed(2)} (target ≤ 1.5)`,
  ]);
}

const SECTIONS = new Map([['memory', memorySection]]);

async function main() {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : [...SECTIONS.keys()];
  const dir = mkdtempSync(join(tmpdir(), 'kl-bench-'));
  console.log(`# kl bench — ${new Date().toISOString().slice(0, 10)}, node ${process.version}, ${(await import('node:os')).cpus().length} cores`);
  try {
    for (const name of names) {
      const section = SECTIONS.get(name);
      if (!section) throw new Error(`unknown section ${name}; choose ${[...SECTIONS.keys()].join(', ')}`);
      await section(dir);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

await main();
