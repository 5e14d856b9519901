// mstsc on Windows 8.1 / Server 2012 R2 (RDP 8.1). Nothing recorded: documented Schannel defaults plus inferences.

import { fact, type ClientProfile, type Source } from '../profile.js';
import { suitesFor, WINDOWS_8_1 } from '../schannel-defaults.js';
import {
  CREDSSP_CVE_2018_0886,
  MSTSC_USES_SCHANNEL_DEFAULTS,
  SCHANNEL_PROTOCOLS,
  schannelSuitesDoc,
  TSREQUEST_VERSION_PATCHED,
} from '../sources.js';
import { MSTSC_CERTIFICATE_HANDLING, MSTSC_INSISTS_ON_NLA, MSTSC_STANDARD_RDP_SECURITY } from './mstsc-common.js';

const VERSIONS: Source = { ...SCHANNEL_PROTOCOLS, kind: 'inference', text: `${SCHANNEL_PROTOCOLS.text} ${MSTSC_USES_SCHANNEL_DEFAULTS.text}` };

export const MSTSC_WIN81: ClientProfile = {
  id: 'mstsc-win81',
  name: 'mstsc on Windows 8.1 / Server 2012 R2',
  population: fact('Server 2012 R2 jump hosts and management servers; remaining Windows 8.1 workstations', {
    kind: 'inference',
    text: 'Windows 8.1 left support in January 2023 and Server 2012 R2 in October 2023 (ESU to 2026); many 2012 R2 servers remain.',
  }),
  severity: fact('medium', {
    kind: 'inference',
    text: 'rdprobe judgement: out of support, but 2012 R2 management hosts are often how administrators reach other servers.',
  }),
  requested_protocols: fact(['PROTOCOL_SSL', 'PROTOCOL_HYBRID', 'PROTOCOL_HYBRID_EX'], {
    kind: 'inference',
    text:
      'The recorded Windows 10 client asks for SSL|HYBRID|HYBRID_EX (captures/windows-client-win10-schannel.json) and ' +
      'the Windows 7 one for SSL|HYBRID; HYBRID_EX (Early User Authorization, [MS-RDPBCGR] 2.2.10.2) came with RDP 8.1. ' +
      'That the 8.1 client already asks for it is likely, not documented.',
  }),
  standard_rdp_security: MSTSC_STANDARD_RDP_SECURITY,
  tls: {
    versions: fact(['tls1.0', 'tls1.1', 'tls1.2'], VERSIONS),
    cipher_suites: fact(
      suitesFor(WINDOWS_8_1, ['tls1.0', 'tls1.1', 'tls1.2']),
      schannelSuitesDoc('TLS Cipher Suites in Windows 8.1', 'tls-cipher-suites-in-windows-8-1', '', false),
    ),
    groups: fact(['0x0017', '0x0018'], {
      kind: 'inference',
      text:
        '"TLS Cipher Suites in Windows 8.1" names ECDHE suites with _P256 and _P384 only (curve priority by suffix ' +
        'before Windows 10): likely secp256r1, secp384r1 in that order.',
    }),
    signature_algorithms: fact(null, { kind: 'inference', text: 'Not documented and not recorded: unknown.' }),
    extensions: fact(null, { kind: 'inference', text: 'Not documented and not recorded: unknown.' }),
  },
  credssp: {
    tsrequest_version: fact(6, TSREQUEST_VERSION_PATCHED),
    oracle_remediation_patched: fact(true, {
      ...CREDSSP_CVE_2018_0886,
      text: `${CREDSSP_CVE_2018_0886.text} Windows 8.1 / 2012 R2 are covered; assumes the machine took updates after May 2018.`,
    }),
    refuses_unpatched_server: fact(true, CREDSSP_CVE_2018_0886),
  },
  insists_on_nla: MSTSC_INSISTS_ON_NLA,
  certificate_handling: MSTSC_CERTIFICATE_HANDLING,
};
