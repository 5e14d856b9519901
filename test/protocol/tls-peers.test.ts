/**
 * The codec end to end on real loopback sockets: our ClientHello encoder, the X.224 step, and the first-flight
 * reader against the test peers of test/helpers/tls-peers.ts (a Windows flight replay and scripted legacy
 * servers). Each peer runs on 127.0.0.1 on an ephemeral port and is closed after its test; every exchange is
 * bounded by a 5 s deadline.
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { fromHex, toHex } from '../../protocol/writer.js';
import { loadTranscript } from '../helpers/replay.js';
import { encodeClientHello, type ClientHelloSpec } from '../../protocol/tls/client-hello.js';
import { encodeSslv2ClientHello } from '../../protocol/tls/sslv2.js';
import { validateServerHello } from '../../protocol/tls/validate.js';
import { suiteStrength } from '../../src/analysis/cipher-strength.js';
import { rawTlsExchange, scriptedServer, scriptedSslv2Server, startTlsPeer, windowsFlightReplay, type Responder, type TlsPeer } from '../helpers/tls-peers.js';
import { selfSigned, type TestCert } from '../helpers/tls-certs.js';

let cert: TestCert;
const peers: TlsPeer[] = [];
beforeAll(async () => {
  cert = await selfSigned('scripted.peer.test');
});
afterEach(async () => {
  while (peers.length > 0) await peers.pop()!.close();
});

async function exchange(responder: Responder, hello: Uint8Array) {
  const peer = await startTlsPeer(responder);
  peers.push(peer);
  return rawTlsExchange(peer.host, peer.port, hello);
}

/** A TLS 1.2 hello in the shape Windows 10 sends (suites overridable); SCSVs and extensions as asked. */
function hello(over: Partial<ClientHelloSpec> = {}): ClientHelloSpec {
  return {
    recordVersion: 0x0301,
    legacyVersion: 0x0303,
    sessionId: new Uint8Array(0),
    cipherSuites: [0xc02f, 0xc030, 0xc013, 0x009c, 0x002f, 0x000a, 0x0005],
    compressionMethods: [0],
    extensions: [
      { type: 'supported_groups', groups: [0x001d, 0x0017] },
      { type: 'ec_point_formats', formats: [0] },
      { type: 'signature_algorithms', schemes: [0x0401, 0x0804, 0x0403] },
      { type: 'extended_master_secret' },
      { type: 'renegotiation_info', renegotiatedConnection: new Uint8Array(0) },
    ],
    ...over,
  };
}

const cn = (der: Uint8Array) => new X509Certificate(der).subject;

describe('Windows flight replay peer (Windows Server 2008 R2, TLS 1.0, TLS_RSA_WITH_AES_128_CBC_SHA)', () => {
  const flow = loadTranscript('windows-2008r2-tls-flight').connections[0]!.flow;
  const flight = fromHex((flow[3] as { server: string }).server);
  const recordedHello = fromHex((flow[2] as { client: string }).client);

  it('answers the recorded Windows 7 hello with the recorded flight', async () => {
    const x = await exchange(windowsFlightReplay(flight), recordedHello);
    expect(x.ended).toBe('complete');
    expect(toHex(x.bytes)).toBe(toHex(flight));
    expect(x.flight!.certificates.map(cn)).toEqual(['CN=WIN2K8R2.awakecoding.ath.cx']);
  });

  it('answers our encoder hello offering TLS 1.0 and the suite with the flight', async () => {
    const x = await exchange(windowsFlightReplay(flight), encodeClientHello(hello({ legacyVersion: 0x0301 })).bytes);
    expect(x.flight!.version).toBe(0x0301);
    expect(x.flight!.cipherSuite).toBe(0x002f);
  });

  it('resets the connection for a hello without the suite (RDP listener behaviour)', async () => {
    const x = await exchange(windowsFlightReplay(flight), encodeClientHello(hello({ cipherSuites: [0xc02f] })).bytes);
    expect(x.ended).toBe('reset');
    expect(x.bytes.length).toBe(0);
  });

  it('resets the connection for a hello that offers only TLS 1.2 (supported_versions)', async () => {
    const spec = hello({ extensions: [{ type: 'supported_versions', versions: [0x0303] }] });
    const x = await exchange(windowsFlightReplay(flight), encodeClientHello(spec).bytes);
    expect(x.ended).toBe('reset');
  });

  it("in 'alert' mode: handshake_failure (40) for no common suite, protocol_version (70) for the version", async () => {
    const a = await exchange(windowsFlightReplay(flight, 'alert'), encodeClientHello(hello({ cipherSuites: [0xc02f] })).bytes);
    expect(a.flight!.alert).toMatchObject({ level: 2, description: 40, name: 'handshake_failure' });
    const b = await exchange(windowsFlightReplay(flight, 'alert'), encodeClientHello(hello({ extensions: [{ type: 'supported_versions', versions: [0x0303] }] })).bytes);
    expect(b.flight!.alert).toMatchObject({ level: 2, description: 70, name: 'protocol_version' });
  });
});

describe('scripted SSL 2.0 and SSL 3.0 servers', () => {
  it('SSL 2.0: an SSL 2.0 CLIENT-HELLO (2-byte header) gets a SERVER-HELLO with the certificate and common specs', async () => {
    const h = encodeSslv2ClientHello({ version: 0x0002, cipherSpecs: [0x0700c0, 0x010080, 0x020080], sessionId: new Uint8Array(0), challenge: new Uint8Array(16).fill(7) });
    const x = await exchange(scriptedSslv2Server(cert.der, [0x010080, 0x0700c0]), h);
    expect(x.flight!.kind).toBe('sslv2');
    expect(x.flight!.complete).toBe(true);
    expect(x.flight!.sslv2!.cipherSpecs).toEqual([0x010080, 0x0700c0]);
    expect(toHex(x.flight!.sslv2!.certificate)).toBe(toHex(cert.der));
  });

  it('SSL 2.0: no common cipher spec gets ERROR NO-CIPHER-ERROR', async () => {
    const h = encodeSslv2ClientHello({ version: 0x0002, cipherSpecs: [0x060040], sessionId: new Uint8Array(0), challenge: new Uint8Array(16) }, 3);
    const x = await exchange(scriptedSslv2Server(cert.der, [0x010080]), h);
    expect(x.flight!.sslv2Error).toEqual({ code: 1, name: 'NO-CIPHER-ERROR' });
  });

  it('SSL 3.0: the normal encoder with version 0x0300 and no extensions gets an SSL 3.0 flight', async () => {
    const spec = hello({ recordVersion: 0x0300, legacyVersion: 0x0300, cipherSuites: [0x000a, 0x0005], extensions: null });
    const x = await exchange(scriptedServer({ versions: [0x0300], suites: [0x0005, 0x000a], preference: 'server', certificate: cert }), encodeClientHello(spec).bytes);
    expect(x.flight).toMatchObject({ complete: true, recordVersion: 0x0300, version: 0x0300, cipherSuite: 0x0005, serverHelloDone: true });
    expect(x.flight!.serverHello!.extensions).toBeNull();
    expect(validateServerHello(spec, x.flight!.serverHello!)).toEqual([]);
  });
});

describe('scripted TLS servers: what they accept', () => {
  const tls12 = (suites: number[], extra: Partial<Parameters<typeof scriptedServer>[0]> = {}) => scriptedServer({ versions: [0x0301, 0x0302, 0x0303], suites, preference: 'server', certificate: cert, ...extra });

  it('RC4 only: picks RC4-SHA from a hello that also offers modern suites; insecure', async () => {
    const spec = hello();
    const x = await exchange(tls12([0x0005, 0x0004]), encodeClientHello(spec).bytes);
    expect(x.flight!.cipherSuite).toBe(0x0005);
    expect(suiteStrength(x.flight!.cipherSuite!)).toBe('insecure');
    expect(validateServerHello(spec, x.flight!.serverHello!)).toEqual([]);
  });

  it('RC4 only: a hello without RC4 gets handshake_failure', async () => {
    const x = await exchange(tls12([0x0005]), encodeClientHello(hello({ cipherSuites: [0xc02f, 0x002f] })).bytes);
    expect(x.flight!.alert?.name).toBe('handshake_failure');
    expect(x.ended).not.toBe('timeout');
  });

  it('3DES only: TLS_RSA_WITH_3DES_EDE_CBC_SHA, weak', async () => {
    const x = await exchange(tls12([0x000a]), encodeClientHello(hello()).bytes);
    expect(x.flight!.cipherSuite).toBe(0x000a);
    expect(suiteStrength(0x000a)).toBe('weak');
  });

  it('DHE with a 1024-bit prime: ServerKeyExchange says 1024 bits; a 2048-bit one says 2048', async () => {
    const spec = hello({ cipherSuites: [0x0033, 0x002f] });
    const a = await exchange(tls12([0x0033], { dhBits: 1024 }), encodeClientHello(spec).bytes);
    expect(a.flight!.messages).toEqual([2, 11, 12, 14]);
    expect(a.flight!.dhBits).toBe(1024);
    const b = await exchange(tls12([0x0033], { dhBits: 2048 }), encodeClientHello(spec).bytes);
    expect(b.flight!.dhBits).toBe(2048);
  });

  it('ECDHE: ServerKeyExchange names secp256r1', async () => {
    const x = await exchange(tls12([0xc02f]), encodeClientHello(hello()).bytes);
    expect(x.flight!.group).toBe(0x0017);
    expect(suiteStrength(0xc02f)).toBe('strong');
  });

  it('CBC only: a hello that prefers GCM gets a CBC suite', async () => {
    const x = await exchange(tls12([0xc013, 0x002f]), encodeClientHello(hello()).bytes);
    expect(x.flight!.cipherSuite).toBe(0xc013);
  });

  it("server preference picks its own first suite; client preference the client's", async () => {
    const spec = encodeClientHello(hello({ cipherSuites: [0x002f, 0xc02f] })).bytes;
    const server = await exchange(tls12([0xc02f, 0x002f]), spec);
    const client = await exchange(tls12([0xc02f, 0x002f], { preference: 'client' }), spec);
    expect(server.flight!.cipherSuite).toBe(0xc02f);
    expect(client.flight!.cipherSuite).toBe(0x002f);
  });
});

describe('scripted TLS servers: downgrade protection, renegotiation, compression, stapling', () => {
  const srv = (extra: Partial<Parameters<typeof scriptedServer>[0]>) => scriptedServer({ versions: [0x0301, 0x0303], suites: [0x002f], preference: 'server', certificate: cert, ...extra });
  const fallbackHello = encodeClientHello(hello({ legacyVersion: 0x0301, cipherSuites: [0x002f, 0x5600] })).bytes;

  it('TLS_FALLBACK_SCSV in a TLS 1.0 retry: inappropriate_fallback (86) from a server that checks it', async () => {
    const x = await exchange(srv({ fallback: 'reject' }), fallbackHello);
    expect(x.flight!.alert).toMatchObject({ level: 2, description: 86, name: 'inappropriate_fallback' });
  });

  it('... and a TLS 1.0 ServerHello from one that ignores it (the downgrade is accepted)', async () => {
    const x = await exchange(srv({ fallback: 'ignore' }), fallbackHello);
    expect(x.flight!.version).toBe(0x0301);
    expect(x.flight!.alert).toBeNull();
  });

  it('renegotiation_info: answered by default, absent from a server without RFC 5746', async () => {
    const spec = encodeClientHello(hello()).bytes;
    expect((await exchange(srv({}), spec)).flight!.extensions!.renegotiationInfo).toEqual(new Uint8Array(0));
    expect((await exchange(srv({ renegotiationInfo: false }), spec)).flight!.extensions!.renegotiationInfo).toBeNull();
  });

  it('renegotiation_info answered to TLS_EMPTY_RENEGOTIATION_INFO_SCSV alone (RFC 5746 3.6), and that is valid', async () => {
    const spec = hello({ cipherSuites: [0x002f, 0x00ff], extensions: [] });
    const x = await exchange(srv({}), encodeClientHello(spec).bytes);
    expect(x.flight!.extensions!.renegotiationInfo).toEqual(new Uint8Array(0));
    expect(validateServerHello(spec, x.flight!.serverHello!)).toEqual([]);
  });

  it('compression: DEFLATE (1) selected when offered', async () => {
    const x = await exchange(srv({ compression: 1 }), encodeClientHello(hello({ compressionMethods: [1, 0] })).bytes);
    expect(x.flight!.serverHello!.compressionMethod).toBe(1);
  });

  it('OCSP stapling: status_request answered, CertificateStatus carries the response', async () => {
    const ocsp = Uint8Array.from([0x30, 0x03, 0x0a, 0x01, 0x00]); // OCSPResponse { responseStatus successful } (RFC 6960 4.2.1)
    const spec = hello({ extensions: [{ type: 'status_request', responderIds: [], requestExtensions: new Uint8Array(0) }] });
    const x = await exchange(srv({ ocspResponse: ocsp }), encodeClientHello(spec).bytes);
    expect(x.flight!.messages).toEqual([2, 11, 22, 14]);
    expect(x.flight!.ocspResponse).toEqual(ocsp);
    expect(x.flight!.extensions!.statusRequest).toBe(true);
  });

  it('a server that picks a suite the client did not offer is a protocol error, not an acceptance', async () => {
    const spec = hello({ cipherSuites: [0xc02f, 0x002f] });
    const x = await exchange(srv({ forceSuite: 0x0005 }), encodeClientHello(spec).bytes);
    expect(x.flight!.cipherSuite).toBe(0x0005);
    expect(validateServerHello(spec, x.flight!.serverHello!)).toEqual([{ reason: 'suite_not_offered', suite: 0x0005 }]);
  });
});
