/**
 * One ClientHello of our own on a connection whose X.224 exchange selected SSL or HYBRID, and the server's first
 * flight back (protocol/tls/flight.ts says when it is complete). Nothing after the first flight is sent: no key
 * exchange is completed for TLS 1.2 and below, and a TLS 1.3 flight is only decrypted with our own ephemeral key.
 * This is how rdprobe sees what the prober's own TLS library cannot offer (SSL 2.0/3.0, RC4, 3DES, EXPORT...).
 */
import { DecodeError } from '../../protocol/errors.js';
import { readFirstFlight, type FirstFlight, type FirstFlightOptions } from '../../protocol/tls/flight.js';
import type { Budget } from './clock.js';
import { TransportError } from './errors.js';
import type { RdpConnection } from './rdp-connection.js';

/** A first flight is a few kilobytes; a chain of 10 certificates stays far below this. */
const MAX_FLIGHT = 0xffff;

export type HelloOutcome =
  | { ok: true; flight: FirstFlight }
  /** How the exchange broke before a complete flight: the transport (closed, reset, timeout, deadline, too_large), or
   * bytes that are not TLS (malformed, with the decoder's message). `partial` is what arrived before. */
  | { ok: false; kind: 'closed' | 'reset' | 'timeout' | 'deadline' | 'too_large' | 'malformed' | 'error'; detail: string; partial: FirstFlight | null };

/** Sends `hello` (records, or an SSL 2.0 CLIENT-HELLO) and reads until the server's first flight is complete. */
export async function exchangeHello(conn: RdpConnection, hello: Uint8Array, opts: FirstFlightOptions, budget: Budget): Promise<HelloOutcome> {
  let last: FirstFlight | null = null;
  const flightLength = (b: Uint8Array): number | null => {
    if (b.length === 0) return null;
    const f = readFirstFlight(b, opts);
    last = f;
    return f.complete ? f.consumed : null;
  };
  try {
    conn.send(hello);
    const bytes = await conn.reader.next(flightLength, budget, 'TLS first flight');
    // The frame reader consumed exactly the flight; decode it once more as the final value.
    const flight = readFirstFlight(bytes, opts);
    return { ok: true, flight };
  } catch (e) {
    if (e instanceof DecodeError) return { ok: false, kind: 'malformed', detail: e.message, partial: last };
    if (e instanceof TransportError) {
      const kind = e.kind === 'closed' || e.kind === 'reset' || e.kind === 'timeout' || e.kind === 'deadline' || e.kind === 'too_large' ? e.kind : 'error';
      return { ok: false, kind, detail: e.message, partial: last };
    }
    return { ok: false, kind: 'error', detail: e instanceof Error ? e.message : String(e), partial: last };
  }
}

export { MAX_FLIGHT };
