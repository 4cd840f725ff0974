/**
 * Pairing the rows of P, Q and the targets, one row ahead: the row-count checks live here.
 */
import { plural } from '../display.js';
import { InputError } from '../errors.js';
import type { Target } from '../io/targets.js';
import type { RawBatch, RawRow } from '../io/types.js';
import type { RowComputer, RowOutcome } from './row-computer.js';

export interface BatchInputs {
  p: RawBatch;
  q: RawBatch | null;
  /**
   * One tag per row (row-tags.ts): its target and whether it is left out. `flag` names the
   * file in messages (--targets, or --mask alone); `ignored` counts the rows left out.
   */
  targets: { iterator: AsyncIterator<Target>; source: string; flag: string; ignored: number } | null;
}

async function countRemaining(iterator: AsyncIterator<unknown>): Promise<number> {
  let count = 0;
  while (!(await iterator.next()).done) count++;
  return count;
}

/**
 * Pairs the rows of P, Q (and targets) and computes each: the row-count checks live here.
 * `firstIndex` numbers the rows (a worker computing the second half starts there).
 */
export async function* computeRows(computer: RowComputer, inputs: BatchInputs, firstIndex = 0): AsyncGenerator<RowOutcome> {
  const { p, q, targets } = inputs;
  const pRows = p.rows[Symbol.asyncIterator]();
  const qRows = q ? q.rows[Symbol.asyncIterator]() : null;
  try {
    yield* pairRows(computer, inputs, pRows, qRows, firstIndex);
  } finally {
    // Stop the readers, and the worker threads behind some of them, however the rows ended:
    // an error in Q must not leave P's parser running with nobody to read it. (Settled, so
    // that a reader failing to stop cannot hide the error that stopped the rows.)
    await Promise.allSettled([pRows.return?.(undefined), qRows?.return?.(undefined), targets?.iterator.return?.(undefined)]);
  }
}

async function* pairRows(
  computer: RowComputer,
  inputs: BatchInputs,
  pRows: AsyncIterator<RawRow>,
  qRows: AsyncIterator<RawRow> | null,
  firstIndex: number,
): AsyncGenerator<RowOutcome> {
  const { p, q, targets } = inputs;
  const readNext = () => Promise.all([pRows.next(), qRows ? qRows.next() : Promise.resolve(null), targets ? targets.iterator.next() : Promise.resolve(null)]);
  /** The row-count checks at the end of the inputs: throws when P, Q and the targets disagree. */
  const checkEnd = async (next: Awaited<ReturnType<typeof readNext>>, index: number): Promise<boolean> => {
    const [pNext, qNext, targetNext] = next;
    const pDone = pNext.done === true;
    const qDone = qNext === null ? pDone : qNext.done === true;
    if (!pDone && !qDone) {
      if (targets && (!targetNext || targetNext.done)) {
        throw new InputError('row-count-mismatch', `${targets.flag} ends after ${plural(index, 'row')}; the inputs have more`, {
          location: { source: targets.source },
        });
      }
      return false;
    }
    if (pDone !== qDone && qRows) {
      const pCount = pDone ? index : index + 1 + (await countRemaining(pRows));
      const qCount = qDone ? index : index + 1 + (await countRemaining(qRows));
      throw new InputError('row-count-mismatch', `P (${p.source}) has ${plural(pCount, 'row')} but Q (${q?.source}) has ${plural(qCount, 'row')}`, {
        hint: 'rows pair one to one: row i of P with row i of Q (one distribution is a batch of one row)',
      });
    }
    if (targets && targetNext && !targetNext.done) {
      const extra = 1 + (await countRemaining(targets.iterator));
      throw new InputError('row-count-mismatch', `${targets.flag} has ${plural(index + extra, 'row')} but the inputs have ${plural(index, 'row')}`, {
        location: { source: targets.source },
      });
    }
    return true;
  };
  let index = firstIndex;
  let current = await readNext();
  if (await checkEnd(current, index)) return;
  for (;;) {
    const [pNext, qNext, targetNext] = current;
    const target = targetNext && !targetNext.done ? targetNext.value : null;
    // A row left out (--mask, --ignore-index, --next-token's last position) is read, not computed.
    const outcome = target?.ignored ? null : computer.compute(pNext.value as RawRow, qNext && !qNext.done ? (qNext.value as RawRow) : null, target, index);
    if (target?.ignored && targets) targets.ignored++;
    // One row ahead: a row-count mismatch at the end is found before the last row is handed
    // on (and printed), so a single pair with too many targets prints nothing. A bad value in
    // the next row is still reported after this row, as everywhere: rows before an error stream.
    let next: Awaited<ReturnType<typeof readNext>>;
    try {
      next = await readNext();
    } catch (error) {
      if (outcome) yield outcome;
      throw error;
    }
    // Only at the end of an input is there anything to check (and to wait for): the usual
    // row costs no extra await.
    const [pAhead, qAhead, targetAhead] = next;
    const atEnd = pAhead.done === true || qAhead?.done === true || (targets !== null && targetAhead?.done !== false);
    const ended = atEnd && (await checkEnd(next, index + 1));
    if (outcome) yield outcome;
    if (ended) return;
    current = next;
    index++;
  }
}
