/**
 * The TLS checks (versions, deep mode) through probeHost, against peers on real loopback sockets:
 *  - recorded Windows first flights (Windows Server 2008 R2: TLS 1.0 / TLS_RSA_WITH_AES_128_CBC_SHA; Windows 10:
 *    TLS 1.2), replayed only to a ClientHello that offers the flight's version and suite, else the alert Schannel
 *    sends (test/helpers/tls-peers.ts windowsFlightReplay): real Windows bytes decide;
 *  - SCRIPTED legacy servers for what Debian's OpenSSL 3 (and so the lab) can no longer serve: SSL 2.0, SSL 3.0, RC4,
 *    3DES, 1024-bit DHE, compression, missing secure renegotiation, a fallback-SCSV-aware server, and a server that
 *    answers with a suite it was not offered. They emit valid first flights; no handshake completes with them.
 * Peers listen on 127.0.63.x (ephemeral ports); every probe is bounded by its host deadline.
 */
import pLimit from 'p-limit';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { DEFAULT_SCAN_OPTIONS, probeHost, type ScanOptions } from '../../src/checks/index.js';
import { SUITES_BUDGET } from '../../src/checks/tls/suites.js';
import { diagnose } from '../../src/diagnosis/index.js';
import type { MeasuredRecord, ProbeRecord } from '../../src/record.js';
import { tcpDialer } from '../../src/transport/dialer.js';
import { resolveHost } from '../../src/transport/resolve.js';
import { fromHex } from '../../protocol/writer.js';
import { loadTranscript } from '../helpers/replay.js';
import { scriptedServer, scriptedSslv2Server, startTlsPeer, windowsFlightReplay, type Responder, type TlsPeer } from '../helpers/tls-peers.js';
import { selfSigned, type TestCert } from '../helpers/tls-certs.js';

const OPTS: ScanOptions = { ...DEFAULT_SCAN_OPTIONS, timeoutMs: 700, hostTimeoutMs: 20_000, checks: { ...DEFAULT_SCAN_OPTIONS.checks, udp: false, credssp: false } };
const DEEP: ScanOptions = { ...OPTS, checks: { ...OPTS.checks, 'tls-suites': true } };

let cert: TestCert;
const peers: TlsPeer[] = [];
let octet = 1;
beforeAll(async () => {
  cert = await selfSigned('legacy.scripted.test');
});
afterEach(async () => {
  while (peers.length > 0) await peers.pop()!.close();
});

async function probe(responder: Responder, opts: ScanOptions): Promise<{ r: MeasuredRecord; peer: TlsPeer }> {
  const host = `127.0.63.${octet++}`;
  const peer = await startTlsPeer(responder, host);
  peers.push(peer);
  const limit = pLimit(4);
  const r = await probeHost({ target: `${host}:${peer.port}`, host, address: host, port: peer.port }, opts, { dialer: tcpDialer, connectionSlot: (fn) => limit(fn), resolve: resolveHost });
  return { r, peer };
}

const ids = (r: MeasuredRecord): string[] => diagnose({ ...r, findings: [], scan: null } as ProbeRecord).map((f) => f.id);
const names = (r: MeasuredRecord, v: string): string[] => (r.tls?.cipher_suites?.[v as 'tls1.0'] ?? []).map((s) => s.name);
const flightOf = (name: string): Uint8Array => fromHex((loadTranscript(name).connections[0]!.flow[3] as { server: string }).server);

describe('recorded Windows first flights, replayed', () => {
  it('Windows Server 2008 R2: TLS 1.0 only, one suite, the certificate as sent (alerts elsewhere)', async () => {
    const { r } = await probe(windowsFlightReplay(flightOf('windows-2008r2-tls-flight'), 'alert'), DEEP);
    expect(r.tls!.versions).toEqual({ 'ssl2.0': false, 'ssl3.0': false, 'tls1.0': true, 'tls1.1': false, 'tls1.2': false, 'tls1.3': false });
    expect(r.tls!.attempts['tls1.0'].cipher).toBe('TLS_RSA_WITH_AES_128_CBC_SHA');
    // A TLS 1.2 hello may be answered at 1.0 (client_version is a maximum): that refuses 1.2. TLS 1.3 gets the alert.
    expect(r.tls!.attempts['tls1.2'].refusal).toMatchObject({ kind: 'version_mismatch', detail: 'server chose TLS 1.0' });
    expect(r.tls!.attempts['tls1.3'].refusal?.alert_description).toBe('protocol_version');
    expect(names(r, 'tls1.0')).toEqual(['TLS_RSA_WITH_AES_128_CBC_SHA']);
    expect(r.certificate?.subject_cn).toBe('WIN2K8R2.awakecoding.ath.cx');
    expect(r.certificate?.chain).toHaveLength(1);
    expect(r.certificate?.trust_error).toBe('self_signed');
    expect(ids(r)).toEqual(expect.arrayContaining(['tls12_missing', 'tls_cbc_only', 'tls_no_pfs']));
  });

  it('Windows 10: TLS 1.2 with its suite; every other version refused', async () => {
    const { r } = await probe(windowsFlightReplay(flightOf('windows-10-tls-flight'), 'alert'), OPTS);
    expect(r.tls!.versions['tls1.2']).toBe(true);
    for (const v of ['tls1.0', 'tls1.1', 'tls1.3'] as const) expect(r.tls!.versions[v]).toBe(false);
    // Without --tls-suites: SSL not measured, no suite list, nothing for the suite rules to read.
    expect(r.tls!.versions['ssl3.0']).toBeNull();
    expect(r.tls!.cipher_suites).toBeNull();
    expect(r.certificate).not.toBeNull();
  });
});

describe('SCRIPTED legacy servers (Debian OpenSSL 3 cannot serve these)', () => {
  const RC4_SHA = 0x0005, RC4_MD5 = 0x0004, DES3 = 0x000a, AES128 = 0x002f, AES256 = 0x0035, DHE_AES128 = 0x0033, ECDHE_GCM = 0xc02f;

  it('an old Schannel-like server: SSL 3.0 + TLS 1.0, RC4 first, 3DES, 1024-bit DHE, its own order', async () => {
    const suites = [RC4_SHA, RC4_MD5, AES128, AES256, DHE_AES128, DES3];
    const { r } = await probe(scriptedServer({ versions: [0x0300, 0x0301], suites, preference: 'server', certificate: cert, dhBits: 1024 }), DEEP);
    expect(r.not_measured).toEqual({});
    expect(r.tls!.versions).toEqual({ 'ssl2.0': false, 'ssl3.0': true, 'tls1.0': true, 'tls1.1': false, 'tls1.2': false, 'tls1.3': false });
    expect(names(r, 'tls1.0')).toEqual(['TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_RC4_128_MD5', 'TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_AES_256_CBC_SHA', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA']);
    // SSL 3.0 has only the suites defined for it (RFC 6101 A.6): the AES ones are TLS suites.
    expect(names(r, 'ssl3.0')).toEqual(['TLS_RSA_WITH_RC4_128_SHA', 'TLS_RSA_WITH_RC4_128_MD5', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA']);
    expect(r.tls!.server_preference).toBe(true);
    expect(r.tls!.dh_bits).toBe(1024);
    expect(r.tls!.cipher_suites!['tls1.0']!.map((s) => s.strength)).toEqual(['insecure', 'insecure', 'weak', 'weak', 'acceptable', 'weak']);
    expect(ids(r)).toEqual(expect.arrayContaining(['ssl3_enabled', 'tls_rc4', 'tls_3des', 'tls_weak_dh', 'tls_no_pfs', 'tls_cbc_only', 'tls12_missing']));
    expect(ids(r)).not.toContain('ssl2_enabled');
    expect(r.connections).toBeLessThan(SUITES_BUDGET);
  });

  it('a client-order server: the suites in rdprobe\'s order (strongest first), server_preference false', async () => {
    const { r } = await probe(scriptedServer({ versions: [0x0303], suites: [AES128, ECDHE_GCM, DES3], preference: 'client', certificate: cert }), DEEP);
    expect(r.tls!.server_preference).toBe(false);
    expect(names(r, 'tls1.2')).toEqual(['TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA']);
    expect(ids(r)).toContain('tls_3des');
    expect(ids(r)).not.toContain('tls_cbc_only');
  });

  it('SSL 2.0: one SERVER-HELLO lists every shared cipher spec', async () => {
    const sslv2 = scriptedSslv2Server(cert.der, [0x010080, 0x0700c0]);
    const tls = scriptedServer({ versions: [0x0301], suites: [AES128], preference: 'server', certificate: cert });
    const { r } = await probe((h) => (h.kind === 'sslv2' ? sslv2(h) : tls(h)), DEEP);
    expect(r.tls!.versions['ssl2.0']).toBe(true);
    expect(names(r, 'ssl2.0')).toEqual(['SSL_CK_RC4_128_WITH_MD5', 'SSL_CK_DES_192_EDE3_CBC_WITH_MD5']);
    expect(r.tls!.cipher_suites!['ssl2.0']!.every((s) => s.strength === 'insecure')).toBe(true);
    expect(ids(r)).toContain('ssl2_enabled');
  });

  it('compression, no secure renegotiation, and a server that honours TLS_FALLBACK_SCSV', async () => {
    const { r } = await probe(scriptedServer({ versions: [0x0301, 0x0302, 0x0303], suites: [AES128], preference: 'server', certificate: cert, compression: 1, renegotiationInfo: false, fallback: 'reject' }), DEEP);
    expect(r.tls!.compression).toBe(true);
    expect(r.tls!.secure_renegotiation).toBe(false);
    expect(r.tls!.fallback_scsv).toBe(true);
    expect(ids(r)).toContain('tls_no_secure_renegotiation');
  });

  it('a server that ignores the fallback SCSV, without compression', async () => {
    const { r } = await probe(scriptedServer({ versions: [0x0301, 0x0303], suites: [AES128], preference: 'server', certificate: cert }), DEEP);
    expect(r.tls!.fallback_scsv).toBe(false);
    expect(r.tls!.compression).toBe(false);
    expect(r.tls!.secure_renegotiation).toBe(true);
  });

  it('a ServerHello choosing a suite that was not offered is a protocol error, never an acceptance', async () => {
    const { r } = await probe(scriptedServer({ versions: [0x0303], suites: [AES128], preference: 'server', certificate: cert, forceSuite: 0x1301 }), OPTS);
    expect(r.tls!.versions['tls1.2']).toBe(false);
    expect(r.tls!.attempts['tls1.2'].refusal?.kind).toBe('protocol_error');
    expect(r.tls!.attempts['tls1.2'].refusal?.detail).toMatch(/TLS_AES_128_GCM_SHA256, not (offered|allowed)/);
  });

  it('an alert followed in the same segment by a cleartext MCS Disconnect Provider Ultimatum (what xrdp sends) is the alert', async () => {
    // The alert record (fatal protocol_version), then the TPKT xrdp writes after its TLS layer gave up.
    const alertThenDpu = Uint8Array.from(Buffer.from('1503010002024603000009' + '02f0802180', 'hex'));
    const { r } = await probe(() => ({ send: alertThenDpu, then: 'close' }), OPTS);
    for (const v of ['tls1.0', 'tls1.1', 'tls1.2', 'tls1.3'] as const) expect(r.tls!.attempts[v].refusal, v).toMatchObject({ kind: 'alert', alert: 70, alert_description: 'protocol_version' });
  });

  it('without --tls-suites, the default probe stays within its 12 connections and measures no SSL', async () => {
    const { r } = await probe(scriptedServer({ versions: [0x0300, 0x0301], suites: [RC4_SHA, AES128], preference: 'server', certificate: cert }), OPTS);
    expect(r.connections).toBeLessThanOrEqual(12);
    expect(r.tls!.versions['ssl3.0']).toBeNull();
    // A forbidden suite the version probe saw chosen is a fact even without the deep mode.
    expect(r.tls!.attempts['tls1.0'].cipher).toBe('TLS_RSA_WITH_RC4_128_SHA');
    expect(ids(r)).toContain('tls_weak_cipher');
    expect(ids(r)).not.toContain('tls_rc4');
  });
});
