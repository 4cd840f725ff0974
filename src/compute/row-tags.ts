/**
 * What a batch knows about each row besides P and Q: its target (--targets), and whether
 * it counts at all (--mask, --ignore-index). --next-token shifts the targets within each
 * sequence first: position t scores the token at t + 1, as a language model does, so the
 * input token ids can be given as they are (the last position of each sequence has no next
 * token and is left out). Rows left out are read, never computed, and counted.
 */
import { plural } from '../display.js';
import { InputError } from '../errors.js';
import type { Target } from '../io/targets.js';

export interface RowTagOptions {
  nextToken: boolean;
  /** Targets equal to this (PyTorch's -100 padding) are left out; null: none. */
  ignoreIndex: number | null;
}

/** Position t takes the target of position t + 1 of its sequence; the last of each has none. */
async function* shiftedToNextToken(targets: AsyncIterator<Target>): AsyncGenerator<Target> {
  let current = await targets.next();
  while (!current.done) {
    const next = await targets.next();
    const last = current.value.sequenceEnd === true || next.done === true;
    yield last ? { value: current.value.value, line: current.value.line, ignored: true } : { value: (next.value as Target).value, line: current.value.line };
    current = next;
  }
}

/** Marks the targets equal to the ignore index. */
async function* withIgnoreIndex(targets: AsyncIterator<Target>, ignoreIndex: number): AsyncGenerator<Target> {
  for (let next = await targets.next(); !next.done; next = await targets.next()) {
    const target = next.value;
    yield target.value === ignoreIndex ? { ...target, ignored: true } : target;
  }
}

/** Zips the mask (0 leaves a row out, 1 keeps it) onto the targets, or makes tags of it alone. */
async function* withMask(
  targets: AsyncIterator<Target> | null,
  mask: AsyncIterator<Target>,
  sources: { targets: string | null; mask: string },
): AsyncGenerator<Target> {
  let rows = 0;
  for (;;) {
    const [target, flag] = await Promise.all([targets ? targets.next() : Promise.resolve(null), mask.next()]);
    const targetDone = target === null ? flag.done : target.done;
    if (flag.done || targetDone) {
      if (flag.done !== targetDone) {
        const [longer, shorter] = flag.done
          ? [`--targets (${sources.targets})`, `--mask (${sources.mask})`]
          : [`--mask (${sources.mask})`, `--targets (${sources.targets})`];
        throw new InputError('row-count-mismatch', `${shorter} ends after ${plural(rows, 'row')}; ${longer} has more`);
      }
      return;
    }
    const keep = flag.value.value;
    if (keep !== 0 && keep !== 1) {
      throw new InputError('bad-target', `row ${rows}: a mask value must be 0 (leave the row out) or 1 (keep it), not ${JSON.stringify(keep)}`, {
        location: { source: sources.mask },
      });
    }
    const base: Target = target && !target.done ? target.value : { value: null, line: flag.value.line };
    yield keep === 0 ? { ...base, ignored: true } : base;
    rows++;
  }
}

/** The row tags of a batch: targets shifted, marked and masked as asked; null when there are none. */
export function rowTags(
  targets: { iterator: AsyncIterator<Target>; source: string } | null,
  mask: { iterator: AsyncIterator<Target>; source: string } | null,
  options: RowTagOptions,
): AsyncIterator<Target> | null {
  let tags: AsyncIterator<Target> | null = targets?.iterator ?? null;
  if (tags && options.nextToken) tags = shiftedToNextToken(tags);
  if (tags && options.ignoreIndex !== null) tags = withIgnoreIndex(tags, options.ignoreIndex);
  if (mask) tags = withMask(tags, mask.iterator, { targets: targets?.source ?? null, mask: mask.source });
  return tags;
}
