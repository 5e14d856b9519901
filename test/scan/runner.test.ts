import { describe, it, expect } from 'vitest';
import { Duplex } from 'node:stream';
import { runScan, type RunnerTarget } from '../../src/scan/runner.js';
import { DEFAULT_SCAN_OPTIONS } from '../../src/checks/index.js';
import { TransportError } from '../../src/transport/errors.js';
import type { Dialer } from '../../src/transport/dialer.js';
import type { MeasuredRecord } from '../../src/record.js';

// The runner is the one place that decides how much happens at once. These tests drive it with a dialer that
// refuses every connection after a short delay, and observe what it does.
const opts = { ...DEFAULT_SCAN_OPTIONS, timeoutMs: 1000, hostTimeoutMs: 3000 };

async function* targets(n: number, pulled?: { count: number }): AsyncGenerator<RunnerTarget> {
  for (let i = 0; i < n; i++) {
    if (pulled) pulled.count++;
    yield { target: `h${i}`, host: `h${i}`, address: `192.0.2.${i % 250}`, port: 3389 };
  }
}

function refusing(delayMs: number, log: { at: number[]; open: number; maxOpen: number }): Dialer {
  return async () => {
    log.at.push(Date.now());
    log.open++;
    log.maxOpen = Math.max(log.maxOpen, log.open);
    await new Promise((r) => setTimeout(r, delayMs));
    log.open--;
    throw new TransportError('refused', 'ECONNREFUSED (test)');
  };
}

const base = (dialer: Dialer, onRecord: (r: MeasuredRecord) => Promise<void>) => ({
  concurrency: 8,
  connectConcurrency: 8,
  rate: null,
  probe: opts,
  dialer,
  resolve: async (h: string) => h,
  // The targets are documentation addresses: nothing may ever be sent to them, UDP included.
  udp: async (): Promise<never> => {
    throw new TransportError('refused', 'no UDP in this test');
  },
  onRecord,
});

/** A dialer whose streams answer every X.224 request with RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER after `delayMs`. */
function answering(delayMs: number, live: { now: number; max: number }): Dialer {
  return async () => {
    live.now++;
    live.max = Math.max(live.max, live.now);
    const s = new Duplex({
      read() {},
      write(_chunk, _enc, cb) {
        setTimeout(() => s.push(Buffer.from('030000130ed000001234000300080005000000', 'hex')), delayMs);
        cb();
      },
      final(cb) {
        s.push(null);
        cb();
      },
    });
    s.once('close', () => live.now--);
    s.on('end', () => s.destroy());
    return s;
  };
}

describe('runScan', () => {
  it('never has more than --connect-concurrency first connects in flight, and writes every record once', async () => {
    const log = { at: [] as number[], open: 0, maxOpen: 0 };
    const seen: string[] = [];
    const r = await runScan(targets(100), { ...base(refusing(5, log), async (rec) => void seen.push(rec.host)), concurrency: 2, connectConcurrency: 8 });
    expect(r).toEqual({ probed: 100, skipped: 0, excluded: 0, interrupted: false });
    expect(log.maxOpen).toBeLessThanOrEqual(8);
    expect(log.maxOpen).toBeGreaterThan(2); // dead addresses are not held to the probe slots (-c 2)
    expect(new Set(seen).size).toBe(100);
  });

  it('live hosts are probed at most --concurrency at a time, each within its 4 connections, the first one reused', async () => {
    const live = { now: 0, max: 0 };
    const seen: MeasuredRecord[] = [];
    const r = await runScan(targets(30), { ...base(answering(5, live), async (rec) => void seen.push(rec)), concurrency: 3, connectConcurrency: 6 });
    expect(r.probed).toBe(30);
    for (const rec of seen) {
      expect(rec.status).toBe('ok');
      // client + 5 protocol probes (no TLS, no Standard Security on a HYBRID_REQUIRED server), UDP refused: 7, the
      // first connect counted once.
      expect(rec.connections).toBe(7);
    }
    // 3 hosts probing x at most 4 connections each, plus connected hosts waiting for a slot (at most 6).
    expect(live.max).toBeLessThanOrEqual(3 * 4 + 6);
  });

  it('pulls targets lazily: never far ahead of the hosts it is probing', async () => {
    const pulled = { count: 0 };
    let maxAhead = 0;
    let written = 0;
    await runScan(targets(200, pulled), {
      ...base(refusing(2, { at: [], open: 0, maxOpen: 0 }), async () => {
        written++;
        maxAhead = Math.max(maxAhead, pulled.count - written);
      }),
      concurrency: 4,
      connectConcurrency: 4,
    });
    // connecting (4) + probing (4) + the one being pulled
    expect(maxAhead).toBeLessThanOrEqual(4 * 2 + 1);
  });

  it('--rate spaces new connections: 10 connections at 20/s span at least 0.4 s', async () => {
    const log = { at: [] as number[], open: 0, maxOpen: 0 };
    await runScan(targets(10), { ...base(refusing(0, log), async () => {}), concurrency: 10, rate: 20 });
    expect(log.at).toHaveLength(10);
    const sorted = [...log.at].sort((a, b) => a - b);
    expect(sorted[9]! - sorted[0]!).toBeGreaterThanOrEqual(400);
  });

  it('skips what --resume says is done, and stops pulling targets once aborted', async () => {
    const skipped = await runScan(targets(10), { ...base(refusing(1, { at: [], open: 0, maxOpen: 0 }), async () => {}), skip: (t) => t.host === 'h3' || t.host === 'h4' });
    expect(skipped).toMatchObject({ probed: 8, skipped: 2 });

    const ac = new AbortController();
    let written = 0;
    const r = await runScan(targets(1000), {
      ...base(refusing(2, { at: [], open: 0, maxOpen: 0 }), async () => {
        if (++written === 5) ac.abort();
      }),
      concurrency: 2,
      signal: ac.signal,
    });
    expect(r.interrupted).toBe(true);
    expect(r.probed).toBeLessThan(20);
    expect(written).toBe(r.probed); // hosts in flight were finished and written, nothing half-done
  });

  it('a failed output write ends the scan with that error instead of probing on', async () => {
    let calls = 0;
    const pulled = { count: 0 };
    await expect(
      runScan(targets(500, pulled), {
        ...base(refusing(1, { at: [], open: 0, maxOpen: 0 }), async () => {
          if (++calls === 3) throw new Error('EPIPE (test)');
        }),
        concurrency: 2,
        connectConcurrency: 2,
      }),
    ).rejects.toThrow('EPIPE');
    expect(pulled.count).toBeLessThan(50);
  });
});
