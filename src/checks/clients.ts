/**
 * Client compatibility by handshake simulation (opt-in: --clients LIST|all). For each client profile
 * (src/clients) rdprobe sends that client's own RDP_NEG_REQ (its requested protocols, the scan's cookie) and, when
 * the server selects TLS, that client's own ClientHello (its versions, suites, groups and extensions, in its order);
 * when the server selects Standard RDP Security, an MCS Connect Initial offering the client's encryption methods;
 * after SSL_NOT_ALLOWED_BY_SERVER, the retry asking for PROTOCOL_RDP that such a client makes. The server's real
 * answers decide; src/analysis/client-compat.ts judges them, with the record's facts for what one connection cannot
 * show, into the record's `clients` section.
 *
 * Budget (its own, outside the 12 connections of the default checks): one connection per distinct offer (profiles
 * sending the same bytes share it; client-plans.ts) plus one per distinct Standard RDP Security retry. A profile
 * whose TLS offer is unknown reuses another profile's X.224 answer to the same request. Nothing beyond the
 * server's first TLS flight (or its MCS Connect Response) is sent: no key exchange, no credentials.
 */
import { encodeClientHello, type ClientHelloSpec } from '../../protocol/tls/client-hello.js';
import { validateServerHello } from '../../protocol/tls/validate.js';
import { ALERT_LEVEL_FATAL } from '../../protocol/tls/alert.js';
import { encryptionLevelName, encryptionMethodName } from '../../protocol/rdp-security.js';
import { failureCodeName, PROTOCOL_RDP, requestedProtocolNames } from '../../protocol/negotiation.js';
import { clientVerdict } from '../analysis/client-compat.js';
import { selectionRequested, TLS_PROTOCOLS, type HandshakeSeen, type McsSeen, type NegotiationSeen, type TlsSeen } from '../analysis/client-handshake.js';
import { CLIENT_PROFILES } from '../clients/index.js';
import type { ClientVerdict, EncryptionMethod } from '../record.js';
import type { RdpConnection } from '../transport/rdp-connection.js';
import { exchangeFirstFlight } from '../transport/tls-first-flight.js';
import { clientPlans, clientsConnectionBudget, negotiationOnly, selectedProfiles, type ClientPlan } from './client-plans.js';
import type { Check, CheckContext, CoreSections } from './contract.js';
import { clientAnswered } from './protocols.js';
import { toFailure } from './steps/failure.js';
import { mcsStep } from './steps/mcs.js';
import { negotiate, selectedKey, type Negotiated } from './steps/negotiation.js';

export interface ClientsCheckResult {
  /** Each distinct offer: the profiles that make it and what the server answered. */
  plans: { profiles: string[]; seen: HandshakeSeen }[];
}

type Retry = { negotiation: NegotiationSeen; mcs: McsSeen | null };

export const CLIENTS: Check<ClientsCheckResult> = {
  name: 'clients',
  enabledBy: (o) => selectedProfiles(o.clients).length > 0,
  budget: (o) => ({ tcp: clientsConnectionBudget(o.clients) }),
  // After the default checks: it is the largest and the least urgent.
  priority: 50,
  needs: clientAnswered,
  async run(ctx) {
    const plans = clientPlans(selectedProfiles(ctx.options.clients), ctx.host.host);
    const retries = new Map<string, Promise<Retry>>();
    const seen = new Map<ClientPlan, HandshakeSeen>();
    await Promise.all(plans.filter((p) => !negotiationOnly(p)).map(async (p) => seen.set(p, await simulate(ctx, p, retries))));
    // A plan that would stop at the X.224 answer takes the answer another plan got to the same request.
    const answers = new Map<number | null, NegotiationSeen>();
    for (const [p, s] of seen) if (s.negotiation.kind !== 'broken' && !answers.has(p.requested)) answers.set(p.requested, s.negotiation);
    await Promise.all(
      plans.filter(negotiationOnly).map(async (p) => {
        const known = answers.get(p.requested);
        seen.set(p, known ? { negotiation: known, tls: null, mcs: null, fallback: null } : await simulate(ctx, p, retries));
      }),
    );
    return { plans: plans.map((p) => ({ profiles: p.profiles, seen: seen.get(p)! })) };
  },
  section: { key: 'clients', value: (result, _status, core) => (result ? clientsSection(result, core) : null) },
};

/** The record's `clients`: a verdict per profile simulated, in report order. */
function clientsSection(result: ClientsCheckResult, core: CoreSections): Record<string, ClientVerdict> {
  const byId = new Map(result.plans.flatMap((p) => p.profiles.map((id) => [id, p.seen] as const)));
  const ctx = { host: core.host, certificate: core.certificate, credssp: core.credssp, tls: core.tls };
  return Object.fromEntries(CLIENT_PROFILES.filter((p) => byId.has(p.id)).map((p) => [p.id, clientVerdict(p, byId.get(p.id)!, ctx)]));
}

/** One plan's connection, carried as far as its client would go; then the Standard RDP Security retry if due. */
async function simulate(ctx: CheckContext, plan: ClientPlan, retries: Map<string, Promise<Retry>>): Promise<HandshakeSeen> {
  const seen: HandshakeSeen = { negotiation: { kind: 'broken', stage: 'tcp', reason: 'error', detail: 'not tried' }, tls: null, mcs: null, fallback: null };
  const requested = plan.requested === null ? [] : requestedProtocolNames(plan.requested);
  try {
    await ctx.withConnection(async (conn) => {
      seen.negotiation = negotiationSeen(ctx, await negotiate(conn, plan.requested, ctx.options.cookie, ctx.budget));
      if (seen.negotiation.kind !== 'selected' || !selectionRequested(requested, seen.negotiation.protocol)) return;
      const selected = seen.negotiation.protocol;
      if (selected === 'rdp') {
        if (plan.methods) seen.mcs = await mcs(ctx, conn, plan.methods);
      } else if (TLS_PROTOCOLS.includes(selected) && plan.hello) {
        seen.tls = await hello(ctx, conn, plan.hello);
      }
    });
  } catch (e) {
    const f = ctx.observe(toFailure('tcp', e));
    seen.negotiation = { kind: 'broken', stage: f.stage, reason: f.reason, detail: f.detail };
  }
  if (seen.negotiation.kind === 'refused' && seen.negotiation.code === 'SSL_NOT_ALLOWED_BY_SERVER' && plan.methods) {
    const methods = plan.methods;
    const key = methods.join(',');
    if (!retries.has(key)) retries.set(key, retryStandardSecurity(ctx, methods));
    seen.fallback = await retries.get(key)!;
  }
  return seen;
}

function negotiationSeen(ctx: CheckContext, n: Negotiated): NegotiationSeen {
  if (!n.ok) {
    const f = ctx.observe(n.failure);
    return { kind: 'broken', stage: f.stage, reason: f.reason, detail: f.detail };
  }
  const a = n.answer;
  if (a.type === 'failure') return { kind: 'refused', code: failureCodeName(a.failureCode) };
  if (a.type === 'disconnect') return { kind: 'disconnect', detail: a.how === 'data' ? 'MCS Disconnect Provider Ultimatum' : `X.224 Disconnect Request${a.reason !== null ? ` (reason ${a.reason})` : ''}` };
  return { kind: 'selected', protocol: selectedKey(a) ?? 'unknown' };
}


/** The client's ClientHello, and the server's first flight read as far as it goes. */
async function hello(ctx: CheckContext, conn: RdpConnection, spec: ClientHelloSpec): Promise<TlsSeen> {
  const encoded = encodeClientHello(spec);
  const x = await exchangeFirstFlight(conn, encoded, ctx.budget);
  if (x.ended === 'deadline') {
    ctx.noteCut('deadline');
    return { kind: 'cut', detail: x.detail };
  }
  const f = x.flight;
  const sh = f?.serverHello ?? null;
  if (sh) {
    // A ServerHello that picks what the hello did not offer ends the handshake there, whatever follows.
    const problems = validateServerHello(encoded.spec, sh);
    if (problems.length > 0) return { kind: 'answered', version: sh.version, suite: sh.cipherSuite, helloRetry: sh.helloRetryRequest, problems };
  }
  if (f?.alert && (f.alert.level === ALERT_LEVEL_FATAL || !sh)) return { kind: 'alert', alert: f.alert.description, name: f.alert.name };
  if (f?.kind === 'sslv2') return { kind: 'not_tls', detail: 'an SSL 2.0 answer' };
  if (sh && x.ended === 'complete') return { kind: 'answered', version: sh.version, suite: sh.cipherSuite, helloRetry: sh.helloRetryRequest, problems: [] };
  if (x.ended === 'closed' || x.ended === 'reset' || x.ended === 'timeout') return { kind: 'ended', how: x.ended };
  return { kind: 'not_tls', detail: x.detail ?? x.ended };
}

async function mcs(ctx: CheckContext, conn: RdpConnection, methods: EncryptionMethod[]): Promise<McsSeen> {
  const o = await mcsStep(conn, PROTOCOL_RDP, methods, ctx.budget);
  if (!o.ok) {
    const f = ctx.observe(o.failure);
    return { kind: 'failed', reason: f.reason, detail: f.detail };
  }
  return { kind: 'answered', method: encryptionMethodName(o.facts.encryptionMethod), level: encryptionLevelName(o.facts.encryptionLevel) };
}

/** A new connection asking for PROTOCOL_RDP alone, then the MCS exchange with the client's methods. */
async function retryStandardSecurity(ctx: CheckContext, methods: EncryptionMethod[]): Promise<Retry> {
  const out: Retry = { negotiation: { kind: 'broken', stage: 'tcp', reason: 'error', detail: 'not tried' }, mcs: null };
  try {
    await ctx.withConnection(async (conn) => {
      out.negotiation = negotiationSeen(ctx, await negotiate(conn, PROTOCOL_RDP, ctx.options.cookie, ctx.budget));
      if (out.negotiation.kind === 'selected' && out.negotiation.protocol === 'rdp') out.mcs = await mcs(ctx, conn, methods);
    });
  } catch (e) {
    const f = ctx.observe(toFailure('tcp', e));
    out.negotiation = { kind: 'broken', stage: f.stage, reason: f.reason, detail: f.detail };
  }
  return out;
}
