/**
 * The key exchange groups the server accepts (deep mode, --tls-suites), each asked alone so the hellos can go side
 * by side. Over TLS 1.3: a hello whose supported_groups holds the one group and whose key_share is empty asks the
 * server to name it in a HelloRetryRequest (RFC 8446 4.2.8, 4.1.4); a server without it refuses. Without TLS 1.3: a
 * TLS 1.2-or-below hello offering only ECDHE suites and the one curve, where the ServerKeyExchange names the curve
 * (RFC 8422 5.4); finite-field groups are not listed there (the DH prime size is, in dh_bits). The groups are
 * listed in rdprobe's order (x25519, P-256, P-384, P-521, x448, ffdhe...), not the server's.
 */
import { FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192, namedGroupName, SECP256R1, SECP384R1, SECP521R1, X25519, X448 } from '../../../protocol/tls/groups.js';
import { cipherSuiteInfo } from '../../../protocol/tls/suites.js';
import type { TlsVersionKey } from '../../record.js';
import type { Check } from '../contract.js';
import { acceptedVersions, needsAcceptedVersions } from './collect.js';
import { candidateSuites } from './hello.js';
import { DEEP_TLS_SWITCH } from './legacy.js';
import { helloOnNewConnection, needsTls, tlsVia, type TlsVia } from './probe.js';

const TLS13_GROUPS = [X25519, SECP256R1, SECP384R1, SECP521R1, X448, FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192];
const EC_GROUPS = [X25519, SECP256R1, SECP384R1, SECP521R1, X448];

export interface TlsGroupsResult {
  /** Names of the groups the server accepts, in rdprobe's order. */
  groups: string[];
  /** The version the groups were read with. */
  version: TlsVersionKey;
}

export const TLS_GROUPS: Check<TlsGroupsResult | null> = {
  name: 'tls_groups',
  switch: DEEP_TLS_SWITCH,
  budget: { tcp: TLS13_GROUPS.length },
  priority: 23,
  needs: (r) => needsAcceptedVersions(r, needsTls(r), false),
  async run(ctx) {
    const via = tlsVia(ctx.results) as TlsVia;
    const accepted = acceptedVersions(ctx.results);
    const tls13 = accepted.includes('tls1.3');
    const version = tls13 ? 'tls1.3' : ([...accepted].reverse().find((v) => v.startsWith('tls')) as Exclude<TlsVersionKey, 'ssl2.0' | 'ssl3.0' | 'tls1.3'> | undefined);
    if (!version) return null;
    const suites = tls13 ? candidateSuites('tls1.3') : candidateSuites(version).filter((s) => cipherSuiteInfo(s)?.kx === 'ECDHE');
    const candidates = tls13 ? TLS13_GROUPS : EC_GROUPS;
    const answers = await Promise.all(candidates.map((g) => helloOnNewConnection(ctx, via, version, { suites, groups: [g], keyShares: [] })));
    const found = candidates.filter((g, i) => {
      const a = answers[i]!;
      return a.accepted && a.flight.group === g;
    });
    return { groups: found.map(namedGroupName), version };
  },
};
