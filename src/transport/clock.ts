/**
 * Every wait in a probe is bounded twice: by the per-step timeout (--timeout) and by the host deadline
 * (--host-timeout). A Budget tells a step how long it may wait and which of the two limits it hit.
 */
export class Budget {
  constructor(
    readonly stepMs: number,
    /** Absolute epoch ms after which nothing more may be waited for on this host. */
    readonly deadline: number,
  ) {}

  static start(stepMs: number, hostMs: number): Budget {
    return new Budget(stepMs, Date.now() + hostMs);
  }

  /** How long the next wait may last, and whether the deadline (not the step timeout) is the limit. */
  next(): { ms: number; byDeadline: boolean } {
    const left = this.deadline - Date.now();
    if (left <= this.stepMs) return { ms: Math.max(0, left), byDeadline: true };
    return { ms: this.stepMs, byDeadline: false };
  }

  expired(): boolean {
    return Date.now() >= this.deadline;
  }
}

/** Milliseconds since `start`, rounded to 0.1 ms so records stay readable. */
export function since(start: bigint): number {
  return Math.round(Number(process.hrtime.bigint() - start) / 1e5) / 10;
}

export function now(): bigint {
  return process.hrtime.bigint();
}
