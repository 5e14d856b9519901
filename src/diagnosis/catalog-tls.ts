/**
 * Catalog entries of the TLS surface: the cipher suites, protocol versions and chain properties the deep mode
 * (--tls-suites) and the trust check measure. Compliance scans flag these on RDP ports; each entry names the
 * Schannel registry value or Group Policy setting that changes it on Windows, and how to check it first.
 */
import { c, OS_VERSION, QUERY_CERT_HASH, QUERY_SCHANNEL, r, SCHANNEL_PROTOCOLS, LIST_RDP_CERTS, LIST_MY_CERTS } from './commands.js';
import type { CatalogEntry } from './types.js';

export const TLS_SURFACE_FINDING_IDS = [
  'ssl2_enabled',
  'ssl3_enabled',
  'tls_null_export_anon',
  'tls_rc4',
  'tls_3des',
  'tls_no_pfs',
  'tls_cbc_only',
  'tls_weak_dh',
  'tls_no_secure_renegotiation',
  'cert_untrusted',
  'cert_chain_incomplete',
] as const;

export type TlsSurfaceFindingId = (typeof TLS_SURFACE_FINDING_IDS)[number];

const SCHANNEL = r`HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL`;
const CIPHERS = `${SCHANNEL}\\Ciphers`;
const SUITE_ORDER_GPO = 'Computer Configuration > Administrative Templates > Network > SSL Configuration Settings > SSL Cipher Suite Order';
const SUITE_ORDER_POLICY = r`HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002`;
const LIST_SUITES = 'Get-TlsCipherSuite | Format-Table Name, Exchange, Cipher, CipherLength, Hash';
const QUERY_SUITE_POLICY = `reg query "${SUITE_ORDER_POLICY}" /v Functions`;
const QUERY_CIPHERS = `reg query "${CIPHERS}" /s`;
const GPRESULT = 'gpresult /h gpresult.html (then look for "SSL Cipher Suite Order")';
const SUITE_REFERENCES = [
  'Microsoft Learn: Cipher Suites in TLS/SSL (Schannel SSP)',
  'Microsoft Learn: Manage Transport Layer Security (TLS) (cipher suite order)',
  'Microsoft Learn: TLS registry settings',
];
const REORDER = `Set the "SSL Cipher Suite Order" policy (${SUITE_ORDER_GPO}) to a list without them, or remove each one with Disable-TlsCipherSuite -Name <IANA name>; reboot, then scan again with --tls-suites.`;
const CHAIN_REFERENCES = ['RFC 5280 6.1 (certification path validation)', 'Microsoft Learn: Configure Server Authentication Certificates for Remote Desktop (certificate template policy)'];
const CERT_TEMPLATE_GPO =
  'Computer Configuration > Administrative Templates > Windows Components > Remote Desktop Services > Remote Desktop Session Host > Security > Server authentication certificate template';

export const TLS_SURFACE_ENTRIES: { [K in TlsSurfaceFindingId]: Omit<CatalogEntry, 'id'> } = {
  ssl2_enabled: {
    severity: 'critical',
    title: 'SSL 2.0 is accepted',
    summary:
      'The server answers an SSL 2.0 CLIENT-HELLO. SSL 2.0 has no handshake integrity and only broken ciphers (RFC 6176 prohibits it; DROWN uses it to attack TLS sessions that share the key). No RDP client needs it.',
    trigger: 'tls.versions["ssl2.0"] = true (--tls-suites)',
    scope: 'host',
    causes: [
      c('legacy_os', 'likely', 'A Windows release from before Server 2008 with its defaults, or an appliance with an old TLS stack.'),
      c('explicit', 'possible', `SSL 2.0 was enabled again in the registry (${SCHANNEL_PROTOCOLS}\\SSL 2.0\\Server Enabled = 1).`),
    ],
    event_ids: [],
    checks: [QUERY_SCHANNEL, OS_VERSION],
    remediation: [`reg add "${SCHANNEL_PROTOCOLS}\\SSL 2.0\\Server" /v Enabled /t REG_DWORD /d 0 /f, then reboot.`],
    references: ['RFC 6176 (prohibiting SSL 2.0)', 'Microsoft Learn: TLS registry settings (SSL 2.0)', 'CVE-2016-0800'],
  },
  ssl3_enabled: {
    severity: 'high',
    title: 'SSL 3.0 is accepted',
    summary:
      'The server completes an SSL 3.0 hello. SSL 3.0 is broken (POODLE, CVE-2014-3566) and deprecated by RFC 7568; every RDP client since Windows XP SP3 speaks TLS 1.0 or later. Disable it for the server side.',
    trigger: 'tls.versions["ssl3.0"] = true (--tls-suites)',
    scope: 'host',
    causes: [
      c('defaults', 'likely', 'Windows Server 2012 R2 and older accept SSL 3.0 unless it is disabled explicitly (later releases disable it by default).'),
      c('explicit', 'possible', `SSL 3.0 was enabled again in the registry (${SCHANNEL_PROTOCOLS}\\SSL 3.0\\Server Enabled = 1) for an old application.`),
    ],
    event_ids: [],
    checks: [QUERY_SCHANNEL, OS_VERSION],
    remediation: [`reg add "${SCHANNEL_PROTOCOLS}\\SSL 3.0\\Server" /v Enabled /t REG_DWORD /d 0 /f, then reboot.`],
    references: ['RFC 7568 (deprecating SSL 3.0)', 'CVE-2014-3566', 'Microsoft Learn: TLS registry settings (SSL 3.0)'],
  },
  tls_null_export_anon: {
    severity: 'critical',
    title: 'A NULL, EXPORT or anonymous cipher suite is accepted',
    summary:
      'The server accepts a suite that does not encrypt (NULL), uses export-grade keys (FREAK, Logjam), or does not authenticate the server at all (anonymous Diffie-Hellman: anyone on the path can impersonate it). Remove them.',
    trigger: 'tls.cipher_suites[*] has a suite with cipher NULL, EXPORT in its name, or auth anon (--tls-suites)',
    scope: 'host',
    causes: [
      c('suite_order', 'likely', `The "SSL Cipher Suite Order" policy or the local list (${SUITE_ORDER_POLICY}) was set to a list that includes them.`),
      c('non_windows', 'possible', 'A non-Windows RDP server (xrdp, an appliance) with a permissive OpenSSL cipher string (e.g. ALL or @SECLEVEL=0).'),
    ],
    event_ids: [],
    checks: [LIST_SUITES, QUERY_SUITE_POLICY, GPRESULT],
    remediation: [REORDER, 'On xrdp: set tls_ciphers=HIGH (or an explicit list) in xrdp.ini and restart xrdp.'],
    references: ['RFC 7525 (TLS recommendations) 4.2', 'CVE-2015-0204', 'CVE-2015-4000', ...SUITE_REFERENCES],
  },
  tls_rc4: {
    severity: 'high',
    title: 'An RC4 cipher suite is accepted',
    summary: 'The server accepts RC4, which RFC 7465 prohibits in TLS: its keystream biases let an attacker recover plaintext. Disable RC4 in Schannel.',
    trigger: 'tls.cipher_suites[*] has a suite with cipher RC4 (--tls-suites)',
    scope: 'host',
    causes: [
      c('legacy_os', 'likely', 'Windows Server 2008 R2 / 2012 before the 2013-2016 RC4 updates (KB2868725) still offer RC4 by default.'),
      c('explicit', 'possible', `RC4 is enabled in ${CIPHERS}\\RC4 128/128 (Enabled = 0xffffffff) or listed in the cipher suite order policy.`),
    ],
    event_ids: [],
    checks: [QUERY_CIPHERS, LIST_SUITES, QUERY_SUITE_POLICY],
    remediation: [
      `Disable RC4 for every key size: reg add "${CIPHERS}\\RC4 128/128" /v Enabled /t REG_DWORD /d 0 /f (and likewise "RC4 64/128", "RC4 56/128", "RC4 40/128"), then reboot.`,
      REORDER,
    ],
    references: ['RFC 7465 (prohibiting RC4 cipher suites)', 'Microsoft Learn: Security Advisory 2868725 (RC4)', ...SUITE_REFERENCES],
  },
  tls_3des: {
    severity: 'medium',
    title: 'A 3DES cipher suite is accepted (SWEET32)',
    summary:
      'The server accepts TLS_RSA_WITH_3DES_EDE_CBC_SHA or another 64-bit block cipher suite. Long sessions with it are exposed to the SWEET32 birthday attack (CVE-2016-2183), and compliance scans flag it. Windows clients since Windows 7 do not need it.',
    trigger: 'tls.cipher_suites[*] has a suite with cipher 3DES, IDEA or another 64-bit block cipher (--tls-suites)',
    scope: 'host',
    causes: [
      c('defaults', 'likely', 'Windows Server 2016 and older keep TLS_RSA_WITH_3DES_EDE_CBC_SHA in the default suite list.'),
      c('suite_order', 'possible', 'The cipher suite order policy lists it for an old client.'),
    ],
    event_ids: [],
    checks: [LIST_SUITES, QUERY_CIPHERS, QUERY_SUITE_POLICY],
    remediation: [`Disable Triple DES: reg add "${CIPHERS}\\Triple DES 168" /v Enabled /t REG_DWORD /d 0 /f, then reboot; or Disable-TlsCipherSuite -Name TLS_RSA_WITH_3DES_EDE_CBC_SHA.`],
    references: ['CVE-2016-2183', ...SUITE_REFERENCES],
  },
  tls_no_pfs: {
    severity: 'low',
    title: 'Cipher suites without forward secrecy are accepted',
    summary:
      'The server accepts suites whose key exchange is static RSA (TLS_RSA_WITH_*): whoever obtains the server\'s private key later can decrypt recorded sessions. Keep ECDHE/DHE suites first, and remove the static RSA ones once clients allow it.',
    trigger: 'tls.cipher_suites[*] has a TLS 1.0-1.2 suite without forward secrecy (pfs = false) (--tls-suites)',
    scope: 'host',
    causes: [c('defaults', 'likely', 'Windows keeps TLS_RSA_WITH_AES_* suites in its default list for old clients.'), c('suite_order', 'possible', 'The cipher suite order policy lists them.')],
    event_ids: [],
    checks: [LIST_SUITES, QUERY_SUITE_POLICY],
    remediation: [REORDER],
    references: ['RFC 7525 6.3 (forward secrecy)', ...SUITE_REFERENCES],
  },
  tls_cbc_only: {
    severity: 'medium',
    title: 'Only CBC cipher suites are accepted (no AEAD)',
    summary:
      'Every suite the server accepts uses CBC mode; none is AES-GCM or ChaCha20-Poly1305. CBC suites have a history of padding-oracle attacks (Lucky 13, POODLE-TLS). TLS 1.2 with AES-GCM is available on every Windows release since 2008 R2 with KB3080079.',
    trigger: 'tls.cipher_suites lists suites and none of them is AEAD (--tls-suites)',
    scope: 'host',
    causes: [
      c('tls12_missing', 'likely', 'Only TLS 1.0/1.1 are accepted, and they have no AEAD suites.'),
      c('suite_order', 'possible', 'The cipher suite order policy left only CBC suites.'),
    ],
    event_ids: [],
    checks: [LIST_SUITES, QUERY_SUITE_POLICY, QUERY_SCHANNEL],
    remediation: ['Enable TLS 1.2 for RDP (KB3080079 on 2008 R2) and put TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384 and TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 first in the cipher suite order.'],
    references: ['RFC 7457 (attacks on TLS) 2.4, 2.5', ...SUITE_REFERENCES],
  },
  tls_weak_dh: {
    severity: 'medium',
    title: 'DHE suites use a Diffie-Hellman group under 2048 bits',
    summary:
      'The server\'s DHE key exchange uses a prime smaller than 2048 bits (Logjam: 1024-bit groups are within reach of a well-funded attacker). Raise the minimum, or drop the DHE suites and keep ECDHE.',
    trigger: 'tls.dh_bits < 2048 (--tls-suites)',
    scope: 'host',
    causes: [
      c('server_min', 'likely', `Windows before the 2016 Logjam changes uses 1024-bit DHE unless ${SCHANNEL}\\KeyExchangeAlgorithms\\Diffie-Hellman ServerMinKeyBitLength says otherwise.`),
      c('non_windows', 'possible', 'A non-Windows server configured with a 1024-bit DH parameter file.'),
    ],
    event_ids: [],
    checks: [`reg query "${SCHANNEL}\\KeyExchangeAlgorithms\\Diffie-Hellman" /v ServerMinKeyBitLength`, LIST_SUITES],
    remediation: [
      `reg add "${SCHANNEL}\\KeyExchangeAlgorithms\\Diffie-Hellman" /v ServerMinKeyBitLength /t REG_DWORD /d 0x800 /f (2048 bits), then reboot.`,
      'Or remove the TLS_DHE_* suites from the cipher suite order and keep the ECDHE ones.',
    ],
    references: ['CVE-2015-4000', 'Microsoft Learn: Security Advisory 3174644 (Diffie-Hellman key exchange)', 'RFC 7919 (negotiated FFDHE groups)'],
  },
  tls_no_secure_renegotiation: {
    severity: 'medium',
    title: 'The server does not support secure renegotiation (RFC 5746)',
    summary:
      'The server answers a TLS 1.2-or-older hello without renegotiation_info, so it predates RFC 5746: a man in the middle can splice his own data in front of a client\'s session (CVE-2009-3555), and current clients refuse such servers when strict.',
    trigger: 'tls.secure_renegotiation = false',
    scope: 'host',
    causes: [
      c('unpatched', 'likely', 'A Windows release without MS10-049 (KB980436), or an old appliance TLS stack.'),
      c('insecure_allowed', 'possible', `Schannel was set to allow insecure renegotiation (${SCHANNEL} AllowInsecureRenegoClients / AllowInsecureRenegoServers).`),
    ],
    event_ids: [],
    checks: [`reg query "${SCHANNEL}" /v AllowInsecureRenegoClients`, `reg query "${SCHANNEL}" /v AllowInsecureRenegoServers`, OS_VERSION],
    remediation: ['Install the current updates (MS10-049 added RFC 5746 to Schannel) and remove AllowInsecureRenego* values; on appliances, update the firmware.'],
    references: ['RFC 5746 (TLS renegotiation indication extension)', 'CVE-2009-3555', 'KB980436 (MS10-049: RFC 5746 in Schannel)'],
  },
  cert_untrusted: {
    severity: 'medium',
    title: 'The RDP certificate does not chain to a trusted root',
    summary:
      'The certificate is issued by a CA, but the chain the server sends does not lead to a root the prober trusts (Node\'s bundled public roots plus any --ca-file). For a certificate from an internal (enterprise) CA this is expected until you give that CA with --ca-file; otherwise clients without that root get the certificate warning. Self-signed certificates have their own finding (cert_self_signed).',
    trigger: 'certificate.trusted = false and the leaf is not self-signed (trust_error untrusted_root, unknown_issuer, expired, not_yet_valid)',
    scope: 'host',
    causes: [
      c('enterprise_ca', 'likely', 'The certificate comes from an internal CA whose root is in the domain\'s trust store but not in the prober\'s: scan again with --ca-file <root.pem>.'),
      c('missing_intermediate', 'possible', 'The server does not send the intermediate CA certificate, and clients without it in their store cannot build the path (rdprobe does not fetch AIA URLs).'),
      c('expired_ca', 'possible', 'A CA certificate on the path has expired or is not yet valid.'),
    ],
    event_ids: [],
    checks: [`${QUERY_CERT_HASH}`, LIST_MY_CERTS, 'certutil -verify -urlfetch <exported certificate file>'],
    remediation: [
      'If the issuer is your enterprise CA: give its root to rdprobe with --ca-file and scan again; the finding stays only when the chain really is broken.',
      `Otherwise issue the RDP certificate from a CA that clients trust (for example with the "${CERT_TEMPLATE_GPO}" policy) and make sure the intermediate certificates are in the server's Intermediate Certification Authorities store.`,
    ],
    references: CHAIN_REFERENCES,
    superseded_by: ['cert_chain_incomplete', 'cert_expired', 'cert_not_yet_valid'],
  },
  cert_chain_incomplete: {
    severity: 'medium',
    title: 'The server does not send the intermediate CA certificate',
    summary:
      'With the CA you gave (--ca-file), the certificate still does not chain: the server sends its certificate without the intermediate certificate between it and your root. Clients that do not already hold the intermediate (or cannot fetch it) show a certificate warning or refuse.',
    trigger: 'certificate.trust_error = "incomplete_chain" (the issuer was neither sent nor in the store, with --ca-file given)',
    scope: 'host',
    causes: [
      c('intermediate_missing', 'likely', 'The intermediate CA certificate is not in the server\'s "Intermediate Certification Authorities" store, so Schannel cannot send it.'),
      c('wrong_ca_file', 'possible', 'The --ca-file given is not the root this certificate chains to.'),
    ],
    event_ids: [],
    checks: [LIST_RDP_CERTS, LIST_MY_CERTS, r`Get-ChildItem Cert:\LocalMachine\CA | Format-List Subject, Thumbprint, NotAfter`],
    remediation: [r`Import the intermediate certificate on the server: Import-Certificate -FilePath intermediate.cer -CertStoreLocation Cert:\LocalMachine\CA, then Restart-Service TermService -Force.`],
    references: CHAIN_REFERENCES,
  },
};
