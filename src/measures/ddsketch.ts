/**
 * DDSketch (Masson, Rim and Lee, "DDSketch: a fast and fully-mergeable quantile sketch with
 * relative-error guarantees", VLDB 2019): percentiles in bounded memory, mergeable exactly.
 *
 * A value x > 0 falls in bucket k = ⌈log_γ x⌉ with γ = (1 + α)/(1 − α); the bucket stands
 * for 2γᵏ/(γ + 1), within relative error α of every value in it. Negative values use a
 * second store of −x; zeros (and subnormal magnitudes, below 2.2e-308, whose γ-powers lose
 * precision: an absolute error that small) are counted apart, and so are infinities (a row with p > 0 =
 * q), which sort last (first for −∞) as they do among exact percentiles. Merging adds
 * bucket counts, so the merge of the sketches of any split of the values is the sketch of
 * all of them: sharded runs merge to exactly what one run gives.
 *
 * Guarantee (for the value at a rank): the estimate is within relative error α of the
 * exact order statistic at that rank. A percentile between two ranks (NumPy's linear rule)
 * interpolates the two estimates, so it is within α of the exact percentile when both order
 * statistics have the same sign (within α·(|a|·(1 − f) + |b|·f) across zero).
 *
 * Why not @datadog/sketches-js: its 2.1.1 merge drops the negative values of the sketch
 * merged in, and its serialisation needs protobufjs, which it does not declare.
 */

const MIN_POSITIVE = 2.2250738585072014e-308;

/**
 * One sign's buckets: counts in a dense window of at most DENSE_KEYS keys (where values
 * cluster), and a map for keys outside it (a stray 1e-300 among values near 1 would
 * otherwise need a window of hundreds of thousands of keys).
 */
const DENSE_KEYS = 1 << 14;

class BucketStore {
  private counts = new Float64Array(0);
  private offset = 0;
  private readonly outliers = new Map<number, number>();
  total = 0;
  /** The non-empty buckets in key order, while no value has been added since. */
  private sorted: [number, number][] | null = null;

  add(key: number, count: number): void {
    this.sorted = null;
    this.total += count;
    const { counts } = this;
    if (counts.length === 0) {
      this.counts = new Float64Array(64);
      this.offset = key - 32;
    } else if (key < this.offset || key >= this.offset + counts.length) {
      if (!this.grow(key)) {
        this.outliers.set(key, (this.outliers.get(key) ?? 0) + count);
        return;
      }
    }
    this.counts[key - this.offset] = (this.counts[key - this.offset] as number) + count;
  }

  /** Widens the window to hold `key`, if it stays within DENSE_KEYS; false otherwise. */
  private grow(key: number): boolean {
    const low = Math.min(key, this.offset);
    const high = Math.max(key, this.offset + this.counts.length - 1);
    if (high - low + 1 > DENSE_KEYS) return false;
    // Room on both sides, so that a slowly widening range does not copy at every value.
    const length = Math.min(DENSE_KEYS, Math.max(2 * this.counts.length, high - low + 1 + 64));
    const offset = low - Math.floor((length - (high - low + 1)) / 2);
    const counts = new Float64Array(length);
    counts.set(this.counts, this.offset - offset);
    this.counts = counts;
    this.offset = offset;
    return true;
  }

  /** Non-empty buckets as [key, count] pairs, in increasing key order. */
  entries(): [number, number][] {
    if (this.sorted) return this.sorted;
    const out: [number, number][] = [...this.outliers];
    for (let i = 0; i < this.counts.length; i++) {
      const count = this.counts[i] as number;
      if (count > 0) out.push([this.offset + i, count]);
    }
    out.sort((a, b) => a[0] - b[0]);
    this.sorted = out;
    return out;
  }

  /** The key holding the value of 0-based rank `rank` in increasing key order. */
  keyAtRank(rank: number): number {
    let seen = 0;
    for (const [key, count] of this.entries()) {
      seen += count;
      if (seen > rank) return key;
    }
    throw new Error(`rank ${rank} past the ${this.total} values of the store`);
  }
}

/** A sketch as JSON: its accuracy, counts and the non-empty buckets of each sign. */
export interface DDSketchJson {
  relative_accuracy: number;
  zeros: number;
  positive_infinities: number;
  negative_infinities: number;
  /** [key, count] pairs; a key's value is 2γᵏ/(γ + 1) (−that for `negative`). */
  positive: [number, number][];
  negative: [number, number][];
}

export class DDSketch {
  private readonly gamma: number;
  private readonly logGamma: number;
  private readonly positive = new BucketStore();
  private readonly negative = new BucketStore();
  private zeros = 0;
  private positiveInfinities = 0;
  private negativeInfinities = 0;

  constructor(readonly relativeAccuracy: number) {
    if (!(relativeAccuracy > 0 && relativeAccuracy < 1)) throw new RangeError(`relative accuracy ${relativeAccuracy} is not in (0, 1)`);
    this.gamma = (1 + relativeAccuracy) / (1 - relativeAccuracy);
    this.logGamma = Math.log(this.gamma);
  }

  get count(): number {
    return this.negativeInfinities + this.negative.total + this.zeros + this.positive.total + this.positiveInfinities;
  }

  add(value: number): void {
    if (value === Infinity) this.positiveInfinities++;
    else if (value === -Infinity) this.negativeInfinities++;
    else if (value >= MIN_POSITIVE) this.positive.add(this.key(value), 1);
    else if (value <= -MIN_POSITIVE) this.negative.add(this.key(-value), 1);
    else if (value === value) this.zeros++;
    else throw new RangeError('NaN in a sketch');
  }

  private key(magnitude: number): number {
    return Math.ceil(Math.log(magnitude) / this.logGamma);
  }

  private valueOf(key: number): number {
    // 2γᵏ/(γ + 1) as γᵏ⁻¹ · 2γ/(γ + 1): γᵏ itself overflows in the top bucket. The value may
    // still pass the largest double there; that double lies between it and the values, so within α.
    return Math.min(this.gamma ** (key - 1) * ((2 * this.gamma) / (this.gamma + 1)), Number.MAX_VALUE);
  }

  /** Adds another sketch's values (of the same accuracy). */
  merge(other: DDSketch): void {
    if (other.relativeAccuracy !== this.relativeAccuracy) throw new RangeError('merging sketches of different accuracies');
    for (const [key, count] of other.positive.entries()) this.positive.add(key, count);
    for (const [key, count] of other.negative.entries()) this.negative.add(key, count);
    this.zeros += other.zeros;
    this.positiveInfinities += other.positiveInfinities;
    this.negativeInfinities += other.negativeInfinities;
  }

  /** The estimate of the value of 0-based rank `rank` (0 ≤ rank < count) in increasing order. */
  valueAtRank(rank: number): number {
    let at = rank;
    if (at < this.negativeInfinities) return -Infinity;
    at -= this.negativeInfinities;
    if (at < this.negative.total) return -this.valueOf(this.negative.keyAtRank(this.negative.total - 1 - at));
    at -= this.negative.total;
    if (at < this.zeros) return 0;
    at -= this.zeros;
    if (at < this.positive.total) return this.valueOf(this.positive.keyAtRank(at));
    at -= this.positive.total;
    if (at < this.positiveInfinities) return Infinity;
    throw new RangeError(`rank ${rank} past the ${this.count} values of the sketch`);
  }

  /**
   * The q-th quantile (q ∈ [0, 1]) by NumPy's linear rule over the estimates: h = (n − 1)·q,
   * between the values of ranks ⌊h⌋ and ⌊h⌋ + 1. `low`/`high`: the exact minimum and
   * maximum, which the estimates of the first and last ranks are replaced by.
   */
  quantile(q: number, low: number, high: number): number {
    const n = this.count;
    if (n === 0) throw new RangeError('quantile of an empty sketch');
    const estimate = (rank: number): number => (rank === 0 ? low : rank === n - 1 ? high : Math.min(high, Math.max(low, this.valueAtRank(rank))));
    const h = (n - 1) * q;
    const lower = Math.floor(h);
    const fraction = h - lower;
    const a = estimate(lower);
    if (fraction === 0 || lower + 1 >= n) return a;
    const b = estimate(lower + 1);
    if (b === Infinity) return Infinity;
    return a + fraction * (b - a);
  }

  /** Each non-empty bucket's value and count, in increasing order (histograms); infinities left out. */
  buckets(): { values: Float64Array; counts: Float64Array } {
    const pairs: [number, number][] = [
      ...this.negative
        .entries()
        .reverse()
        .map(([key, count]): [number, number] => [-this.valueOf(key), count]),
      ...(this.zeros > 0 ? [[0, this.zeros] as [number, number]] : []),
      ...this.positive.entries().map(([key, count]): [number, number] => [this.valueOf(key), count]),
    ];
    return { values: Float64Array.from(pairs, ([value]) => value), counts: Float64Array.from(pairs, ([, count]) => count) };
  }

  toJSON(): DDSketchJson {
    return {
      relative_accuracy: this.relativeAccuracy,
      zeros: this.zeros,
      positive_infinities: this.positiveInfinities,
      negative_infinities: this.negativeInfinities,
      positive: this.positive.entries(),
      negative: this.negative.entries(),
    };
  }

  static fromJSON(json: DDSketchJson): DDSketch {
    const sketch = new DDSketch(json.relative_accuracy);
    for (const [key, count] of json.positive) sketch.positive.add(key, count);
    for (const [key, count] of json.negative) sketch.negative.add(key, count);
    sketch.zeros = json.zeros;
    sketch.positiveInfinities = json.positive_infinities;
    sketch.negativeInfinities = json.negative_infinities;
    return sketch;
  }
}
