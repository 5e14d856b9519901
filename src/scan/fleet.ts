import { diagnoseFleet, type DiagnoseOptions } from '../diagnosis/index.js';
import type { Finding, ProbeRecord } from '../record.js';

/**
 * Cross-host findings (cert_duplicate, netbios_duplicate) while records stream out. A record is written as soon
 * as its host finishes, so a duplicate is reported on every host that finishes after the first one it
 * duplicates (the evidence names the earlier hosts); `groups()` lists every group in full for the summary.
 * Only the identity facts of each host are kept, not whole records, so memory stays small on big scans.
 */
export class FleetIndex {
  private readonly seen: ProbeRecord[] = [];
  private readonly bySha1 = new Map<string, ProbeRecord[]>();
  private readonly byNetbios = new Map<string, ProbeRecord[]>();

  constructor(private readonly opts?: DiagnoseOptions) {}

  /** Findings for `r` against the hosts seen before it; then remembers `r`. */
  add(r: ProbeRecord): Finding[] {
    const sha1 = r.certificate?.sha1_fingerprint ?? null;
    const nb = r.credssp?.ntlm?.netbios_computer?.toUpperCase() ?? null;
    if (!sha1 && !nb) return [];
    const slim: ProbeRecord = { ...r, protocols: null, tls: null, rdp_security: null, findings: [] };
    const peers = new Set<ProbeRecord>([...(sha1 ? this.bySha1.get(sha1) ?? [] : []), ...(nb ? this.byNetbios.get(nb) ?? [] : [])]);
    if (sha1) this.bySha1.set(sha1, [...(this.bySha1.get(sha1) ?? []), slim]);
    if (nb) this.byNetbios.set(nb, [...(this.byNetbios.get(nb) ?? []), slim]);
    this.seen.push(slim);
    if (peers.size === 0) return [];
    const found = diagnoseFleet([...peers, slim], this.opts);
    return found.get(`${r.host}:${r.port}`) ?? [];
  }

  /** Every cross-host finding of the scan, keyed `${host}:${port}` (for the end-of-scan summary). */
  all(): Map<string, Finding[]> {
    return diagnoseFleet(this.seen, this.opts);
  }
}
