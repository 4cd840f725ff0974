#!/usr/bin/env node
/**
 * npm run bench [-- SECTION...]   (default: every section)
 *
 * Sections (each a target from issue 4; BENCHMARKS.md records the results):
 *   csv      `kl compare p.csv q.csv --format json`, 20000 × 500 %.9g floats per file,
 *            against np.loadtxt + scipy.stats.entropy both ways + summary, and the C floor
 *   npy      `kl compare|forward ref.npy near.npy --kind logits`, 4096 × 32000 float32 per
 *            file, a near-identical pair (near = ref + a quantisation-sized error, the real
 *            use: a quantised model against its base), against np.load +
 *            scipy.special.log_softmax + per-row KL + summary, and the C floor; `kl compare`
 *            on an independent pair (ref.npy, new.npy) too
 *
 * The floor (issue 20): C programs in scripts/bench/floor/ (gcc -O3 -march=native, two
 * threads, glibc's vectorised exp/log, compensated sums) doing the same computation, built
 * here with the system compilers (`cc`, `c++`); skipped with a note when there are none.
 * Each section prints kl / floor and checks that the floor's means agree with kl's.
 *   column   `kl entropy p.csv --format value`, one column of 1,000,000 probabilities in
 *            np.savetxt's default format ('%.18e'), against np.loadtxt + scipy.stats.entropy
 *            (issue 20: ≤ 0.5×)
 *   startup  `kl compare` on two 2-line files against `node -e 0` (issue 20: ≤ 1.1×), and
 *            the same job done by the least program on kl's libraries (bench/startup-stack.mjs)
 *   kernel   ns per value of the fused kernel `kl compare` runs, on CSV-like and near-identical
 *            logit rows, next to the parts a bit-identical kernel must keep (bench/kernel-parts.ts)
 *   memory   peak RSS of `kl compare` on 200,000 and 2,000,000 rows × 50 (json --rows none, and csv):
 *            10× the rows within 1.2× the memory (issue 16)
 *   shards   4 × `--shard I/4 --save-summary` one after another plus `kl merge`, against one
 *            run, on a 16384 × 32000 logits pair and an 8,000,000 × 50 CSV pair (the npy and
 *            memory sections' data repeated 4×; KL_BENCH_SHARD_TIMES): ≤ 1.1× (issue 16)
 *   drift    `kl drift ref.csv cur.csv`, 1,000,000 rows × 20 numeric columns per side, against
 *            np.loadtxt + per column reference deciles, np.histogram, PSI,
 *            scipy.stats.wasserstein_distance and ks_2samp (issue 13: time ≤ 1.0×, RSS ≤ 0.5×)
 *
 * Data is generated deterministically under a temp dir (removed afterwards; KL_BENCH_DATA=DIR
 * keeps it in DIR and reuses it on the next run). Cases run
 * alternately, several times each; medians are reported. Peak RSS comes from the process
 * itself (kl: a preloaded probe; the peers: getrusage), so no external `time` is needed.
 * When python3 with numpy and scipy is missing, the peers are skipped with a note.
 * Timing never runs inside `npm test`.
 */
import { spawnSync } from 'node:child_process';
import {
  closeSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { generator } from './bench/xorshift.mjs';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const PROBE = fileURLToPath(new URL('./bench/rss-probe.cjs', import.meta.url));
const PEERS = fileURLToPath(new URL('./bench/', import.meta.url));
const KL = join(ROOT, 'bin', 'kl.js');

/** KL_BENCH_DATA=DIR keeps the generated data there and reuses it (while tuning). */
const keepData = process.env.KL_BENCH_DATA;

/** JavaScript's exponent ("-6", "+12") as printf writes it: a sign and at least 2 digits. */
function printfExponent(power) {
  return `${power.startsWith('-') ? '-' : '+'}${power.replace(/^[+-]/, '').padStart(2, '0')}`;
}

/** printf's %.9g: 9 significant digits, trailing zeros dropped, 2-digit exponents. */
function formatG9(value) {
  const exponent = Math.floor(Math.log10(Math.abs(value)));
  if (exponent < -4 || exponent >= 9) {
    const [mantissa, power] = value.toExponential(8).split('e');
    const trimmed = mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
    return `${trimmed}e${printfExponent(power)}`;
  }
  const fixed = value.toPrecision(9);
  return fixed.includes('.') ? fixed.replace(/\.?0+$/, '') : fixed;
}

/**
 * Writes `first` (if any) and then lines 0 … count−1 of `lineOf`, in 1 MB writes, to a
 * temporary name renamed at the end: an interrupted bench leaves no half file to reuse.
 */
function writeLines(path, first, count, lineOf) {
  const partial = `${path}.partial`;
  const fd = openSync(partial, 'w');
  let pending = first;
  for (let r = 0; r < count; r++) {
    pending += `${lineOf(r)}\n`;
    if (pending.length > 1 << 20) {
      writeSync(fd, pending);
      pending = '';
    }
  }
  writeSync(fd, pending);
  closeSync(fd);
  renameSync(partial, path);
}

function writeCsvBatch(path, rows, columns, seed) {
  if (keepData && existsSync(path)) return;
  const random = generator(seed);
  const row = new Float64Array(columns);
  writeLines(path, '', rows, () => {
    let total = 0;
    for (let c = 0; c < columns; c++) total += row[c] = random() + 1e-3;
    let line = '';
    for (let c = 0; c < columns; c++) line += (c ? ',' : '') + formatG9(row[c] / total);
    return line;
  });
}

/** A table of raw observations: 20 numeric columns of four shapes, the current side shifted. */
function writeDriftTable(path, rows, shift, seed) {
  if (keepData && existsSync(path)) return;
  const random = generator(seed);
  const normal = () => Math.sqrt(-2 * Math.log(random() + 1e-12)) * Math.cos(2 * Math.PI * random());
  const header = `${Array.from({ length: 20 }, (_, j) => `f${j}`).join(',')}\n`;
  writeLines(path, header, rows, () => {
    let line = '';
    for (let j = 0; j < 20; j++) {
      const kind = j % 4;
      const value =
        kind === 0
          ? shift * (j % 3) + (1 + 0.1 * j) * normal()
          : kind === 1
            ? -Math.log(random() + 1e-12) * (1 + 0.05 * j + shift)
            : kind === 2
              ? Math.exp(normal() * (0.5 + 0.2 * shift))
              : -1 + (2 + shift) * random();
      line += (j ? ',' : '') + formatG9(value);
    }
    return line;
  });
}

function writeNpyLogits(path, rows, columns, seed) {
  if (keepData && existsSync(path)) return;
  const random = generator(seed);
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${columns}), }`;
  header = `${header.padEnd(Math.ceil((header.length + 11) / 64) * 64 - 11, ' ')}\n`;
  const preamble = Buffer.alloc(10);
  Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0]).copy(preamble);
  preamble.writeUInt16LE(header.length, 8);
  const fd = openSync(path, 'w');
  writeSync(fd, preamble);
  writeSync(fd, header, null, 'latin1');
  const block = new Float32Array(columns);
  for (let r = 0; r < rows; r++) {
    // Sum of four uniforms: a cheap bell shape, σ ≈ 3 like real logits.
    for (let c = 0; c < columns; c++) block[c] = (random() + random() + random() + random() - 2) * 5.2;
    writeSync(fd, new Uint8Array(block.buffer));
  }
  closeSync(fd);
}

/**
 * A near-identical logits matrix: `ref` plus a uniform error of ±0.02 per logit (the size of
 * an 8-bit quantisation step on logits of σ ≈ 3), deterministic.
 */
function writeNearNpy(path, refPath, seed) {
  if (keepData && existsSync(path)) return;
  // In chunks: the bench process must stay small (a child's peak RSS starts from it, exec or not).
  const input = openSync(refPath, 'r');
  const output = openSync(path, 'w');
  const head = Buffer.alloc(10);
  readSync(input, head, 0, 10, 0);
  const dataStart = 10 + head.readUInt16LE(8);
  const header = Buffer.alloc(dataStart);
  readSync(input, header, 0, dataStart, 0);
  writeSync(output, header);
  const random = generator(seed);
  const chunk = Buffer.alloc(1 << 22);
  for (let position = dataStart; ; ) {
    const read = readSync(input, chunk, 0, chunk.length, position);
    if (read === 0) break;
    const values = new Float32Array(chunk.buffer, chunk.byteOffset, read / 4);
    for (let i = 0; i < values.length; i++) values[i] += (random() - 0.5) * 0.04;
    writeSync(output, chunk, 0, read);
    position += read;
  }
  closeSync(input);
  closeSync(output);
}

/** The C floor programs (scripts/bench/floor/), built once per data dir; null with a reason when no compiler. */
function buildFloor(dir) {
  const source = join(ROOT, 'scripts', 'bench', 'floor');
  const out = join(dir, 'floor');
  mkdirSync(out, { recursive: true });
  const steps = [
    ['cc', ['-O3', '-march=native', '-ffast-math', '-c', join(source, 'vmath.c'), '-o', join(out, 'vmath.o')]],
    ['cc', ['-O3', '-march=native', join(source, 'npy_kl.c'), join(out, 'vmath.o'), '-lm', '-lpthread', '-o', join(out, 'npy_kl')]],
    ['c++', ['-std=c++17', '-O3', '-march=native', join(source, 'csv_kl.cpp'), '-lpthread', '-o', join(out, 'csv_kl')]],
  ];
  for (const [compiler, args] of steps) {
    const result = spawnSync(compiler, args, { encoding: 'utf8' });
    if (result.error || result.status !== 0) return { error: `${compiler} ${result.error ? 'not found' : `failed: ${result.stderr.trim().split('\n')[0]}`}` };
  }
  return { npy: join(out, 'npy_kl'), csv: join(out, 'csv_kl') };
}

/** The floor's means (its stdout) next to kl's (from `--format csv --rows none`): the largest relative difference. */
function floorAgreement(floorProgram, mode, p, q, klArgs) {
  const floor = spawnSync(floorProgram, [mode, p, q], { encoding: 'utf8' }).stdout.trim().split('\n').map(Number);
  const summary = spawnSync(process.execPath, [KL, mode, p, q, ...klArgs, '--format', 'csv', '--rows', 'none'], {
    encoding: 'utf8',
    maxBuffer: 1 << 26,
  }).stdout;
  const mean = (name) => Number(new RegExp(`^${name}\\.mean,(.*)$`, 'm').exec(summary)?.[1]);
  const kl = mode === 'compare' ? [mean('kl_forward'), mean('kl_reverse')] : [mean('kl_forward')];
  return Math.max(...kl.map((value, i) => Math.abs(value - floor[i]) / Math.abs(value)));
}

const floorCase = (name, program, args, bytes) => ({ name, bytes, run: () => measure(program, args) });

function measure(command, args, { rssFromStderr = false } = {}) {
  const rssFile = join(tmpdir(), `kl-rss-${process.pid}-${Math.random().toString(36).slice(2)}`);
  const started = process.hrtime.bigint();
  const result = spawnSync(command, args, {
    env: { ...process.env, KL_RSS_FILE: rssFile, NO_COLOR: '1' },
    stdio: ['ignore', 'ignore', 'pipe'],
    maxBuffer: 64 * 1024 * 1024,
  });
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  if (result.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
  let rssKiB = NaN;
  if (rssFromStderr) {
    rssKiB = Number(/rss_kib=(\d+)/.exec(result.stderr.toString())?.[1]);
  } else {
    try {
      rssKiB = Number(readFileSync(rssFile, 'utf8'));
      rmSync(rssFile);
    } catch {}
  }
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

function printTable(title, rows, notes = []) {
  console.log(`\n## ${title}\n`);
  console.log('| case | input | median wall time | throughput | peak RSS |');
  console.log('| --- | ---: | ---: | ---: | ---: |');
  for (const row of rows) {
    const mb = row.bytes / 1e6;
    const throughput = row.bytes ? `${(mb / row.seconds).toFixed(1)} MB/s` : '—';
    const input = row.bytes ? `${mb.toFixed(1)} MB` : '—';
    const rss = Number.isFinite(row.rssMiB) ? `${row.rssMiB.toFixed(1)} MiB` : '—';
    console.log(`| ${row.name} | ${input} | ${(row.seconds * 1000).toFixed(row.seconds < 1 ? 1 : 0)} ms | ${throughput} | ${rss} |`);
  }
  if (notes.length) console.log('');
  for (const line of notes) console.log(line);
}

function pythonPeers() {
  const probe = spawnSync('python3', ['-c', 'import numpy, scipy; print(numpy.__version__, scipy.__version__)'], { encoding: 'utf8' });
  return probe.status === 0 ? probe.stdout.trim() : null;
}

const klCase = (name, args, bytes) => ({ name, bytes, run: () => measure(process.execPath, ['--require', PROBE, KL, ...args]) });
const peerCase = (name, script, args, bytes) => ({
  name,
  bytes,
  run: () => measure('python3', [join(PEERS, script), ...args], { rssFromStderr: true }),
});

function verdict(value, target, lowerIsBetter = true) {
  const ok = lowerIsBetter ? value <= target : value >= target;
  return `${value.toFixed(2)} (target ≤ ${target}) ${ok ? 'MET' : 'NOT MET'}`;
}

async function csvSection(dir, peers) {
  const rows = Number(process.env.KL_BENCH_CSV_ROWS ?? 20000);
  const columns = 500;
  const p = join(dir, 'p.csv');
  const q = join(dir, 'q.csv');
  writeCsvBatch(p, rows, columns, 1);
  writeCsvBatch(q, rows, columns, 2);
  const bytes = statSync(p).size + statSync(q).size;
  const floor = buildFloor(dir);
  const cases = [klCase(`kl compare p.csv q.csv --format json (${rows} × ${columns})`, ['compare', p, q, '--format', 'json'], bytes)];
  if (peers) cases.push(peerCase('np.loadtxt + scipy.stats.entropy ×2 + summary', 'peer_csv.py', [p, q], bytes));
  if (!floor.error) cases.push(floorCase('C floor: from_chars + KL ×2 (floor/csv_kl.cpp)', floor.csv, ['compare', p, q], bytes));
  const results = runAlternating(cases, 3);
  const byName = (prefix) => results.find((row) => row.name.startsWith(prefix));
  const notes = [];
  if (peers) {
    notes.push(`wall time kl / peer: ${verdict(results[0].seconds / byName('np.').seconds, 0.15)}`);
    notes.push(`peak RSS kl / peer: ${verdict(results[0].rssMiB / byName('np.').rssMiB, 0.25)}`);
  } else notes.push('peer skipped: python3 with numpy and scipy not found');
  if (floor.error) notes.push(`floor skipped: ${floor.error}`);
  else {
    notes.push(`wall time kl / floor: ${verdict(results[0].seconds / byName('C floor').seconds, 3)}`);
    notes.push(`floor's means vs kl's: ${floorAgreement(floor.csv, 'compare', p, q, []).toExponential(1)} relative`);
  }
  printTable('1. Big CSV batch', results, notes);
}

async function npySection(dir, peers) {
  const rows = Number(process.env.KL_BENCH_NPY_ROWS ?? 4096);
  const columns = 32000;
  const ref = join(dir, 'ref.npy');
  const candidate = join(dir, 'new.npy');
  const near = join(dir, 'near.npy');
  writeNpyLogits(ref, rows, columns, 3);
  writeNpyLogits(candidate, rows, columns, 4);
  writeNearNpy(near, ref, 5);
  const bytes = statSync(ref).size + statSync(near).size;
  const floor = buildFloor(dir);
  const logits = ['--kind', 'logits', '--format', 'json', '--rows', 'none'];
  const cases = [
    klCase(`kl compare ref.npy near.npy --kind logits (${rows} × ${columns} float32, near-identical)`, ['compare', ref, near, ...logits], bytes),
    klCase('kl forward ref.npy near.npy --kind logits', ['forward', ref, near, ...logits], bytes),
    klCase('kl compare ref.npy new.npy --kind logits (independent pair)', ['compare', ref, candidate, ...logits], bytes),
  ];
  if (peers) cases.push(peerCase('np.load + scipy log_softmax + KL ×2 + summary (near-identical)', 'peer_npy.py', [ref, near], bytes));
  if (!floor.error) {
    cases.push(floorCase('C floor: log-softmax + KL ×2 (floor/npy_kl.c)', floor.npy, ['compare', ref, near], bytes));
    cases.push(floorCase('C floor: log-softmax + forward KL', floor.npy, ['forward', ref, near], bytes));
  }
  const results = runAlternating(cases, 3);
  const byName = (prefix) => results.find((row) => row.name.startsWith(prefix));
  const compare = results[0];
  const notes = [];
  if (peers) {
    notes.push(`wall time kl compare / peer: ${verdict(compare.seconds / byName('np.').seconds, 0.25)}`);
    notes.push(`peak RSS kl / peer: ${(compare.rssMiB / byName('np.').rssMiB).toFixed(3)}`);
  } else notes.push('peer skipped: python3 with numpy and scipy not found');
  if (floor.error) notes.push(`floor skipped: ${floor.error}`);
  else {
    notes.push(`wall time kl forward / floor forward: ${verdict(byName('kl forward').seconds / byName('C floor: log-softmax + forward').seconds, 5)}`);
    notes.push(`wall time kl compare / floor compare: ${verdict(compare.seconds / byName('C floor: log-softmax + KL').seconds, 10)}`);
    notes.push(`floor's means vs kl's: ${floorAgreement(floor.npy, 'compare', ref, near, ['--kind', 'logits']).toExponential(1)} relative`);
  }
  printTable('2. Big .npy logits', results, notes);
  if (!keepData) {
    // 3 GB: not left lying around until the end of the run.
    rmSync(ref);
    rmSync(candidate);
    rmSync(near);
  }
}

/** One distribution down one column, as np.savetxt writes a vector by default ('%.18e'). */
function writeColumn(path, count, seed) {
  if (keepData && existsSync(path)) return;
  const random = generator(seed);
  const values = Float64Array.from({ length: count }, () => random() + 1e-3);
  const total = values.reduce((sum, value) => sum + value, 0);
  writeLines(path, '', count, (i) => {
    const [mantissa, power] = (values[i] / total).toExponential(18).split('e');
    return `${mantissa}e${printfExponent(power)}`;
  });
}

async function columnSection(dir, peers) {
  const count = Number(process.env.KL_BENCH_COLUMN_VALUES ?? 1_000_000);
  const path = join(dir, 'column.csv');
  writeColumn(path, count, 31);
  const bytes = statSync(path).size;
  const cases = [klCase(`kl entropy column.csv --format value (${count} values, %.18e)`, ['entropy', path, '--format', 'value'], bytes)];
  if (peers) cases.push(peerCase('np.loadtxt + scipy.stats.entropy', 'peer_column.py', [path], bytes));
  const results = runAlternating(cases, 5);
  const notes = peers
    ? [`wall time kl / peer: ${verdict(results[0].seconds / results[1].seconds, 0.5)}`]
    : ['peer skipped: python3 with numpy and scipy not found'];
  printTable('3b. One distribution in one column', results, notes);
}

async function startupSection(dir) {
  const a = join(dir, 'a.csv');
  const b = join(dir, 'b.csv');
  writeSync(openSync(a, 'w'), 'p\n0.5\n0.5\n');
  writeSync(openSync(b, 'w'), 'q\n0.4\n0.6\n');
  const time = (args) => () => {
    const started = process.hrtime.bigint();
    const result = spawnSync(process.execPath, args, { stdio: 'ignore', env: { ...process.env, NO_COLOR: '1' } });
    if (result.status !== 0) throw new Error(`node ${args.join(' ')} exited ${result.status}`);
    return { seconds: Number(process.hrtime.bigint() - started) / 1e9, rssMiB: NaN };
  };
  const stack = await buildStartupStack(dir, a, b);
  const results = runAlternating(
    [
      { name: 'node -e 0', bytes: 0, run: time(['-e', '0']) },
      { name: 'kl compare a.csv b.csv (2-line files, table)', bytes: 0, run: time([KL, 'compare', a, b]) },
      { name: 'kl forward a.csv b.csv --format value', bytes: 0, run: time([KL, 'forward', a, b, '--format', 'value']) },
      { name: 'the stack alone: commander + csv-parse + cli-table3 + chalk, one KL (bench/startup-stack.mjs)', bytes: 0, run: time([stack, 'compare', a, b]) },
    ],
    31,
  );
  printTable('3. Start-up', results, [
    `kl compare / node -e 0: ${verdict(results[1].seconds / results[0].seconds, 1.1)}`,
    `kl forward --format value / node -e 0: ${(results[2].seconds / results[0].seconds).toFixed(2)}`,
    `the stack alone / node -e 0: ${(results[3].seconds / results[0].seconds).toFixed(2)} (kl's floor with these libraries; kl compare / the stack alone: ${(results[1].seconds / results[3].seconds).toFixed(2)})`,
  ]);
}

/**
 * bench/startup-stack.mjs bundled like kl (esbuild, CommonJS) and run through a copy of
 * dist/main.cjs with its own code cache, written by one run as the build writes kl's.
 * Returns the path to run.
 */
async function buildStartupStack(dir, a, b) {
  const { build } = await import('esbuild');
  const stackDir = join(dir, 'startup-stack');
  mkdirSync(stackDir, { recursive: true });
  await build({
    entryPoints: [join(PEERS, 'startup-stack.mjs')],
    outfile: join(stackDir, 'kl.cjs'),
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    minifySyntax: true,
    minifyWhitespace: true,
    logLevel: 'warning',
  });
  const loader = join(stackDir, 'main.cjs');
  copyFileSync(join(ROOT, 'dist', 'main.cjs'), loader);
  rmSync(join(stackDir, 'kl.cache'), { force: true });
  const warm = spawnSync(process.execPath, [loader, 'compare', a, b], { stdio: 'ignore', env: { ...process.env, KL_WRITE_CODE_CACHE: '1', NO_COLOR: '1' } });
  if (warm.status !== 0) throw new Error(`the start-up stack's warm-up run failed (exit ${warm.status})`);
  return loader;
}

/** bench/kernel-parts.ts, bundled with esbuild and run in a child process: its own table. */
async function kernelSection(dir) {
  const { build } = await import('esbuild');
  const { esbuildWat } = await import('./wat.mjs');
  const bundle = join(dir, 'kernel-parts.mjs');
  await build({
    entryPoints: [join(PEERS, 'kernel-parts.ts')],
    outfile: bundle,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    plugins: [esbuildWat],
    logLevel: 'warning',
  });
  const result = spawnSync(process.execPath, [bundle], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`kernel-parts exited ${result.status}: ${result.stderr}`);
  console.log('\n## 3c. The fused kernel and the parts of it a bit-identical kernel must keep\n');
  process.stdout.write(result.stdout);
}

/** The rows of the memory and shards sections' batches (issue 16: 200,000 and 2,000,000 × 50). */
const MEMORY_ROWS = Number(process.env.KL_BENCH_MEMORY_ROWS ?? 200_000);
const MEMORY_COLUMNS = 50;

function memoryPair(dir, rows) {
  const p = join(dir, `mem-p-${rows}x${MEMORY_COLUMNS}.csv`);
  const q = join(dir, `mem-q-${rows}x${MEMORY_COLUMNS}.csv`);
  writeCsvBatch(p, rows, MEMORY_COLUMNS, 11);
  writeCsvBatch(q, rows, MEMORY_COLUMNS, 12);
  return { p, q, bytes: statSync(p).size + statSync(q).size };
}

async function memorySection(dir) {
  const cases = [];
  for (const [label, rows] of [
    ['1×', MEMORY_ROWS],
    ['10×', MEMORY_ROWS * 10],
  ]) {
    const { p, q, bytes } = memoryPair(dir, rows);
    const shape = `${rows} rows × ${MEMORY_COLUMNS}`;
    cases.push(klCase(`${label}: kl compare --format json --rows none (${shape})`, ['compare', p, q, '--format', 'json', '--rows', 'none'], bytes));
    cases.push(klCase(`${label}: kl compare --format csv (${shape})`, ['compare', p, q, '--format', 'csv'], bytes));
  }
  const results = runAlternating(cases, 3);
  printTable('4. Memory: peak RSS must not grow with the rows', results, [
    `json --rows none, peak RSS 10× / 1×: ${verdict(results[2].rssMiB / results[0].rssMiB, 1.2)}`,
    `csv, peak RSS 10× / 1×: ${verdict(results[3].rssMiB / results[1].rssMiB, 1.2)}`,
  ]);
}

/** N shards one after another, then their merge, as one case of runAlternating. */
function shardedCase(name, args, bytes, dir, shards) {
  const summaries = Array.from({ length: shards }, (_, index) => join(dir, `shard-${index}-of-${shards}.json`));
  const output = ['--format', 'json', '--rows', 'none'];
  return {
    name,
    bytes,
    run: () => {
      let seconds = 0;
      let rssMiB = 0;
      for (let index = 0; index < shards; index++) {
        const run = measure(process.execPath, [
          '--require',
          PROBE,
          KL,
          ...args,
          ...output,
          '--shard',
          `${index}/${shards}`,
          '--save-summary',
          summaries[index],
        ]);
        seconds += run.seconds;
        rssMiB = Math.max(rssMiB, run.rssMiB);
      }
      const merge = measure(process.execPath, ['--require', PROBE, KL, 'merge', ...summaries, ...output]);
      return { seconds: seconds + merge.seconds, rssMiB: Math.max(rssMiB, merge.rssMiB) };
    },
  };
}

/**
 * `times` copies of a file's data one after another (a .npy file: its rows, the header's
 * first dimension scaled), copied in chunks: a bench process grown by a whole file would
 * pass its size on to every measured child's peak RSS (Linux keeps ru_maxrss across exec).
 */
function repeatFile(source, target, times, npyRows = 0) {
  if (keepData && existsSync(target)) return;
  const input = openSync(source, 'r');
  const chunk = Buffer.allocUnsafe(16 << 20);
  let start = 0;
  let header = Buffer.alloc(0);
  if (npyRows > 0) {
    readSync(input, chunk, 0, 65536, 0);
    start = 10 + chunk.readUInt16LE(8);
    const text = chunk.toString('latin1', 10, start).replace(`(${npyRows},`, `(${npyRows * times},`);
    header = Buffer.concat([Buffer.from(chunk.subarray(0, 10)), Buffer.from(`${text.trimEnd().padEnd(start - 11, ' ')}\n`, 'latin1')]);
  }
  const size = statSync(source).size;
  const partial = `${target}.partial`;
  const output = openSync(partial, 'w');
  writeSync(output, header);
  for (let i = 0; i < times; i++) {
    for (let position = start; position < size; ) {
      const read = readSync(input, chunk, 0, chunk.length, position);
      writeSync(output, chunk, 0, read);
      position += read;
    }
  }
  closeSync(output);
  closeSync(input);
  renameSync(partial, target);
}

/**
 * The time sharding adds to one run: 4 shards one after another plus the merge, on a
 * logits pair (what sharding is for) and on a CSV pair, each 4× the rows of the npy and
 * memory sections' (the data repeated): sharding is for inputs too big for one run, and
 * each shard pays a process's fixed start (BENCHMARKS.md).
 */
async function shardsSection(dir) {
  const shards = 4;
  const times = Number(process.env.KL_BENCH_SHARD_TIMES ?? 4);
  const output = ['--format', 'json', '--rows', 'none'];
  const npyRows = Number(process.env.KL_BENCH_NPY_ROWS ?? 4096);
  const rows = npyRows * times;
  writeNpyLogits(join(dir, 'ref.npy'), npyRows, 32000, 3);
  writeNpyLogits(join(dir, 'new.npy'), npyRows, 32000, 4);
  const ref = join(dir, `ref-${rows}.npy`);
  const candidate = join(dir, `new-${rows}.npy`);
  repeatFile(join(dir, 'ref.npy'), ref, times, npyRows);
  repeatFile(join(dir, 'new.npy'), candidate, times, npyRows);
  const npyArgs = ['compare', ref, candidate, '--kind', 'logits'];
  const npyBytes = statSync(ref).size + statSync(candidate).size;
  const base = memoryPair(dir, MEMORY_ROWS * 10);
  const csvRows = MEMORY_ROWS * 10 * times;
  const p = join(dir, `shard-p-${csvRows}x${MEMORY_COLUMNS}.csv`);
  const q = join(dir, `shard-q-${csvRows}x${MEMORY_COLUMNS}.csv`);
  repeatFile(base.p, p, times);
  repeatFile(base.q, q, times);
  const bytes = statSync(p).size + statSync(q).size;
  const csvArgs = ['compare', p, q];
  const results = runAlternating(
    [
      klCase(`one run: kl compare ref.npy new.npy --kind logits (${rows} × 32000 float32)`, [...npyArgs, ...output], npyBytes),
      shardedCase(`${shards} × --shard I/${shards} --save-summary, then kl merge (the same .npy pair)`, npyArgs, npyBytes, dir, shards),
      klCase(`one run: kl compare p.csv q.csv (${csvRows} rows × ${MEMORY_COLUMNS})`, [...csvArgs, ...output], bytes),
      shardedCase(`${shards} × --shard I/${shards} --save-summary, then kl merge (the same CSV pair)`, csvArgs, bytes, dir, shards),
    ],
    3,
  );
  printTable('6. Shards: N runs one after another plus the merge, against one run', results, [
    `.npy logits, ${shards} shards + merge / one run: ${verdict(results[1].seconds / results[0].seconds, 1.1)}`,
    `CSV, ${shards} shards + merge / one run: ${verdict(results[3].seconds / results[2].seconds, 1.1)}`,
  ]);
}

async function driftSection(dir, peers) {
  const rows = Number(process.env.KL_BENCH_DRIFT_ROWS ?? 1_000_000);
  const ref = join(dir, 'drift-ref.csv');
  const cur = join(dir, 'drift-cur.csv');
  writeDriftTable(ref, rows, 0, 21);
  writeDriftTable(cur, rows, 0.1, 22);
  const bytes = statSync(ref).size + statSync(cur).size;
  const cases = [klCase(`kl drift ref.csv cur.csv --format csv (${rows} × 20 numeric)`, ['drift', ref, cur, '--format', 'csv'], bytes)];
  if (peers) cases.push(peerCase('np.loadtxt + deciles, np.histogram, PSI, wasserstein_distance, ks_2samp', 'peer_drift.py', [ref, cur], bytes));
  const results = runAlternating(cases, 3);
  const notes = [];
  if (peers) {
    notes.push(`wall time kl / peer: ${verdict(results[0].seconds / results[1].seconds, 1.0)}`);
    notes.push(`peak RSS kl / peer: ${verdict(results[0].rssMiB / results[1].rssMiB, 0.5)}`);
  } else notes.push('peer skipped: python3 with numpy and scipy not found');
  printTable('5. Drift: raw observations, column by column', results, notes);
}

const SECTIONS = new Map([
  ['csv', csvSection],
  ['npy', npySection],
  ['column', columnSection],
  ['startup', startupSection],
  ['kernel', kernelSection],
  ['memory', memorySection],
  ['drift', driftSection],
  ['shards', shardsSection],
]);

async function main() {
  const wanted = process.argv.slice(2);
  const names = wanted.length ? wanted : [...SECTIONS.keys()];
  for (const name of names) if (!SECTIONS.has(name)) throw new Error(`unknown section ${name}; choose ${[...SECTIONS.keys()].join(', ')}`);
  const peers = pythonPeers();
  const dir = keepData ? keepData : mkdtempSync(join(tmpdir(), 'kl-bench-'));
  if (keepData) mkdirSync(dir, { recursive: true });
  console.log(`# kl bench — ${new Date().toISOString().slice(0, 10)}`);
  console.log(`node ${process.version}; ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}; ${(totalmem() / 2 ** 30).toFixed(0)} GiB`);
  console.log(peers ? `peers: python3 with numpy ${peers.replace(' ', ', scipy ')}` : 'peers: skipped (python3 with numpy and scipy not found)');
  try {
    for (const name of names) await SECTIONS.get(name)(dir, peers);
  } finally {
    if (!keepData) rmSync(dir, { recursive: true, force: true });
  }
}

await main();
