/**
 * Records for the diagnosis tests: the shared builders of test/helpers/record-factory.ts (`emptyRecord()` is a
 * complete, valid ProbeRecord in which nothing was measured), plus `healthyRecord()`, a well-configured Windows
 * Server 2022 (NLA required, TLS 1.2 only, CA-issued certificate for its own name).
 */
import type { ProbeRecord } from '../../src/record.js';
import { alert, certificate, credssp, emptyRecord, protocols, rdpSecurity, refuses, selects, tls } from '../helpers/record-factory.js';

export { alert, certificate, credssp, emptyRecord, ended, ntlm, protocols, rdpSecurity, refuses, selects, tls } from '../helpers/record-factory.js';

export function healthyRecord(over: Partial<ProbeRecord> = {}): ProbeRecord {
  return emptyRecord({
    protocols: protocols({
      rdp: refuses('rdp', 'HYBRID_REQUIRED_BY_SERVER'),
      ssl: refuses('ssl', 'HYBRID_REQUIRED_BY_SERVER'),
      hybrid: selects('hybrid', 'hybrid'),
      hybrid_ex: selects('hybrid_ex', 'hybrid_ex'),
      rdstls: refuses('rdstls', 'HYBRID_REQUIRED_BY_SERVER'),
      rdsaad: refuses('rdsaad', 'HYBRID_REQUIRED_BY_SERVER'),
    }),
    nla_required: true,
    tls: tls(
      { 'tls1.0': false, 'tls1.1': false, 'tls1.2': true, 'tls1.3': false },
      {
        'tls1.0': { refusal: alert('protocol_version', 70) },
        'tls1.1': { refusal: alert('protocol_version', 70) },
        'tls1.3': { refusal: { kind: 'version_mismatch', alert: null, alert_description: null, detail: 'answered TLS 1.2' } },
      },
      { via: 'hybrid' },
    ),
    certificate: certificate(),
    credssp: credssp(),
    rdp_security: rdpSecurity({ failure: { stage: 'mcs', reason: 'closed', detail: null } }),
    ...over,
  });
}

export const ids = (findings: { id: string }[]): string[] => findings.map((f) => f.id).sort();
