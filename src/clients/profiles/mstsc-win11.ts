// mstsc on Windows 11 / Server 2022-2025. Nothing recorded: documented Schannel defaults plus inferences.

import { fact, type ClientProfile, type Source } from '../profile.js';
import { suitesFor, WINDOWS_11 } from '../schannel-defaults.js';
import {
  CREDSSP_CVE_2018_0886,
  CURVES_WIN10_1607,
  MSTSC_USES_SCHANNEL_DEFAULTS,
  SCHANNEL_PROTOCOLS,
  schannelSuitesDoc,
  TSREQUEST_VERSION_PATCHED,
} from '../sources.js';
import { MSTSC_CERTIFICATE_HANDLING, MSTSC_INSISTS_ON_NLA, MSTSC_STANDARD_RDP_SECURITY } from './mstsc-common.js';
import { MSTSC_WIN10 } from './mstsc-win10.js';

const LIKE_WIN10: Source = {
  kind: 'inference',
  text: 'Not documented for Windows 11 and not recorded; the recorded Windows 10 client does this (captures/windows-client-win10-schannel.json): likely the same.',
};

export const MSTSC_WIN11: ClientProfile = {
  id: 'mstsc-win11',
  name: 'mstsc on Windows 11 / Server 2022-2025',
  population: fact('Current Windows 11 workstations and Server 2022/2025 jump hosts: the default client from here on', {
    kind: 'inference',
    text: 'Windows 10 support ended in October 2025; Windows 11 is the current client release.',
  }),
  severity: fact('critical', {
    kind: 'inference',
    text: 'rdprobe judgement: the default client of the current Windows release.',
  }),
  requested_protocols: fact(['PROTOCOL_SSL', 'PROTOCOL_HYBRID', 'PROTOCOL_HYBRID_EX'], LIKE_WIN10),
  standard_rdp_security: MSTSC_STANDARD_RDP_SECURITY,
  tls: {
    versions: fact(['tls1.0', 'tls1.1', 'tls1.2', 'tls1.3'], {
      ...SCHANNEL_PROTOCOLS,
      kind: 'inference',
      text:
        `${SCHANNEL_PROTOCOLS.text} ${MSTSC_USES_SCHANNEL_DEFAULTS.text} Whether the RDP client passes TLS 1.3 on to ` +
        'Schannel is not documented either: a server that only accepts TLS 1.3 is a "likely" verdict.',
    }),
    cipher_suites: fact(
      suitesFor(WINDOWS_11, ['tls1.0', 'tls1.1', 'tls1.2', 'tls1.3']),
      schannelSuitesDoc(
        'TLS Cipher Suites in Windows 11',
        'tls-cipher-suites-in-windows-11',
        ' "TLS Cipher Suites in Windows Server 2022" lists the same 23; the Windows Server 2025 page drops ' +
          'TLS_DHE_RSA_WITH_AES_256/128_GCM and TLS_RSA_WITH_3DES_EDE_CBC_SHA (20 suites).',
        false,
      ),
    ),
    groups: fact(['0x001d', '0x0017', '0x0018'], {
      ...CURVES_WIN10_1607,
      kind: 'inference',
      text: `${CURVES_WIN10_1607.text} Windows 11 is taken as "later" (likely).`,
    }),
    signature_algorithms: fact(null, {
      kind: 'inference',
      text: 'A TLS 1.3-capable Schannel ClientHello adds RSA-PSS schemes that Windows 10 does not send; not recorded: unknown.',
    }),
    extensions: fact(null, { kind: 'inference', text: 'Adds supported_versions and key_share at least; not recorded: unknown.' }),
  },
  credssp: {
    tsrequest_version: fact(6, TSREQUEST_VERSION_PATCHED),
    oracle_remediation_patched: fact(true, {
      ...CREDSSP_CVE_2018_0886,
      kind: 'inference',
      text: `${CREDSSP_CVE_2018_0886.text} Windows 11 was released with it (later than the update).`,
    }),
    refuses_unpatched_server: fact(true, MSTSC_WIN10.credssp.refuses_unpatched_server.source),
  },
  insists_on_nla: MSTSC_INSISTS_ON_NLA,
  certificate_handling: MSTSC_CERTIFICATE_HANDLING,
};
