/**
 * Recorded Windows first flights, replayed by a peer (test/helpers/tls-peers.ts windowsFlightReplay) that answers
 * only a ClientHello offering the flight's version and suite and otherwise refuses the way a Windows RDP listener
 * does (TCP reset; or the alert variant). The clients check runs unchanged against it: the profiles of the clients
 * recorded with these flights get in, as the real clients did in their captures; the others are refused the way
 * Windows refuses them. Scripted peers (no lab server is Windows), on 127.0.54.x.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import pLimit from 'p-limit';
import { probeHost, DEFAULT_SCAN_OPTIONS } from '../../src/checks/index.js';
import { CLIENT } from '../../src/checks/client.js';
import { CLIENTS } from '../../src/checks/clients.js';
import { clientProfile } from '../../src/clients/index.js';
import { helloIdentity, profileClientHello } from '../../src/clients/hello.js';
import { tcpDialer } from '../../src/transport/dialer.js';
import { fromHex } from '../../protocol/writer.js';
import type { MeasuredRecord } from '../../src/record.js';
import { loadTranscript } from '../helpers/replay.js';
import { startTlsPeer, windowsFlightReplay, type TlsPeer } from '../helpers/tls-peers.js';

const flight = (name: string, index: number) => {
  const e = loadTranscript(name).connections[0]!.flow[index]!;
  return fromHex('server' in e ? e.server : '');
};
const WIN2008R2 = flight('windows-2008r2-tls-flight', 3); // TLS 1.0, TLS_RSA_WITH_AES_128_CBC_SHA, to a Windows 7 client
const WIN10 = flight('windows-10-tls-flight', 3); // TLS 1.2, TLS_RSA_WITH_AES_256_GCM_SHA384, to a Windows 10 client

const IDS = ['mstsc-win10', 'mstsc-win7', 'freerdp-2', 'freerdp-3'];

async function simulate(peer: TlsPeer): Promise<MeasuredRecord> {
  return probeHost(
    { target: peer.host, host: peer.host, address: peer.host, port: peer.port },
    { ...DEFAULT_SCAN_OPTIONS, timeoutMs: 1500, hostTimeoutMs: 15000, clients: IDS },
    { dialer: tcpDialer, connectionSlot: pLimit(4), resolve: async () => peer.host },
    [CLIENT, CLIENTS],
  );
}

describe('replayed Windows Server 2008 R2 flight (TLS 1.0 only, scripted)', () => {
  let peer: TlsPeer;
  let r: MeasuredRecord;
  beforeAll(async () => {
    peer = await startTlsPeer(windowsFlightReplay(WIN2008R2), '127.0.54.1');
    r = await simulate(peer);
  });
  afterAll(() => peer.close());

  it('the Windows 7 client gets in, as the recorded one did; so does Windows 10 (it still offers TLS 1.0)', () => {
    expect(r.clients!['mstsc-win7']).toMatchObject({ connects: true, protocol: 'ssl', tls_version: 'tls1.0', cipher: 'TLS_RSA_WITH_AES_128_CBC_SHA' });
    expect(r.clients!['mstsc-win10']).toMatchObject({ connects: true, tls_version: 'tls1.0' });
  });

  it('FreeRDP 2 on OpenSSL 3 gets the TLS 1.0 answer and aborts; FreeRDP 3.27 (TLS 1.2+) is reset, as 2008 R2 does', () => {
    expect(r.clients!['freerdp-2']!.fails_at).toMatchObject({ stage: 'tls', reason: 'version_not_completed' });
    expect(r.clients!['freerdp-3']!.fails_at).toMatchObject({ stage: 'tls', reason: 'tls_refused' });
    expect(r.clients!['freerdp-3']!.fails_at!.detail).toContain('a TCP reset right after the ClientHello');
  });

  it('each profile\'s own hello reached the server, one connection per distinct hello', () => {
    const seen = peer.seen.filter((h) => h.kind === 'tls').map((h) => (h.kind === 'tls' ? h.hello.spec : null)!);
    for (const id of IDS) {
      const want = helloIdentity(profileClientHello(clientProfile(id)!, peer.host)!);
      expect(seen.filter((s) => helloIdentity(s) === want), id).toHaveLength(1);
    }
    // The client check's own connection (OpenSSL) plus one per profile: these four send four different hellos.
    expect(r.connections).toBe(1 + IDS.length);
  });
});

describe('replayed Windows 10 flight (TLS 1.2, scripted)', () => {
  let reset: TlsPeer;
  let alerting: TlsPeer;
  let r: MeasuredRecord;
  let ra: MeasuredRecord;
  beforeAll(async () => {
    reset = await startTlsPeer(windowsFlightReplay(WIN10), '127.0.54.2');
    alerting = await startTlsPeer(windowsFlightReplay(WIN10, 'alert'), '127.0.54.3');
    [r, ra] = await Promise.all([simulate(reset), simulate(alerting)]);
  });
  afterAll(async () => {
    await reset.close();
    await alerting.close();
  });

  it('the Windows 10 client gets in with the recorded answer, as the recorded one did', () => {
    expect(r.clients!['mstsc-win10']).toMatchObject({ connects: true, tls_version: 'tls1.2', cipher: 'TLS_RSA_WITH_AES_256_GCM_SHA384' });
    expect(r.clients!['freerdp-2']).toMatchObject({ connects: true, tls_version: 'tls1.2' });
  });

  it('a TLS 1.0-only Windows 7 is refused: by a reset, or by alert 70 protocol_version', () => {
    expect(r.clients!['mstsc-win7']).toMatchObject({ connects: false, fails_at: { stage: 'tls', reason: 'tls_refused' } });
    expect(ra.clients!['mstsc-win7']!.fails_at!.detail).toContain('alert 70 protocol_version');
    expect(ra.clients!['mstsc-win10']!.connects).toBe(true);
  });
});
