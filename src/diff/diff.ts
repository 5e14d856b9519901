/**
 * Before/after comparison of two scans, host by host, with every change classified as a regression, an
 * improvement or neutral. See docs/policy.md ("Diff") for the classification table.
 */
import {
  authOutcome,
  logonOutcome,
  ENCRYPTION_LEVELS,
  PROTOCOL_KEYS,
  severityRank,
  type Severity,
  TLS_VERSION_KEYS,
  type CipherSuiteEntry,
  type EncryptionMethod,
  type Finding,
  type ProbeRecord,
  type ProtocolKey,
  type RdpSecurityResult,
  type Stage,
  type TlsVersionKey,
} from '../record.js';
import { rsaEquivalentBits } from '../policy/keys.js';
import { diagnoseFleet, FLEET_FINDING_IDS, inputsMeasured } from '../diagnosis/index.js';
import { hostPortKey } from '../targets/key.js';
import { WEAK_METHODS } from '../diagnosis/rules/rdp-security.js';

export type ChangeKind = 'regression' | 'improvement' | 'neutral';
export type DiffValue = string | number | boolean | null | string[];

export interface Change {
  /** `${host}:${port}` of the host (as in AFTER when it exists there). */
  host: string;
  /** Record path, e.g. `tls.versions["tls1.0"]`, `certificate.sha1_fingerprint`, `findings[nla_disabled]`. */
  field: string;
  before: DiffValue;
  after: DiffValue;
  kind: ChangeKind;
  message: string;
}

export interface HostDiff {
  /** `${host}:${port}` (AFTER's, or BEFORE's for a disappeared host). */
  key: string;
  /** BEFORE's key when it differs (the hosts were matched by address). */
  before_key: string | null;
  presence: 'both' | 'appeared' | 'disappeared';
  regressions: number;
  improvements: number;
  neutral: number;
  /** Regressions first, then improvements, then neutral changes. */
  changes: Change[];
}

export interface ScanDiff {
  summary: {
    hosts_before: number;
    hosts_after: number;
    compared: number;
    changed: number;
    unchanged: number;
    appeared: number;
    disappeared: number;
    regressions: number;
    improvements: number;
    neutral: number;
  };
  /** Hosts with at least one change: hosts with regressions first, then improvements, then neutral only. */
  hosts: HostDiff[];
  /** Keys of hosts present in both scans without any change. */
  unchanged: string[];
  /** Problems reading or matching the scans (truncated lines, duplicate hosts, ...). */
  warnings: string[];
}

export interface DiffOptions {
  /** A certificate with fewer days remaining than this is "expiring soon" (default 30). */
  expiringDays?: number;
}

export const NOT_MEASURED_AFTER = 'not measured in AFTER';
export const NOT_MEASURED_BEFORE = 'not measured in BEFORE';
export const NOT_COMPARABLE = 'not comparable';

const CLIENT_LOCKED_OUT = 'client_locked_out';

const KIND_ORDER: Record<ChangeKind, number> = { regression: 0, improvement: 1, neutral: 2 };

const hostKey = (r: ProbeRecord): string => hostPortKey(r.host, r.port);
const addressKey = (r: ProbeRecord): string | null => (r.address ? hostPortKey(r.address, r.port) : null);

function show(v: DiffValue): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.join(', ')}]`;
  return String(v);
}

function same(a: DiffValue, b: DiffValue): boolean {
  if (Array.isArray(a) && Array.isArray(b)) return a.length === b.length && a.every((x, i) => x === b[i]);
  return a === b;
}

class Collector {
  readonly changes: Change[] = [];
  constructor(readonly host: string) {}

  push(field: string, before: DiffValue, after: DiffValue, kind: ChangeKind, message: string): void {
    this.changes.push({ host: this.host, field, before, after, kind, message });
  }

  /**
   * Compare one value: equal -> nothing; measured -> null and null -> measured are neutral ("not measured in
   * AFTER/BEFORE"); otherwise `classify` decides.
   */
  value(field: string, before: DiffValue | undefined, after: DiffValue | undefined, classify: (b: NonNullable<DiffValue>, a: NonNullable<DiffValue>) => [ChangeKind, string]): void {
    const b = before ?? null;
    const a = after ?? null;
    if (same(b, a)) return;
    if (a === null) return this.push(field, b, a, 'neutral', NOT_MEASURED_AFTER);
    if (b === null) return this.push(field, b, a, 'neutral', NOT_MEASURED_BEFORE);
    const [kind, message] = classify(b, a);
    this.push(field, b, a, kind, message);
  }

  /** A boolean where `good` is the desirable value. */
  flag(field: string, before: boolean | null | undefined, after: boolean | null | undefined, good: boolean | null, nowTrue: string, nowFalse: string): void {
    this.value(field, before, after, (_b, a) => {
      const kind: ChangeKind = good === null ? 'neutral' : a === good ? 'improvement' : 'regression';
      return [kind, a === true ? nowTrue : nowFalse];
    });
  }

  neutral(field: string, before: DiffValue | undefined, after: DiffValue | undefined, what: string): void {
    this.value(field, before, after, () => ['neutral', `${what} changed`]);
  }

  /** Higher is better. */
  ordered(field: string, before: number | null | undefined, after: number | null | undefined, up: string, down: string): void {
    this.value(field, before, after, (b, a) => ((a as number) > (b as number) ? ['improvement', up] : ['regression', down]));
  }

  /** A whole section (protocols, tls, ...) present on one side only: one neutral change instead of one per field. */
  section(field: string, before: DiffValue | undefined, after: DiffValue | undefined): void {
    const b = before ?? null;
    const a = after ?? null;
    this.push(field, b, a, 'neutral', a === null ? NOT_MEASURED_AFTER : NOT_MEASURED_BEFORE);
  }
}

/**
 * Cipher suites added or removed per version, when both scans listed them (--tls-suites on both sides): a weak or
 * insecure suite newly accepted is a regression and one gone an improvement; other suites coming or going are
 * neutral. A version accepted on one side only is already a tls.versions change.
 */
function compareSuites(c: Collector, b: NonNullable<ProbeRecord['tls']>, a: NonNullable<ProbeRecord['tls']>): void {
  if (!b.cipher_suites || !a.cipher_suites) return;
  const bad = (s: CipherSuiteEntry) => s.strength === 'insecure' || s.strength === 'weak';
  for (const v of TLS_VERSION_KEYS) {
    const before = b.cipher_suites[v];
    const after = a.cipher_suites[v];
    if (!before || !after) continue;
    const field = `tls.cipher_suites["${v}"]`;
    for (const s of after) {
      if (before.some((x) => x.id === s.id)) continue;
      c.push(field, null, s.name, bad(s) ? 'regression' : 'neutral', `${tlsLabel(v)} suite added (${s.strength ?? 'unknown strength'})`);
    }
    for (const s of before) {
      if (after.some((x) => x.id === s.id)) continue;
      c.push(field, s.name, null, bad(s) ? 'improvement' : 'neutral', `${tlsLabel(v)} suite removed (${s.strength ?? 'unknown strength'})`);
    }
  }
}

/** rdp_security of a server that refuses PROTOCOL_RDP: no level, no method. */
const NO_RDP_SECURITY: RdpSecurityResult = {
  encryption_level: null,
  encryption_methods: [],
  selected_method: null,
  methods_tested: { '40bit': false, '56bit': false, '128bit': false, fips: false },
  server_version: null,
  server_version_raw: null,
  client_requested_protocols: null,
  early_capability_flags: null,
  server_certificate: null,
  failure: null,
};

const PROTOCOL_LABEL: Record<ProtocolKey, string> = {
  rdp: 'Standard RDP Security (PROTOCOL_RDP)',
  ssl: 'TLS without NLA (PROTOCOL_SSL)',
  hybrid: 'CredSSP / NLA (PROTOCOL_HYBRID)',
  rdstls: 'RDSTLS (PROTOCOL_RDSTLS)',
  hybrid_ex: 'CredSSP with Early User Authorization (PROTOCOL_HYBRID_EX)',
  rdsaad: 'Azure AD authentication (PROTOCOL_RDSAAD)',
};

/** Is it good for the server to accept this protocol? null: neither (a feature, not a security property). */
const PROTOCOL_GOOD: Record<ProtocolKey, boolean | null> = {
  rdp: false,
  ssl: false,
  hybrid: true,
  rdstls: null,
  hybrid_ex: true,
  rdsaad: null,
};

const TLS_GOOD: Record<TlsVersionKey, boolean> = { 'ssl2.0': false, 'ssl3.0': false, 'tls1.0': false, 'tls1.1': false, 'tls1.2': true, 'tls1.3': true };

const STAGE_ORDER: readonly Stage[] = ['dns', 'tcp', 'x224', 'negotiation', 'tls', 'credssp', 'mcs'];
const LEVEL_ORDER: readonly string[] = ENCRYPTION_LEVELS;
const ALL_METHODS: readonly EncryptionMethod[] = ['40bit', '56bit', '128bit', 'fips'];

function tlsLabel(k: TlsVersionKey): string {
  return k.replace('tls', 'TLS ').replace('ssl', 'SSL ');
}

function certState(days: number | null | undefined, expired: boolean | null | undefined, expiringDays: number): number | null {
  if (expired === true || (typeof days === 'number' && days < 0)) return 2;
  if (typeof days !== 'number') return null;
  return days < expiringDays ? 1 : 0;
}

function findingKeys(findings: Finding[] | null | undefined): Map<string, Finding> {
  const out = new Map<string, Finding>();
  const seen = new Map<string, number>();
  for (const f of findings ?? []) {
    const n = (seen.get(f.id) ?? 0) + 1;
    seen.set(f.id, n);
    out.set(n === 1 ? f.id : `${f.id}#${n}`, f);
  }
  return out;
}

const sevRank = (s: string): number => severityRank(s as Severity);

function compareRecords(b: ProbeRecord, a: ProbeRecord, key: string, opts: Required<DiffOptions>): Change[] {
  const c = new Collector(key);

  // status and failure
  const failText = (r: ProbeRecord): string => (r.failure ? ` (${r.failure.stage}/${r.failure.reason})` : '');
  if (b.status !== a.status) {
    if (b.status === 'ok') c.push('status', b.status, a.status, 'regression', `host now ${a.status}${failText(a)}, was ok`);
    else if (a.status === 'ok') c.push('status', b.status, a.status, 'improvement', `host now ok, was ${b.status}${failText(b)}`);
    else c.push('status', b.status, a.status, 'neutral', `host now ${a.status}${failText(a)}, was ${b.status}${failText(b)}`);
  } else {
    const bs = b.failure?.stage ?? null;
    const as = a.failure?.stage ?? null;
    if (bs !== as) {
      if (bs === null) c.push('failure.stage', bs, as, 'regression', `connection now fails at ${as}${failText(a)}`);
      else if (as === null) c.push('failure.stage', bs, as, 'improvement', `connection no longer fails (was ${bs}/${b.failure?.reason})`);
      else {
        const further = STAGE_ORDER.indexOf(as) > STAGE_ORDER.indexOf(bs);
        c.push('failure.stage', bs, as, further ? 'improvement' : 'regression', `connection now fails ${further ? 'later' : 'earlier'}, at ${as}${failText(a)} instead of ${bs}/${b.failure?.reason}`);
      }
    } else if (bs !== null && b.failure?.reason !== a.failure?.reason) {
      c.push('failure.reason', b.failure?.reason ?? null, a.failure?.reason ?? null, 'neutral', `failure reason at ${as} changed`);
    }
  }

  // protocols
  if (b.protocols && a.protocols) {
    for (const k of PROTOCOL_KEYS) {
      c.flag(`protocols.${k}.supported`, b.protocols[k]?.supported, a.protocols[k]?.supported, PROTOCOL_GOOD[k], `${PROTOCOL_LABEL[k]} newly accepted`, `${PROTOCOL_LABEL[k]} newly refused`);
    }
  } else if (b.protocols || a.protocols) {
    const sup = (r: ProbeRecord): string[] | null => (r.protocols ? PROTOCOL_KEYS.filter((k) => r.protocols?.[k]?.supported === true) : null);
    c.section('protocols', sup(b), sup(a));
  }
  c.flag('nla_required', b.nla_required, a.nla_required, true, 'NLA now required', 'NLA no longer required');

  // TLS
  if (b.tls && a.tls) {
    for (const k of TLS_VERSION_KEYS) {
      c.flag(`tls.versions["${k}"]`, b.tls.versions?.[k], a.tls.versions?.[k], TLS_GOOD[k], `${tlsLabel(k)} newly accepted`, `${tlsLabel(k)} newly refused`);
    }
    c.neutral('tls.negotiated_version', b.tls.negotiated_version, a.tls.negotiated_version, 'negotiated TLS version');
    c.neutral('tls.cipher', b.tls.cipher, a.tls.cipher, 'TLS cipher');
    compareSuites(c, b.tls, a.tls);
    c.flag('tls.secure_renegotiation', b.tls.secure_renegotiation, a.tls.secure_renegotiation, true, 'secure renegotiation now supported', 'secure renegotiation no longer supported');
    c.flag('tls.compression', b.tls.compression, a.tls.compression, false, 'TLS compression now on', 'TLS compression now off');
    c.flag('tls.fallback_scsv', b.tls.fallback_scsv, a.tls.fallback_scsv, true, 'fallback SCSV now honoured', 'fallback SCSV no longer honoured');
    c.ordered('tls.dh_bits', b.tls.dh_bits, a.tls.dh_bits, 'larger DH group', 'smaller DH group');
    c.neutral('tls.server_preference', b.tls.server_preference, a.tls.server_preference, 'cipher order rule');
  } else if (b.tls || a.tls) {
    // What each side knows of TLS, in words: the accepted versions, or that they were not measured.
    const acc = (r: ProbeRecord): DiffValue => {
      if (!r.tls) return null;
      const v = r.tls.versions ?? {};
      if (TLS_VERSION_KEYS.every((k) => v[k] === null || v[k] === undefined)) return 'versions not measured';
      const yes = TLS_VERSION_KEYS.filter((k) => v[k] === true).map(tlsLabel);
      return yes.length > 0 ? `accepts ${yes.join(', ')}` : 'accepts no version';
    };
    c.section('tls', acc(b), acc(a));
  }

  // certificate
  const bc = b.certificate;
  const ac = a.certificate;
  if (bc && ac) {
    c.value('certificate.sha1_fingerprint', bc.sha1_fingerprint, ac.sha1_fingerprint, () => ['neutral', 'certificate replaced (new SHA-1 thumbprint: update expected_thumbprints if a policy pins it)']);
    const bs = certState(bc.days_remaining, bc.expired, opts.expiringDays);
    const as = certState(ac.days_remaining, ac.expired, opts.expiringDays);
    const label = (s: number | null, days: number): string => (s === 2 ? 'expired' : s === 1 ? `expiring soon (${days} days left)` : `${days} days left`);
    const renewed = bc.not_after !== ac.not_after;
    const field = renewed ? 'certificate.not_after' : 'certificate.days_remaining';
    const bv = renewed ? bc.not_after : bc.days_remaining;
    const av = renewed ? ac.not_after : ac.days_remaining;
    if (bs !== null && as !== null && as !== bs) {
      if (as > bs) c.push(field, bv, av, 'regression', `certificate now ${label(as, ac.days_remaining)}, was ${label(bs, bc.days_remaining)}`);
      else c.push(field, bv, av, 'improvement', `certificate ${renewed ? 'renewed' : 'valid again'}: now ${label(as, ac.days_remaining)}, was ${label(bs, bc.days_remaining)}`);
    } else if (renewed) {
      const later = Date.parse(ac.not_after) > Date.parse(bc.not_after);
      c.push(field, bv, av, later ? 'improvement' : 'neutral', later ? `certificate renewed (${ac.days_remaining} days left)` : `certificate replaced by one expiring earlier (${ac.days_remaining} days left)`);
    }
    const bk = rsaEquivalentBits(bc.key_type, bc.key_bits);
    const ak = rsaEquivalentBits(ac.key_type, ac.key_bits);
    if (bk !== null && ak !== null && bk !== ak) {
      const what = `${bc.key_type} ${bc.key_bits} -> ${ac.key_type} ${ac.key_bits} bits`;
      c.push('certificate.key_bits', bc.key_bits, ac.key_bits, ak > bk ? 'improvement' : 'regression', `certificate key ${ak > bk ? 'stronger' : 'weaker'}: ${what}`);
    } else if (bc.key_bits !== ac.key_bits) {
      c.value('certificate.key_bits', bc.key_bits, ac.key_bits, () => ['neutral', 'certificate key size changed']);
    }
    c.flag('certificate.self_signed', bc.self_signed, ac.self_signed, false, 'certificate now self-signed', 'certificate no longer self-signed');
    c.flag('certificate.trusted', bc.trusted, ac.trusted, true, 'certificate now chains to a trusted root', `certificate no longer trusted (${ac.trust_error ?? '?'})`);
    c.neutral('certificate.subject', bc.subject, ac.subject, 'certificate subject');
    c.neutral('certificate.issuer', bc.issuer, ac.issuer, 'certificate issuer');
  } else if (bc || ac) {
    c.section('certificate', bc?.sha1_fingerprint ?? null, ac?.sha1_fingerprint ?? null);
  }

  // CredSSP / NTLM identity
  const bcr = b.credssp;
  const acr = a.credssp;
  if (bcr && acr) {
    c.ordered('credssp.version', bcr.version, acr.version, 'CredSSP version raised', 'CredSSP version lowered');
    const bn = bcr.ntlm;
    const an = acr.ntlm;
    if (bn && an) {
      c.neutral('credssp.ntlm.netbios_computer', bn.netbios_computer, an.netbios_computer, 'NetBIOS computer name');
      c.neutral('credssp.ntlm.dns_computer', bn.dns_computer, an.dns_computer, 'DNS computer name');
      c.neutral('credssp.ntlm.netbios_domain', bn.netbios_domain, an.netbios_domain, 'NetBIOS domain');
      c.neutral('credssp.ntlm.dns_domain', bn.dns_domain, an.dns_domain, 'DNS domain');
      c.neutral('credssp.ntlm.os_version', bn.os_version, an.os_version, 'OS version');
    } else if (bn || an) {
      c.section('credssp.ntlm', bn?.dns_computer ?? bn?.netbios_computer ?? null, an?.dns_computer ?? an?.netbios_computer ?? null);
    }
  } else if (bcr || acr) {
    c.section('credssp', bcr?.version ?? null, acr?.version ?? null);
  }

  // Standard RDP Security. A side that measured PROTOCOL_RDP as refused has no rdp_security because there is
  // nothing to measure: it accepts no method, which is a fact to compare against, not a missing measurement.
  const none = (r: ProbeRecord): RdpSecurityResult | null =>
    r.rdp_security ?? (r.protocols?.rdp.supported === false ? NO_RDP_SECURITY : null);
  const br = a.rdp_security ? none(b) : b.rdp_security;
  const ar = b.rdp_security ? none(a) : a.rdp_security;
  if (br && ar) {
    // Against a refusing side the level has nothing to compare with: the protocol change already says it.
    if (br !== NO_RDP_SECURITY && ar !== NO_RDP_SECURITY) c.value('rdp_security.encryption_level', br.encryption_level, ar.encryption_level, (bl, al) => {
      const bi = LEVEL_ORDER.indexOf(bl as string);
      const ai = LEVEL_ORDER.indexOf(al as string);
      if (bi < 0 || ai < 0) return ['neutral', 'encryption level changed'];
      return ai > bi ? ['improvement', 'encryption level raised'] : ['regression', 'encryption level lowered'];
    });
    const bm = new Set(br.encryption_methods ?? []);
    const am = new Set(ar.encryption_methods ?? []);
    for (const m of ALL_METHODS) {
      if (bm.has(m) === am.has(m)) continue;
      const weak = WEAK_METHODS.includes(m);
      const added = am.has(m);
      c.push(
        `rdp_security.encryption_methods[${m}]`,
        bm.has(m),
        am.has(m),
        weak ? (added ? 'regression' : 'improvement') : 'neutral',
        `${weak ? 'weak ' : ''}encryption method ${m} newly ${added ? 'accepted' : 'refused'}`,
      );
    }
    if (br !== NO_RDP_SECURITY && ar !== NO_RDP_SECURITY) c.neutral('rdp_security.server_version', br.server_version, ar.server_version, 'RDP server version');
  } else if (br || ar) {
    c.section('rdp_security', br?.encryption_level ?? null, ar?.encryption_level ?? null);
  }

  // The authentication and logon tests: only verdicts compare (a side without one, e.g. credentials withheld or no
  // --user, is "not measured"); ok -> failed is a regression, failed -> ok an improvement.
  const verdicts: [string, (r: ProbeRecord) => string | null, (r: ProbeRecord) => 'ok' | 'failed' | null, string][] = [
    ['auth.result', (r) => r.auth?.result ?? null, (r) => authOutcome(r.auth), 'authentication test'],
    ['auth.logon.result', (r) => r.auth?.logon?.result ?? null, (r) => logonOutcome(r.auth), 'logon test'],
  ];
  for (const [field, value, outcome, what] of verdicts) {
    const bo = outcome(b);
    const ao = outcome(a);
    c.value(field, bo === null ? null : value(b), ao === null ? null : value(a), (bv, av) =>
      bo === ao ? ['neutral', `${what} result changed`] : ao === 'failed' ? ['regression', `${what} now fails (${show(av)}), was ${show(bv)}`] : ['improvement', `${what} now succeeds, was ${show(bv)}`],
    );
  }

  // Simulated clients (--clients): a client that lost access is a regression, one that got it back an improvement.
  const bcl = b.clients ?? null;
  const acl = a.clients ?? null;
  if (bcl && acl) {
    for (const id of [...new Set([...Object.keys(bcl), ...Object.keys(acl)])]) {
      const av = acl[id];
      const why = av?.fails_at ? ` (${av.fails_at.stage}: ${av.fails_at.detail})` : '';
      c.flag(`clients["${id}"].connects`, bcl[id]?.connects, av?.connects, true, `client ${id} connects again`, `client ${id} locked out${why}`);
    }
  } else if (bcl || acl) {
    const connecting = (cl: typeof bcl): string[] | null => (cl ? Object.keys(cl).filter((id) => cl[id]!.connects === true) : null);
    c.section('clients', connecting(bcl), connecting(acl));
  }

  // findings. One present on one side only is a change only when the other side measured what its rule reads: a
  // scan with --no-tls-versions does not "resolve" tls12_missing, it did not look. client_locked_out is one finding
  // per client: the clients comparison above already says which one changed.
  const bf = findingKeys(b.findings?.filter((f) => f.id !== CLIENT_LOCKED_OUT));
  const af = findingKeys(a.findings?.filter((f) => f.id !== CLIENT_LOCKED_OUT));
  for (const [id, f] of af) {
    const old = bf.get(id);
    if (!old) {
      if (!inputsMeasured(b, f.id)) c.push(`findings[${id}]`, null, f.severity, 'neutral', `${NOT_COMPARABLE} (its inputs were ${NOT_MEASURED_BEFORE}): ${f.title}`);
      else c.push(`findings[${id}]`, null, f.severity, sevRank(f.severity) >= sevRank('low') ? 'regression' : 'neutral', `new finding (${f.severity}): ${f.title}`);
    } else if (old.severity !== f.severity) {
      const up = sevRank(f.severity) > sevRank(old.severity);
      c.push(`findings[${id}]`, old.severity, f.severity, up ? 'regression' : 'improvement', `finding severity ${up ? 'raised' : 'lowered'}: ${f.title}`);
    }
  }
  for (const [id, f] of bf) {
    if (af.has(id)) continue;
    if (!inputsMeasured(a, f.id)) {
      const why = a.status !== 'ok' && b.status === 'ok' ? ` (host now ${a.status})` : '';
      c.push(`findings[${id}]`, f.severity, null, 'neutral', `${NOT_COMPARABLE} (its inputs were ${NOT_MEASURED_AFTER}${why}): ${f.title}`);
    } else c.push(`findings[${id}]`, f.severity, null, f.severity === 'info' ? 'neutral' : 'improvement', `finding resolved (${f.severity}): ${f.title}`);
  }

  return c.changes;
}

/**
 * Fleet findings (duplicate certificates and names) as groups, not as whichever member happened to carry them: an
 * ndjson file gives them only to the later member of a pair, a report to every member. Each side's are computed
 * again from its own records, so two scans of the same fleet compare equal however they were written.
 */
function withFleetByGroup(records: ProbeRecord[]): ProbeRecord[] {
  const fleet = diagnoseFleet(records);
  return records.map((r) => ({
    ...r,
    findings: [...(r.findings ?? []).filter((f) => !FLEET_FINDING_IDS.includes(f.id)), ...(fleet.get(hostPortKey(r.host, r.port)) ?? [])],
  }));
}

function hostDiff(key: string, beforeKey: string | null, presence: HostDiff['presence'], changes: Change[]): HostDiff {
  const sorted = changes.map((ch, i) => ({ ch, i })).sort((x, y) => KIND_ORDER[x.ch.kind] - KIND_ORDER[y.ch.kind] || x.i - y.i).map((x) => x.ch);
  return {
    key,
    before_key: beforeKey,
    presence,
    regressions: sorted.filter((c) => c.kind === 'regression').length,
    improvements: sorted.filter((c) => c.kind === 'improvement').length,
    neutral: sorted.filter((c) => c.kind === 'neutral').length,
    changes: sorted,
  };
}

function index(records: ProbeRecord[], label: string, warnings: string[]): Map<string, ProbeRecord> {
  const out = new Map<string, ProbeRecord>();
  for (const r of records) {
    const k = hostKey(r);
    if (out.has(k)) warnings.push(`${label}: ${k} appears more than once; using the last record`);
    out.set(k, r);
  }
  return out;
}

/**
 * Compare two scans. Hosts are matched by `${host}:${port}` (host case-insensitive), then unmatched ones by
 * `${address}:${port}`. Warnings carried by loadScan results are included.
 */
export function diffScans(beforeScan: ProbeRecord[], afterScan: ProbeRecord[], opts: DiffOptions = {}): ScanDiff {
  const o: Required<DiffOptions> = { expiringDays: opts.expiringDays ?? 30 };
  const warnings: string[] = [];
  for (const [label, scan] of [['BEFORE', beforeScan], ['AFTER', afterScan]] as const) {
    const w = (scan as { warnings?: unknown }).warnings;
    if (Array.isArray(w)) for (const x of w) warnings.push(`${label}: ${String(x)}`);
  }
  const before = withFleetByGroup(beforeScan);
  const after = withFleetByGroup(afterScan);
  const bIdx = index(before, 'BEFORE', warnings);
  const aIdx = index(after, 'AFTER', warnings);

  const pairs: { b: ProbeRecord; a: ProbeRecord; key: string; bKey: string }[] = [];
  const unmatchedA: [string, ProbeRecord][] = [];
  const usedB = new Set<string>();
  for (const [k, a] of aIdx) {
    const b = bIdx.get(k);
    if (b) {
      pairs.push({ b, a, key: k, bKey: k });
      usedB.add(k);
    } else unmatchedA.push([k, a]);
  }
  // Fall back to the address for hosts scanned by name once and by address (or another name) the other time.
  const byAddr = new Map<string, string>();
  for (const [k, b] of bIdx) {
    const ak = addressKey(b);
    if (!usedB.has(k) && ak && !byAddr.has(ak)) byAddr.set(ak, k);
  }
  const appeared: [string, ProbeRecord][] = [];
  for (const [k, a] of unmatchedA) {
    const ak = addressKey(a);
    const bk = ak ? byAddr.get(ak) : undefined;
    const addrB = bk !== undefined && !usedB.has(bk) ? bIdx.get(bk) : undefined;
    if (bk !== undefined && addrB) {
      pairs.push({ b: addrB, a, key: k, bKey: bk });
      usedB.add(bk);
    } else appeared.push([k, a]);
  }

  const hosts: HostDiff[] = [];
  const unchanged: string[] = [];
  for (const p of pairs) {
    const changes = compareRecords(p.b, p.a, p.key, o);
    if (changes.length === 0) unchanged.push(p.key);
    else hosts.push(hostDiff(p.key, p.bKey === p.key ? null : p.bKey, 'both', changes));
  }
  for (const [k, a] of appeared) {
    hosts.push(hostDiff(k, null, 'appeared', [{ host: k, field: 'host', before: null, after: a.status, kind: 'neutral', message: `host appeared (not in BEFORE), status ${a.status}` }]));
  }
  for (const [k, b] of bIdx) {
    if (usedB.has(k)) continue;
    hosts.push(hostDiff(k, null, 'disappeared', [{ host: k, field: 'host', before: b.status, after: null, kind: 'regression', message: `host disappeared (in BEFORE with status ${b.status}, missing from AFTER)` }]));
  }

  const rank = (h: HostDiff): number => (h.regressions > 0 ? 0 : h.improvements > 0 ? 1 : 2);
  hosts.sort((x, y) => rank(x) - rank(y) || (x.key < y.key ? -1 : x.key > y.key ? 1 : 0));
  unchanged.sort();

  const sum = (f: (h: HostDiff) => number): number => hosts.reduce((n, h) => n + f(h), 0);
  return {
    summary: {
      hosts_before: bIdx.size,
      hosts_after: aIdx.size,
      compared: pairs.length,
      changed: hosts.filter((h) => h.presence === 'both').length,
      unchanged: unchanged.length,
      appeared: appeared.length,
      disappeared: hosts.filter((h) => h.presence === 'disappeared').length,
      regressions: sum((h) => h.regressions),
      improvements: sum((h) => h.improvements),
      neutral: sum((h) => h.neutral),
    },
    hosts,
    unchanged,
    warnings,
  };
}

/** 1 when failOn is 'regression' and there is at least one regression. */
export function diffExitCode(diff: ScanDiff, failOn: 'regression' | 'none'): 0 | 1 {
  return failOn === 'regression' && diff.summary.regressions > 0 ? 1 : 0;
}

export { show as formatDiffValue };
