/**
 * Two properties of the server's TLS that need a hello of their own (deep mode, --tls-suites):
 *  - compression: a hello offering DEFLATE before null (RFC 3749); a server that takes it exposes CRIME.
 *    TLS 1.3 has no compression, so a server that only speaks 1.3 does not compress.
 *  - TLS_FALLBACK_SCSV (RFC 7507): a hello at the second-highest accepted version carrying the SCSV, as a client
 *    retrying after a failed handshake would; a server that knows the SCSV answers inappropriate_fallback (86).
 *    Windows' Schannel never implemented it.
 * Secure renegotiation and OCSP stapling need nothing extra: every hello asks for them (fold.ts reads the answers).
 */
import { ALERT_INAPPROPRIATE_FALLBACK } from '../../../protocol/tls/alert.js';
import type { TlsVersionKey } from '../../record.js';
import type { Check } from '../contract.js';
import { acceptedVersions, needsAcceptedVersions } from './collect.js';
import { candidateSuites } from './hello.js';
import { DEEP_TLS_SWITCH } from './legacy.js';
import { helloOnNewConnection, needsTls, tlsVia, type TlsVia } from './probe.js';

export interface TlsFeaturesResult {
  compression: boolean | null;
  fallbackScsv: boolean | null;
}

type HelloVersion = Exclude<TlsVersionKey, 'ssl2.0'>;

export const TLS_FEATURES: Check<TlsFeaturesResult> = {
  name: 'tls_features',
  switch: DEEP_TLS_SWITCH,
  budget: { tcp: 2 },
  priority: 24,
  needs: (r) => needsAcceptedVersions(r, needsTls(r), true),
  async run(ctx) {
    const via = tlsVia(ctx.results) as TlsVia;
    const accepted = acceptedVersions(ctx.results).filter((v): v is HelloVersion => v !== 'ssl2.0');
    const out: TlsFeaturesResult = { compression: null, fallbackScsv: null };
    const compressible = [...accepted].reverse().find((v) => v !== 'tls1.3');
    const tlsOnly = accepted.filter((v) => v.startsWith('tls'));
    await Promise.all([
      (async () => {
        if (compressible === undefined) {
          out.compression = accepted.includes('tls1.3') ? false : null;
          return;
        }
        const a = await helloOnNewConnection(ctx, via, compressible, { suites: candidateSuites(compressible), deflate: true });
        out.compression = a.accepted ? a.flight.serverHello?.compressionMethod === 1 : null;
      })(),
      (async () => {
        if (tlsOnly.length < 2) return;
        const lower = tlsOnly[tlsOnly.length - 2]!;
        const a = await helloOnNewConnection(ctx, via, lower, { suites: candidateSuites(lower), fallbackScsv: true });
        if (a.accepted) out.fallbackScsv = false;
        else if (a.refusal.kind === 'alert' && a.refusal.alert === ALERT_INAPPROPRIATE_FALLBACK) out.fallbackScsv = true;
      })(),
    ]);
    return out;
  },
};
