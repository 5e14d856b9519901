import type { Status } from '../record.js';

/**
 * One status line on stderr while a scan runs on a terminal: done/total, rate, ETA, live counts by status.
 * Silent when stderr is not a TTY (pipes, CI) or with --no-progress / --quiet.
 */
export class Progress {
  private done = 0;
  private readonly counts: Record<Status, number> = { ok: 0, unreachable: 0, not_rdp: 0, error: 0 };
  private readonly started = Date.now();
  private timer: NodeJS.Timeout | null = null;
  private shown = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly total: number | null,
    private readonly enabled: boolean,
  ) {
    if (enabled) {
      this.timer = setInterval(() => this.render(), 250);
      this.timer.unref();
    }
  }

  add(status: Status): void {
    this.done++;
    this.counts[status]++;
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
    const secs = (Date.now() - this.started) / 1000;
    const rate = secs > 0 ? this.done / secs : 0;
    const total = this.total !== null ? `/${this.total}` : '';
    const eta = this.total !== null && rate > 0 ? ` eta ${fmt((this.total - this.done) / rate)}` : '';
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
