import pLimit from 'p-limit';
import type { Duplex } from 'node:stream';
import { probeHost, type HostTarget, type ProbeDeps, type ScanOptions } from '../checks/index.js';
import { udpExchange } from '../transport/udp.js';
import type { Dialer } from '../transport/dialer.js';
import { TransportError } from '../transport/errors.js';
import type { MeasuredRecord } from '../record.js';

/**
 * The one place where rdprobe decides how much happens at once:
 *  - hosts in flight (-c/--concurrency), pulled lazily from the target stream so a /16 never sits in memory;
 *  - connections per host (at most CONNECTIONS_PER_HOST open at a time; the probe itself caps the total);
 *  - sockets open across the whole scan (so high concurrency queues instead of running into EMFILE);
 *  - new connections per second (--rate), a token bucket shared by every host.
 */
export const CONNECTIONS_PER_HOST = 4;
export const DEFAULT_CONCURRENCY = 128;
/** Longest stretch the target loop runs without letting the event loop turn (signals, I/O callbacks). */
const YIELD_EVERY_MS = 20;

export type RunnerTarget = HostTarget;

export interface RunOptions {
  concurrency: number;
  /** New TCP connections per second across the scan; null = unlimited. */
  rate: number | null;
  /** Cap on sockets open at once across the scan (defaults from concurrency). */
  maxSockets?: number;
  probe: ScanOptions;
  dialer: Dialer;
  resolve: (host: string, timeoutMs: number) => Promise<string>;
  /** One UDP exchange (default: src/transport/udp.ts). */
  udp?: ProbeDeps['udp'];
  /** Called once per finished host, in completion order; awaited (the output is written before the next record). */
  onRecord: (r: MeasuredRecord) => Promise<void>;
  /** Targets to leave out (resume). */
  skip?: (t: RunnerTarget) => boolean;
  /** Addresses to leave out once a name resolves to them (--exclude). */
  excluded?: ProbeDeps['excluded'];
  /** Stop pulling new targets when aborted; hosts in flight finish within their deadline. */
  signal?: AbortSignal;
  /** Called when a host starts and ends, for the progress display. */
  onStart?: (t: RunnerTarget) => void;
}

export interface RunResult {
  probed: number;
  skipped: number;
  /** Names that resolved to an excluded address (not probed, no record). */
  excluded: number;
  interrupted: boolean;
}

export async function runScan(targets: AsyncIterable<RunnerTarget>, o: RunOptions): Promise<RunResult> {
  const hostLimit = pLimit(Math.max(1, o.concurrency));
  const socketLimit = pLimit(Math.max(CONNECTIONS_PER_HOST, o.maxSockets ?? Math.min(1024, o.concurrency * CONNECTIONS_PER_HOST)));
  const dialer = rateLimited(resilient(o.dialer), o.rate);
  let probed = 0;
  let skipped = 0;
  let excluded = 0;
  // Records are handed to the output one at a time, in completion order, so a sink never sees two writes interleave.
  let writeChain: Promise<void> = Promise.resolve();
  let writeError: unknown = null;
  const inFlight = new Set<Promise<void>>();
  // Woken by every finishing host; one waiter at a time (Promise.race over the in-flight set would attach a
  // callback to every running host for every new target: quadratic work at high concurrency).
  let wake: (() => void) | null = null;

  let lastYield = Date.now();
  for await (const t of targets) {
    // Give the event loop a turn now and then. When every connect fails at once (no route) and the output is a
    // synchronous stream (stdout redirected to a file), each host finishes within microtasks and nextTicks: without
    // this the loop never reaches its poll phase, so Ctrl-C is never delivered and finished work piles up.
    if (Date.now() - lastYield > YIELD_EVERY_MS) {
      await new Promise<void>((r) => setImmediate(r));
      lastYield = Date.now();
    }
    if (o.signal?.aborted || writeError) break;
    if (o.skip?.(t)) {
      skipped++;
      continue;
    }
    // Backpressure: keep at most `concurrency` hosts queued beyond those running, so targets stay lazy.
    while (hostLimit.pendingCount >= o.concurrency) await new Promise<void>((r) => (wake = r));
    if (o.signal?.aborted) break;
    const job = hostLimit(async () => {
      if (o.signal?.aborted) return;
      o.onStart?.(t);
      const connLimit = pLimit(CONNECTIONS_PER_HOST);
      const record = await probeHost(t, o.probe, {
        dialer: (...args) => socketLimitedDial(socketLimit, dialer, args),
        connectionSlot: (fn) => connLimit(fn),
        resolve: o.resolve,
        udp: o.udp ?? ((address, port, request, budget) => udpExchange(address, port, request, budget)),
        excluded: o.excluded ?? (() => false),
      });
      if (record === null) {
        excluded++;
        return;
      }
      probed++;
      writeChain = writeChain.then(() => (writeError ? undefined : o.onRecord(record))).catch((e) => {
        writeError = e;
      });
      await writeChain;
    });
    inFlight.add(job);
    void job
      .finally(() => {
        inFlight.delete(job);
        const w = wake;
        wake = null;
        w?.();
      })
      .catch(() => {}); // probeHost never rejects and write errors travel through writeChain: nothing to lose here
  }
  await Promise.all(inFlight);
  await writeChain;
  if (writeError) throw writeError;
  return { probed, skipped, excluded, interrupted: Boolean(o.signal?.aborted) };
}

/**
 * A socket slot is held from dial until the socket closes, so the scan-wide cap counts open sockets, not
 * connection attempts.
 */
function socketLimitedDial(limit: ReturnType<typeof pLimit>, dialer: Dialer, args: Parameters<Dialer>): Promise<Duplex> {
  return new Promise<Duplex>((resolve, reject) => {
    void limit(
      () =>
        new Promise<void>((released) => {
          dialer(...args).then(
            (s) => {
              s.once('close', () => released());
              resolve(s);
            },
            (e) => {
              released();
              reject(e);
            },
          );
        }),
    );
  });
}

/** Out of file descriptors is our problem, not the server's: wait and retry instead of reporting a failure. */
function resilient(dialer: Dialer): Dialer {
  return async (address, port, timeoutMs, byDeadline) => {
    const until = Date.now() + timeoutMs;
    for (let attempt = 0; ; attempt++) {
      try {
        return await dialer(address, port, Math.max(1, until - Date.now()), byDeadline);
      } catch (e) {
        const busy = e instanceof TransportError && /EMFILE|ENFILE|ENOBUFS/.test(e.detail ?? '');
        if (!busy || Date.now() + 50 >= until) throw e;
        await new Promise((r) => setTimeout(r, Math.min(50 * 2 ** attempt, 500)));
      }
    }
  };
}

/** Token bucket: at most `rate` new connections per second across the whole scan. */
function rateLimited(dialer: Dialer, rate: number | null): Dialer {
  if (!rate || rate <= 0) return dialer;
  const interval = 1000 / rate;
  let next = Date.now();
  return async (...args) => {
    const at = Math.max(Date.now(), next);
    next = at + interval;
    const wait = at - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    return dialer(...args);
  };
}
