/**
 * SSL 2.0 and SSL 3.0 (deep mode, --tls-suites): each offered alone, SSL 2.0 in its own CLIENT-HELLO format
 * (draft-hickman-netscape-ssl-00), SSL 3.0 as a TLS-style hello at version 3.0 without extensions (RFC 6101). An SSL
 * 2.0 SERVER-HELLO lists every cipher spec the server shares with us, so one connection says it all.
 */
import type { TlsVersionKey } from '../../record.js';
import type { Check } from '../contract.js';
import { candidateSuites } from './hello.js';
import { helloOnNewConnection, needsTls, tlsVia, type TlsVia } from './probe.js';
import { toProbe, type VersionProbe } from './versions.js';

/** The deep mode's switch: every TLS check that costs more than the default budget runs under it. */
export const DEEP_TLS_SWITCH = {
  flag: 'tls-suites',
  default: false,
  describe: 'TLS deep mode: SSL 2.0/3.0, every accepted cipher suite per version, server order, groups, DH size, compression, fallback SCSV (costs connections: see README)',
} as const;

export interface TlsLegacyResult {
  probes: Partial<Record<TlsVersionKey, VersionProbe>>;
}

export const TLS_LEGACY: Check<TlsLegacyResult> = {
  name: 'tls_legacy',
  switch: DEEP_TLS_SWITCH,
  budget: { tcp: 2 },
  priority: 21,
  needs: needsTls,
  async run(ctx) {
    const via = tlsVia(ctx.results) as TlsVia;
    const [ssl2, ssl3] = await Promise.all([helloOnNewConnection(ctx, via, 'ssl2.0', null), helloOnNewConnection(ctx, via, 'ssl3.0', { suites: candidateSuites('ssl3.0') })]);
    return { probes: { 'ssl2.0': toProbe(ssl2), 'ssl3.0': toProbe(ssl3) } };
  },
};
