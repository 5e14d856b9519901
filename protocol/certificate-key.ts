import { createHash } from './node-crypto.js';
import { Reader } from './reader.js';

/**
 * The two things CredSSP needs from the server's TLS certificate, read with a small strict DER walk (X.690) so
 * every failure is a DecodeError('certificate', ...):
 *  - the SubjectPublicKey ([MS-CSSP] 3.1.5: pubKeyAuth binds the NTLM context to "the public key of the server",
 *    the contents of the subjectPublicKey BIT STRING of the certificate's SubjectPublicKeyInfo, RFC 5280 4.1);
 *  - the tls-server-end-point channel binding (RFC 5929 4.1): a hash of the whole certificate whose algorithm
 *    follows the certificate's signatureAlgorithm (MD5 and SHA-1 are replaced by SHA-256).
 * The certificate comes from the TLS stack (node:tls getPeerCertificate().raw), but it is still server-chosen.
 */

/** Largest certificate accepted (DER); TLS itself caps a certificate at 2^24-1 bytes, real ones are ~1-2 KiB. */
export const CERTIFICATE_MAX_LENGTH = 0x10000;

const TAG_INTEGER = 0x02;
const TAG_BIT_STRING = 0x03;
const TAG_OID = 0x06;
const TAG_SEQUENCE = 0x30;
const TAG_VERSION = 0xa0; // [0] EXPLICIT Version in TBSCertificate

/** One TLV: the identifier octet (low tag numbers only, all X.509 needs) and a reader over the contents. */
function tlv(r: Reader, field: string): { tag: number; body: Reader } {
  const at = r.offset;
  const tag = r.u8(`${field} tag`);
  if ((tag & 0x1f) === 0x1f) r.fail(`${field}: high tag number form is not expected in a certificate`, at);
  const lenAt = r.offset;
  const first = r.u8(`${field} length`);
  let len = first;
  if (first >= 0x80) {
    const n = first & 0x7f;
    if (n === 0) r.fail(`${field}: indefinite length is not DER`, lenAt);
    if (n > 3) r.fail(`${field}: length of ${n} octets is out of range`, lenAt);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + r.u8(`${field} length`);
    if (len < 0x80 || len < 2 ** (8 * (n - 1))) r.fail(`${field}: non-minimal length encoding is not DER`, lenAt);
  }
  return { tag, body: r.sub(len, field) };
}

function expect(r: Reader, tag: number, field: string): Reader {
  const at = r.offset;
  const t = tlv(r, field);
  if (t.tag !== tag) r.fail(`${field}: expected tag 0x${tag.toString(16).padStart(2, '0')}, got 0x${t.tag.toString(16).padStart(2, '0')}`, at);
  return t.body;
}

/** X.690 8.19 OBJECT IDENTIFIER contents to dotted form (first arc split per 8.19.4). */
function readOid(r: Reader, field: string): string {
  const body = expect(r, TAG_OID, field);
  if (body.length === 0 || body.length > 64) body.fail(`${field}: OBJECT IDENTIFIER of ${body.length} octets`);
  const arcs: number[] = [];
  let v = 0;
  let fresh = true;
  while (body.remaining > 0) {
    const at = body.offset;
    const b = body.u8(field);
    if (fresh && b === 0x80) body.fail(`${field}: non-minimal OBJECT IDENTIFIER arc`, at);
    fresh = false;
    if (v > 2 ** 45) body.fail(`${field}: OBJECT IDENTIFIER arc out of range`, at);
    v = v * 128 + (b & 0x7f);
    if ((b & 0x80) === 0) {
      arcs.push(v);
      v = 0;
      fresh = true;
    }
  }
  if (!fresh) body.fail(`${field}: OBJECT IDENTIFIER ends inside an arc`);
  const first = arcs[0]!;
  const head = first < 40 ? [0, first] : first < 80 ? [1, first - 40] : [2, first - 80];
  return [...head, ...arcs.slice(1)].join('.');
}

interface CertificateParts {
  subjectPublicKey: Uint8Array;
  signatureAlgorithm: string;
  /** DER of AlgorithmIdentifier.parameters when present (RSASSA-PSS names its hash there). */
  signatureParameters: Reader | null;
}

/** RFC 5280 4.1 Certificate, as far as CredSSP needs it. Throws DecodeError('certificate', ...). */
function readCertificate(der: Uint8Array): CertificateParts {
  const outer = new Reader(der, 'certificate');
  if (der.length > CERTIFICATE_MAX_LENGTH) outer.fail(`certificate of ${der.length} bytes (max ${CERTIFICATE_MAX_LENGTH})`, 0);
  const cert = expect(outer, TAG_SEQUENCE, 'Certificate');
  outer.end('Certificate');
  const tbs = expect(cert, TAG_SEQUENCE, 'TBSCertificate');
  if (tbs.remaining > 0 && tbs.peekU8('TBSCertificate version') === TAG_VERSION) tlv(tbs, 'version');
  expect(tbs, TAG_INTEGER, 'serialNumber');
  expect(tbs, TAG_SEQUENCE, 'signature');
  expect(tbs, TAG_SEQUENCE, 'issuer');
  expect(tbs, TAG_SEQUENCE, 'validity');
  expect(tbs, TAG_SEQUENCE, 'subject');
  const spki = expect(tbs, TAG_SEQUENCE, 'subjectPublicKeyInfo');
  expect(spki, TAG_SEQUENCE, 'subjectPublicKeyInfo algorithm');
  const bits = expect(spki, TAG_BIT_STRING, 'subjectPublicKey');
  spki.end('subjectPublicKeyInfo');
  const unusedAt = bits.offset;
  const unused = bits.u8('subjectPublicKey unused bits');
  // Every public key format CredSSP meets (RSAPublicKey DER, EC points) is whole octets.
  if (unused !== 0) bits.fail(`subjectPublicKey has ${unused} unused bits, expected 0`, unusedAt);
  const subjectPublicKey = bits.copyRest('subjectPublicKey');
  const alg = expect(cert, TAG_SEQUENCE, 'signatureAlgorithm');
  const signatureAlgorithm = readOid(alg, 'signatureAlgorithm');
  const signatureParameters = alg.remaining > 0 ? alg : null;
  expect(cert, TAG_BIT_STRING, 'signatureValue');
  cert.end('Certificate');
  return { subjectPublicKey, signatureAlgorithm, signatureParameters };
}

/** The subjectPublicKey BIT STRING contents (without the unused-bits octet): what [MS-CSSP] pubKeyAuth covers. */
export function subjectPublicKeyOf(certificateDer: Uint8Array): Uint8Array {
  return readCertificate(certificateDer).subjectPublicKey;
}

export type EndPointHash = 'sha224' | 'sha256' | 'sha384' | 'sha512';

/** Signature algorithms with a single hash (RFC 3279, 4055, 5758) and the hash RFC 5929 4.1 says to use. */
const END_POINT_HASHES: Readonly<Record<string, EndPointHash>> = {
  '1.2.840.113549.1.1.4': 'sha256', // md5WithRSAEncryption: MD5 is upgraded to SHA-256
  '1.2.840.113549.1.1.5': 'sha256', // sha1WithRSAEncryption: SHA-1 is upgraded to SHA-256
  '1.3.14.3.2.29': 'sha256', // sha1WithRSAEncryption (OIW)
  '1.2.840.113549.1.1.14': 'sha224',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10040.4.3': 'sha256', // dsa-with-sha1
  '2.16.840.1.101.3.4.3.1': 'sha224', // dsa-with-sha224
  '2.16.840.1.101.3.4.3.2': 'sha256', // dsa-with-sha256
  '1.2.840.10045.4.1': 'sha256', // ecdsa-with-SHA1
  '1.2.840.10045.4.3.1': 'sha224',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};
const RSASSA_PSS = '1.2.840.113549.1.1.10';
/** NIST hash OIDs (RFC 5758 2) for RSASSA-PSS hashAlgorithm; SHA-1 (the PSS default) is upgraded to SHA-256. */
const HASH_OIDS: Readonly<Record<string, EndPointHash>> = {
  '1.3.14.3.2.26': 'sha256',
  '2.16.840.1.101.3.4.2.4': 'sha224',
  '2.16.840.1.101.3.4.2.1': 'sha256',
  '2.16.840.1.101.3.4.2.2': 'sha384',
  '2.16.840.1.101.3.4.2.3': 'sha512',
};

/**
 * The tls-server-end-point hash algorithm of a certificate (RFC 5929 4.1), or null when its signature algorithm
 * has no single hash (Ed25519, Ed448) or is unknown: RFC 5929 defines no binding then.
 */
export function endPointHashOf(certificateDer: Uint8Array): EndPointHash | null {
  const { signatureAlgorithm, signatureParameters } = readCertificate(certificateDer);
  if (signatureAlgorithm !== RSASSA_PSS) return END_POINT_HASHES[signatureAlgorithm] ?? null;
  // RFC 4055 3.1 RSASSA-PSS-params ::= SEQUENCE { hashAlgorithm [0] HashAlgorithm DEFAULT sha1, ... }
  if (signatureParameters === null) return 'sha256';
  const params = expect(signatureParameters, TAG_SEQUENCE, 'RSASSA-PSS-params');
  if (params.remaining === 0 || params.peekU8('hashAlgorithm') !== 0xa0) return 'sha256';
  const hashAlg = expect(expect(params, 0xa0, 'hashAlgorithm'), TAG_SEQUENCE, 'HashAlgorithm');
  return HASH_OIDS[readOid(hashAlg, 'HashAlgorithm')] ?? null;
}

/** The RFC 5929 certificate hash, or null when no binding is defined for the certificate. */
export function tlsServerEndPointHash(certificateDer: Uint8Array): Uint8Array | null {
  const alg = endPointHashOf(certificateDer);
  return alg === null ? null : Uint8Array.from(createHash(alg).update(certificateDer).digest());
}
