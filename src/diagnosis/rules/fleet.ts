/**
 * Rules across all the records of one scan: identities that should be unique per machine but are not
 * (cloned VMs without sysprep share their RDP certificate and often their name).
 */
import type { ProbeRecord } from '../../record.js';
import { catalog } from '../catalog.js';
import { rankCauses, show } from '../evidence.js';
import type { RuleHit } from '../types.js';

export const recordKey = (r: ProbeRecord): string => `${r.host}:${r.port}`;

/** Where a record's server is: its address, or the name when the address was not resolved. */
const machineAt = (r: ProbeRecord): string => (r.address ?? r.host).toLowerCase();

const describe = (r: ProbeRecord): string => (r.address !== null && r.address !== r.host ? `${recordKey(r)} (${r.address})` : recordKey(r));

/** The other hosts of a group, at most 10 named (a cloned fleet can be thousands of hosts). */
const listOthers = (others: readonly ProbeRecord[]): string =>
  others.slice(0, 10).map(describe).join(', ') + (others.length > 10 ? ` (and ${others.length - 10} more)` : '');

export type FleetHit = RuleHit & { key: string };

/**
 * Groups records by `valueOf`, keeps groups seen at more than one address, and reports one hit per record of
 * such a group, its evidence listing the others.
 */
function duplicates(
  records: readonly ProbeRecord[],
  valueOf: (r: ProbeRecord) => string | null,
  hit: (r: ProbeRecord, value: string, others: ProbeRecord[], group: ProbeRecord[]) => RuleHit,
): FleetHit[] {
  const groups = new Map<string, ProbeRecord[]>();
  for (const r of records) {
    const v = valueOf(r);
    if (v === null || v === '') continue;
    const g = groups.get(v);
    if (g) g.push(r);
    else groups.set(v, [r]);
  }
  const out: FleetHit[] = [];
  for (const [value, group] of groups) {
    if (new Set(group.map(machineAt)).size < 2) continue; // one machine on several ports is not a duplicate
    for (const r of group) {
      const others = group.filter((o) => machineAt(o) !== machineAt(r));
      out.push({ key: recordKey(r), ...hit(r, value, others, group) });
    }
  }
  return out;
}

export function certDuplicate(records: readonly ProbeRecord[]): FleetHit[] {
  const entry = catalog.cert_duplicate;
  return duplicates(
    records,
    (r) => r.certificate?.sha1_fingerprint.toUpperCase() ?? null,
    (r, sha1, others, group) => {
      const allSelfSigned = group.every((g) => g.certificate?.self_signed === true);
      const anyCaIssued = group.some((g) => g.certificate?.self_signed === false);
      return {
        id: entry.id,
        evidence: [
          show('certificate.sha1_fingerprint', sha1),
          show('certificate.self_signed', r.certificate?.self_signed ?? null),
          `same certificate on: ${listOthers(others)}`,
        ],
        causes: allSelfSigned
          ? rankCauses(entry, [['clone', 'likely']], ['shared_cert'])
          : anyCaIssued
            ? rankCauses(entry, [['shared_cert', 'likely'], ['clone', 'possible']])
            : rankCauses(entry, []),
      };
    },
  );
}

export function netbiosDuplicate(records: readonly ProbeRecord[]): FleetHit[] {
  return duplicates(
    records,
    (r) => r.credssp?.ntlm?.netbios_computer?.toUpperCase() ?? null,
    (r, name, others) => ({
      id: 'netbios_duplicate',
      evidence: [
        show('credssp.ntlm.netbios_computer', r.credssp?.ntlm?.netbios_computer ?? name),
        `same NetBIOS name at: ${listOthers(others)}`,
      ],
    }),
  );
}

export const FLEET_RULES = [certDuplicate, netbiosDuplicate];
