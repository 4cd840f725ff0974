/**
 * The files people have (fixtures/forms/, from scripts/make-format-fixtures.py): NumPy's
 * savetxt default (whitespace-separated), `sort | uniq -c` output, .npz archives and gzip —
 * each gives the numbers the CSV gives, and each ambiguity is refused with the flag that
 * decides.
 */
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runKl } from '../helpers/cli.js';

const F = 'fixtures/forms';
const csvOf = (args: string[]) => runKl([...args, '--format', 'csv']);
const dir = mkdtempSync(join(tmpdir(), 'kl-forms-'));

function same(args: string[], reference: string[]): void {
  const expected = csvOf(reference);
  expect(expected.status, expected.stderr).toBe(0);
  const actual = csvOf(args);
  expect(actual.status, actual.stderr).toBe(0);
  expect(actual.stdout).toBe(expected.stdout);
}

describe('whitespace-separated text (NumPy savetxt default)', () => {
  it('is read as it is written: by sniffing, by --delimiter, and from stdin', () => {
    same(['compare', `${F}/p.txt`, `${F}/q.txt`], ['compare', `${F}/p.csv`, `${F}/q.csv`]);
    same(['compare', `${F}/p.txt`, `${F}/q.csv`, '--p-format', 'ssv'], ['compare', `${F}/p.csv`, `${F}/q.csv`]);
    same(['compare', `${F}/p.txt`, `${F}/q.txt`, '--delimiter', ' '], ['compare', `${F}/p.csv`, `${F}/q.csv`]);
    same(['compare', `${F}/p.txt`, `${F}/q.txt`, '--delimiter', 'auto'], ['compare', `${F}/p.csv`, `${F}/q.csv`]);
    const piped = runKl(['forward', '-', `${F}/q.csv`, '--format', 'csv'], { input: readFileSync(`${F}/p.txt`) });
    expect(piped.stdout).toBe(csvOf(['forward', `${F}/p.csv`, `${F}/q.csv`]).stdout);
  });

  it('runs of blanks, tabs and padding are one separator; a header works as in CSV', () => {
    const path = join(dir, 'padded.txt');
    writeFileSync(path, '  a    b\tc  \n  0.2  0.3 0.5\n0.1\t 0.1   0.8  \n');
    const result = runKl(['compare', path, path, '--format', 'csv', '--measures', 'kl_forward']);
    expect(result.status, result.stderr).toBe(0);
    expect(result.stdout).toBe('index,kl_forward\n0,0\n1,0\n');
  });

  it('--delimiter that disagrees with --input-format, or an unknown one, is refused', () => {
    expect(runKl(['compare', `${F}/p.txt`, `${F}/q.txt`, '--delimiter', ' ', '--input-format', 'csv']).stderr).toMatch(/conflicts with --input-format csv/);
    expect(runKl(['compare', `${F}/p.txt`, `${F}/q.txt`, '--delimiter', ';']).status).toBe(2);
  });

  it('works for kl drift and kl fit too', () => {
    const ref = join(dir, 'ref.txt');
    writeFileSync(ref, 'x y\n1 2\n2 3\n3 4\n4 5\n');
    expect(runKl(['drift', ref, ref, '--format', 'value']).stdout).toBe('0\n');
    const grid = join(dir, 'grid.txt');
    writeFileSync(grid, 'x p\n0 0.2\n1 0.5\n2 0.3\n');
    expect(runKl(['fit', grid, '--format', 'csv']).stdout).toBe(runKl(['fit', '-', '--format', 'csv'], { input: 'x,p\n0,0.2\n1,0.5\n2,0.3\n' }).stdout);
  });
});

describe('sort | uniq -c output', () => {
  it('is counts with labels: the same as the counts written out as JSON', () => {
    const p = join(dir, 'p.json');
    const q = join(dir, 'q.json');
    writeFileSync(p, JSON.stringify({ cat: 1, end: 1, mat: 1, on: 1, sat: 1, the: 3 }));
    writeFileSync(q, JSON.stringify({ a: 1, cat: 1, dog: 1, log: 1, on: 1, sat: 1, the: 2 }));
    same(['compare', `${F}/p_uniq.txt`, `${F}/q_uniq.txt`, '--smooth', '0.01'], ['compare', p, q, '--kind', 'counts', '--smooth', '0.01']);
    expect(runKl(['entropy', `${F}/p_uniq.txt`]).stdout).toContain('(counts, 6 categories)');
  });

  it('labels are the whole rest of the line, spaces included', () => {
    const path = join(dir, 'spaced.txt');
    writeFileSync(path, '      2 hello world\n      1 hello\n');
    const json = JSON.parse(runKl(['explain', path, path, '--format', 'json']).stdout) as { contributions: { label: string }[] };
    expect(json.contributions.map((c) => c.label).sort()).toEqual(['hello', 'hello world']);
  });

  it('numbers counted could be a padded table of two columns: refused, and the hint decides', () => {
    const path = join(dir, 'numbers.txt');
    writeFileSync(path, '      5 1\n      3 2\n');
    const refused = runKl(['entropy', path]);
    expect(refused.status).toBe(2);
    expect(refused.stdout).toBe('');
    expect(refused.stderr).toMatch(/--input-format uniq-c .* or --input-format ssv/);
    expect(runKl(['entropy', path, '--input-format', 'uniq-c', '--format', 'value']).stdout).toBe(
      `${runKl(['entropy', '-', '--kind', 'counts', '--format', 'value'], { input: '5\n3\n' }).stdout}`,
    );
  });

  it('unsorted input (a label counted twice) is refused with the fix', () => {
    const path = join(dir, 'unsorted.txt');
    writeFileSync(path, '      2 b\n      1 a\n      1 b\n');
    const result = runKl(['entropy', path]);
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('sort | uniq -c');
  });
});

describe('.npz archives', () => {
  it('file.npz:name reads that array, from np.savez and np.savez_compressed', () => {
    same(['compare', `${F}/pq.npz:p`, `${F}/pq.npz:q`], ['compare', `${F}/p.csv`, `${F}/q.csv`]);
    // logits.npz holds float32 log p: its softmax is p to float32 precision.
    const fromLogits = runKl(['entropy', `${F}/logits.npz`, '--kind', 'logits', '--format', 'value', '--rows', 'none']).stdout;
    const fromCsv = runKl(['entropy', `${F}/p.csv`, '--format', 'value', '--rows', 'none']).stdout;
    expect(Math.abs(Number(fromLogits) - Number(fromCsv))).toBeLessThan(1e-6);
  });

  it('an archive of several arrays must name one; a missing one is named with the list', () => {
    const several = runKl(['compare', `${F}/pq.npz`, `${F}/q.csv`]);
    expect(several.status).toBe(2);
    expect(several.stderr).toContain('holds 2 arrays (p, q)');
    expect(several.stderr).toContain(`name it: ${F}/pq.npz:p`);
    expect(runKl(['compare', `${F}/pq.npz:r`, `${F}/q.csv`]).stderr).toContain('has no array "r" (its arrays: p, q)');
    const damaged = join(dir, 'damaged.npz');
    writeFileSync(damaged, 'PK\u0003\u0004 not really a zip');
    const result = runKl(['compare', `${damaged}:p`, `${F}/q.csv`]);
    expect(result.status).toBe(2);
    expect(result.stderr).toMatch(/not a valid .npz archive/);
    expect(result.stderr).not.toMatch(/internal error/);
  });

  it('is an input for --output identity and is refused by --shard', () => {
    expect(runKl(['compare', `${F}/pq.npz:p`, `${F}/q.csv`, '-o', `${F}/pq.npz`]).stderr).toContain('kl never writes over an input');
    expect(runKl(['compare', `${F}/pq.npz:p`, `${F}/pq.npz:q`, '--shard', '0/2']).stderr).toContain('save the array as .npy first');
  });
});

describe('gzip fixture', () => {
  it('p.csv.gz is p.csv', () => {
    same(['compare', `${F}/p.csv.gz`, `${F}/q.csv`], ['compare', `${F}/p.csv`, `${F}/q.csv`]);
  });
});
