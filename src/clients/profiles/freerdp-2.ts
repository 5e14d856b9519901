// FreeRDP 2.x clients (xfreerdp, wlfreerdp) with default options, as recorded from xfreerdp 2.11.7 on Debian 12.

import { fact, type ClientProfile, type Source } from '../profile.js';

const HANDSHAKE = 'xfreerdp-2.11-handshake.json';
const LAB_RESULTS = 'xfreerdp-2.11-lab-results.json';

/** The ClientHello xfreerdp 2.11.7 sent with default options (captures/xfreerdp-2.11-handshake.json, connection 0). */
export const XFREERDP_2_11_CLIENT_HELLO =
  '16030101370100013303037023ab6bd6f4ba839ac2e06d1e1b6d066320d6849a83fe62b2b0ea1fc3b5c42b20f94541539c08' +
  'a6a3e1e83ca3e7fb70651e2912f33af5c84799872a24173322c8003e130213031301c02cc030009fcca9cca8ccaac02bc02f' +
  '009ec024c028006bc023c0270067c00ac0140039c009c0130033009d009c003d003c0035002f00ff010000ac0000000f000d' +
  '00000a3132372e302e39352e31000b000403000102000a00160014001d0017001e0019001801000101010201030104002300' +
  '000016000000170000000d002a0028040305030603080708080809080a080b08040805080604010501060103030301030204' +
  '0205020602002b0009080304030303020301002d00020101003300260024001d002013d73d782d34aac3508caf67efe519ae' +
  'fadb01bc19abc70a063ca66e49cf053b';

/** The ClientHello's source: the recorded bytes (OpenSSL 3.0.19's defaults under FreeRDP's security level 1). */
export const XFREERDP_2_11_HELLO_SOURCE: Source = {
  kind: 'capture',
  text:
    'captures/xfreerdp-2.11-handshake.json, connection 0 (default options), the TLS ClientHello: supported_versions ' +
    '1.3, 1.2, 1.1, 1.0; OpenSSL 3.0 DEFAULT suites (TLS 1.3 first, then ECDHE/DHE AEAD and CBC, RSA, no 3DES or ' +
    'RC4) and the renegotiation SCSV. The list is OpenSSL\'s, so a FreeRDP 2 built with another OpenSSL differs.',
  capture: { file: HANDSHAKE, connection: 0, message: 2 },
};

export const FREERDP_2_TLS_SECLEVEL: Source = {
  kind: 'source_code',
  text:
    'FreeRDP 2.11.7 libfreerdp/core/settings.c: TlsSecLevel = 1 and TLSMinVersion = TLS1_VERSION, no maximum ' +
    '(libfreerdp/crypto/tls.c applies them with SSL_CTX_set_security_level). Under OpenSSL 3 at level 1 a TLS 1.0-only ' +
    'server still fails (captures/xfreerdp-2.11-lab-results.json: xrdp-tls10-only fails at TLS, connects with ' +
    '/tls-seclevel:0).',
  url: 'https://github.com/FreeRDP/FreeRDP/blob/2.11.7/libfreerdp/core/settings.c',
};

export const FREERDP_CERT_PROMPT: Source = {
  kind: 'capture',
  text:
    'captures/xfreerdp-2.11-lab-results.json: against a self-signed certificate (xrdp-tls), a name mismatch (the ' +
    'same run: CN xrdp-tls.lab, connected by IP) and an expired certificate (xrdp-expired), xfreerdp prints the ' +
    'certificate and asks "Do you trust the above certificate? (Y/T/N)"; unanswered it aborts ' +
    '(ERRCONNECT_TLS_CONNECT_FAILED). A person can accept: warn. Source: client/common/client.c ' +
    'client_cli_accept_certificate (FreeRDP 2.11.7).',
  capture: { file: LAB_RESULTS },
};

/**
 * OpenSSL 3.0 CHANGES.md (commit aba03ae, "Reduce the security bits for MD5 and SHA1 based signatures in TLS"):
 * SSL 3, TLS 1.0 and TLS 1.1 no longer work at security level 1, OpenSSL's default and FreeRDP 2's TlsSecLevel.
 * The hello still lists them (supported_versions), the handshake then fails.
 */
export const OPENSSL3_SECLEVEL1_TLS12: Source = {
  kind: 'capture',
  text:
    'captures/xfreerdp-2.11-lab-results.json: against xrdp-tls10-only (127.0.10.7) xfreerdp 2.11.7 fails at TLS ' +
    '(ERRCONNECT_TLS_CONNECT_FAILED) and connects with /tls-seclevel:0. OpenSSL 3.0 CHANGES.md (commit aba03ae): "SSL 3, ' +
    'TLS 1.0, TLS 1.1 and DTLS 1.0 no longer working at the default security level of 1"; FreeRDP 2.11.7 ' +
    'libfreerdp/core/settings.c sets TlsSecLevel 1. So it offers TLS 1.0-1.3 and completes only 1.2 and 1.3.',
  capture: { file: LAB_RESULTS },
};

export const FREERDP_NLA_FALLBACK: Source = {
  kind: 'source_code',
  text:
    'FreeRDP 2.11.7 libfreerdp/core/settings.c: NlaSecurity, TlsSecurity and RdpSecurity TRUE, ' +
    'NegotiateSecurityLayer TRUE, so a server selecting TLS or Standard RDP Security is accepted; seen in ' +
    'captures/xfreerdp-2.11-lab-results.json (xrdp-tls: PROTOCOL_SSL selected, session reached).',
  url: 'https://github.com/FreeRDP/FreeRDP/blob/2.11.7/libfreerdp/core/settings.c',
};

export const FREERDP_NO_ORACLE_REFUSAL: Source = {
  kind: 'source_code',
  text:
    'FreeRDP 2.11.7 libfreerdp/core/nla.c: when the server\'s TSRequest version is below 5 it uses the old public-key ' +
    'echo (nla_encrypt_public_key_echo) instead of the nonce-bound hash: it does not refuse an unpatched server. ' +
    'FreeRDP 3 (libfreerdp/core/nla.c, 3.30.0) keeps the same fallback.',
  url: 'https://github.com/FreeRDP/FreeRDP/blob/2.11.7/libfreerdp/core/nla.c',
};

export const FREERDP_2: ClientProfile = {
  id: 'freerdp-2',
  name: 'FreeRDP 2.x (xfreerdp / wlfreerdp 2.11), default options',
  population: fact('Linux administrators and scripts using xfreerdp from Debian 12 / Ubuntu 22.04-era packages; thin clients built on FreeRDP 2', {
    kind: 'inference',
    text: 'Debian 12 ships freerdp2-x11 2.11.7 (the version recorded here); FreeRDP 3 replaced it in newer distributions.',
  }),
  severity: fact('medium', {
    kind: 'inference',
    text: 'rdprobe judgement: usually administrators and automation with a Windows client at hand, not end users.',
  }),
  requested_protocols: fact(['PROTOCOL_SSL', 'PROTOCOL_HYBRID'], {
    kind: 'capture',
    text:
      'captures/xfreerdp-2.11-handshake.json, connection 0: RDP_NEG_REQ requestedProtocols 0x00000003, flags 0, ' +
      'cookie mstshash=<user name>. /sec:tls sends 0x1, /sec:ext 0x0b, /sec:rdp no RDP_NEG_REQ at all.',
    capture: { file: HANDSHAKE, connection: 0, message: 0 },
  }),
  standard_rdp_security: {
    supported: fact(true, {
      kind: 'source_code',
      text:
        'FreeRDP 2.11.7 libfreerdp/core/settings.c: RdpSecurity TRUE by default, and libfreerdp/core/nego.c accepts ' +
        'a server selecting PROTOCOL_RDP; /sec:rdp asks for it alone (captures/xfreerdp-2.11-handshake.json, connection 6).',
      url: 'https://github.com/FreeRDP/FreeRDP/blob/2.11.7/libfreerdp/core/nego.c',
    }),
    encryption_methods: fact(['40bit', '128bit', '56bit', 'fips'], {
      kind: 'capture',
      text:
        'captures/xfreerdp-2.11-handshake.json, connection 6 (/sec:rdp, server selects RDP): the MCS Connect ' +
        'Initial\'s CS_SECURITY encryptionMethods 0x0000001b; libfreerdp/core/nego.c sets all four methods when the ' +
        'client did not choose.',
      capture: { file: HANDSHAKE, connection: 6, message: 2 },
    }),
  },
  tls: {
    versions: fact(['tls1.0', 'tls1.1', 'tls1.2', 'tls1.3'], {
      ...XFREERDP_2_11_HELLO_SOURCE,
      text:
        'captures/xfreerdp-2.11-handshake.json, connection 0: supported_versions 0x0304, 0x0303, 0x0302, 0x0301. ' +
        'Offered is not accepted: OpenSSL 3 at FreeRDP\'s security level 1 fails a TLS 1.0-only server ' +
        '(xfreerdp-2.11-lab-results.json, xrdp-tls10-only).',
    }),
    cipher_suites: fact(
      ['0x1302', '0x1303', '0x1301', '0xc02c', '0xc030', '0x009f', '0xcca9', '0xcca8', '0xccaa', '0xc02b', '0xc02f',
        '0x009e', '0xc024', '0xc028', '0x006b', '0xc023', '0xc027', '0x0067', '0xc00a', '0xc014', '0x0039', '0xc009',
        '0xc013', '0x0033', '0x009d', '0x009c', '0x003d', '0x003c', '0x0035', '0x002f', '0x00ff'],
      XFREERDP_2_11_HELLO_SOURCE,
    ),
    groups: fact(['0x001d', '0x0017', '0x001e', '0x0019', '0x0018', '0x0100', '0x0101', '0x0102', '0x0103', '0x0104'], XFREERDP_2_11_HELLO_SOURCE),
    signature_algorithms: fact(
      ['0x0403', '0x0503', '0x0603', '0x0807', '0x0808', '0x0809', '0x080a', '0x080b', '0x0804', '0x0805', '0x0806',
        '0x0401', '0x0501', '0x0601', '0x0303', '0x0301', '0x0302', '0x0402', '0x0502', '0x0602'],
      XFREERDP_2_11_HELLO_SOURCE,
    ),
    extensions: fact([0, 11, 10, 35, 22, 23, 13, 43, 45, 51], XFREERDP_2_11_HELLO_SOURCE),
    client_hello_hex: fact(XFREERDP_2_11_CLIENT_HELLO, XFREERDP_2_11_HELLO_SOURCE),
    completes_versions: fact(['tls1.2', 'tls1.3'], OPENSSL3_SECLEVEL1_TLS12),
  },
  credssp: {
    tsrequest_version: fact(6, {
      kind: 'capture',
      text:
        'captures/xfreerdp-2.11-handshake.json, connection 0, inside_tls: the first TSRequest has version 6, an NTLM ' +
        'NEGOTIATE and a 32-byte clientNonce; libfreerdp/core/nla.c (2.11.7) sets nla->version = 6.',
      capture: { file: HANDSHAKE, connection: 0, message: 0, part: 'inside_tls' },
    }),
    oracle_remediation_patched: fact(true, {
      kind: 'source_code',
      text: 'FreeRDP 2.11.7 libfreerdp/core/nla.c implements the version 5/6 nonce-bound public-key hash (nla_encrypt_public_key_hash).',
      url: 'https://github.com/FreeRDP/FreeRDP/blob/2.11.7/libfreerdp/core/nla.c',
    }),
    refuses_unpatched_server: fact(false, FREERDP_NO_ORACLE_REFUSAL),
  },
  insists_on_nla: fact(false, FREERDP_NLA_FALLBACK),
  certificate_handling: {
    untrusted: fact('warn', FREERDP_CERT_PROMPT),
    expired: fact('warn', FREERDP_CERT_PROMPT),
    name_mismatch: fact('warn', FREERDP_CERT_PROMPT),
  },
};
