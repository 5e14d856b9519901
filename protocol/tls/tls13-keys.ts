import type { CipherGCMTypes, CipherCCMTypes, CipherChaCha20Poly1305Types } from 'node:crypto';
import { createDecipheriv, createHash, createHmac } from '../node-crypto.js';
import { DecodeError } from '../errors.js';
import { Reader } from '../reader.js';
import { CONTENT_TYPE_APPLICATION_DATA, TLS_RECORD_HEADER_LENGTH, type TlsRecord } from './record.js';
import { concatBytes, uint, vector } from './wire.js';

/**
 * TLS 1.3 encrypts everything the server sends after its ServerHello, the Certificate included. rdprobe gets the
 * chain the way any client does, but stops early: from its own ephemeral key share (X25519 or P-256) and the
 * server's share in the ServerHello it computes the (EC)DHE secret, runs the key schedule up to the server
 * handshake traffic secret (RFC 8446 7.1), and decrypts the server's handshake records (RFC 8446 5.2) to read
 * EncryptedExtensions and Certificate. No key exchange is completed and nothing is sent after the ClientHello:
 * the client Finished is never computed, so the handshake does not finish and no session exists.
 */

export interface Tls13SuiteParams {
  suite: number;
  hash: 'sha256' | 'sha384';
  hashLength: number;
  keyLength: number;
  ivLength: number;
  tagLength: number;
  cipher: CipherGCMTypes | CipherCCMTypes | CipherChaCha20Poly1305Types;
}

/** RFC 8446 B.4 suites: AEAD and HKDF hash (the AEAD definitions: RFC 5116, RFC 6655 for CCM, RFC 8439). */
export const TLS13_SUITE_PARAMS: ReadonlyMap<number, Tls13SuiteParams> = new Map(
  [
    { suite: 0x1301, hash: 'sha256', hashLength: 32, keyLength: 16, ivLength: 12, tagLength: 16, cipher: 'aes-128-gcm' },
    { suite: 0x1302, hash: 'sha384', hashLength: 48, keyLength: 32, ivLength: 12, tagLength: 16, cipher: 'aes-256-gcm' },
    { suite: 0x1303, hash: 'sha256', hashLength: 32, keyLength: 32, ivLength: 12, tagLength: 16, cipher: 'chacha20-poly1305' },
    { suite: 0x1304, hash: 'sha256', hashLength: 32, keyLength: 16, ivLength: 12, tagLength: 16, cipher: 'aes-128-ccm' },
    { suite: 0x1305, hash: 'sha256', hashLength: 32, keyLength: 16, ivLength: 12, tagLength: 8, cipher: 'aes-128-ccm' },
  ].map((p) => [p.suite, p as Tls13SuiteParams]),
);

/** HKDF-Extract (RFC 5869 2.2): HMAC-Hash(salt, IKM). */
export function hkdfExtract(hash: Tls13SuiteParams['hash'], salt: Uint8Array, ikm: Uint8Array): Uint8Array {
  return Uint8Array.from(createHmac(hash, salt).update(ikm).digest());
}

/** HKDF-Expand (RFC 5869 2.3). */
export function hkdfExpand(hash: Tls13SuiteParams['hash'], prk: Uint8Array, info: Uint8Array, length: number): Uint8Array {
  const out: Uint8Array[] = [];
  let t: Uint8Array = new Uint8Array(0);
  let have = 0;
  for (let i = 1; have < length; i++) {
    t = Uint8Array.from(createHmac(hash, prk).update(t).update(info).update(Uint8Array.of(i)).digest());
    out.push(t);
    have += t.length;
  }
  return concatBytes(out).slice(0, length);
}

/**
 * HKDF-Expand-Label (RFC 8446 7.1): HKDF-Expand(Secret, HkdfLabel, Length) with
 * struct { uint16 length; opaque label<7..255> = "tls13 " + Label; opaque context<0..255>; } HkdfLabel.
 */
export function hkdfExpandLabel(hash: Tls13SuiteParams['hash'], secret: Uint8Array, label: string, context: Uint8Array, length: number): Uint8Array {
  const info = concatBytes([uint(length, 2, 'length'), vector(1, Buffer.from(`tls13 ${label}`, 'ascii'), 'label'), vector(1, context, 'context')]);
  return hkdfExpand(hash, secret, info, length);
}

export function transcriptHash(hash: Tls13SuiteParams['hash'], messages: readonly Uint8Array[]): Uint8Array {
  const h = createHash(hash);
  for (const m of messages) h.update(m);
  return Uint8Array.from(h.digest());
}

/** Derive-Secret(Secret, Label, Messages) = HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length). */
export function deriveSecret(p: Tls13SuiteParams, secret: Uint8Array, label: string, messages: readonly Uint8Array[]): Uint8Array {
  return hkdfExpandLabel(p.hash, secret, label, transcriptHash(p.hash, messages), p.hashLength);
}

export interface TrafficKeys {
  secret: Uint8Array;
  key: Uint8Array;
  iv: Uint8Array;
}

/**
 * RFC 8446 7.1 key schedule without a PSK, up to the server handshake traffic secret, and its key and IV (7.3):
 *   early = HKDF-Extract(0, 0); hs = HKDF-Extract(Derive-Secret(early, "derived", ""), (EC)DHE);
 *   s_hs = Derive-Secret(hs, "s hs traffic", ClientHello...ServerHello).
 * `clientHello` and `serverHello` are the handshake messages with their 4-byte headers.
 */
export function serverHandshakeTrafficKeys(p: Tls13SuiteParams, sharedSecret: Uint8Array, clientHello: Uint8Array, serverHello: Uint8Array): TrafficKeys & { handshakeSecret: Uint8Array } {
  const zeros = new Uint8Array(p.hashLength);
  const early = hkdfExtract(p.hash, zeros, zeros);
  const derived = deriveSecret(p, early, 'derived', []);
  const handshakeSecret = hkdfExtract(p.hash, derived, sharedSecret);
  const secret = deriveSecret(p, handshakeSecret, 's hs traffic', [clientHello, serverHello]);
  return {
    handshakeSecret,
    secret,
    key: hkdfExpandLabel(p.hash, secret, 'key', new Uint8Array(0), p.keyLength),
    iv: hkdfExpandLabel(p.hash, secret, 'iv', new Uint8Array(0), p.ivLength),
  };
}

/** RFC 8446 5.3: the per-record nonce is the IV XOR the 64-bit sequence number, left-padded with zeros. */
export function recordNonce(iv: Uint8Array, seq: bigint): Uint8Array {
  const nonce = Uint8Array.from(iv);
  for (let i = 0; i < 8; i++) nonce[nonce.length - 1 - i]! ^= Number((seq >> BigInt(8 * i)) & 0xffn);
  return nonce;
}

/** RFC 8446 5.4: TLSInnerPlaintext = content || ContentType || zeros. */
export interface InnerPlaintext {
  type: number;
  content: Uint8Array;
}

/**
 * Decrypts one TLSCiphertext (RFC 8446 5.2). The additional data is the record header (opaque_type,
 * legacy_record_version, length). A record that does not authenticate is a DecodeError (bad_record_mac).
 */
export function decryptRecord(p: Tls13SuiteParams, keys: Pick<TrafficKeys, 'key' | 'iv'>, seq: bigint, record: TlsRecord): InnerPlaintext {
  const r = new Reader(record.fragment, 'tls', record.offset + TLS_RECORD_HEADER_LENGTH);
  if (record.type !== CONTENT_TYPE_APPLICATION_DATA) r.fail(`encrypted record has content type ${record.type}, expected application_data (23)`, record.offset);
  if (record.fragment.length < p.tagLength + 1) r.fail(`encrypted record of ${record.fragment.length} bytes is shorter than the tag and content type`);
  const aad = concatBytes([uint(record.type, 1, 'type'), uint(record.version, 2, 'version'), uint(record.fragment.length, 2, 'length')]);
  const ct = record.fragment.subarray(0, record.fragment.length - p.tagLength);
  const tag = record.fragment.subarray(record.fragment.length - p.tagLength);
  const nonce = recordNonce(keys.iv, seq);
  let plain: Uint8Array;
  try {
    if (p.cipher === 'aes-128-ccm') {
      const d = createDecipheriv(p.cipher, keys.key, nonce, { authTagLength: p.tagLength });
      d.setAuthTag(tag);
      d.setAAD(aad, { plaintextLength: ct.length });
      plain = concatBytes([d.update(ct), d.final()]);
    } else if (p.cipher === 'chacha20-poly1305') {
      const d = createDecipheriv(p.cipher, keys.key, nonce, { authTagLength: p.tagLength });
      d.setAAD(aad, { plaintextLength: ct.length });
      d.setAuthTag(tag);
      plain = concatBytes([d.update(ct), d.final()]);
    } else {
      const d = createDecipheriv(p.cipher as CipherGCMTypes, keys.key, nonce, { authTagLength: p.tagLength });
      d.setAAD(aad);
      d.setAuthTag(tag);
      plain = concatBytes([d.update(ct), d.final()]);
    }
  } catch {
    return r.fail(`record ${seq} does not authenticate (bad_record_mac): wrong keys or a damaged record`, record.offset);
  }
  let end = plain.length;
  while (end > 0 && plain[end - 1] === 0) end--;
  if (end === 0) r.fail(`record ${seq} decrypts to padding only, no content type (RFC 8446 5.4)`, record.offset);
  return { type: plain[end - 1]!, content: plain.slice(0, end - 1) };
}

/** The TLS 1.3 parameters of a suite, or a DecodeError naming the suite. */
export function tls13Params(suite: number, offset = 0): Tls13SuiteParams {
  const p = TLS13_SUITE_PARAMS.get(suite);
  if (!p) throw new DecodeError('tls', offset, `cipher suite 0x${suite.toString(16).padStart(4, '0')} is not a TLS 1.3 suite this codec can decrypt`);
  return p;
}
