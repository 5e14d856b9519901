/**
 * Fuzz suite, TLS: every decoder of protocol/tls may only return a value or throw DecodeError (layer tls or
 * sslv2), for random bytes and for mutations of real inputs (the Windows flights and hellos in captures/, the
 * RFC 8448 TLS 1.3 trace, flights of the scripted peers' shape). Plus round trips of random ClientHello specs and
 * every-strict-prefix-fails for each encoder's output. See test/fuzz/README.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '../../protocol/writer.js';
import { loadTranscript } from '../helpers/replay.js';
import { decodeOrDecodeError, expectPrefixesFail, fuzz, mutated, randomBytes, regressions, RUNS } from './fuzz-helpers.js';
import { decodeRecord, decodeRecords, recordFrameLength } from '../../protocol/tls/record.js';
import { decodeAlert } from '../../protocol/tls/alert.js';
import { decodeHandshakeMessages } from '../../protocol/tls/handshake.js';
import { decodeClientHello, encodeClientHello, type ClientHelloSpec } from '../../protocol/tls/client-hello.js';
import { decodeServerHello, encodeServerHello } from '../../protocol/tls/server-hello.js';
import { decodeCertificate12, decodeCertificate13, decodeCertificateStatus, encodeCertificate12, encodeCertificate13, encodeCertificateStatus } from '../../protocol/tls/certificate.js';
import { decodeServerKeyExchange, encodeServerKeyExchange } from '../../protocol/tls/server-key-exchange.js';
import { decodeSslv2ClientHelloMessage, decodeSslv2ErrorMessage, decodeSslv2Record, decodeSslv2ServerHello, decodeSslv2ServerHelloMessage, encodeSslv2ClientHelloMessage, encodeSslv2Record, encodeSslv2ServerHelloMessage } from '../../protocol/tls/sslv2.js';
import { readFirstFlight } from '../../protocol/tls/flight.js';
import { generateKeyShare } from '../../protocol/tls/key-share.js';
import { serverExtension, type ClientExtensionSpec } from '../../protocol/tls/extensions.js';

const flowOf = (name: string) => loadTranscript(name).connections[0]!.flow.map((e) => fromHex('client' in e ? e.client : e.server));
const W2008 = flowOf('windows-2008r2-tls-flight');
const W10 = flowOf('windows-10-tls-flight');
const NDPI = flowOf('windows-10-ndpi-tls-flight')[0]!;
const RFC8448 = JSON.parse(readFileSync(new URL('../fixtures/tls/rfc8448-simple-1rtt.json', import.meta.url), 'utf8')) as Record<string, string>;

const FLIGHTS = [W2008[3]!, W10[3]!, NDPI];
const HELLOS = [W2008[2]!, W10[2]!, encodeClientHello({ recordVersion: 0x0301, legacyVersion: 0x0303, random: new Uint8Array(32), sessionId: new Uint8Array(0), cipherSuites: [0x1301], compressionMethods: [0], extensions: [{ type: 'key_share', shares: [{ group: 0x1d, keyExchange: new Uint8Array(32).fill(9) }] }, { type: 'alpn', protocols: ['h2'] }, { type: 'padding', length: 3 }] }).bytes];
const body = (record: Uint8Array) => decodeRecord(record.subarray(0, 5 + ((record[3]! << 8) | record[4]!))).fragment.subarray(4);
const SERVER_HELLO_BODIES = FLIGHTS.map((f) => decodeHandshakeMessages(decodeRecords(f).records.map((r) => r.fragment).reduce((a, b) => Uint8Array.from([...a, ...b])))[0]!.body);
const CERT_BODIES = FLIGHTS.map((f) => decodeHandshakeMessages(decodeRecords(f).records.map((r) => r.fragment).reduce((a, b) => Uint8Array.from([...a, ...b])))[1]!.body);
const SKE_BODY = decodeHandshakeMessages(decodeRecords(NDPI).records[0]!.fragment)[2]!.body;
const TLS13_FLIGHT = fromHex(RFC8448['serverHelloRecord']! + RFC8448['serverFlightRecord']!);
const TLS13_KEYS = { clientHello: fromHex(RFC8448['clientHello']!), keyShares: [generateKeyShare(0x1d, fromHex(RFC8448['clientPrivateKey']!))] };
const SSL2_SERVER_HELLO = encodeSslv2Record(encodeSslv2ServerHelloMessage({ sessionIdHit: 0, certificateType: 1, version: 2, certificate: CERT_BODIES[0]!.subarray(6), cipherSpecs: [0x010080, 0x0700c0], connectionId: new Uint8Array(16) }));
const SSL2_CLIENT_HELLO = encodeSslv2ClientHelloMessage({ version: 2, cipherSpecs: [0x010080, 0x000005], sessionId: new Uint8Array(0), challenge: new Uint8Array(16) });

describe('fuzz: TLS records, alerts, handshake framing', () => {
  fuzz('decodeRecords', (b) => decodeRecords(b), [randomBytes(), randomBytes([0x16, 0x03, 0x01], 32), mutated(FLIGHTS)]);
  fuzz('decodeRecord', (b) => decodeRecord(b), [randomBytes([0x15, 0x03, 0x03, 0x00, 0x02], 4), mutated(HELLOS)]);
  fuzz('recordFrameLength', (b) => recordFrameLength(b), [randomBytes([], 8), mutated(FLIGHTS.map((f) => f.subarray(0, 6)))]);
  fuzz('decodeAlert', (b) => decodeAlert(b), [randomBytes([], 4)]);
  fuzz('decodeHandshakeMessages', (b) => decodeHandshakeMessages(b), [randomBytes([0x02, 0x00, 0x00], 40), mutated(SERVER_HELLO_BODIES)]);

  it('recordFrameLength: null or the full length for every prefix of a real record', () => {
    for (const f of FLIGHTS) {
      const len = 5 + ((f[3]! << 8) | f[4]!);
      for (let n = 0; n <= 8; n++) {
        const got = recordFrameLength(f.subarray(0, n));
        expect(got === null || got === len).toBe(true);
      }
    }
  });
});

describe('fuzz: hellos and server messages', () => {
  fuzz('decodeClientHello', decodeClientHello, [randomBytes([0x16, 0x03, 0x01, 0x00, 0x40, 0x01, 0x00, 0x00, 0x3c, 0x03, 0x03], 64), mutated(HELLOS)]);
  fuzz('decodeServerHello', (b) => decodeServerHello(b), [randomBytes([0x03, 0x03], 80), mutated(SERVER_HELLO_BODIES)]);
  fuzz('decodeCertificate12', (b) => decodeCertificate12(b), [randomBytes([0x00], 16), mutated(CERT_BODIES)]);
  fuzz('decodeCertificate13', (b) => decodeCertificate13(b), [randomBytes([0x00, 0x00], 16), mutated([encodeCertificate13({ context: new Uint8Array(0), entries: [{ data: Uint8Array.of(1, 2, 3), extensions: [{ type: 5, data: Uint8Array.of(1, 0, 0, 1, 9) }] }] }).subarray(4)])]);
  fuzz('decodeCertificateStatus', (b) => decodeCertificateStatus(b), [randomBytes([0x01], 8), mutated([encodeCertificateStatus(Uint8Array.of(0x30, 0x03, 0x0a, 0x01, 0x00)).subarray(4)])]);
  fuzz('decodeServerKeyExchange ECDHE TLS 1.2', (b) => decodeServerKeyExchange(b, 0xc030, 0x0303), [randomBytes([0x03, 0x00, 0x17], 40), mutated([SKE_BODY])]);
  fuzz('decodeServerKeyExchange DHE TLS 1.0', (b) => decodeServerKeyExchange(b, 0x0033, 0x0301), [randomBytes([0x00, 0x02], 40), mutated([encodeServerKeyExchange({ kind: 'dhe', p: Uint8Array.of(0xff, 0xfb), g: Uint8Array.of(2), ys: Uint8Array.of(5), primeBits: 0, signature: { algorithm: null, signature: Uint8Array.of(1) } }).subarray(4)])]);
  fuzz('decodeServerKeyExchange anonymous RSA export', (b) => decodeServerKeyExchange(b, 0x0003, 0x0301), [randomBytes([], 20)]);
});

describe('fuzz: SSL 2.0', () => {
  fuzz('decodeSslv2Record', (b) => decodeSslv2Record(b), [randomBytes([], 12), mutated([SSL2_SERVER_HELLO])]);
  fuzz('decodeSslv2ServerHello', decodeSslv2ServerHello, [randomBytes([0x80], 40), mutated([SSL2_SERVER_HELLO])]);
  fuzz('decodeSslv2ServerHelloMessage', (b) => decodeSslv2ServerHelloMessage(b), [randomBytes([0x04], 40)]);
  fuzz('decodeSslv2ClientHelloMessage', (b) => decodeSslv2ClientHelloMessage(b), [randomBytes([0x01, 0x00, 0x02], 40), mutated([SSL2_CLIENT_HELLO])]);
  fuzz('decodeSslv2ErrorMessage', (b) => decodeSslv2ErrorMessage(b), [randomBytes([0x00], 4)]);
});

/**
 * decodeRecords as the transport calls it, on a Buffer: every fragment must be a plain Uint8Array copy. Buffer's
 * slice() is a view, so `.slice()` on a Buffer input once handed out views of the socket's Buffer (28c7f9c).
 */
function decodeRecordsFromBuffer(b: Uint8Array): ReturnType<typeof decodeRecords> {
  const input = Buffer.from(b);
  const out = decodeRecords(input);
  for (const r of out.records) {
    if (Buffer.isBuffer(r.fragment) || r.fragment.buffer === input.buffer) throw new Error(`record fragment at offset ${r.offset} is a view of the input Buffer, not a copy`);
  }
  return out;
}

describe('fuzz: TLS regressions', () => {
  regressions('tls-records', decodeRecordsFromBuffer);
  regressions('tls-first-flight', (b) => readFirstFlight(b));
});

describe('fuzz: first-flight reader', () => {
  fuzz('readFirstFlight', (b) => readFirstFlight(b), [randomBytes([0x16, 0x03, 0x03], 40), randomBytes([0x80], 20), mutated([...FLIGHTS, TLS13_FLIGHT, SSL2_SERVER_HELLO])]);
  fuzz('readFirstFlight with TLS 1.3 keys', (b) => readFirstFlight(b, TLS13_KEYS), [mutated([TLS13_FLIGHT])]);

  it('DecodeError offsets of mutated flights point inside the input', () => {
    fc.assert(fc.property(mutated(FLIGHTS), (b) => void decodeOrDecodeError('readFirstFlight', (x) => readFirstFlight(x), b)), { numRuns: RUNS });
  });
});

// ------------------------------------------------------------------------------------------ round trips

const u16 = fc.integer({ min: 0, max: 0xffff });
const bytes = (max: number) => fc.uint8Array({ maxLength: max });
const extensionArb: fc.Arbitrary<ClientExtensionSpec> = fc.oneof(
  fc.record({ type: fc.constant('server_name' as const), hostName: fc.stringMatching(/^[a-z0-9.-]{1,30}$/) }),
  fc.record({ type: fc.constant('supported_versions' as const), versions: fc.array(u16, { minLength: 1, maxLength: 8 }) }),
  fc.record({ type: fc.constant('supported_groups' as const), groups: fc.array(u16, { minLength: 1, maxLength: 8 }) }),
  fc.record({ type: fc.constant('ec_point_formats' as const), formats: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 3 }) }),
  fc.record({ type: fc.constant('signature_algorithms' as const), schemes: fc.array(u16, { minLength: 1, maxLength: 8 }) }),
  fc.record({ type: fc.constant('key_share' as const), shares: fc.array(fc.record({ group: u16, keyExchange: fc.uint8Array({ minLength: 1, maxLength: 40 }) }), { maxLength: 3 }) }),
  fc.record({ type: fc.constant('renegotiation_info' as const), renegotiatedConnection: bytes(12) }),
  fc.record({ type: fc.constant('session_ticket' as const), ticket: bytes(20) }),
  fc.constant({ type: 'extended_master_secret' as const }),
  fc.constant({ type: 'encrypt_then_mac' as const }),
  fc.record({ type: fc.constant('status_request' as const), responderIds: fc.array(fc.uint8Array({ minLength: 1, maxLength: 5 }), { maxLength: 2 }), requestExtensions: bytes(6) }),
  fc.record({ type: fc.constant('alpn' as const), protocols: fc.array(fc.stringMatching(/^[a-z0-9/.]{1,10}$/), { minLength: 1, maxLength: 3 }) }),
  fc.record({ type: fc.constant('psk_key_exchange_modes' as const), modes: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 2 }) }),
  fc.record({ type: fc.constant('padding' as const), length: fc.integer({ min: 0, max: 40 }) }),
  fc.record({ type: fc.constant('raw' as const), id: fc.constantFrom(0x3374, 0x4469, 0x1234, 0xfe0d), data: bytes(10) }),
);
const specArb: fc.Arbitrary<ClientHelloSpec> = fc.record({
  recordVersion: fc.constantFrom(0x0300, 0x0301, 0x0303),
  legacyVersion: fc.constantFrom(0x0300, 0x0301, 0x0302, 0x0303),
  random: fc.uint8Array({ minLength: 32, maxLength: 32 }),
  sessionId: fc.oneof(fc.constant(new Uint8Array(0)), fc.uint8Array({ minLength: 32, maxLength: 32 })),
  cipherSuites: fc.array(u16, { minLength: 1, maxLength: 20 }),
  compressionMethods: fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 1, maxLength: 3 }),
  extensions: fc.option(fc.uniqueArray(extensionArb, { maxLength: 10, selector: (e) => (e.type === 'raw' ? `raw${e.id}` : e.type) }), { nil: null }),
});

describe('round trips and strict prefixes', () => {
  it('ClientHello: decode(encode(spec)).spec === spec, re-encoding is byte-identical, every strict prefix fails', () => {
    fc.assert(
      fc.property(specArb, (spec) => {
        const enc = encodeClientHello(spec);
        const dec = decodeClientHello(enc.bytes);
        expect(toHex(encodeClientHello(dec.spec).bytes)).toBe(toHex(enc.bytes));
        expect(dec.spec).toEqual(enc.spec);
        expectPrefixesFail('decodeClientHello', decodeClientHello, enc.bytes);
      }),
      { numRuns: Math.min(RUNS, 100) },
    );
  });

  it('ServerHello, Certificate, CertificateStatus, ServerKeyExchange, SSL 2.0 SERVER-HELLO: every strict prefix fails', () => {
    const sh = encodeServerHello({ legacyVersion: 0x0303, random: new Uint8Array(32), sessionId: new Uint8Array(32), cipherSuite: 0xc02f, compressionMethod: 0, extensions: [serverExtension.renegotiationInfo(), serverExtension.extendedMasterSecret(), serverExtension.alpn('h2')] });
    expectPrefixesFail('decodeServerHello', (b) => decodeServerHello(b), sh.subarray(4), (n) => n === 38 + 32); // a ServerHello may end before extensions
    expectPrefixesFail('decodeCertificate12', (b) => decodeCertificate12(b), encodeCertificate12([Uint8Array.of(1, 2), Uint8Array.of(3)]).subarray(4));
    expectPrefixesFail('decodeCertificateStatus', (b) => decodeCertificateStatus(b), encodeCertificateStatus(Uint8Array.of(9, 9)).subarray(4));
    expectPrefixesFail('decodeServerKeyExchange', (b) => decodeServerKeyExchange(b, 0xc030, 0x0303), SKE_BODY);
    expectPrefixesFail('decodeSslv2ServerHello', decodeSslv2ServerHello, SSL2_SERVER_HELLO);
    for (const h of HELLOS) expectPrefixesFail('decodeClientHello', decodeClientHello, h);
    void body;
  });
});
