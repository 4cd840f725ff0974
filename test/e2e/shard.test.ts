/**
 * --shard I/N, --save-summary and kl merge, through the built CLI: the N shards read every
 * row exactly once (whatever the format, header, blank lines or line endings), their merge
 * prints what one run prints (byte for byte with --exact-percentiles; percentiles within
 * the sketch's bound without), and whatever one run could not have produced is refused
 * with exit 2 and nothing on stdout.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runKl } from '../helpers/cli.js';
import { npyBytes } from '../helpers/npy.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-shard-'));
const ALPHA = 1e-3;

/** Rows of random distributions (seeded), `width` categories each. */
function distributions(rows: number, width: number, seed: number): number[][] {
  let state = seed >>> 0;
  const next = () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return (state + 1) / 4294967297;
  };
  return Array.from({ length: rows }, () => {
    const raw = Array.from({ length: width }, () => next() ** 3);
    const total = raw.reduce((a, b) => a + b, 0);
    return raw.map((value) => value / total);
  });
}

type Layout = 'csv-header-crlf-blank' | 'tsv-plain' | 'jsonl-blank' | 'npy-3d';

/** Writes the rows in a layout with what trips a naive splitter: a header, CRLF, blank lines. */
function write(name: string, rows: number[][], layout: Layout): string {
  const width = (rows[0] as number[]).length;
  switch (layout) {
    case 'csv-header-crlf-blank': {
      const lines = rows.map((row, i) => `${row.join(',')}${i % 7 === 3 ? '\r' : ''}${i % 11 === 5 ? '\n' : ''}`);
      const path = join(dir, `${name}.csv`);
      writeFileSync(path, `${Array.from({ length: width }, (_, j) => `c${j}`).join(',')}\n${lines.join('\n')}\n`);
      return path;
    }
    case 'tsv-plain': {
      const path = join(dir, `${name}.tsv`);
      writeFileSync(path, `${rows.map((row) => row.join('\t')).join('\n')}`);
      return path;
    }
    case 'jsonl-blank': {
      const path = join(dir, `${name}.jsonl`);
      writeFileSync(path, rows.map((row, i) => `${JSON.stringify(row)}${i % 5 === 2 ? '\n  ' : ''}`).join('\n'));
      return path;
    }
    case 'npy-3d': {
      const path = join(dir, `${name}.npy`);
      const data = Float64Array.from(rows.flat());
      const half = rows.length % 2 === 0 ? 2 : 1;
      writeFileSync(path, npyBytes(data, [half, rows.length / half, width]));
      return path;
    }
  }
}

/** A JSON report without what differs between any two runs: the command line. */
function comparable(stdout: string): string {
  const report = JSON.parse(stdout) as Record<string, unknown>;
  delete report['command_line'];
  return JSON.stringify(report, null, 2);
}

function shardSummaries(args: string[], count: number, extra: string[] = []): string[] {
  return Array.from({ length: count }, (_, index) => {
    const file = join(dir, `part-${Math.random().toString(36).slice(2)}-${index}.json`);
    const run = runKl([...args, '--shard', `${index}/${count}`, '--save-summary', file, '--rows', 'none', '--format', 'json', ...extra]);
    expect(run.status, run.stderr).toBe(0);
    return file;
  });
}

describe('--shard I/N reads every row exactly once', () => {
  const rows = distributions(61, 5, 11);
  const other = distributions(61, 5, 12);
  for (const layout of ['csv-header-crlf-blank', 'tsv-plain', 'jsonl-blank', 'npy-3d'] as const) {
    it(layout, () => {
      const p = write(`p-${layout}`, rows, layout);
      const q = write(`q-${layout}`, other, layout);
      const whole = runKl(['forward', p, q, '--format', 'csv']);
      expect(whole.status, whole.stderr).toBe(0);
      const [header, ...expected] = whole.stdout.trimEnd().split('\n');
      for (const count of [2, 3, 7]) {
        const lines: string[] = [];
        for (let index = 0; index < count; index++) {
          const shard = runKl(['forward', p, q, '--format', 'csv', '--shard', `${index}/${count}`]);
          expect(shard.status, shard.stderr).toBe(0);
          const [shardHeader, ...body] = shard.stdout.trimEnd().split('\n');
          expect(shardHeader).toBe(header);
          lines.push(...body);
        }
        // Row indices are the whole input's, each once, in order.
        expect(lines).toEqual(expected);
      }
    });
  }

  it('messages name the line of the whole file', () => {
    const lines = distributions(40, 3, 5).map((row) => row.join(','));
    lines[30] = '0.5,oops,0.5';
    const path = join(dir, 'bad-line.csv');
    writeFileSync(path, `a,b,c\n${lines.join('\n')}\n`);
    const q = write('q-bad-line', distributions(40, 3, 6), 'csv-header-crlf-blank');
    const run = runKl(['forward', path, q, '--shard', '3/4', '--format', 'json']);
    expect(run.status).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toContain('bad-line.csv:32:');
  });
});

describe('kl merge prints what one run prints', () => {
  it('byte for byte with --exact-percentiles, for random data and shard counts', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 5 }),
        fc.constantFrom<Layout>('csv-header-crlf-blank', 'jsonl-blank', 'npy-3d'),
        fc.integer({ min: 1, max: 1000 }),
        (rowCount, shards, layout, seed) => {
          fc.pre(rowCount >= shards && (layout !== 'npy-3d' || rowCount % 2 === 0 || rowCount > 1));
          const p = write(`mp-${seed}`, distributions(rowCount, 4, seed), layout);
          const q = write(`mq-${seed}`, distributions(rowCount, 4, seed + 1), layout);
          const single = runKl(['compare', p, q, '--format', 'json', '--rows', 'worst', '--percentiles', '97.5']);
          expect(single.status, single.stderr).toBe(0);
          const parts = shardSummaries(['compare', p, q, '--percentiles', '97.5'], shards, ['--exact-percentiles']);
          const merged = runKl(['merge', ...parts.reverse(), '--format', 'json']);
          expect(merged.status, merged.stderr).toBe(0);
          expect(comparable(merged.stdout)).toBe(comparable(single.stdout));
          // CSV and value: a merge has no rows, so they print the summary, as one run's --rows none.
          for (const format of ['csv', 'value']) {
            const one = runKl(['compare', p, q, '--format', format, '--rows', 'none', '--percentiles', '97.5']);
            expect(runKl(['merge', ...parts, '--format', format]).stdout).toBe(one.stdout);
          }
        },
      ),
      { numRuns: 6, seed: 42 },
    );
  });

  it('with sketched summaries (the default): every statistic but the percentiles to 1e-12, percentiles within the bound', () => {
    const p = write('sp', distributions(400, 6, 21), 'npy-3d');
    const q = write('sq', distributions(400, 6, 22), 'npy-3d');
    const single = JSON.parse(runKl(['compare', p, q, '--format', 'json', '--rows', 'none']).stdout);
    const merged = JSON.parse(runKl(['merge', ...shardSummaries(['compare', p, q], 4), '--format', 'json', '--rows', 'none']).stdout);
    expect(merged.percentiles).toEqual({ exact: false, method: 'ddsketch', relative_error: ALPHA });
    expect(merged.row_count).toBe(400);
    for (const [name, stats] of Object.entries(single.summary as Record<string, Record<string, number>>)) {
      for (const [stat, value] of Object.entries(stats)) {
        const got = merged.summary[name][stat] as number;
        if (stat === 'argmin' || stat === 'argmax' || stat === 'min' || stat === 'max') expect(got, `${name}.${stat}`).toBe(value);
        else if (stat === 'mean') expect(Math.abs(got - value), `${name}.${stat}`).toBeLessThanOrEqual(1e-12 * Math.abs(value));
        else if (stat === 'stderr') expect(Math.abs(got - value), `${name}.${stat}`).toBeLessThanOrEqual(1e-9 * Math.abs(value));
        // Every measure here is ≥ 0: the interpolated bound is α × the exact percentile.
        else expect(Math.abs(got - value), `${name}.${stat}`).toBeLessThanOrEqual(ALPHA * value * (1 + 1e-12));
      }
    }
  });

  it('LLM evaluation: --targets, --next-token, --ignore-index over shards, exactly', () => {
    const args = ['compare', 'fixtures/llm/ref_logits.npy', 'fixtures/llm/new_logits.npy', '--kind', 'logits'];
    const targets = ['--targets', 'fixtures/llm/tokens.npy', '--next-token', '--ignore-index', '-100'];
    const single = runKl([...args, ...targets, '--format', 'json', '--rows', 'worst']);
    const parts = shardSummaries([...args, ...targets], 3, ['--exact-percentiles']);
    const merged = runKl(['merge', ...parts, '--format', 'json']);
    expect(comparable(merged.stdout)).toBe(comparable(single.stdout));
    expect(JSON.parse(merged.stdout).ignored_rows).toBeGreaterThan(0);
  });

  it('is associative: partial merges, merged again, give the same', () => {
    const p = write('ap', distributions(90, 3, 31), 'jsonl-blank');
    const q = write('aq', distributions(90, 3, 32), 'jsonl-blank');
    const parts = shardSummaries(['js', p, q], 4, ['--exact-percentiles']);
    const all = runKl(['merge', ...parts, '--format', 'json']);
    const left = join(dir, 'left.json');
    const right = join(dir, 'right.json');
    const partial = runKl(['merge', parts[0] as string, parts[1] as string, '--save-summary', left]);
    expect(partial.status).toBe(0);
    expect(partial.stdout).toBe('');
    expect(partial.stderr).toContain('partial merge: 2 of 4 shards');
    expect(runKl(['merge', parts[2] as string, parts[3] as string, '--save-summary', right]).status).toBe(0);
    const tree = runKl(['merge', right, left, '--format', 'json']);
    expect(comparable(tree.stdout)).toBe(comparable(all.stdout));
  });

  it('gates like one run: the same checks, exit codes and stderr', () => {
    const p = write('gp', distributions(50, 4, 41), 'csv-header-crlf-blank');
    const q = write('gq', distributions(50, 4, 42), 'csv-header-crlf-blank');
    const gate = ['--max', 'kl_forward.mean=0.01', '--min', 'top1_agreement=0.1'];
    const single = runKl(['compare', p, q, ...gate, '--format', 'json']);
    const merged = runKl(['merge', ...shardSummaries(['compare', p, q], 3), ...gate, '--format', 'json']);
    expect(single.status).toBe(1);
    expect(merged.status).toBe(1);
    expect(merged.stderr).toBe(single.stderr);
  });
});

describe('refused with exit 2 and nothing on stdout', () => {
  const p = write('rp', distributions(30, 3, 51), 'csv-header-crlf-blank');
  const q = write('rq', distributions(30, 3, 52), 'csv-header-crlf-blank');
  const parts = shardSummaries(['compare', p, q], 3);
  const refused = (args: string[], message: RegExp) => {
    const run = runKl(args);
    expect(run.status, run.stderr).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toMatch(message);
  };

  it('summaries that one run could not have produced', () => {
    const [forward] = shardSummaries(['forward', p, q], 3);
    refused(['merge', forward as string, parts[1] as string, parts[2] as string], /not parts of one run: command forward ≠ compare/);
    const [bits] = shardSummaries(['compare', p, q, '--base', '2'], 3);
    refused(['merge', bits as string, parts[1] as string, parts[2] as string], /unit bits \(base 2\) ≠ nats \(base 2.718281828459045\)/);
    const [counts] = shardSummaries(['compare', p, q, '--kind', 'counts'], 3);
    refused(['merge', counts as string, parts[1] as string, parts[2] as string], /kind of P counts ≠ probs/);
    const logits = ['forward', 'fixtures/llm/ref_logits.npy', 'fixtures/llm/new_logits.npy', '--kind', 'logits'];
    const [warm] = shardSummaries([...logits, '--temperature', '2'], 2);
    const [, plain] = shardSummaries(logits, 2);
    refused(['merge', warm as string, plain as string], /options normalize=false .*temperature=2 .* ≠ .*temperature=1 /);
    const [fourths] = shardSummaries(['compare', p, q], 4);
    refused(['merge', fourths as string, parts[1] as string, parts[2] as string], /shard count 4 ≠ 3/);
    refused(['merge', parts[0] as string, parts[0] as string, parts[1] as string, parts[2] as string], /both cover shard 0\/3/);
    refused(['merge', parts[0] as string, parts[2] as string], /1\/3 missing/);
    const future = join(dir, 'future.json');
    writeFileSync(future, readFileSync(parts[0] as string, 'utf8').replace('"schema_version":1', '"schema_version":2'));
    refused(['merge', future, parts[1] as string, parts[2] as string], /schema version 2 .*this kl reads version 1/);
    const other = join(dir, 'other.json');
    writeFileSync(other, '{"rows": []}');
    refused(['merge', other], /is not a kl batch summary/);
    refused(['merge', ...parts, '--rows', 'all'], /worst or none/);
    // Files are sacred: neither a summary nor a merge writes over an input.
    refused(['compare', p, q, '--shard', '0/3', '--save-summary', p], /--save-summary .* is the input .*kl never writes over an input/);
    refused(['merge', ...parts, '--save-summary', parts[1] as string], /--save-summary .* is the input .*kl never writes over an input/);
    refused(['merge', ...parts, '-o', parts[0] as string], /--output .* is the input .*kl never writes over an input/);
  });

  it('a damaged summary file: exit 2 naming it (or a result, when the damage changes nothing), never an internal error', () => {
    const original = JSON.parse(readFileSync(parts[1] as string, 'utf8')) as Record<string, unknown>;
    /** Every path to a value in the document. */
    const paths: string[][] = [];
    const walk = (value: unknown, path: string[]) => {
      paths.push(path);
      if (value !== null && typeof value === 'object') for (const [key, inner] of Object.entries(value)) walk(inner, [...path, key]);
    };
    walk(original, []);
    const damaged = join(dir, 'damaged.json');
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: paths.length - 1 }),
        fc.oneof(fc.constant(undefined), fc.constant(null), fc.string(), fc.integer(), fc.double(), fc.constant({}), fc.constant([])),
        (index, replacement) => {
          const copy = structuredClone(original) as Record<string, unknown>;
          const path = paths[index] as string[];
          let parent = copy as Record<string, unknown>;
          for (const key of path.slice(0, -1)) parent = parent[key] as Record<string, unknown>;
          const last = path[path.length - 1] as string;
          if (replacement === undefined) delete parent[last];
          else parent[last] = replacement;
          writeFileSync(damaged, JSON.stringify(copy));
          const run = runKl(['merge', parts[0] as string, damaged, parts[2] as string, '--format', 'json']);
          expect(run.stderr).not.toContain('internal error');
          expect([0, 1, 2]).toContain(run.status);
          if (run.status === 2) expect(run.stdout).toBe('');
        },
      ),
      { numRuns: 60, seed: 16 },
    );
  });

  it('inputs a shard cannot be cut from', () => {
    refused(['compare', p, q, '--shard', '3/3'], /the shards of 3 are 0\/3 … 2\/3/);
    refused(['compare', p, q, '--shard', 'half'], /expected I\/N/);
    refused(['compare', '-', q, '--shard', '0/2'], /stdin cannot be split/);
    const json = join(dir, 'rows.json');
    writeFileSync(json, JSON.stringify(distributions(4, 3, 1)));
    refused(['compare', json, json, '--shard', '0/2'], /JSON document must be read whole[\s\S]*JSONL/);
    const quoted = join(dir, 'quoted.csv');
    writeFileSync(quoted, 'a,b,c\n0.2,0.3,0.5\n0.2,"0.3\n",0.5\n0.2,0.3,0.5\n');
    refused(['compare', quoted, quoted, '--shard', '0/2', '--layout', 'batch'], /quoted cell runs on past the end of the line/);
    const two = write('two-rows', distributions(2, 3, 3), 'tsv-plain');
    refused(['compare', two, two, '--shard', '2/3'], /no row of P falls in this shard/);
    refused(['explain', p, q, '--shard', '0/2'], /not kl explain/);
    const compressed = join(dir, 'rows.csv.gz');
    writeFileSync(compressed, gzipSync(readFileSync(p)));
    refused(['compare', compressed, q, '--shard', '0/2'], /gzip-compressed: a compressed file has no row offsets[\s\S]*gunzip -k/);
    refused(['compare', 'fixtures/p.csv', 'fixtures/q.csv', '--save-summary', join(dir, 'pair.json')], /single distributions, not batches/);
  });
});
