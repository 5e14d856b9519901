/**
 * Golden vectors and properties of the TLS codec pieces: records, handshake framing across records, alerts,
 * SSL 2.0 hellos, the ClientHello encoder's SCSVs and key shares, and the ServerHello-not-offered validator.
 */
import { describe, expect, it } from 'vitest';
import { createECDH, createPublicKey } from 'node:crypto';
import { fromHex, toHex } from '../../protocol/writer.js';
import { decodeError } from '../helpers/codec-asserts.js';
import { decodeRecord, decodeRecords, encodeRecords, recordFrameLength, TLS_MAX_RECORD_LENGTH } from '../../protocol/tls/record.js';
import { decodeAlert, encodeAlertRecord } from '../../protocol/tls/alert.js';
import { decodeHandshakeMessages, HandshakeReassembler } from '../../protocol/tls/handshake.js';
import { decodeClientHello, encodeClientHello, offeredVersions, type ClientHelloSpec } from '../../protocol/tls/client-hello.js';
import { decodeServerHello, encodeServerHello, HELLO_RETRY_REQUEST_RANDOM } from '../../protocol/tls/server-hello.js';
import { serverExtension } from '../../protocol/tls/extensions.js';
import { decodeSslv2ClientHelloMessage, decodeSslv2Record, encodeSslv2ClientHello } from '../../protocol/tls/sslv2.js';
import { validateServerHello } from '../../protocol/tls/validate.js';
import { readFirstFlight } from '../../protocol/tls/flight.js';

describe('record layer (RFC 5246 6.2)', () => {
  const ALERT = fromHex(`
    15          # content type alert
    0303        # version TLS 1.2
    0002        # length 2
    02 28       # fatal, handshake_failure (40)
  `);
  it('an alert record decodes field by field, and encodes back', () => {
    const r = decodeRecord(ALERT);
    expect([r.type, r.version, toHex(r.fragment)]).toEqual([0x15, 0x0303, '0228']);
    expect(decodeAlert(r.fragment)).toEqual({ level: 2, description: 40, levelName: 'fatal', name: 'handshake_failure' });
    expect(toHex(encodeAlertRecord(2, 40, 0x0303))).toBe(toHex(ALERT));
    expect(readFirstFlight(ALERT)).toMatchObject({ complete: true, alert: { name: 'handshake_failure' } });
  });

  it('framing: null until the header is there, then the full length; non-TLS bytes are rejected at once', () => {
    expect(recordFrameLength(ALERT.subarray(0, 4))).toBeNull();
    expect(recordFrameLength(ALERT)).toBe(7);
    expect(decodeError(() => recordFrameLength(Buffer.from('HTTP/1.1 400'))).reason).toMatch(/not a TLS record/);
    expect(decodeError(() => decodeRecords(fromHex('16 02 00'))).reason).toMatch(/major version/);
  });

  it(`caps the record length at 2^14 + 2048 (${TLS_MAX_RECORD_LENGTH})`, () => {
    expect(decodeRecords(fromHex('17 0303 4800')).rest.length).toBe(5); // exactly the cap: incomplete, fine
    expect(decodeError(() => decodeRecords(fromHex('17 0303 4801'))).reason).toMatch(/exceeds/);
  });

  it('decodeRecords keeps an incomplete last record as rest', () => {
    const two = Uint8Array.from([...ALERT, ...ALERT.subarray(0, 6)]);
    const { records, rest } = decodeRecords(two);
    expect(records).toHaveLength(1);
    expect(rest.length).toBe(6);
  });

  it('decodeRecords: garbage after a whole record is reported at its own byte, counted from base', () => {
    const garbage = fromHex('15 0303 0002 0228  ff'); // the alert, then 0xff at offset 7
    const e = decodeError(() => decodeRecords(garbage));
    expect([e.offset, e.reason]).toEqual([7, 'not a TLS record: content type 0xff']);
    expect(decodeError(() => decodeRecords(garbage, 100)).offset).toBe(107);
    const badMajor = decodeError(() => decodeRecords(fromHex('15 0303 0002 0228  16 02')));
    expect([badMajor.offset, badMajor.reason]).toEqual([8, 'not a TLS record: major version 0x02']);
  });

  it('decodeRecords hands out copies: fragments and rest survive the caller reusing its Buffer', () => {
    const input = Buffer.from([...ALERT, ...ALERT.subarray(0, 6)]);
    const { records, rest } = decodeRecords(input);
    input.fill(0xee);
    expect([toHex(records[0]!.fragment), toHex(rest)]).toEqual(['0228', toHex(ALERT.subarray(0, 6))]);
  });
});

describe('handshake framing across records (RFC 5246 6.2.1)', () => {
  const HELLO_DONE = fromHex('0e 000000'); // ServerHelloDone, empty body
  const CERT = fromHex('0b 000006 000003 000000'); // Certificate: list of 3 bytes holding one 0-length entry (framing only)

  it('a message split over three records is reassembled; two messages in one record come out as two', () => {
    const a = new HandshakeReassembler();
    expect(a.push(HELLO_DONE.subarray(0, 1), 5)).toEqual([]);
    expect(a.push(HELLO_DONE.subarray(1, 3), 11)).toEqual([]);
    expect(a.pending).toBe(3);
    const [m] = a.push(HELLO_DONE.subarray(3), 18);
    expect([m!.type, m!.body.length, m!.offset]).toEqual([14, 0, 5]);
    const both = new HandshakeReassembler().push(Uint8Array.from([...CERT, ...HELLO_DONE]), 0);
    expect(both.map((x) => x.type)).toEqual([11, 14]);
  });

  it('caps a handshake message at 256 KiB and rejects a truncated stream', () => {
    expect(decodeError(() => new HandshakeReassembler().push(fromHex('0b 040001'), 0)).reason).toMatch(/exceeds/);
    expect(decodeError(() => decodeHandshakeMessages(fromHex('0e 0000'))).reason).toMatch(/truncated/);
  });

  it('a non-handshake record inside a fragmented message is an error (RFC 8446 5.1)', () => {
    const sh = encodeServerHello({ legacyVersion: 0x0303, random: new Uint8Array(32), sessionId: new Uint8Array(0), cipherSuite: 0x002f, compressionMethod: 0, extensions: null });
    const split = encodeRecords(0x16, 0x0303, sh, 10);
    const withAlert = Uint8Array.from([...split.subarray(0, 15), ...encodeAlertRecord(1, 0, 0x0303), ...split.subarray(15)]);
    expect(decodeError(() => readFirstFlight(withAlert)).reason).toMatch(/inside a fragmented handshake message/);
  });
});

describe('SSL 2.0 CLIENT-HELLO (draft-hickman-netscape-ssl-00)', () => {
  const V2 = fromHex(`
    80 22                 # 2-byte header, record length 34 (9 header bytes + 9 + 0 + 16)
    01                    # MSG-CLIENT-HELLO
    0002                  # CLIENT-VERSION SSL 2.0
    0009                  # CIPHER-SPECS-LENGTH 9 (three specs)
    0000                  # SESSION-ID-LENGTH 0
    0010                  # CHALLENGE-LENGTH 16
    010080                # SSL_CK_RC4_128_WITH_MD5
    0700c0                # SSL_CK_DES_192_EDE3_CBC_WITH_MD5
    020080                # SSL_CK_RC4_128_EXPORT40_WITH_MD5
    000102030405060708090a0b0c0d0e0f  # CHALLENGE-DATA
  `);
  const hello = { version: 2, cipherSpecs: [0x010080, 0x0700c0, 0x020080], sessionId: new Uint8Array(0), challenge: Uint8Array.from({ length: 16 }, (_, i) => i) };

  it('encodes with a 2-byte header, and decodes back', () => {
    expect(toHex(encodeSslv2ClientHello(hello))).toBe(toHex(V2));
    const rec = decodeSslv2Record(V2)!;
    expect(rec.headerLength).toBe(2);
    expect(decodeSslv2ClientHelloMessage(rec.body, 2)).toEqual(hello);
  });

  it('a 3-byte header: length in the low 14 bits, then the padding byte', () => {
    const three = encodeSslv2ClientHello(hello, 3);
    expect(toHex(three.subarray(0, 3))).toBe('002200');
    expect(decodeSslv2ClientHelloMessage(decodeSslv2Record(three)!.body)).toEqual(hello);
  });

  it('rejects cipher specs not a multiple of 3 and a short challenge', () => {
    expect(decodeError(() => decodeSslv2ClientHelloMessage(fromHex('01 0002 0004 0000 0010 01008000 000102030405060708090a0b0c0d0e0f'))).layer).toBe('sslv2');
    expect(decodeError(() => decodeSslv2ClientHelloMessage(fromHex('01 0002 0003 0000 0008 010080 0001020304050607'))).reason).toMatch(/challenge length/);
  });
});

describe('ClientHello encoder: SCSVs, order, key shares', () => {
  const spec: ClientHelloSpec = {
    recordVersion: 0x0301,
    legacyVersion: 0x0303,
    sessionId: new Uint8Array(0),
    cipherSuites: [0x1301, 0xc02f, 0x00ff, 0x5600],
    compressionMethods: [0],
    extensions: [
      { type: 'supported_versions', versions: [0x0304, 0x0303] },
      { type: 'key_share', shares: [{ group: 0x001d }, { group: 0x0017 }] },
      { type: 'encrypt_then_mac' },
      { type: 'raw', id: 0x3374, data: new Uint8Array(0) },
      { type: 'padding', length: 5 },
    ],
  };

  it('keeps cipher suites (SCSVs included) and extensions in the order given', () => {
    const d = decodeClientHello(encodeClientHello(spec).bytes);
    expect(d.body.cipherSuites).toEqual([0x1301, 0xc02f, 0x00ff, 0x5600]);
    expect(d.body.extensions!.map((e) => e.type)).toEqual([43, 51, 22, 0x3374, 21]);
    expect(offeredVersions(d.spec)).toEqual([0x0304, 0x0303]);
  });

  it('key shares are well-formed keys node:crypto accepts, and the private keys are returned', () => {
    const enc = encodeClientHello(spec);
    const [x, p] = enc.keyShares;
    expect([x!.group, x!.publicKey.length, p!.group, p!.publicKey.length, p!.publicKey[0]]).toEqual([0x1d, 32, 0x17, 65, 0x04]);
    // X25519: a valid SPKI; P-256: a point on the curve (computeSecret rejects points that are not).
    expect(createPublicKey({ key: Buffer.concat([Buffer.from('302a300506032b656e032100', 'hex'), x!.publicKey]), format: 'der', type: 'spki' }).asymmetricKeyType).toBe('x25519');
    const peer = createECDH('prime256v1');
    peer.generateKeys();
    expect(peer.computeSecret(Buffer.from(p!.publicKey)).length).toBe(32);
    // The shares in the hello are the ones whose private keys we got back.
    const ks = enc.spec.extensions!.find((e) => e.type === 'key_share');
    expect(ks?.type === 'key_share' && ks.shares.map((s) => toHex(s.keyExchange!))).toEqual([toHex(x!.publicKey), toHex(p!.publicKey)]);
  });

  it('a hello split into small records decodes to the same spec (maxFragment)', () => {
    const enc = encodeClientHello({ ...spec, maxFragment: 16 });
    const d = decodeClientHello(enc.bytes);
    expect(d.spec.maxFragment).toBe(16);
    expect(toHex(encodeClientHello(d.spec).bytes)).toBe(toHex(enc.bytes));
  });
});

describe('validateServerHello: a ServerHello that picks what was not offered is a protocol error', () => {
  const client: ClientHelloSpec = {
    recordVersion: 0x0301, legacyVersion: 0x0302, sessionId: new Uint8Array(0), cipherSuites: [0x002f, 0x00ff], compressionMethods: [0],
    extensions: [{ type: 'supported_groups', groups: [0x0017] }],
  };
  const sh = (over: Partial<Parameters<typeof encodeServerHello>[0]>) =>
    decodeServerHello(encodeServerHello({ legacyVersion: 0x0302, random: new Uint8Array(32).fill(1), sessionId: new Uint8Array(0), cipherSuite: 0x002f, compressionMethod: 0, extensions: null, ...over }).subarray(4));

  it('accepts a ServerHello that picks from the offer', () => expect(validateServerHello(client, sh({}))).toEqual([]));
  it('version above client_version', () => expect(validateServerHello(client, sh({ legacyVersion: 0x0303 }))[0]).toMatchObject({ reason: 'version_not_offered', version: 0x0303 }));
  it('a suite not offered', () => expect(validateServerHello(client, sh({ cipherSuite: 0x0035 }))).toEqual([{ reason: 'suite_not_offered', suite: 0x0035 }]));
  it('an SCSV as the suite', () => expect(validateServerHello(client, sh({ cipherSuite: 0x00ff }))).toEqual([{ reason: 'scsv_selected', suite: 0x00ff }]));
  it('a TLS 1.2-only suite in TLS 1.1', () => {
    expect(validateServerHello({ ...client, cipherSuites: [0xc02f] }, sh({ cipherSuite: 0xc02f }))).toEqual([{ reason: 'suite_not_allowed_in_version', suite: 0xc02f, version: 0x0302 }]);
  });
  it('compression not offered', () => expect(validateServerHello(client, sh({ compressionMethod: 1 }))).toEqual([{ reason: 'compression_not_offered', method: 1 }]));
  it('an extension not offered (renegotiation_info is fine after the SCSV)', () => {
    expect(validateServerHello(client, sh({ extensions: [serverExtension.renegotiationInfo()] }))).toEqual([]);
    expect(validateServerHello(client, sh({ extensions: [serverExtension.extendedMasterSecret()] }))).toEqual([{ reason: 'extension_not_offered', extension: 23 }]);
  });
  it('TLS 1.3: a version or a key share group not offered', () => {
    const c13: ClientHelloSpec = { ...client, legacyVersion: 0x0303, cipherSuites: [0x1301], extensions: [{ type: 'supported_versions', versions: [0x0304] }, { type: 'key_share', shares: [{ group: 0x1d, keyExchange: new Uint8Array(32) }] }] };
    const ok = sh({ legacyVersion: 0x0303, cipherSuite: 0x1301, extensions: [serverExtension.supportedVersions(0x0304), serverExtension.keyShare(0x1d, new Uint8Array(32).fill(3))] });
    expect(validateServerHello(c13, ok)).toEqual([]);
    const badGroup = sh({ legacyVersion: 0x0303, cipherSuite: 0x1301, extensions: [serverExtension.supportedVersions(0x0304), serverExtension.keyShare(0x17, new Uint8Array(65))] });
    expect(validateServerHello(c13, badGroup)).toEqual([{ reason: 'group_not_offered', group: 0x17 }]);
    const badVersion = sh({ legacyVersion: 0x0303, cipherSuite: 0x1301, extensions: [serverExtension.supportedVersions(0x0305), serverExtension.keyShare(0x1d, new Uint8Array(32).fill(3))] });
    expect(validateServerHello(c13, badVersion)[0]).toMatchObject({ reason: 'version_not_offered', version: 0x0305 });
  });
  it('recognises a HelloRetryRequest by its random (RFC 8446 4.1.3)', () => {
    const hrr = sh({ legacyVersion: 0x0303, random: fromHex(HELLO_RETRY_REQUEST_RANDOM), cipherSuite: 0x1301, extensions: [serverExtension.supportedVersions(0x0304), { type: 51, data: fromHex('0017') }] });
    expect(hrr.helloRetryRequest).toBe(true);
    expect(hrr.parsed.selectedGroup).toBe(0x17);
  });
});
