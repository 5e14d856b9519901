/**
 * A small awaitable reader over a socket for the NLA test helpers (the scripted server and the client driver):
 * whole frames by a length function (tpktFrameLength, tsRequestLength) or exactly n bytes, null when the peer
 * has closed, and a hard timeout so a test never hangs.
 */
import type { Duplex } from 'node:stream';

export class ByteStream {
  private buf = Buffer.alloc(0);
  private ended = false;
  private wake: (() => void) | null = null;

  constructor(
    stream: Duplex,
    private readonly timeoutMs = 5000,
  ) {
    stream.on('data', (c: Buffer) => {
      this.buf = Buffer.concat([this.buf, c]);
      this.notify();
    });
    const end = (): void => {
      this.ended = true;
      this.notify();
    };
    stream.on('end', end);
    stream.on('close', end);
    stream.on('error', end);
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  private async waitFor<T>(take: () => T | null, what: string): Promise<T | null> {
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const v = take();
      if (v !== null) return v;
      if (this.ended) return null;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /** The next whole frame, or null when the peer closed first. The length function may throw (DecodeError). */
  frame(lengthOf: (b: Uint8Array) => number | null, what: string): Promise<Uint8Array | null> {
    return this.waitFor(() => {
      const n = lengthOf(this.buf);
      if (n === null || this.buf.length < n) return null;
      const out = Uint8Array.from(this.buf.subarray(0, n));
      this.buf = this.buf.subarray(n);
      return out;
    }, what);
  }

  /** Exactly n bytes, or null when the peer closed first. */
  exactly(n: number, what: string): Promise<Uint8Array | null> {
    return this.frame((b) => (b.length >= n ? n : null), what);
  }

  /** Resolves true once the peer has closed (false on timeout). */
  async closed(): Promise<boolean> {
    try {
      await this.waitFor(() => null, 'close');
      return true;
    } catch {
      return false;
    }
  }

  /** Bytes received and not consumed. */
  get pending(): number {
    return this.buf.length;
  }
}
