/**
 * The key exchange groups the server accepts (deep mode, --tls-suites), each asked alone so the hellos can go side
 * by side. Over TLS 1.3: a hello whose supported_groups holds the one group and whose key_share is empty asks the
 * server to name it in a HelloRetryRequest (RFC 8446 4.2.8, 4.1.4); a server without it refuses. Without TLS 1.3: a
 * TLS 1.2-or-below hello offering only ECDHE suites and the one curve, where the ServerKeyExchange names the curve
 * (RFC 8422 5.4); finite-field groups are not listed there (the DH prime size is, in dh_bits). The groups are
 * listed in rdprobe's order (x25519, P-256, P-384, P-521, x448, ffdhe...), not the server's. The five finite-field
 * groups are first asked together: one connection for a server that takes none of them.
 */
import { FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192, namedGroupName, SECP256R1, SECP384R1, SECP521R1, X25519, X448 } from '../../../protocol/tls/groups.js';
import { cipherSuiteInfo } from '../../../protocol/tls/suites.js';
import type { TlsVersionKey } from '../../record.js';
import type { Check } from '../contract.js';
import { acceptedVersions, needsAcceptedVersions } from './collect.js';
import { candidateSuites } from './hello.js';
import { DEEP_TLS_SWITCH } from './legacy.js';
import { helloOnNewConnection, needsTls, tlsVia, type TlsVia } from './probe.js';

const EC_GROUPS = [X25519, SECP256R1, SECP384R1, SECP521R1, X448];
const FFDHE_GROUPS = [FFDHE2048, FFDHE3072, FFDHE4096, FFDHE6144, FFDHE8192];
const TLS13_GROUPS = [...EC_GROUPS, ...FFDHE_GROUPS];

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
    // The finite-field groups are rare on RDP servers (Schannel has none in TLS 1.3): one hello asks for all five
    // first, and only a server that takes one of them is asked about each.
    const ask = (groups: number[]) => helloOnNewConnection(ctx, via, version, { suites, groups, keyShares: [] });
    const took = (a: Awaited<ReturnType<typeof ask>>, groups: readonly number[]) => (a.accepted && a.flight.group !== null && groups.includes(a.flight.group) ? a.flight.group : null);
    const single = async (g: number) => (took(await ask([g]), [g]) === g ? [g] : []);
    const ffdhe = async (): Promise<number[]> => {
      const first = took(await ask(FFDHE_GROUPS), FFDHE_GROUPS);
      if (first === null) return [];
      const rest = await Promise.all(FFDHE_GROUPS.filter((g) => g !== first).map(single));
      return [first, ...rest.flat()];
    };
    const [ec, ff] = await Promise.all([Promise.all(EC_GROUPS.map(single)).then((x) => x.flat()), tls13 ? ffdhe() : Promise.resolve([])]);
    const order = tls13 ? TLS13_GROUPS : EC_GROUPS;
    const found = order.filter((g) => ec.includes(g) || ff.includes(g));
    return { groups: found.map(namedGroupName), version };
  },
};
