/**
 * Policy evaluation: which rules apply to a record (per-host precedence) and which of them it violates.
 */
import { BlockList, isIP } from 'node:net';
import { toFinding } from '../diagnosis/findings.js';
import { authOutcome, ENCRYPTION_LEVELS, logonOutcome, type Finding, type FindingCause, type ProbeRecord, type TlsVersionKey } from '../record.js';
import { isWeakSignature } from '../diagnosis/rules/certificate.js';
import { rsaEquivalentBits } from './keys.js';
import { hostKeyText, normaliseHostName } from './parse.js';
import {
  POLICY_TLS_VERSIONS,
  type HostMatch,
  type HostOverride,
  type Policy,
  type PolicyRules,
  type PolicyForbiddableVersion,
  type RuleName,
} from './types.js';

type HostRuleName = Exclude<RuleName, 'expected_thumbprints'>;
export type ResolvedRuleName = HostRuleName | 'expected_thumbprint';

/** The rules that apply to one record after per-host overrides. */
export interface ResolvedRules {
  rules: { [K in HostRuleName]?: PolicyRules[K] } & { expected_thumbprint?: string };
  /** Where each rule's value came from, e.g. `policy.yml` or `policy.yml hosts["10.1.0.0/16"]`. */
  origin: Partial<Record<ResolvedRuleName, string>>;
  /** The `hosts:` keys that matched, in the order they were applied (least specific first). */
  matched: string[];
}

// ---------------------------------------------------------------------------------------------------------------
// Host matching and precedence

function addHostCandidate(out: Set<string>, raw: string | null | undefined): void {
  if (!raw) return;
  let s = raw.trim();
  const bracketed = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
  if (bracketed) s = bracketed[1]!;
  else if (isIP(s) === 0) {
    const hp = /^([^:]+):\d+$/.exec(s);
    if (hp) s = hp[1]!;
  }
  s = normaliseHostName(s);
  if (s === '') return;
  out.add(s);
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/.exec(s);
  if (mapped) out.add(mapped[1]!);
}

/** The names a record can be matched by: host, address and target (lower-case). */
export function recordNames(record: Pick<ProbeRecord, 'host' | 'address' | 'target'>): string[] {
  const out = new Set<string>();
  addHostCandidate(out, record.host);
  addHostCandidate(out, record.address);
  addHostCandidate(out, record.target);
  return [...out];
}

/**
 * Specificity of a `hosts:` key: host:port (2000) > host name or address (1000) > CIDR (its prefix length: a /24
 * beats a /16). Between equally specific keys the later one in the file wins.
 */
export function hostMatchSpecificity(m: HostMatch): number {
  return m.kind === 'host_port' ? 2000 : m.kind === 'host' ? 1000 : m.prefix;
}

export function hostMatches(m: HostMatch, record: Pick<ProbeRecord, 'host' | 'address' | 'target' | 'port'>): boolean {
  const names = recordNames(record);
  switch (m.kind) {
    case 'host':
      return names.includes(m.name);
    case 'host_port':
      return record.port === m.port && names.includes(m.name);
    case 'cidr': {
      const list = new BlockList();
      list.addSubnet(m.network, m.prefix, m.family);
      return names.some((n) => {
        const fam = isIP(n);
        return (fam === 4 && m.family === 'ipv4') || (fam === 6 && m.family === 'ipv6') ? list.check(n, m.family) : false;
      });
    }
  }
}

/** The `hosts:` entries that apply to a record, in application order (least specific first, then file order). */
export function matchingOverrides(policy: Policy, record: ProbeRecord): HostOverride[] {
  return policy.hosts
    .filter((h) => hostMatches(h.match, record))
    .sort((a, b) => hostMatchSpecificity(a.match) - hostMatchSpecificity(b.match) || a.index - b.index);
}

function lookupThumbprint(map: Record<string, string>, record: Pick<ProbeRecord, 'host' | 'address' | 'target' | 'port'>): { key: string; value: string } | null {
  const names = recordNames(record);
  const keys: string[] = [];
  for (const n of names) keys.push(hostKeyText({ kind: 'host_port', name: n, port: record.port }));
  keys.push(...names);
  for (const k of keys) {
    const v = map[k];
    if (v !== undefined) return { key: k, value: v };
  }
  return null;
}

/**
 * The SHA-1 thumbprint the policy's expected_thumbprints requires of this host's certificate, or null: the
 * authentication test trusts exactly that certificate there (a pin), before anything is measured.
 */
export function expectedThumbprintFor(policy: Policy, where: Pick<ProbeRecord, 'host' | 'address' | 'target' | 'port'>): string | null {
  const map = policy.rules.expected_thumbprints;
  return map ? (lookupThumbprint(map, where)?.value ?? null) : null;
}

/** Apply the top-level rules, then every matching `hosts:` entry in precedence order (null turns a rule off). */
export function resolveRules(policy: Policy, record: ProbeRecord): ResolvedRules {
  const rules: ResolvedRules['rules'] = {};
  const origin: ResolvedRules['origin'] = {};
  for (const [k, v] of Object.entries(policy.rules)) {
    if (k === 'expected_thumbprints' || v === undefined) continue;
    (rules as Record<string, unknown>)[k] = v;
    origin[k as HostRuleName] = policy.source;
  }
  const tps = policy.rules.expected_thumbprints;
  if (tps) {
    const hit = lookupThumbprint(tps, record);
    if (hit) {
      rules.expected_thumbprint = hit.value;
      origin.expected_thumbprint = `${policy.source} expected_thumbprints["${hit.key}"]`;
    }
  }
  const matched: string[] = [];
  for (const h of matchingOverrides(policy, record)) {
    matched.push(h.key);
    for (const [k, v] of Object.entries(h.rules)) {
      if (v === undefined) continue;
      if (v === null) {
        delete (rules as Record<string, unknown>)[k];
        delete origin[k as HostRuleName];
      } else {
        (rules as Record<string, unknown>)[k] = v;
        origin[k as HostRuleName] = `${policy.source} hosts["${h.key}"]`;
      }
    }
  }
  return { rules, origin, matched };
}

// ---------------------------------------------------------------------------------------------------------------
// Findings

function fmt(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'null';
  return JSON.stringify(v) ?? String(v);
}

function tlsKey(v: PolicyForbiddableVersion): TlsVersionKey {
  return v === 'ssl2' ? 'ssl2.0' : v === 'ssl3' ? 'ssl3.0' : (`tls${v}` as TlsVersionKey);
}

/** A forbid_suites / allow_suites pattern (already upper-case) as a whole-name matcher. */
function suitePattern(glob: string): RegExp {
  return new RegExp(`^${glob.replace(/[*?]/g, (c) => (c === '*' ? '.*' : '.'))}$`, 'i');
}

const TLS_BASED = ['ssl', 'hybrid', 'hybrid_ex', 'rdstls', 'rdsaad'] as const;

/** The server refused every TLS-based security protocol, so no TLS version (and no TLS certificate) is offered. */
function tlsNotOffered(r: ProbeRecord): boolean {
  return r.protocols !== null && TLS_BASED.every((k) => r.protocols?.[k]?.supported === false);
}

/** The server refused both CredSSP protocols (hybrid, hybrid_ex), so CredSSP rules do not apply. */
function credsspNotOffered(r: ProbeRecord): boolean {
  return r.protocols !== null && r.protocols.hybrid?.supported === false && r.protocols.hybrid_ex?.supported === false;
}

function whyUnmeasured(r: ProbeRecord): string {
  const parts: string[] = [];
  if (r.status !== 'ok') parts.push(`status = ${fmt(r.status)}`);
  if (r.failure) parts.push(`failure = ${r.failure.stage}/${r.failure.reason}${r.failure.detail ? ` (${r.failure.detail})` : ''}`);
  const cut = Object.entries(r.not_measured ?? {});
  if (cut.length > 0) parts.push(`not_measured = ${cut.map(([k, v]) => `${k}/${v}`).join(', ')}`);
  return parts.length ? parts.join(', ') : 'the probe did not reach this step';
}

interface Unverified {
  rule: ResolvedRuleName;
  field: string;
  /** What the record shows instead of a null field, when that says more (the auth test's own reason). */
  seen?: string;
  /** Why, when it is not the record's general "not measured" (a client verdict that is only likely). */
  why?: string;
}

const ruleName = (name: ResolvedRuleName): string => (name === 'expected_thumbprint' ? 'expected_thumbprints' : name);

/**
 * Check one record against a policy. Returns findings with id `policy_<rule>` (their severity, title and text come
 * from the catalog like every finding's), `policy_unreachable`, and `policy_unverified` (a rule whose input was not
 * measured; one finding listing every such rule). An empty array means the record satisfies the policy.
 */
export function evaluatePolicy(record: ProbeRecord, policy: Policy): Finding[] {
  const { rules, origin } = resolveRules(policy, record);
  const out: Finding[] = [];
  const hit = (id: string, evidence: string[], causes?: FindingCause[]): void => void out.push(toFinding({ id, evidence, causes }));
  const rule = (name: ResolvedRuleName): string => `policy ${ruleName(name)} = ${fmt(rules[name])} (${origin[name] ?? policy.source})`;

  if (record.status === 'unreachable') {
    if (rules.allow_unreachable === true) return [];
    const ev = [`status = "unreachable"`];
    if (record.failure) ev.push(`failure.stage = ${fmt(record.failure.stage)}`, `failure.reason = ${fmt(record.failure.reason)}`);
    if (record.failure?.detail) ev.push(`failure.detail = ${fmt(record.failure.detail)}`);
    ev.push(`policy allow_unreachable = ${fmt(rules.allow_unreachable ?? false)} (${origin.allow_unreachable ?? policy.source})`);
    hit('policy_unreachable', ev);
    return out;
  }

  const unverified: Unverified[] = [];

  if (rules.require_nla === true) {
    if (record.nla_required === false) {
      const ev = ['nla_required = false'];
      for (const k of ['rdp', 'ssl'] as const) if (record.protocols?.[k]?.supported === true) ev.push(`protocols.${k}.supported = true`);
      hit('policy_require_nla', [...ev, rule('require_nla')]);
    } else if (record.nla_required === null) unverified.push({ rule: 'require_nla', field: 'nla_required' });
  }

  if (rules.forbid_standard_rdp_security === true) {
    const rdp = record.protocols?.rdp ?? null;
    if (rdp && (rdp.supported === true || rdp.response === 'no_negotiation')) {
      const ev = rdp.supported === true ? ['protocols.rdp.supported = true'] : [`protocols.rdp.response = "no_negotiation"`];
      if (record.rdp_security?.encryption_level) ev.push(`rdp_security.encryption_level = ${fmt(record.rdp_security.encryption_level)}`);
      hit('policy_forbid_standard_rdp_security', [...ev, rule('forbid_standard_rdp_security')]);
    } else if (!rdp || rdp.supported === null) unverified.push({ rule: 'forbid_standard_rdp_security', field: 'protocols.rdp.supported' });
  }

  const tlsChecks: { rule: 'min_tls' | 'forbid_tls'; versions: PolicyForbiddableVersion[] }[] = [];
  if (rules.min_tls !== undefined) tlsChecks.push({ rule: 'min_tls', versions: POLICY_TLS_VERSIONS.slice(0, POLICY_TLS_VERSIONS.indexOf(rules.min_tls)) });
  if (rules.forbid_tls !== undefined && rules.forbid_tls.length > 0) tlsChecks.push({ rule: 'forbid_tls', versions: rules.forbid_tls });
  for (const check of tlsChecks) {
    if (check.versions.length === 0 || tlsNotOffered(record)) continue;
    const accepted: TlsVersionKey[] = [];
    for (const v of check.versions) {
      const k = tlsKey(v);
      const got = record.tls?.versions?.[k] ?? null;
      if (got === true) accepted.push(k);
      else if (got === null) unverified.push({ rule: check.rule, field: `tls.versions["${k}"]` });
    }
    if (accepted.length > 0) hit(`policy_${check.rule}`, [...accepted.map((k) => `tls.versions["${k}"] = true`), rule(check.rule)]);
  }

  const cert = record.certificate;
  const certRules: ('min_cert_days' | 'min_key_bits' | 'forbid_self_signed')[] = [];
  if (rules.min_cert_days !== undefined) certRules.push('min_cert_days');
  if (rules.min_key_bits !== undefined) certRules.push('min_key_bits');
  if (rules.forbid_self_signed === true) certRules.push('forbid_self_signed');
  if (!cert) {
    if (!tlsNotOffered(record)) for (const r of certRules) unverified.push({ rule: r, field: 'certificate' });
  } else {
    if (rules.min_cert_days !== undefined && (cert.expired || cert.days_remaining < rules.min_cert_days)) {
      const ev = [`certificate.days_remaining = ${cert.days_remaining}`, `certificate.not_after = ${fmt(cert.not_after)}`];
      if (cert.expired) ev.push('certificate.expired = true');
      hit('policy_min_cert_days', [...ev, rule('min_cert_days')]);
    }
    if (rules.min_key_bits !== undefined) {
      const eq = rsaEquivalentBits(cert.key_type, cert.key_bits);
      if (eq === null) unverified.push({ rule: 'min_key_bits', field: 'certificate.key_bits' });
      else if (eq < rules.min_key_bits) {
        hit('policy_min_key_bits', [`certificate.key_type = ${fmt(cert.key_type)}`, `certificate.key_bits = ${cert.key_bits}`, rule('min_key_bits')]);
      }
    }
    if (rules.forbid_self_signed === true && cert.self_signed) {
      hit('policy_forbid_self_signed', ['certificate.self_signed = true', `certificate.issuer = ${fmt(cert.issuer)}`, rule('forbid_self_signed')]);
    }
  }

  if (rules.forbid_weak_signature === true) {
    if (cert) {
      if (isWeakSignature(cert.signature_algorithm)) {
        hit('policy_forbid_weak_signature', [`certificate.signature_algorithm = ${fmt(cert.signature_algorithm)}`, `certificate.issuer = ${fmt(cert.issuer)}`, rule('forbid_weak_signature')]);
      }
    } else if (!tlsNotOffered(record)) unverified.push({ rule: 'forbid_weak_signature', field: 'certificate' });
  }

  if (rules.min_encryption_level !== undefined) {
    const rdp = record.protocols?.rdp ?? null;
    const level = record.rdp_security?.encryption_level ?? null;
    const accepted = rdp !== null && (rdp.supported === true || rdp.response === 'no_negotiation');
    if (accepted) {
      const at = (ENCRYPTION_LEVELS as readonly string[]).indexOf(level ?? '');
      if (at < 0) unverified.push({ rule: 'min_encryption_level', field: 'rdp_security.encryption_level' });
      else if (at < ENCRYPTION_LEVELS.indexOf(rules.min_encryption_level)) {
        hit('policy_min_encryption_level', [`rdp_security.encryption_level = ${fmt(level)}`, `rdp_security.encryption_methods = ${fmt(record.rdp_security?.encryption_methods)}`, rule('min_encryption_level')]);
      }
    } else if (rdp === null || rdp.supported === null) unverified.push({ rule: 'min_encryption_level', field: 'protocols.rdp.supported' });
  }

  if (rules.expected_thumbprint !== undefined) {
    if (cert) {
      const got = cert.sha1_fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
      if (got !== rules.expected_thumbprint) {
        hit('policy_expected_thumbprint', [
          `certificate.sha1_fingerprint = ${fmt(cert.sha1_fingerprint)}`,
          `certificate.subject = ${fmt(cert.subject)}`,
          `certificate.issuer = ${fmt(cert.issuer)}`,
          rule('expected_thumbprint'),
        ]);
      }
    } else if (tlsNotOffered(record)) {
      hit('policy_expected_thumbprint', ['certificate = null', ...TLS_BASED.map((k) => `protocols.${k}.supported = false`), rule('expected_thumbprint')]);
    } else unverified.push({ rule: 'expected_thumbprint', field: 'certificate' });
  }

  if (rules.min_credssp_version !== undefined && !credsspNotOffered(record)) {
    const v = record.credssp?.version ?? null;
    if (v === null) unverified.push({ rule: 'min_credssp_version', field: 'credssp.version' });
    else if (v < rules.min_credssp_version) hit('policy_min_credssp_version', [`credssp.version = ${v}`, rule('min_credssp_version')]);
  }
  if (rules.max_clock_skew !== undefined && !credsspNotOffered(record)) {
    const skew = record.credssp?.ntlm?.clock_skew_seconds ?? null;
    if (skew === null) unverified.push({ rule: 'max_clock_skew', field: 'credssp.ntlm.clock_skew_seconds' });
    else if (Math.abs(skew) > rules.max_clock_skew) {
      const ev = [`credssp.ntlm.clock_skew_seconds = ${skew}`];
      if (record.credssp?.ntlm?.server_time) ev.push(`credssp.ntlm.server_time = ${fmt(record.credssp.ntlm.server_time)}`);
      hit('policy_max_clock_skew', [...ev, rule('max_clock_skew')]);
    }
  }

  if (rules.forbid_udp === true) {
    const udp = record.rdp_udp ?? null;
    // A SYN+ACK is RDP over UDP answering; silence or a refusal means no client gets it from here.
    if (udp?.answered === true && udp.syn_ack !== null) {
      hit('policy_forbid_udp', ['rdp_udp.answered = true', ...(udp.version ? [`rdp_udp.version = ${fmt(udp.version)}`] : []), rule('forbid_udp')]);
    } else if (udp === null || udp.failure?.reason === 'deadline' || udp.failure?.reason === 'malformed' || udp.failure?.reason === 'error') {
      unverified.push({ rule: 'forbid_udp', field: udp === null ? 'rdp_udp' : `rdp_udp.failure.reason = ${fmt(udp.failure?.reason)}` });
    }
  }

  suiteRules(record, rules, rule, hit, unverified);

  if (rules.require_trusted_cert === true && !tlsNotOffered(record)) {
    if (cert?.trusted === false) {
      hit('policy_require_trusted_cert', ['certificate.trusted = false', `certificate.trust_error = ${fmt(cert.trust_error)}`, `certificate.issuer = ${fmt(cert.issuer)}`, rule('require_trusted_cert')]);
    } else if (cert?.trusted !== true) unverified.push({ rule: 'require_trusted_cert', field: 'certificate.trusted' });
  }

  // The authentication and logon tests: a verdict of the server's passes or fails; no verdict (not attempted, cut
  // by rdprobe's own limits) leaves the rule unverified, with the record's own reason.
  const auth = record.auth ?? null;
  const noVerdict = (): string =>
    auth === null
      ? 'auth = null (the authentication test did not run: no --user, or the host was not reached as an RDP server)'
      : `auth.result = ${fmt(auth.result)}${auth.failure ? `, auth.failure.reason = ${fmt(auth.failure.reason)}` : ''} (no verdict from the server)`;
  if (rules.require_auth === true) {
    const o = authOutcome(auth);
    if (o === 'failed') {
      const ev = [`auth.result = ${fmt(auth!.result)}`];
      if (auth!.status) ev.push(`auth.status = ${auth!.status.hex} (${auth!.status.name})`);
      if (auth!.failure) ev.push(`auth.failure = ${auth!.failure.stage}/${auth!.failure.reason}`);
      hit('policy_require_auth', [...ev, rule('require_auth')]);
    } else if (o === null) unverified.push({ rule: 'require_auth', field: 'auth', seen: noVerdict() });
  }
  if (rules.require_logon === true) {
    const o = logonOutcome(auth);
    const logon = auth?.logon ?? null;
    if (o === 'failed') {
      const ev = logon ? [`auth.logon.result = ${fmt(logon.result)}`, `auth.logon.reached = ${fmt(logon.reached)}`] : [];
      if (logon?.error_info) ev.push(`auth.logon.error_info = ${logon.error_info.code} (${logon.error_info.name})`);
      if (logon?.result === 'not_attempted') ev.push(`auth.result = ${fmt(auth!.result)}`);
      hit('policy_require_logon', [...ev, rule('require_logon')]);
    } else if (o === null) {
      const seen = logon ? `auth.logon.result = ${fmt(logon.result)} (no verdict: rdprobe stopped or was not let in)` : auth ? 'auth.logon = null (the logon test did not run: no --logon)' : noVerdict();
      unverified.push({ rule: 'require_logon', field: 'auth.logon', seen });
    }
  }

  if (rules.clients_must_connect !== undefined) {
    const clients = record.clients ?? null;
    const lockedOut: string[] = [];
    for (const id of rules.clients_must_connect) {
      const at = `clients[${JSON.stringify(id)}]`;
      const v = clients?.[id];
      if (v === undefined) {
        // Not simulated because the probe stopped short (or the check was cut) is "not measured"; because nobody
        // asked, the scan's own doing.
        const stoppedShort = record.status !== 'ok' || record.not_measured?.['clients'] !== undefined;
        if (clients === null && stoppedShort) unverified.push({ rule: 'clients_must_connect', field: at });
        else unverified.push({ rule: 'clients_must_connect', field: at, why: clients === null ? 'not simulated: the scan ran without --clients' : `not simulated: ${id} was not among --clients` });
      }
      else if (v.connects === false) {
        lockedOut.push(`${at}.connects = false`, `${at}.fails_at = ${fmt(`${v.fails_at?.stage}/${v.fails_at?.reason}: ${v.fails_at?.detail}`)}`);
        if (v.certainty === 'likely') lockedOut.push(`${at}.certainty = "likely" (inferred: ${v.inferred.join(', ')})`);
      } else if (v.connects === null) unverified.push({ rule: 'clients_must_connect', field: `${at}.connects`, why: `cannot tell: ${v.warnings.join('; ') || 'no verdict'}` });
      else if (v.certainty !== 'measured') {
        // A gate never passes on a guess: a "likely" verdict is not a measurement.
        unverified.push({ rule: 'clients_must_connect', field: `${at}.connects = true`, why: `only likely: it rests on inferred or unknown profile facts (${v.inferred.join(', ') || v.warnings.join('; ')})` });
      }
    }
    if (lockedOut.length > 0) hit('policy_clients_must_connect', [...lockedOut, rule('clients_must_connect')]);
  }

  if (unverified.length > 0) {
    const why = whyUnmeasured(record);
    hit(
      'policy_unverified',
      unverified.map((u) => (u.seen ? `${ruleName(u.rule)}: ${u.seen}` : u.why ? `${ruleName(u.rule)}: ${u.field} (${u.why})` : `${ruleName(u.rule)}: ${u.field} = null (not measured: ${why})`)),
    );
  }
  return out;
}

/**
 * The cipher suite rules. The deep mode's list (tls.cipher_suites) answers them; without it, a forbidden suite the
 * version probes saw chosen is still a violation (a fact), but nothing else can be concluded (unverified).
 */
function suiteRules(
  record: ProbeRecord,
  rules: ResolvedRules['rules'],
  rule: (name: ResolvedRuleName) => string,
  hit: (id: string, evidence: string[]) => void,
  unverified: Unverified[],
): void {
  if (tlsNotOffered(record)) return;
  const tls = record.tls;
  const listed = tls?.cipher_suites ?? null;
  const seen: { v: string; name: string; pfs: boolean | null }[] = listed
    ? Object.entries(listed).flatMap(([v, l]) => (l ?? []).map((s) => ({ v, name: s.name, pfs: s.pfs })))
    : Object.entries(tls?.attempts ?? {}).flatMap(([v, a]) => (a?.accepted && a.cipher ? [{ v, name: a.cipher, pfs: null }] : []));
  const show = (x: { v: string; name: string }) => `tls.cipher_suites["${x.v}"] has ${x.name}`;
  const check = (name: 'forbid_suites' | 'allow_suites', bad: (n: string) => boolean) => {
    const offenders = seen.filter((x) => bad(x.name));
    if (offenders.length > 0) hit(`policy_${name}`, [...offenders.slice(0, 8).map(show), ...(offenders.length > 8 ? [`... and ${offenders.length - 8} more`] : []), rule(name)]);
    else if (listed === null) unverified.push({ rule: name, field: 'tls.cipher_suites' });
  };
  if (rules.forbid_suites) {
    const pats = rules.forbid_suites.map(suitePattern);
    check('forbid_suites', (n) => pats.some((p) => p.test(n)));
  }
  if (rules.allow_suites) {
    const pats = rules.allow_suites.map(suitePattern);
    // Without the full list, a chosen suite outside the list is a violation; inside, nothing is proven.
    check('allow_suites', (n) => !pats.some((p) => p.test(n)));
  }
  if (rules.require_pfs === true) {
    if (listed === null) unverified.push({ rule: 'require_pfs', field: 'tls.cipher_suites' });
    else {
      const offenders = seen.filter((x) => x.v !== 'tls1.3' && x.pfs === false);
      if (offenders.length > 0) hit('policy_require_pfs', [...offenders.slice(0, 8).map(show), rule('require_pfs')]);
    }
  }
  if (rules.min_dh_bits !== undefined) {
    const bits = tls?.dh_bits ?? null;
    if (bits !== null && bits < rules.min_dh_bits) hit('policy_min_dh_bits', [`tls.dh_bits = ${bits}`, rule('min_dh_bits')]);
    // No DH size with the full list measured means no DHE suite: nothing to check.
    else if (bits === null && listed === null) unverified.push({ rule: 'min_dh_bits', field: 'tls.dh_bits' });
  }
}

/** A finding produced by evaluatePolicy. */
export function isPolicyFinding(f: Finding): boolean {
  return f.id.startsWith('policy_');
}
