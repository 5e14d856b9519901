/**
 * ProbeRecord factories shared by the diagnosis, output, policy and diff tests.
 *
 * `emptyRecord()` is a complete, valid ProbeRecord in which nothing was measured (every measurement null);
 * `withOverrides()` merges deep overrides into any record; the builders fill in one part at a time. Each
 * builder's defaults describe srv01.corp.example, a well-configured Windows Server 2022 (NLA required,
 * TLS 1.2, CA-issued certificate for its own name). Each folder's factory.ts builds its own scenarios from these.
 */
import {
  type AuthRecord,
  type LogonRecord,
  PROTOCOL_KEYS,
  RECORD_SCHEMA_VERSION,
  TLS_VERSION_KEYS,
  type CertificateInfo,
  type CipherSuiteEntry,
  type CredsspResult,
  type Finding,
  type NtlmInfo,
  type ProbeRecord,
  type ProtocolKey,
  type ProtocolResult,
  type RdpSecurityResult,
  type Severity,
  type TlsAttempt,
  type TlsResult,
  type TlsVersionKey,
} from '../../src/record.js';
import { suiteStrength } from '../../src/analysis/cipher-strength.js';
import { cipherSuiteInfo } from '../../protocol/tls/suites.js';

// ------------------------------------------------------------------------------------------ whole records

/** The measurement fields of a record in which nothing was measured. */
export function unmeasured(): Pick<ProbeRecord, 'protocols' | 'nla_required' | 'tls' | 'certificate' | 'credssp' | 'rdp_security' | 'rdp_udp' | 'auth' | 'clients'> {
  return { protocols: null, nla_required: null, tls: null, certificate: null, credssp: null, rdp_security: null, rdp_udp: null, auth: null, clients: null };
}

/** A complete, valid record of srv01.corp.example in which nothing was measured; `over` replaces whole fields. */
export function emptyRecord(over: Partial<ProbeRecord> = {}): ProbeRecord {
  return {
    schema_version: RECORD_SCHEMA_VERSION,
    target: 'srv01.corp.example',
    host: 'srv01.corp.example',
    address: '10.0.0.11',
    port: 3389,
    scanned_at: '2026-11-22T12:00:00.000Z',
    status: 'ok',
    failure: null,
    ...unmeasured(),
    timings_ms: { total: 0  },
    connections: 0,
    not_measured: {},
    findings: [],
    scan: null,
    ...over,
  };
}

/** Overrides in which any nested object may be given in part; arrays and null replace. */
export type DeepPartial<T> = T extends (infer U)[]
  ? U[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | null }
    : T;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepMerge(base: unknown, over: unknown): unknown {
  if (!isObj(base) || !isObj(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (v === undefined) continue;
    out[k] = deepMerge(base[k], v);
  }
  return out;
}

/** `base` with `over` merged in: nested objects are merged, arrays and null replace, undefined is ignored. */
export function withOverrides<T>(base: T, over: DeepPartial<T>): T {
  return deepMerge(base, over) as T;
}

// ------------------------------------------------------------------------------------------ protocols

const REQUESTED: Record<ProtocolKey, string[]> = {
  rdp: ['PROTOCOL_RDP'],
  ssl: ['PROTOCOL_SSL'],
  hybrid: ['PROTOCOL_SSL', 'PROTOCOL_HYBRID'],
  rdstls: ['PROTOCOL_RDSTLS'],
  hybrid_ex: ['PROTOCOL_SSL', 'PROTOCOL_HYBRID', 'PROTOCOL_HYBRID_EX'],
  rdsaad: ['PROTOCOL_RDSAAD'],
};

/** The server answered RDP_NEG_RSP selecting `selected` to the request for `key`. */
export function selects(key: ProtocolKey, selected: string, over: Partial<ProtocolResult> = {}): ProtocolResult {
  return { requested: REQUESTED[key], supported: selected === key, response: 'negotiation_response', selected, failure_code: null, flags: [], detail: null, ...over };
}

/** The server answered RDP_NEG_FAILURE to the request for `key`. */
export function refuses(key: ProtocolKey, code: string, over: Partial<ProtocolResult> = {}): ProtocolResult {
  return { requested: REQUESTED[key], supported: false, response: 'negotiation_failure', selected: null, failure_code: code, flags: [], detail: null, ...over };
}

/** Every protocol probe broke before an answer (nothing known); override the ones that matter. */
export function protocols(over: Partial<Record<ProtocolKey, ProtocolResult>> = {}): Record<ProtocolKey, ProtocolResult> {
  const out = {} as Record<ProtocolKey, ProtocolResult>;
  for (const k of PROTOCOL_KEYS) {
    out[k] = over[k] ?? { requested: REQUESTED[k], supported: null, response: 'timeout', selected: null, failure_code: null, flags: [], detail: null };
  }
  return out;
}

// ------------------------------------------------------------------------------------------ TLS

/** TLS results: versions not given are untested (null). */
export function tls(
  versions: Partial<Record<TlsVersionKey, boolean>>,
  attempts: Partial<Record<TlsVersionKey, Partial<TlsAttempt>>> = {},
  over: Partial<TlsResult> = {},
): TlsResult {
  const v = {} as Record<TlsVersionKey, boolean | null>;
  const a = {} as Record<TlsVersionKey, TlsAttempt>;
  for (const k of TLS_VERSION_KEYS) {
    v[k] = versions[k] ?? null;
    a[k] = { accepted: v[k], cipher: v[k] ? 'ECDHE-RSA-AES256-GCM-SHA384' : null, refusal: null, ...attempts[k] };
  }
  return {
    via: 'ssl', versions: v, attempts: a, cipher: 'ECDHE-RSA-AES256-GCM-SHA384', negotiated_version: 'TLSv1.2',
    handshake: null, cipher_suites: null, server_preference: null, groups: null, dh_bits: null,
    secure_renegotiation: null, compression: null, fallback_scsv: null, ocsp_stapling: null,
    ...over,
  };
}

/** One accepted suite as the deep mode lists it (the registry's columns and rdprobe's grade). */
export function suite(id: number): CipherSuiteEntry {
  const s = cipherSuiteInfo(id)!;
  return { id: `0x${id.toString(16).padStart(4, '0')}`, name: s.iana, openssl_name: s.openssl, kex: s.kx, auth: s.auth, cipher: `${s.cipher}${s.mode === 'none' || s.mode === 'stream' ? '' : `_${s.mode}`}`, bits: s.bits, pfs: s.pfs, strength: suiteStrength(id) };
}

export function alert(description: string, alertNumber: number): TlsAttempt['refusal'] {
  return { kind: 'alert', alert: alertNumber, alert_description: description, detail: null };
}

export function ended(kind: 'reset' | 'closed' | 'timeout'): TlsAttempt['refusal'] {
  return { kind, alert: null, alert_description: null, detail: null };
}

// ------------------------------------------------------------------------------------------ certificate, CredSSP, RDP Security

/** A sound CA-issued certificate for srv01.corp.example, valid for another 300 days. */
export function certificate(over: Partial<CertificateInfo> = {}): CertificateInfo {
  return {
    subject: 'CN=srv01.corp.example',
    subject_cn: 'srv01.corp.example',
    issuer: 'CN=Corp Issuing CA, DC=corp, DC=example',
    san: ['dns:srv01.corp.example'],
    serial: '1A2B3C',
    not_before: '2026-09-01T00:00:00.000Z',
    not_after: '2027-09-18T00:00:00.000Z',
    days_remaining: 300,
    expired: false,
    not_yet_valid: false,
    self_signed: false,
    key_type: 'RSA',
    key_bits: 2048,
    key_oid: '1.2.840.113549.1.1.1',
    signature_algorithm: 'sha256WithRSAEncryption',
    sha1_fingerprint: 'AAAABBBBCCCCDDDDEEEEFFFF0000111122223333',
    sha256_fingerprint: 'A'.repeat(64),
    chain_length: 2,
    chain: [],
    trusted: null,
    trust_error: null,
    ...over,
  };
}

export function ntlm(over: Partial<NtlmInfo> = {}): NtlmInfo {
  return {
    target_name: 'CORP',
    netbios_domain: 'CORP',
    netbios_computer: 'SRV01',
    dns_domain: 'corp.example',
    dns_computer: 'srv01.corp.example',
    dns_tree: 'corp.example',
    os_version: '10.0.20348',
    server_time: '2026-11-22T12:00:02.000Z',
    clock_skew_seconds: 2,
    negotiate_flags: [],
    ...over,
  };
}

export function credssp(over: Partial<CredsspResult> = {}): CredsspResult {
  return { version: 6, error_code: null, ntlm: ntlm(), failure: null, ...over };
}

/** Standard RDP Security with nothing measured; override what matters. */
export function rdpSecurity(over: Partial<RdpSecurityResult> = {}): RdpSecurityResult {
  return {
    encryption_level: null,
    encryption_methods: [],
    selected_method: null,
    methods_tested: { '40bit': null, '56bit': null, '128bit': null, fips: null },
    server_version: null,
    server_version_raw: null,
    client_requested_protocols: null,
    early_capability_flags: null,
    server_certificate: null,
    failure: null,
    ...over,
  };
}

/** The authentication test of a test account that succeeded (depth auth, certificate pinned); override the rest. */
export function auth(over: Partial<AuthRecord> = {}): AuthRecord {
  return {
    tested: true,
    user: 'CORP\\rdprobe-test',
    method: 'ntlm',
    depth: 'auth',
    insecure: false,
    result: 'success',
    status: null,
    early_user_authz: null,
    server_proved_key: true,
    credentials_delegated: false,
    selected_protocol: 'hybrid_ex',
    credssp_version: 6,
    trust: { basis: 'pin', chain_trusted: false, chain_error: 'DEPTH_ZERO_SELF_SIGNED_CERT', name_matches: false, sha1_fingerprint: 'AB'.repeat(20) },
    failure: null,
    logon: null,
    ...over,
  };
}

/** A logon test that reached the logon notification; override the rest. */
export function logon(over: Partial<LogonRecord> = {}): LogonRecord {
  return {
    tested: true,
    result: 'logon_notified',
    reached: 'logon_notified',
    licensing: { message: 'error', error_code: 'STATUS_VALID_CLIENT', state_transition: 'ST_NO_TRANSITION' },
    error_info: null,
    logon_info_type: 'INFOTYPE_LOGON_LONG',
    logon_errors: null,
    timed_out: false,
    reconnected_existing: false,
    disconnect: { by: 'rdprobe', reason: null },
    failure: null,
    ...over,
  };
}

// ------------------------------------------------------------------------------------------ findings

export function finding(id: string, severity: Severity, over: Partial<Finding> = {}): Finding {
  return {
    id,
    severity,
    title: `${id} title`,
    evidence: [`evidence for ${id}`],
    causes: {},
    ...over,
  };
}
