/**
 * The report's overview: counts over every record, kept as counts (and a few capped host lists), never as records,
 * so a /16 costs the same memory as a rack. The page draws its pictures from this; the browser test checks these
 * numbers against the records themselves.
 */
import { logonOutcome, PROTOCOL_KEYS, SEVERITIES, severityRank, TLS_VERSION_KEYS, type ProbeRecord, type ProtocolKey, type Severity, type Status } from '../../record.js';
import { CIPHER_STRENGTHS } from '../../analysis/cipher-strength.js';
import { DuplicateGroups, type DuplicateGroup } from '../duplicates.js';
import { hostFacts, type HostFacts } from '../host-facts.js';

/** Host keys listed per group or per profile at most; the rest is a count (the host table filters the whole set). */
const MAX_LISTED = 50;

type Tri = { yes: number; no: number; unknown: number };
const tri = (): Tri => ({ yes: 0, no: 0, unknown: 0 });
function count(t: Tri, v: boolean | null | undefined): void {
  if (v === true) t.yes++;
  else if (v === false) t.no++;
  else t.unknown++;
}

interface ClientTally {
  id: string;
  name: string;
  connects: number;
  locked_out: number;
  unknown: number;
  /** Where the connections of the locked-out hosts fail: stage -> hosts. */
  fails_at: Record<string, number>;
  locked_hosts: string[];
}

export interface Overview {
  hosts: number;
  status: Record<Status, number>;
  /** Hosts whose server selected each protocol (yes), refused it (no), or where it was not measured. */
  protocols: Record<ProtocolKey, Tri>;
  nla: Tri;
  /** Per version key present in any record, oldest first. */
  tls_versions: { version: string; accepted: number; refused: number; unknown: number }[];
  /** Hosts with a TLS result, by the strength of their weakest accepted suite (not_measured: no suite list). */
  weakest_suite: Record<string, number>;
  certificates: {
    /** cert_expiry_days of the scan: the "soon" bucket. */
    soon_days: number;
    expired: number;
    soon: number;
    later: number;
    /** Not-expired certificates by the month they expire (YYYY-MM). */
    by_month: Record<string, number>;
  };
  /** Findings (not hosts) per severity, and hosts per most severe finding. */
  findings_by_severity: Record<Severity, number>;
  hosts_by_max_severity: Record<Severity | 'none', number>;
  /** Per finding id: its severity and the hosts that have it. */
  findings_by_id: { id: string; severity: Severity; title: string; hosts: number }[];
  clients: ClientTally[];
  duplicates: (DuplicateGroup & { total: number })[];
  udp: { answered: number; silent: number; not_measured: number };
  /** auth (schema 3): hosts where a logon was tried, by result; logon reached. */
  auth: { tested: number; results: Record<string, number>; logon_reached: number } | null;
  /** Hosts whose record lists checks cut short (not_measured), per check and reason. */
  not_measured: { hosts: number; by_check: Record<string, Record<string, number>>; sample: string[] };
}

const zeros = <K extends string>(keys: readonly K[]): Record<K, number> => Object.fromEntries(keys.map((k) => [k, 0])) as Record<K, number>;

export class OverviewCounter {
  private hosts = 0;
  private readonly status = zeros<Status>(['ok', 'unreachable', 'not_rdp', 'error']);
  private readonly protocols = Object.fromEntries(PROTOCOL_KEYS.map((k) => [k, tri()])) as Record<ProtocolKey, Tri>;
  private readonly nla = tri();
  private readonly versions = new Map<string, { accepted: number; refused: number; unknown: number }>();
  private readonly weakest: Record<string, number> = { ...zeros(CIPHER_STRENGTHS), not_measured: 0 };
  private readonly certs = { expired: 0, soon: 0, later: 0, by_month: Object.create(null) as Record<string, number> };
  private readonly bySeverity = zeros<Severity>(SEVERITIES);
  private readonly hostsBySeverity = zeros<Severity | 'none'>([...SEVERITIES, 'none']);
  private readonly byId = new Map<string, { severity: Severity; title: string; hosts: number }>();
  private readonly clients = new Map<string, ClientTally>();
  private readonly dups = new DuplicateGroups();
  private readonly udp = { answered: 0, silent: 0, not_measured: 0 };
  private auth: Overview['auth'] = null;
  private readonly notMeasured: Overview['not_measured'] = { hosts: 0, by_check: Object.create(null) as Record<string, Record<string, number>>, sample: [] };

  constructor(private readonly soonDays: number) {}

  /** Counts one record; returns its one-line facts (the host table's row), computed once. */
  add(r: ProbeRecord): HostFacts {
    const f = hostFacts(r);
    this.hosts++;
    this.status[r.status]++;
    for (const k of PROTOCOL_KEYS) count(this.protocols[k], r.protocols ? r.protocols[k]?.supported : null);
    count(this.nla, r.nla_required);
    this.addTls(r, f);
    this.addCert(f);
    this.addFindings(r, f);
    this.addClients(r, f.key);
    this.dups.add(r);
    if (r.rdp_udp) {
      if (r.rdp_udp.answered && r.rdp_udp.syn_ack) this.udp.answered++;
      else this.udp.silent++;
    } else this.udp.not_measured++;
    this.addAuth(r);
    const cut = Object.entries(r.not_measured ?? {});
    if (cut.length > 0) {
      this.notMeasured.hosts++;
      if (this.notMeasured.sample.length < MAX_LISTED) this.notMeasured.sample.push(f.key);
      for (const [check, why] of cut) {
        const byReason = (this.notMeasured.by_check[check] ??= Object.create(null) as Record<string, number>);
        byReason[why] = (byReason[why] ?? 0) + 1;
      }
    }
    return f;
  }

  private addTls(r: ProbeRecord, f: HostFacts): void {
    const v = (r.tls?.versions ?? null) as Record<string, boolean | null | undefined> | null;
    if (v) {
      for (const [k, x] of Object.entries(v)) {
        const c = this.versions.get(k) ?? { accepted: 0, refused: 0, unknown: 0 };
        if (x === true) c.accepted++;
        else if (x === false) c.refused++;
        else c.unknown++;
        this.versions.set(k, c);
      }
    }
    if (r.tls) this.weakest[f.weakest?.strength ?? 'not_measured']!++;
  }

  private addCert(f: HostFacts): void {
    if (f.cert_days === null || f.cert_not_after === null) return;
    if (f.cert_expired) this.certs.expired++;
    else {
      if (f.cert_days < this.soonDays) this.certs.soon++;
      else this.certs.later++;
      const month = f.cert_not_after.slice(0, 7);
      this.certs.by_month[month] = (this.certs.by_month[month] ?? 0) + 1;
    }
  }

  private addFindings(r: ProbeRecord, f: HostFacts): void {
    this.hostsBySeverity[f.max_severity ?? 'none']++;
    const seen = new Set<string>();
    for (const x of r.findings) {
      this.bySeverity[x.severity]++;
      if (seen.has(x.id)) continue;
      seen.add(x.id);
      const e = this.byId.get(x.id) ?? { severity: x.severity, title: x.title, hosts: 0 };
      e.hosts++;
      this.byId.set(x.id, e);
    }
  }

  private addClients(r: ProbeRecord, key: string): void {
    if (!r.clients) return;
    for (const [id, c] of Object.entries(r.clients)) {
      let t = this.clients.get(id);
      if (!t) {
        t = { id, name: c.name, connects: 0, locked_out: 0, unknown: 0, fails_at: Object.create(null) as Record<string, number>, locked_hosts: [] };
        this.clients.set(id, t);
      }
      if (c.connects === true) t.connects++;
      else if (c.connects === false) {
        t.locked_out++;
        const stage = c.fails_at?.stage ?? 'unknown';
        t.fails_at[stage] = (t.fails_at[stage] ?? 0) + 1;
        if (t.locked_hosts.length < MAX_LISTED) t.locked_hosts.push(key);
      } else t.unknown++;
    }
  }

  private addAuth(r: ProbeRecord): void {
    const auth = r.auth;
    if (!auth) return;
    this.auth ??= { tested: 0, results: Object.create(null) as Record<string, number>, logon_reached: 0 };
    if (!auth.tested) return;
    this.auth.tested++;
    this.auth.results[auth.result] = (this.auth.results[auth.result] ?? 0) + 1;
    // "Reached": the logon completed (the server's logon notification).
    if (logonOutcome(auth) === 'ok') this.auth.logon_reached++;
  }

  result(): Overview {
    const known = TLS_VERSION_KEYS.filter((k) => this.versions.has(k));
    const other = [...this.versions.keys()].filter((k) => !(TLS_VERSION_KEYS as readonly string[]).includes(k)).sort();
    return {
      hosts: this.hosts,
      status: { ...this.status },
      protocols: this.protocols,
      nla: this.nla,
      tls_versions: [...known, ...other].map((version) => ({ version, ...this.versions.get(version)! })),
      weakest_suite: { ...this.weakest },
      certificates: { soon_days: this.soonDays, ...this.certs },
      findings_by_severity: { ...this.bySeverity },
      hosts_by_max_severity: { ...this.hostsBySeverity },
      findings_by_id: [...this.byId.entries()]
        .map(([id, e]) => ({ id, ...e }))
        .sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || b.hosts - a.hosts || (a.id < b.id ? -1 : 1)),
      clients: [...this.clients.values()],
      duplicates: this.dups.result().map((g) => ({ ...g, total: g.members.length, members: g.members.slice(0, MAX_LISTED) })),
      udp: { ...this.udp },
      auth: this.auth,
      not_measured: this.notMeasured,
    };
  }
}
