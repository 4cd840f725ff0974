/**
 * The first step of every reader: open the input and settle its format. A module of its
 * own so that detect.ts (whose InputFormat the library's types use) stays free of Node's
 * stream and Buffer types.
 */
import { InputError } from '../errors.js';
import { formatFromExtension, type InputFormat, sniffFormat } from './detect.js';
import { isStdin, type OpenedInput, openAndPeek, peekFirstLine, rejectNulBytes, type StdinProvider } from './source.js';

/**
 * Opens an input and settles its format: --input-format, the extension, or the first line
 * sniffed (stdin, unknown extensions). Text formats refuse NUL bytes at once. Every reader
 * starts here (`kl drift`'s too).
 */
export async function openWithFormat(
  path: string,
  source: string,
  given: InputFormat | undefined,
  stdin: StdinProvider,
): Promise<{ opened: OpenedInput; format: InputFormat }> {
  let opened = await openAndPeek(path, stdin);
  let format = given ?? (isStdin(path) ? undefined : formatFromExtension(path));
  if (!format) {
    // Sniffing looks at the first line whole, wherever the first read happened to end.
    opened = await peekFirstLine(opened, source);
    if (opened.head.length === 0) throw new InputError('empty-input', 'is empty', { location: { source } });
    format = sniffFormat(opened.head);
  }
  if (format !== 'npy') opened = rejectNulBytes(opened, source);
  return { opened, format };
}
