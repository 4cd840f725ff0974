/**
 * Which reader an input needs: from the file extension, from --input-format, or for
 * stdin and unknown extensions by sniffing the first bytes.
 */
import { extname } from 'node:path';

export const INPUT_FORMATS = ['csv', 'tsv', 'ssv', 'uniq-c', 'json', 'jsonl', 'npy'] as const;
export type InputFormat = (typeof INPUT_FORMATS)[number];

const BY_EXTENSION = new Map<string, InputFormat>([
  ['.csv', 'csv'],
  ['.tsv', 'tsv'],
  ['.tab', 'tsv'],
  ['.json', 'json'],
  ['.jsonl', 'jsonl'],
  ['.ndjson', 'jsonl'],
  ['.npy', 'npy'],
]);

export function isInputFormat(name: string): name is InputFormat {
  return (INPUT_FORMATS as readonly string[]).includes(name);
}

/** The format an extension names; `.gz` is looked through (`x.csv.gz` is CSV, decompressed as it is read). */
export function formatFromExtension(path: string): InputFormat | undefined {
  // An .npz archive's member (file.npz:name) is an .npy file.
  if (/\.npz(:[^/\\]*)?$/i.test(path)) return 'npy';
  const extension = extname(path).toLowerCase();
  return extension === '.gz' ? BY_EXTENSION.get(extname(path.slice(0, -3)).toLowerCase()) : BY_EXTENSION.get(extension);
}

/** A line of `uniq -c` output: the count right-aligned after spaces, one space, the line counted. */
export const UNIQ_C_LINE = /^\s*(\d+) (.*)$/;

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Guesses the format of `head` (the first bytes of an input).
 * - `\x93NUMPY` → npy
 * - first non-blank character `[` or `{` → json, or jsonl when the first line is itself
 *   a complete JSON value and more lines follow
 * - otherwise delimited text: csv when the first line has a comma; tsv when it has a tab
 *   (unless among padding spaces: then ssv);
 *   uniq-c (`sort | uniq -c`: a right-aligned count, a space, the line) when it starts with
 *   spaces, then digits and one space; ssv (whitespace-separated, NumPy's savetxt default)
 *   when it has several fields between spaces; else csv (one field per line)
 */
export function sniffFormat(head: Uint8Array): InputFormat {
  if (NPY_MAGIC.every((byte, i) => head[i] === byte)) return 'npy';
  const text = new TextDecoder('utf-8').decode(head).replace(/^\uFEFF/, '');
  const trimmed = text.trimStart();
  const first = trimmed[0];
  if (first === '[' || first === '{') {
    const lines = trimmed.split('\n').filter((line) => line.trim() !== '');
    if (lines.length > 1 && isCompleteJson(lines[0] as string)) return 'jsonl';
    return 'json';
  }
  const firstLine = (text.split('\n', 1)[0] ?? '').replace(/\r$/, '');
  if (firstLine.includes(',')) return 'csv';
  // Tabs between fields are TSV; tabs among padding spaces are whitespace-separated text.
  if (firstLine.includes('\t') && !/^ | \t|\t | {2}/.test(firstLine)) return 'tsv';
  if (firstLine.includes('\t')) return 'ssv';
  if (/^ +\d+ /.test(firstLine)) return 'uniq-c';
  return /\S +\S/.test(firstLine) ? 'ssv' : 'csv';
}

function isCompleteJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
