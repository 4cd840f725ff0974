/**
 * Fuzzing: random and mutated inputs through the whole CLI (in-process, stdin as input).
 *
 * For every input, whatever it is:
 * - the exit code is 0 or 2 (1 needs a check, and none is given);
 * - stderr never shows a stack trace or an internal error;
 * - stdout is empty on failure, and valid JSON with finite-or-"Infinity" measures on success.
 *
 * `npm test` runs a bounded number of inputs (KL_FUZZ_RUNS, default 2000); `npm run fuzz`
 * runs many more. The generator is seeded (KL_FUZZ_SEED) so a failure can be replayed.
 */
import { mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runInProcess } from './helpers/in-process.js';
import { ROOT } from './helpers/reference.js';

const RUNS = Number(process.env['KL_FUZZ_RUNS'] ?? 2000);
const SEED = Number(process.env['KL_FUZZ_SEED'] ?? 20261124);

function generator(seed: number): () => number {
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

/** Every small fixture is a seed for mutation. */
function seeds(): Uint8Array[] {
  const out: Uint8Array[] = [];
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir)) {
      const path = join(dir, name);
      const info = statSync(path);
      if (info.isDirectory()) walk(path);
      else if (info.size > 0 && info.size < 64 * 1024) out.push(readFileSync(path));
    }
  };
  walk(join(ROOT, 'fixtures'));
  return out;
}

const TOKENS = [
  '0',
  '1',
  '0.5',
  '-0.5',
  '1e-400',
  '1e999',
  'NaN',
  'Infinity',
  '-inf',
  '0x10',
  '.5',
  '1.',
  '+1',
  '"',
  ',',
  '\t',
  '\n',
  '\r\n',
  '[',
  ']',
  '{',
  '}',
  ':',
  '"__proto__"',
  '"constructor"',
  '\u0000',
  '\uFEFF',
  'é',
  '\\u0000',
  'null',
  'true',
  ' ',
];

function mutate(random: () => number, input: Uint8Array): Uint8Array {
  let bytes = Array.from(input);
  const edits = 1 + Math.floor(random() * 6);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(random() * (bytes.length + 1));
    switch (Math.floor(random() * 7)) {
      case 0: // flip a byte
        if (bytes.length) bytes[at % bytes.length] = Math.floor(random() * 256);
        break;
      case 1: // delete a run
        bytes.splice(at, 1 + Math.floor(random() * 8));
        break;
      case 2: // insert a token
        bytes.splice(at, 0, ...Buffer.from(TOKENS[Math.floor(random() * TOKENS.length)] as string));
        break;
      case 3: // truncate
        bytes = bytes.slice(0, at);
        break;
      case 4: // duplicate a slice
        bytes.splice(at, 0, ...bytes.slice(Math.floor(random() * bytes.length), at));
        break;
      case 5: // insert random bytes
        for (let k = 0; k < 4; k++) bytes.splice(at, 0, Math.floor(random() * 256));
        break;
      default: // swap two lines
        break;
    }
  }
  return Uint8Array.from(bytes);
}

function randomText(random: () => number): Uint8Array {
  let text = '';
  const length = Math.floor(random() * 40);
  for (let i = 0; i < length; i++) text += TOKENS[Math.floor(random() * TOKENS.length)];
  return Buffer.from(text);
}

const FORMATS = ['csv', 'tsv', 'json', 'jsonl', 'npy'] as const;
const KINDS = ['probs', 'counts', 'logits', 'logprobs'] as const;

function validJsonOutput(stdout: string): boolean {
  const report = JSON.parse(stdout) as { measures?: Record<string, unknown>; summary?: Record<string, unknown> };
  const values: unknown[] = [];
  const collect = (value: unknown): void => {
    if (typeof value === 'number') values.push(value);
    else if (value && typeof value === 'object') for (const item of Object.values(value)) collect(item);
  };
  collect(report.measures ?? report.summary);
  return values.every((value) => typeof value === 'number' && !Number.isNaN(value));
}

/** Exit 0 or 2, never a stack or an internal error; valid JSON on success, nothing on stdout on failure. */
function expectOutcome(result: { status: number; stdout: string; stderr: string }, context: string, outcomes: Map<number, number>): void {
  outcomes.set(result.status, (outcomes.get(result.status) ?? 0) + 1);
  expect([0, 2], context).toContain(result.status);
  expect(result.stderr, context).not.toMatch(/^\s+at |internal error/m);
  if (result.status === 0) expect(validJsonOutput(result.stdout), context).toBe(true);
  else expect(result.stdout, context).toBe('');
}

describe('fuzz: random and mutated inputs never crash, never print NaN, never half-print', () => {
  it(`${RUNS} inputs (seed ${SEED})`, async () => {
    const random = generator(SEED);
    const pool = seeds();
    const outcomes = new Map<number, number>();
    for (let run = 0; run < RUNS; run++) {
      const input = random() < 0.85 ? mutate(random, pool[Math.floor(random() * pool.length)] as Uint8Array) : randomText(random);
      const format = FORMATS[Math.floor(random() * FORMATS.length)] as string;
      const kind = KINDS[Math.floor(random() * KINDS.length)] as string;
      const command = random() < 0.5 ? 'compare' : 'entropy';
      const withQFile = command === 'compare' && random() < 0.3;
      const args = [command, '-', ...(withQFile ? [join(ROOT, 'fixtures/coin_q.csv')] : []), '--kind', kind, '--format', 'json'];
      if (random() < 0.7) args.push('--input-format', format);
      if (random() < 0.3) args.push('--normalize');
      // compare needs Q: without a second file, take P's first two columns.
      if (command === 'compare' && !withQFile) args.push('--p-col', '1', '--q-col', '2');
      const result = await runInProcess(args, input);
      const context = `run ${run}: kl ${args.join(' ')} <<< ${JSON.stringify(Buffer.from(input).toString('latin1').slice(0, 200))}`;
      expectOutcome(result, context, outcomes);
    }
    // The corpus must exercise both outcomes, or the fuzzer is not testing much.
    expect(outcomes.get(0) ?? 0).toBeGreaterThan(0);
    expect(outcomes.get(2) ?? 0).toBeGreaterThan(0);
    console.log(`fuzz: ${RUNS} inputs, exit codes ${JSON.stringify(Object.fromEntries(outcomes))}`);
  }, 600_000);
});

describe('fuzz: kl drift on random and mutated tables', () => {
  it(`${Math.ceil(RUNS / 4)} inputs (seed ${SEED})`, async () => {
    const random = generator(SEED + 13);
    const pool = seeds();
    const dir = mkdtempSync(join(tmpdir(), 'kl-fuzz-drift-'));
    const outcomes = new Map<number, number>();
    for (let run = 0; run < Math.ceil(RUNS / 4); run++) {
      const input = random() < 0.85 ? mutate(random, pool[Math.floor(random() * pool.length)] as Uint8Array) : randomText(random);
      // Against itself (so that most inputs get measured) or against the drift fixture.
      const same = join(dir, `same-${run}`);
      writeFileSync(same, input);
      const current = random() < 0.6 ? same : join(ROOT, 'fixtures/drift/ref.csv');
      const args = ['drift', '-', current, '--format', 'json'];
      if (random() < 0.5) args.push('--input-format', FORMATS[Math.floor(random() * FORMATS.length)] as string);
      if (random() < 0.3) args.push(random() < 0.5 ? '--header' : '--no-header');
      if (random() < 0.2) args.push('--binning', (['uniform', 'sturges', 'fd', 'auto'] as const)[Math.floor(random() * 4)] as string);
      const result = await runInProcess(args, input);
      const context = `run ${run}: kl ${args.join(' ')} <<< ${JSON.stringify(Buffer.from(input).toString('latin1').slice(0, 200))}`;
      expectOutcome(result, context, outcomes);
    }
    expect(outcomes.get(0) ?? 0).toBeGreaterThan(0);
    expect(outcomes.get(2) ?? 0).toBeGreaterThan(0);
    console.log(`fuzz drift: ${Math.ceil(RUNS / 4)} inputs, exit codes ${JSON.stringify(Object.fromEntries(outcomes))}`);
  }, 600_000);
});

describe('fuzz: kl mi and kl matrix on random and mutated tables', () => {
  it(`${Math.ceil(RUNS / 8)} inputs (seed ${SEED})`, async () => {
    const random = generator(SEED + 29);
    const pool = seeds();
    const dir = mkdtempSync(join(tmpdir(), 'kl-fuzz-mi-'));
    const outcomes = new Map<number, number>();
    for (let run = 0; run < Math.ceil(RUNS / 8); run++) {
      const input = random() < 0.85 ? mutate(random, pool[Math.floor(random() * pool.length)] as Uint8Array) : randomText(random);
      const path = join(dir, `in-${run}`);
      writeFileSync(path, input);
      const pick = random();
      const args =
        pick < 0.4
          ? ['mi', '-', '--kind', random() < 0.5 ? 'counts' : 'probs', '--format', 'json']
          : pick < 0.7
            ? ['mi', '-', '--x', random() < 0.5 ? 'prediction' : 'a', '--y', random() < 0.5 ? 'truth' : 'b', '--format', 'json']
            : ['matrix', '-', path, '--format', 'json'];
      if (random() < 0.5) args.push('--input-format', (['csv', 'tsv', 'json', 'jsonl'] as const)[Math.floor(random() * 4)] as string);
      const result = await runInProcess(args, input);
      const context = `run ${run}: kl ${args.join(' ')} <<< ${JSON.stringify(Buffer.from(input).toString('latin1').slice(0, 200))}`;
      outcomes.set(result.status, (outcomes.get(result.status) ?? 0) + 1);
      expect([0, 2], context).toContain(result.status);
      expect(result.stderr, context).not.toMatch(/^\s+at |internal error/m);
      if (result.status === 0) expect(() => JSON.parse(result.stdout), context).not.toThrow();
      else expect(result.stdout, context).toBe('');
    }
    expect(outcomes.get(2) ?? 0).toBeGreaterThan(0);
    console.log(`fuzz mi/matrix: ${Math.ceil(RUNS / 8)} inputs, exit codes ${JSON.stringify(Object.fromEntries(outcomes))}`);
  }, 600_000);
});

describe('fuzz: kl fit on random and mutated grids and samples', () => {
  it(`${Math.ceil(RUNS / 16)} inputs (seed ${SEED})`, async () => {
    const random = generator(SEED + 31);
    const pool = readdirSync(join(ROOT, 'fixtures', 'fit')).map((name) => readFileSync(join(ROOT, 'fixtures', 'fit', name)));
    const outcomes = new Map<number, number>();
    for (let run = 0; run < Math.ceil(RUNS / 16); run++) {
      const input = random() < 0.9 ? mutate(random, pool[Math.floor(random() * pool.length)] as Uint8Array) : randomText(random);
      const family = (['gaussian', 'student-t', 'mixture:2'] as const)[Math.floor(random() * 3)] as string;
      const args = ['fit', '-', '--family', family, '--format', random() < 0.5 ? 'json' : 'table'];
      const form = random();
      if (form < 0.3) args.push('--samples');
      else if (form < 0.5) args.push('--values', (['probability', 'density', 'count'] as const)[Math.floor(random() * 3)] as string);
      if (random() < 0.3) args.push('--direction', random() < 0.5 ? 'forward' : 'reverse');
      const result = await runInProcess(args, input);
      const context = `run ${run}: kl ${args.join(' ')} <<< ${JSON.stringify(Buffer.from(input).toString('latin1').slice(0, 200))}`;
      outcomes.set(result.status, (outcomes.get(result.status) ?? 0) + 1);
      expect([0, 2], context).toContain(result.status);
      expect(result.stderr, context).not.toMatch(/^\s+at |internal error/m);
      expect(result.stdout, context).not.toMatch(/NaN/);
      if (result.status === 0 && args.includes('json')) expect(() => JSON.parse(result.stdout), context).not.toThrow();
      if (result.status !== 0) expect(result.stdout, context).toBe('');
    }
    expect(outcomes.get(0) ?? 0).toBeGreaterThan(0);
    expect(outcomes.get(2) ?? 0).toBeGreaterThan(0);
    console.log(`fuzz fit: ${Math.ceil(RUNS / 16)} inputs, exit codes ${JSON.stringify(Object.fromEntries(outcomes))}`);
  }, 600_000);
});
