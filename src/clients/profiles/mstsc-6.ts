// Remote Desktop Connection 6.0 without CredSSP, as recorded in 2007: the client that asks for TLS alone and falls
// back to Standard RDP Security. What remains of it: Windows XP / Embedded and Server 2003 systems with the RDC 6.x
// update, and Vista machines that never enabled CredSSP.

import { fact, type ClientProfile, type Source } from '../profile.js';
import { MSTSC_USES_SCHANNEL_DEFAULTS } from '../sources.js';
import { MSTSC_CERTIFICATE_HANDLING } from './mstsc-common.js';

const CAPTURE = 'windows-client-mstsc-6.0.json';

const SSL_ONLY: Source = {
  kind: 'capture',
  text:
    'captures/windows-client-mstsc-6.0.json (zeek rdp-proprietary-encryption.pcap, 2007; Client Core Data clientBuild ' +
    '6000 = Remote Desktop Connection 6.0): connection 0 asks for requestedProtocols 0x00000001 (PROTOCOL_SSL alone, no ' +
    'CredSSP); refused with SSL_NOT_ALLOWED_BY_SERVER, connection 1 asks again for PROTOCOL_RDP and completes the MCS ' +
    'Connect exchange with Standard RDP Security.',
  capture: { file: CAPTURE, connection: 0, message: 0 },
};

const VISTA_SUITES: Source = {
  kind: 'inference',
  text:
    '"TLS Cipher Suites in Windows Vista" (Microsoft Learn): the Schannel default order (AES-CBC, RC4, 3DES, ECDHE with ' +
    'P-256/P-384/P-521, DHE_DSS, RC4-MD5; NULL and SSL 2.0 suites left out), all TLS 1.0 or SSL 3.0. The recording ' +
    'never reached TLS (the server refused SSL), and Windows XP / Server 2003 Schannel has no AES without KB948963, ' +
    `so this is the Vista list: likely. ${MSTSC_USES_SCHANNEL_DEFAULTS.text}`,
  url: 'https://learn.microsoft.com/windows/win32/secauthn/schannel-cipher-suites-in-windows-vista',
};

const LIKE_WIN7_HELLO: Source = {
  kind: 'inference',
  text:
    'Not recorded (the server refused SSL before TLS). The recorded Windows 7 Schannel client of the next release sends ' +
    'server_name, status_request, supported_groups and ec_point_formats in that order (captures/windows-client-win7-' +
    'schannel.json), with the curves its suite names carry: likely the same on Vista. TLS 1.0 has no signature_algorithms.',
};

const NO_CREDSSP: Source = {
  kind: 'capture',
  text:
    'captures/windows-client-mstsc-6.0.json: the client asks for PROTOCOL_SSL alone, so it never speaks CredSSP; a server ' +
    'that requires NLA answers HYBRID_REQUIRED_BY_SERVER ([MS-RDPBCGR] 2.2.1.2.2).',
  capture: { file: CAPTURE },
};

export const MSTSC_6: ClientProfile = {
  id: 'mstsc-6',
  name: 'Remote Desktop Connection 6.0 without CredSSP (Windows Vista RTM; XP SP2 / Server 2003 with the RDC 6.0 update)',
  population: fact('Windows XP / XP Embedded terminals, industrial PCs and Server 2003 hosts that still run RDC 6.x', {
    kind: 'inference',
    text: 'Windows XP and Server 2003 left support in 2014-2015 and Vista in 2017; what remains is embedded and industrial systems.',
  }),
  severity: fact('low', {
    kind: 'inference',
    text: 'rdprobe judgement: unsupported systems; requiring NLA or TLS 1.2 locks them out on purpose, but someone must know.',
  }),
  requested_protocols: fact(['PROTOCOL_SSL'], SSL_ONLY),
  standard_rdp_security: {
    supported: fact(true, { ...SSL_ONLY, capture: { file: CAPTURE } }),
    encryption_methods: fact(['40bit', '128bit', '56bit', 'fips'], {
      kind: 'capture',
      text: 'captures/windows-client-mstsc-6.0.json, connection 1: the MCS Connect Initial\'s CS_SECURITY encryptionMethods 0x0000001b.',
      capture: { file: CAPTURE, connection: 1, message: 2 },
    }),
  },
  tls: {
    versions: fact(['ssl3', 'tls1.0'], {
      kind: 'inference',
      text:
        '"Protocols in TLS/SSL (Schannel SSP)" (Microsoft Learn): Windows Vista / Server 2008 Schannel clients have SSL 3.0 ' +
        'and TLS 1.0 (no TLS 1.1 or 1.2, which came with Windows 7); XP and Server 2003 the same. Not recorded: likely.',
      url: 'https://learn.microsoft.com/windows/win32/secauthn/protocols-in-tls-ssl--schannel-ssp-',
    }),
    cipher_suites: fact(
      ['0x002f', '0x0035', '0x0005', '0x000a', '0xc009', '0xc00a', '0xc013', '0xc014', '0x0032', '0x0038', '0x0013', '0x0004'],
      VISTA_SUITES,
    ),
    groups: fact(['0x0017', '0x0018', '0x0019'], LIKE_WIN7_HELLO),
    signature_algorithms: fact([], LIKE_WIN7_HELLO),
    extensions: fact([0, 5, 10, 11], LIKE_WIN7_HELLO),
  },
  credssp: {
    tsrequest_version: fact(null, NO_CREDSSP),
    oracle_remediation_patched: fact(null, NO_CREDSSP),
    refuses_unpatched_server: fact(null, NO_CREDSSP),
  },
  insists_on_nla: fact(false, NO_CREDSSP),
  certificate_handling: MSTSC_CERTIFICATE_HANDLING,
};
