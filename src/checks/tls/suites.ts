/**
 * Every cipher suite the server accepts, per accepted version (deep mode, --tls-suites), the way testssl.sh and
 * sslscan find them: offer everything rdprobe knows for the version, note the suite the server picks, offer the
 * rest again without it, until the server refuses. The version probe's own hello was the first round, so a version
 * costs one connection per accepted suite after the first, one for the order rule (see enumerate), and the final
 * refusal of each chain. SSL 2.0 needs no rounds: its SERVER-HELLO lists every shared cipher spec.
 */
import { serverKeyExchangeKind } from '../../../protocol/tls/server-key-exchange.js';
import type { FirstFlight } from '../../../protocol/tls/flight.js';
import { cipherSuiteInfo } from '../../../protocol/tls/suites.js';
import type { TlsVersionKey } from '../../record.js';
import type { Check, CheckContext } from '../contract.js';
import { acceptedVersions, needsAcceptedVersions, versionProbes } from './collect.js';
import { candidateSuites } from './hello.js';
import { DEEP_TLS_SWITCH } from './legacy.js';
import { helloOnNewConnection, needsTls, tlsVia, type TlsVia } from './probe.js';

/**
 * Connections the enumeration may open to one host: enough for a server that accepts every suite of SSL 3.0 to TLS
 * 1.3 that anything ships with today (Windows Server 2022 accepts 24 in TLS 1.2); README "TLS deep mode" has the
 * formula. A server that accepts more is reported as far as the cap reached (not_measured says so).
 */
export const SUITES_BUDGET = 160;

export interface TlsSuitesResult {
  /** Accepted suite values (SSL 2.0: cipher specs) per version, in the order the rounds found them. */
  suites: Partial<Record<TlsVersionKey, number[]>>;
  /** Per version with 2+ suites: the server imposes its order (true) or follows the client's (false). */
  preference: Partial<Record<TlsVersionKey, boolean | null>>;
  /** DH prime sizes (bits) seen in ServerKeyExchange of DHE suites. */
  dhBits: number[];
}

function dhBitsOf(f: FirstFlight | null, suite: number): number | null {
  return f && serverKeyExchangeKind(suite) === 'dhe' ? f.dhBits : null;
}

/** Chains run side by side on a server that follows the client's order (the deep mode's slots allow 8 at once). */
const PARTITIONS = 6;

/** Offers `pool`, notes the pick, offers the rest without it, until the server refuses. */
async function chain(ctx: CheckContext, via: TlsVia, v: HelloVersion, pool: readonly number[], out: TlsSuitesResult): Promise<number[]> {
  const found: number[] = [];
  let remaining = [...pool];
  while (remaining.length > 0) {
    const a = await helloOnNewConnection(ctx, via, v, { suites: remaining });
    if (!a.accepted || !remaining.includes(a.suite)) break;
    found.push(a.suite);
    const bits = dhBitsOf(a.flight, a.suite);
    if (bits !== null) out.dhBits.push(bits);
    remaining = remaining.filter((s) => s !== a.suite);
  }
  return found;
}

/**
 * One version. The version probe offered every candidate strongest first and got `first`. The same list reversed
 * tells the order rule at once: a server that imposes its own order picks `first` again; one that follows the
 * client's picks its weakest suite. A server with its own order is then walked in one chain, so the rounds find
 * its order; one that follows ours is split into chains that run side by side (the order is ours anyway).
 */
async function enumerate(ctx: CheckContext, via: TlsVia, v: HelloVersion, first: number, firstFlight: FirstFlight | null, out: TlsSuitesResult): Promise<void> {
  const dh = dhBitsOf(firstFlight, first);
  if (dh !== null) out.dhBits.push(dh);
  const all = candidateSuites(v);
  const rest = all.filter((s) => s !== first);
  if (rest.length === 0) {
    out.suites[v] = [first];
    return;
  }
  const probe = await helloOnNewConnection(ctx, via, v, { suites: [...all].reverse() });
  const serverOrder = probe.accepted ? probe.suite === first : null;
  let found: number[];
  if (serverOrder !== false) {
    found = [first, ...(await chain(ctx, via, v, rest, out))];
  } else {
    // The reversed hello already found the weakest accepted suite: it goes with the others.
    const weakest = probe.accepted ? probe.suite : first;
    const known = [first, weakest];
    const pool = rest.filter((s) => s !== weakest);
    const parts = Array.from({ length: PARTITIONS }, (_, i) => pool.filter((_s, j) => j % PARTITIONS === i));
    const picks = await Promise.all(parts.map((p) => chain(ctx, via, v, p, out)));
    const rank = new Map(all.map((s, i) => [s, i]));
    found = [...new Set([...known, ...picks.flat()])].sort((a, b) => rank.get(a)! - rank.get(b)!);
  }
  out.suites[v] = found;
  out.preference[v] = found.length < 2 ? null : serverOrder;
}

type HelloVersion = Exclude<TlsVersionKey, 'ssl2.0'>;

export const TLS_SUITES: Check<TlsSuitesResult> = {
  name: 'tls_suites',
  switch: DEEP_TLS_SWITCH,
  budget: { tcp: SUITES_BUDGET },
  priority: 22,
  needs: (r) => needsAcceptedVersions(r, needsTls(r), true),
  async run(ctx) {
    const via = tlsVia(ctx.results) as TlsVia;
    const probes = versionProbes(ctx.results);
    const out: TlsSuitesResult = { suites: {}, preference: {}, dhBits: [] };
    await Promise.all(
      acceptedVersions(ctx.results).map(async (v) => {
        const p = probes[v]!;
        const f = p.flight;
        if (v === 'ssl2.0') {
          out.suites[v] = f?.sslv2?.cipherSpecs ?? [];
          return;
        }
        const first = f?.cipherSuite ?? null;
        if (first === null || !cipherSuiteInfo(first)) return;
        await enumerate(ctx, via, v, first, f, out);
      }),
    );
    return out;
  },
};

