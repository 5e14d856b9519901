/**
 * The facts of one host that fit on one line: what the scaled table prints per host and what the HTML report's host
 * table sorts and filters on. One place computes them, so both views say the same thing about a host.
 * A record without `tls.cipher_suites` (the deep mode did not run) gives a null weakest suite ("not measured").
 */
import { TLS_VERSION_KEYS, type Finding, type ProbeRecord, type Severity, type Status } from '../record.js';
import { compareStrength, type CipherStrength } from '../analysis/cipher-strength.js';
import { hostPortKey } from '../targets/key.js';
import { bySeverityDesc } from './common.js';

interface WeakestSuite {
  strength: CipherStrength;
  /** The suite's IANA name (or its id when unnamed). */
  name: string;
  /** The version key it was accepted with. */
  version: string;
}

export interface HostFacts {
  /** hostPortKey: the one key of this host in every output. */
  key: string;
  /** What the table shows for the host: the target as written, or host:port. */
  label: string;
  address: string | null;
  status: Status;
  nla: boolean | null;
  /** Lowest and highest accepted version key; both null when none was accepted or nothing was measured. */
  tls_min: string | null;
  tls_max: string | null;
  /** true: some version was measured (accepted or refused); false: TLS versions not measured. */
  tls_measured: boolean;
  /** The weakest accepted suite, from tls.cipher_suites; null when the record has no suite list. */
  weakest: WeakestSuite | null;
  cert_not_after: string | null;
  cert_days: number | null;
  cert_expired: boolean | null;
  findings: number;
  max_severity: Severity | null;
  /** The most severe finding (its id and title). */
  top: Pick<Finding, 'id' | 'severity' | 'title'> | null;
}

function hostLabel(r: Pick<ProbeRecord, 'target' | 'host' | 'port'>): string {
  const endpoint = hostPortKey(r.host, r.port);
  return r.target === r.host ? endpoint : r.target;
}

/** Accepted versions, oldest first, and whether any version was measured at all. */
function versions(r: ProbeRecord): { accepted: string[]; measured: boolean } {
  const v = r.tls?.versions;
  return {
    accepted: TLS_VERSION_KEYS.filter((k) => v?.[k] === true),
    measured: TLS_VERSION_KEYS.some((k) => v?.[k] === true || v?.[k] === false),
  };
}

/** The weakest accepted suite over every version of `tls.cipher_suites`, or null without that list. */
function weakestSuite(r: ProbeRecord): WeakestSuite | null {
  const suites = r.tls?.cipher_suites;
  if (!suites) return null;
  let worst: WeakestSuite | null = null;
  for (const version of TLS_VERSION_KEYS) {
    for (const s of suites[version] ?? []) {
      if (s.strength === null) continue;
      if (worst === null || compareStrength(s.strength, worst.strength) < 0) worst = { strength: s.strength, name: s.name || s.id, version };
    }
  }
  return worst;
}

export function hostFacts(r: ProbeRecord): HostFacts {
  const { accepted, measured } = versions(r);
  const sorted = bySeverityDesc(r.findings);
  const top = sorted[0];
  const cert = r.certificate;
  return {
    key: hostPortKey(r.host, r.port),
    label: hostLabel(r),
    address: r.address,
    status: r.status,
    nla: r.nla_required,
    tls_min: accepted[0] ?? null,
    tls_max: accepted[accepted.length - 1] ?? null,
    tls_measured: measured,
    weakest: weakestSuite(r),
    cert_not_after: cert?.not_after ?? null,
    cert_days: cert?.days_remaining ?? null,
    cert_expired: cert ? cert.expired || cert.days_remaining < 0 : null,
    findings: r.findings.length,
    max_severity: top?.severity ?? null,
    top: top ? { id: top.id, severity: top.severity, title: top.title } : null,
  };
}

/** "1.0", "SSL3": a version key as the table and the line view print it. */
export function versionLabel(key: string): string {
  return key.replace(/^tls/, '').replace(/^ssl(\d)\.0$/, 'SSL$1');
}

/** "1.2-1.3", "1.2", "none" (measured, nothing accepted) or null (not measured). */
export function tlsRangeText(f: Pick<HostFacts, 'tls_min' | 'tls_max' | 'tls_measured'>): string | null {
  if (f.tls_min === null || f.tls_max === null) return f.tls_measured ? 'none' : null;
  return f.tls_min === f.tls_max ? versionLabel(f.tls_min) : `${versionLabel(f.tls_min)}-${versionLabel(f.tls_max)}`;
}
