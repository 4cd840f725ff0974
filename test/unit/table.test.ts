/**
 * Long tables are drawn by kl itself (drawTable), short ones by cli-table3: both must give
 * the same text, so a table looks the same at 200 rows and at 201.
 */
import Table from 'cli-table3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { displayText, escapeForTerminal, escapeOneLine } from '../../src/display.js';
import { CLI_TABLE_ROWS, drawTable, newTable, PLAIN } from '../../src/report/surface.js';

function cliTable3(head: string[], rows: string[][], alignments: ('left' | 'right')[]): string {
  const table = new Table({ head, style: { head: [], border: [], compact: true }, colAligns: alignments });
  table.push(...rows);
  return table.toString();
}

const cell = fc.oneof(
  fc.string({ maxLength: 12 }).map((text) => text.replace(/[\u0000-\u001f\u007f-\u009f]/g, '')),
  fc.constantFrom('█▉▊', '∞', '−0.5', '\u001b[31m+██\u001b[39m', '\u001b[34m██ \u001b[39m\n\u001b[35m█  \u001b[39m', 'a\nb\nc'),
);

describe('drawTable', () => {
  it('draws what cli-table3 draws: any cells, colours, several lines, either alignment', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }),
        fc.integer({ min: 0, max: 6 }),
        fc.infiniteStream(cell),
        fc.infiniteStream(fc.boolean()),
        (columns, rowCount, cells, rights) => {
          const head = Array.from({ length: columns }, () => cells.next().value as string);
          const rows = Array.from({ length: rowCount }, () => Array.from({ length: columns }, () => cells.next().value as string));
          const alignments = head.map(() => ((rights.next().value as boolean) ? 'right' : 'left') as 'left' | 'right');
          expect(drawTable(head, rows, alignments)).toBe(cliTable3(head, rows, alignments));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('takes over past CLI_TABLE_ROWS rows, with the same text', () => {
    const head = ['category', 'p'];
    const rows = Array.from({ length: CLI_TABLE_ROWS + 1 }, (_, i) => [`c${i}`, String(i / 7)]);
    const table = newTable(head, PLAIN, ['left', 'right']);
    for (const row of rows) table.push(row);
    expect(table.toString()).toBe(cliTable3(head, rows, ['left', 'right']));
  });
});

describe('the escaping rule', () => {
  it('shows C0 (but tab and newline), DEL, C1, bidi controls and U+2028/2029 escaped', () => {
    expect(escapeForTerminal('a\u001b]52;c;SGVsbG8=\u0007b')).toBe('a\\u001b]52;c;SGVsbG8=\\u0007b');
    expect(escapeForTerminal('\u009b2J \u007f \u202eexe.pdf \u2066x\u2069 \u061c \u200e \u2028 \u2029')).toBe(
      '\\u009b2J \\u007f \\u202eexe.pdf \\u2066x\\u2069 \\u061c \\u200e \\u2028 \\u2029',
    );
    expect(escapeForTerminal('tab\tnew\nline é 𝛑 日本')).toBe('tab\tnew\nline é 𝛑 日本');
    expect(escapeOneLine('tab\tnew\nline')).toBe('tab\\u0009new\\u000aline');
  });
  it('shortens long text in the middle, escaping only what it keeps', () => {
    const label = `start${'x'.repeat(50_000_000)}\u001b[2Jend`;
    const shown = displayText(label, 20);
    expect(shown).toBe('startxxxxx…xx\\u001b[2Jend');
    expect(displayText('short')).toBe('short');
  });
});
