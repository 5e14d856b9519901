/**
 * The result record: one JSON object per target. This is the contract every output format, the diagnosis
 * layer, `rdprobe diff` and users' own scripts rely on. README.md ("Result record") documents every field;
 * change a field here only together with the README, RECORD_SCHEMA_VERSION and the schema test.
 *
 * Conventions: snake_case keys; `null` means "not measured / could not tell", never "no";
 * names are the specification's names; fingerprints are upper-case hex without separators.
 */

/**
 * 2: findings carry cause ids instead of the catalog's text (the text is in the catalog, `rdprobe explain`);
 *    `scan` (what the record was measured and judged with) and `not_measured` were added.
 * 3: TLS from rdprobe's own ClientHello: `tls.versions`/`attempts` gain `ssl2.0` and `ssl3.0`; the deep mode's
 *    `tls.cipher_suites`, `server_preference`, `groups`, `dh_bits`, `secure_renegotiation`, `compression`,
 *    `fallback_scsv`, `ocsp_stapling`; `tls.handshake` (the modern client's own handshake); `certificate.chain`,
 *    `trusted`, `trust_error`; refusal kind `protocol_error`.
 */
export const RECORD_SCHEMA_VERSION = 3;

/** Versions `rdprobe diff` and `--baseline` can read (older records are read as this version: see diff/load.ts). */
export const READABLE_SCHEMA_VERSIONS: readonly number[] = [1, 2, 3];

export type Status = 'ok' | 'unreachable' | 'not_rdp' | 'error';

/** Where along the connection sequence something failed. */
export type Stage = 'dns' | 'tcp' | 'x224' | 'negotiation' | 'tls' | 'credssp' | 'mcs';

/**
 * Why. The vocabulary is fixed (zgrab2-style) so scripts can switch on it:
 *  tcp: refused | timeout | unreachable | error
 *  x224: timeout | closed | reset | not_tpkt | malformed | too_large
 *  negotiation: the RDP_NEG_FAILURE code name (e.g. HYBRID_REQUIRED_BY_SERVER) | protocol_mismatch
 *  tls: alert | reset | closed | timeout | error
 *  credssp / mcs: timeout | closed | reset | malformed | server_error | too_large
 *  dns: not_found | error
 *  any stage: deadline (the host deadline ran out while in this stage), connection_budget (the check would have
 *  needed a 13th connection to this host, and was not made)
 */
export interface Failure {
  stage: Stage;
  reason: string;
  detail: string | null;
}

export const PROTOCOL_KEYS = ['rdp', 'ssl', 'hybrid', 'rdstls', 'hybrid_ex', 'rdsaad'] as const;
export type ProtocolKey = (typeof PROTOCOL_KEYS)[number];

/**
 * What the server answered to one X.224 Connection Request:
 *  negotiation_response  RDP_NEG_RSP (selected protocol in `selected`)
 *  negotiation_failure   RDP_NEG_FAILURE (code in `failure_code`)
 *  no_negotiation        Connection Confirm without negotiation data (pre-2003 servers: implies Standard RDP Security)
 *  mcs_disconnect        an X.224 Data TPDU with an MCS Disconnect Provider Ultimatum instead of a Confirm (xrdp's
 *                        answer to a request it does not know): no support judgement (`supported` null)
 *  x224_disconnect       an X.224 Disconnect Request instead of a Confirm: no support judgement
 *  or how the exchange broke: refused, timeout, closed, reset, not_tpkt, malformed, error; deadline (rdprobe's
 *  host deadline cut it: not measured)
 */
export type NegotiationResponse =
  | 'negotiation_response'
  | 'negotiation_failure'
  | 'no_negotiation'
  | 'mcs_disconnect'
  | 'x224_disconnect'
  | 'deadline'
  | 'refused'
  | 'timeout'
  | 'closed'
  | 'reset'
  | 'not_tpkt'
  | 'malformed'
  | 'error';

export interface ProtocolResult {
  /** requestedProtocols we sent, as spec names (hybrid is sent together with ssl, hybrid_ex with hybrid and ssl). */
  requested: string[];
  /** true only when the server selected exactly this protocol; null when the exchange broke before an answer. */
  supported: boolean | null;
  response: NegotiationResponse;
  /** The protocol the server selected (its record key, or `unknown(0x..)`), when it sent RDP_NEG_RSP. */
  selected: string | null;
  /** RDP_NEG_FAILURE code by spec name, when the server sent one. */
  failure_code: string | null;
  /** RDP_NEG_RSP flags by spec name. */
  flags: string[];
  /** Free text about a broken exchange (e.g. the first bytes of a non-TPKT answer). */
  detail: string | null;
}

export const TLS_VERSION_KEYS = ['ssl2.0', 'ssl3.0', 'tls1.0', 'tls1.1', 'tls1.2', 'tls1.3'] as const;
export type TlsVersionKey = (typeof TLS_VERSION_KEYS)[number];

/** How a TLS attempt that did not complete looked from the client side. */
export interface TlsRefusal {
  /** alert: the server sent a TLS alert; reset / closed / timeout: the transport ended; version_mismatch: the
   * server answered with another version than the one probed; protocol_error: its ServerHello chose what the
   * ClientHello did not offer (a suite, a group, an extension); malformed: the answer was not TLS; deadline: the
   * host deadline ran out first (the version then counts as not measured: accepted null); error: anything else. */
  kind: 'alert' | 'reset' | 'closed' | 'timeout' | 'deadline' | 'version_mismatch' | 'protocol_error' | 'malformed' | 'error';
  /** TLS alert number (RFC 8446 6) when kind is alert. */
  alert: number | null;
  /** Alert description name, e.g. handshake_failure. */
  alert_description: string | null;
  detail: string | null;
}

export interface TlsAttempt {
  /** true accepted, false refused, null not tested (or the X.224 step before it broke). */
  accepted: boolean | null;
  /** IANA name of the suite the server chose from everything offered for this version. */
  cipher: string | null;
  refusal: TlsRefusal | null;
}

/** One accepted cipher suite (the IANA registry's columns and rdprobe's strength grade, analysis/cipher-strength.ts). */
export interface CipherSuiteEntry {
  /** "0x002f" (SSL 2.0 cipher specs: 6 hex digits). */
  id: string;
  /** IANA name, e.g. TLS_RSA_WITH_AES_128_CBC_SHA. */
  name: string;
  /** OpenSSL's name, null when OpenSSL never had the suite. */
  openssl_name: string | null;
  kex: string;
  auth: string;
  cipher: string;
  bits: number;
  pfs: boolean;
  strength: 'insecure' | 'weak' | 'acceptable' | 'strong' | null;
}

/** The modern client's own TLS handshake (node:tls, completed or not): what a real client gets. */
export interface TlsHandshake {
  completed: boolean | null;
  version: string | null;
  cipher: string | null;
  refusal: TlsRefusal | null;
}

export interface TlsResult {
  /** The X.224 protocol used to reach TLS for the version probes: ssl, or hybrid (then hybrid_ex) when ssl is refused. */
  via: 'ssl' | 'hybrid' | 'hybrid_ex' | null;
  /** Each version offered alone in rdprobe's own ClientHello; ssl2.0/ssl3.0 only with --tls-suites (else null). */
  versions: Record<TlsVersionKey, boolean | null>;
  attempts: Record<TlsVersionKey, TlsAttempt>;
  /** Cipher negotiated on the client-like connection (or the best accepted version). */
  cipher: string | null;
  /** TLS version negotiated on the client-like connection (min TLS 1.0, max TLS 1.3). */
  negotiated_version: string | null;
  /** The client-like connection's handshake; null when that connection did not reach TLS. */
  handshake: TlsHandshake | null;
  /** --tls-suites: every accepted suite per accepted version, in the server's order when it has one; else null. */
  cipher_suites: Partial<Record<TlsVersionKey, CipherSuiteEntry[]>> | null;
  /** --tls-suites: the server picks by its own order (true) or by the client's (false); null when no version had 2 suites. */
  server_preference: boolean | null;
  /** --tls-suites: key exchange groups the server accepts (x25519, secp256r1, ffdhe2048...), in its order. */
  groups: string[] | null;
  /** --tls-suites: the smallest DH prime (bits) among the accepted DHE suites; null without DHE. */
  dh_bits: number | null;
  /** The server answers renegotiation_info (RFC 5746); null without an accepted TLS 1.2-or-below hello. */
  secure_renegotiation: boolean | null;
  /** --tls-suites: the server compresses when offered DEFLATE (CRIME). */
  compression: boolean | null;
  /** --tls-suites: the server refuses a fallback hello with TLS_FALLBACK_SCSV (RFC 7507); null with one version. */
  fallback_scsv: boolean | null;
  /** The server staples an OCSP response when asked (status_request); null without an accepted hello. */
  ocsp_stapling: boolean | null;
}

export interface CertificateInfo {
  subject: string;
  subject_cn: string | null;
  issuer: string;
  san: string[];
  /** Upper-case hex. */
  serial: string;
  not_before: string;
  not_after: string;
  /** Whole days from the scan to not_after (negative when expired). */
  days_remaining: number;
  expired: boolean;
  /** not_before is in the future. */
  not_yet_valid: boolean;
  self_signed: boolean;
  key_type: string;
  key_bits: number | null;
  /** The SubjectPublicKeyInfo algorithm OID as sent (Windows' Terminal Server certificates label RSA keys oddly). */
  key_oid: string;
  signature_algorithm: string;
  /** What Windows stores in SSLCertificateSHA1Hash. */
  sha1_fingerprint: string;
  sha256_fingerprint: string;
  /** Certificates the server sent (leaf included). */
  chain_length: number;
  /** The chain as the server sent it, leaf first. */
  chain: ChainCertificate[];
  /**
   * Whether a path from the leaf through the sent chain reaches a root of the trust store (Node's bundled Mozilla
   * roots plus --ca-file), every certificate within its dates; null when no chain was received.
   */
  trusted: boolean | null;
  /** Why not: self_signed, unknown_issuer, expired, not_yet_valid, bad_signature, incomplete_chain, chain_order. */
  trust_error: string | null;
}

/** What the record says of one certificate by itself (the chain and trust fields belong to the TLS certificate). */
export type LeafCertificateInfo = Omit<CertificateInfo, 'chain' | 'trusted' | 'trust_error'>;

export interface ChainCertificate {
  subject: string;
  issuer: string;
  not_after: string;
  sha256_fingerprint: string;
  self_signed: boolean;
  /** The next certificate of the chain as sent issued this one (false for the last and for a gap). */
  issued_by_next: boolean;
}

export interface NtStatus {
  /** e.g. 0xC000006D */
  hex: string;
  /** e.g. STATUS_LOGON_FAILURE, or unknown */
  name: string;
}

export interface NtlmInfo {
  target_name: string | null;
  netbios_domain: string | null;
  netbios_computer: string | null;
  dns_domain: string | null;
  dns_computer: string | null;
  dns_tree: string | null;
  /** major.minor.build from the NTLM VERSION structure. */
  os_version: string | null;
  /** The server's FILETIME timestamp AV_PAIR, ISO 8601. */
  server_time: string | null;
  /** server minus prober, seconds (only a hint: the prober's clock may be wrong too). */
  clock_skew_seconds: number | null;
  negotiate_flags: string[];
}

export interface CredsspResult {
  /** The server's TSRequest version. */
  version: number | null;
  error_code: NtStatus | null;
  ntlm: NtlmInfo | null;
  /** How the CredSSP step ended when it did not yield a CHALLENGE. */
  failure: Failure | null;
}

/** Standard RDP Security encryption levels ([MS-RDPBCGR] 2.2.1.4.3), weakest first: the one order of them. */
export const ENCRYPTION_LEVELS = ['none', 'low', 'client_compatible', 'high', 'fips'] as const;
export type EncryptionLevel = (typeof ENCRYPTION_LEVELS)[number];
export type EncryptionMethod = '40bit' | '56bit' | '128bit' | 'fips';

export interface RdpServerCertificate {
  type: 'proprietary' | 'x509';
  /** The t bit of dwVersion ([MS-RDPBCGR] 2.2.1.4.3.1): a temporary certificate, not one from a license server. */
  temporary: boolean;
  key_bits: number | null;
  /** RSA public exponent (proprietary certificates). */
  exponent: number | null;
  /** X.509 chains: number of certificates. */
  chain_length: number | null;
  /** X.509 chains: the leaf, parsed (clients do not judge a Standard Security chain against a store: no trust fields). */
  leaf: LeafCertificateInfo | null;
}

export interface RdpSecurityResult {
  encryption_level: EncryptionLevel | `unknown(${string})` | null;
  /** Methods the server selected when offered alone. */
  encryption_methods: EncryptionMethod[];
  /** The method the server chose when offered every method, as a regular client does (`none` at level none). */
  selected_method: EncryptionMethod | 'none' | `unknown(${string})` | null;
  /** Per method: true selected, false refused/other, null not tested. */
  methods_tested: Record<EncryptionMethod, boolean | null>;
  /** e.g. "RDP 10.7" */
  server_version: string | null;
  /** Server Core Data version, hex e.g. 0x0008000c */
  server_version_raw: string | null;
  /** clientRequestedProtocols echoed in Server Core Data, as names. */
  client_requested_protocols: string[] | null;
  /** earlyCapabilityFlags of Server Core Data, as names. */
  early_capability_flags: string[] | null;
  server_certificate: RdpServerCertificate | null;
  /** How the MCS step failed when no method could be measured. */
  failure: Failure | null;
}

/** RDP over UDP ([MS-RDPEUDP] 3.1.5.1): the answer to one SYN on the target's port. */
export interface RdpUdpResult {
  /** A datagram came back (a SYN+ACK, or something that was not one: see failure). */
  answered: boolean;
  /** The version the server chose, by spec name (RDPUDP_PROTOCOL_VERSION_1/2/3). */
  version: string | null;
  syn_ack: {
    /** snSourceAck acknowledges our SYN's sequence number (false: an answer to some other SYN). */
    ack_matches: boolean;
    flags: string[];
    server_initial_sequence_number: number;
    receive_window: number;
    upstream_mtu: number;
    downstream_mtu: number;
  } | null;
  /**
   * Why there is no SYN+ACK: refused (ICMP port unreachable: nothing listens on UDP), timeout (silence: UDP cannot
   * tell filtered from off), deadline (rdprobe's host deadline), unreachable, malformed (an answer that is not a
   * SYN+ACK), error.
   */
  failure: { reason: 'refused' | 'timeout' | 'deadline' | 'unreachable' | 'malformed' | 'error'; detail: string | null } | null;
}

/**
 * The authentication test (schema 3 addition; `rdprobe scan --user`, docs/auth.md): one CredSSP/NTLMv2 exchange
 * with the test account, on a connection of its own. `null` when no credentials were given or the host was never
 * reached as an RDP server; otherwise present, and `tested` says whether credentials were sent to this host.
 */
export type AuthResultKind =
  /** `auth`: the server verified the credentials and proved it holds the TLS key; `authz`: also the logon right. */
  | 'success'
  /** STATUS_LOGON_FAILURE (wrong password or unknown user, one verdict) or a close right after the AUTHENTICATE. */
  | 'credentials_rejected'
  /** The password was right but the account cannot log on: locked out, disabled, expired, must change... */
  | 'account_state'
  /** AUTHZ_ACCESS_DENIED (Early User Authorization Result) or STATUS_LOGON_TYPE_NOT_GRANTED. */
  | 'logon_right_missing'
  /** The server does not take NTLM (STATUS_NOT_SUPPORTED, no CHALLENGE): Kerberos is out of rdprobe's scope. */
  | 'ntlm_refused'
  /** The server's pubKeyAuth answer does not prove it holds the TLS key: never a success, no password delegated. */
  | 'server_key_proof_failed'
  /** Another NTSTATUS in TSRequest.errorCode (status says which). */
  | 'server_error'
  /** The exchange broke (timeout, close, reset, TLS, malformed answer) before a verdict. */
  | 'failed'
  /** No credentials were sent to this host; failure.reason says why (not_in_auth_hosts, untrusted_certificate...). */
  | 'not_attempted';

export type AuthDepth = 'auth' | 'authz';

/** Why the server's TLS certificate was (or was not) trusted with the credentials. */
export interface AuthTrust {
  /** What let the credentials go: a trusted chain naming the host (`ca`), a pinned thumbprint (`pin`), the
   * --auth-insecure override (`insecure`); null when they were withheld. */
  basis: 'ca' | 'pin' | 'insecure' | null;
  /** node:tls verified the chain against Node's CA list plus --ca-file. */
  chain_trusted: boolean;
  /** OpenSSL's reason when it did not (e.g. DEPTH_ZERO_SELF_SIGNED_CERT). */
  chain_error: string | null;
  /** The certificate names the target (tls.checkServerIdentity). */
  name_matches: boolean;
  /** SHA-1 thumbprint of the certificate this connection saw (upper-case hex). */
  sha1_fingerprint: string;
}

export interface AuthFailure {
  /** auth: up to the server's pubKeyAuth answer; authz: TSCredentials and the Early User Authorization Result. */
  stage: 'auth' | 'authz';
  reason: string;
  detail: string | null;
}

/** The full logon test (schema 3 addition; --logon): how far the connection sequence went after authz. */
export type LogonResultKind =
  /** Save Session Info with a logon notification arrived: a session exists on the server (disconnected by rdprobe). */
  | 'logon_notified'
  /** The server ended the connection with a Set Error Info reason (error_info says which). */
  | 'ended_by_server'
  /** A licensing error other than STATUS_VALID_CLIENT, or an ERRINFO_LICENSE_* reason. */
  | 'licensing_failed'
  /** The server sent a License Request: the client licensing exchange of [MS-RDPELE], which rdprobe does not do. */
  | 'license_exchange_required'
  /** The server reconnected (or offered to reconnect) an existing session of the account: rdprobe stopped at once. */
  | 'reconnected_existing'
  /** Server Redirection PDU (a Connection Broker sent the client elsewhere): rdprobe does not follow it. */
  | 'redirected'
  /** No logon notification, error or disconnect before the logon timeout (a logon screen waiting for input...). */
  | 'timed_out'
  /** The server closed without a reason, or the exchange broke (failure says how). */
  | 'incomplete'
  /** The sequence was not started: authz did not succeed (auth.result says why). */
  | 'not_attempted';

export interface LogonRecord {
  /** The MCS connection sequence was started on the authenticated connection. */
  tested: boolean;
  result: LogonResultKind;
  /** The last phase reached ([MS-RDPBCGR] 1.3.1.1): mcs_connect mcs_attach channel_join client_info licensing
   * capabilities finalization logon_notified; null when not tested. */
  reached: string | null;
  /** The server's first licensing message. */
  licensing: { message: string; error_code: string | null; state_transition: string | null } | null;
  /** The last non-zero Set Error Info PDU (2.2.5.1.1). */
  error_info: { code: string; name: string } | null;
  /** INFOTYPE_LOGON, INFOTYPE_LOGON_LONG or INFOTYPE_LOGON_PLAINNOTIFY, when a logon notification arrived. */
  logon_info_type: string | null;
  /** Logon errors the server reported in Save Session Info (LOGON_MSG_* / LOGON_FAILED_* names). */
  logon_errors: { type: string; data: string | null } | null;
  timed_out: boolean;
  reconnected_existing: boolean;
  /** Who ended the connection: the server (ultimatum with its reason, X.224 disconnect, a close) or rdprobe. */
  disconnect: { by: 'server_ultimatum' | 'server_x224' | 'server_closed' | 'rdprobe'; reason: string | null } | null;
  failure: { stage: string; reason: string; detail: string | null } | null;
}

export interface AuthRecord {
  /** Credentials (an NTLM AUTHENTICATE) were sent to this host: one attempt on the account. */
  tested: boolean;
  /** The account as given: DOMAIN\user, user@domain or user. Never the password. */
  user: string;
  method: 'ntlm';
  depth: AuthDepth;
  /** --auth-insecure was in force (credentials could go to a server whose certificate is not trusted). */
  insecure: boolean;
  result: AuthResultKind;
  /** TSRequest.errorCode of the server, by name. */
  status: NtStatus | null;
  /** The Early User Authorization Result PDU (HYBRID_EX, authz): AUTHZ_SUCCESS, AUTHZ_ACCESS_DENIED or unknown(..). */
  early_user_authz: string | null;
  /** The server's pubKeyAuth answer verified: it holds the TLS key; null before that step. */
  server_proved_key: boolean | null;
  /** TSCredentials (the password) were delegated to the server. */
  credentials_delegated: boolean;
  /** The protocol the server selected on this connection (hybrid, hybrid_ex, ssl...). */
  selected_protocol: string | null;
  /** The server's TSRequest version on this connection. */
  credssp_version: number | null;
  trust: AuthTrust | null;
  failure: AuthFailure | null;
  /** null unless --logon. */
  logon: LogonRecord | null;
}

/** rdprobe's own limits (not the server) ended a step: nothing was measured. */
const OWN_LIMITS: readonly string[] = ['deadline', 'connection_budget'];

/**
 * The authentication test as a gate or a diff reads it: `ok`, `failed` (the server refused or broke off), or null
 * when nothing was measured (no test, credentials not sent, rdprobe's own deadline). The one place that decides it.
 */
export function authOutcome(a: AuthRecord | null | undefined): 'ok' | 'failed' | null {
  if (!a || a.result === 'not_attempted') return null;
  if (a.result === 'success') return 'ok';
  return a.result === 'failed' && OWN_LIMITS.includes(a.failure?.reason ?? '') ? null : 'failed';
}

/**
 * The logon test likewise: `ok` once the logon was notified; `failed` when the server ended it, licensing failed,
 * it never completed, or authz already failed; null when it was not measured or rdprobe stopped on purpose (a
 * License Request, an existing session, a redirection).
 */
export function logonOutcome(a: AuthRecord | null | undefined): 'ok' | 'failed' | null {
  const l = a?.logon;
  if (!l) return null;
  switch (l.result) {
    case 'logon_notified':
      return 'ok';
    case 'not_attempted':
      return authOutcome(a) === 'failed' ? 'failed' : null;
    case 'license_exchange_required':
    case 'reconnected_existing':
    case 'redirected':
      return null;
    default:
      return OWN_LIMITS.includes(l.failure?.reason ?? '') ? null : 'failed';
  }
}

/**
 * Where and why a simulated client is kept out. `stage` is the connection step (negotiation, tls, credssp, mcs; x224
 * or tcp when the simulation's own connection broke); `reason` a fixed word (an RDP_NEG_FAILURE name,
 * `tls_version_refused`, `no_common_suite`, ...: docs/clients.md lists them); `detail` the exact cause in words.
 */
export interface ClientFailure {
  stage: Stage;
  reason: string;
  detail: string;
}

/**
 * Schema 3: one client population against this server (--clients), from a handshake with that client's own
 * RDP_NEG_REQ and ClientHello, and a judgement from the record's facts for what one connection cannot show
 * (CredSSP patch level, certificate handling). Defined in src/analysis/client-compat.ts; docs/clients.md.
 */
export interface ClientVerdict {
  /** The profile's display name. */
  name: string;
  /** true: gets past the security handshake; false: locked out (see fails_at); null: cannot tell (see warnings). */
  connects: boolean | null;
  /** The protocol the server selected for it (ssl, hybrid, hybrid_ex, rdp), when it selected one this client accepts. */
  protocol: string | null;
  /** The TLS version the server picked from its hello (`tls1.2`), when TLS got that far. */
  tls_version: string | null;
  /** The cipher suite the server picked (IANA name). */
  cipher: string | null;
  fails_at: ClientFailure | null;
  /** What the client shows or risks even when it connects (certificate prompts, settings invisible from outside). */
  warnings: string[];
  /** measured: every fact it rests on is recorded, documented or read in source; likely: one is inferred or unknown. */
  certainty: 'measured' | 'likely';
  /** The profile facts (paths) it rests on that are inferred or unknown: why it is "likely". */
  inferred: string[];
  /** How to let this client in, on either side, when it is locked out. */
  fix: { server: string; client: string } | null;
}

export type Severity = 'info' | 'low' | 'medium' | 'high' | 'critical';
export const SEVERITIES: readonly Severity[] = ['info', 'low', 'medium', 'high', 'critical'];

/** 0 for info up to 4 for critical: the one severity order (sorting, --fail-on, diff). */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export type Certainty = 'confirmed' | 'likely' | 'possible';

/** A cause of a finding as a rule ranked it for one record: the catalog's cause id and how sure it is. */
export interface FindingCause {
  id: string;
  certainty: Certainty;
}

export interface Finding {
  id: string;
  severity: Severity;
  title: string;
  /** The observed facts that triggered the finding, in the record's own terms (`protocols.ssl.failure_code = ...`). */
  evidence: string[];
  /**
   * The causes ranked for this record, most probable first: cause id -> certainty, in rank order (JSON objects keep
   * their key order in every common parser; `rdprobe explain <finding id>` prints each cause's text).
   */
  causes: Record<string, Certainty>;
  /** Only with --explain-inline: the catalog's text for this finding. */
  explain?: FindingExplanation;
}

export interface FindingExplanation {
  /** cause id -> the cause in words. */
  causes: Record<string, string>;
  /** "Schannel 36871", ... */
  event_ids: string[];
  /** Commands to run on the server, for this host and port. */
  checks: string[];
  remediation: string[];
}

/**
 * What a record was measured and judged with, so that records of one scan can be told from another's: `--resume`
 * refuses to append to a file written with other options, and shards of one scan can be merged.
 */
export interface ScanInfo {
  /** The options that change what is measured or judged, where they differ from the defaults. */
  options: Record<string, string | number | boolean>;
  /** Digest of the effective policy (file and rule flags), null without one. */
  policy: string | null;
  /** Digest of the target set as given (targets, ports, exclusions), for a sharded run; else null. */
  targets: string | null;
  /** `K/N` for a sharded run; else null. */
  shard: string | null;
}

/** Milliseconds of the whole probe (`total`) and of each stage the client-like connection reached. */
export interface Timings {
  total: number;
  /** Milliseconds per stage the client-like connection reached; a stage it did not reach is absent. */
  dns?: number;
  tcp?: number;
  x224?: number;
  tls?: number;
  credssp?: number;
  mcs?: number;
}

export interface ProbeRecord {
  schema_version: number;
  /** The target as the user wrote it (or as generated from a range). */
  target: string;
  host: string;
  address: string | null;
  port: number;
  /** ISO 8601 time the probe of this host started. */
  scanned_at: string;
  status: Status;
  /** The failure of the connection a modern client makes (ssl|hybrid|hybrid_ex requested), or null. */
  failure: Failure | null;
  protocols: Record<ProtocolKey, ProtocolResult> | null;
  nla_required: boolean | null;
  tls: TlsResult | null;
  certificate: CertificateInfo | null;
  credssp: CredsspResult | null;
  rdp_security: RdpSecurityResult | null;
  /** null unless the UDP check ran (TCP showed an RDP server, and --no-udp was not given). */
  rdp_udp: RdpUdpResult | null;
  /**
   * Schema 3: the authentication test with a test account (--user), null when no credentials were given or the host
   * was not reached as an RDP server. Records of schema 1 and 2 have no such key (read it as null).
   */
  auth: AuthRecord | null;
  /** Schema 3: profile id -> verdict, for the clients simulated (--clients); null when none was asked for. */
  clients: Record<string, ClientVerdict> | null;
  timings_ms: Timings;
  /** TCP connections this probe opened (bounded: at most 12 per host). */
  connections: number;
  /**
   * Checks that were due but not measured, by check name, with why: `deadline` (the host deadline of --host-timeout
   * ran out) or `connection_budget`. Checks skipped on purpose (--no-tls-versions) are not listed: `scan.options`
   * says so. Anything listed here fails every gate (finding probe_incomplete).
   */
  not_measured: Record<string, 'deadline' | 'connection_budget'>;
  findings: Finding[];
  /** null for a scan with the default options, no policy and no shard (the usual case: it keeps records small). */
  scan: ScanInfo | null;
}

/** What a probe measures: the record before it is judged (findings) and stamped with its scan. */
export type MeasuredRecord = Omit<ProbeRecord, 'findings' | 'scan'>;
