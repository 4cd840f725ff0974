/**
 * When a CSV/TSV comparison is computed in segments by two workers, and where the
 * segments fall: read one after another, they must give exactly the rows (values and line
 * numbers) the sequential path reads, or the segmented path must not be used.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compare } from '../../src/cli/commands/compare.js';
import { entropy } from '../../src/cli/commands/entropy.js';
import { buildRequest } from '../../src/cli/options.js';
import type { RowRange } from '../../src/compute/parallel/batch-worker.js';
import { CsvSegments, planCsvSegments } from '../../src/compute/parallel/csv-segments.js';
import type { Segment } from '../../src/compute/parallel/remote-rows.js';
import { fastRows } from '../../src/io/fast-csv.js';
import { fileChunks } from '../../src/io/file-chunks.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-segments-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Rows whose cells say which row they are, so a lost or repeated row shows. */
const rows = (count: number, digits = 4): string[] =>
  Array.from({ length: count }, (_, i) => [0, 1, 2, 3].map((j) => (i * 4 + j + 1).toFixed(digits)).join(','));

function pairOf(pPath: string, qPath: string, options: Record<string, unknown> = {}, spec = compare) {
  const { request } = buildRequest(spec, pPath, qPath, { format: 'json', ...options });
  return planCsvSegments(request, 0);
}

function segmentsOf(pPath: string, qPath: string, maxBytes: number, maxRows?: number): Segment[] {
  const pair = pairOf(pPath, qPath);
  expect(pair).not.toBeNull();
  const source = new CsvSegments(pair!, null, maxBytes, maxRows);
  const segments: Segment[] = [];
  for (let segment = source.next(); segment; segment = source.next()) segments.push(segment);
  expect(source.next()).toBeNull();
  return segments;
}

/** Each row's values and line, as fastRows reads one range. */
async function read(range: RowRange): Promise<string[]> {
  if (range.format !== 'csv') throw new Error('csv ranges only');
  const out: string[] = [];
  for await (const row of fastRows(Buffer.alloc(0), fileChunks(range.path, range.start, range.end), range.context))
    out.push(`${row.line}: ${[...row.values].join(' ')}`);
  return out;
}

/** The rows of every segment, one segment after another, P and Q. */
async function readSegments(segments: Segment[]): Promise<{ p: string[]; q: string[]; firstIndices: number[] }> {
  const p: string[] = [];
  const q: string[] = [];
  const firstIndices: number[] = [];
  for (const segment of segments) {
    firstIndices.push(segment.firstIndex);
    const [pRows, qRows] = await Promise.all([read(segment.p), read(segment.q)]);
    expect(segment.firstIndex).toBe(p.length);
    p.push(...pRows);
    q.push(...qRows);
  }
  return { p, q, firstIndices };
}

/** The whole file as one range, as the sequential fast path reads it. */
function whole(segments: Segment[], side: 'p' | 'q'): RowRange {
  const first = segments[0]![side];
  return { ...first, end: Infinity };
}

describe('CSV segments', () => {
  it('read one after another, give every row of P and Q once, with its line number (a header, empty lines, longer Q lines)', async () => {
    const pLines = ['a,b,c,d', ...rows(200)];
    pLines.splice(3, 0, '');
    pLines.splice(150, 0, '', '');
    const p = file('p.csv', `${pLines.join('\n')}\n`);
    const q = file('q.csv', `${rows(200, 9).join('\n')}\n`);
    const segments = segmentsOf(p, q, 1000);
    expect(segments.length).toBeGreaterThan(5);
    expect(segments.at(-1)!.p.end).toBe(Infinity);
    for (const [a, b] of segments.slice(1).map((segment, i) => [segments[i]!, segment] as const)) {
      expect(b.p.start).toBe(a.p.end);
      expect(b.q.start).toBe(a.q.end);
    }
    const read = await readSegments(segments);
    expect(read.p).toEqual(await readSegments([{ firstIndex: 0, p: whole(segments, 'p'), q: whole(segments, 'q') }]).then((all) => all.p));
    expect(read.q).toHaveLength(200);
    expect(read.p).toHaveLength(200);
    // A header and three empty lines: the last row is on line 204.
    expect(read.p.at(-1)).toMatch(/^204: 797 798 799 800$/);
    expect(read.q.at(-1)).toMatch(/^200: 797 798 799 800$/);
  });

  it('hold at most maxRows rows each, and shrink towards the end of P', () => {
    const p = file('p-long.csv', `${rows(1000).join('\n')}\n`);
    const byRows = segmentsOf(p, p, 1 << 30, 64);
    expect(byRows.map((segment) => segment.firstIndex)).toEqual(Array.from({ length: 16 }, (_, i) => i * 64));
    // ~40 KB: full 2000-byte segments, then an eighth of what is left, down to 250 bytes.
    const byBytes = segmentsOf(p, p, 2000);
    const sizes = byBytes.slice(0, -1).map((segment) => segment.p.end - segment.p.start);
    expect(sizes[0]).toBeGreaterThanOrEqual(2000);
    expect(sizes[0]).toBeLessThan(2100);
    expect(sizes.at(-1)).toBeLessThan(400);
  });

  it('take a file that ends without a newline, and TSV', async () => {
    const p = file('p.tsv', rows(60).join('\n').replaceAll(',', '\t'));
    const q = file('q.tsv', rows(60).join('\n').replaceAll(',', '\t'));
    const segments = segmentsOf(p, q, 300);
    expect(segments.length).toBeGreaterThan(3);
    const read = await readSegments(segments);
    expect(read.p).toHaveLength(60);
    expect(read.q).toEqual(read.p);
  });

  it.each([
    ['a quote', '"0.25",0.25,0.25,0.25'],
    ['a carriage return', '0.25,0.25,0.25,0.25\r'],
    ['a NUL byte', '0.25,0.25,0.25,0.25\u0000'],
  ])('stop before %s in P or Q: the last segment, to the end of both files, has it (csv-parse could read it differently)', (_name, line) => {
    // ~1 MB, past the 256 KiB blocks the scan reads, with the byte near the end.
    const lines = rows(20_000);
    lines.splice(19_000, 1, line);
    const bad = file('bad.csv', `${lines.join('\n')}\n`);
    const good = file('good.csv', `${rows(20_000).join('\n')}\n`);
    for (const [p, q] of [
      [bad, good],
      [good, bad],
    ] as const) {
      const segments = segmentsOf(p, q, 50_000);
      const last = segments.at(-1)!;
      expect(last.p.end).toBe(Infinity);
      expect(last.q.end).toBe(Infinity);
      // The line with the byte is row 19000; the scan reads whole blocks, so the last
      // segment may start well before it, never after.
      expect(last.firstIndex).toBeLessThanOrEqual(19_000);
      expect(segments.length).toBeGreaterThan(5);
    }
  });

  it('end where the shorter file ends: the last segment runs to the end of both, where the row counts are compared', async () => {
    const p = file('p300.csv', `${rows(300).join('\n')}\n`);
    const q = file('q120.csv', `${rows(120).join('\n')}\n`);
    for (const [a, b, shorter] of [
      [p, q, 120],
      [q, p, 120],
    ] as const) {
      const segments = segmentsOf(a, b, 500);
      const last = segments.at(-1)!;
      expect(last.p.end).toBe(Infinity);
      expect(last.q.end).toBe(Infinity);
      expect(last.firstIndex).toBeLessThanOrEqual(shorter);
      const read = await readSegments(segments);
      expect(Math.min(read.p.length, read.q.length)).toBe(shorter);
      expect(Math.max(read.p.length, read.q.length)).toBe(300);
    }
  });
});

describe('planCsvSegments', () => {
  it('leaves stdin, one-column files, non-numeric rows, --targets and non-pairwise commands to the ordinary path', () => {
    const p = file('p10.csv', `${rows(10).join('\n')}\n`);
    expect(pairOf(p, p)).not.toBeNull();
    expect(pairOf('-', p)).toBeNull();
    expect(pairOf(p, file('one.csv', '0.5\n0.5\n0.5\n0.5\n'))).toBeNull();
    expect(pairOf(p, file('labels.csv', 'x,0.5,0.5\ny,0.5,0.5\nz,0.5,0.5\n'))).toBeNull();
    expect(pairOf(p, p, { targets: file('t.csv', '0\n1\n') })).toBeNull();
    expect(pairOf(p, p, {}, entropy)).toBeNull();
    expect(pairOf(file('quoted.csv', `"a",b,c,d\n${rows(10).join('\n')}\n`), p)).toBeNull();
  });

  it('stays off below the size where two workers pay for themselves', () => {
    const p = file('small.csv', `${rows(10).join('\n')}\n`);
    const { request } = buildRequest(compare, p, p, { format: 'json' });
    expect(planCsvSegments(request)).toBeNull();
    expect(planCsvSegments(request, 0)).not.toBeNull();
  });
});
