/**
 * The connection a current mstsc makes (requestedProtocols SSL|HYBRID|HYBRID_EX), carried one step further each
 * time as that client would: TLS, then CredSSP for HYBRID/HYBRID_EX, or MCS Connect when the server picks Standard
 * RDP Security. The first step that fails is the record's `failure`, and this connection decides the host's
 * status: a host that refuses it, stays silent or is not RDP gets no other check (a dead host costs one
 * connection). Its X.224 answer is also the `hybrid_ex` protocol probe.
 */
import type { ConnectionAnswer } from '../../protocol/connection.js';
import { PROTOCOL_RDP } from '../../protocol/negotiation.js';
import type { RdpConnection } from '../transport/rdp-connection.js';
import { CONNECT_MS } from '../transport/dialer.js';
import { now, since } from '../transport/clock.js';
import type { TlsRange } from '../transport/tls.js';
import type { CredsspResult, Failure, ProtocolResult, Status, Timings, TlsHandshake } from '../record.js';
import type { Check, CheckContext } from './contract.js';
import { credsspStep } from './steps/credssp.js';
import { toFailure } from './steps/failure.js';
import { ENCRYPTION_METHOD_KEYS, mcsStep, type McsOutcome } from './steps/mcs.js';
import { negotiate, PROBE_REQUESTS, protocolResult, selectedKey } from './steps/negotiation.js';
import { tlsStep, type PeerCert } from './steps/tls.js';

/** What a current client offers: any TLS version from 1.0 to 1.3 (at security level 0, to reach old servers too). */
const ANY_TLS: TlsRange = { min: 'TLSv1', max: 'TLSv1.3' };

export interface ClientResult {
  /** The host's status once known: ok (an RDP server answered), unreachable, not_rdp, error. */
  status: Status | null;
  /** The X.224 answer, as the hybrid_ex protocol probe (published as soon as it is in). */
  protocol: ProtocolResult | null;
  /** The TLS handshake of this connection, when it completed. */
  tls: { version: string; cipher: string } | null;
  /** This connection's TLS handshake, completed or not (the record's tls.handshake); null when TLS was not reached. */
  handshake: TlsHandshake | null;
  /** The certificate this connection saw (reported in preference to any other). */
  cert: PeerCert | null;
  credssp: CredsspResult | null;
  /** MCS Connect offering every encryption method, when the server chose Standard RDP Security. */
  mcs: McsOutcome | null;
  failure: Failure | null;
  timings: Omit<Timings, 'total'>;
}

export const CLIENT: Check<ClientResult> = {
  name: 'client',
  budget: { tcp: 1 },
  priority: 0,
  switches: [{ flag: 'credssp', default: true, describe: 'CredSSP/NTLM identity step (--no-credssp skips it)' }],
  needs: () => 'run',
  async run(ctx) {
    const r: ClientResult = { status: null, protocol: null, tls: null, handshake: null, cert: null, credssp: null, mcs: null, failure: null, timings: {} };
    const t0 = now();
    try {
      await ctx.withConnection(async (conn) => {
        r.timings.tcp = CONNECT_MS.get(conn.stream) ?? since(t0);
        const x0 = now();
        const n = await negotiate(conn, PROBE_REQUESTS.hybrid_ex, ctx.options.cookie, ctx.budget);
        r.timings.x224 = since(x0);
        r.protocol = protocolResult('hybrid_ex', PROBE_REQUESTS.hybrid_ex, n);
        if (!n.ok) {
          r.failure = ctx.observe(n.failure);
          r.status = n.failure.reason === 'not_tpkt' ? 'not_rdp' : 'error';
          return;
        }
        r.status = 'ok';
        ctx.publish({ ...r });
        await continueLikeAClient(ctx, conn, n.answer, r);
      });
    } catch (e) {
      // The connection could not be made: nothing listens (or rdprobe's own limits stopped it).
      r.failure = ctx.observe(toFailure('tcp', e));
      r.status = 'unreachable';
    }
    return r;
  },
};

async function continueLikeAClient(ctx: CheckContext, conn: RdpConnection, answer: ConnectionAnswer, r: ClientResult): Promise<void> {
  if (answer.type === 'failure') {
    r.failure = { stage: 'negotiation', reason: r.protocol!.failure_code!, detail: 'the server refused SSL|HYBRID|HYBRID_EX, the request a modern client sends' };
    return;
  }
  if (answer.type === 'disconnect') {
    r.failure = { stage: 'negotiation', reason: 'disconnect', detail: r.protocol!.detail };
    return;
  }
  const selected = selectedKey(answer);
  if (selected === 'ssl' || selected === 'hybrid' || selected === 'hybrid_ex') {
    const withCredssp = selected !== 'ssl' && (ctx.options.checks['credssp'] ?? true);
    const t0 = now();
    const t = await tlsStep(conn, ANY_TLS, ctx.budget, withCredssp);
    r.timings.tls = since(t0);
    if (t.cert) r.cert = t.cert;
    r.handshake = { completed: t.attempt.accepted, version: t.version, cipher: t.attempt.cipher, refusal: t.attempt.refusal };
    if (!t.attempt.accepted) {
      const ref = t.attempt.refusal!;
      r.failure = ctx.observe({ stage: 'tls', reason: ref.kind, detail: ref.alert_description ? `alert ${ref.alert} ${ref.alert_description}` : ref.detail });
      return;
    }
    r.tls = { version: t.version ?? 'unknown', cipher: t.attempt.cipher ?? 'unknown' };
    if (t.socket) {
      const c0 = now();
      const c = await credsspStep(t.socket, ctx.budget);
      r.timings.credssp = since(c0);
      r.credssp = c.result;
      if (c.failure) r.failure = ctx.observe(c.failure);
    }
    return;
  }
  if (selected === 'rdp') {
    if (!(ctx.options.checks['rdp-security'] ?? true)) return;
    const m0 = now();
    r.mcs = await mcsStep(conn, PROTOCOL_RDP, ENCRYPTION_METHOD_KEYS, ctx.budget);
    r.timings.mcs = since(m0);
    if (!r.mcs.ok) r.failure = ctx.observe(r.mcs.failure);
    return;
  }
  r.failure = { stage: 'negotiation', reason: 'protocol_mismatch', detail: `the server selected ${selected}, which was not requested` };
}
