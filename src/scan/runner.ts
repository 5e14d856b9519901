import pLimit from 'p-limit';
import type { Duplex } from 'node:stream';
import { connectionsPerHost, probeHost, type HostTarget, type ProbeDeps, type ScanOptions } from '../checks/index.js';
import type { CredentialGate } from '../checks/contract.js';
import { udpExchange } from '../transport/udp.js';
import type { Dialer } from '../transport/dialer.js';
import { TransportError } from '../transport/errors.js';
import type { MeasuredRecord } from '../record.js';
import { AuthGate } from './auth-gate.js';
import { defaultConnectConcurrency, openFileLimit, socketCap } from './limits.js';
import { Slots } from './slots.js';

/**
 * The one place where rdprobe decides how much happens at once:
 *  - first connects in flight (--connect-concurrency): every address's first TCP connect runs in a stage of its
 *    own, so addresses that drop SYNs (most of a firewalled subnet) wait out their timeout there and never hold a
 *    probe slot; the socket a live host connects is its first connection (its client check's), not an extra one;
 *  - hosts being probed (-c/--concurrency), pulled lazily from the target stream so a /16 never sits in memory;
 *  - connections per host (at most connectionsPerHost() open at a time: 4, 8 in the TLS deep mode; the checks cap
 *    the total);
 *  - sockets open across the whole scan (so high concurrency queues instead of running into EMFILE);
 *  - new connections per second (--rate), a token bucket shared by every host;
 *  - credential exchanges of the authentication test (--user): the scan's one AuthGate (auth-gate.ts), one at a
 *    time until the credentials are proven, none after a rejection or a lockout.
 */
export const DEFAULT_CONCURRENCY = 128;
/** First connects in flight at the start; the stage doubles this while connects are slow. */
const CONNECT_START = 256;
/** No first connect finished for this long while every slot is taken: the stage grows. */
const CONNECT_SLOW_MS = 200;
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
  /** The progress display's hooks: a target enters the scan (its first connect, or its probe for a name)... */
  onQueued?: (t: RunnerTarget) => void;
  /** ...its checks start (the host deadline runs from here)... */
  onStart?: (t: RunnerTarget) => void;
  /** ...and it is done (record written, or left out). */
  onSettled?: (t: RunnerTarget) => void;
  /** The scan's credential gate (default: a new, open one); a resumed scan may hand in a closed one. */
  authGate?: CredentialGate;
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

export async function runScan(targets: Iterable<RunnerTarget> | AsyncIterable<RunnerTarget>, o: RunOptions): Promise<RunResult> {
  const concurrency = Math.max(1, o.concurrency);
  // The open-file limit, read once (from /proc on Linux): both caps below are made from it.
  const fdLimit = openFileLimit();
  const connectConcurrency = Math.max(1, o.connectConcurrency ?? defaultConnectConcurrency(concurrency, fdLimit));
  const hostLimit = pLimit(concurrency);
  // The connect stage starts small and grows while its connects are slow (silent addresses waiting out their
  // timeout), up to --connect-concurrency: refused or answered connects finish in milliseconds and need few slots,
  // and every connect in flight costs memory (a closed /16 at 4096 in flight peaked near 180 MB, at 256 under 150).
  const connectSlots = new Slots(Math.min(connectConcurrency, CONNECT_START));
  let lastConnectDone = Date.now();
  const grower = setInterval(() => {
    if (connectSlots.size < connectConcurrency && connectSlots.active >= connectSlots.size && Date.now() - lastConnectDone > CONNECT_SLOW_MS) {
      connectSlots.grow(Math.min(connectConcurrency, connectSlots.size * 2));
      const w = wake;
      wake = null;
      w?.();
    }
  }, CONNECT_SLOW_MS / 2);
  grower.unref();
  const perHost = connectionsPerHost(o.probe);
  const socketSlots = new Slots(Math.max(perHost, o.maxSockets ?? socketCap(connectConcurrency, concurrency * perHost, fdLimit)));
  const dialer = rateLimited(resilient(o.dialer), o.rate);
  const dial: Dialer = (...args) => socketLimitedDial(socketSlots, dialer, args);
  const authGate = o.authGate ?? (o.probe.auth ? new AuthGate() : undefined);
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
    let connLimit: ReturnType<typeof pLimit> | null = null;
    const record = await probeHost(t, o.probe, {
      // The host's first connection is the one the connect stage made (or its failure); later ones are dialled.
      dialer: answerPaced(first === null ? dial : firstThen(first, dial), new Slots(UNANSWERED_PER_HOST)),
      ...(first?.ok === false ? { firstConnectFailure: first.error } : {}),
      connectionSlot: (fn) => (connLimit ??= pLimit(perHost))(fn),
      resolve: o.resolve,
      udp: o.udp ?? ((address, port, request, budget) => udpExchange(address, port, request, budget)),
      excluded: o.excluded ?? (() => false),
      ...(first ? { firstConnectMs: first.ms } : {}),
      ...(authGate ? { authGate } : {}),
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

  /**
   * The connect stage of one address: its first TCP connect, in a connect slot. A dead address never takes a probe
   * slot: its record is made at once from the failed connect. A live one keeps its connect slot until a probe slot
   * is free, so the connected sockets waiting for one stay bounded.
   */
  const connect = async (t: RunnerTarget): Promise<void> => {
    connectSlots.tryTake() || (await connectSlots.take());
    try {
      if (o.signal?.aborted) return;
      const { ms, byDeadline } = firstConnectWait(o.probe);
      const t0 = performance.now();
      const took = () => Math.round((performance.now() - t0) * 10) / 10;
      let first: FirstConnect;
      try {
        first = { ok: true, stream: await dial(t.address!, t.port, ms, byDeadline), ms: took() };
      } catch (error) {
        first = { ok: false, error, ms: took() };
      }
      lastConnectDone = Date.now();
      if (!first.ok) return await probe(t, first);
      return await hostLimit(() => probe(t, first));
    } finally {
      connectSlots.give();
    }
  };

  let lastYield = Date.now();
  // A synchronous target stream is walked synchronously (an async generator costs promises per address).
  const sync = Symbol.iterator in targets ? (targets as Iterable<RunnerTarget>)[Symbol.iterator]() : null;
  const async = sync ? null : (targets as AsyncIterable<RunnerTarget>)[Symbol.asyncIterator]();
  for (;;) {
    const next = sync ? sync.next() : await async!.next();
    if (next.done) break;
    const t = next.value;
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
    while (connectSlots.active >= connectSlots.size || hostLimit.pendingCount >= concurrency) {
      await new Promise<void>((r) => (wake = r));
    }
    if (o.signal?.aborted) break;
    o.onQueued?.(t);
    const job =
      t.address === null
        ? // A name is resolved by the probe itself (its record says how the lookup went): straight to a probe slot.
          hostLimit(() => probe(t, null))
        : connect(t);
    inFlight.add(job);
    // probeHost never rejects and write errors travel through writeChain: nothing to lose in the rejection path.
    const settled = () => {
      inFlight.delete(job);
      o.onSettled?.(t);
      const w = wake;
      wake = null;
      w?.();
    };
    job.then(settled, settled);
  }
  await Promise.all(inFlight);
  clearInterval(grower);
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
 * Connections to one host that may wait for the server's first byte at the same time. A server takes a connection
 * off its listen queue (accept) before it answers on it, so while at most this many are unanswered, at most this
 * many sit in the queue. xrdp listens with a backlog of 2 (a queue of 3): a burst of 8 connects (the deep mode's
 * opening) overflowed it, the kernel dropped SYNs, and each dropped one cost the 1 s SYN retransmit, a whole second
 * of a one-second scan. Windows listens with a far longer queue; the gate costs it little, as a connection spends
 * most of its life after its first answer (TLS, CredSSP).
 */
export const UNANSWERED_PER_HOST = 3;

/**
 * Dials with a slot of `slots` held from before the dial until the first of `until` happens on the connection (or
 * the dial fails): the one mechanism behind the scan-wide socket cap and the per-host answer gate.
 */
function holdingSlot(slots: Slots, dial: () => Promise<Duplex>, until: readonly ('data' | 'close')[]): Promise<Duplex> {
  const open = (): Promise<Duplex> =>
    dial().then(
      (s) => {
        let held = true;
        const release = (): void => {
          if (!held) return;
          held = false;
          for (const ev of until) s.off(ev, release);
          slots.give();
        };
        for (const ev of until) s.once(ev, release);
        return s;
      },
      (e: unknown) => {
        slots.give();
        throw e;
      },
    );
  return slots.tryTake() ? open() : slots.take().then(open);
}

/**
 * A slot of `gate` is held from dial until the server's first byte arrives on the connection, or it closes: see
 * UNANSWERED_PER_HOST. Listening for 'data' changes nothing for the connection's readers: the frame reader reads
 * by 'data' events too, and this listener is gone after the first.
 */
export function answerPaced(dialer: Dialer, gate: Slots): Dialer {
  return (...args) => holdingSlot(gate, () => dialer(...args), ['data', 'close']);
}

/**
 * A socket slot is held from dial until the socket closes, so the scan-wide cap counts open sockets, not
 * connection attempts.
 */
function socketLimitedDial(slots: Slots, dialer: Dialer, args: Parameters<Dialer>): Promise<Duplex> {
  return holdingSlot(slots, () => dialer(...args), ['close']);
}

/** Out of file descriptors is our problem, not the server's: wait and retry instead of reporting a failure. */
function resilient(dialer: Dialer): Dialer {
  return (address, port, timeoutMs, byDeadline) => {
    const until = Date.now() + timeoutMs;
    const attempt = (n: number): Promise<Duplex> =>
      dialer(address, port, Math.max(1, until - Date.now()), byDeadline).catch((e: unknown) => {
        const busy = e instanceof TransportError && /EMFILE|ENFILE|ENOBUFS/.test(e.detail ?? '');
        if (!busy || Date.now() + 50 >= until) throw e;
        return new Promise<void>((r) => setTimeout(r, Math.min(50 * 2 ** n, 500))).then(() => attempt(n + 1));
      });
    return attempt(0);
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
