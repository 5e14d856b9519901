/** A full, valid ProbeRecord of a well-configured Windows Server 2022 host, with deep overrides. */
import type { Finding, ProbeRecord, ProtocolResult, TlsAttempt } from '../../src/record.js';

type DeepPartial<T> = T extends (infer U)[]
  ? U[]
  : T extends object
    ? { [K in keyof T]?: DeepPartial<T[K]> | null }
    : T;

function proto(supported: boolean | null, requested: string[], extra: Partial<ProtocolResult> = {}): ProtocolResult {
  return {
    requested,
    supported,
    response: supported === true ? 'negotiation_response' : 'negotiation_failure',
    selected: supported === true ? (requested[requested.length - 1] ?? null) : null,
    failure_code: supported === true ? null : 'HYBRID_REQUIRED_BY_SERVER',
    flags: [],
    detail: null,
    ...extra,
  };
}

function attempt(accepted: boolean | null): TlsAttempt {
  return {
    accepted,
    cipher: accepted ? 'TLS_AES_256_GCM_SHA384' : null,
    refusal: accepted === false ? { kind: 'alert', alert: 40, alert_description: 'handshake_failure', detail: null } : null,
  };
}

export function baseRecord(): ProbeRecord {
  return {
    schema_version: 1,
    target: 'srv01.corp.example',
    host: 'srv01.corp.example',
    address: '10.1.2.3',
    port: 3389,
    scanned_at: '2025-01-15T10:00:00.000Z',
    status: 'ok',
    failure: null,
    protocols: {
      rdp: proto(false, ['rdp']),
      ssl: proto(false, ['ssl']),
      hybrid: proto(true, ['ssl', 'hybrid']),
      rdstls: proto(false, ['rdstls']),
      hybrid_ex: proto(true, ['ssl', 'hybrid', 'hybrid_ex']),
      rdsaad: proto(false, ['rdsaad']),
    },
    nla_required: true,
    server_flags: ['EXTENDED_CLIENT_DATA_SUPPORTED'],
    tls: {
      via: 'hybrid',
      versions: { 'tls1.0': false, 'tls1.1': false, 'tls1.2': true, 'tls1.3': true },
      attempts: { 'tls1.0': attempt(false), 'tls1.1': attempt(false), 'tls1.2': attempt(true), 'tls1.3': attempt(true) },
      cipher: 'TLS_AES_256_GCM_SHA384',
      negotiated_version: 'TLSv1.3',
    },
    certificate: {
      subject: 'CN=srv01.corp.example',
      subject_cn: 'srv01.corp.example',
      issuer: 'CN=Corp Issuing CA, DC=corp, DC=example',
      san: ['srv01.corp.example'],
      serial: '1A2B3C',
      not_before: '2024-07-01T00:00:00.000Z',
      not_after: '2025-07-01T00:00:00.000Z',
      days_remaining: 167,
      expired: false,
      not_yet_valid: false,
      self_signed: false,
      key_type: 'RSA',
      key_bits: 2048,
      signature_algorithm: 'sha256WithRSAEncryption',
      sha1_fingerprint: 'AABBCCDDEEFF00112233445566778899AABBCCDD',
      sha256_fingerprint: 'AA'.repeat(32),
      chain_length: 2,
    },
    credssp: {
      version: 6,
      error_code: null,
      ntlm: {
        target_name: 'CORP',
        netbios_domain: 'CORP',
        netbios_computer: 'SRV01',
        dns_domain: 'corp.example',
        dns_computer: 'srv01.corp.example',
        dns_tree: 'corp.example',
        os_version: '10.0.20348',
        server_time: '2025-01-15T10:00:01.000Z',
        clock_skew_seconds: 1,
        negotiate_flags: ['NEGOTIATE_UNICODE'],
      },
      failure: null,
    },
    rdp_security: null,
    timings_ms: { total: 120, dns: 1, tcp: 2, x224: 3, tls: 10, credssp: 20, mcs: null },
    connections: 9,
    findings: [],
  };
}

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

/** A valid record; nested objects in `over` are merged, arrays and null replace. */
export function makeRecord(over: DeepPartial<ProbeRecord> = {}): ProbeRecord {
  return deepMerge(baseRecord(), over) as ProbeRecord;
}

/** A record of a host that did not answer. */
export function unreachableRecord(over: DeepPartial<ProbeRecord> = {}): ProbeRecord {
  return makeRecord({
    status: 'unreachable',
    failure: { stage: 'tcp', reason: 'timeout', detail: null },
    protocols: null,
    nla_required: null,
    server_flags: [],
    tls: null,
    certificate: null,
    credssp: null,
    rdp_security: null,
    ...over,
  });
}

export function makeFinding(id: string, severity: Finding['severity'] = 'high'): Finding {
  return { id, severity, title: id, evidence: [], causes: [], event_ids: [], checks: [], remediation: [] };
}
