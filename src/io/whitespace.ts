/**
 * Whitespace-separated text (NumPy's `savetxt` default, `ssv`) and `sort | uniq -c` output
 * (`uniq-c`), the two text forms without a delimiter character.
 *
 * ssv becomes TSV on the fly: leading and trailing blanks of a line dropped, each run of
 * spaces and tabs inside one a single tab; line ends (and so line numbers) kept. Every TSV
 * reader (layouts, header detection, targets, kl drift, kl mi, kl fit) then reads it as it is.
 */
import { InputError } from '../errors.js';
import { UNIQ_C_LINE } from './detect.js';
import { decodeUtf8, type OpenedInput, readAllBytes, transformedInput } from './source.js';
import type { RawDistribution } from './types.js';

const SPACE = 0x20;
const TAB = 0x09;
const CR = 0x0d;
const LF = 0x0a;

/** ssv as TSV (see the module's note). */
export function whitespaceAsTabs(input: OpenedInput): OpenedInput {
  let atLineStart = true;
  let blanks = 0;
  const transform = (chunk: Buffer): Buffer => {
    const out = Buffer.allocUnsafe(chunk.length + 1);
    let length = 0;
    for (let i = 0; i < chunk.length; i++) {
      const byte = chunk[i] as number;
      if (byte === SPACE || byte === TAB) {
        if (!atLineStart) blanks++;
        continue;
      }
      if (byte === LF || byte === CR) {
        // Blanks before a line end are trailing: dropped.
        blanks = 0;
        atLineStart = byte === LF;
        out[length++] = byte;
        continue;
      }
      if (blanks > 0) {
        out[length++] = TAB;
        blanks = 0;
      }
      atLineStart = false;
      out[length++] = byte;
    }
    return out.subarray(0, length);
  };
  return transformedInput(input, transform, () => Buffer.alloc(0));
}

/**
 * `uniq -c` output as a distribution of counts: each line a count, one space, and the line
 * counted (its label, kept exactly, spaces included). Labels must be distinct (sort first).
 */
export async function readUniqC(input: OpenedInput, source: string): Promise<RawDistribution> {
  const text = decodeUtf8(input.whole ? input.head : await readAllBytes(input.chunks(), source), source).replace(/^\uFEFF/, '');
  const values: number[] = [];
  const labels: string[] = [];
  const lines: number[] = [];
  const seen = new Map<string, number>();
  text.split('\n').forEach((raw, index) => {
    const line = raw.replace(/\r$/, '');
    if (line.trim() === '') return;
    const match = UNIQ_C_LINE.exec(line);
    if (!match) {
      throw new InputError('bad-number', `${JSON.stringify(line.slice(0, 80))} is not a uniq -c line (a count, one space, the line counted)`, {
        location: { source, line: index + 1 },
        hint: 'sort | uniq -c writes such lines; --input-format csv, tsv or ssv reads other text',
      });
    }
    const label = match[2] as string;
    const earlier = seen.get(label);
    if (earlier !== undefined) {
      throw new InputError('duplicate-label', `${JSON.stringify(label)} is counted on line ${earlier} and again here: uniq -c counts runs of equal lines`, {
        location: { source, line: index + 1 },
        hint: 'sort before uniq -c (sort | uniq -c), so that each line is counted once',
      });
    }
    seen.set(label, index + 1);
    values.push(Number(match[1]));
    labels.push(label);
    lines.push(index + 1);
  });
  if (values.length === 0) throw new InputError('empty-input', 'has no uniq -c lines', { location: { source } });
  return { shape: 'distribution', source, format: 'uniq-c', values: Float64Array.from(values), labels, lines: Int32Array.from(lines) };
}
