/**
 * One ClientHello of our own making out, the server's first flight back (RFC 5246 7.3, RFC 8446 2), on a connection
 * whose X.224 step selected a TLS-based protocol ([MS-RDPBCGR] 5.4.5.1: TLS starts right after the Connection
 * Confirm). Node's TLS stack cannot send a given client's exact hello (its suite order, groups, extensions), so the
 * bytes are the codec's (protocol/tls/client-hello.ts) and the answer is read with protocol/tls/flight.ts. Nothing
 * beyond the first flight is sent: no key exchange, no Finished; the caller closes the connection.
 *
 * Generic on purpose: the client simulation uses it with each client's own hello, and a TLS check can use it to
 * offer exactly one version or suite.
 */
import { DecodeError } from '../../protocol/errors.js';
import type { EncodedClientHello } from '../../protocol/tls/client-hello.js';
import { readFirstFlight, type FirstFlight } from '../../protocol/tls/flight.js';
import { recordFrameLength } from '../../protocol/tls/record.js';
import type { Budget } from './clock.js';
import { TransportError } from './errors.js';
import { FrameReader } from './frame-reader.js';
import type { RdpConnection } from './rdp-connection.js';

/** Most bytes a first flight may take (a certificate chain of a few certificates fits many times over). */
export const MAX_FIRST_FLIGHT = 256 * 1024;
/** Most records a first flight may take (servers send one to a handful; TLS 1.3 a few more). */
export const MAX_FIRST_FLIGHT_RECORDS = 64;

export interface FirstFlightExchange {
  /**
   * The server's answer as decoded: complete when `ended` is `complete`; otherwise what had arrived whole when the
   * connection ended (a ServerHello may be there without the rest), or null when nothing decodable arrived.
   */
  flight: FirstFlight | null;
  /**
   * How reading ended: `complete` (the flight, or an alert, in full); `closed` / `reset` (the peer hung up, FIN or
   * RST); `timeout` / `deadline` (the step timeout or the host deadline); `too_large` (more than MAX_FIRST_FLIGHT
   * bytes); `malformed` (bytes that are not a TLS answer: `detail` says where).
   */
  ended: 'complete' | 'closed' | 'reset' | 'timeout' | 'deadline' | 'too_large' | 'malformed';
  detail: string | null;
  bytesReceived: number;
  ms: number;
}

/** What is sent: the hello's bytes, and for a TLS hello its handshake message and key shares (TLS 1.3 decryption). */
export type HelloToSend = Pick<EncodedClientHello, 'bytes'> & Partial<Pick<EncodedClientHello, 'handshake' | 'keyShares'>>;

/**
 * Sends `hello` (EncodedClientHello.bytes, or an SSL 2.0 CLIENT-HELLO) and reads until the first flight is complete.
 * A TLS 1.3 flight is decrypted with the hello's own key shares when the server picked one of them, so its
 * Certificate is read too.
 */
export async function exchangeFirstFlight(conn: RdpConnection, hello: HelloToSend, budget: Budget): Promise<FirstFlightExchange> {
  const started = Date.now();
  const stream = conn.handOverForTls();
  const reader = new FrameReader(stream, { maxFrame: MAX_FIRST_FLIGHT, maxTotal: MAX_FIRST_FLIGHT });
  stream.resume();
  const opts = hello.handshake ? { clientHello: hello.handshake, keyShares: hello.keyShares ?? [] } : {};
  let partial: FirstFlight | null = null;
  // The flight is decoded again only when another whole record has arrived, and a flight of more than
  // MAX_FIRST_FLIGHT_RECORDS records is not one: a peer dribbling bytes cannot make this quadratic.
  let whole = 0;
  let records = 0;
  let complete: FirstFlight | null = null;
  const lengthOf = (b: Uint8Array): number | null => {
    if (b.length > 0 && (b[0]! & 0x80) === 0) {
      const before = records;
      // Whole records, up to the cap: a flight that completes within them (a fatal alert first, then a flood) is
      // still read; one that does not is not a first flight.
      // Bytes after a complete flight may be something else (xrdp follows its alert with a cleartext MCS Disconnect
      // Provider Ultimatum): only what comes before the first complete record decides that the answer is not TLS.
      const frame = (): number | null => {
        try {
          return recordFrameLength(b.subarray(whole));
        } catch (e) {
          if (records > 0 && e instanceof DecodeError) return null;
          throw e;
        }
      };
      for (let n = frame(); n !== null && whole + n <= b.length && records < MAX_FIRST_FLIGHT_RECORDS; n = frame()) {
        whole += n;
        records++;
      }
      if (records === before) return null;
    }
    const f = readFirstFlight(b.subarray(0, b[0]! & 0x80 ? b.length : whole), opts);
    if (f.kind !== 'empty') partial = f;
    if (f.complete) {
      // The decode of the complete flight is the answer (for TLS 1.3 it took a key agreement and a decryption).
      complete = f;
      return f.consumed;
    }
    if (records >= MAX_FIRST_FLIGHT_RECORDS) throw new DecodeError('tls', whole, `more than ${MAX_FIRST_FLIGHT_RECORDS} records without a complete first flight`);
    return null;
  };
  const done = (ended: FirstFlightExchange['ended'], flight: FirstFlight | null, detail: string | null): FirstFlightExchange => ({
    flight,
    ended,
    detail,
    bytesReceived: reader.bytesReceived,
    ms: Date.now() - started,
  });
  try {
    stream.write(hello.bytes);
    await reader.next(lengthOf, budget, 'TLS server first flight');
    return done('complete', complete, null);
  } catch (e) {
    if (e instanceof DecodeError) return done('malformed', partial, e.message);
    if (e instanceof TransportError) {
      const ended = e.kind === 'reset' || e.kind === 'timeout' || e.kind === 'deadline' || e.kind === 'too_large' ? e.kind : 'closed';
      return done(ended, partial, e.detail);
    }
    throw e;
  } finally {
    reader.detach();
  }
}
