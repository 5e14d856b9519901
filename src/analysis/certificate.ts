import type * as X509 from '@peculiar/x509';
import type * as Asn1js from 'asn1js';
import { createHash, webcrypto, x509Certificate } from '../../protocol/node-crypto.js';
import { DecodeError } from '../../protocol/errors.js';
import type { LeafCertificateInfo } from '../record.js';

/**
 * @peculiar/x509 and its dependency tree are the heaviest thing rdprobe loads; a scan of closed ports never needs
 * them, so they are loaded on the first certificate. reflect-metadata must come first: x509 2.x resolves its
 * providers through tsyringe, which requires it.
 */
let x509Module: Promise<{ x509: typeof X509; asn1js: typeof Asn1js }> | null = null;
function loadX509(): Promise<{ x509: typeof X509; asn1js: typeof Asn1js }> {
  x509Module ??= (async () => {
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto() as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    return { x509, asn1js: await import('asn1js') };
  })();
  return x509Module;
}

/** Signature algorithm OIDs (RFC 3279, 4055, 5758, 8410) by the names administrators see in certlm.msc/openssl. */
const SIGNATURE_ALGORITHMS: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.2': 'md2WithRSAEncryption',
  '1.2.840.113549.1.1.4': 'md5WithRSAEncryption',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.2.840.113549.1.1.14': 'sha224WithRSAEncryption',
  '1.3.14.3.2.29': 'sha1WithRSAEncryption (OIW)',
  '1.2.840.10040.4.3': 'dsa-with-sha1',
  '2.16.840.1.101.3.4.3.2': 'dsa-with-sha256',
  '1.2.840.10045.4.1': 'ecdsa-with-SHA1',
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

/** Public key algorithm OIDs of SubjectPublicKeyInfo. */
const KEY_TYPES: Readonly<Record<string, string>> = {
  '1.2.840.113549.1.1.1': 'RSA',
  '1.2.840.113549.1.1.10': 'RSA-PSS',
  '1.2.840.10040.4.1': 'DSA',
  '1.2.840.10045.2.1': 'EC',
  '1.3.101.112': 'Ed25519',
  '1.3.101.113': 'Ed448',
};

const CURVE_BITS: Readonly<Record<string, number>> = { 'P-256': 256, 'P-384': 384, 'P-521': 521, 'K-256': 256 };

const DAY_MS = 86_400_000;

/**
 * Everything the record says about a certificate, from its DER bytes. The SHA-1 fingerprint is the value
 * Windows keeps in the RDP-Tcp `SSLCertificateSHA1Hash` registry value, so an administrator can compare them.
 * Throws DecodeError('certificate') for bytes that are not a certificate; never anything else.
 */
export async function analyzeCertificate(der: Uint8Array, chainLength: number, now: Date = new Date()): Promise<LeafCertificateInfo> {
  const { x509, asn1js } = await loadX509();
  let cert: X509.X509Certificate;
  let oids: { sigOid: string; keyOid: string; rsaModulusBits: number | null };
  try {
    cert = new x509.X509Certificate(der);
    oids = algorithmOids(asn1js, der);
  } catch (e) {
    throw new DecodeError('certificate', 0, `not a parseable X.509 certificate: ${(e as Error).message}`);
  }
  const { sigOid, keyOid, rsaModulusBits } = oids;
  // Windows labels the RSA key of its Terminal Server X.509 certificates with a signature OID (1.3.14.3.2.15,
  // 1.2.840.113549.1.1.4) instead of rsaEncryption: the key is read from the SubjectPublicKeyInfo whatever the OID
  // says, and the OID is kept (key_oid) so the odd label shows.
  const keyType = KEY_TYPES[keyOid] ?? (rsaModulusBits !== null ? 'RSA' : `unknown(${keyOid})`);
  const notBefore = cert.notBefore;
  const notAfter = cert.notAfter;
  return {
    subject: escapeControls(cert.subject),
    subject_cn: nullable(cert.subjectName.getField('CN')[0]),
    issuer: escapeControls(cert.issuer),
    san: subjectAltNames(x509, cert).map(escapeControls),
    serial: cert.serialNumber.toUpperCase(),
    not_before: notBefore.toISOString(),
    not_after: notAfter.toISOString(),
    days_remaining: Math.floor((notAfter.getTime() - now.getTime()) / DAY_MS),
    expired: notAfter.getTime() < now.getTime(),
    not_yet_valid: notBefore.getTime() > now.getTime(),
    self_signed: isSelfSigned(der, cert),
    key_type: keyType,
    key_bits: keyBits(cert) ?? rsaModulusBits,
    key_oid: keyOid,
    signature_algorithm: SIGNATURE_ALGORITHMS[sigOid] ?? `unknown(${sigOid})`,
    sha1_fingerprint: fingerprint('sha1', der),
    sha256_fingerprint: fingerprint('sha256', der),
    chain_length: chainLength,
  };
}

/**
 * The signature and public-key algorithm OIDs, read from the DER structure (RFC 5280 4.1):
 *   Certificate ::= SEQUENCE { tbsCertificate, signatureAlgorithm AlgorithmIdentifier, signatureValue }
 *   TBSCertificate ::= SEQUENCE { version [0] EXPLICIT OPTIONAL, serialNumber, signature, issuer, validity,
 *                                 subject, subjectPublicKeyInfo, ... }
 * Read here rather than through Web Crypto, which has no names for MD5 and other legacy algorithms.
 */
function algorithmOids(asn1js: typeof Asn1js, der: Uint8Array): { sigOid: string; keyOid: string; rsaModulusBits: number | null } {
  const parsed = asn1js.fromBER(der);
  if (parsed.offset === -1) throw new Error(parsed.result.error || 'bad DER');
  const seq = (n: Asn1js.AsnType | undefined): Asn1js.Sequence => {
    if (!(n instanceof asn1js.Sequence)) throw new Error('unexpected certificate structure');
    return n;
  };
  const oid = (n: Asn1js.AsnType | undefined): string => {
    if (!(n instanceof asn1js.ObjectIdentifier)) throw new Error('expected an OBJECT IDENTIFIER');
    return n.valueBlock.toString();
  };
  const top = seq(parsed.result);
  const tbs = seq(top.valueBlock.value[0]);
  const sigOid = oid(seq(top.valueBlock.value[1]).valueBlock.value[0]);
  const fields = tbs.valueBlock.value;
  const hasVersion = fields[0]?.idBlock.tagClass === 3 && fields[0]?.idBlock.tagNumber === 0;
  const spki = seq(fields[hasVersion ? 6 : 5]);
  const keyOid = oid(seq(spki.valueBlock.value[0]).valueBlock.value[0]);
  const rsaModulusBits = rsaBits(asn1js, spki.valueBlock.value[1]);
  // Validity ::= SEQUENCE { notBefore Time, notAfter Time }; Time is UTCTime (YYMMDDHHMMSSZ) or
  // GeneralizedTime (YYYYMMDDHHMMSSZ) in DER. Libraries turn corrupted digits into odd dates instead of failing.
  for (const t of seq(fields[hasVersion ? 4 : 3]).valueBlock.value) {
    const text = Buffer.from((t as Asn1js.UTCTime).valueBlock.valueHexView ?? []).toString('latin1');
    const kind = t instanceof asn1js.GeneralizedTime ? 'GeneralizedTime' : t instanceof asn1js.UTCTime ? 'UTCTime' : null;
    const problem = kind === null ? 'not a UTCTime or GeneralizedTime' : validityTimeProblem(kind, text);
    if (problem !== null) throw new Error(`invalid validity time "${text.replace(/[^\x20-\x7e]/g, '.')}": ${problem}`);
  }
  return { sigOid, keyOid, rsaModulusBits };
}

/**
 * The modulus size of an RSAPublicKey (RFC 8017 A.1.1: SEQUENCE { modulus INTEGER, publicExponent INTEGER }) in
 * the subjectPublicKey BIT STRING, or null when it holds something else (an EC point, ...).
 */
function rsaBits(asn1js: typeof Asn1js, bits: Asn1js.AsnType | undefined): number | null {
  if (!(bits instanceof asn1js.BitString)) return null;
  const inner = asn1js.fromBER(bits.valueBlock.valueHexView);
  if (inner.offset === -1 || !(inner.result instanceof asn1js.Sequence)) return null;
  const [modulus, exponent] = inner.result.valueBlock.value;
  if (!(modulus instanceof asn1js.Integer) || !(exponent instanceof asn1js.Integer)) return null;
  let m = modulus.valueBlock.valueHexView;
  while (m.length > 0 && m[0] === 0) m = m.subarray(1);
  return m.length === 0 ? null : (m.length - 1) * 8 + (32 - Math.clz32(m[0]!));
}

/**
 * C0 controls and DEL in a name, as RFC 4514 hex escapes (`\0A`): what the X.509 library already does for some
 * (a CR becomes \0D) is done for all, so a subject ending in CR LF is one escaped string, not \0D and a raw line
 * feed. Outputs escape further for their own medium; the record keeps one consistent form.
 */
export function escapeControls(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f]/g, (c) => `\\${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

const nullable = (s: string | undefined): string | null => (s === undefined ? null : escapeControls(s));

/**
 * Why a validity time is not one RFC 5280 allows, or null. 4.1.2.5.1: UTCTime is YYMMDDHHMMSSZ (YY >= 50 is 19YY,
 * else 20YY); 4.1.2.5.2: GeneralizedTime is YYYYMMDDHHMMSSZ, no fractional seconds. Both name a real calendar
 * time: month 01-12, a day the month has (February 29 in leap years only), hour 00-23, minute and second 00-59
 * (a leap second cannot be told from a typo here, and Date cannot hold one). Digits alone are not enough: the
 * X.509 library turns 201332000000Z (month 13, day 32) into 2021-02-01.
 */
export function validityTimeProblem(kind: 'UTCTime' | 'GeneralizedTime', text: string): string | null {
  const m = (kind === 'UTCTime' ? /^(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/ : /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})Z$/).exec(text);
  if (!m) return kind === 'UTCTime' ? 'not YYMMDDHHMMSSZ' : 'not YYYYMMDDHHMMSSZ';
  const [yy, month, day, hour, minute, second] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const year = kind === 'UTCTime' ? (yy >= 50 ? 1900 + yy : 2000 + yy) : yy;
  if (month < 1 || month > 12) return `month ${month}`;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = [31, leap ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][month - 1]!;
  if (day < 1 || day > days) return `day ${day} of month ${month} in ${year}`;
  if (hour > 23) return `hour ${hour}`;
  if (minute > 59) return `minute ${minute}`;
  if (second > 59) return `second ${second}`;
  return null;
}

/** Upper-case hex digest of a DER certificate: the SHA-1 one is the thumbprint Windows shows and stores. */
export function fingerprint(alg: 'sha1' | 'sha256', der: Uint8Array): string {
  return createHash(alg).update(der).digest('hex').toUpperCase();
}

function subjectAltNames(x509: typeof X509, cert: X509.X509Certificate): string[] {
  try {
    const ext = cert.getExtension(x509.SubjectAlternativeNameExtension);
    if (!ext) return [];
    return ext.names.items.map((n) => `${n.type}:${n.value}`);
  } catch {
    return [];
  }
}

function keyBits(cert: X509.X509Certificate): number | null {
  try {
    const alg = cert.publicKey.algorithm as { modulusLength?: number; namedCurve?: string };
    if (typeof alg.modulusLength === 'number') return alg.modulusLength;
    if (alg.namedCurve) return CURVE_BITS[alg.namedCurve] ?? null;
  } catch {
    // unknown key algorithm: size unknown rather than a crash
  }
  return null;
}

/**
 * Self-signed = the certificate names itself as issuer and its signature verifies with its own key. OpenSSL
 * (through node:crypto) verifies legacy MD5/SHA-1 signatures that Web Crypto refuses; if even that fails on an
 * exotic algorithm, issuer == subject is the best available answer.
 */
function isSelfSigned(der: Uint8Array, cert: X509.X509Certificate): boolean {
  if (cert.subject !== cert.issuer) return false;
  try {
    const c = x509Certificate(der);
    // Not checkIssued(): it also demands keyCertSign, which Windows' self-signed RDP certificates do not carry.
    return c.verify(c.publicKey);
  } catch {
    return true;
  }
}
