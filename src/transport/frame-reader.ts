import type { Duplex } from 'node:stream';
import { TransportError, classifySocketError } from './errors.js';
import type { Budget } from './clock.js';

/**
 * Cuts an incoming byte stream into whole protocol frames (TPKT packets, DER TSRequests) with hard limits:
 * a frame size cap, a total-bytes-per-connection cap, and a timeout per wait. Framing is separate from
 * decoding (pg-protocol's split): `lengthOf` only says how long the frame at the front is (null = need more
 * bytes) and may throw a DecodeError, which is passed through untouched for the caller to classify.
 */
export interface FrameLimits {
  /** Largest single frame accepted. */
  maxFrame: number;
  /** Most bytes accepted over the life of the connection (an endless stream must not eat memory). */
  maxTotal: number;
}

export const DEFAULT_LIMITS: FrameLimits = { maxFrame: 0xffff, maxTotal: 1 << 20 };

export class FrameReader {
  private buf: Buffer = Buffer.alloc(0);
  private total = 0;
  private ended = false;
  private failure: TransportError | null = null;
  private wake: (() => void) | null = null;
  private attached = true;

  private readonly onData = (chunk: Buffer) => {
    this.total += chunk.length;
    if (this.total > this.limits.maxTotal) {
      this.failure = new TransportError('too_large', `peer sent more than ${this.limits.maxTotal} bytes`);
      this.stream.destroy();
    } else {
      this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    }
    this.notify();
  };
  private readonly onEnd = () => {
    this.ended = true;
    this.notify();
  };
  private readonly onError = (err: Error) => {
    this.failure ??= classifySocketError(err);
    this.notify();
  };

  constructor(
    private readonly stream: Duplex,
    private readonly limits: FrameLimits = DEFAULT_LIMITS,
  ) {
    stream.on('data', this.onData);
    stream.on('end', this.onEnd);
    stream.on('close', this.onEnd);
    stream.on('error', this.onError);
  }

  private notify(): void {
    const w = this.wake;
    this.wake = null;
    w?.();
  }

  /** A copy of up to n unconsumed bytes (to show what a non-RDP peer sent). */
  peek(n: number): Uint8Array {
    return Uint8Array.from(this.buf.subarray(0, n));
  }

  /** Bytes received but not yet consumed. */
  get buffered(): number {
    return this.buf.length;
  }

  /** Reads exactly one frame. Rejects with TransportError (timeout, deadline, closed, reset, too_large) or DecodeError. */
  async next(lengthOf: (b: Uint8Array) => number | null, budget: Budget, what: string): Promise<Uint8Array> {
    const { ms, byDeadline } = budget.next();
    const started = Date.now();
    for (;;) {
      const n = lengthOf(this.buf); // may throw DecodeError: not our protocol / impossible length
      if (n !== null && n > this.limits.maxFrame) {
        throw new TransportError('too_large', `${what} claims ${n} bytes (cap ${this.limits.maxFrame})`);
      }
      if (n !== null && this.buf.length >= n) {
        const frame = this.buf.subarray(0, n);
        this.buf = this.buf.subarray(n);
        return frame;
      }
      if (this.failure) throw this.failure;
      if (this.ended) {
        throw new TransportError(
          'closed',
          this.buf.length === 0 ? `connection closed before ${what}` : `connection closed after ${this.buf.length} byte(s) of ${what}`,
        );
      }
      const left = ms - (Date.now() - started);
      if (left <= 0) {
        const got = this.buf.length ? ` (${this.buf.length} byte(s) of it received)` : '';
        throw new TransportError(byDeadline ? 'deadline' : 'timeout', `no complete ${what} within ${ms} ms${got}`);
      }
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          this.wake = null;
          resolve();
        }, left);
        this.wake = () => {
          clearTimeout(t);
          resolve();
        };
      });
    }
  }

  /**
   * Stops reading and hands back whatever arrived beyond the frames consumed, so another consumer (the TLS
   * layer) can take over the socket without losing bytes.
   */
  detach(): Buffer {
    if (this.attached) {
      this.attached = false;
      this.stream.pause();
      this.stream.off('data', this.onData);
      this.stream.off('end', this.onEnd);
      this.stream.off('close', this.onEnd);
      this.stream.off('error', this.onError);
    }
    const rest = this.buf;
    this.buf = Buffer.alloc(0);
    return rest;
  }

  get bytesReceived(): number {
    return this.total;
  }
}
