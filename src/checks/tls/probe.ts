/**
 * One of our ClientHellos on a connection of its own: X.224 requesting the protocol that reaches TLS on this host
 * (ssl, else hybrid, else hybrid_ex: tlsVia), then the hello and the server's first flight. What every TLS check
 * sends goes through here, so each connection is counted against the sending check's budget.
 */
import { isIP } from 'node:net';
import type { EncodedClientHello } from '../../../protocol/tls/client-hello.js';
import type { TlsVersionKey } from '../../record.js';
import { exchangeFirstFlight } from '../../transport/tls-first-flight.js';
import type { RdpConnection } from '../../transport/rdp-connection.js';
import type { ClientResult } from '../client.js';
import { wasCut, type CheckContext, type Need, type Results } from '../contract.js';
import { clientAnswered, protocolCheckName, type ProtocolProbeResult } from '../protocols.js';
import { toFailure } from '../steps/failure.js';
import { negotiate, PROBE_REQUESTS, selectedKey } from '../steps/negotiation.js';
import { readAnswer, type Answer } from './answer.js';
import { buildHello, buildSslv2Hello, WIRE_VERSION, type Offer } from './hello.js';

export type TlsVia = 'ssl' | 'hybrid' | 'hybrid_ex';

/** The protocol the TLS checks go over, once known: ssl, else hybrid, else hybrid_ex; null: no TLS at all. */
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

/** The need of a check that sends hellos: the host answered as RDP and some protocol reaches TLS. */
export function needsTls(r: Results): Need {
  const client = clientAnswered(r);
  if (client !== 'run') return client;
  const via = tlsVia(r);
  if (via === 'wait') return 'wait';
  if (via !== null) return 'run';
  // No protocol reaches TLS, as far as measured: if a probe that could have was cut, that is not known.
  return [protocolCheckName('ssl'), protocolCheckName('hybrid'), 'client'].some((c) => wasCut(r, c)) ? 'cut' : 'skip';
}

/** server_name for a target given by name; never for an address (RFC 6066 3). */
export function serverName(ctx: CheckContext): string | null {
  const h = ctx.host.host;
  return isIP(h.replace(/%.*$/, '')) === 0 && /^[\x21-\x7e]+$/.test(h) ? h : null;
}

/** The hello for an offer (with this host's server_name). */
export function helloFor(ctx: CheckContext, o: Omit<Offer, 'serverName'>): EncodedClientHello {
  return buildHello({ ...o, serverName: serverName(ctx) });
}

/** Sends a built hello on a connection that already selected TLS (a ride), and reads the answer. */
export async function helloOnConnection(ctx: CheckContext, conn: RdpConnection, hello: EncodedClientHello | null, bytes: Uint8Array, only?: number): Promise<Answer> {
  const x = await exchangeFirstFlight(conn, hello ?? { bytes }, ctx.budget);
  const a = readAnswer(hello, x, only);
  if (!a.accepted && a.refusal.kind === 'deadline') ctx.noteCut('deadline');
  return a;
}

const notTried = (detail: string): Answer => ({ accepted: null, refusal: { kind: 'error', alert: null, alert_description: null, detail }, flight: null });

/**
 * Opens a connection, selects `via` and sends the hello of `version` (`offer` null: SSL 2.0's CLIENT-HELLO).
 * The answer is null-accepted (not measured) when the X.224 step did not select `via` this time or the connection
 * could not be made.
 */
export async function helloOnNewConnection(ctx: CheckContext, via: TlsVia, version: TlsVersionKey, offer: Omit<Offer, 'serverName' | 'version'> | null): Promise<Answer> {
  try {
    return await ctx.withConnection(async (conn) => {
      const n = await negotiate(conn, PROBE_REQUESTS[via], ctx.options.cookie, ctx.budget);
      if (!n.ok) {
        ctx.observe(n.failure);
        return notTried(`X.224 step failed: ${n.failure.reason}`);
      }
      if (selectedKey(n.answer) !== via) return notTried(`X.224 step did not select ${via} this time`);
      if (version === 'ssl2.0' || offer === null) return helloOnConnection(ctx, conn, null, buildSslv2Hello(), WIRE_VERSION['ssl2.0']);
      const hello = helloFor(ctx, { ...offer, version });
      return helloOnConnection(ctx, conn, hello, hello.bytes, WIRE_VERSION[version]);
    });
  } catch (e) {
    const f = ctx.observe(toFailure('tcp', e));
    return notTried(`${f.reason}: ${f.detail ?? ''}`);
  }
}
