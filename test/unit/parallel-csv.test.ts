/**
 * When a CSV/TSV comparison splits between two workers, and where: the rows of each half
 * must be exactly those the sequential path would read, or the split must not happen.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { buildRequest } from '../../src/cli/options.js';
import { compare } from '../../src/cli/commands/compare.js';
import { entropy } from '../../src/cli/commands/entropy.js';
import { planCsvSplit } from '../../src/compute/parallel-csv.js';

const dir = mkdtempSync(join(tmpdir(), 'kl-split-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

const rows = (count: number, cell = '0.25'): string[] => Array.from({ length: count }, () => [cell, cell, cell, cell].join(','));

function split(pPath: string, qPath: string, options: Record<string, unknown> = {}, spec = compare) {
  const { request } = buildRequest(spec, pPath, qPath, { format: 'json', ...options });
  return planCsvSplit(request, 0);
}

describe('planCsvSplit', () => {
  it('splits at P’s first row past its middle byte, and at the same row of Q, with line numbers', () => {
    // P: a header, 10 rows, an empty line after row 2. Q: no header, 10 rows, longer lines.
    const pLines = ['a,b,c,d', ...rows(10)];
    pLines.splice(3, 0, '');
    const p = file('p.csv', `${pLines.join('\n')}\n`);
    const q = file('q.csv', `${rows(10, '0.250000000').join('\n')}\n`);
    const plan = split(p, q);
    expect(plan).not.toBeNull();
    const at = plan!;
    // P's data: 11 lines of 20 bytes (one empty, 1 byte) from byte 8; the middle is byte 8 + 201/2.
    expect(at.row).toBe(5);
    expect(at.pStart).toEqual({ row: 5, offset: 8 + 3 * 20 + 1 + 2 * 20, line: 8 });
    expect(at.qStart).toEqual({ row: 5, offset: 5 * 48, line: 6 });
    expect(at.p.context.columns).toEqual(['a', 'b', 'c', 'd']);
    expect(at.q.context.columns).toBeNull();
  });

  it('takes a file that ends without a newline, and TSV', () => {
    const p = file('p.tsv', rows(6).join('\n').replaceAll(',', '\t'));
    const q = file('q.tsv', rows(6).join('\n').replaceAll(',', '\t'));
    expect(split(p, q)?.row).toBe(3);
  });

  it.each([
    ['a quote before the split', (lines: string[]) => lines.splice(1, 1, '"0.25",0.25,0.25,0.25')],
    ['a carriage return before the split', (lines: string[]) => lines.splice(1, 1, '0.25,0.25,0.25,0.25\r')],
    ['a NUL byte before the split', (lines: string[]) => lines.splice(1, 1, '0.25,0.25,0.25,0.25\u0000')],
  ])('refuses %s in P (csv-parse could read those lines differently)', (_name, edit) => {
    const lines = rows(10);
    edit(lines);
    const p = file('bad-p.csv', `${lines.join('\n')}\n`);
    const q = file('good-q.csv', `${rows(10).join('\n')}\n`);
    expect(split(p, q)).toBeNull();
    // The same line in Q, before the row where Q splits, is refused too.
    expect(split(q, p)).toBeNull();
  });

  it('allows a quote well after the split: the second worker hands those lines to csv-parse, as the sequential path does', () => {
    // 4 MB: the split is near 2 MB, and the scan for unsafe bytes reads 1 MiB blocks.
    const wide = Array.from({ length: 20_000 }, () => Array(40).fill('0.025').join(','));
    const quoted = [...wide];
    quoted[19_999] = `"0.025",${Array(39).fill('0.025').join(',')}`;
    const q = file('late-quote.csv', `${quoted.join('\n')}\n`);
    expect(split(file('p20k.csv', `${wide.join('\n')}\n`), q)?.row).toBe(10_000);
  });

  it('leaves batches whose halves exceed the row limit to the per-file path (memory stays flat)', () => {
    const p = file('p120k.csv', `${rows(120_000).join('\n')}\n`);
    const { request } = buildRequest(compare, p, p, { format: 'json' });
    expect(planCsvSplit(request, 0)).toBeNull();
    expect(planCsvSplit(request, 0, 60_000)?.row).toBe(60_000);
  });

  it('leaves Q with too few rows, stdin, one-column files, non-numeric rows and --targets to the ordinary path', () => {
    const p = file('p10b.csv', `${rows(10).join('\n')}\n`);
    expect(split(p, file('q3.csv', `${rows(3).join('\n')}\n`))).toBeNull();
    expect(split('-', p)).toBeNull();
    expect(split(p, file('one.csv', '0.5\n0.5\n0.5\n0.5\n'))).toBeNull();
    expect(split(p, file('labels.csv', 'x,0.5,0.5\ny,0.5,0.5\nz,0.5,0.5\n'))).toBeNull();
    expect(split(p, p, { targets: file('t.csv', '0\n1\n') })).toBeNull();
    expect(split(p, p, {}, entropy)).toBeNull();
  });

  it('stays off below the size where two workers pay for themselves', () => {
    const p = file('small.csv', `${rows(10).join('\n')}\n`);
    const { request } = buildRequest(compare, p, p, { format: 'json' });
    expect(planCsvSplit(request)).toBeNull();
    expect(planCsvSplit(request, 0)).not.toBeNull();
  });
});
