// What the Microsoft Remote Desktop apps for macOS, iOS and Android (now "Windows App") have in common here: they
// do not use Schannel and Microsoft documents none of their TLS or CredSSP details, so nearly every fact is an
// inference and most TLS facts are unknown. Recording one needs the device; see docs/clients.md.

import { fact, type ClientProfile, type Fact, type Severity, type Source } from '../profile.js';

const SUPPORTED_CONFIG: Source = {
  kind: 'inference',
  text:
    '"Remote Desktop client - supported configuration" (Microsoft Learn) lists Windows 7 and Server 2008 / 2008 R2 ' +
    'among the PCs these clients connect to; those accept only TLS 1.0 by default ("Protocols in TLS/SSL (Schannel ' +
    'SSP)"), so the apps likely offer TLS 1.0 to 1.2. Not stated for current app versions.',
  url: 'https://learn.microsoft.com/windows-server/remote/remote-desktop-services/clients/remote-desktop-supported-config',
};

const UNKNOWN_TLS: Source = {
  kind: 'inference',
  text: 'Not documented, not in public source code and not recorded here: unknown.',
};

const LIKE_MSTSC: Source = {
  kind: 'inference',
  text:
    'Not documented; the apps connect to servers that require NLA and to servers that do not (the Remote Desktop ' +
    'clients FAQ lists "the remote PC might only allow PCs ... that have Network Level Authentication" as a cause of ' +
    'failure to check, not as a client requirement): likely SSL|HYBRID like mstsc, without insisting on NLA.',
  url: 'https://learn.microsoft.com/windows-server/remote/remote-desktop-services/clients/remote-desktop-client-faq',
};

const CERT_PROMPT: Source = {
  kind: 'inference',
  text:
    'Not documented; the apps show the certificate and ask whether to continue when it cannot be verified (common ' +
    'experience, like mstsc\'s "authentication level" 2): likely warn.',
};

const CREDSSP_UNKNOWN: Source = {
  kind: 'inference',
  text: 'Not documented for these apps; current versions likely implement TSRequest 6 (they connect to patched Windows hosts that refuse older clients only when set to Force Updated Clients): unknown.',
};

export function microsoftRdApp(p: { id: string; name: string; population: Fact<string>; severity: Severity; why: string }): ClientProfile {
  return {
    id: p.id,
    name: p.name,
    population: p.population,
    severity: fact(p.severity, { kind: 'inference', text: `rdprobe judgement: ${p.why}` }),
    requested_protocols: fact(['PROTOCOL_SSL', 'PROTOCOL_HYBRID'], LIKE_MSTSC),
    standard_rdp_security: {
      supported: fact(null, UNKNOWN_TLS),
      encryption_methods: fact(null, UNKNOWN_TLS),
    },
    tls: {
      versions: fact(['tls1.0', 'tls1.1', 'tls1.2'], SUPPORTED_CONFIG),
      cipher_suites: fact(null, UNKNOWN_TLS),
      groups: fact(null, UNKNOWN_TLS),
      signature_algorithms: fact(null, UNKNOWN_TLS),
      extensions: fact(null, UNKNOWN_TLS),
    },
    credssp: {
      tsrequest_version: fact(null, CREDSSP_UNKNOWN),
      oracle_remediation_patched: fact(null, CREDSSP_UNKNOWN),
      refuses_unpatched_server: fact(null, CREDSSP_UNKNOWN),
    },
    insists_on_nla: fact(false, LIKE_MSTSC),
    certificate_handling: {
      untrusted: fact('warn', CERT_PROMPT),
      expired: fact('warn', CERT_PROMPT),
      name_mismatch: fact('warn', CERT_PROMPT),
    },
  };
}
