/**
 * The key exchange groups the server accepts, in its order (deep mode, --tls-suites). Over TLS 1.3: a hello with
 * supported_groups and an empty key_share asks the server to name the group it wants in a HelloRetryRequest
 * (RFC 8446 4.2.8, 4.1.4); offering the rest again without it, round after round, lists every group it takes
 * (ffdhe ones included) in its order. Without TLS 1.3: a TLS 1.2-or-below hello offering only ECDHE suites, where
 * the ServerKeyExchange names the curve (RFC 8422 5.4); finite-field groups are not listed there (the DH prime
 * size is, in dh_bits).
 */
import { FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192, namedGroupName, SECP256R1, SECP384R1, SECP521R1, X25519, X448 } from '../../../protocol/tls/groups.js';
import { cipherSuiteInfo } from '../../../protocol/tls/suites.js';
import type { TlsVersionKey } from '../../record.js';
import { wasCut, type Check } from '../contract.js';
import { acceptedVersions } from './collect.js';
import { candidateSuites } from './hello.js';
import { DEEP_TLS_SWITCH } from './legacy.js';
import { helloOnNewConnection, needsTls, tlsVia, type TlsVia } from './probe.js';

const TLS13_GROUPS = [X25519, SECP256R1, SECP384R1, SECP521R1, X448, FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192];
const EC_GROUPS = [X25519, SECP256R1, SECP384R1, SECP521R1, X448];

export interface TlsGroupsResult {
  /** Group names in the server's order. */
  groups: string[];
  /** The version the groups were read with. */
  version: TlsVersionKey;
}

export const TLS_GROUPS: Check<TlsGroupsResult | null> = {
  name: 'tls_groups',
  switch: DEEP_TLS_SWITCH,
  budget: { tcp: TLS13_GROUPS.length + 1 },
  priority: 23,
  needs(r) {
    const tls = needsTls(r);
    if (tls !== 'run') return tls;
    if (!r.isDone('tls_versions')) return 'wait';
    const accepted = acceptedVersions(r);
    if (accepted.some((v) => v.startsWith('tls'))) return 'run';
    return wasCut(r, 'tls_versions') ? 'cut' : 'skip';
  },
  async run(ctx) {
    const via = tlsVia(ctx.results) as TlsVia;
    const accepted = acceptedVersions(ctx.results);
    const tls13 = accepted.includes('tls1.3');
    const version = tls13 ? 'tls1.3' : ([...accepted].reverse().find((v) => v.startsWith('tls')) as Exclude<TlsVersionKey, 'ssl2.0' | 'ssl3.0' | 'tls1.3'> | undefined);
    if (!version) return null;
    const suites = tls13 ? candidateSuites('tls1.3') : candidateSuites(version).filter((s) => cipherSuiteInfo(s)?.kx === 'ECDHE');
    const found: number[] = [];
    let remaining = tls13 ? TLS13_GROUPS : EC_GROUPS;
    while (remaining.length > 0) {
      const a = await helloOnNewConnection(ctx, via, version, { suites, groups: remaining, keyShares: [] });
      const group = a.accepted ? a.flight.group : null;
      if (group === null || !remaining.includes(group)) break;
      found.push(group);
      remaining = remaining.filter((g) => g !== group);
    }
    return { groups: found.map(namedGroupName), version };
  },
};
