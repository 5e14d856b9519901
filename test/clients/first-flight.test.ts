/**
 * exchangeFirstFlight (src/transport/tls-first-flight.ts) against scripted peers on 127.0.54.x: a real Windows flight
 * arriving a byte at a time, an alert, silence, a reset, a flood of tiny records, too many bytes. Every case ends
 * within the step timeout with the way it ended named. Scripted: no lab server can misbehave on purpose.
 */
import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { encodeClientHello } from '../../protocol/tls/client-hello.js';
import { ALERT_LEVEL_FATAL, ALERT_PROTOCOL_VERSION, encodeAlertRecord } from '../../protocol/tls/alert.js';
import { CONTENT_TYPE_HANDSHAKE, encodeRecord } from '../../protocol/tls/record.js';
import { tpktFrameLength } from '../../protocol/tpkt.js';
import { fromHex } from '../../protocol/writer.js';
import { PROTOCOL_SSL } from '../../protocol/negotiation.js';
import { clientProfile } from '../../src/clients/index.js';
import { profileClientHello } from '../../src/clients/hello.js';
import { negotiate } from '../../src/checks/steps/negotiation.js';
import { Budget } from '../../src/transport/clock.js';
import { tcpDialer } from '../../src/transport/dialer.js';
import { RdpConnection } from '../../src/transport/rdp-connection.js';
import { exchangeFirstFlight, MAX_FIRST_FLIGHT, MAX_FIRST_FLIGHT_RECORDS } from '../../src/transport/tls-first-flight.js';
import { loadTranscript } from '../helpers/replay.js';
import { CC_SSL } from '../helpers/tls-peers.js';

const flow = loadTranscript('windows-2008r2-tls-flight').connections[0]!.flow;
const FLIGHT = fromHex((flow[3] as { server: string }).server);

type Script = (sock: net.Socket) => void;
const servers: net.Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
});

/** A peer that answers the X.224 request with a Confirm selecting SSL, then runs `script` once the hello is in. */
async function peer(host: string, script: Script): Promise<number> {
  const server = net.createServer((sock) => {
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    let stage = 0;
    sock.on('data', (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (stage === 0) {
        const n = tpktFrameLength(buf);
        if (n === null || buf.length < n) return;
        buf = buf.subarray(n);
        stage = 1;
        sock.write(CC_SSL);
      }
      if (stage === 1 && buf.length > 0) {
        stage = 2;
        script(sock);
      }
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, host, () => r()));
  return (server.address() as net.AddressInfo).port;
}

async function exchange(host: string, script: Script, stepMs = 1500) {
  const port = await peer(host, script);
  const budget = Budget.start(stepMs, 10_000);
  const conn = await RdpConnection.open(tcpDialer, host, port, budget);
  try {
    const n = await negotiate(conn, PROTOCOL_SSL, null, budget);
    expect(n.ok).toBe(true);
    const started = Date.now();
    const x = await exchangeFirstFlight(conn, encodeClientHello(profileClientHello(clientProfile('mstsc-win7')!, host)!), budget);
    return { x, ms: Date.now() - started };
  } finally {
    conn.destroy();
  }
}

describe('exchangeFirstFlight', () => {
  it('a real Windows flight a byte at a time: complete, decoded', async () => {
    const { x } = await exchange('127.0.54.10', (sock) => {
      let i = 0;
      const next = () => {
        if (i >= FLIGHT.length || sock.destroyed) return;
        sock.write(FLIGHT.subarray(i, i + 1));
        i++;
        setImmediate(next);
      };
      next();
    }, 5000);
    expect(x.ended).toBe('complete');
    expect(x.flight?.serverHelloDone).toBe(true);
    expect(x.flight?.cipherSuite).toBe(0x002f);
    expect(x.bytesReceived).toBe(FLIGHT.length);
  });

  it('an alert; silence until the step timeout; a reset', async () => {
    const alert = await exchange('127.0.54.11', (sock) => sock.end(encodeAlertRecord(ALERT_LEVEL_FATAL, ALERT_PROTOCOL_VERSION, 0x0301)));
    expect(alert.x.ended).toBe('complete');
    expect(alert.x.flight?.alert?.name).toBe('protocol_version');
    const silent = await exchange('127.0.54.12', () => {}, 500);
    expect(silent.x.ended).toBe('timeout');
    const reset = await exchange('127.0.54.13', (sock) => sock.resetAndDestroy());
    expect(reset.x.ended).toBe('reset');
  });

  it('a flood of tiny records is not a flight; too many bytes are cut at the cap', async () => {
    const tiny = encodeRecord(CONTENT_TYPE_HANDSHAKE, 0x0301, Uint8Array.of(2));
    const flood = await exchange('127.0.54.14', (sock) => sock.write(Buffer.concat(Array.from({ length: MAX_FIRST_FLIGHT_RECORDS + 10 }, () => tiny))));
    expect(flood.x.ended).toBe('malformed');
    expect(flood.x.detail).toContain(`more than ${MAX_FIRST_FLIGHT_RECORDS} records`);
    // A ServerHello that claims just under the handshake cap, sent in whole records: the byte cap ends it.
    const message = new Uint8Array(4 + 0x3fff0);
    message.set([2, 0x03, 0xff, 0xf0]);
    const records = Array.from({ length: Math.ceil(message.length / 16_000) }, (_, i) => encodeRecord(CONTENT_TYPE_HANDSHAKE, 0x0301, message.subarray(i * 16_000, (i + 1) * 16_000)));
    const huge = await exchange('127.0.54.15', (sock) => sock.write(Buffer.concat(records)));
    expect(huge.x.ended).toBe('too_large');
    expect(huge.x.bytesReceived).toBeLessThanOrEqual(MAX_FIRST_FLIGHT + 65_536);
  });
});
