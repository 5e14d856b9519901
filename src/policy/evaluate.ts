/**
 * Policy evaluation: which rules apply to a record (per-host precedence) and which of them it violates.
 */
import { BlockList, isIP } from 'node:net';
import {
  SEVERITIES,
  type Finding,
  type ProbeRecord,
  type Severity,
  type TlsVersionKey,
} from '../record.js';
import { rsaEquivalentBits } from './keys.js';
import { hostKeyText, normaliseHostName } from './parse.js';
import {
  POLICY_TLS_VERSIONS,
  type HostMatch,
  type HostOverride,
  type Policy,
  type PolicyRules,
  type PolicyTlsVersion,
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

function lookupThumbprint(map: Record<string, string>, record: ProbeRecord): { key: string; value: string } | null {
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

const RDP_TCP = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\Terminal Server\\WinStations\\RDP-Tcp';
const TS_SETTING =
  `Get-CimInstance -Namespace root\\cimv2\\TerminalServices -ClassName Win32_TSGeneralSetting -Filter "TerminalName='RDP-Tcp'"`;
const SCHANNEL = 'HKLM:\\SYSTEM\\CurrentControlSet\\Control\\SecurityProviders\\SCHANNEL\\Protocols';

function fmt(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (v === undefined) return 'null';
  return JSON.stringify(v) ?? String(v);
}

function tlsKey(v: PolicyTlsVersion): TlsVersionKey {
  return `tls${v}` as TlsVersionKey;
}

function finding(
  id: string,
  severity: Severity,
  title: string,
  evidence: string[],
  parts: { causes?: string[]; checks?: string[]; remediation?: string[]; event_ids?: string[]; certainty?: 'confirmed' | 'likely' | 'possible' } = {},
): Finding {
  return {
    id,
    severity,
    title,
    evidence,
    causes: (parts.causes ?? []).map((text) => ({ text, certainty: parts.certainty ?? 'confirmed' })),
    event_ids: parts.event_ids ?? [],
    checks: parts.checks ?? [],
    remediation: parts.remediation ?? [],
  };
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
  return parts.length ? parts.join(', ') : 'the probe did not reach this step';
}

interface Unverified {
  rule: ResolvedRuleName;
  field: string;
  why?: string;
}

/**
 * Check one record against a policy. Returns findings with id `policy_<rule>` (severity high; a thumbprint
 * mismatch is critical), `policy_unreachable` (high) and `policy_unverified` (medium: a rule whose input was not
 * measured; one finding listing every such rule). An empty array means the record satisfies the policy.
 */
export function evaluatePolicy(record: ProbeRecord, policy: Policy): Finding[] {
  const { rules, origin } = resolveRules(policy, record);
  const out: Finding[] = [];
  const rule = (name: ResolvedRuleName): string =>
    `policy ${name === 'expected_thumbprint' ? 'expected_thumbprints' : name} = ${fmt(
      rules[name],
    )} (${origin[name] ?? policy.source})`;

  if (record.status === 'unreachable') {
    if (rules.allow_unreachable === true) return [];
    const ev = [`status = "unreachable"`];
    if (record.failure) ev.push(`failure.stage = ${fmt(record.failure.stage)}`, `failure.reason = ${fmt(record.failure.reason)}`);
    if (record.failure?.detail) ev.push(`failure.detail = ${fmt(record.failure.detail)}`);
    ev.push(`policy allow_unreachable = ${fmt(rules.allow_unreachable ?? false)} (${origin.allow_unreachable ?? policy.source})`);
    out.push(
      finding('policy_unreachable', 'high', `Host ${record.host}:${record.port} is unreachable, so the policy could not be checked`, ev, {
        causes: ['The host is down, the name does not resolve, or a firewall blocks the RDP port'],
        certainty: 'possible',
        checks: [
          `Test-NetConnection ${record.host} -Port ${record.port}`,
          'Get-Service TermService',
          'Get-NetFirewallRule -DisplayGroup "Remote Desktop" | Select-Object DisplayName, Enabled, Profile',
        ],
        remediation: [
          'Make the host reachable on its RDP port, or, if it is expected to be down, set allow_unreachable: true for it in a hosts: entry',
        ],
      }),
    );
    return out;
  }

  const unverified: Unverified[] = [];

  // require_nla
  if (rules.require_nla === true) {
    if (record.nla_required === false) {
      const ev = ['nla_required = false'];
      for (const k of ['rdp', 'ssl'] as const) {
        if (record.protocols?.[k]?.supported === true) ev.push(`protocols.${k}.supported = true`);
      }
      ev.push(rule('require_nla'));
      out.push(
        finding('policy_require_nla', 'high', 'Network Level Authentication is not required', ev, {
          causes: ['The server accepts connections that authenticate only after the session starts (no CredSSP)'],
          checks: [`(${TS_SETTING}).UserAuthenticationRequired`, `Get-ItemProperty '${RDP_TCP}' -Name UserAuthentication, SecurityLayer`, 'gpresult /h gpresult.html'],
          remediation: [
            'Enable the GPO "Require user authentication for remote connections by using Network Level Authentication" (Computer Configuration > Administrative Templates > Windows Components > Remote Desktop Services > Remote Desktop Session Host > Security)',
            `Or set ${RDP_TCP} UserAuthentication = 1 (DWORD)`,
          ],
        }),
      );
    } else if (record.nla_required === null) unverified.push({ rule: 'require_nla', field: 'nla_required' });
  }

  // forbid_standard_rdp_security
  if (rules.forbid_standard_rdp_security === true) {
    const rdp = record.protocols?.rdp ?? null;
    if (rdp && (rdp.supported === true || rdp.response === 'no_negotiation')) {
      const ev =
        rdp.supported === true ? ['protocols.rdp.supported = true'] : [`protocols.rdp.response = "no_negotiation"`];
      if (record.rdp_security?.encryption_level) ev.push(`rdp_security.encryption_level = ${fmt(record.rdp_security.encryption_level)}`);
      ev.push(rule('forbid_standard_rdp_security'));
      out.push(
        finding('policy_forbid_standard_rdp_security', 'high', 'Standard RDP Security (no TLS) is accepted', ev, {
          causes: ['The security layer is set to RDP or Negotiate, so clients can connect with RC4-based Standard RDP Security and no server authentication'],
          checks: [`Get-ItemProperty '${RDP_TCP}' -Name SecurityLayer, UserAuthentication`, 'gpresult /h gpresult.html'],
          remediation: [
            'Set the GPO "Require use of specific security layer for remote (RDP) connections" to SSL (Computer Configuration > Administrative Templates > Windows Components > Remote Desktop Services > Remote Desktop Session Host > Security)',
            `Or set ${RDP_TCP} SecurityLayer = 2 (DWORD); requiring NLA also refuses Standard RDP Security`,
          ],
        }),
      );
    } else if (!rdp || rdp.supported === null) unverified.push({ rule: 'forbid_standard_rdp_security', field: 'protocols.rdp.supported' });
  }

  // min_tls and forbid_tls
  const tlsChecks: { rule: 'min_tls' | 'forbid_tls'; versions: PolicyTlsVersion[] }[] = [];
  if (rules.min_tls !== undefined) {
    const min = POLICY_TLS_VERSIONS.indexOf(rules.min_tls);
    tlsChecks.push({ rule: 'min_tls', versions: POLICY_TLS_VERSIONS.slice(0, min) });
  }
  if (rules.forbid_tls !== undefined && rules.forbid_tls.length > 0) tlsChecks.push({ rule: 'forbid_tls', versions: rules.forbid_tls });
  for (const check of tlsChecks) {
    if (check.versions.length === 0 || tlsNotOffered(record)) continue;
    const accepted: TlsVersionKey[] = [];
    const unknown: TlsVersionKey[] = [];
    for (const v of check.versions) {
      const k = tlsKey(v);
      const got = record.tls?.versions?.[k] ?? null;
      if (got === true) accepted.push(k);
      else if (got === null) unknown.push(k);
    }
    if (accepted.length > 0) {
      const names = accepted.map((k) => k.replace('tls', 'TLS ')).join(', ');
      const ev = accepted.map((k) => `tls.versions["${k}"] = true`);
      ev.push(rule(check.rule));
      out.push(
        finding(
          `policy_${check.rule}`,
          'high',
          check.rule === 'min_tls' ? `TLS version below ${rules.min_tls} accepted: ${names}` : `Forbidden TLS version accepted: ${names}`,
          ev,
          {
            causes: ['Schannel still has these protocol versions enabled for the server role'],
            checks: accepted.map((k) => `Get-ItemProperty '${SCHANNEL}\\${k.replace('tls', 'TLS ')}\\Server' -ErrorAction SilentlyContinue`),
            event_ids: ['Schannel 36871', 'Schannel 36874'],
            remediation: [
              ...accepted.map(
                (k) => `Disable ${k.replace('tls', 'TLS ')} for the server role: ${SCHANNEL}\\${k.replace('tls', 'TLS ')}\\Server Enabled = 0, DisabledByDefault = 1 (DWORD), then reboot`,
              ),
              'Make sure TLS 1.2 stays enabled and that old clients and gateways support it before rolling out',
            ],
          },
        ),
      );
    }
    for (const k of unknown) {
      unverified.push({ rule: check.rule, field: `tls.versions["${k}"]` });
    }
  }

  // certificate rules
  const cert = record.certificate;
  const certRules: ('min_cert_days' | 'min_key_bits' | 'forbid_self_signed')[] = [];
  if (rules.min_cert_days !== undefined) certRules.push('min_cert_days');
  if (rules.min_key_bits !== undefined) certRules.push('min_key_bits');
  if (rules.forbid_self_signed === true) certRules.push('forbid_self_signed');
  const certChecks = [`${TS_SETTING} | Select-Object SSLCertificateSHA1Hash`, `Get-ChildItem 'Cert:\\LocalMachine\\Remote Desktop', Cert:\\LocalMachine\\My | Format-List Subject, Issuer, Thumbprint, NotAfter`];
  if (!cert) {
    if (!tlsNotOffered(record)) {
      for (const r of certRules) unverified.push({ rule: r, field: 'certificate' });
    }
  } else {
    if (rules.min_cert_days !== undefined) {
      const days = cert.days_remaining;
      if (cert.expired || days < rules.min_cert_days) {
        const ev = [`certificate.days_remaining = ${days}`, `certificate.not_after = ${fmt(cert.not_after)}`];
        if (cert.expired) ev.push('certificate.expired = true');
        ev.push(rule('min_cert_days'));
        out.push(
          finding('policy_min_cert_days', 'high', cert.expired ? 'The RDP certificate has expired' : `The RDP certificate expires in ${days} days`, ev, {
            causes: ['The certificate was not renewed (autoenrollment not configured or failing)'],
            checks: certChecks,
            event_ids: ['CertificateServicesClient-AutoEnrollment 6', 'TerminalServices-RemoteConnectionManager 1057'],
            remediation: [
              'Renew the certificate and bind it to RDP-Tcp (SSLCertificateSHA1Hash), or configure the GPO "Server authentication certificate template" for autoenrollment',
            ],
          }),
        );
      }
    }
    if (rules.min_key_bits !== undefined) {
      const eq = rsaEquivalentBits(cert.key_type, cert.key_bits);
      if (eq === null) unverified.push({ rule: 'min_key_bits', field: 'certificate.key_bits' });
      else if (eq < rules.min_key_bits) {
        out.push(
          finding('policy_min_key_bits', 'high', `The RDP certificate key is too small (${cert.key_type} ${cert.key_bits} bits)`, [
            `certificate.key_type = ${fmt(cert.key_type)}`,
            `certificate.key_bits = ${cert.key_bits}`,
            rule('min_key_bits'),
          ], {
            checks: certChecks,
            remediation: [`Issue a certificate with a stronger key (RSA ${Math.max(2048, rules.min_key_bits)} bits or more, or ECDSA P-256 or better) and bind it to RDP-Tcp`],
          }),
        );
      }
    }
    if (rules.forbid_self_signed === true && cert.self_signed) {
      out.push(
        finding('policy_forbid_self_signed', 'high', 'The RDP certificate is self-signed', [
          'certificate.self_signed = true',
          `certificate.issuer = ${fmt(cert.issuer)}`,
          rule('forbid_self_signed'),
        ], {
          causes: ['No CA-issued certificate is bound to RDP-Tcp, so Windows uses its own self-signed one'],
          checks: certChecks,
          remediation: [
            'Issue a certificate from your CA (template based on "Computer" with Server Authentication, or "Remote Desktop Authentication") and bind it with the GPO "Server authentication certificate template" or SSLCertificateSHA1Hash',
          ],
        }),
      );
    }
  }

  // expected thumbprint
  if (rules.expected_thumbprint !== undefined) {
    const expected = rules.expected_thumbprint;
    const bind = `$ts = ${TS_SETTING}; Set-CimInstance -InputObject $ts -Property @{SSLCertificateSHA1Hash='${expected}'}`;
    if (cert) {
      const got = cert.sha1_fingerprint.replace(/[^0-9a-f]/gi, '').toUpperCase();
      if (got !== expected) {
        out.push(
          finding('policy_expected_thumbprint', 'critical', 'The RDP certificate is not the expected one', [
            `certificate.sha1_fingerprint = ${fmt(cert.sha1_fingerprint)}`,
            `certificate.subject = ${fmt(cert.subject)}`,
            `certificate.issuer = ${fmt(cert.issuer)}`,
            rule('expected_thumbprint'),
          ], {
            causes: [
              'The certificate was renewed or replaced (autoenrollment, manual change) and the policy was not updated',
              'The name or address reaches another machine (DNS, load balancer, NAT)',
              'A TLS-intercepting device or an attacker is in the path',
            ],
            certainty: 'possible',
            checks: [...certChecks, `Get-ChildItem Cert:\\LocalMachine -Recurse | Where-Object Thumbprint -eq '${cert.sha1_fingerprint}'`],
            remediation: [
              'Find out why the certificate differs before trusting the host; if the change is legitimate, update expected_thumbprints',
              `To bind the expected certificate: ${bind}`,
            ],
          }),
        );
      }
    } else if (tlsNotOffered(record)) {
      out.push(
        finding('policy_expected_thumbprint', 'critical', 'A certificate is expected but the server offers no TLS', [
          'certificate = null',
          ...TLS_BASED.map((k) => `protocols.${k}.supported = false`),
          rule('expected_thumbprint'),
        ], {
          checks: [`Get-ItemProperty '${RDP_TCP}' -Name SecurityLayer, UserAuthentication`],
          remediation: ['Enable TLS (SecurityLayer = 2) and bind the expected certificate', `To bind it: ${bind}`],
        }),
      );
    } else unverified.push({ rule: 'expected_thumbprint', field: 'certificate' });
  }

  // CredSSP rules
  if (rules.min_credssp_version !== undefined && !credsspNotOffered(record)) {
    const v = record.credssp?.version ?? null;
    if (v === null) unverified.push({ rule: 'min_credssp_version', field: 'credssp.version' });
    else if (v < rules.min_credssp_version) {
      out.push(
        finding('policy_min_credssp_version', 'high', `CredSSP version ${v} is older than ${rules.min_credssp_version}`, [
          `credssp.version = ${v}`,
          rule('min_credssp_version'),
        ], {
          causes: ['The server is missing CredSSP security updates (the CVE-2018-0886 update of March 2018 introduced TSRequest version 6)'],
          checks: ['Get-HotFix | Sort-Object InstalledOn -Descending | Select-Object -First 5', '[System.Environment]::OSVersion.Version'],
          remediation: ['Install current cumulative updates on the server'],
        }),
      );
    }
  }
  if (rules.max_clock_skew !== undefined && !credsspNotOffered(record)) {
    const skew = record.credssp?.ntlm?.clock_skew_seconds ?? null;
    if (skew === null) unverified.push({ rule: 'max_clock_skew', field: 'credssp.ntlm.clock_skew_seconds' });
    else if (Math.abs(skew) > rules.max_clock_skew) {
      const ev = [`credssp.ntlm.clock_skew_seconds = ${skew}`];
      if (record.credssp?.ntlm?.server_time) ev.push(`credssp.ntlm.server_time = ${fmt(record.credssp.ntlm.server_time)}`);
      ev.push(rule('max_clock_skew'));
      out.push(
        finding('policy_max_clock_skew', 'high', `Server clock is off by ${Math.round(skew)} seconds`, ev, {
          causes: [
            'The Windows Time service is not synchronising (Kerberos fails beyond 5 minutes by default)',
            "The prober's own clock is wrong (check it before changing the server)",
          ],
          certainty: 'likely',
          checks: ['w32tm /query /status', 'w32tm /query /source'],
          event_ids: ['Time-Service 36', 'Time-Service 129'],
          remediation: ['Fix time synchronisation (w32tm /resync; domain members sync from the domain hierarchy, the PDC emulator from a reliable source)'],
        }),
      );
    }
  }

  if (unverified.length > 0) {
    const why = whyUnmeasured(record);
    const names = [...new Set(unverified.map((u) => u.rule))];
    out.push(
      finding(
        'policy_unverified',
        'medium',
        `Policy could not be fully checked: ${names.map((n) => (n === 'expected_thumbprint' ? 'expected_thumbprints' : n)).join(', ')}`,
        unverified.map((u) => `${u.rule === 'expected_thumbprint' ? 'expected_thumbprints' : u.rule}: ${u.field} = null (not measured: ${u.why ?? why})`),
        {
          causes: ['The probe did not get far enough to measure what these rules need'],
          certainty: 'confirmed',
          checks: [`rdprobe scan ${record.target}`],
          remediation: [
            'Look at the failure stage and fix the connection problem, then scan again',
            'If a rule does not apply to this host, turn it off for the host in a hosts: entry (rule: null)',
          ],
        },
      ),
    );
  }
  return out;
}

/** A finding produced by evaluatePolicy. */
export function isPolicyFinding(f: Finding): boolean {
  return f.id.startsWith('policy_');
}

function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

/**
 * Exit code of a scan used as a gate: 1 when any record has a finding at or above failOn ('none': never on
 * severity). With `{ policy: true }` (a policy was given), any policy_* finding fails too, whatever failOn says,
 * so `--policy` alone fails exactly when a host violates the policy (or could not be checked against it).
 */
export function gateExitCode(records: ProbeRecord[], failOn: Severity | 'none', opts: { policy?: boolean } = {}): 0 | 1 {
  const fails = gatePredicate(failOn, opts);
  return records.some((r) => r.findings.some(fails)) ? 1 : 0;
}

/** The gate as a predicate on one finding: what gateExitCode counts, and what reports mark as failures. */
export function gatePredicate(failOn: Severity | 'none', opts: { policy?: boolean } = {}): (f: Finding) => boolean {
  const threshold = failOn === 'none' ? Infinity : severityRank(failOn);
  return (f) => severityRank(f.severity) >= threshold || (opts.policy === true && isPolicyFinding(f));
}

