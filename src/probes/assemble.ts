import { analyzeCertificate } from '../analysis/certificate.js';
import { since } from '../transport/clock.js';
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
import type { HostState } from './host-state.js';
import type { HostTarget } from './host.js';
import { rdpSecurityResult } from './rdp-security.js';

/** nla_required: every non-CredSSP request refused and a CredSSP one accepted; null while unknown. */
export function nlaRequired(p: Partial<Record<ProtocolKey, ProtocolResult>>): boolean | null {
  const nonCredssp = [p.rdp, p.ssl, p.rdstls, p.rdsaad];
  if (nonCredssp.some((x) => x?.supported === true)) return false;
  const credsspOk = p.hybrid?.supported === true || p.hybrid_ex?.supported === true;
  // Everything refused (a broken server) says nothing about NLA: null, not false.
  return p.rdp?.supported === false && p.ssl?.supported === false && credsspOk ? true : null;
}

export async function assemble(t: HostTarget, address: string | null, status: Status, st: HostState, scannedAt: Date, started: bigint): Promise<MeasuredRecord> {
  const measured = Object.keys(st.protocols).length > 0;
  const protocols = measured
    ? (Object.fromEntries(
        PROTOCOL_KEYS.map((k) => [
          k,
          // A protocol never asked (the client-like connection failed first, so nothing else was tried).
          st.protocols[k] ?? { requested: [], supported: null, response: 'error', selected: null, failure_code: null, flags: [], detail: 'not tested' },
        ]),
      ) as Record<ProtocolKey, ProtocolResult>)
    : null;

  let tls: TlsResult | null = null;
  const anyTls = Object.keys(st.tlsAttempts).length > 0 || st.clientTls !== null;
  if (anyTls) {
    const attempts = Object.fromEntries(
      TLS_VERSION_KEYS.map((v) => [v, st.tlsAttempts[v] ?? { accepted: null, cipher: null, refusal: null }]),
    ) as Record<TlsVersionKey, TlsAttempt>;
    tls = {
      via: st.tlsVia,
      versions: Object.fromEntries(TLS_VERSION_KEYS.map((v) => [v, attempts[v].accepted])) as Record<TlsVersionKey, boolean | null>,
      attempts,
      cipher: st.clientTls?.cipher ?? [...TLS_VERSION_KEYS].reverse().map((v) => attempts[v].cipher).find((c) => c) ?? null,
      negotiated_version: st.clientTls?.version ?? null,
    };
  }

  let certificate: CertificateInfo | null = null;
  const cert = st.cert;
  if (cert) {
    try {
      certificate = await analyzeCertificate(cert.der, cert.chainLength, scannedAt);
    } catch {
      certificate = null; // an unparseable certificate is a finding for later issues, not a crash
    }
  }

  // Null when nothing was measured: PROTOCOL_RDP refused, or the check skipped (--no-rdp-security).
  const rdpSecurity: RdpSecurityResult | null = st.mcs.length > 0 ? await rdpSecurityResult(st.mcs, scannedAt) : null;

  return {
    schema_version: RECORD_SCHEMA_VERSION,
    target: t.target,
    host: t.host,
    address,
    port: t.port,
    scanned_at: scannedAt.toISOString(),
    status,
    failure: st.clientFailure,
    protocols,
    nla_required: protocols ? nlaRequired(protocols) : null,
    tls,
    certificate,
    credssp: st.credssp,
    rdp_security: rdpSecurity,
    timings_ms: { total: since(started), ...st.timings },
    connections: st.connections,
    not_measured: st.notMeasured,
  };
}
