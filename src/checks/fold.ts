/**
 * The record from the checks' finished results: a pure fold (no I/O but the certificate parse), in one place.
 * The core sections combine several checks (`protocols` is the client's hybrid_ex answer plus the protocol
 * probes; `tls` the version attempts plus their rides plus the client's handshake); a check with a section of its
 * own (`rdp_udp`) supplies it through its `section`.
 */
import { analyzeCertificate } from '../analysis/certificate.js';
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
import type { PeerCert } from './steps/tls.js';
import { RIDING_VERSION, type TlsRide, type TlsVersionsResult } from './tls-versions.js';

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
}

export async function fold(i: FoldInput): Promise<MeasuredRecord> {
  const get = <T>(name: string): T | undefined => i.run?.results.get(name) as T | undefined;
  const client = get<ClientResult>('client');
  const probe = (k: ProtocolKey): ProtocolResult | undefined =>
    k === 'hybrid_ex' ? (client?.protocol ?? undefined) : get<ProtocolProbeResult>(protocolCheckName(k))?.protocol;
  const protocols =
    client?.protocol != null ? (Object.fromEntries(PROTOCOL_KEYS.map((k) => [k, probe(k) ?? NOT_TESTED])) as Record<ProtocolKey, ProtocolResult>) : null;

  // TLS: the version attempts, the TLS 1.2 attempt that rode on the ssl/hybrid probe, and the client's handshake.
  const versions = get<TlsVersionsResult>('tls_versions');
  const ride = versions && versions.via !== 'hybrid_ex' ? (get<ProtocolProbeResult>(protocolCheckName(versions.via))?.rides['tls_versions'] as TlsRide | undefined) : undefined;
  let tls: TlsResult | null = null;
  if (versions || ride || client?.tls) {
    const attempts: Partial<Record<TlsVersionKey, TlsAttempt>> = { ...(versions?.attempts ?? {}), ...(ride ? { [RIDING_VERSION]: ride.attempt } : {}) };
    const all = Object.fromEntries(TLS_VERSION_KEYS.map((v) => [v, attempts[v] ?? { accepted: null, cipher: null, refusal: null }])) as Record<TlsVersionKey, TlsAttempt>;
    tls = {
      via: versions?.via ?? null,
      versions: Object.fromEntries(TLS_VERSION_KEYS.map((v) => [v, all[v].accepted])) as Record<TlsVersionKey, boolean | null>,
      attempts: all,
      cipher: client?.tls?.cipher ?? [...TLS_VERSION_KEYS].reverse().map((v) => all[v].cipher).find((c) => c) ?? null,
      negotiated_version: client?.tls?.version ?? null,
    };
  }

  // The certificate to report: the client connection's, else the first any TLS attempt saw.
  const cert: PeerCert | null = client?.cert ?? ride?.cert ?? versions?.cert ?? null;
  let certificate: CertificateInfo | null = null;
  if (cert) {
    try {
      certificate = await analyzeCertificate(cert.der, cert.chainLength, i.scannedAt);
    } catch {
      certificate = null; // an unparseable certificate is a finding for later issues, not a crash
    }
  }

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
