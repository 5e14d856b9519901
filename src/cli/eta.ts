/**
 * The progress line's estimate of the time left, from what is known instead of from the average rate alone. The
 * average rate (done / elapsed) falls while the last hosts wait out their timeouts, so `remaining / rate` rose the
 * longer they waited. Here:
 *  - every host in flight ends by its deadline (the connect wait plus --host-timeout from when it entered, or
 *    --host-timeout from when its checks started), and is expected to take what the finished hosts that ran at
 *    least as long took (the durations are kept as a histogram, so this costs the same on a /16);
 *  - hosts not started yet take the mean duration of the finished ones, spread over the hosts running at once.
 * The estimate is the larger of "the slowest host in flight" and "all remaining work over the slots in use": when
 * only timeouts are left it counts down with them.
 */

/** Duration buckets, 25% apart: bucket i holds durations in (1.25^(i-1), 1.25^i] ms, the last one everything above. */
const BUCKETS = 60;
const GROWTH = 1.25;
const bucketOf = (ms: number): number => Math.min(BUCKETS, Math.max(0, Math.ceil(Math.log(Math.max(1, ms)) / Math.log(GROWTH))));

export interface InFlight {
  /** When the host entered the scan (ms, the clock of `now`). */
  since: number;
  /** The latest it can end. */
  deadline: number;
}

export class EtaEstimator {
  private readonly counts = new Array<number>(BUCKETS + 1).fill(0);
  private readonly sums = new Array<number>(BUCKETS + 1).fill(0);
  private finished = 0;
  private total = 0;

  /** A host ended after `ms`. */
  finish(ms: number): void {
    const b = bucketOf(ms);
    this.counts[b]!++;
    this.sums[b]! += ms;
    this.finished++;
    this.total += ms;
  }

  /**
   * Seconds left, or null when nothing is known yet (no host finished and none in flight with a deadline).
   * `notStarted`: hosts not yet in flight; `inFlight`: the hosts running now.
   */
  estimate(now: number, notStarted: number, inFlight: Iterable<InFlight>): number | null {
    // Suffix sums: finished hosts that took longer than a bucket's lower edge, and their total time.
    const cnt = new Array<number>(BUCKETS + 2).fill(0);
    const sum = new Array<number>(BUCKETS + 2).fill(0);
    for (let i = BUCKETS; i >= 0; i--) {
      cnt[i] = cnt[i + 1]! + this.counts[i]!;
      sum[i] = sum[i + 1]! + this.sums[i]!;
    }
    const mean = this.finished > 0 ? this.total / this.finished : null;
    let slowest = 0;
    let work = 0;
    let running = 0;
    for (const h of inFlight) {
      running++;
      const elapsed = Math.max(0, now - h.since);
      const bound = Math.max(0, h.deadline - now);
      // The finished hosts that ran longer than this one has so far: how much longer they took, on average.
      const b = Math.min(BUCKETS + 1, bucketOf(elapsed) + 1);
      const left = cnt[b]! > 0 ? Math.min(bound, Math.max(0, sum[b]! / cnt[b]! - elapsed)) : bound;
      slowest = Math.max(slowest, left);
      work += left;
    }
    if (notStarted > 0) {
      if (mean === null) return null;
      work += notStarted * mean;
    }
    const parallel = Math.max(1, running);
    return Math.max(slowest, work / parallel) / 1000;
  }
}

