/**
 * Compensated (Neumaier) summation.
 *
 * Plain left-to-right summation of n float64 terms has an error bound of about
 * n·ε·Σ|xᵢ|; Neumaier's variant of Kahan summation carries the lost low-order bits
 * in a second accumulator and brings the bound down to about 2ε·Σ|xᵢ| independent
 * of n (Neumaier 1974, "Rundungsfehleranalyse einiger Verfahren zur Summation
 * endlicher Summen"). Unlike plain Kahan it stays correct when a term is larger in
 * magnitude than the running sum.
 *
 * Infinite terms are handled explicitly: once the sum is infinite the compensation
 * is meaningless (∞ − ∞ = NaN), so it is dropped.
 */
export class NeumaierSum {
  private sum = 0;
  private compensation = 0;

  add(value: number): void {
    const total = this.sum + value;
    if (Math.abs(this.sum) >= Math.abs(value)) {
      this.compensation += this.sum - total + value;
    } else {
      this.compensation += value - total + this.sum;
    }
    this.sum = total;
  }

  /** The compensated total. Infinite or NaN partial sums are returned as they are. */
  value(): number {
    if (!Number.isFinite(this.sum)) return this.sum;
    return this.sum + this.compensation;
  }

  /** Adds another sum's total, its lost low-order part included. */
  merge(other: NeumaierSum): void {
    this.add(other.sum);
    this.compensation += other.compensation;
  }

  /** The running sum and its compensation, exactly (to carry a sum across processes). */
  toJSON(): [number, number] {
    return [this.sum, this.compensation];
  }

  static fromJSON([sum, compensation]: [number, number]): NeumaierSum {
    const restored = new NeumaierSum();
    restored.sum = sum;
    restored.compensation = compensation;
    return restored;
  }
}

/** Σ values[i], compensated (see {@link NeumaierSum}). */
export function compensatedSum(values: ArrayLike<number>): number {
  let sum = 0;
  let compensation = 0;
  for (let i = 0; i < values.length; i++) {
    const value = values[i] as number;
    const total = sum + value;
    if (Math.abs(sum) >= Math.abs(value)) compensation += sum - total + value;
    else compensation += value - total + sum;
    sum = total;
  }
  return Number.isFinite(sum) ? sum + compensation : sum;
}
