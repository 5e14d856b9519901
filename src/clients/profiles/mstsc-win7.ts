// mstsc on Windows 7 SP1 / Server 2008 R2, without and with KB3080079.

import { fact, type ClientProfile, type Source } from '../profile.js';
import { suitesFor, WINDOWS_7 } from '../schannel-defaults.js';
import { schannelSuitesDoc } from '../sources.js';
import { MSTSC_CERTIFICATE_HANDLING, MSTSC_INSISTS_ON_NLA, MSTSC_STANDARD_RDP_SECURITY } from './mstsc-common.js';

const WIN7_CAPTURE = 'windows-client-win7-schannel.json';

const HELLO_WIN7: Source = {
  kind: 'capture',
  text:
    'captures/windows-client-win7-schannel.json (zeek rdp-to-ssl.pcap, 2011, a Windows 7-era Schannel client, likely ' +
    'mstsc 7.x): a TLS 1.0 ClientHello with extensions server_name, status_request, supported_groups ' +
    '(secp256r1, secp384r1), ec_point_formats and no signature_algorithms (TLS 1.0 has none). Recorded before the ' +
    'KB3042058 cipher-order update; that update changed suites, not extensions (likely).',
  capture: { file: WIN7_CAPTURE, connection: 0, message: 2 },
};

const SUITES_WIN7: Source = schannelSuitesDoc(
  'TLS Cipher Suites in Windows 7',
  'tls-cipher-suites-in-windows-7',
  ' The page gives the order after the KB3042058 update (ECDHE_RSA CBC first). The 2011 capture ' +
    '(captures/windows-client-win7-schannel.json) shows the older order: RSA AES first, RC4 and 3DES, no DHE_RSA; a ' +
    'Windows 7 that never took KB3042058 offers that one.',
  true,
);

const CREDSSP_UNKNOWN: Source = {
  kind: 'inference',
  text:
    '"CredSSP updates for CVE-2018-0886" (KB4093492) covers Windows 7 SP1 / 2008 R2: with it the client speaks ' +
    'TSRequest 6 and by default (Mitigated, May 2018 update on) refuses unpatched servers; without it, version 2 ' +
    'and no refusal. Windows 7 machines today are found at every patch level, so unknown.',
};

const POPULATION_WIN7: Source = {
  kind: 'inference',
  text:
    'Windows 7 and Server 2008 R2 left extended support in January 2020 (Extended Security Updates until 2023); ' +
    'what remains is legacy workstations, jump hosts and embedded systems.',
};

export const MSTSC_WIN7: ClientProfile = {
  id: 'mstsc-win7',
  name: 'mstsc on Windows 7 SP1 / Server 2008 R2 (without KB3080079)',
  population: fact('Legacy Windows 7 / Server 2008 R2 workstations and jump hosts that never got KB3080079', POPULATION_WIN7),
  severity: fact('low', {
    kind: 'inference',
    text: 'rdprobe judgement: an unsupported OS; locking it out is usually the intended effect of a hardening change.',
  }),
  requested_protocols: fact(['PROTOCOL_SSL', 'PROTOCOL_HYBRID'], {
    kind: 'capture',
    text: 'captures/windows-client-win7-schannel.json, connection 0: requestedProtocols 0x00000003, cookie mstshash truncated to 9 characters.',
    capture: { file: WIN7_CAPTURE, connection: 0, message: 0 },
  }),
  standard_rdp_security: MSTSC_STANDARD_RDP_SECURITY,
  tls: {
    versions: fact(['tls1.0'], {
      ...HELLO_WIN7,
      text:
        'captures/windows-client-win7-schannel.json: ClientHello version 0x0301 (TLS 1.0 only); "Protocols in TLS/SSL ' +
        '(Schannel SSP)": TLS 1.1 and 1.2 are disabled by default for Windows 7 clients.',
    }),
    cipher_suites: fact(suitesFor(WINDOWS_7, ['tls1.0']), SUITES_WIN7),
    groups: fact(['0x0017', '0x0018'], HELLO_WIN7),
    signature_algorithms: fact([], HELLO_WIN7),
    extensions: fact([0, 5, 10, 11], HELLO_WIN7),
  },
  credssp: {
    tsrequest_version: fact(null, CREDSSP_UNKNOWN),
    oracle_remediation_patched: fact(null, CREDSSP_UNKNOWN),
    refuses_unpatched_server: fact(null, CREDSSP_UNKNOWN),
  },
  insists_on_nla: MSTSC_INSISTS_ON_NLA,
  certificate_handling: MSTSC_CERTIFICATE_HANDLING,
};

const KB3080079: Source = {
  kind: 'inference',
  text:
    'KB3080079 (Microsoft Support: update that adds TLS 1.1 and TLS 1.2 support to Remote Desktop Services on ' +
    'Windows 7 SP1 / Server 2008 R2 SP1) lets RDP use TLS 1.1/1.2; "Protocols in TLS/SSL (Schannel SSP)" says TLS 1.1/1.2 ' +
    'are disabled by default for Windows 7 clients. Whether mstsc then offers 1.1/1.2 without the SCHANNEL\\Protocols ' +
    'client keys being enabled is not documented: likely it offers 1.0-1.2 once they are, which is how such machines ' +
    'are usually set up.',
};

export const MSTSC_WIN7_KB3080079: ClientProfile = {
  ...MSTSC_WIN7,
  id: 'mstsc-win7-kb3080079',
  name: 'mstsc on Windows 7 SP1 / Server 2008 R2 with KB3080079 (TLS 1.1/1.2 for RDP)',
  population: fact('Windows 7 / Server 2008 R2 hosts that were prepared for TLS 1.0 being switched off', POPULATION_WIN7),
  requested_protocols: fact(['PROTOCOL_SSL', 'PROTOCOL_HYBRID'], {
    kind: 'inference',
    text:
      'As the recorded Windows 7 client (captures/windows-client-win7-schannel.json: SSL|HYBRID); KB3080079 is not ' +
      'known to change the request, but machines that have it often also have the RDP 8.1 client (KB2923545), which ' +
      'may add HYBRID_EX: likely SSL|HYBRID.',
  }),
  tls: {
    versions: fact(['tls1.0', 'tls1.1', 'tls1.2'], KB3080079),
    cipher_suites: fact(suitesFor(WINDOWS_7, ['tls1.0', 'tls1.1', 'tls1.2']), SUITES_WIN7),
    groups: fact(['0x0017', '0x0018'], {
      kind: 'inference',
      text:
        'The Windows 7 suite names carry _P256 and _P384 only ("TLS Cipher Suites in Windows 7"), and the TLS 1.0 ' +
        'capture offers secp256r1, secp384r1: likely the same at TLS 1.2.',
    }),
    signature_algorithms: fact(null, {
      kind: 'inference',
      text: 'A TLS 1.2 ClientHello from Windows 7 was not recorded and the list is not documented: unknown.',
    }),
    extensions: fact(null, {
      kind: 'inference',
      text: 'Not recorded at TLS 1.2 (adds at least signature_algorithms): unknown.',
    }),
  },
};
