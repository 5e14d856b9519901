/**
 * Every version probe of a host in one map: the version check's own connections, the TLS 1.2 hello that rode on
 * the ssl/hybrid probe, and the deep mode's SSL 2.0/3.0. The fold and the deep checks read versions only from here.
 */
import { TLS_VERSION_KEYS, type TlsVersionKey } from '../../record.js';
import { wasCut, type Need, type Results } from '../contract.js';
import { protocolCheckName, type ProtocolProbeResult } from '../protocols.js';
import type { TlsLegacyResult } from './legacy.js';
import { RIDING_VERSION, type TlsVersionsResult, type VersionProbe } from './versions.js';

export function versionProbes(r: Pick<Results, 'get'>): Partial<Record<TlsVersionKey, VersionProbe>> {
  const versions = r.get<TlsVersionsResult>('tls_versions');
  const out: Partial<Record<TlsVersionKey, VersionProbe>> = { ...(versions?.probes ?? {}) };
  if (versions && versions.via !== 'hybrid_ex') {
    const ride = r.get<ProtocolProbeResult>(protocolCheckName(versions.via))?.rides['tls_versions'] as VersionProbe | undefined;
    if (ride) out[RIDING_VERSION] = ride;
  }
  Object.assign(out, r.get<TlsLegacyResult>('tls_legacy')?.probes ?? {});
  return out;
}

/** The versions a probe saw accepted, oldest first. */
export function acceptedVersions(r: Pick<Results, 'get'>): TlsVersionKey[] {
  const p = versionProbes(r);
  return TLS_VERSION_KEYS.filter((v) => p[v]?.attempt.accepted === true);
}

/**
 * The need of a deep-mode check that works on the accepted versions: TLS reachable, the version checks done (SSL
 * ones too when `legacy`), at least one version accepted; `cut` when what would have said so was itself cut.
 */
export function needsAcceptedVersions(r: Results, tlsNeed: Need, legacy: boolean): Need {
  if (tlsNeed !== 'run') return tlsNeed;
  const inputs = legacy ? ['tls_versions', 'tls_legacy'] : ['tls_versions'];
  if (inputs.some((c) => !r.isDone(c))) return 'wait';
  if (acceptedVersions(r).some((v) => legacy || v.startsWith('tls'))) return 'run';
  return inputs.some((c) => wasCut(r, c)) ? 'cut' : 'skip';
}
