/**
 * Which TLS versions the server accepts, 1.0 to 1.3: each offered alone in rdprobe's own ClientHello with every
 * suite rdprobe knows for it (hello.ts), on its own connection, over the protocol that reaches TLS (ssl, else
 * hybrid, else hybrid_ex). The answer no longer depends on what the prober's OpenSSL build can do. The TLS 1.2 hello
 * rides on the ssl/hybrid probe's own connection (one connection less per host). SSL 2.0 and 3.0 are the deep
 * mode's (legacy.ts), to keep the default probe within 12 connections.
 */
import type { FirstFlight } from '../../../protocol/tls/flight.js';
import { sslv2CipherName } from '../../../protocol/tls/sslv2.js';
import { cipherSuiteName } from '../../../protocol/tls/suites.js';
import { SSL2_VERSION } from '../../../protocol/tls/versions.js';
import type { TlsAttempt, TlsVersionKey } from '../../record.js';
import type { RdpConnection } from '../../transport/rdp-connection.js';
import type { Check, CheckContext } from '../contract.js';
import type { Answer } from './answer.js';
import { candidateSuites, WIRE_VERSION } from './hello.js';
import { helloFor, helloOnConnection, helloOnNewConnection, needsTls, tlsVia, type TlsVia } from './probe.js';

/** The versions this check probes (SSL 2.0/3.0: legacy.ts). */
export const MODERN_VERSIONS = ['tls1.0', 'tls1.1', 'tls1.2', 'tls1.3'] as const;
type ModernVersion = (typeof MODERN_VERSIONS)[number];

/** What one version's hello measured: the record's attempt, and the flight of an accepted one (certificates...). */
export interface VersionProbe {
  attempt: TlsAttempt;
  flight: FirstFlight | null;
}

export interface TlsVersionsResult {
  via: TlsVia;
  probes: Partial<Record<TlsVersionKey, VersionProbe>>;
}

/** The version that rides on the ssl/hybrid probe (when TLS goes over hybrid_ex, nothing rides). */
export const RIDING_VERSION: ModernVersion = 'tls1.2';

/** An Answer as the record's attempt (the suite by IANA name). */
export function toProbe(a: Answer): VersionProbe {
  if (a.accepted) return { attempt: { accepted: true, cipher: a.version === SSL2_VERSION ? sslv2CipherName(a.suite) : cipherSuiteName(a.suite), refusal: null }, flight: a.flight };
  return { attempt: { accepted: a.accepted, cipher: null, refusal: a.refusal }, flight: null };
}

/** Everything rdprobe offers for `v`: the version probe's hello (also the start of the suite enumeration). */
const fullOffer = (v: Exclude<TlsVersionKey, 'ssl2.0'>) => ({ suites: candidateSuites(v) });

async function ride(conn: RdpConnection, ctx: CheckContext): Promise<VersionProbe> {
  const hello = helloFor(ctx, { version: RIDING_VERSION, ...fullOffer(RIDING_VERSION) });
  return toProbe(await helloOnConnection(ctx, conn, hello, hello.bytes, WIRE_VERSION[RIDING_VERSION]));
}

export const TLS_VERSIONS: Check<TlsVersionsResult> = {
  name: 'tls_versions',
  switch: { flag: 'tls-versions', default: true, describe: 'TLS version enumeration (--no-tls-versions skips it)' },
  budget: { tcp: 3 },
  priority: 20,
  rides: [
    { on: 'ssl', run: ride },
    { on: 'hybrid', run: ride },
  ],
  needs: needsTls,
  async run(ctx) {
    const via = tlsVia(ctx.results) as TlsVia;
    const out: TlsVersionsResult = { via, probes: {} };
    const versions = MODERN_VERSIONS.filter((v) => via === 'hybrid_ex' || v !== RIDING_VERSION);
    await Promise.all(
      versions.map(async (v) => {
        out.probes[v] = toProbe(await helloOnNewConnection(ctx, via, v, fullOffer(v)));
      }),
    );
    return out;
  },
};
