// Default Schannel cipher-suite priority lists, as Microsoft documents them per Windows release.
// Generated from the Microsoft Learn pages named above each list (MicrosoftDocs/win32, desktop-src/SecAuthN/,
// read December 2026) with the suite names mapped to IANA ids. Suites the pages mark "only used when the
// application explicitly requests" (NULL ciphers, SSL 2.0) are left out: a default client never offers them.
// Names with an elliptic-curve suffix (_P256, _P384: Windows 7 and 8.1) are one IANA suite; the suffix is the
// curve, which the ClientHello carries in supported_groups instead.

import type { TlsVersion } from './profile.js';

/** [IANA id, IANA name, TLS versions the page lists for it]. */
export type SchannelSuite = readonly [id: string, name: string, versions: readonly TlsVersion[]];

/**
 * The suites of `list` a client offering `versions` puts in its ClientHello, in priority order: Schannel leaves out
 * suites that exist only in versions it does not offer (seen in captures/windows-client-win7-schannel.json,
 * whose TLS 1.0 ClientHello has no SHA-256 or GCM suite).
 */
export function suitesFor(list: readonly SchannelSuite[], versions: readonly TlsVersion[]): string[] {
  return list.filter(([, , v]) => v.some((x) => versions.includes(x))).map(([id]) => id);
}

/** "TLS Cipher Suites in Windows 7" (Microsoft Learn, tls-cipher-suites-in-windows-7.md): Windows 7 / Server 2008 R2 after the KB3042058 priority-order update. Left out: TLS_RSA_WITH_NULL_SHA256, TLS_RSA_WITH_NULL_SHA, SSL_CK_RC4_128_WITH_MD5, SSL_CK_DES_192_EDE3_CBC_WITH_MD5. */
export const WINDOWS_7: readonly SchannelSuite[] = [
  ['0xc028', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc027', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc014', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc013', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x009f', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009e', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x0039', 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x0033', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x009d', 'TLS_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009c', 'TLS_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x003d', 'TLS_RSA_WITH_AES_256_CBC_SHA256', ['tls1.2']],
  ['0x003c', 'TLS_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0x0035', 'TLS_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x002f', 'TLS_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc02c', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02b', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc024', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc023', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc00a', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc009', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x006a', 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256', ['tls1.2']],
  ['0x0040', 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0x0038', 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x0032', 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x000a', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x0013', 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0', 'ssl3']],
  ['0x0005', 'TLS_RSA_WITH_RC4_128_SHA', ['tls1.2', 'tls1.1', 'tls1.0', 'ssl3']],
  ['0x0004', 'TLS_RSA_WITH_RC4_128_MD5', ['tls1.2', 'tls1.1', 'tls1.0', 'ssl3']],
];

/** "TLS Cipher Suites in Windows 8.1" (Microsoft Learn, tls-cipher-suites-in-windows-8-1.md): Windows 8.1 / Server 2012 R2. Left out: TLS_RSA_WITH_NULL_SHA256, TLS_RSA_WITH_NULL_SHA, SSL_CK_RC4_128_WITH_MD5, SSL_CK_DES_192_EDE3_CBC_WITH_MD5. */
export const WINDOWS_8_1: readonly SchannelSuite[] = [
  ['0xc028', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc027', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc014', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc013', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x009f', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009e', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x0039', 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x0033', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x009d', 'TLS_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009c', 'TLS_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x003d', 'TLS_RSA_WITH_AES_256_CBC_SHA256', ['tls1.2']],
  ['0x003c', 'TLS_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0x0035', 'TLS_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x002f', 'TLS_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc02c', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02b', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc024', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc023', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc00a', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc009', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x006a', 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256', ['tls1.2']],
  ['0x0040', 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0x0038', 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x0032', 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x000a', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x0013', 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0', 'ssl3']],
  ['0x0005', 'TLS_RSA_WITH_RC4_128_SHA', ['tls1.2', 'tls1.1', 'tls1.0', 'ssl3']],
  ['0x0004', 'TLS_RSA_WITH_RC4_128_MD5', ['tls1.2', 'tls1.1', 'tls1.0', 'ssl3']],
];

/** "TLS Cipher Suites in Windows 10 v1607" (Microsoft Learn, tls-cipher-suites-in-windows-10-v1607.md): Windows 10 1607 / Server 2016. Left out: TLS_RSA_WITH_NULL_SHA256, TLS_RSA_WITH_NULL_SHA. */
export const WINDOWS_10_1607: readonly SchannelSuite[] = [
  ['0xc02c', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02b', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc030', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02f', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x009f', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009e', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc024', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc023', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc028', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc027', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc00a', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc009', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc014', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc013', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x0039', 'TLS_DHE_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x0033', 'TLS_DHE_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x009d', 'TLS_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009c', 'TLS_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x003d', 'TLS_RSA_WITH_AES_256_CBC_SHA256', ['tls1.2']],
  ['0x003c', 'TLS_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0x0035', 'TLS_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x002f', 'TLS_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x000a', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x006a', 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA256', ['tls1.2']],
  ['0x0040', 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0x0038', 'TLS_DHE_DSS_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x0032', 'TLS_DHE_DSS_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x0013', 'TLS_DHE_DSS_WITH_3DES_EDE_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0', 'ssl3']],
  ['0x0005', 'TLS_RSA_WITH_RC4_128_SHA', ['tls1.2', 'tls1.1', 'tls1.0', 'ssl3']],
  ['0x0004', 'TLS_RSA_WITH_RC4_128_MD5', ['tls1.2', 'tls1.1', 'tls1.0', 'ssl3']],
];

/** "TLS Cipher Suites in Windows 10 v1809" (Microsoft Learn, tls-cipher-suites-in-windows-10-v1809.md): Windows 10 1809 / Server 2019. Left out: TLS_RSA_WITH_NULL_SHA256, TLS_RSA_WITH_NULL_SHA. */
export const WINDOWS_10_1809: readonly SchannelSuite[] = [
  ['0xc02c', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02b', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc030', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02f', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x009f', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009e', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc024', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc023', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc028', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc027', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc00a', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc009', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc014', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc013', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x009d', 'TLS_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009c', 'TLS_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x003d', 'TLS_RSA_WITH_AES_256_CBC_SHA256', ['tls1.2']],
  ['0x003c', 'TLS_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0x0035', 'TLS_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x002f', 'TLS_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x000a', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
];

/** "TLS Cipher Suites in Windows 10 v22H2" (Microsoft Learn, tls-cipher-suites-in-windows-10-v22H2.md): Windows 10 22H2. Left out: TLS_RSA_WITH_NULL_SHA256, TLS_RSA_WITH_NULL_SHA. */
export const WINDOWS_10_22H2: readonly SchannelSuite[] = [
  ['0xc02c', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02b', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc030', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02f', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc024', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc023', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc028', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc027', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc00a', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc009', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc014', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc013', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x009d', 'TLS_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009c', 'TLS_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x003d', 'TLS_RSA_WITH_AES_256_CBC_SHA256', ['tls1.2']],
  ['0x003c', 'TLS_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0x0035', 'TLS_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x002f', 'TLS_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
];

/** "TLS Cipher Suites in Windows 11" (Microsoft Learn, tls-cipher-suites-in-windows-11.md): Windows 11. Left out: TLS_RSA_WITH_NULL_SHA256, TLS_RSA_WITH_NULL_SHA. */
export const WINDOWS_11: readonly SchannelSuite[] = [
  ['0x1302', 'TLS_AES_256_GCM_SHA384', ['tls1.3']],
  ['0x1301', 'TLS_AES_128_GCM_SHA256', ['tls1.3']],
  ['0xc02c', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02b', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc030', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02f', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x009f', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009e', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc024', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc023', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc028', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc027', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc00a', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc009', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc014', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc013', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x009d', 'TLS_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009c', 'TLS_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x003d', 'TLS_RSA_WITH_AES_256_CBC_SHA256', ['tls1.2']],
  ['0x003c', 'TLS_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0x0035', 'TLS_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x002f', 'TLS_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x000a', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
];

/** "TLS Cipher Suites in Windows Server 2022" (Microsoft Learn, tls-cipher-suites-in-windows-server-2022.md): Windows Server 2022. Left out: TLS_RSA_WITH_NULL_SHA256, TLS_RSA_WITH_NULL_SHA. */
export const WINDOWS_SERVER_2022: readonly SchannelSuite[] = [
  ['0x1302', 'TLS_AES_256_GCM_SHA384', ['tls1.3']],
  ['0x1301', 'TLS_AES_128_GCM_SHA256', ['tls1.3']],
  ['0xc02c', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02b', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc030', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02f', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x009f', 'TLS_DHE_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009e', 'TLS_DHE_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc024', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc023', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc028', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc027', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc00a', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc009', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc014', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc013', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x009d', 'TLS_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009c', 'TLS_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x003d', 'TLS_RSA_WITH_AES_256_CBC_SHA256', ['tls1.2']],
  ['0x003c', 'TLS_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0x0035', 'TLS_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x002f', 'TLS_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x000a', 'TLS_RSA_WITH_3DES_EDE_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
];

/** "TLS Cipher Suites in Windows Server 2025" (Microsoft Learn, tls-cipher-suites-in-windows-server-2025.md): Windows Server 2025. Left out: TLS_RSA_WITH_NULL_SHA256, TLS_RSA_WITH_NULL_SHA. */
export const WINDOWS_SERVER_2025: readonly SchannelSuite[] = [
  ['0x1302', 'TLS_AES_256_GCM_SHA384', ['tls1.3']],
  ['0x1301', 'TLS_AES_128_GCM_SHA256', ['tls1.3']],
  ['0xc02c', 'TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02b', 'TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc030', 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0xc02f', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0xc024', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc023', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc028', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384', ['tls1.2']],
  ['0xc027', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0xc00a', 'TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc009', 'TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc014', 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0xc013', 'TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x009d', 'TLS_RSA_WITH_AES_256_GCM_SHA384', ['tls1.2']],
  ['0x009c', 'TLS_RSA_WITH_AES_128_GCM_SHA256', ['tls1.2']],
  ['0x003d', 'TLS_RSA_WITH_AES_256_CBC_SHA256', ['tls1.2']],
  ['0x003c', 'TLS_RSA_WITH_AES_128_CBC_SHA256', ['tls1.2']],
  ['0x0035', 'TLS_RSA_WITH_AES_256_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
  ['0x002f', 'TLS_RSA_WITH_AES_128_CBC_SHA', ['tls1.2', 'tls1.1', 'tls1.0']],
];
