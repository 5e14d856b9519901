/**
 * Duplicate certificates and NetBIOS names as groups, for the reports people read (the scaled table, the HTML
 * report). The grouping is the fleet rules' own (diagnosis/rules/fleet.ts: the same value on more than one
 * machine); this only collects the groups so a report can show each once instead of once per member.
 * Memory: one short entry per host that has a certificate or a NetBIOS name.
 */
import type { ProbeRecord } from '../record.js';
import { DUPLICATE_RULES, fleetMember, type DuplicateRule } from '../diagnosis/rules/fleet.js';

export interface DuplicateGroup {
  /** The finding id members of this group carry: cert_duplicate or netbios_duplicate. */
  kind: DuplicateRule['id'];
  /** The shared value: the SHA-1 thumbprint, or the NetBIOS name (upper case) as the rule compares it. */
  value: string;
  /** A word about the value: the certificate's subject CN, or the NetBIOS name as the first member sent it. */
  label: string | null;
  /** hostPortKey of every member, in the order they were added. */
  members: string[];
}

interface Collecting {
  label: string | null;
  members: string[];
  machines: Set<string>;
}

export class DuplicateGroups {
  private readonly byRule = DUPLICATE_RULES.map((rule) => ({ rule, groups: new Map<string, Collecting>() }));

  add(r: ProbeRecord): void {
    const m = fleetMember(r);
    for (const { rule, groups } of this.byRule) {
      const value = rule.valueOf(m);
      if (value === null) continue;
      let g = groups.get(value);
      if (!g) {
        const label = rule.id === 'cert_duplicate' ? (r.certificate?.subject_cn ?? r.certificate?.subject ?? null) : m.netbiosAsSent;
        g = { label, members: [], machines: new Set() };
        groups.set(value, g);
      }
      g.members.push(m.key);
      g.machines.add(m.machine);
    }
  }

  /** Groups seen on two machines or more (one machine on several ports is no duplicate), largest first. */
  result(): DuplicateGroup[] {
    const out: DuplicateGroup[] = [];
    for (const { rule, groups } of this.byRule) {
      for (const [value, g] of groups) if (g.machines.size >= 2) out.push({ kind: rule.id, value, label: g.label, members: g.members });
    }
    return out.sort((a, b) => b.members.length - a.members.length || (a.kind < b.kind ? -1 : a.kind > b.kind ? 1 : 0));
  }
}
