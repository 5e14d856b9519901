/**
 * The progress line's ETA (src/cli/eta.ts, src/cli/progress.ts) on a simulated clock: hosts in flight count with
 * their deadlines, so the estimate falls while the last hosts wait out their timeouts (the average-rate estimate it
 * replaces rose then). No real time passes: the clock is a variable.
 */
import { describe, expect, it } from 'vitest';
import { EtaEstimator } from '../../src/cli/eta.js';
import { Progress } from '../../src/cli/progress.js';

/** A Progress on a fake clock, enabled (so nothing is printed, `out` is a stub without a TTY). */
function progressAt(total: number, clock: { t: number }) {
  const out = { write: () => true, columns: 100 } as unknown as NodeJS.WriteStream;
  return new Progress(out, total, false, { connectWaitMs: 5000, hostTimeoutMs: 30_000 }, () => clock.t);
}

describe('ETA', () => {
  it('counts down while the last hosts wait on their deadlines (the rate-based estimate rose)', () => {
    const clock = { t: 0 };
    const p = progressAt(100, clock);
    const hosts = Array.from({ length: 100 }, (_, i) => ({ i }));
    // 96 hosts answer within 100 ms each; 4 are firewalled and wait out the connect timeout and beyond.
    for (const h of hosts) p.queued(h);
    for (const h of hosts.slice(0, 96)) {
      clock.t += 1;
      p.probing(h);
      p.add('ok');
      p.settled(h);
    }
    for (const h of hosts.slice(96)) p.probing(h);
    const seen: number[] = [];
    for (const at of [2_000, 5_000, 10_000, 20_000, 29_000]) {
      clock.t = at;
      seen.push(p.secondsLeft()!);
    }
    // Never rising, bounded by the deadline (30 s after the checks started at ~0.1 s).
    for (let i = 1; i < seen.length; i++) expect(seen[i]!).toBeLessThan(seen[i - 1]!);
    expect(seen[0]!).toBeLessThanOrEqual(30);
    expect(seen[seen.length - 1]!).toBeLessThan(2);
  });

  it('a host in flight is expected to take what finished hosts that ran as long took, not its whole deadline', () => {
    const eta = new EtaEstimator();
    for (let i = 0; i < 50; i++) eta.finish(1000);
    for (let i = 0; i < 50; i++) eta.finish(3000);
    // At 1.5 s a host is among the 3-second ones: about 1.5 s left, far from its 28.5 s bound.
    const left = eta.estimate(1500, 0, [{ since: 0, deadline: 30_000 }])!;
    expect(left).toBeGreaterThan(1);
    expect(left).toBeLessThan(3);
    // Past every finished host's duration, only the deadline is known.
    expect(eta.estimate(10_000, 0, [{ since: 0, deadline: 30_000 }])).toBe(20);
  });

  it('hosts not started take the mean duration, spread over the hosts running at once', () => {
    const eta = new EtaEstimator();
    for (let i = 0; i < 10; i++) eta.finish(2000);
    const running = Array.from({ length: 4 }, () => ({ since: 1000, deadline: 40_000 }));
    // 4 running (about 1 s left each: they are 1 s in, hosts took 2 s) + 40 waiting * 2 s, over 4 slots.
    const left = eta.estimate(2000, 40, running)!;
    expect(left).toBeGreaterThan(19);
    expect(left).toBeLessThan(23);
    // Nothing finished yet and hosts waiting: unknown, not a guess.
    expect(new EtaEstimator().estimate(0, 10, running)).toBeNull();
  });
});
