/**
 * The knowledge base: one entry per finding id. Rules (rules/*.ts) decide *whether* a finding applies and with
 * which evidence; everything an administrator reads about it lives here, in one place, so `rdprobe explain`,
 * docs/findings.md and the findings in a record always say the same thing.
 *
 * Certainty follows the tags of KNOWN-CAUSES.md: what the specification or Microsoft's documentation states, or
 * what was seen, may be 'confirmed' or 'likely'; an inference is at most 'likely', usually 'possible'.
 * This file is long because it is data, not logic.
 */
import type { CatalogEntry } from './types.js';

import {
  COMPUTER_NAME, CREDSSP_POLICY, FIREWALL_RULES, FIX_CERT_BINDING, LIST_MY_CERTS, LIST_RDP_CERTS, NETSTAT_PORT, OS_VERSION,
  QUERY_CERT_HASH, QUERY_DENY, QUERY_LISTENER_SETTINGS, QUERY_MIN_ENCRYPTION, QUERY_ORACLE, QUERY_POLICY, QUERY_PORT,
  QUERY_SCHANNEL, QUERY_SECURITY_LAYER, QUERY_USER_AUTH, QWINSTA, RDP_TCP, REGENERATE_SELF_SIGNED, RESET_MACHINE_KEYS,
  SCHANNEL_PROTOCOLS, SERVICES, SHOW_MACHINE_KEYS_ACL, QUERY_CIPHER_SUITES, TEST_PORT, TS_KEY, TS_POLICY, UDP_LISTENER, UDP_POLICY_QUERY, UDP_POLICY_SET, W32TM_STATUS, c, r,
} from './commands.js';
import { AUTH_ENTRIES, AUTH_FINDING_IDS } from './catalog-auth.js';
import { POLICY_ENTRIES, POLICY_FINDING_IDS } from './catalog-policy.js';
import { TLS_SURFACE_ENTRIES, TLS_SURFACE_FINDING_IDS } from './catalog-tls.js';

const HOST_FINDING_IDS = [
  'unreachable',
  'not_rdp',
  'protocol_error',
  'probe_incomplete',
  'negotiation_cert_not_on_server',
  'tls_failed_all_versions',
  'negotiation_inconsistent',
  'standard_rdp_security_allowed',
  'weak_rdp_encryption',
  'rdp_server_key_weak',
  'nla_not_required',
  'rdp_fips_only',
  'tls12_missing',
  'tls_legacy_enabled',
  'tls_weak_cipher',
  'cert_expired',
  'cert_not_yet_valid',
  'cert_expiring_soon',
  'cert_weak_key',
  'cert_weak_signature',
  'cert_name_mismatch',
  'cert_self_signed',
  'credssp_outdated',
  'credssp_error',
  'clock_skew',
  'os_unsupported',
  'host_identity_mismatch',
  'cert_duplicate',
  'netbios_duplicate',
  'rdp_udp_enabled',
  'client_locked_out',
] as const;

/** Every finding id: the host and fleet findings of the diagnosis, the TLS surface's, the authentication test's, then the policy findings. */
export const FINDING_IDS = [...HOST_FINDING_IDS, ...TLS_SURFACE_FINDING_IDS, ...AUTH_FINDING_IDS, ...POLICY_FINDING_IDS] as const;

export type FindingId = (typeof FINDING_IDS)[number];

type EntryBody = Omit<CatalogEntry, 'id'>;

const ENTRIES: { [K in (typeof HOST_FINDING_IDS)[number]]: EntryBody } = {
  unreachable: {
    severity: 'high',
    title: 'Nothing accepts connections on the RDP port',
    summary:
      'The prober could not open a TCP connection (or could not resolve the name). Either Remote Desktop is not listening on this port, or something on the way drops or rejects the connection. A refusal points at the server itself (RDP disabled, service stopped, listener on another port); a timeout points at a firewall or a host that is down.',
    trigger: 'status = "unreachable" (failure.stage dns or tcp: refused, timeout, unreachable, not_found)',
    scope: 'host',
    causes: [
      c('disabled', 'likely', 'Remote Desktop is turned off (fDenyTSConnections = 1, possibly enforced by Group Policy) or the Remote Desktop Services service (TermService) is stopped.'),
      c('firewall', 'likely', 'A host or network firewall drops or rejects the connection (the "Remote Desktop" rule group is disabled, or a perimeter rule blocks the port).'),
      c('port_moved', 'possible', 'The RDP-Tcp listener was moved to another port (PortNumber) and clients still use the old one.'),
      c('host_down', 'possible', 'The machine is down, or the name or address points somewhere else.'),
      c('dns', 'possible', 'The name does not resolve from where the prober runs.'),
    ],
    event_ids: ['Service Control Manager 7036'],
    checks: [TEST_PORT, QUERY_DENY, `reg query "${TS_POLICY}" /v fDenyTSConnections`, QUERY_PORT, SERVICES, QWINSTA, NETSTAT_PORT, FIREWALL_RULES],
    remediation: [
      `Turn Remote Desktop on: reg add "${TS_KEY}" /v fDenyTSConnections /t REG_DWORD /d 0 /f (a Group Policy value under ${TS_POLICY} wins over it).`,
      'Start the service: Start-Service TermService, then check that qwinsta lists rdp-tcp in state Listen.',
      'Allow the port through the host firewall: Enable-NetFirewallRule -DisplayGroup "Remote Desktop" (and through any firewall on the path).',
      'If the listener was moved on purpose, scan the new port; otherwise set PortNumber back to 3389 and restart TermService.',
    ],
    references: [
      'Microsoft Learn: Change the listening port for Remote Desktop on your computer',
      'Group Policy: Windows Components > Remote Desktop Services > Remote Desktop Session Host > Connections > "Allow users to connect remotely by using Remote Desktop Services" (fDenyTSConnections)',
      'Microsoft Learn: qwinsta; netstat (Windows Commands)',
      'Service Control Manager 7036',
    ],
  },

  not_rdp: {
    severity: 'high',
    title: 'Something other than RDP answers on this port',
    summary:
      'A TCP connection opened, but the answer to the X.224 Connection Request was not an RDP answer. Another program owns the port, a port forward leads to the wrong machine, or the wrong port was scanned.',
    trigger: 'status = "not_rdp" (e.g. protocols.*.response = "not_tpkt")',
    scope: 'host',
    causes: [
      c('port_taken', 'likely', 'Another service listens on the port (RDP-Tcp was moved, or a program took the port before TermService started).'),
      c('forwarding', 'possible', 'A NAT rule, load balancer or proxy forwards this port to another service.'),
      c('gateway', 'possible', 'The port belongs to an RD Gateway or web service (HTTPS), which is not a direct RDP listener.'),
    ],
    event_ids: [],
    checks: [
      NETSTAT_PORT,
      'Get-Process -Id (Get-NetTCPConnection -LocalPort 3389 -State Listen).OwningProcess',
      'netstat -anob',
      QUERY_PORT,
      QWINSTA,
    ],
    remediation: [
      'Find the program that owns the port (Get-NetTCPConnection / netstat -anob) and move it, or move RDP to a free port and scan that one.',
      'If a NAT rule or load balancer is in front, check that it forwards to the RDP host and port.',
    ],
    references: [
      '[MS-RDPBCGR] 2.2.1.2 Server X.224 Connection Confirm PDU',
      'Microsoft Learn: Change the listening port for Remote Desktop on your computer',
      'Microsoft Learn: netstat (Windows Commands)',
    ],
  },

  protocol_error: {
    severity: 'high',
    title: 'The server broke off the RDP handshake',
    summary:
      'The connection a modern client makes failed part-way: the server closed, reset or sent something malformed at the stage named in the evidence. The stage tells where to look: at negotiation it is usually a security device or an overloaded listener, at TLS a certificate or protocol policy, at CredSSP an authentication component, at MCS an encryption setting.',
    trigger: 'status = "error" with failure.stage and failure.reason (left out when a more specific TLS or negotiation finding explains it)',
    scope: 'host',
    causes: [
      c('middlebox', 'possible', 'A firewall, IPS or SSL-inspection device between the prober and the server interferes with RDP.'),
      c('listener', 'possible', 'The listener is overloaded or unhealthy: too many half-open connections (RemoteConnectionManager 1006) or a damaged RDP stack (TermDD 50/56).'),
      c('tls_policy', 'possible', 'The TLS step fails because of the certificate, its private key or the SCHANNEL protocol and cipher policy.'),
      c('credssp', 'possible', 'The CredSSP step fails: the server cannot process NLA (LSA or domain controller trouble, a CredSSP patch mismatch).'),
      c('encryption_level', 'possible', 'The MCS step fails because of the RDP encryption level or a damaged legacy Terminal Server certificate.'),
      c('slow', 'possible', 'The server answers too slowly for the prober\'s deadline (overloaded host or slow link): try a longer timeout.'),
    ],
    event_ids: [
      'TermDD 50',
      'TermDD 56',
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1006',
      'Schannel 36888',
    ],
    checks: [QWINSTA, QUERY_LISTENER_SETTINGS, LIST_RDP_CERTS, QUERY_SCHANNEL],
    remediation: [
      'Look at the events of the minute of the scan; the prober itself may leave TermDD 56 behind, so read the text, not just the id.',
      'Try a connection from inside the network to rule out a device on the way.',
      'For failures at MCS on old servers: remove the legacy Terminal Server certificate values (Certificate, X509 Certificate, X509 Certificate ID) under HKLM\\SYSTEM\\CurrentControlSet\\Services\\TermService\\Parameters after exporting the key, then restart.',
    ],
    references: [
      '[MS-RDPBCGR] 1.3.1.1 Connection Sequence',
      'TermDD 50, TermDD 56 and Microsoft-Windows-TerminalServices-RemoteConnectionManager 1006 (a scan itself can leave them)',
      '[MS-RDPBCGR] 2.2.1.4.3.1.1 Server Proprietary Certificate (the legacy Terminal Server certificate)',
    ],
    superseded_by: ['tls_failed_all_versions', 'negotiation_cert_not_on_server'],
  },

  probe_incomplete: {
    severity: 'high',
    title: 'Not everything could be measured: rdprobe\'s own deadline or connection budget ran out',
    summary:
      'A check that was due did not finish because rdprobe stopped it: the host deadline (--host-timeout) ran out, or the per-host connection budget was spent. What it would have measured is null in the record. This says nothing about the server; it means the verdict on this host is incomplete, so it fails every gate. Scan again with a longer --host-timeout (and --timeout for slow links).',
    trigger: 'not_measured lists a check (reason deadline or connection_budget)',
    scope: 'host',
    causes: [
      c('deadline_short', 'likely', 'The host deadline is too short for this server or link: slow servers take 100-500 ms per connection, and a full probe makes up to 12.'),
      c('slow_server', 'possible', 'The server is slow to answer (overloaded, throttling the prober after many connections, RemoteConnectionManager 1006).'),
    ],
    event_ids: ['Microsoft-Windows-TerminalServices-RemoteConnectionManager 1006'],
    checks: ['rdprobe scan <host> --host-timeout 60 --timeout 10 --format table'],
    remediation: ['Scan the host again with a longer --host-timeout (and --timeout); if it stays incomplete, look at the server\'s load and at devices on the path.'],
    references: ['rdprobe README: "What one probe does, and what it leaves on the server"'],
  },

  negotiation_cert_not_on_server: {
    severity: 'critical',
    title: 'The server has no usable certificate for TLS',
    summary:
      'The server answered the negotiation with SSL_CERT_NOT_ON_SERVER: it would use TLS but has no certificate it can use. Clients that require TLS or NLA cannot connect. Almost always the RDP certificate or its private key is missing or unreadable.',
    trigger: 'protocols.*.failure_code = "SSL_CERT_NOT_ON_SERVER"',
    scope: 'host',
    causes: [
      c('private_key', 'likely', 'The private key of the RDP certificate cannot be read: wrong permissions on the MachineKeys folder, or the key file is damaged or gone.'),
      c('self_signed_creation', 'likely', 'Windows could not create or renew its self-signed RDP certificate (RemoteConnectionManager 1057 / 1058).'),
      c('binding', 'possible', 'SSLCertificateSHA1Hash names a certificate that is not in the store or has no private key.'),
    ],
    event_ids: [
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1057',
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1058',
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1059',
      'Schannel 36870',
      'Schannel 36872',
    ],
    checks: [LIST_RDP_CERTS, QUERY_CERT_HASH, SHOW_MACHINE_KEYS_ACL, LIST_MY_CERTS],
    remediation: [...RESET_MACHINE_KEYS, ...REGENERATE_SELF_SIGNED, ...FIX_CERT_BINDING],
    references: [
      '[MS-RDPBCGR] 2.2.1.2.2 RDP Negotiation Failure (SSL_CERT_NOT_ON_SERVER)',
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1057, 1058, 1059; Schannel 36870, 36872',
      'Microsoft Learn: Win32_TSGeneralSetting class (SSLCertificateSHA1Hash, MinEncryptionLevel, SecurityLayer)',
    ],
  },

  tls_failed_all_versions: {
    severity: 'critical',
    title: 'The server selects TLS but no TLS handshake completes',
    summary:
      'At the negotiation step the server chose TLS (or CredSSP, which runs over TLS), yet every TLS version the prober tried was refused. No client can connect this way. The usual reasons are a certificate whose private key the server cannot use, and a server that can only speak TLS 1.0 while TLS 1.0 is disabled; how the refusals looked decides which comes first.',
    trigger:
      'protocols.ssl / hybrid / hybrid_ex selected (or tls.via set) and every tested tls.versions[...] = false; causes ranked from tls.attempts[...].refusal.kind and alert_description, and rdp_security.server_version_raw when known',
    scope: 'host',
    causes: [
      c('private_key', 'likely', 'The RDP certificate\'s private key cannot be used (MachineKeys permissions, damaged or missing RSA key), so the server drops every handshake right after the ClientHello (RemoteConnectionManager 1057 / 1058, Schannel 36870 / 36872).'),
      c('tls10_only_stack', 'possible', 'The server\'s RDP stack can only use TLS 1.0 (Windows Server 2008 R2 / Windows 7 without KB3080079) and TLS 1.0 is disabled in SCHANNEL: Schannel 36871 with internal error state 10013.'),
      c('cipher_policy', 'possible', 'The cipher suite order policy or damaged SCHANNEL settings leave no cipher suite in common with any client (Schannel 36874, 36888).'),
      c('middlebox', 'possible', 'A device between the prober and the server cuts TLS on this port.'),
    ],
    event_ids: [
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1057',
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1058',
      'Schannel 36870',
      'Schannel 36872',
      'Schannel 36871',
      'Schannel 36874',
      'Schannel 36888',
    ],
    checks: [
      LIST_RDP_CERTS,
      QUERY_CERT_HASH,
      SHOW_MACHINE_KEYS_ACL,
      QUERY_SCHANNEL,
      `reg query "HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002" /v Functions`,
      OS_VERSION,
    ],
    remediation: [
      'Read the System log first: 1057/1058/36870/36872 mean the private key; 36871 with state 10013 means the TLS versions; 36874 means the cipher suites.',
      ...RESET_MACHINE_KEYS,
      ...REGENERATE_SELF_SIGNED,
      ...FIX_CERT_BINDING,
      'For 36871 state 10013 on Windows Server 2008 R2 / Windows 7: install KB3080079 so RDP can use TLS 1.1 and 1.2, or re-enable TLS 1.0 until you can.',
      `For a cipher suite policy that leaves nothing in common: remove or fix the "SSL Cipher Suite Order" policy (value Functions under HKLM\\SOFTWARE\\Policies\\Microsoft\\Cryptography\\Configuration\\SSL\\00010002) and reboot.`,
    ],
    references: [
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1057, 1058; Schannel 36870, 36871, 36872, 36874, 36888',
      'KB3080079 (RDS support for TLS 1.1 and TLS 1.2 on Windows 7 and Windows Server 2008 R2)',
      'Microsoft Learn: Transport Layer Security (TLS) registry settings',
      'Microsoft Learn: Manage Transport Layer Security (TLS) (cipher suite order)',
    ],
  },

  negotiation_inconsistent: {
    severity: 'low',
    title: 'The server\'s negotiation answers contradict each other',
    summary:
      'Separate connections got answers that cannot all be true of one configuration: a protocol was selected on one connection and declared not allowed on another, or the server selected a protocol that was not offered. Often several differently configured servers answer behind one address (a load balancer), or the configuration changed during the scan.',
    trigger: 'among the rdp, ssl, hybrid and hybrid_ex probes: protocols.X.selected outside protocols.X.requested, or a failure_code on one probe that contradicts a supported protocol on another',
    scope: 'host',
    causes: [
      c('load_balancer', 'likely', 'Several servers with different settings answer behind one address (a load balancer or NAT pool).'),
      c('changed', 'possible', 'The security settings changed while the host was being probed (a Group Policy refresh, an administrator).'),
      c('nonconforming', 'possible', 'The server\'s RDP implementation does not follow [MS-RDPBCGR] (seen with some third-party servers).'),
    ],
    event_ids: ['Microsoft-Windows-TerminalServices-RemoteConnectionManager 1050'],
    checks: [QUERY_LISTENER_SETTINGS, QUERY_POLICY],
    remediation: [
      'Scan each server behind the address directly and give them the same SecurityLayer / UserAuthentication settings (ideally by Group Policy).',
      'Scan again: if the answers are now consistent the settings changed during the first scan.',
    ],
    references: ['[MS-RDPBCGR] 2.2.1.2.1 RDP Negotiation Response, 3.3.5.3.1 processing of the negotiation request'],
  },

  standard_rdp_security_allowed: {
    severity: 'high',
    title: 'Standard RDP Security (no TLS) is accepted',
    summary:
      'The server accepts connections protected only by Standard RDP Security: RC4 encryption with a server key the client cannot verify, so a machine in the middle can read the session and the credentials typed into it. Require TLS with NLA instead (SecurityLayer 2, UserAuthentication 1).',
    trigger: 'protocols.rdp.supported = true, or protocols.rdp.response = "no_negotiation" (an old server that ignores negotiation)',
    scope: 'host',
    causes: [
      c('security_layer', 'confirmed', 'The RDP-Tcp listener is set to the RDP security layer (SecurityLayer = 0) or to "Negotiate" (SecurityLayer = 1), locally or by Group Policy.'),
      c('old_server', 'likely', 'The server predates negotiation (Windows 2000 / XP / 2003), which only knows Standard RDP Security.'),
      c('third_party', 'possible', 'A non-Windows server (for example xrdp with security_layer=rdp or negotiate) offers it.'),
    ],
    event_ids: [],
    checks: [QUERY_SECURITY_LAYER, QUERY_USER_AUTH, QUERY_LISTENER_SETTINGS, QUERY_POLICY],
    remediation: [
      `Require TLS: reg add "${RDP_TCP}" /v SecurityLayer /t REG_DWORD /d 2 /f, or the policy "Require use of specific security layer for remote (RDP) connections" = SSL.`,
      `Require NLA as well: reg add "${RDP_TCP}" /v UserAuthentication /t REG_DWORD /d 1 /f.`,
      'On xrdp: set security_layer=tls (or negotiate with TLS available) in xrdp.ini.',
    ],
    references: [
      '[MS-RDPBCGR] 5.3 Standard RDP Security',
      'Group Policy: Windows Components > Remote Desktop Services > Remote Desktop Session Host > Security > "Require use of specific security layer for remote (RDP) connections"',
      'Microsoft Learn: Win32_TSGeneralSetting class (SSLCertificateSHA1Hash, MinEncryptionLevel, SecurityLayer)',
    ],
  },

  weak_rdp_encryption: {
    severity: 'high',
    title: 'Weak Standard RDP Security encryption is accepted',
    summary:
      'Under Standard RDP Security the server accepts 40-bit or 56-bit RC4 keys, or runs at encryption level Low (only client-to-server traffic is encrypted) or Client Compatible (the client\'s weakest offer wins). Traffic protected this way can be broken. Set the level to High, and better, require TLS.',
    trigger:
      'rdp_security.methods_tested["40bit" | "56bit"] = true or in rdp_security.encryption_methods, or rdp_security.encryption_level = "low" | "client_compatible" | "none"',
    scope: 'host',
    causes: [
      c('min_level', 'confirmed', 'MinEncryptionLevel (or the policy "Set client connection encryption level") is Low (1) or Client Compatible (2).'),
      c('legacy_clients', 'possible', 'The level was lowered on purpose for old clients (this is what older troubleshooting guides suggested for TermDD 50).'),
      c('third_party', 'possible', 'A non-Windows server (xrdp crypt_level=low or none) is configured this way.'),
    ],
    event_ids: ['TermDD 50'],
    checks: [QUERY_MIN_ENCRYPTION, QUERY_SECURITY_LAYER, QUERY_LISTENER_SETTINGS, QUERY_POLICY],
    remediation: [
      `Set the level to High: reg add "${RDP_TCP}" /v MinEncryptionLevel /t REG_DWORD /d 3 /f, or the policy "Set client connection encryption level" = High Level.`,
      'Better: require TLS (SecurityLayer 2) so that the RDP encryption level no longer matters.',
      'On xrdp: crypt_level=high (or fips) and security_layer=tls.',
    ],
    references: [
      '[MS-RDPBCGR] 2.2.1.4.3 Server Security Data; 5.3.2 Negotiating the Cryptographic Configuration',
      'Group Policy: Windows Components > Remote Desktop Services > Remote Desktop Session Host > Security > "Set client connection encryption level"',
      'Microsoft Learn: SetEncryptionLevel method of the Win32_TSGeneralSetting class',
      'TermDD 50',
    ],
  },

  rdp_server_key_weak: {
    severity: 'medium',
    title: 'The Standard RDP Security server key is weak (under 2048 bits)',
    summary:
      'Under Standard RDP Security the client encrypts its random with the server\'s RSA key (proprietary or X.509 Terminal Server certificate), and the session keys come from it. A key under 2048 bits (Windows\' proprietary certificate carries a 512-bit one) can be factored, and the RDP session read by whoever recorded it. TLS with NLA does not use this key: require it.',
    trigger: 'rdp_security.server_certificate.key_bits < 2048',
    scope: 'host',
    causes: [
      c('proprietary', 'likely', 'The server uses its proprietary (512-bit) Terminal Server certificate: Standard RDP Security is allowed and no X.509 Terminal Server certificate with a stronger key was installed.'),
      c('old_x509', 'possible', 'An old X.509 Terminal Server certificate (from a license server, Windows Server 2003/2008 era) with a small key is in use.'),
    ],
    event_ids: [],
    checks: [QUERY_SECURITY_LAYER, QUERY_MIN_ENCRYPTION, r`reg query "HKLM\SYSTEM\CurrentControlSet\Services\TermService\Parameters"`],
    remediation: [
      `Require TLS so this key is no longer used: reg add "${RDP_TCP}" /v SecurityLayer /t REG_DWORD /d 2 /f (or the policy "Require use of specific security layer for remote (RDP) connections" = SSL), and require NLA.`,
    ],
    references: ['[MS-RDPBCGR] 5.3.3 encrypting the client random; 2.2.1.4.3.1 server certificate', 'NIST SP 800-131A (RSA key sizes)'],
  },

  nla_not_required: {
    severity: 'medium',
    title: 'Network Level Authentication is not required',
    summary:
      'The server starts a session, and shows its logon screen, before the user has proved who they are. That exposes the logon screen and the RDP stack to anyone who can reach the port (pre-authentication attacks such as BlueKeep, password guessing, denial of service). Require NLA.',
    trigger: 'nla_required = false, or (nla_required not measured) protocols.rdp.supported = true or protocols.ssl.supported = true',
    scope: 'host',
    causes: [
      c('user_auth_off', 'confirmed', 'UserAuthentication = 0 on the RDP-Tcp listener, or the policy "Require user authentication for remote connections by using Network Level Authentication" is disabled.'),
      c('security_layer', 'likely', 'The listener uses the RDP security layer (SecurityLayer 0), under which NLA cannot be enforced.'),
      c('third_party', 'possible', 'The server does not implement CredSSP at all (xrdp, older third-party servers).'),
    ],
    event_ids: [],
    checks: [QUERY_USER_AUTH, QUERY_SECURITY_LAYER, QUERY_LISTENER_SETTINGS, QUERY_POLICY],
    remediation: [
      `Require NLA: reg add "${RDP_TCP}" /v UserAuthentication /t REG_DWORD /d 1 /f, or enable the policy "Require user authentication for remote connections by using Network Level Authentication".`,
      'If NLA then blocks logons: check that the server reaches a domain controller, its secure channel (Test-ComputerSecureChannel -Repair), its clock (w32tm /query /status) and its TERMSRV SPN (setspn -L %COMPUTERNAME%).',
    ],
    references: [
      '[MS-RDPBCGR] 2.2.1.2.2 RDP Negotiation Failure (HYBRID_REQUIRED_BY_SERVER)',
      '[MS-CSSP] Credential Security Support Provider (CredSSP) Protocol',
      'Group Policy: Windows Components > Remote Desktop Services > Remote Desktop Session Host > Security > "Require user authentication for remote connections by using Network Level Authentication"',
      'Microsoft Learn: Win32_TSGeneralSetting class (SSLCertificateSHA1Hash, MinEncryptionLevel, SecurityLayer)',
    ],
  },

  rdp_fips_only: {
    severity: 'info',
    title: 'Standard RDP Security runs in FIPS mode',
    summary:
      'The server selects the FIPS encryption method or level for Standard RDP Security. This is strong, but clients without FIPS support cannot connect that way, and on older builds FIPS mode also limits the TLS cipher suites. Nothing to do unless clients fail.',
    trigger: 'rdp_security.encryption_level = "fips", or rdp_security.encryption_methods = ["fips"] only',
    scope: 'host',
    causes: [
      c('fips_policy', 'likely', 'The policy "System cryptography: Use FIPS compliant algorithms" is enabled (FipsAlgorithmPolicy).'),
      c('min_level', 'likely', 'MinEncryptionLevel is 4 (FIPS Compliant).'),
    ],
    event_ids: ['TermDD 50'],
    checks: [QUERY_MIN_ENCRYPTION, r`reg query "HKLM\SYSTEM\CurrentControlSet\Control\Lsa\FipsAlgorithmPolicy" /v Enabled`],
    remediation: [
      'Keep it if FIPS is required. Otherwise, if clients fail: set MinEncryptionLevel to 3 (High) and disable the FIPS policy, or require TLS so the RDP encryption level no longer matters.',
    ],
    references: [
      '[MS-RDPBCGR] 5.3.2 Negotiating the Cryptographic Configuration (FIPS method and level)',
      'Microsoft Learn: System cryptography: Use FIPS compliant algorithms for encryption, hashing, and signing',
      'Microsoft Learn: SetEncryptionLevel method of the Win32_TSGeneralSetting class',
    ],
  },

  tls12_missing: {
    severity: 'high',
    title: 'TLS 1.2 is refused while an older TLS version works',
    summary:
      'The server completes a TLS 1.0 or 1.1 handshake but refuses TLS 1.2. Clients on which TLS 1.0 and 1.1 are disabled (current Windows, hardened builds) cannot connect, and the server only speaks protocol versions that are no longer considered safe.',
    trigger: 'tls.versions["tls1.2"] = false while tls.versions["tls1.0"] or ["tls1.1"] = true',
    scope: 'host',
    causes: [
      c('kb3080079', 'likely', 'Windows Server 2008 R2 / Windows 7 without KB3080079: its RDP stack can only use TLS 1.0.'),
      c('schannel_disabled', 'likely', 'TLS 1.2 is disabled for the server side in the SCHANNEL Protocols registry keys.'),
      c('prober_quirk', 'possible', 'Some Schannel builds refuse a TLS 1.2 hello that lacks the renegotiation_info extension; if a current mstsc connects with TLS 1.2, treat this as a prober limitation.'),
    ],
    event_ids: ['Schannel 36871', 'Schannel 36874', 'Schannel 36888'],
    checks: [QUERY_SCHANNEL, OS_VERSION, 'Get-HotFix -Id KB3080079'],
    remediation: [
      'On Windows Server 2008 R2 / Windows 7: install KB3080079 (and current updates).',
      `Enable TLS 1.2 for the server side: reg add "${SCHANNEL_PROTOCOLS}\\TLS 1.2\\Server" /v Enabled /t REG_DWORD /d 1 /f and reg add "${SCHANNEL_PROTOCOLS}\\TLS 1.2\\Server" /v DisabledByDefault /t REG_DWORD /d 0 /f, then reboot.`,
    ],
    references: [
      'KB3080079 (RDS support for TLS 1.1 and TLS 1.2 on Windows 7 and Windows Server 2008 R2)',
      'Microsoft Learn: Protocols in TLS/SSL (Schannel SSP)',
      'Microsoft Learn: Transport Layer Security (TLS) registry settings',
      'Schannel 36871, 36874, 36888',
    ],
  },

  tls_legacy_enabled: {
    severity: 'medium',
    title: 'TLS 1.0 or TLS 1.1 is accepted',
    summary:
      'The server still completes handshakes with TLS 1.0 and/or 1.1, versions that are deprecated (RFC 8996). Once every client speaks TLS 1.2, disable them for the server side. Make sure TLS 1.2 works first, or RDP will stop working (Schannel 36871, state 10013).',
    trigger: 'tls.versions["tls1.0"] = true or tls.versions["tls1.1"] = true',
    scope: 'host',
    causes: [
      c('defaults', 'likely', 'Windows defaults: TLS 1.0 and 1.1 stay enabled on older Windows releases unless they are disabled explicitly.'),
      c('explicit', 'possible', 'They were enabled again on purpose for old clients or applications.'),
    ],
    event_ids: ['Schannel 36871'],
    checks: [QUERY_SCHANNEL, OS_VERSION],
    remediation: [
      'Check first that rdprobe reports tls.versions["tls1.2"] = true for this host and that all clients support TLS 1.2.',
      `Disable the old versions for the server side: reg add "${SCHANNEL_PROTOCOLS}\\TLS 1.0\\Server" /v Enabled /t REG_DWORD /d 0 /f and reg add "${SCHANNEL_PROTOCOLS}\\TLS 1.1\\Server" /v Enabled /t REG_DWORD /d 0 /f, then reboot.`,
      'After the reboot, scan again: a host that now fails every TLS version needs TLS 1.2 for RDP (KB3080079 on 2008 R2).',
    ],
    references: [
      'RFC 8996 (TLS 1.0 and 1.1 deprecated)',
      'Microsoft Learn: Protocols in TLS/SSL (Schannel SSP)',
      'Microsoft Learn: Transport Layer Security (TLS) registry settings',
    ],
  },

  tls_weak_cipher: {
    severity: 'medium',
    title: 'A weak TLS cipher suite was negotiated',
    summary:
      'The TLS connection used a cipher suite with RC4, DES/3DES, export-grade or null encryption, or no authentication. Such suites are breakable or deprecated; remove them from the server\'s cipher suite list.',
    trigger: 'tls.cipher or tls.attempts[...].cipher names RC4, DES, 3DES, EXPORT, NULL or anonymous key exchange',
    scope: 'host',
    causes: [
      c('cipher_order', 'likely', 'The cipher suite order (policy or registry) still lists old suites, or the server is old enough to prefer them.'),
    ],
    event_ids: [],
    checks: ['Get-TlsCipherSuite | Format-Table Name', r`reg query "HKLM\SOFTWARE\Policies\Microsoft\Cryptography\Configuration\SSL\00010002" /v Functions`, QUERY_SCHANNEL],
    remediation: [
      'Remove the weak suites: Disable-TlsCipherSuite -Name <suite> for each, or set the "SSL Cipher Suite Order" policy to a list of AES-GCM / ECDHE suites, then reboot.',
    ],
    references: [
      'RFC 7465 (no RC4)',
      'Microsoft Learn: Cipher Suites in TLS/SSL (Schannel SSP)',
      'Microsoft Learn: Manage Transport Layer Security (TLS) (cipher suite order)',
    ],
    superseded_by: ['tls_rc4', 'tls_3des', 'tls_null_export_anon'],
  },

  cert_expired: {
    severity: 'high',
    title: 'The RDP certificate has expired',
    summary:
      'The certificate the server presents is past its end date. Clients warn or refuse. Windows renews its self-signed RDP certificate by itself, so an expired self-signed one means the renewal failed (usually the private key store); an expired CA-issued one was not renewed or not re-bound.',
    trigger: 'certificate.expired = true (or certificate.not_after before the `now` option)',
    scope: 'host',
    causes: [
      c('renewal_failed', 'likely', 'Windows could not replace its expired self-signed certificate (RemoteConnectionManager 1058 "Access is denied"): the MachineKeys folder permissions or the RSA key are damaged.'),
      c('not_renewed', 'likely', 'A CA-issued certificate was not renewed, or it was renewed but SSLCertificateSHA1Hash still names the old one.'),
    ],
    event_ids: [
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1052',
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1053',
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1058',
    ],
    checks: [LIST_RDP_CERTS, LIST_MY_CERTS, QUERY_CERT_HASH, SHOW_MACHINE_KEYS_ACL],
    remediation: [
      ...REGENERATE_SELF_SIGNED,
      'If the new certificate is not created: fix the MachineKeys permissions (see `rdprobe explain tls_failed_all_versions`) and try again.',
      'For a CA-issued certificate: enrol a new one (certreq or the Remote Desktop template by Group Policy) and bind it: wmic /namespace:\\\\root\\cimv2\\TerminalServices PATH Win32_TSGeneralSetting Set SSLCertificateSHA1Hash="<thumbprint>"',
    ],
    references: [
      'RFC 5280 4.1.2.5 Validity',
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1052, 1053, 1058',
      'Microsoft Learn: Win32_TSGeneralSetting class (SSLCertificateSHA1Hash, MinEncryptionLevel, SecurityLayer)',
    ],
  },

  cert_not_yet_valid: {
    severity: 'medium',
    title: 'The RDP certificate is not valid yet',
    summary:
      'The certificate\'s start date is in the future. Either it was issued moments ago, or a clock is wrong: the server\'s clock when the certificate was made, or the prober\'s clock now.',
    trigger: 'certificate.not_yet_valid = true (or certificate.not_before after the `now` option)',
    scope: 'host',
    causes: [
      c('server_clock', 'likely', 'The server\'s clock was ahead when it created its self-signed certificate.'),
      c('prober_clock', 'possible', 'The clock of the machine running rdprobe is behind.'),
      c('just_issued', 'possible', 'The certificate was issued with a start date slightly in the future and will become valid shortly.'),
    ],
    event_ids: ['Microsoft-Windows-Time-Service 36'],
    checks: [W32TM_STATUS, LIST_RDP_CERTS],
    remediation: ['Fix the time source (w32tm /resync), then regenerate the self-signed certificate if its dates are wrong.'],
    references: ['RFC 5280 4.1.2.5 validity'],
  },

  cert_expiring_soon: {
    severity: 'medium',
    title: 'The RDP certificate expires soon',
    summary:
      'The certificate will expire within the configured number of days. A self-signed RDP certificate is renewed by Windows on its own; check that the renewal works. A CA-issued certificate needs renewing and re-binding before the date.',
    trigger: 'certificate.days_remaining (or days to certificate.not_after from `now`) between 0 and certExpiryDays (default 30)',
    scope: 'host',
    causes: [
      c('lifecycle', 'confirmed', 'The certificate is reaching the end of its validity period.'),
      c('renewal_failed', 'possible', 'Automatic renewal of the self-signed certificate is failing (RemoteConnectionManager 1058).'),
    ],
    event_ids: ['Microsoft-Windows-TerminalServices-RemoteConnectionManager 1052', 'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1058'],
    checks: [LIST_RDP_CERTS, LIST_MY_CERTS, QUERY_CERT_HASH],
    remediation: [
      'Renew a CA-issued certificate and bind the new thumbprint (SSLCertificateSHA1Hash, or the Group Policy certificate template).',
      'For a self-signed certificate: nothing, unless 1058 events show the renewal failing (then see `rdprobe explain cert_expired`).',
    ],
    references: [
      'RFC 5280 4.1.2.5 Validity',
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1052, 1058',
      'Group Policy: Windows Components > Remote Desktop Services > Remote Desktop Session Host > Security > "Server authentication certificate template"',
    ],
  },

  cert_weak_key: {
    severity: 'medium',
    title: 'The RDP certificate has a short RSA key',
    summary:
      'The certificate\'s RSA key is shorter than 2048 bits, which no longer gives adequate protection. Replace the certificate with one that has a 2048-bit (or longer) key.',
    trigger: 'certificate.key_type RSA and certificate.key_bits < 2048',
    scope: 'host',
    causes: [
      c('old_template', 'likely', 'The certificate was issued from an old template or created on an old system with a 1024-bit default.'),
    ],
    event_ids: [],
    checks: [LIST_RDP_CERTS, QUERY_CERT_HASH],
    remediation: [
      'Issue a new certificate with an RSA key of at least 2048 bits and bind it; for the self-signed certificate, delete it and restart SessionEnv (current Windows creates 2048-bit keys).',
    ],
    references: ['NIST SP 800-131A (RSA key sizes)'],
  },

  cert_weak_signature: {
    severity: 'medium',
    title: 'The RDP certificate is signed with SHA-1 or MD5',
    summary:
      'The certificate\'s signature uses a broken hash (SHA-1 or MD5). Current clients distrust such certificates when they are CA-issued. For a self-signed certificate the signature matters less (clients trust it by thumbprint), but a new one costs nothing.',
    trigger: 'certificate.signature_algorithm mentions sha1 or md5 (case-insensitive, or their OIDs)',
    scope: 'host',
    causes: [
      c('old_ca', 'likely', 'The issuing CA or the template still signs with SHA-1, or the certificate is very old.'),
    ],
    event_ids: [],
    checks: [LIST_RDP_CERTS, QUERY_CERT_HASH],
    remediation: ['Reissue the certificate signed with SHA-256 or better (move the CA to SHA-256 first if needed), then bind it.'],
    references: ['RFC 6151 (MD5), RFC 9155 (SHA-1 deprecated in TLS 1.2 signatures)'],
  },

  cert_name_mismatch: {
    severity: 'low',
    title: 'The RDP certificate does not name this host',
    summary:
      'Neither the certificate\'s common name nor its subject alternative names match the name that was scanned or the computer\'s own DNS name. Clients show a name warning, and users learn to click through warnings. Issue a certificate for the name clients use.',
    trigger: 'certificate.subject_cn and certificate.san match neither host nor credssp.ntlm.dns_computer (wildcards allowed; skipped for a bare IP with no NTLM name)',
    scope: 'host',
    causes: [
      c('short_name', 'likely', 'The host was scanned by its short name while the certificate carries the full DNS name: connect with the full name.'),
      c('alias', 'likely', 'Clients use an alias (a DNS CNAME, a farm or load-balancer name) that the certificate does not list.'),
      c('renamed', 'possible', 'The computer was renamed after the certificate was made.'),
      c('wrong_cert', 'possible', 'SSLCertificateSHA1Hash names a certificate meant for another machine.'),
    ],
    event_ids: [],
    checks: [LIST_RDP_CERTS, QUERY_CERT_HASH, COMPUTER_NAME],
    remediation: ['Issue a certificate whose SAN lists every name clients use, bind it, or connect by the name the certificate carries.'],
    references: ['RFC 6125 (name checks, wildcards)'],
  },

  cert_self_signed: {
    severity: 'info',
    title: 'The RDP certificate is self-signed',
    summary:
      'This is normal for RDP: Windows creates a self-signed certificate for the listener when none is configured. Clients cannot verify it, so they ask users to accept it. In a domain, a certificate from an internal CA (the "Server authentication certificate template" policy) removes the prompt.',
    trigger: 'certificate.self_signed = true',
    scope: 'host',
    causes: [c('default', 'confirmed', 'No CA-issued certificate is configured for the RDP listener, so Windows uses its own.')],
    event_ids: [],
    checks: [LIST_RDP_CERTS, QUERY_CERT_HASH],
    remediation: ['Optional: deploy a CA-issued certificate through the Remote Desktop certificate template policy.'],
    references: [
      'Group Policy: Windows Components > Remote Desktop Services > Remote Desktop Session Host > Security > "Server authentication certificate template"',
      'Microsoft Learn: Win32_TSGeneralSetting class (SSLCertificateSHA1Hash, MinEncryptionLevel, SecurityLayer)',
    ],
  },

  credssp_outdated: {
    severity: 'high',
    title: 'CredSSP lacks the CVE-2018-0886 fix',
    summary:
      'The server answered with a CredSSP version below 5; the fix for CVE-2018-0886 (a man-in-the-middle flaw that can run code on the server) came with version 5. Patched clients may refuse to connect (the "encryption oracle remediation" error). Install the Windows updates.',
    trigger: 'credssp.version < 5',
    scope: 'host',
    causes: [
      c('unpatched', 'likely', 'The server is missing the CredSSP updates of March/May 2018 or later.'),
      c('third_party', 'possible', 'A non-Windows CredSSP implementation that speaks an older version.'),
    ],
    event_ids: [],
    checks: [OS_VERSION, 'Get-HotFix | Sort-Object InstalledOn -Descending | Select-Object -First 10', QUERY_ORACLE],
    remediation: [
      'Install the current cumulative update on the server (and on the clients).',
      `Do not leave AllowEncryptionOracle at 2 (Vulnerable): use it only briefly to reach an unpatched server, then set it back: reg add "${CREDSSP_POLICY}" /v AllowEncryptionOracle /t REG_DWORD /d 0 /f (Force Updated Clients) or 1 (Mitigated).`,
    ],
    references: [
      '[MS-CSSP] 2.2.1 TSRequest (clientNonce, version 5)',
      'CVE-2018-0886',
      'KB4093492 (CredSSP updates for CVE-2018-0886)',
      'Group Policy: System > Credentials Delegation > "Encryption Oracle Remediation" (AllowEncryptionOracle)',
    ],
  },

  credssp_error: {
    severity: 'medium',
    title: 'The server returned a CredSSP error',
    summary:
      'During NLA the server sent an error code in its TSRequest. The NTSTATUS name says what it objected to; the most common meanings are a CredSSP patch mismatch, an account or logon-right problem, or the server being unable to reach a domain controller.',
    trigger: 'credssp.error_code present (hex and NTSTATUS name)',
    scope: 'host',
    causes: [
      c('oracle', 'possible', 'CredSSP patch level or the encryption oracle policy differ between client and server (STATUS_NOT_SUPPORTED).'),
      c('account', 'possible', 'The account was rejected: wrong password, expired, locked out, disabled, or restricted (LOGON_FAILURE, PASSWORD_EXPIRED, ACCOUNT_LOCKED_OUT, ...).'),
      c('logon_right', 'possible', 'The account lacks "Allow log on through Remote Desktop Services" (STATUS_LOGON_TYPE_NOT_GRANTED).'),
      c('domain', 'possible', 'The server cannot reach a domain controller or its secure channel is broken (NO_LOGON_SERVERS, TRUSTED_RELATIONSHIP_FAILURE).'),
    ],
    event_ids: ['Microsoft-Windows-Security-Auditing 4625', 'NETLOGON 5719', 'NETLOGON 3210'],
    checks: [QUERY_ORACLE, 'Test-ComputerSecureChannel -Verbose', 'nltest /sc_query:%USERDOMAIN%', 'setspn -L %COMPUTERNAME%'],
    remediation: [
      'Look up the NTSTATUS in the evidence, then read the matching Security 4625 event (its status and sub-status name the reason).',
      'Broken secure channel: Test-ComputerSecureChannel -Repair -Credential (Get-Credential).',
      'Logon right: add the users to Remote Desktop Users, or fix the "Allow log on through Remote Desktop Services" policy.',
      'Patch mismatch: update both ends; see `rdprobe explain credssp_outdated`.',
    ],
    references: [
      '[MS-CSSP] 2.2.1 TSRequest (errorCode)',
      '[MS-ERREF] 2.3 NTSTATUS',
      'Microsoft-Windows-Security-Auditing 4625 (Status and Sub Status)',
      'Microsoft Learn: Allow log on through Remote Desktop Services',
      'KB4093492 (CredSSP updates for CVE-2018-0886)',
    ],
  },

  clock_skew: {
    severity: 'medium',
    title: 'The server\'s clock differs from the prober\'s by more than 5 minutes',
    summary:
      'The time the server put in its NTLM challenge is far from the prober\'s clock. If the server is the one that is wrong, Kerberos (and so NLA in a domain) fails beyond 5 minutes of skew. The prober\'s own clock may be the wrong one: compare with a trusted time source before changing anything.',
    trigger: '|credssp.ntlm.clock_skew_seconds| > maxClockSkewSeconds (default 300)',
    scope: 'host',
    causes: [
      c('server_time', 'likely', 'The server does not synchronize its time (w32time stopped, wrong source, VM clock drift or restored snapshot).'),
      c('prober_time', 'possible', 'The clock of the machine running rdprobe is wrong.'),
    ],
    event_ids: ['Microsoft-Windows-Time-Service 36', 'Microsoft-Windows-Security-Kerberos 4'],
    checks: [W32TM_STATUS, 'w32tm /query /source', 'w32tm /stripchart /computer:<host> /samples:3 /dataonly'],
    remediation: [
      'On a domain member: w32tm /config /syncfromflags:domhier /update, then w32tm /resync.',
      'On a standalone server: w32tm /config /manualpeerlist:<ntp server> /syncfromflags:manual /update, then w32tm /resync.',
      'On a VM, check that the hypervisor\'s time sync and the guest\'s time service do not fight each other.',
    ],
    references: [
      '[MS-NLMP] 2.2.2.1 AV_PAIR (MsvAvTimestamp)',
      'Microsoft Learn: Maximum tolerance for computer clock synchronization (Kerberos, 5 minutes by default)',
      'Microsoft Learn: Windows Time service tools and settings',
    ],
  },

  os_unsupported: {
    severity: 'high',
    title: 'The server reports a Windows release out of support',
    summary:
      'The Windows build the server reports in its NTLM challenge belongs to a release whose support has ended at the scan date: it no longer gets security updates, unless it is enrolled in a paid Extended Security Updates (ESU) programme where one exists. The report gives major.minor.build only, and editions with different lifecycles can share a build (17763 is Windows 10 1809, Enterprise LTSC 2019 and Server 2019), so the finding names each edition and says which are still supported. Non-Windows servers announce a fixed Windows version (FreeRDP: 6.1.7601); when other answers give that away, the finding says so. Check the edition on the server and plan the upgrade.',
    trigger:
      'credssp.ntlm.os_version looked up by build in rdprobe\'s table of Windows releases (as of 2026-12-01) at scanned_at (or the `now` option): every edition the build stands for out of support (confirmed; likely while a paid ESU runs), or only some of them (likely); a build missing from the table never fires',
    scope: 'host',
    causes: [
      c('out_of_support', 'confirmed', 'Every Windows edition that reports this build is past its end of support (end of servicing under the Modern Lifecycle, end of extended support under the Fixed Lifecycle): it gets no security updates.'),
      c('shared_build', 'likely', 'Editions with different lifecycles report the same build: Windows 10 1809 (17763) is out of support while Windows Server 2019 and Windows 10 Enterprise LTSC 2019 get security updates until 2029-01-09; Windows 10 1607 and Enterprise 2016 LTSB (14393) are out of support while Windows Server 2016 is supported until 2027-01-12. The edition that runs decides.'),
      c('esu', 'possible', 'The release is out of support but the machine may be enrolled in paid Extended Security Updates (Windows 10 22H2 until 2028-10-10 at the longest; Windows Server 2012 / 2012 R2 ended 2026-10-13), which deliver security fixes only.'),
      c('not_windows', 'possible', 'The server is not Windows: FreeRDP-based servers announce Windows 7 SP1 (6.1.7601) whatever they run on. The finding says so when other answers give it away (NTLM flags echoed back, TLS 1.3 with a pre-Windows 10 version, xrdp\'s answer to an RDSAAD request).'),
    ],
    event_ids: [],
    checks: [OS_VERSION, r`reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" /v EditionID`, r`reg query "HKLM\SOFTWARE\Microsoft\Windows NT\CurrentVersion" /v DisplayVersion`],
    remediation: [
      'Find the edition first (Caption and EditionID): a Windows Server or LTSC edition can still be supported on a build whose other editions are not.',
      'Upgrade an out-of-support machine to a supported release (in place, or move its role to a new server); until then keep its RDP port off untrusted networks, require NLA and limit who may sign in.',
      'Where a paid ESU programme still runs, use it only as a bridge to the upgrade, and check that the ESU updates actually install.',
      'If the server is not Windows (FreeRDP, xrdp, an appliance), the NTLM version says nothing about it: update that software through its own channel.',
    ],
    references: [
      '[MS-NLMP] 2.2.2.10 VERSION; 2.2.2.5 NEGOTIATE and 3.2.5.1.1 (the flags a Windows server returns)',
      'Microsoft Learn: Windows 10 release information; Windows 11 release information; Windows Server release information',
      'Microsoft Lifecycle: Windows 10 Home and Pro; Windows 10 Enterprise and Education; Windows 11 Home and Pro; Windows 11 Enterprise and Education; Windows Server 2016, 2019, 2022, 2025; Windows Server 2012 R2; Windows 7; Windows Server 2008 R2',
      'Microsoft Learn: Extended Security Updates (ESU) program for Windows 10; Prepare to deliver Extended Security Updates for Windows Server 2012',
      'Microsoft Learn: Protocols in TLS/SSL (Schannel SSP) (TLS 1.3 from Windows 11 and Windows Server 2022)',
    ],
  },

  host_identity_mismatch: {
    severity: 'low',
    title: 'The host\'s names disagree',
    summary:
      'The scanned name, the NetBIOS and DNS names the server gives in NTLM, and the name in its self-signed certificate do not all name the same computer. A renamed server keeps old names in places (a Connection Broker renamed after the farm was built breaks: SessionBroker 2056 / 1296); a stale DNS record sends clients to another machine.',
    trigger: 'first labels of host, credssp.ntlm.netbios_computer, credssp.ntlm.dns_computer and a self-signed certificate.subject_cn differ (case-insensitive; NetBIOS names compared on 15 characters)',
    scope: 'host',
    causes: [
      c('renamed', 'likely', 'The computer was renamed after its RDP certificate (or its farm) was set up.'),
      c('stale_dns', 'possible', 'The scanned name resolves to a different machine (stale DNS record, reused address).'),
      c('alias', 'possible', 'The scanned name is a legitimate alias (CNAME, load-balanced name).'),
    ],
    event_ids: [
      'Microsoft-Windows-TerminalServices-SessionBroker 2056',
      'Microsoft-Windows-TerminalServices-SessionBroker-Client 1296',
      'Microsoft-Windows-Security-Kerberos 4',
    ],
    checks: [COMPUTER_NAME, LIST_RDP_CERTS, 'nslookup <host>', 'setspn -L %COMPUTERNAME%'],
    remediation: [
      'If the host was renamed: regenerate the self-signed certificate (delete it from Remote Desktop store, Restart-Service SessionEnv -Force) and fix DNS.',
      'A Connection Broker renamed after the farm was built cannot be repaired by renaming it back: reinstall the Connection Broker role and the Windows Internal Database.',
      'If DNS is stale: correct or delete the record so the name points at the right machine.',
    ],
    references: [
      '[MS-NLMP] 2.2.2.1 AV_PAIR (MsvAvNbComputerName, MsvAvDnsComputerName)',
      'Microsoft-Windows-TerminalServices-SessionBroker 2056; Microsoft-Windows-TerminalServices-SessionBroker-Client 1296',
      'RFC 6125 (names in certificates)',
    ],
  },

  cert_duplicate: {
    severity: 'medium',
    title: 'Several hosts present the same RDP certificate',
    summary:
      'The same certificate (same SHA-1 thumbprint) was seen on different machines. For a self-signed certificate this almost always means cloned VMs that were not generalized with sysprep: they also share machine identities, which breaks Kerberos. A CA-issued certificate shared across a farm can be deliberate.',
    trigger: 'the same certificate.sha1_fingerprint on records with different addresses in one scan',
    scope: 'fleet',
    causes: [
      c('clone', 'likely', 'The machines were cloned from one image without sysprep /generalize.'),
      c('shared_cert', 'possible', 'One CA-issued certificate was deployed on purpose to several hosts (an RDS farm name).'),
      c('nat', 'possible', 'Several addresses lead to the same machine (NAT, several network interfaces).'),
    ],
    event_ids: ['Microsoft-Windows-Security-Kerberos 4', 'Microsoft-Windows-Kerberos-Key-Distribution-Center 11'],
    checks: [LIST_RDP_CERTS, COMPUTER_NAME, 'setspn -X', 'whoami /user'],
    remediation: [
      'Regenerate the RDP certificate on each clone: Get-ChildItem \'Cert:\\LocalMachine\\Remote Desktop\' | Remove-Item, then Restart-Service SessionEnv -Force.',
      'Generalize future images with sysprep /generalize /oobe /shutdown before deploying them; fix duplicate SPNs reported by setspn -X.',
    ],
    references: [
      'Microsoft Learn: Sysprep (Generalize) a Windows installation',
      'Microsoft Learn: setspn (setspn -X lists duplicate SPNs)',
      'Microsoft-Windows-Kerberos-Key-Distribution-Center 11',
    ],
  },

  rdp_udp_enabled: {
    severity: 'info',
    title: 'RDP over UDP answers on the RDP port',
    summary:
      'The server answered a UDP SYN on its RDP port (MS-RDPEUDP): clients may carry sessions over UDP. That is the default since Windows 8 / Server 2012 and helps on lossy links, but it is a second listener to filter and monitor, and public UDP 3389 has been abused for reflection. Keep it only where clients use it, and filter it at the edge.',
    trigger: 'rdp_udp.answered = true with a SYN+ACK',
    scope: 'host',
    causes: [c('default_on', 'likely', 'RDP over UDP is on by default on Windows 8 / Server 2012 and later; the "Select RDP transport protocols" policy is not set to TCP only.')],
    event_ids: [],
    checks: [UDP_LISTENER, UDP_POLICY_QUERY],
    remediation: [
      'If clients do not need it: GPO "Select RDP transport protocols" = "Use only TCP", or ' + UDP_POLICY_SET + ', then restart Remote Desktop Services.',
      'Where it is wanted, make sure UDP 3389 is not reachable from the internet (it was abused for DDoS reflection).',
    ],
    references: ['[MS-RDPEUDP] 3.1.5.1 connection handshake', 'Microsoft Learn: "Select RDP transport protocols" (Remote Desktop Session Host policy)'],
  },

  client_locked_out: {
    severity: 'high',
    title: 'A client population cannot connect',
    summary:
      'With --clients, rdprobe replays each client\'s own handshake (its RDP_NEG_REQ and its ClientHello, or its Standard RDP Security offer) against the server, and judges what one connection cannot show (CredSSP patch level, certificate handling) from the record. This client is locked out: the evidence names the step, the exact cause, and the fix on either side. The severity is the profile\'s (how bad losing that population is; docs/clients.md), not this entry\'s. A verdict resting on an inferred fact says so (certainty likely).',
    trigger: 'clients[<profile>].connects = false (one finding per profile; severity from the profile)',
    scope: 'host',
    causes: [
      c('tls_version', 'likely', 'The server refuses every TLS version the client offers (TLS 1.0/1.1 disabled in SCHANNEL for a client that offers nothing newer, such as Windows 7 without KB3080079), or picks one the client will not complete.'),
      c('cipher_suites', 'likely', 'No cipher suite in common: a cipher-suite order policy or SCHANNEL change removed every suite the client offers (Schannel 36874).'),
      c('nla_required', 'likely', 'The server requires NLA (CredSSP) and the client does not ask for it.'),
      c('standard_security', 'likely', 'The server allows only Standard RDP Security, or only TLS, and the client cannot use that.'),
      c('credssp_patch', 'likely', 'The server lacks the CVE-2018-0886 CredSSP fix and the client, patched and at the default "Mitigated", refuses it.'),
      c('encryption_level', 'possible', 'Standard RDP Security: the server\'s encryption level or FIPS setting requires a method the client does not offer (TermDD 50).'),
      c('certificate', 'possible', 'The client refuses the server\'s certificate (untrusted, expired or for another name) by default.'),
      c('server_refused', 'possible', 'The server (or a device in the path) refuses the request for its own reasons or answers with something the client cannot accept: no usable certificate, a broken TLS answer, a protocol the client did not ask for.'),
    ],
    event_ids: ['Schannel 36871', 'Schannel 36874', 'Schannel 36888', 'TermDD 50'],
    checks: [QUERY_SCHANNEL, QUERY_CIPHER_SUITES, QUERY_LISTENER_SETTINGS, QUERY_ORACLE, OS_VERSION],
    remediation: [
      'Read the evidence: it says at which step (negotiation, tls, credssp, mcs) this client fails and why, with the fix on the server and on the client; the record\'s clients[<profile>].fix holds the same.',
      'Decide which side changes: often the right fix is the client (KB3080079 on Windows 7, a current FreeRDP), not re-enabling an old protocol on the server.',
      'After a fix, scan again with --clients <profile> (or gate it in CI: policy clients_must_connect).',
    ],
    references: [
      'rdprobe docs/clients.md (profiles, their sources, the simulation and its verdicts)',
      '[MS-RDPBCGR] 1.3.1.1 Connection Initiation, 5.4.5 TLS and CredSSP; RFC 5246 7.4.1, RFC 8446 4.1',
      'KB3080079 (TLS 1.1/1.2 for Remote Desktop on Windows 7 / 2008 R2); KB4093492 (CredSSP updates for CVE-2018-0886)',
      'Microsoft Learn: Protocols in TLS/SSL (Schannel SSP); TLS Cipher Suites in Windows',
    ],
  },

  netbios_duplicate: {
    severity: 'medium',
    title: 'Several addresses answer with the same computer name',
    summary:
      'Different addresses report the same NetBIOS computer name in NTLM. Two machines with one name confuse name resolution and Kerberos; it is typical of cloned VMs. One machine with several interfaces also shows up this way, which is harmless.',
    trigger: 'the same credssp.ntlm.netbios_computer on records with different addresses in one scan',
    scope: 'fleet',
    causes: [
      c('clone', 'likely', 'Cloned machines that kept the same name (no sysprep, no rename).'),
      c('multihomed', 'possible', 'One machine reachable at several addresses (several interfaces, NAT).'),
    ],
    event_ids: ['NetBT 4319', 'Microsoft-Windows-Security-Kerberos 4'],
    checks: [COMPUTER_NAME, 'ipconfig /all', 'nbtstat -n'],
    remediation: ['Rename the duplicates (Rename-Computer -NewName <name> -Restart) or generalize them with sysprep, and re-join them to the domain if needed.'],
    references: [
      'Microsoft Learn: Sysprep (Generalize) a Windows installation',
      '[MS-NLMP] 2.2.2.1 AV_PAIR (MsvAvNbComputerName)',
      'NetBT 4319',
    ],
  },
};

const ALL_ENTRIES: { [K in FindingId]: EntryBody } = { ...ENTRIES, ...TLS_SURFACE_ENTRIES, ...AUTH_ENTRIES, ...POLICY_ENTRIES };

/** Every entry, keyed by id. */
export const catalog: Readonly<Record<FindingId, CatalogEntry>> = Object.freeze(
  Object.fromEntries(FINDING_IDS.map((id) => [id, { id, ...ALL_ENTRIES[id] }])) as Record<FindingId, CatalogEntry>,
);

export function isFindingId(id: string): id is FindingId {
  return Object.prototype.hasOwnProperty.call(catalog, id);
}
