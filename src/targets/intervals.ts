/**
 * A set of bigints stored as sorted, disjoint, non-adjacent closed intervals. This is how dedupe and excludes
 * stay bounded: a /16 (or a /8) costs one interval, not 65536 strings; the number of intervals never
 * exceeds the number of user-written items that went into the set.
 */
export type Interval = readonly [lo: bigint, hi: bigint];

export class IntervalSet {
  /** Sorted by lo; for consecutive a, b: a.hi + 1 < b.lo. */
  private items: Interval[] = [];

  get intervals(): readonly Interval[] {
    return this.items;
  }

  get isEmpty(): boolean {
    return this.items.length === 0;
  }

  /** Number of members (may exceed Number.MAX_SAFE_INTEGER for IPv6, hence bigint). */
  get size(): bigint {
    let n = 0n;
    for (const [lo, hi] of this.items) n += hi - lo + 1n;
    return n;
  }

  /** Index of the first interval whose hi >= x (items.length if none). */
  private lowerBound(x: bigint): number {
    let lo = 0;
    let hi = this.items.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.items[mid]![1] < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  has(x: bigint): boolean {
    const i = this.lowerBound(x);
    const it = this.items[i];
    return it !== undefined && it[0] <= x;
  }

  add(lo: bigint, hi: bigint): void {
    if (hi < lo) return;
    // Every interval that overlaps or touches [lo, hi] merges with it.
    const i = this.lowerBound(lo - 1n);
    let newLo = lo;
    let newHi = hi;
    let j = i;
    while (j < this.items.length && this.items[j]![0] <= hi + 1n) {
      const [a, b] = this.items[j]!;
      if (a < newLo) newLo = a;
      if (b > newHi) newHi = b;
      j++;
    }
    this.items.splice(i, j - i, [newLo, newHi]);
  }

  addAll(other: IntervalSet): void {
    for (const [lo, hi] of other.items) this.add(lo, hi);
  }

  /** The parts of [lo, hi] that are NOT in this set, ascending. */
  gaps(lo: bigint, hi: bigint): Interval[] {
    const out: Interval[] = [];
    if (hi < lo) return out;
    let cursor = lo;
    for (let i = this.lowerBound(lo); i < this.items.length && cursor <= hi; i++) {
      const [a, b] = this.items[i]!;
      if (a > hi) break;
      if (a > cursor) out.push([cursor, a - 1n]);
      cursor = b + 1n;
    }
    if (cursor <= hi) out.push([cursor, hi]);
    return out;
  }

  /** A new set: this minus other. */
  minus(other: IntervalSet): IntervalSet {
    const out = new IntervalSet();
    for (const [lo, hi] of this.items) for (const [a, b] of other.gaps(lo, hi)) out.add(a, b);
    return out;
  }

  static of(...intervals: Interval[]): IntervalSet {
    const s = new IntervalSet();
    for (const [lo, hi] of intervals) s.add(lo, hi);
    return s;
  }
}
