/**
 * Catalog entries of the policy findings (`--policy` and the rule flags, docs/policy.md). They are findings like
 * any other: a static title, ranked causes, checks and remediation here, the record's facts in the evidence, and
 * `rdprobe explain policy_<rule>` prints them. The rule evaluation itself is in src/policy/evaluate.ts.
 */
import { r, c, UDP_LISTENER, UDP_POLICY_QUERY, UDP_POLICY_SET, RDP_TCP, SCHANNEL_PROTOCOLS, TEST_PORT, FIREWALL_RULES, SERVICES, QUERY_SCHANNEL, LIST_RDP_CERTS, LIST_MY_CERTS, QUERY_CERT_HASH, W32TM_STATUS } from './commands.js';
import type { CatalogEntry } from './types.js';

export const POLICY_FINDING_IDS = [
  'policy_require_nla',
  'policy_forbid_standard_rdp_security',
  'policy_min_tls',
  'policy_forbid_tls',
  'policy_min_cert_days',
  'policy_min_key_bits',
  'policy_forbid_self_signed',
  'policy_expected_thumbprint',
  'policy_min_credssp_version',
  'policy_max_clock_skew',
  'policy_unreachable',
  'policy_unverified',
  'policy_forbid_udp',
  'policy_clients_must_connect',
  'policy_forbid_weak_signature',
  'policy_min_encryption_level',
] as const;

export type PolicyFindingId = (typeof POLICY_FINDING_IDS)[number];

const TS_SETTING = `Get-CimInstance -Namespace root\\cimv2\\TerminalServices -ClassName Win32_TSGeneralSetting -Filter "TerminalName='RDP-Tcp'"`;
const GPRESULT = 'gpresult /h gpresult.html';
const RDS_SECURITY_GPO =
  'Computer Configuration > Administrative Templates > Windows Components > Remote Desktop Services > Remote Desktop Session Host > Security';
const CERT_CHECKS = [`${TS_SETTING} | Select-Object SSLCertificateSHA1Hash`, LIST_RDP_CERTS, LIST_MY_CERTS];
const POLICY_REFERENCE = 'rdprobe docs/policy.md (rules, per-host overrides, precedence)';

export const POLICY_ENTRIES: { [K in PolicyFindingId]: Omit<CatalogEntry, 'id'> } = {
  policy_require_nla: {
    severity: 'high',
    title: 'Policy: Network Level Authentication must be required',
    summary: 'The policy requires NLA, and the server accepts a connection without it (a request without CredSSP was selected).',
    trigger: 'rule require_nla: true and nla_required = false',
    scope: 'policy',
    causes: [
      c('user_auth_off', 'confirmed', 'UserAuthentication = 0 on the RDP-Tcp listener, or the NLA policy is disabled or not applied to this host.'),
      c('security_layer', 'likely', 'The security layer is RDP or Negotiate (SecurityLayer 0 or 1), so clients without CredSSP are let in.'),
    ],
    event_ids: [],
    checks: [`(${TS_SETTING}).UserAuthenticationRequired`, `reg query "${RDP_TCP}" /v UserAuthentication`, GPRESULT],
    remediation: [
      `Enable the GPO "Require user authentication for remote connections by using Network Level Authentication" (${RDS_SECURITY_GPO}).`,
      `Or set it locally: reg add "${RDP_TCP}" /v UserAuthentication /t REG_DWORD /d 1 /f`,
    ],
    references: ['Microsoft Learn: "Configure Network Level Authentication for Remote Desktop Services connections"', POLICY_REFERENCE],
  },
  policy_forbid_standard_rdp_security: {
    severity: 'high',
    title: 'Policy: Standard RDP Security (no TLS) must be refused',
    summary: 'The policy forbids Standard RDP Security, and the server selects PROTOCOL_RDP (or predates negotiation and speaks nothing else).',
    trigger: 'rule forbid_standard_rdp_security: true and protocols.rdp.supported = true or protocols.rdp.response = "no_negotiation"',
    scope: 'policy',
    causes: [
      c('security_layer', 'confirmed', 'The security layer is set to RDP (0) or Negotiate (1), locally or by Group Policy.'),
      c('old_server', 'possible', 'The server predates RDP negotiation and only knows Standard RDP Security.'),
    ],
    event_ids: [],
    checks: [`reg query "${RDP_TCP}" /v SecurityLayer`, `reg query "${RDP_TCP}" /v UserAuthentication`, GPRESULT],
    remediation: [
      `Set the GPO "Require use of specific security layer for remote (RDP) connections" to SSL (${RDS_SECURITY_GPO}).`,
      `Or: reg add "${RDP_TCP}" /v SecurityLayer /t REG_DWORD /d 2 /f; requiring NLA refuses Standard RDP Security as well.`,
    ],
    references: ['[MS-RDPBCGR] 5.3 Standard RDP Security', POLICY_REFERENCE],
  },
  policy_min_tls: {
    severity: 'high',
    title: 'Policy: a TLS version below the minimum is accepted',
    summary: 'The policy sets a minimum TLS version and the server completes a handshake with an older one.',
    trigger: 'rule min_tls and tls.versions[v] = true for a version v below it',
    scope: 'policy',
    causes: [c('schannel_enabled', 'confirmed', 'SCHANNEL still has these protocol versions enabled for the server role.')],
    event_ids: ['Schannel 36871', 'Schannel 36874'],
    checks: [QUERY_SCHANNEL, 'Get-TlsCipherSuite | Format-Table Name'],
    remediation: [
      `Disable each old version for the server role: reg add "${SCHANNEL_PROTOCOLS}\\TLS 1.0\\Server" /v Enabled /t REG_DWORD /d 0 /f (and DisabledByDefault = 1), likewise TLS 1.1; reboot.`,
      'Make sure TLS 1.2 stays enabled and that old clients and gateways support it first (Windows 7 / Server 2008 R2 need KB3080079 for RDP over TLS 1.1/1.2).',
    ],
    references: ['Microsoft Learn: "Transport Layer Security (TLS) registry settings"', 'RFC 8996 (TLS 1.0 and 1.1 deprecated)', POLICY_REFERENCE],
  },
  policy_forbid_tls: {
    severity: 'high',
    title: 'Policy: a forbidden TLS version is accepted',
    summary: 'The policy lists TLS versions that must be refused, and the server completes a handshake with one of them.',
    trigger: 'rule forbid_tls and tls.versions[v] = true for a listed version v',
    scope: 'policy',
    causes: [c('schannel_enabled', 'confirmed', 'SCHANNEL still has these protocol versions enabled for the server role.')],
    event_ids: ['Schannel 36871', 'Schannel 36874'],
    checks: [QUERY_SCHANNEL],
    remediation: [
      `Disable the version for the server role under ${SCHANNEL_PROTOCOLS}\\<version>\\Server: Enabled = 0, DisabledByDefault = 1 (DWORD), then reboot.`,
    ],
    references: ['Microsoft Learn: "Transport Layer Security (TLS) registry settings"', POLICY_REFERENCE],
  },
  policy_min_cert_days: {
    severity: 'high',
    title: 'Policy: the RDP certificate expires too soon (or has expired)',
    summary: 'The policy wants the certificate valid for a number of days more, and it is not.',
    trigger: 'rule min_cert_days and certificate.days_remaining below it, or certificate.expired = true',
    scope: 'policy',
    causes: [
      c('not_renewed', 'likely', 'The certificate was not renewed: autoenrollment is not configured or failing, or a renewed certificate was not bound to RDP-Tcp.'),
      c('self_signed_renewal', 'possible', 'Windows could not renew its self-signed RDP certificate (RemoteConnectionManager 1058).'),
    ],
    event_ids: ['Microsoft-Windows-TerminalServices-RemoteConnectionManager 1058'],
    checks: [...CERT_CHECKS, QUERY_CERT_HASH],
    remediation: ['Renew the certificate and bind it to RDP-Tcp (SSLCertificateSHA1Hash), or set the GPO "Server authentication certificate template" so it is enrolled and renewed automatically.'],
    references: ['Microsoft Learn: "Remote Desktop Services certificates" (Server authentication certificate template)', POLICY_REFERENCE],
  },
  policy_min_key_bits: {
    severity: 'high',
    title: 'Policy: the RDP certificate key is too small',
    summary: 'The policy sets a minimum key size (RSA-equivalent bits; elliptic-curve keys count by equivalent strength) and the certificate key is smaller.',
    trigger: 'rule min_key_bits and the RSA-equivalent size of certificate.key_type / key_bits below it',
    scope: 'policy',
    causes: [c('old_certificate', 'likely', 'The certificate was issued from a template (or self-signed) with a small key.')],
    event_ids: [],
    checks: CERT_CHECKS,
    remediation: ['Issue a certificate with RSA 2048 bits or more (or ECDSA P-256 or better) and bind it to RDP-Tcp.'],
    references: ['NIST SP 800-57 Part 1 (comparable key strengths)', POLICY_REFERENCE],
  },
  policy_forbid_self_signed: {
    severity: 'high',
    title: 'Policy: the RDP certificate must not be self-signed',
    summary: 'The policy wants a CA-issued certificate and the server presents a self-signed one.',
    trigger: 'rule forbid_self_signed: true and certificate.self_signed = true',
    scope: 'policy',
    causes: [c('no_ca_certificate', 'confirmed', 'No CA-issued certificate is bound to RDP-Tcp, so Windows uses its own self-signed one.')],
    event_ids: [],
    checks: CERT_CHECKS,
    remediation: ['Issue a certificate from your CA (Server Authentication, or a "Remote Desktop Authentication" template) and bind it with the GPO "Server authentication certificate template" or SSLCertificateSHA1Hash.'],
    references: ['Microsoft Learn: "Remote Desktop Services certificates"', POLICY_REFERENCE],
  },
  policy_expected_thumbprint: {
    severity: 'critical',
    title: 'Policy: the RDP certificate is not the expected one',
    summary: 'The policy pins a certificate for this host (its SHA-1 thumbprint, as Windows stores it in SSLCertificateSHA1Hash) and the server presents another one, or no TLS at all.',
    trigger: 'rule expected_thumbprints for this host and certificate.sha1_fingerprint differs, or the server offers no TLS',
    scope: 'policy',
    causes: [
      c('renewed', 'possible', 'The certificate was renewed or replaced (autoenrollment, a manual change) and the policy was not updated.'),
      c('other_machine', 'possible', 'The name or address reaches another machine (DNS, load balancer, NAT).'),
      c('interception', 'possible', 'A TLS-intercepting device, or an attacker, is in the path.'),
    ],
    event_ids: [],
    checks: [...CERT_CHECKS, r`Get-ChildItem Cert:\LocalMachine -Recurse | Where-Object Thumbprint -eq '<thumbprint>'`],
    remediation: [
      'Find out why the certificate differs before trusting the host; if the change is legitimate, update expected_thumbprints.',
      `To bind the expected certificate: $ts = ${TS_SETTING}; Set-CimInstance -InputObject $ts -Property @{SSLCertificateSHA1Hash='<thumbprint>'}`,
    ],
    references: ['Microsoft Learn: "Remote Desktop Services certificates"', POLICY_REFERENCE],
  },
  policy_min_credssp_version: {
    severity: 'high',
    title: 'Policy: the CredSSP version is older than required',
    summary: 'The server answers CredSSP with a TSRequest version below the policy\'s minimum (version 6 carries the CVE-2018-0886 fix).',
    trigger: 'rule min_credssp_version and credssp.version below it',
    scope: 'policy',
    causes: [c('unpatched', 'likely', 'The server is missing CredSSP security updates (the March 2018 CVE-2018-0886 update introduced TSRequest version 6).')],
    event_ids: [],
    checks: ['Get-HotFix | Sort-Object InstalledOn -Descending | Select-Object -First 5', '[System.Environment]::OSVersion.Version'],
    remediation: ['Install current cumulative updates on the server.'],
    references: ['CVE-2018-0886', '[MS-CSSP] 2.2.1 TSRequest', POLICY_REFERENCE],
  },
  policy_max_clock_skew: {
    severity: 'high',
    title: 'Policy: the server clock is off by more than allowed',
    summary: 'The time in the server\'s NTLM CHALLENGE differs from the prober\'s clock by more than the policy allows (Kerberos fails beyond 5 minutes by default).',
    trigger: 'rule max_clock_skew and abs(credssp.ntlm.clock_skew_seconds) above it',
    scope: 'policy',
    causes: [
      c('time_service', 'likely', 'The Windows Time service is not synchronising.'),
      c('prober_clock', 'possible', 'The prober\'s own clock is wrong: check it before changing the server.'),
    ],
    event_ids: ['Microsoft-Windows-Time-Service 36'],
    checks: [W32TM_STATUS, 'w32tm /query /source'],
    remediation: ['Fix time synchronisation (w32tm /resync; domain members sync from the domain hierarchy, the PDC emulator from a reliable source).'],
    references: ['Microsoft Learn: "Windows Time service tools and settings"', POLICY_REFERENCE],
  },
  policy_unreachable: {
    severity: 'high',
    title: 'Policy: the host is unreachable, so the policy could not be checked',
    summary: 'The host did not accept a connection on its RDP port (or its name did not resolve), so none of the policy rules could be checked. Set allow_unreachable for hosts that may be down.',
    trigger: 'status = "unreachable" and the rule allow_unreachable is not true',
    scope: 'policy',
    causes: [
      c('down', 'possible', 'The host is down, or the name or address points somewhere else.'),
      c('firewall', 'possible', 'A firewall blocks the RDP port.'),
      c('rdp_off', 'possible', 'Remote Desktop is turned off or its service is stopped.'),
    ],
    event_ids: [],
    checks: [TEST_PORT, SERVICES, FIREWALL_RULES],
    remediation: ['Make the host reachable on its RDP port, or, if it may be down, set allow_unreachable: true for it in a hosts: entry.'],
    references: [POLICY_REFERENCE],
  },
  policy_forbid_udp: {
    severity: 'high',
    title: 'Policy: RDP over UDP must not answer',
    summary: 'The policy forbids RDP over UDP (MS-RDPEUDP) and the server answered a UDP SYN on the RDP port with a SYN+ACK.',
    trigger: 'rule forbid_udp: true and rdp_udp.answered = true with a SYN+ACK',
    scope: 'policy',
    causes: [
      c('udp_enabled', 'confirmed', 'The RDP-Tcp listener also listens on UDP (the default from Windows 8 / Server 2012 on), and nothing on the path filters UDP 3389.'),
    ],
    event_ids: [],
    checks: [UDP_LISTENER, UDP_POLICY_QUERY, 'Get-NetFirewallRule -DisplayGroup "Remote Desktop" | Where-Object { $_.DisplayName -like "*UDP*" } | Format-Table DisplayName, Enabled, Profile'],
    remediation: [
      `Turn RDP over UDP off for the server: the GPO "Select RDP transport protocols" = "Use only TCP" (Computer Configuration > Administrative Templates > Windows Components > Remote Desktop Services > Remote Desktop Session Host > Connections), or ${UDP_POLICY_SET}; restart Remote Desktop Services.`,
      'Or filter UDP 3389 at the host firewall (disable the "Remote Desktop - User Mode (UDP-In)" rule) and on the network.',
    ],
    references: ['[MS-RDPEUDP] 3.1.5.1 connection handshake', 'Microsoft Learn: "Select RDP transport protocols" (Remote Desktop Session Host policy)', POLICY_REFERENCE],
  },
  policy_clients_must_connect: {
    severity: 'high',
    title: 'Policy: a client population that must connect is locked out',
    summary:
      'The policy names client profiles that must be able to connect (clients_must_connect), and the simulated handshake of one of them fails (record clients[<profile>]): after a GPO or SCHANNEL change, exactly the signal that a population of users lost access. A verdict that rests on an inferred fact, or that could not be made, fails the gate as policy_unverified instead: it never passes.',
    trigger: 'rule clients_must_connect lists a profile and clients[<profile>].connects = false',
    scope: 'policy',
    causes: [
      c('change', 'likely', 'A change on the server (TLS versions or cipher suites in SCHANNEL, NLA or security layer, encryption level, CredSSP patches) removed what this client needs; the evidence names the step and the fix.'),
      c('new_requirement', 'possible', 'The server was hardened on purpose and this client population was meant to be upgraded first.'),
    ],
    event_ids: ['Schannel 36871', 'Schannel 36874', 'Schannel 36888'],
    checks: [QUERY_SCHANNEL, 'Get-TlsCipherSuite | Format-Table Name', GPRESULT],
    remediation: [
      'Apply the fix the evidence gives for the side you choose (server setting, or client update), then scan again with --clients <profile>.',
      'If the population is meant to be dropped, remove it from clients_must_connect (for these hosts only: a hosts: entry).',
    ],
    references: ['rdprobe docs/clients.md (profiles and verdicts)', POLICY_REFERENCE],
  },
  policy_forbid_weak_signature: {
    severity: 'high',
    title: 'Policy: the RDP certificate is signed with SHA-1 or MD5',
    summary: 'The policy forbids weak certificate signatures, and the certificate the server presents is signed with SHA-1 or MD5 (clients and CAs have dropped both).',
    trigger: 'rule forbid_weak_signature: true and certificate.signature_algorithm names SHA-1 or MD5',
    scope: 'policy',
    causes: [c('old_ca', 'likely', 'The issuing CA or template still signs with SHA-1, or the certificate (or the self-signed one Windows made long ago) is old.')],
    event_ids: [],
    checks: CERT_CHECKS,
    remediation: ['Reissue the certificate signed with SHA-256 or better (move the CA to SHA-256 first if needed) and bind it to RDP-Tcp; for a self-signed one, delete it and restart SessionEnv so Windows makes a new one.'],
    references: ['RFC 9155 (SHA-1 deprecated in TLS 1.2 signatures)', POLICY_REFERENCE],
  },
  policy_min_encryption_level: {
    severity: 'high',
    title: 'Policy: Standard RDP Security runs below the required encryption level',
    summary: 'The policy sets a minimum encryption level for Standard RDP Security, and the server, which accepts PROTOCOL_RDP, runs at a lower one.',
    trigger: 'rule min_encryption_level and rdp_security.encryption_level below it (none < low < client_compatible < high < fips), where PROTOCOL_RDP is accepted',
    scope: 'policy',
    causes: [c('min_encryption_level', 'confirmed', 'MinEncryptionLevel on RDP-Tcp (or the GPO "Set client connection encryption level") is set below the policy.')],
    event_ids: [],
    checks: [`reg query "${RDP_TCP}" /v MinEncryptionLevel`, GPRESULT],
    remediation: [
      `Require TLS instead where you can (the Standard RDP Security rule); otherwise raise the level: GPO "Set client connection encryption level" = High, or reg add "${RDP_TCP}" /v MinEncryptionLevel /t REG_DWORD /d 3 /f.`,
    ],
    references: ['[MS-RDPBCGR] 5.3.1 Encryption levels', POLICY_REFERENCE],
  },
  policy_unverified: {
    severity: 'medium',
    title: 'Policy: some rules could not be checked (not measured)',
    summary: 'A rule needs a value the probe could not measure (null in the record: the connection broke earlier, a step timed out, rdprobe\'s own deadline ran out). Unmeasured data never passes a gate: this finding fails it like a violation. The evidence lists each rule, the field and why.',
    trigger: 'a policy rule whose input is null in the record',
    scope: 'policy',
    causes: [c('not_reached', 'confirmed', 'The probe did not get far enough to measure what these rules need.')],
    event_ids: [],
    checks: ['rdprobe scan <host> --format table'],
    remediation: [
      'Look at the failure stage and fix the connection problem (or raise --timeout / --host-timeout), then scan again.',
      'If a rule does not apply to this host, turn it off for the host in a hosts: entry (rule: null).',
    ],
    references: [POLICY_REFERENCE],
  },
};
