/**
 * The TLS 1.3 path against a real TLS 1.3 server: node:tls (OpenSSL 3) on 127.0.0.1 with a certificate made in
 * the test. Our ClientHello goes over a raw socket; the server's encrypted flight is decrypted with our own
 * ephemeral key, and the chain read from it must be the server's certificate DER. Nothing is sent after the
 * ClientHello (the server gives up on its own once we close).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import net from 'node:net';
import tls from 'node:tls';
import { encodeClientHello, type ClientHelloSpec } from '../../protocol/tls/client-hello.js';
import { readFirstFlight, type FirstFlight } from '../../protocol/tls/flight.js';
import { validateServerHello } from '../../protocol/tls/validate.js';
import { toHex } from '../../protocol/writer.js';
import { selfSigned, type TestCert } from '../helpers/tls-certs.js';

let cert: TestCert;
let server: tls.Server;
let port: number;

beforeAll(async () => {
  cert = await selfSigned('tls13.live.test');
  // TLS_AES_128_CCM_SHA256 is off by default in OpenSSL; enable every RFC 8446 suite we can decrypt.
  server = tls.createServer({ key: cert.keyPem, cert: cert.certPem, minVersion: 'TLSv1.3', ciphers: 'TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256:TLS_AES_128_CCM_SHA256:TLS_AES_128_CCM_8_SHA256' });
  server.on('tlsClientError', () => {}); // we never finish the handshake
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  port = (server.address() as net.AddressInfo).port;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

function tls13Hello(suites: number[], group: number): ClientHelloSpec {
  return {
    recordVersion: 0x0301,
    legacyVersion: 0x0303,
    sessionId: new Uint8Array(32).fill(0x5a), // middlebox compatibility mode: the server then sends a CCS (RFC 8446 D.4)
    cipherSuites: suites,
    compressionMethods: [0],
    extensions: [
      { type: 'server_name', hostName: 'tls13.live.test' },
      { type: 'supported_groups', groups: [group] },
      { type: 'signature_algorithms', schemes: [0x0804, 0x0401, 0x0403] },
      { type: 'key_share', shares: [{ group }] },
      { type: 'supported_versions', versions: [0x0304] },
      { type: 'psk_key_exchange_modes', modes: [1] },
    ],
  };
}

/** Sends the hello, reads until the first flight is complete (5 s deadline), closes. */
function fetchFlight(spec: ClientHelloSpec): Promise<{ flight: FirstFlight; spec: ClientHelloSpec }> {
  const enc = encodeClientHello(spec);
  return new Promise((resolve, reject) => {
    const sock = net.connect({ host: '127.0.0.1', port }, () => sock.write(enc.bytes));
    let buf = Buffer.alloc(0);
    const timer = setTimeout(() => { sock.destroy(); reject(new Error('no complete flight within 5 s')); }, 5000);
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      try {
        const flight = readFirstFlight(buf, { clientHello: enc.handshake, keyShares: enc.keyShares });
        if (flight.complete) {
          clearTimeout(timer);
          sock.destroy();
          resolve({ flight, spec: enc.spec });
        }
      } catch (e) {
        clearTimeout(timer);
        sock.destroy();
        reject(e);
      }
    });
    sock.on('error', reject);
  });
}

describe('TLS 1.3 first flight from a real server (node:tls / OpenSSL 3)', () => {
  const cases: [string, number, number][] = [
    ['TLS_AES_128_GCM_SHA256 over x25519', 0x1301, 0x001d],
    ['TLS_AES_256_GCM_SHA384 over x25519', 0x1302, 0x001d],
    ['TLS_CHACHA20_POLY1305_SHA256 over x25519', 0x1303, 0x001d],
    ['TLS_AES_128_CCM_SHA256 over x25519', 0x1304, 0x001d],
    ['TLS_AES_128_GCM_SHA256 over secp256r1', 0x1301, 0x0017],
    ['TLS_AES_256_GCM_SHA384 over secp384r1', 0x1302, 0x0018],
  ];
  for (const [name, suite, group] of cases) {
    it(`${name}: the decrypted chain is the server's certificate`, async () => {
      const { flight, spec } = await fetchFlight(tls13Hello([suite], group));
      expect(flight.complete).toBe(true);
      expect(flight.version).toBe(0x0304);
      expect(flight.cipherSuite).toBe(suite);
      expect(flight.group).toBe(group);
      expect(flight.tls13?.decrypted).toBe(true);
      expect(flight.messages).toEqual([2, 8, 11, 15, 20]);
      expect(flight.certificates.map(toHex)).toEqual([toHex(cert.der)]);
      expect(validateServerHello(spec, flight.serverHello!)).toEqual([]);
    });
  }

  it('offered no share for the only listed group the server takes: a HelloRetryRequest naming it', async () => {
    const spec = tls13Hello([0x1301], 0x001d);
    spec.extensions = spec.extensions!.map((e) => (e.type === 'supported_groups' ? { type: 'supported_groups', groups: [0x001d, 0x0017] } : e.type === 'key_share' ? { type: 'key_share', shares: [] } : e));
    const { flight } = await fetchFlight(spec);
    expect(flight.helloRetryRequest).toBe(true);
    expect(flight.complete).toBe(true);
    expect([0x001d, 0x0017]).toContain(flight.group);
    expect(validateServerHello(spec, flight.serverHello!)).toEqual([]);
  });
});
