/**
 * Counting for the scan summary. The runner feeds every record to one SummaryCounter as it goes; the counter
 * keeps only counts, never records, so a /16 scan costs the same memory as a single host.
 */
import {
  PROTOCOL_KEYS,
  SEVERITIES,
  TLS_VERSION_KEYS,
  type ProbeRecord,
  type ProtocolKey,
  type Severity,
  type Status,
  type TlsVersionKey,
} from '../record.js';
import type { ScanSummary } from './types.js';

const STATUSES: readonly Status[] = ['ok', 'unreachable', 'not_rdp', 'error'];

function zeros<K extends string>(keys: readonly K[]): Record<K, number> {
  return Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;
}

export class SummaryCounter {
  private hosts = 0;
  private readonly byStatus = zeros<Status>(STATUSES);
  private readonly protocols = zeros<ProtocolKey>(PROTOCOL_KEYS);
  private readonly tlsVersions = zeros<TlsVersionKey>(TLS_VERSION_KEYS);
  private readonly bySeverity = zeros<Severity>(SEVERITIES);
  // Null prototype: finding ids are plain strings and must not collide with Object.prototype members.
  private readonly byId: Record<string, number> = Object.create(null) as Record<string, number>;

  add(r: ProbeRecord): void {
    this.hosts++;
    this.byStatus[r.status]++;
    for (const k of PROTOCOL_KEYS) if (r.protocols?.[k].supported === true) this.protocols[k]++;
    for (const v of TLS_VERSION_KEYS) if (r.tls?.versions[v] === true) this.tlsVersions[v]++;
    for (const f of r.findings) {
      this.bySeverity[f.severity]++;
      this.byId[f.id] = (this.byId[f.id] ?? 0) + 1;
    }
  }

  /** A snapshot; the counter can go on counting. finished_at defaults to now, interrupted to false. */
  result(end: { finished_at?: string; interrupted?: boolean } = {}): ScanSummary {
    const ids = Object.keys(this.byId).sort();
    return {
      hosts: this.hosts,
      by_status: { ...this.byStatus },
      protocols: { ...this.protocols },
      tls_versions: { ...this.tlsVersions },
      findings_by_severity: { ...this.bySeverity },
      findings_by_id: Object.fromEntries(ids.map((id) => [id, this.byId[id] ?? 0])),
      finished_at: end.finished_at ?? new Date().toISOString(),
      interrupted: end.interrupted ?? false,
    };
  }
}
