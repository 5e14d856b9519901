import type { Status } from '../record.js';
import { EtaEstimator, type InFlight } from './eta.js';

/** How long a host may take: the first connect's wait and the host deadline (--timeout, --host-timeout). */
export interface HostBounds {
  connectWaitMs: number;
  hostTimeoutMs: number;
}

/**
 * One status line on stderr while a scan runs on a terminal: done/total, rate, ETA, live counts by status.
 * Silent when stderr is not a TTY (pipes, CI) or with --no-progress / --quiet. The ETA (eta.ts) knows the hosts in
 * flight and their deadlines, told by the runner's onQueued / onStart / onSettled hooks.
 */
export class Progress {
  private done = 0;
  private readonly counts: Record<Status, number> = { ok: 0, unreachable: 0, not_rdp: 0, error: 0 };
  private readonly started: number;
  private timer: NodeJS.Timeout | null = null;
  private shown = false;
  private readonly eta = new EtaEstimator();
  private readonly inFlight = new Map<object, InFlight>();

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly total: number | null,
    private readonly enabled: boolean,
    private readonly bounds: HostBounds = { connectWaitMs: 5000, hostTimeoutMs: 30000 },
    private readonly now: () => number = Date.now,
  ) {
    this.started = now();
    if (enabled) {
      this.timer = setInterval(() => this.render(), 250);
      this.timer.unref();
    }
  }

  add(status: Status): void {
    this.done++;
    this.counts[status]++;
  }

  /** A host entered the scan (its first connect): it ends by the connect wait plus the host deadline. */
  queued(host: object): void {
    const t = this.now();
    this.inFlight.set(host, { since: t, deadline: t + this.bounds.connectWaitMs + this.bounds.hostTimeoutMs });
  }

  /** A host's checks started: the host deadline runs from now. */
  probing(host: object): void {
    const t = this.now();
    const h = this.inFlight.get(host);
    this.inFlight.set(host, { since: h?.since ?? t, deadline: t + this.bounds.hostTimeoutMs });
  }

  /** A host is finished (written, or left out): its duration teaches the estimate. */
  settled(host: object): void {
    const h = this.inFlight.get(host);
    if (!h) return;
    this.inFlight.delete(host);
    this.eta.finish(this.now() - h.since);
  }

  /** Seconds left, or null when unknown (no total, or nothing finished to learn from yet). */
  secondsLeft(): number | null {
    if (this.total === null) return null;
    const notStarted = Math.max(0, this.total - this.done - this.inFlight.size);
    return this.eta.estimate(this.now(), notStarted, this.inFlight.values());
  }

  /** Erase the line (before something else is written to the same terminal). */
  clear(): void {
    if (this.enabled && this.shown) {
      this.out.write('\r\x1b[2K');
      this.shown = false;
    }
  }

  render(): void {
    if (!this.enabled) return;
    const secs = (this.now() - this.started) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const total = this.total !== null ? `/${this.total}` : '';
    const left = this.secondsLeft();
    const eta = left !== null ? ` eta ${fmt(left)}` : '';
    const c = this.counts;
    const line = `${this.done}${total} hosts  ${rate.toFixed(1)}/s${eta}  ok ${c.ok}  unreachable ${c.unreachable}  not_rdp ${c.not_rdp}  error ${c.error}`;
    const width = this.out.columns ?? 100;
    this.out.write(`\r\x1b[2K${line.slice(0, width - 1)}`);
    this.shown = true;
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    this.clear();
  }
}

function fmt(s: number): string {
  if (!Number.isFinite(s)) return '?';
  const m = Math.floor(s / 60);
  return m > 0 ? `${m}m${Math.round(s % 60)}s` : `${Math.round(s)}s`;
}
