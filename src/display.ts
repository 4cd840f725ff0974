/**
 * The one escaping rule for text that comes from users (labels, file names, header cells,
 * cell values quoted in errors) and is printed for a person: tables, explain, warnings,
 * errors and hints.
 *
 * A terminal acts on control characters: ESC starts sequences that clear the screen,
 * set the window title or write the clipboard (OSC 52); C1 controls such as U+009B are
 * CSI on many terminals; bidi controls reorder what is shown (U+202E makes "fdp.exe"
 * read as "exe.pdf"); U+2028/2029 break lines in some viewers. Each of these is shown as
 * its escape `\uXXXX` instead: C0 controls except tab and newline, DEL, C1, the bidi
 * controls (U+061C, U+200E/200F, U+202A–202E, U+2066–2069) and U+2028/2029.
 *
 * Text that must stay on one line (a table cell, the `kl: error:` line) also shows tab
 * and newline escaped. JSON and CSV output keep user strings whole (they are for
 * programs, and JSON escapes what it must).
 *
 * Shared by every layer that words something for people (errors and warnings are worded
 * in compute and io, tables in report), so it depends on nothing.
 */

const UNSAFE = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;
const UNSAFE_ONE_LINE = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\u2028\u2029]/g;

const escapeOne = (character: string): string => `\\u${character.charCodeAt(0).toString(16).padStart(4, '0')}`;

/** The escaping rule above; tab and newline kept. */
export function escapeForTerminal(text: string): string {
  return text.replace(UNSAFE, escapeOne);
}

/** The escaping rule, with tab and newline escaped too: for text that must stay on one line. */
export function escapeOneLine(text: string): string {
  return text.replace(UNSAFE_ONE_LINE, escapeOne);
}

/** How many characters of a user string a table shows before shortening it. */
export const TABLE_TEXT_LIMIT = 60;

/**
 * Escaped for one line and, past `limit` code points, shortened in the middle with an
 * ellipsis (both ends of a path or label usually matter). Only the kept parts are
 * escaped, so a 50 MB label costs no more than a short one.
 */
export function displayText(text: string, limit = TABLE_TEXT_LIMIT): string {
  if (text.length <= limit) return escapeOneLine(text);
  const points = Array.from(text.length > limit * 4 ? text.slice(0, limit * 2) + text.slice(-limit * 2) : text);
  if (points.length <= limit) return escapeOneLine(text);
  const head = Math.ceil((limit - 1) / 2);
  const tail = limit - 1 - head;
  return `${escapeOneLine(points.slice(0, head).join(''))}…${escapeOneLine(points.slice(points.length - tail).join(''))}`;
}

/** "1 row", "3 rows": a count with its noun. */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

/**
 * Optimal-string-alignment distance (Levenshtein with adjacent transpositions): the edits
 * between a typo and what was meant.
 */
function editDistance(a: string, b: string): number {
  const rows = Array.from({ length: a.length + 1 }, (_, i) => [i, ...new Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) (rows[0] as number[])[j] = j;
  for (let i = 1; i <= a.length; i++) {
    const row = rows[i] as number[];
    const above = rows[i - 1] as number[];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] as number) + 1, (row[j - 1] as number) + 1, (above[j - 1] as number) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, ((rows[i - 2] as number[])[j - 2] as number) + 1);
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] as number;
}

/**
 * The known name closest to a mistyped one, when it is close enough to be what was meant
 * (at most a third of its characters edited, like commander's suggestions); else undefined.
 */
export function closestName(name: string, known: Iterable<string>): string | undefined {
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const candidate of known) {
    if (Math.abs(candidate.length - name.length) > bestDistance) continue;
    const distance = editDistance(name.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return best !== undefined && bestDistance > 0 && bestDistance <= Math.max(1, Math.floor(name.length / 3)) ? best : undefined;
}
