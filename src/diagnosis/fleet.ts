/**
 * Cross-host findings (cert_duplicate, netbios_duplicate) over the records of one scan. Two views of one index:
 *  - `add(r)`, as records stream out: the findings `r` gets against the hosts added before it (what an ndjson line
 *    can carry: a line already written cannot be rewritten, so the earlier member of a pair has no finding there);
 *  - `final()`, once every record is in: the findings of every member of every duplicated group. Every format
 *    written at the end, the gate's verdict and the set of failing hosts use this one.
 * Only identity facts are kept per record (FleetMember), so memory stays small on big sweeps.
 */
import type { Finding, ProbeRecord } from '../record.js';
import { sortFindings, toFinding } from './findings.js';
import { DUPLICATE_RULES, duplicateHits, fleetMember, type DuplicateRule, type FleetMember } from './rules/fleet.js';

/** The findings FleetIndex gives: they compare hosts, so no single record decides them. */
export const FLEET_FINDING_IDS: readonly string[] = ['cert_duplicate', 'netbios_duplicate'];

export class FleetIndex {
  private readonly groups: { rule: DuplicateRule; byValue: Map<string, FleetMember[]> }[] = DUPLICATE_RULES.map((rule) => ({ rule, byValue: new Map() }));

  /** Findings for `r` against the hosts added before it; then remembers `r`. */
  add(r: ProbeRecord): Finding[] {
    const m = fleetMember(r);
    const out: Finding[] = [];
    for (const { rule, byValue } of this.groups) {
      const value = rule.valueOf(m);
      if (value === null) continue;
      const group = byValue.get(value);
      if (group) group.push(m);
      else byValue.set(value, [m]);
      for (const h of duplicateHits(rule, group ?? [m], [m])) out.push(toFinding(h));
    }
    return sortFindings(out);
  }

  /** `${host}:${port}` (hostPortKey) -> the fleet findings of that host, over every record added. */
  final(): Map<string, Finding[]> {
    const out = new Map<string, Finding[]>();
    for (const { rule, byValue } of this.groups) {
      for (const group of byValue.values()) {
        if (group.length < 2) continue;
        for (const { key, ...hit } of duplicateHits(rule, group)) {
          const list = out.get(key) ?? [];
          if (!list.some((f) => f.id === hit.id)) list.push(toFinding(hit));
          out.set(key, list);
        }
      }
    }
    for (const list of out.values()) sortFindings(list);
    return out;
  }
}

/** The fleet findings of a whole set of records, keyed by hostPortKey. */
export function diagnoseFleet(records: Iterable<ProbeRecord>): Map<string, Finding[]> {
  const index = new FleetIndex();
  for (const r of records) index.add(r);
  return index.final();
}
