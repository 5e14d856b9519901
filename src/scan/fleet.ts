import { diagnoseFleet, type DiagnoseOptions } from '../diagnosis/index.js';
import type { Finding, ProbeRecord } from '../record.js';

/**
 * Cross-host findings (cert_duplicate, netbios_duplicate) while records stream out. A record is written as soon
 * as its host finishes, so a duplicate is reported on every host that finishes after the first one it
 * duplicates (the evidence names the earlier hosts). Only hosts with a certificate or an NTLM name are kept,
 * trimmed to their identity facts, so memory stays small on big sweeps of closed ports.
 */
/** Hosts remembered per certificate / name: enough to name earlier duplicates, bounded for cloned fleets. */
const MAX_PER_GROUP = 16;

export class FleetIndex {
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
    if (sha1) remember(this.bySha1, sha1, slim);
    if (nb) remember(this.byNetbios, nb, slim);
    if (peers.size === 0) return [];
    const found = diagnoseFleet([...peers, slim], this.opts);
    return found.get(`${r.host}:${r.port}`) ?? [];
  }
}

function remember(index: Map<string, ProbeRecord[]>, key: string, r: ProbeRecord): void {
  const group = index.get(key);
  if (!group) index.set(key, [r]);
  else if (group.length < MAX_PER_GROUP) group.push(r);
}
