/**
 * Rules across all the records of one scan: identities that should be unique per machine but are not (cloned VMs
 * without sysprep share their RDP certificate and often their name). They read only the identity facts of each
 * record (FleetMember), so a scan of a /16 can keep every member in memory.
 */
import type { FindingCause, ProbeRecord } from '../../record.js';
import { hostPortKey } from '../../targets/key.js';
import { catalog } from '../catalog.js';
import { rankCauses, show } from '../evidence.js';
import type { RuleHit } from '../types.js';

/** What the fleet rules need of one record. */
export interface FleetMember {
  key: string;
  address: string | null;
  /** Where the server is: its address, or the name when the address was not resolved (lower case). */
  machine: string;
  sha1: string | null;
  selfSigned: boolean | null;
  netbios: string | null;
  /** As written in evidence. */
  netbiosAsSent: string | null;
}

export function fleetMember(r: ProbeRecord): FleetMember {
  const nb = r.credssp?.ntlm?.netbios_computer ?? null;
  return {
    key: hostPortKey(r.host, r.port),
    address: r.address,
    machine: (r.address ?? r.host).toLowerCase(),
    sha1: r.certificate?.sha1_fingerprint.toUpperCase() || null,
    selfSigned: r.certificate?.self_signed ?? null,
    netbios: nb ? nb.toUpperCase() : null,
    netbiosAsSent: nb,
  };
}

const describe = (m: FleetMember): string => (m.address !== null && !m.key.startsWith(`${m.address}:`) && !m.key.startsWith(`[${m.address}]:`) ? `${m.key} (${m.address})` : m.key);

/** Named in the evidence: at most this many other members (a cloned fleet can be thousands of hosts). */
const MAX_NAMED = 10;

/** The members of `group` on another machine than `m`, the first MAX_NAMED named, with the total count. */
function others(m: FleetMember, group: readonly FleetMember[], sameMachine: number): string {
  const named: string[] = [];
  for (const o of group) {
    if (named.length === MAX_NAMED) break;
    if (o.machine !== m.machine) named.push(describe(o));
  }
  const total = group.length - sameMachine;
  return named.join(', ') + (total > named.length ? ` (and ${total - named.length} more)` : '');
}

export type FleetHit = RuleHit & { key: string };

/** One kind of duplicate: how members are grouped, and the finding a member of a duplicated group gets. */
export interface DuplicateRule {
  id: 'cert_duplicate' | 'netbios_duplicate';
  valueOf: (m: FleetMember) => string | null;
  hit: (m: FleetMember, value: string, othersText: string, group: readonly FleetMember[]) => RuleHit;
}

/**
 * Hits for every member of every group seen on more than one machine (one machine on several ports is not a
 * duplicate). `group` is the members to report on, `peers` the members they are compared with (the same for a
 * whole scan; the earlier members only, for a record streamed as it finishes).
 */
export function duplicateHits(rule: DuplicateRule, group: readonly FleetMember[], targets: readonly FleetMember[] = group): FleetHit[] {
  const machines = new Map<string, number>();
  for (const m of group) machines.set(m.machine, (machines.get(m.machine) ?? 0) + 1);
  if (machines.size < 2) return [];
  const value = rule.valueOf(group[0]!)!;
  return targets.map((m) => ({ key: m.key, ...rule.hit(m, value, others(m, group, machines.get(m.machine) ?? 0), group) }));
}

export const CERT_DUPLICATE: DuplicateRule = {
  id: 'cert_duplicate',
  valueOf: (m) => m.sha1,
  hit: (m, sha1, othersText, group) => {
    const entry = catalog.cert_duplicate;
    const allSelfSigned = group.every((g) => g.selfSigned === true);
    const anyCaIssued = group.some((g) => g.selfSigned === false);
    const causes: FindingCause[] = allSelfSigned
      ? rankCauses(entry, [['clone', 'likely']], ['shared_cert'])
      : anyCaIssued
        ? rankCauses(entry, [['shared_cert', 'likely'], ['clone', 'possible']])
        : rankCauses(entry, []);
    return {
      id: entry.id,
      evidence: [show('certificate.sha1_fingerprint', sha1), show('certificate.self_signed', m.selfSigned), `same certificate on: ${othersText}`],
      causes,
    };
  },
};

export const NETBIOS_DUPLICATE: DuplicateRule = {
  id: 'netbios_duplicate',
  valueOf: (m) => m.netbios,
  hit: (m, name, othersText) => ({
    id: 'netbios_duplicate',
    evidence: [show('credssp.ntlm.netbios_computer', m.netbiosAsSent ?? name), `same NetBIOS name at: ${othersText}`],
  }),
};

export const DUPLICATE_RULES: readonly DuplicateRule[] = [CERT_DUPLICATE, NETBIOS_DUPLICATE];
