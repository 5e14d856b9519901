/**
 * Which TLS versions the server accepts (1.0 to 1.3), each offered alone on its own connection at OpenSSL security
 * level 0, over the protocol that reaches TLS: ssl when the server selects it alone, else hybrid, else hybrid_ex.
 * The TLS 1.2 attempt rides on the ssl/hybrid protocol probe's own connection (one connection less per host).
 */
import { TLS_VERSION_KEYS, type TlsAttempt, type TlsResult, type TlsVersionKey } from '../record.js';
import type { TlsRange } from '../transport/tls.js';
import type { ClientResult } from './client.js';
import { wasCut, type Check, type CheckContext, type Results } from './contract.js';
import { clientAnswered, protocolCheckName, type ProtocolProbeResult } from './protocols.js';
import { toFailure } from './steps/failure.js';
import { negotiate, PROBE_REQUESTS, selectedKey } from './steps/negotiation.js';
import { tlsStep, type PeerCert } from './steps/tls.js';
import type { RdpConnection } from '../transport/rdp-connection.js';

export type TlsVia = Exclude<TlsResult['via'], null>;

export interface TlsVersionsResult {
  via: TlsVia;
  attempts: Partial<Record<TlsVersionKey, TlsAttempt>>;
  /** The first certificate a version attempt saw (in version order). */
  cert: PeerCert | null;
}

/** What a TLS 1.2 ride on a protocol probe's connection measured. */
export interface TlsRide {
  attempt: TlsAttempt;
  cert: PeerCert | null;
}

const SECURE_VERSION: Record<TlsVersionKey, TlsRange['min']> = { 'tls1.0': 'TLSv1', 'tls1.1': 'TLSv1.1', 'tls1.2': 'TLSv1.2', 'tls1.3': 'TLSv1.3' };
const only = (v: TlsVersionKey): TlsRange => ({ min: SECURE_VERSION[v], max: SECURE_VERSION[v] });
/** The version that rides on the ssl/hybrid probe (when TLS goes over hybrid_ex, nothing rides). */
export const RIDING_VERSION: TlsVersionKey = 'tls1.2';

/** A TLS version that could not be tried (the X.224 step before it broke): not measured, with why. */
const notTried = (detail: string): TlsAttempt => ({ accepted: null, cipher: null, refusal: { kind: 'error', alert: null, alert_description: null, detail } });

/** The protocol the version attempts go over, once known: ssl, else hybrid, else hybrid_ex; null: no TLS at all. */
export function tlsVia(r: Results): TlsVia | null | 'wait' {
  const supported = (k: 'ssl' | 'hybrid') => r.get<ProtocolProbeResult>(protocolCheckName(k))?.protocol.supported;
  const ssl = supported('ssl');
  if (ssl === undefined && !r.isDone(protocolCheckName('ssl'))) return 'wait';
  if (ssl === true) return 'ssl';
  const hybrid = supported('hybrid');
  if (hybrid === undefined && !r.isDone(protocolCheckName('hybrid'))) return 'wait';
  if (hybrid === true) return 'hybrid';
  return r.get<ClientResult>('client')?.protocol?.supported === true ? 'hybrid_ex' : null;
}

async function attempt(ctx: CheckContext, conn: RdpConnection, v: TlsVersionKey): Promise<TlsRide> {
  const r = await tlsStep(conn, only(v), ctx.budget, false);
  if (r.attempt.refusal?.kind === 'deadline') ctx.noteCut('deadline');
  return { attempt: r.attempt, cert: r.cert };
}

const ride = (on: 'ssl' | 'hybrid') => ({ on, run: (conn: RdpConnection, ctx: CheckContext) => attempt(ctx, conn, RIDING_VERSION) });

export const TLS_VERSIONS: Check<TlsVersionsResult> = {
  name: 'tls_versions',
  switch: { flag: 'tls-versions', default: true, describe: 'TLS version enumeration (--no-tls-versions skips it)' },
  budget: { tcp: 3 },
  priority: 20,
  rides: [ride('ssl'), ride('hybrid')],
  needs(r) {
    const client = clientAnswered(r);
    if (client !== 'run') return client;
    const via = tlsVia(r);
    if (via === 'wait') return 'wait';
    if (via !== null) return 'run';
    // No protocol reaches TLS, as far as measured: if a probe that could have was cut, that is not known.
    return [protocolCheckName('ssl'), protocolCheckName('hybrid'), 'client'].some((c) => wasCut(r, c)) ? 'cut' : 'skip';
  },
  async run(ctx) {
    const via = tlsVia(ctx.results) as TlsVia;
    const out: TlsVersionsResult = { via, attempts: {}, cert: null };
    const certs: Partial<Record<TlsVersionKey, PeerCert>> = {};
    const versions = TLS_VERSION_KEYS.filter((v) => via === 'hybrid_ex' || v !== RIDING_VERSION);
    await Promise.all(
      versions.map(async (v) => {
        try {
          await ctx.withConnection(async (conn) => {
            const n = await negotiate(conn, PROBE_REQUESTS[via], ctx.options.cookie, ctx.budget);
            if (!n.ok || selectedKey(n.answer) !== via) {
              if (!n.ok) ctx.observe(n.failure);
              out.attempts[v] = notTried(`X.224 step did not select ${via} this time`);
              return;
            }
            const a = await attempt(ctx, conn, v);
            out.attempts[v] = a.attempt;
            if (a.cert) certs[v] = a.cert;
          });
        } catch (e) {
          const f = ctx.observe(toFailure('tcp', e));
          out.attempts[v] = notTried(`${f.reason}: ${f.detail ?? ''}`);
        }
      }),
    );
    out.cert = TLS_VERSION_KEYS.map((v) => certs[v]).find((c) => c !== undefined) ?? null;
    return out;
  },
};
