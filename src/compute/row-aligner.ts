/**
 * Aligning the rows of two batches. Header columns align by name once, up front, so each
 * row is a scatter through two index arrays (or nothing at all when the orders agree);
 * rows that carry their own labels (JSON objects) align by label, row by row.
 */

import { plural } from '../display.js';
import { InputError } from '../errors.js';
import { alignByLabel } from '../io/align.js';
import type { RawBatch, RawRow } from '../io/types.js';

export interface AlignedRow {
  labels: string[] | null;
  p: Float64Array;
  q: Float64Array;
}

/**
 * Aligns the rows of two batches. Header columns align by name once, up front, so each
 * row is a scatter through two index arrays (or nothing at all when the orders agree).
 */
export class RowAligner {
  private readonly union: string[] | null = null;
  private readonly pMap: Int32Array | null = null;
  private readonly qMap: Int32Array | null = null;
  private readonly index: Map<string, number> | null = null;

  constructor(
    private readonly p: RawBatch,
    private readonly q: RawBatch | null,
  ) {
    if (p.columns && q?.columns) {
      const index = new Map<string, number>();
      const union: string[] = [];
      for (const name of [...p.columns, ...q.columns]) {
        if (!index.has(name)) {
          index.set(name, union.length);
          union.push(name);
        }
      }
      this.union = union;
      this.index = index;
      const sameOrder = union.length === p.columns.length && q.columns.every((name, j) => p.columns?.[j] === name) && q.columns.length === union.length;
      if (!sameOrder) {
        this.pMap = Int32Array.from(p.columns, (name) => index.get(name) as number);
        this.qMap = Int32Array.from(q.columns, (name) => index.get(name) as number);
      }
    } else if (q && (p.columns === null) !== (q.columns === null)) {
      const [named, positional] = p.columns ? ['P', 'Q'] : ['Q', 'P'];
      throw new InputError('label-mismatch', `${named}'s columns have names (a header) but ${positional}'s do not`, {
        hint: 'give both files a header, or neither (--no-header reads a header row as data)',
      });
    } else if (p.columns) {
      this.union = p.columns;
      this.index = new Map(p.columns.map((name, j) => [name, j]));
    }
  }

  /** Categories' labels when they are fixed for the whole batch. */
  get labels(): string[] | null {
    return this.union;
  }

  labelIndex(label: string): number | undefined {
    return this.index?.get(label);
  }

  align(pRow: RawRow, qRow: RawRow, pProbs: Float64Array, qProbs: Float64Array, rowIndex: number): AlignedRow {
    if (this.union) {
      if (!this.pMap || !this.qMap) return { labels: this.union, p: pProbs, q: qProbs };
      const p = new Float64Array(this.union.length);
      const q = new Float64Array(this.union.length);
      for (let j = 0; j < pProbs.length; j++) p[this.pMap[j] as number] = pProbs[j] as number;
      for (let j = 0; j < qProbs.length; j++) q[this.qMap[j] as number] = qProbs[j] as number;
      return { labels: this.union, p, q };
    }
    if (pRow.labels && qRow.labels) return alignByLabel(pProbs, pRow.labels, qProbs, qRow.labels);
    if (pRow.labels || qRow.labels) {
      throw new InputError('label-mismatch', `row ${rowIndex}: ${pRow.labels ? 'P' : 'Q'}'s row has labels (a JSON object) but the other side's does not`, {
        location: { source: (pRow.labels ? this.q?.source : this.p.source) ?? this.p.source },
      });
    }
    if (pProbs.length !== qProbs.length) {
      throw new InputError(
        'length-mismatch',
        `row ${rowIndex}: P (${this.p.source}) has ${plural(pProbs.length, 'category', 'categories')} but Q (${this.q?.source}) has ${plural(qProbs.length, 'category', 'categories')}`,
        {
          location: { source: this.p.source, ...(pRow.line === null ? {} : { line: pRow.line }) },
        },
      );
    }
    return { labels: null, p: pProbs, q: qProbs };
  }
}
