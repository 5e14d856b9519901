import { Duplex } from 'node:stream';
import { readFileSync } from 'node:fs';
import { fromHex } from '../../protocol/writer.js';
import type { Dialer } from '../../src/transport/dialer.js';

/**
 * Replays recorded server answers (captures/*.json) through in-memory sockets, without the server.
 *
 * Transcript format: { name, source, server, connections: [{ label, flow: [{client: hex} | {server: hex}], ... }] }.
 * Our client's bytes differ from the recorded client's (cookie, client name, random), so a write is matched by
 * what it asks, not byte for byte: the X.224 Connection Request by its requestedProtocols, an MCS Connect
 * Initial by being an X.224 Data TPDU offering the same encryption methods (CS_SECURITY). Several recorded
 * connections may start with the same request (one per encryption method): a socket stays bound to every
 * recorded connection consistent with what it has written so far, and replays the first of them.
 * A connection whose first request matches no recording fails with a generic error (the probe reports "could
 * not tell", never a fabricated answer); a write the transcript does not expect at that point is logged as
 * unexpected (tests assert there are none); writes after a recording ends (e.g. a TLS ClientHello after the
 * recorded Confirm) are answered with EOF.
 */
export interface Transcript {
  name: string;
  source: string;
  server: string;
  connections: TranscriptConnection[];
}

export interface TranscriptConnection {
  label: string;
  /** Where this connection's bytes come from (pcap and frames), when the transcript has several sources. */
  source?: string;
  flow: ({ client: string } | { server: string })[];
  /** Other requestedProtocols values this recorded answer stands for (documented server behaviour). */
  also_for_requests?: number[];
}

export function loadTranscript(name: string): Transcript {
  return JSON.parse(readFileSync(new URL(`../../captures/${name}.json`, import.meta.url), 'utf8')) as Transcript;
}

/** requestedProtocols of a TPKT + X.224 CR + optional cookie + RDP_NEG_REQ, or null when it has none. */
export function requestedOf(bytes: Uint8Array): number | null {
  const buf = Buffer.from(bytes);
  if (buf.length < 11 || buf[0] !== 3 || (buf[5]! & 0xf0) !== 0xe0) return null;
  const neg = buf.subarray(buf.length - 8);
  return neg[0] === 1 && neg[2] === 8 ? neg.readUInt32LE(4) : null;
}

/** encryptionMethods of the CS_SECURITY block (type 0xC002, length 12) in a Connect Initial, or null. */
export function methodsOf(pdu: Uint8Array): number | null {
  const b = Buffer.from(pdu);
  for (let i = 0; i + 8 <= b.length; i++) if (b[i] === 0x02 && b[i + 1] === 0xc0 && b[i + 2] === 0x0c && b[i + 3] === 0x00) return b.readUInt32LE(i + 4);
  return null;
}

/** Kind of a client PDU for matching: 'cr' (Connection Request) or 'data' (X.224 Data, e.g. MCS). */
function kindOf(bytes: Uint8Array): 'cr' | 'data' | 'other' {
  if (bytes[0] !== 3 || bytes.length < 7) return 'other';
  if ((bytes[5]! & 0xf0) === 0xe0) return 'cr';
  if (bytes[5] === 0xf0) return 'data';
  return 'other';
}

/** Does our write `ours` stand for the recorded client write `recorded`? */
function sameAsk(ours: Uint8Array, recorded: Uint8Array): boolean {
  if (kindOf(ours) !== kindOf(recorded)) return false;
  if (kindOf(ours) === 'cr') return requestedOf(ours) === requestedOf(recorded);
  if (kindOf(ours) === 'data') return methodsOf(ours) === methodsOf(recorded);
  return true;
}

export interface ReplayLog {
  /** Every write the probe made that the transcript did not expect (a test asserts this is empty). */
  unexpected: string[];
  /** Connections opened, with the request each made. */
  opened: (number | null)[];
  /** Writes after the recording ended (e.g. the TLS ClientHello after a recorded Confirm): answered with EOF. */
  beyondRecording: string[];
}

export function replayDialer(t: Transcript): { dialer: Dialer; log: ReplayLog } {
  const log: ReplayLog = { unexpected: [], opened: [], beyondRecording: [] };
  const used = new Set<TranscriptConnection>();
  const dialer: Dialer = async () => {
    let candidates: TranscriptConnection[] | null = null;
    let step = 0;
    const fail = (sock: Duplex, why: string) => sock.destroy(new Error(`replay ${t.name}: ${why}`));
    const sock: Duplex = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        cb();
        if (candidates === null) {
          const req = requestedOf(chunk);
          log.opened.push(req);
          candidates = t.connections.filter((c) => {
            const first = c.flow[0];
            if (used.has(c) || !first || !('client' in first)) return false;
            return requestedOf(fromHex(first.client)) === req || (req !== null && (c.also_for_requests ?? []).includes(req));
          });
          // also_for_requests answers may be reused: they stand for a behaviour, not one recorded connection.
          if (candidates.length === 0) return fail(sock, `no recorded answer for requestedProtocols ${req}`);
        } else {
          const ended = candidates.filter((c) => step >= c.flow.length);
          if (ended.length === candidates.length) {
            log.beyondRecording.push(`${candidates[0]!.label}: ${chunk.subarray(0, 12).toString('hex')}`);
            return;
          }
          const next = candidates.filter((c) => {
            const e = c.flow[step];
            return e && 'client' in e && sameAsk(chunk, fromHex(e.client));
          });
          if (next.length === 0) {
            const e = candidates[0]!.flow[step];
            if (!e || !('client' in e) || kindOf(fromHex(e.client)) !== kindOf(chunk)) {
              log.unexpected.push(`${candidates[0]!.label}: step ${step}: unexpected write ${chunk.subarray(0, 12).toString('hex')}`);
            }
            candidates = []; // nothing recorded was consumed: leave the recordings for other sockets
            return fail(sock, 'no recorded answer for this write');
          }
          candidates = next;
        }
        const conn = candidates[0]!;
        step++;
        const out: Buffer[] = [];
        while (conn.flow[step] && 'server' in conn.flow[step]!) {
          out.push(Buffer.from(fromHex((conn.flow[step] as { server: string }).server)));
          step++;
        }
        for (const b of out) sock.push(b);
        if (step >= conn.flow.length) setTimeout(() => sock.push(null), 5); // the recording ends: the server hangs up
      },
      final(cb) {
        cb();
      },
      destroy(err, cb) {
        const bound = candidates?.[0];
        if (bound && !bound.also_for_requests) used.add(bound);
        cb(err);
      },
    });
    return sock;
  };
  return { dialer, log };
}
