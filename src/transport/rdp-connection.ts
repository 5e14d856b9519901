import type { Duplex } from 'node:stream';
import { tpktFrameLength } from '../../protocol/tpkt.js';
import type { Budget } from './clock.js';
import type { Dialer } from './dialer.js';
import { FrameReader, DEFAULT_LIMITS, type FrameLimits } from './frame-reader.js';
import { TransportError } from './errors.js';
import { CLOSE_GRACE_MS } from './tls.js';

/**
 * One TCP connection to an RDP server, in its pre-TLS life: TPKT packets out and in. Counting connections
 * happens here so a probe can prove it stayed within its per-host bound.
 */

export class RdpConnection {
  readonly reader: FrameReader;
  private closed = false;
  private closing: Promise<void> | null = null;

  private constructor(
    readonly stream: Duplex,
    limits: FrameLimits,
  ) {
    // Permanent error sink: after the reader detaches (TLS takes over) a late 'error' must not crash the scan.
    stream.on('error', () => {});
    this.reader = new FrameReader(stream, limits);
  }

  static async open(dialer: Dialer, address: string, port: number, budget: Budget, limits = DEFAULT_LIMITS): Promise<RdpConnection> {
    const { ms, byDeadline } = budget.next();
    if (ms <= 0) throw new TransportError('deadline', 'host deadline reached before connecting');
    const stream = await dialer(address, port, ms, byDeadline);
    return new RdpConnection(stream, limits);
  }

  send(bytes: Uint8Array): void {
    if (!this.closed) this.stream.write(bytes);
  }

  /** One whole TPKT packet. Throws TransportError or DecodeError (not TPKT / impossible length). */
  readTpkt(budget: Budget, what: string): Promise<Uint8Array> {
    return this.reader.next(tpktFrameLength, budget, what);
  }

  /** Gives the raw stream to the TLS layer, returning any bytes already received to its read buffer. */
  handOverForTls(): Duplex {
    const rest = this.reader.detach();
    if (rest.length > 0) this.stream.unshift(rest);
    return this.stream;
  }

  /**
   * Polite close (FIN), resolved once the socket is really gone: the peer's FIN, or a hard close after a short
   * grace so a peer that never answers cannot hold it. Callers keep the host's connection slot until then, so
   * "at most 4 connections at a time" holds from the server's side too.
   */
  close(): Promise<void> {
    this.closing ??= new Promise<void>((resolve) => {
      this.closed = true;
      this.reader.detach();
      if (this.stream.destroyed) return resolve();
      this.stream.once('close', () => resolve());
      this.stream.end();
      // A paused stream never sees the peer's FIN: let it flow (bytes are discarded) so 'close' can arrive.
      this.stream.resume();
      // Ref'd on purpose: the promise this returns must settle, and an unref'd timer could be the last thing
      // between it and an event loop that runs dry (exit 13 with nothing written).
      const t = setTimeout(() => this.stream.destroy(), CLOSE_GRACE_MS);
      this.stream.once('close', () => clearTimeout(t));
    });
    return this.closing;
  }

  /** Immediate close, for connections a timeout or protocol error already condemned. */
  destroy(): void {
    this.closed = true;
    this.reader.detach();
    this.stream.destroy();
  }
}
