import { nameOf } from '../writer.js';

/**
 * IANA "TLS SignatureScheme" registry (tls-signaturescheme; RFC 8446 4.2.3, RFC 8998, RFC 8734, RFC 9189,
 * draft-ietf-tls-mldsa) plus the TLS 1.2 SignatureAndHashAlgorithm pairs it replaced (RFC 5246 7.4.1.4.1:
 * {hash, signature} bytes, so 0x0202 is {sha1, dsa}). The registry keeps the TLS 1.2 pairs that are not
 * TLS 1.3 schemes as "Reserved for backward compatibility"; they are named here by their pair.
 */
export const SIGNATURE_SCHEME_NAMES: Readonly<Record<number, string>> = {
  0x0201: 'rsa_pkcs1_sha1',
  0x0203: 'ecdsa_sha1',
  0x0401: 'rsa_pkcs1_sha256',
  0x0403: 'ecdsa_secp256r1_sha256',
  0x0420: 'rsa_pkcs1_sha256_legacy',
  0x0501: 'rsa_pkcs1_sha384',
  0x0503: 'ecdsa_secp384r1_sha384',
  0x0520: 'rsa_pkcs1_sha384_legacy',
  0x0601: 'rsa_pkcs1_sha512',
  0x0603: 'ecdsa_secp521r1_sha512',
  0x0620: 'rsa_pkcs1_sha512_legacy',
  0x0704: 'eccsi_sha256',
  0x0705: 'iso_ibs1',
  0x0706: 'iso_ibs2',
  0x0707: 'iso_chinese_ibs',
  0x0708: 'sm2sig_sm3',
  0x0709: 'gostr34102012_256a',
  0x070a: 'gostr34102012_256b',
  0x070b: 'gostr34102012_256c',
  0x070c: 'gostr34102012_256d',
  0x070d: 'gostr34102012_512a',
  0x070e: 'gostr34102012_512b',
  0x070f: 'gostr34102012_512c',
  0x0804: 'rsa_pss_rsae_sha256',
  0x0805: 'rsa_pss_rsae_sha384',
  0x0806: 'rsa_pss_rsae_sha512',
  0x0807: 'ed25519',
  0x0808: 'ed448',
  0x0809: 'rsa_pss_pss_sha256',
  0x080a: 'rsa_pss_pss_sha384',
  0x080b: 'rsa_pss_pss_sha512',
  0x081a: 'ecdsa_brainpoolP256r1tls13_sha256',
  0x081b: 'ecdsa_brainpoolP384r1tls13_sha384',
  0x081c: 'ecdsa_brainpoolP512r1tls13_sha512',
  0x0904: 'mldsa44',
  0x0905: 'mldsa65',
  0x0906: 'mldsa87',
};

// RFC 5246 7.4.1.4.1 HashAlgorithm and SignatureAlgorithm.
const HASHES: Readonly<Record<number, string>> = { 0: 'none', 1: 'md5', 2: 'sha1', 3: 'sha224', 4: 'sha256', 5: 'sha384', 6: 'sha512' };
const SIGNATURES: Readonly<Record<number, string>> = { 0: 'anonymous', 1: 'rsa', 2: 'dsa', 3: 'ecdsa' };

/** The scheme's registry name; a TLS 1.2 pair as `dsa_sha1` style; otherwise `unknown(0x....)`. */
export function signatureSchemeName(v: number): string {
  const known = SIGNATURE_SCHEME_NAMES[v];
  if (known !== undefined) return known;
  const hash = HASHES[v >> 8];
  const sig = SIGNATURES[v & 0xff];
  if (hash !== undefined && sig !== undefined) return `${sig}_${hash}`;
  return nameOf({}, v, 4);
}
