/**
 * TLS 1.3 key schedule and record decryption against RFC 8448 section 3 (Simple 1-RTT Handshake): every value
 * below is the RFC's, copied into test/fixtures/tls/rfc8448-simple-1rtt.json; none is computed by our code.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { fromHex, toHex } from '../../protocol/writer.js';
import { encodeClientHello, type ClientHelloSpec } from '../../protocol/tls/client-hello.js';
import { generateKeyShare, sharedSecret } from '../../protocol/tls/key-share.js';
import { X25519 } from '../../protocol/tls/groups.js';
import { deriveSecret, hkdfExtract, serverHandshakeTrafficKeys, tls13Params, decryptRecord, recordNonce } from '../../protocol/tls/tls13-keys.js';
import { readFirstFlight } from '../../protocol/tls/flight.js';
import { decodeRecord } from '../../protocol/tls/record.js';
import { decodeError } from '../helpers/codec-asserts.js';

const V = JSON.parse(readFileSync(new URL('../fixtures/tls/rfc8448-simple-1rtt.json', import.meta.url), 'utf8')) as Record<string, string>;
const h = (k: string) => fromHex(V[k]!);

/** The RFC 8448 ClientHello as a spec: every field named, in the order the RFC's bytes carry them. */
const RFC8448_HELLO: ClientHelloSpec = {
  recordVersion: 0x0301, // "16 03 01 00 c4"
  legacyVersion: 0x0303,
  random: fromHex('cb34ecb1e78163ba1c38c6dacb196a6dffa21a8d9912ec18a2ef6283024dece7'),
  sessionId: new Uint8Array(0),
  cipherSuites: [0x1301, 0x1303, 0x1302],
  compressionMethods: [0],
  extensions: [
    { type: 'server_name', hostName: 'server' },
    { type: 'renegotiation_info', renegotiatedConnection: new Uint8Array(0) },
    { type: 'supported_groups', groups: [0x001d, 0x0017, 0x0018, 0x0019, 0x0100, 0x0101, 0x0102, 0x0103, 0x0104] },
    { type: 'session_ticket', ticket: new Uint8Array(0) },
    { type: 'key_share', shares: [{ group: X25519, privateKey: h('clientPrivateKey') }] },
    { type: 'supported_versions', versions: [0x0304] },
    { type: 'signature_algorithms', schemes: [0x0403, 0x0503, 0x0603, 0x0203, 0x0804, 0x0805, 0x0806, 0x0401, 0x0501, 0x0601, 0x0201, 0x0402, 0x0502, 0x0602, 0x0202] },
    { type: 'psk_key_exchange_modes', modes: [1] },
    { type: 'raw', id: 0x001c, data: fromHex('4001') }, // record_size_limit 16385 (RFC 8449)
  ],
};

describe('RFC 8448 3: ClientHello and X25519', () => {
  it('the X25519 public key derived from the RFC private key is the RFC public key', () => {
    expect(toHex(generateKeyShare(X25519, h('clientPrivateKey')).publicKey)).toBe(V['clientPublicKey']);
  });

  it('the spec encodes to the RFC ClientHello byte for byte (key share derived from the private key)', () => {
    const enc = encodeClientHello(RFC8448_HELLO);
    expect(toHex(enc.handshake)).toBe(V['clientHello']);
    expect(toHex(enc.bytes)).toBe(`16030100c4${V['clientHello']}`);
    expect(enc.keyShares.map((k) => toHex(k.privateKey))).toEqual([V['clientPrivateKey']]);
  });

  it('the shared secret with the server share is the RFC one', () => {
    const own = generateKeyShare(X25519, h('clientPrivateKey'));
    expect(toHex(sharedSecret(own, h('serverPublicKey')))).toBe(V['sharedSecret']);
  });

  it('a malformed or low-order server share is a DecodeError, not a crypto exception', () => {
    const own = generateKeyShare(X25519, h('clientPrivateKey'));
    expect(decodeError(() => sharedSecret(own, new Uint8Array(31))).reason).toMatch(/unusable/);
    expect(decodeError(() => sharedSecret(own, new Uint8Array(32))).reason).toMatch(/unusable/); // all-zero output
  });
});

describe('RFC 8448 3: key schedule (RFC 8446 7.1)', () => {
  const p = tls13Params(0x1301);
  it('early secret, derived, handshake secret', () => {
    const zeros = new Uint8Array(32);
    const early = hkdfExtract('sha256', zeros, zeros);
    expect(toHex(early)).toBe(V['earlySecret']);
    const derived = deriveSecret(p, early, 'derived', []);
    expect(toHex(derived)).toBe(V['derivedEarly']);
    expect(toHex(hkdfExtract('sha256', derived, h('sharedSecret')))).toBe(V['handshakeSecret']);
  });

  it('server handshake traffic secret, key and iv', () => {
    const sh = decodeRecord(h('serverHelloRecord')).fragment;
    const k = serverHandshakeTrafficKeys(p, h('sharedSecret'), h('clientHello'), sh);
    expect(toHex(k.handshakeSecret)).toBe(V['handshakeSecret']);
    expect(toHex(k.secret)).toBe(V['serverHandshakeTrafficSecret']);
    expect(toHex(k.key)).toBe(V['serverHandshakeKey']);
    expect(toHex(k.iv)).toBe(V['serverHandshakeIv']);
  });

  it('nonce: iv XOR the sequence number (RFC 8446 5.3)', () => {
    expect(toHex(recordNonce(fromHex('000000000000000000000000'), 0x0102n))).toBe('000000000000000000000102');
    expect(toHex(recordNonce(h('serverHandshakeIv'), 0n))).toBe(V['serverHandshakeIv']);
  });
});

describe('RFC 8448 3: the encrypted server flight', () => {
  const p = tls13Params(0x1301);
  const keys = { key: h('serverHandshakeKey'), iv: h('serverHandshakeIv') };

  it('decrypts to EncryptedExtensions || Certificate || CertificateVerify || Finished, inner type handshake', () => {
    const inner = decryptRecord(p, keys, 0n, decodeRecord(h('serverFlightRecord')));
    expect(inner.type).toBe(22);
    const hex = toHex(inner.content);
    expect(hex.startsWith(V['encryptedExtensions']! + V['certificate']!)).toBe(true);
    expect(hex.endsWith(V['finished']!)).toBe(true);
  });

  it('a flipped ciphertext bit, or the wrong sequence number, is a DecodeError (bad_record_mac)', () => {
    const rec = decodeRecord(h('serverFlightRecord'));
    const bad = { ...rec, fragment: rec.fragment.slice() };
    bad.fragment[10]! ^= 1;
    expect(decodeError(() => decryptRecord(p, keys, 0n, bad)).reason).toMatch(/bad_record_mac/);
    expect(decodeError(() => decryptRecord(p, keys, 1n, rec)).reason).toMatch(/bad_record_mac/);
  });

  it('readFirstFlight: ServerHello + encrypted flight with our key share gives the RFC certificate', () => {
    const enc = encodeClientHello(RFC8448_HELLO);
    const bytes = fromHex(V['serverHelloRecord']! + V['serverFlightRecord']!);
    const f = readFirstFlight(bytes, { clientHello: enc.handshake, keyShares: enc.keyShares });
    expect(f.complete).toBe(true);
    expect(f.version).toBe(0x0304);
    expect(f.cipherSuite).toBe(0x1301);
    expect(f.group).toBe(X25519);
    expect(f.messages).toEqual([2, 8, 11, 15, 20]);
    expect(f.tls13?.decrypted).toBe(true);
    // The RFC's Certificate message: 0b 0001b9 | context 00 | list 0001b5 | cert_data 0001b0 <DER> | ext 0000.
    expect(f.certificates.map(toHex)).toEqual([V['certificate']!.slice(2 * 11, 2 * (11 + 0x1b0))]);
    expect(f.tls13?.encryptedExtensions?.map((e) => e.type)).toEqual([0x000a, 0x001c, 0x0000]);
  });

  it('without our keys the flight is complete at the first encrypted record, with no chain', () => {
    const f = readFirstFlight(fromHex(V['serverHelloRecord']! + V['serverFlightRecord']!));
    expect(f.complete).toBe(true);
    expect(f.tls13).toEqual({ encryptedRecords: 1, decrypted: false, encryptedExtensions: null });
    expect(f.certificates).toEqual([]);
  });

  it('a prefix of the flight is incomplete, never wrong', () => {
    const enc = encodeClientHello(RFC8448_HELLO);
    const bytes = fromHex(V['serverHelloRecord']! + V['serverFlightRecord']!);
    for (const n of [0, 1, 5, 50, 95, 96, 100, 400, bytes.length - 1]) {
      const f = readFirstFlight(bytes.subarray(0, n), { clientHello: enc.handshake, keyShares: enc.keyShares });
      expect(f.complete).toBe(false);
    }
  });
});
