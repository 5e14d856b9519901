import { Duplex } from 'node:stream';
import { readFileSync } from 'node:fs';
import { fromHex } from '../../protocol/writer.js';
import type { Dialer } from '../../src/transport/dialer.js';
import { TransportError } from '../../src/transport/errors.js';

/**
 * Replays recorded server answers (captures/*.json) through in-memory sockets, without the server.
 *
 * Transcript format: { name, source, server, connections: [{ label, flow: [{client: hex} | {server: hex}], ... }] }.
 * Our client's bytes differ from the recorded client's (cookie, client name, random), so a write is matched by
 * what it asks, not byte for byte: the X.224 Connection Request by its requestedProtocols, and an MCS Connect
 * Initial by being an X.224 Data TPDU. A connection whose first request matches no recorded connection fails
 * with a generic error (the probe reports "could not tell", never a fabricated answer); a write the transcript
 * does not expect at that point fails the test.
 */
export interface Transcript {
  name: string;
  source: string;
  server: string;
  connections: { label: string; flow: ({ client: string } | { server: string })[]; also_for_requests?: number[] }[];
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

/** Kind of a client PDU for matching: 'cr' (Connection Request) or 'data' (X.224 Data, e.g. MCS). */
function kindOf(bytes: Uint8Array): 'cr' | 'data' | 'other' {
  if (bytes[0] !== 3 || bytes.length < 7) return 'other';
  if ((bytes[5]! & 0xf0) === 0xe0) return 'cr';
  if (bytes[5] === 0xf0) return 'data';
  return 'other';
}

export class ReplayError extends Error {}

export interface ReplayLog {
  /** Every write the probe made that the transcript did not expect (a test asserts this is empty). */
  unexpected: string[];
  /** Connections opened, with the request each made. */
  opened: (number | null)[];
  /** Writes after the recording ended (e.g. the TLS ClientHello after a recorded Confirm): answered with EOF. */
  beyondRecording: string[];
}

export function replayDialer(t: Transcript, opts: { dataMatch?: (ours: Uint8Array, recorded: Uint8Array) => boolean } = {}): { dialer: Dialer; log: ReplayLog } {
  const log: ReplayLog = { unexpected: [], opened: [], beyondRecording: [] };
  const dialer: Dialer = async () => {
    let conn: Transcript['connections'][number] | null = null;
    let step = 0;
    const sock: Duplex = new Duplex({
      read() {},
      write(chunk: Buffer, _enc, cb) {
        if (conn === null) {
          const req = requestedOf(chunk);
          log.opened.push(req);
          conn =
            t.connections.find((c) => {
              const first = c.flow[0];
              if (!first || !('client' in first)) return false;
              return requestedOf(fromHex(first.client)) === req || (req !== null && (c.also_for_requests ?? []).includes(req));
            }) ?? null;
          if (!conn) {
            cb();
            sock.destroy(new Error(`replay ${t.name}: no recorded answer for requestedProtocols ${req}`));
            return;
          }
        }
        const expected = conn.flow[step];
        if (!expected) {
          log.beyondRecording.push(`${conn.label}: ${chunk.subarray(0, 12).toString('hex')}`);
          cb();
          return;
        }
        if (!expected || !('client' in expected) || kindOf(fromHex(expected.client)) !== kindOf(chunk) || (opts.dataMatch && kindOf(chunk) === 'data' && !opts.dataMatch(chunk, fromHex(expected.client)))) {
          if (!expected || !('client' in expected) || kindOf(fromHex(expected.client)) !== kindOf(chunk)) log.unexpected.push(`${conn.label}: step ${step}: unexpected write ${chunk.subarray(0, 12).toString('hex')}`);
          cb();
          sock.destroy(new Error(`replay ${t.name}: no recorded answer for this write`));
          return;
        }
        step++;
        const out: Buffer[] = [];
        while (conn.flow[step] && 'server' in conn.flow[step]!) {
          out.push(Buffer.from(fromHex((conn.flow[step] as { server: string }).server)));
          step++;
        }
        cb();
        for (const b of out) sock.push(b);
        if (step >= conn.flow.length) setTimeout(() => sock.push(null), 5); // the recording ends: the server hangs up
      },
      final(cb) {
        cb();
      },
    });
    return sock;
  };
  return { dialer, log };
}

export function refusedDialer(): Dialer {
  return async () => {
    throw new TransportError('refused', 'ECONNREFUSED (test)');
  };
}
