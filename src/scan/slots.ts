/**
 * A counting semaphore for the runner's hot path (a first connect and a socket per address of a /16): taking a
 * free slot is synchronous and allocates nothing, where a promise-based limiter costs several promises per call,
 * garbage that a closed /16 turned into tens of megabytes of heap.
 */
export class Slots {
  private used = 0;
  private readonly waiters: (() => void)[] = [];

  constructor(public size: number) {}

  /** More slots (the connect stage grows while its connects are slow); waiters get the new ones at once. */
  grow(size: number): void {
    this.size = Math.max(this.size, size);
    while (this.used < this.size && this.waiters.length > 0) {
      this.used++;
      this.waiters.shift()!();
    }
  }

  get active(): number {
    return this.used;
  }

  get waiting(): number {
    return this.waiters.length;
  }

  /** Takes a slot if one is free. */
  tryTake(): boolean {
    if (this.used >= this.size) return false;
    this.used++;
    return true;
  }

  /** Resolves once a slot is taken (at once when one is free). */
  take(): Promise<void> {
    if (this.tryTake()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  /** Gives a slot back, handing it straight to the longest waiter. */
  give(): void {
    const next = this.waiters.shift();
    if (next) next();
    else this.used--;
  }
}
