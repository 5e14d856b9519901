// mstsc on Windows 10 / Server 2016-2019: 1607 (Server 2016) from the documentation, 1809 and later (Server 2019)
// from a recorded Windows 10 client that matches the 1809 documentation.

import { fact, type ClientProfile, type Source } from '../profile.js';
import { suitesFor, WINDOWS_10_1607 } from '../schannel-defaults.js';
import {
  CREDSSP_CVE_2018_0886,
  CURVES_WIN10_1607,
  MSTSC_USES_SCHANNEL_DEFAULTS,
  SCHANNEL_PROTOCOLS,
  schannelSuitesDoc,
  TSREQUEST_VERSION_PATCHED,
} from '../sources.js';
import { MSTSC_CERTIFICATE_HANDLING, MSTSC_INSISTS_ON_NLA, MSTSC_STANDARD_RDP_SECURITY } from './mstsc-common.js';

const WIN10_CAPTURE = 'windows-client-win10-schannel.json';

/** The ClientHello of the recorded Windows 10 client (captures/windows-client-win10-schannel.json, connection 0). */
export const WINDOWS_10_CLIENT_HELLO =
  '160303008e0100008a030367b4ac55e203e3879630e7d66974024e01872f2bffa34b65c070b61a385929c700002ac02cc02b' +
  'c030c02f009f009ec024c023c028c027c00ac009c014c013009d009c003d003c0035002f000a01000037000a00080006001d' +
  '00170018000b00020100000d001400120401050102010403050302030202060106030023000000170000ff01000100';

const HELLO_WIN10: Source = {
  kind: 'capture',
  text:
    'captures/windows-client-win10-schannel.json (zeek rdp-no-cookie-mstshash.pcap, February 2025): a Windows ' +
    'Schannel client, likely mstsc (the missing cookie does not say which Windows RDP client). Its 21 suites are ' +
    'exactly "TLS Cipher Suites in Windows 10 v1809" (the v22H2 page lists 18, without DHE_RSA GCM and 3DES; the ' +
    'recording contradicts it or comes from an older build), groups as "TLS Elliptic Curves in Windows 10 version ' +
    '1607 and later", no supported_versions extension (TLS 1.2 at most).',
  capture: { file: WIN10_CAPTURE, connection: 0, message: 2 },
};

const WIN10_POPULATION: Source = {
  kind: 'inference',
  text: 'Windows 10 is the largest installed base of Windows clients; Server 2016/2019 are common jump hosts.',
};

const CREDSSP_WIN10 = {
  tsrequest_version: fact(6, TSREQUEST_VERSION_PATCHED),
  oracle_remediation_patched: fact(true, {
    ...CREDSSP_CVE_2018_0886,
    text: `${CREDSSP_CVE_2018_0886.text} Every Windows 10 build still receiving updates has it.`,
  }),
  refuses_unpatched_server: fact(true, CREDSSP_CVE_2018_0886),
} satisfies ClientProfile['credssp'];

export const MSTSC_WIN10: ClientProfile = {
  id: 'mstsc-win10',
  name: 'mstsc on Windows 10 1809 and later / Server 2019',
  population: fact('Most administrators and end users: Windows 10 workstations, Server 2019 jump hosts', WIN10_POPULATION),
  severity: fact('critical', {
    kind: 'inference',
    text: 'rdprobe judgement: locking out the default client of the main Windows release locks out nearly everyone.',
  }),
  requested_protocols: fact(['PROTOCOL_SSL', 'PROTOCOL_HYBRID', 'PROTOCOL_HYBRID_EX'], {
    kind: 'capture',
    text: 'captures/windows-client-win10-schannel.json, connection 0: requestedProtocols 0x0000000b, no cookie.',
    capture: { file: WIN10_CAPTURE, connection: 0, message: 0 },
  }),
  standard_rdp_security: MSTSC_STANDARD_RDP_SECURITY,
  tls: {
    versions: fact(['tls1.0', 'tls1.1', 'tls1.2'], {
      ...HELLO_WIN10,
      text:
        `${SCHANNEL_PROTOCOLS.text} The recorded ClientHello (version 0x0303, no supported_versions) confirms TLS 1.2 ` +
        'as the highest; the lowest accepted is not visible on the wire.',
    }),
    cipher_suites: fact(
      ['0xc02c', '0xc02b', '0xc030', '0xc02f', '0x009f', '0x009e', '0xc024', '0xc023', '0xc028', '0xc027', '0xc00a',
        '0xc009', '0xc014', '0xc013', '0x009d', '0x009c', '0x003d', '0x003c', '0x0035', '0x002f', '0x000a'],
      HELLO_WIN10,
    ),
    groups: fact(['0x001d', '0x0017', '0x0018'], HELLO_WIN10),
    signature_algorithms: fact(['0x0401', '0x0501', '0x0201', '0x0403', '0x0503', '0x0203', '0x0202', '0x0601', '0x0603'], HELLO_WIN10),
    extensions: fact([10, 11, 13, 35, 23, 65281], HELLO_WIN10),
    client_hello_hex: fact(WINDOWS_10_CLIENT_HELLO, HELLO_WIN10),
  },
  credssp: CREDSSP_WIN10,
  insists_on_nla: MSTSC_INSISTS_ON_NLA,
  certificate_handling: MSTSC_CERTIFICATE_HANDLING,
};

const LIKE_LATER_WIN10: Source = {
  kind: 'inference',
  text: 'Not documented for 1607; the recorded 1809-era Windows 10 client sends this (captures/windows-client-win10-schannel.json): likely the same.',
};

export const MSTSC_WIN10_1607: ClientProfile = {
  id: 'mstsc-win10-1607',
  name: 'mstsc on Windows 10 1607 / Server 2016',
  population: fact('Server 2016 jump hosts and management servers; Windows 10 1607 LTSB devices', WIN10_POPULATION),
  severity: fact('high', {
    kind: 'inference',
    text: 'rdprobe judgement: Server 2016 is still supported and widely used as an administration host.',
  }),
  requested_protocols: fact(['PROTOCOL_SSL', 'PROTOCOL_HYBRID', 'PROTOCOL_HYBRID_EX'], LIKE_LATER_WIN10),
  standard_rdp_security: MSTSC_STANDARD_RDP_SECURITY,
  tls: {
    versions: fact(['tls1.0', 'tls1.1', 'tls1.2'], {
      ...SCHANNEL_PROTOCOLS,
      kind: 'inference',
      text: `${SCHANNEL_PROTOCOLS.text} ${MSTSC_USES_SCHANNEL_DEFAULTS.text}`,
    }),
    cipher_suites: fact(
      suitesFor(WINDOWS_10_1607, ['tls1.0', 'tls1.1', 'tls1.2']),
      schannelSuitesDoc(
        'TLS Cipher Suites in Windows 10 v1607',
        'tls-cipher-suites-in-windows-10-v1607',
        ' Unlike 1809 it still enables DHE_RSA CBC, DHE_DSS and RC4.',
        false,
      ),
    ),
    groups: fact(['0x001d', '0x0017', '0x0018'], { ...CURVES_WIN10_1607, kind: 'inference', text: `${CURVES_WIN10_1607.text} ${MSTSC_USES_SCHANNEL_DEFAULTS.text}` }),
    signature_algorithms: fact(MSTSC_WIN10.tls.signature_algorithms.value, LIKE_LATER_WIN10),
    extensions: fact(MSTSC_WIN10.tls.extensions.value, LIKE_LATER_WIN10),
  },
  credssp: CREDSSP_WIN10,
  insists_on_nla: MSTSC_INSISTS_ON_NLA,
  certificate_handling: MSTSC_CERTIFICATE_HANDLING,
};
