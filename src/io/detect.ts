/**
 * Which reader an input needs: from the file extension, from --input-format, or for
 * stdin and unknown extensions by sniffing the first bytes.
 */
import { extname } from 'node:path';

export const INPUT_FORMATS = ['csv', 'tsv', 'json', 'jsonl', 'npy'] as const;
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

export function formatFromExtension(path: string): InputFormat | undefined {
  return BY_EXTENSION.get(extname(path).toLowerCase());
}

const NPY_MAGIC = [0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]; // \x93NUMPY

/**
 * Guesses the format of `head` (the first bytes of an input).
 * - `\x93NUMPY` → npy
 * - first non-blank character `[` or `{` → json, or jsonl when the first line is itself
 *   a complete JSON value and more lines follow
 * - otherwise delimited text: tsv when the first line has a tab and no comma, else csv
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
  const firstLine = text.split('\n', 1)[0] ?? '';
  return firstLine.includes('\t') && !firstLine.includes(',') ? 'tsv' : 'csv';
}

function isCompleteJson(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}
