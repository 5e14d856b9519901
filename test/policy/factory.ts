/** A full, valid ProbeRecord of a well-configured Windows Server 2022 host, with deep overrides. */
import type { Finding, ProbeRecord } from '../../src/record.js';
import {
  alert,
  certificate,
  credssp,
  emptyRecord,
  finding,
  ntlm,
  protocols,
  refuses,
  selects,
  tls,
  unmeasured,
  withOverrides,
  type DeepPartial,
} from '../helpers/record-factory.js';

const TLS13_CIPHER = 'TLS_AES_256_GCM_SHA384';

export function baseRecord(): ProbeRecord {
  return emptyRecord({
    address: '10.1.2.3',
    scanned_at: '2025-01-15T10:00:00.000Z',
    protocols: protocols({
      rdp: refuses('rdp', 'HYBRID_REQUIRED_BY_SERVER', { requested: ['rdp'] }),
      ssl: refuses('ssl', 'HYBRID_REQUIRED_BY_SERVER', { requested: ['ssl'] }),
      hybrid: selects('hybrid', 'hybrid', { requested: ['ssl', 'hybrid'] }),
      rdstls: refuses('rdstls', 'HYBRID_REQUIRED_BY_SERVER', { requested: ['rdstls'] }),
      hybrid_ex: selects('hybrid_ex', 'hybrid_ex', { requested: ['ssl', 'hybrid', 'hybrid_ex'] }),
      rdsaad: refuses('rdsaad', 'HYBRID_REQUIRED_BY_SERVER', { requested: ['rdsaad'] }),
    }),
    nla_required: true,
    tls: tls(
      { 'tls1.0': false, 'tls1.1': false, 'tls1.2': true, 'tls1.3': true },
      {
        'tls1.0': { refusal: alert('handshake_failure', 40) },
        'tls1.1': { refusal: alert('handshake_failure', 40) },
        'tls1.2': { cipher: TLS13_CIPHER },
        'tls1.3': { cipher: TLS13_CIPHER },
      },
      { via: 'hybrid', cipher: TLS13_CIPHER, negotiated_version: 'TLSv1.3' },
    ),
    certificate: certificate({
      san: ['srv01.corp.example'],
      not_before: '2024-07-01T00:00:00.000Z',
      not_after: '2025-07-01T00:00:00.000Z',
      days_remaining: 167,
      sha1_fingerprint: 'AABBCCDDEEFF00112233445566778899AABBCCDD',
    }),
    credssp: credssp({
      ntlm: ntlm({ server_time: '2025-01-15T10:00:01.000Z', clock_skew_seconds: 1, negotiate_flags: ['NEGOTIATE_UNICODE'] }),
    }),
    timings_ms: { total: 120,  dns: 1,  tcp: 2,  x224: 3,  tls: 10,  credssp: 20 },
    connections: 9,
  });
}

/** A valid record; nested objects in `over` are merged, arrays and null replace. */
export function makeRecord(over: DeepPartial<ProbeRecord> = {}): ProbeRecord {
  return withOverrides(baseRecord(), over);
}

/** A record of a host that did not answer. */
export function unreachableRecord(over: DeepPartial<ProbeRecord> = {}): ProbeRecord {
  return makeRecord({
    status: 'unreachable',
    failure: { stage: 'tcp', reason: 'timeout', detail: null },
    ...unmeasured(),
    ...over,
  });
}

export function makeFinding(id: string, severity: Finding['severity'] = 'high'): Finding {
  return finding(id, severity, { title: id, evidence: [] });
}
