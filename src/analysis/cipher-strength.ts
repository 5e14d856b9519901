import { cipherSuiteInfo, type CipherSuiteInfo } from '../../protocol/tls/suites.js';

/**
 * The one strength scale for TLS cipher suites in rdprobe. Four grades, weakest first; a suite gets the lowest
 * grade any of its properties earns:
 *
 * - `insecure`   broken or giving no protection: NULL encryption (and RFC 9150 integrity-only suites), EXPORT
 *                grades (FREAK, Logjam), anonymous key exchange (no server authentication: trivial MITM), RC4
 *                (RFC 7465 prohibits it), single DES and DES40, RC2, and suites whose MAC is HMAC-MD5.
 * - `weak`       not broken outright but attackable in practice or missing forward secrecy on a block cipher that
 *                is itself fragile: 64-bit block ciphers (3DES, IDEA, GOST 28147, Magma: SWEET32, CVE-2016-2183)
 *                and CBC without forward secrecy (static RSA/DH/ECDH, PSK, KRB5 key transport).
 * - `acceptable` CBC with forward secrecy (DHE/ECDHE; still exposed to padding-oracle classes, RFC 7457), and
 *                AEAD without forward secrecy (RSA key transport with GCM/CCM/ChaCha20).
 * - `strong`     AEAD with forward secrecy (ECDHE/DHE + GCM/CCM/ChaCha20-Poly1305), and every TLS 1.3 suite
 *                (TLS 1.3 only has (EC)DHE handshakes for a full handshake, RFC 8446 2).
 *
 * Key-exchange parameter sizes (DH prime bits, RSA key size) are graded elsewhere: this scale is about the suite.
 * Signalling values (SCSVs) and unknown values have no strength (null).
 */
export type CipherStrength = 'insecure' | 'weak' | 'acceptable' | 'strong';

export const CIPHER_STRENGTHS: readonly CipherStrength[] = ['insecure', 'weak', 'acceptable', 'strong'];

const SIXTY_FOUR_BIT_BLOCK = new Set(['3DES', 'IDEA', 'GOST28147', 'MAGMA']);
const BROKEN_CIPHERS = new Set(['NULL', 'RC4', 'RC2', 'DES', 'DES40']);

/** The grade of a suite's properties (exported for suites described outside the registry). */
export function strengthOf(s: CipherSuiteInfo): CipherStrength | null {
  if (s.scsv) return null;
  if (s.null || s.export || s.anon || BROKEN_CIPHERS.has(s.cipher) || s.mac === 'MD5') return 'insecure';
  if (s.versions.length === 1 && s.versions[0] === 'tls1.3') return 'strong';
  if (SIXTY_FOUR_BIT_BLOCK.has(s.cipher)) return 'weak';
  if (!s.aead) return s.pfs ? 'acceptable' : 'weak';
  return s.pfs ? 'strong' : 'acceptable';
}

/** Strength of a cipher suite by its IANA value; null for SCSVs and values not in the registry. */
export function suiteStrength(id: number): CipherStrength | null {
  const s = cipherSuiteInfo(id);
  return s === undefined ? null : strengthOf(s);
}

/** Orders grades weakest first (sort ascending = worst first); null (no strength) sorts before everything. */
export function compareStrength(a: CipherStrength | null, b: CipherStrength | null): number {
  return (a === null ? -1 : CIPHER_STRENGTHS.indexOf(a)) - (b === null ? -1 : CIPHER_STRENGTHS.indexOf(b));
}

/** Orders suites by strength, weakest first; ties keep a stable order by suite value. */
export function compareSuitesByStrength(a: number, b: number): number {
  return compareStrength(suiteStrength(a), suiteStrength(b)) || a - b;
}
