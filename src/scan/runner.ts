import pLimit from 'p-limit';
import type { Duplex } from 'node:stream';
import { probeHost, type HostTarget, type ProbeDeps, type ScanOptions } from '../checks/index.js';
import { udpExchange } from '../transport/udp.js';
import type { Dialer } from '../transport/dialer.js';
import { TransportError } from '../transport/errors.js';
import type { MeasuredRecord } from '../record.js';
import { defaultConnectConcurrency, socketCap } from './limits.js';

/**
 * The one place where rdprobe decides how much happens at once:
 *  - first connects in flight (--connect-concurrency): every address's first TCP connect runs in a stage of its
 *    own, so addresses that drop SYNs (most of a firewalled subnet) wait out their timeout there and never hold a
 *    probe slot; the socket a live host connects is its first connection (its client check's), not an extra one;
 *  - hosts being probed (-c/--concurrency), pulled lazily from the target stream so a /16 never sits in memory;
 *  - connections per host (at most CONNECTIONS_PER_HOST open at a time; the checks cap the total);
 *  - sockets open across the whole scan (so high concurrency queues instead of running into EMFILE);
 *  - new connections per second (--rate), a token bucket shared by every host.
 */
export const CONNECTIONS_PER_HOST = 4;
export const DEFAULT_CONCURRENCY = 128;
/** Longest stretch the target loop runs without letting the event loop turn (signals, I/O callbacks). */
const YIELD_EVERY_MS = 20;

export type RunnerTarget = HostTarget;

export interface RunOptions {
  /** Hosts probed at once. */
  concurrency: number;
  /** First connects in flight at once (default: sized from the file descriptors the process may open). */
  connectConcurrency?: number;
  /** New TCP connections per second across the scan; null = unlimited. */
  rate: number | null;
  /** Cap on sockets open at once across the scan (default: the connect stage plus the probes, within the fd limit). */
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

/** The first connect of an address, made in the connect stage. */
type FirstConnect = ({ ok: true; stream: Duplex } | { ok: false; error: unknown }) & { ms: number };

export async function runScan(targets: AsyncIterable<RunnerTarget>, o: RunOptions): Promise<RunResult> {
  const concurrency = Math.max(1, o.concurrency);
  const connectConcurrency = Math.max(1, o.connectConcurrency ?? defaultConnectConcurrency(concurrency));
  const hostLimit = pLimit(concurrency);
  const connectLimit = pLimit(connectConcurrency);
  const socketLimit = pLimit(Math.max(CONNECTIONS_PER_HOST, o.maxSockets ?? socketCap(connectConcurrency, concurrency * CONNECTIONS_PER_HOST)));
  const dialer = rateLimited(resilient(o.dialer), o.rate);
  const dial: Dialer = (...args) => socketLimitedDial(socketLimit, dialer, args);
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

  const probe = async (t: RunnerTarget, first: FirstConnect | null): Promise<void> => {
    // Interrupted before its probe started: not in flight, so not probed (a resume picks it up).
    if (o.signal?.aborted) {
      if (first?.ok) first.stream.destroy();
      return;
    }
    o.onStart?.(t);
    const connLimit = pLimit(CONNECTIONS_PER_HOST);
    const record = await probeHost(t, o.probe, {
      // The host's first connection is the one the connect stage made (or its failure); later ones are dialled.
      dialer: first === null ? dial : firstThen(first, dial),
      connectionSlot: (fn) => connLimit(fn),
      resolve: o.resolve,
      udp: o.udp ?? ((address, port, request, budget) => udpExchange(address, port, request, budget)),
      excluded: o.excluded ?? (() => false),
      ...(first ? { firstConnectMs: first.ms } : {}),
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
  };

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
    // Backpressure: targets stay lazy; at most `connectConcurrency` addresses connecting or waiting for a probe slot.
    while (connectLimit.activeCount + connectLimit.pendingCount >= connectConcurrency || hostLimit.pendingCount >= concurrency) {
      await new Promise<void>((r) => (wake = r));
    }
    if (o.signal?.aborted) break;
    const job =
      t.address === null
        ? // A name is resolved by the probe itself (its record says how the lookup went): straight to a probe slot.
          hostLimit(() => probe(t, null))
        : connectLimit(async () => {
            if (o.signal?.aborted) return;
            const { ms, byDeadline } = firstConnectWait(o.probe);
            const t0 = performance.now();
            const took = () => Math.round((performance.now() - t0) * 10) / 10;
            const first: FirstConnect = await dial(t.address!, t.port, ms, byDeadline).then(
              (stream) => ({ ok: true as const, stream, ms: took() }),
              (error: unknown) => ({ ok: false as const, error, ms: took() }),
            );
            // A dead address never takes a probe slot: its record is made at once from the failed connect. A live
            // one keeps its connect slot until a probe slot is free, so connected sockets waiting stay bounded.
            if (!first.ok) return probe(t, first);
            return hostLimit(() => probe(t, first));
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

/** The first connect's wait: the per-step timeout, or the host deadline when that is shorter. */
function firstConnectWait(p: ScanOptions): { ms: number; byDeadline: boolean } {
  return p.hostTimeoutMs <= p.timeoutMs ? { ms: p.hostTimeoutMs, byDeadline: true } : { ms: p.timeoutMs, byDeadline: false };
}

/** A dialer whose first call answers with the connect stage's result, and which dials normally after that. */
function firstThen(first: FirstConnect, dial: Dialer): Dialer {
  let used = false;
  return (...args) => {
    if (used) return dial(...args);
    used = true;
    return first.ok ? Promise.resolve(first.stream) : Promise.reject(first.error);
  };
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
