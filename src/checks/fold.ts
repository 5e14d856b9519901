/**
 * The record from the checks' finished results: a pure fold (no I/O but the certificate parse), in one place.
 * The core sections combine several checks (`protocols` is the client's hybrid_ex answer plus the protocol
 * probes; `tls` the version attempts plus their rides plus the client's handshake); a check with a section of its
 * own (`rdp_udp`) supplies it through its `section`.
 */
import { analyzeCertificate } from '../analysis/certificate.js';
import { suiteStrength } from '../analysis/cipher-strength.js';
import { analyzeChain, trustStore } from '../analysis/trust.js';
import type { FirstFlight } from '../../protocol/tls/flight.js';
import { SSL2_CIPHER_SPECS } from '../../protocol/tls/sslv2.js';
import { cipherSuiteInfo, cipherSuiteName } from '../../protocol/tls/suites.js';
import {
  PROTOCOL_KEYS,
  RECORD_SCHEMA_VERSION,
  TLS_VERSION_KEYS,
  type CertificateInfo,
  type MeasuredRecord,
  type ProtocolKey,
  type ProtocolResult,
  type RdpSecurityResult,
  type Status,
  type CipherSuiteEntry,
  type TlsAttempt,
  type TlsResult,
  type TlsVersionKey,
} from '../record.js';
import type { ClientResult } from './client.js';
import type { Check, CoreSections, HostTarget } from './contract.js';
import { protocolCheckName, type ProtocolProbeResult } from './protocols.js';
import type { RdpSecurityCheckResult } from './rdp-security.js';
import type { HostRun } from './scheduler.js';
import { rdpSecurityResult, type McsOutcome } from './steps/mcs.js';
import { versionProbes } from './tls/collect.js';
import type { TlsFeaturesResult } from './tls/features.js';
import type { TlsGroupsResult } from './tls/groups.js';
import type { TlsSuitesResult } from './tls/suites.js';
import type { TlsVersionsResult, VersionProbe } from './tls/versions.js';

/** nla_required: every non-CredSSP request refused and a CredSSP one accepted; null while unknown. */
export function nlaRequired(p: Partial<Record<ProtocolKey, ProtocolResult>>): boolean | null {
  const nonCredssp = [p.rdp, p.ssl, p.rdstls, p.rdsaad];
  if (nonCredssp.some((x) => x?.supported === true)) return false;
  const credsspOk = p.hybrid?.supported === true || p.hybrid_ex?.supported === true;
  // Everything refused (a broken server) says nothing about NLA: null, not false.
  return p.rdp?.supported === false && p.ssl?.supported === false && credsspOk ? true : null;
}

/** A protocol never asked (the client's connection failed first, so nothing else was tried). */
const NOT_TESTED: ProtocolResult = { requested: [], supported: null, response: 'error', selected: null, failure_code: null, flags: [], detail: 'not tested' };

export interface FoldInput {
  target: HostTarget;
  address: string | null;
  /** Set when the host never got as far as the checks (dns, a failed first connect), else the client check's. */
  status?: Status;
  failure?: MeasuredRecord['failure'];
  dnsMs?: number;
  run: HostRun | null;
  checks: readonly Check[];
  scannedAt: Date;
  totalMs: number;
  /** PEM bundles added to the trust store (--ca-file). */
  caCertificates: readonly string[];
}

export async function fold(i: FoldInput): Promise<MeasuredRecord> {
  const get = <T>(name: string): T | undefined => i.run?.results.get(name) as T | undefined;
  const client = get<ClientResult>('client');
  const probe = (k: ProtocolKey): ProtocolResult | undefined =>
    k === 'hybrid_ex' ? (client?.protocol ?? undefined) : get<ProtocolProbeResult>(protocolCheckName(k))?.protocol;
  const protocols =
    client?.protocol != null ? (Object.fromEntries(PROTOCOL_KEYS.map((k) => [k, probe(k) ?? NOT_TESTED])) as Record<ProtocolKey, ProtocolResult>) : null;

  const tls = tlsSection(i.run, client);
  const certificate = await certificateSection(i, client);

  // Standard RDP Security: the methods offered alone (one rode on the rdp probe) and the client's offer of all.
  const methods = get<RdpSecurityCheckResult>('rdp_security');
  const firstMethod = get<ProtocolProbeResult>(protocolCheckName('rdp'))?.rides['rdp_security'] as RdpSecurityCheckResult['entries'][number] | undefined;
  let rdpSecurity: RdpSecurityResult | null = null;
  if (client?.mcs || firstMethod || methods) {
    const mcs: { outcome: McsOutcome; method: Parameters<typeof rdpSecurityResult>[0][number]['method'] }[] = [
      ...(client?.mcs ? [{ outcome: client.mcs, method: 'all' as const }] : []),
      ...(firstMethod ? [firstMethod] : []),
      ...(methods?.entries ?? []),
    ];
    if (mcs.length > 0) rdpSecurity = await rdpSecurityResult(mcs, i.scannedAt);
  }

  const notMeasured: MeasuredRecord['not_measured'] = {};
  for (const [name, s] of i.run?.statuses ?? []) if (s === 'deadline' || s === 'connection_budget') notMeasured[name] = s;

  // Built key by key, in the record's order: the core sections, the checks' own sections (rdp_udp, ...), then the
  // accounting. (Spreading three partial objects into one cost a closed /16 a few kilobytes per host of garbage.)
  const record = {
    schema_version: RECORD_SCHEMA_VERSION,
    target: i.target.target,
    host: i.target.host,
    address: i.address,
    port: i.target.port,
    scanned_at: i.scannedAt.toISOString(),
    status: i.status ?? client?.status ?? 'error',
    failure: i.failure ?? client?.failure ?? null,
    protocols,
    nla_required: protocols ? nlaRequired(protocols) : null,
    tls,
    certificate,
    credssp: client?.credssp ?? null,
    rdp_security: rdpSecurity,
  } as Record<string, unknown>;
  const core = record as unknown as CoreSections;
  for (const c of i.checks) if (c.section) record[c.section.key] = c.section.value(i.run?.results.get(c.name), i.run?.statuses.get(c.name), core);
  const timings: MeasuredRecord['timings_ms'] = { total: Math.round(i.totalMs * 10) / 10 };
  if (i.dnsMs !== undefined) timings.dns = i.dnsMs;
  if (client) Object.assign(timings, client.timings);
  record['timings_ms'] = timings;
  record['connections'] = i.run?.connections ?? 0;
  record['not_measured'] = notMeasured;
  return record as unknown as MeasuredRecord;
}

const NOT_TRIED: TlsAttempt = { accepted: null, cipher: null, refusal: null };

/** Versions newest first: the flight a section reads comes from the newest accepted version. */
const NEWEST_FIRST = [...TLS_VERSION_KEYS].reverse();

/** The accepted flights, newest version first. */
function flights(probes: Partial<Record<TlsVersionKey, VersionProbe>>): FirstFlight[] {
  return NEWEST_FIRST.map((v) => probes[v]?.flight).filter((f): f is FirstFlight => f !== null && f !== undefined);
}

/** One accepted suite as the record lists it. */
function suiteEntry(v: TlsVersionKey, id: number): CipherSuiteEntry {
  if (v === 'ssl2.0') {
    const s = SSL2_CIPHER_SPECS.get(id);
    // SSL 2.0 itself is broken (no handshake integrity, RFC 6176): every one of its cipher specs is insecure.
    return { id: `0x${id.toString(16).padStart(6, '0')}`, name: s?.name ?? `unknown(0x${id.toString(16)})`, openssl_name: s?.openssl ?? null, kex: 'RSA', auth: 'RSA', cipher: s?.name.replace(/^SSL_CK_|_WITH_MD5$/g, '') ?? 'unknown', bits: s?.bits ?? 0, pfs: false, strength: 'insecure' };
  }
  const s = cipherSuiteInfo(id);
  return {
    id: `0x${id.toString(16).padStart(4, '0')}`,
    name: cipherSuiteName(id),
    openssl_name: s?.openssl ?? null,
    kex: s?.kx ?? 'unknown',
    auth: s?.auth ?? 'unknown',
    cipher: s ? `${s.cipher}${s.mode === 'none' || s.mode === 'stream' ? '' : `_${s.mode}`}` : 'unknown',
    bits: s?.bits ?? 0,
    pfs: s?.pfs ?? false,
    strength: suiteStrength(id),
  };
}

/** tls: the version probes (own hellos), the deep mode's findings, and the modern client's own handshake. */
function tlsSection(run: HostRun | null, client: ClientResult | undefined): TlsResult | null {
  const results = { get: <T>(n: string) => run?.results.get(n) as T | undefined };
  const versions = results.get<TlsVersionsResult>('tls_versions');
  const probes = versionProbes(results);
  if (!versions && Object.keys(probes).length === 0 && !client?.handshake) return null;
  const attempts = Object.fromEntries(TLS_VERSION_KEYS.map((v) => [v, probes[v]?.attempt ?? NOT_TRIED])) as Record<TlsVersionKey, TlsAttempt>;
  const accepted = flights(probes);
  const upTo12 = accepted.filter((f) => f.kind === 'tls' && f.version !== null && f.version < 0x0304 && f.serverHello !== null);
  const deep = results.get<TlsSuitesResult>('tls_suites');
  const groups = results.get<TlsGroupsResult | null>('tls_groups');
  const features = results.get<TlsFeaturesResult>('tls_features');
  let cipherSuites: TlsResult['cipher_suites'] = null;
  let preference: boolean | null = null;
  if (deep) {
    cipherSuites = {};
    for (const v of TLS_VERSION_KEYS) {
      const ids = deep.suites[v];
      if (ids) cipherSuites[v] = ids.map((id) => suiteEntry(v, id));
    }
    const prefs = Object.values(deep.preference).filter((p): p is boolean => p !== null && p !== undefined);
    preference = prefs.length === 0 ? null : prefs.every((p) => p);
  }
  return {
    via: versions?.via ?? null,
    versions: Object.fromEntries(TLS_VERSION_KEYS.map((v) => [v, attempts[v].accepted])) as Record<TlsVersionKey, boolean | null>,
    attempts,
    cipher: client?.tls?.cipher ?? NEWEST_FIRST.map((v) => attempts[v].cipher).find((c) => c) ?? null,
    negotiated_version: client?.tls?.version ?? null,
    handshake: client?.handshake ?? null,
    cipher_suites: cipherSuites,
    server_preference: preference,
    groups: groups?.groups ?? null,
    dh_bits: deep && deep.dhBits.length > 0 ? Math.min(...deep.dhBits) : null,
    // Every hello sends renegotiation_info and status_request: any accepted TLS <= 1.2 answer tells.
    secure_renegotiation: upTo12.length > 0 ? upTo12.some((f) => f.serverHello!.parsed.renegotiationInfo !== null) : null,
    compression: features?.compression ?? null,
    fallback_scsv: features?.fallbackScsv ?? null,
    ocsp_stapling: accepted.some((f) => f.kind === 'tls' && (f.tls13 === null || f.tls13.decrypted)) ? accepted.some((f) => f.ocspResponse !== null) : null,
  };
}

/** The certificate: the chain as sent in the newest accepted flight that carried one, else the client's. */
async function certificateSection(i: FoldInput, client: ClientResult | undefined): Promise<CertificateInfo | null> {
  const results = { get: <T>(n: string) => i.run?.results.get(n) as T | undefined };
  const sent = flights(versionProbes(results)).find((f) => f.certificates.length > 0)?.certificates ?? client?.cert?.chain ?? null;
  if (sent === null || sent.length === 0) return null;
  try {
    const leaf = await analyzeCertificate(sent[0]!, sent.length, i.scannedAt);
    return { ...leaf, ...analyzeChain(sent, i.scannedAt, trustStore(i.caCertificates)) };
  } catch {
    return null; // an unparseable certificate is a finding for later issues, not a crash
  }
}
