/**
 * One check per security protocol (rdp, ssl, hybrid, rdstls, rdsaad; hybrid_ex is the client check's own
 * request): each asks for that protocol alone on its own connection and records exactly what the server said. A
 * protocol counts as supported only when the server selects exactly it ([MS-RDPBCGR] 2.2.1.2.1).
 *
 * When the server does select it, other checks may ride on the connection (Ride): the TLS-versions check's TLS 1.2
 * handshake on ssl/hybrid, the Standard RDP Security check's first encryption method on rdp. That keeps a full
 * probe within 12 connections.
 */
import type { ProtocolKey, ProtocolResult } from '../record.js';
import type { ClientResult } from './client.js';
import { wasCut, type Check, type Need, type Results } from './contract.js';
import { toFailure } from './steps/failure.js';
import { negotiate, PROBE_REQUESTS, protocolResult, unanswered } from './steps/negotiation.js';

export interface ProtocolProbeResult {
  protocol: ProtocolResult;
  /** Results of the rides that ran on this connection, by check name. */
  rides: Record<string, unknown>;
}

/** The record key of the protocol check's result for protocol `key`. */
export const protocolCheckName = (key: ProtocolKey): string => `protocol.${key}`;

/** The need of every check after the client's: an RDP server answered its request (else the host is done). */
export function clientAnswered(r: Results): Need {
  const client = r.get<ClientResult>('client');
  if (!client || client.status === null) return r.isDone('client') && wasCut(r, 'client') ? 'cut' : 'wait';
  return client.status === 'ok' ? 'run' : wasCut(r, 'client') ? 'cut' : 'skip';
}

function protocolProbe(key: Exclude<ProtocolKey, 'hybrid_ex'>): Check<ProtocolProbeResult> {
  return {
    name: protocolCheckName(key),
    budget: { tcp: 1 },
    priority: 10,
    needs: clientAnswered,
    async run(ctx) {
      const out: ProtocolProbeResult = { protocol: protocolResult(key, PROBE_REQUESTS[key], unanswered({ stage: 'x224', reason: 'error', detail: 'not tested' })), rides: {} };
      try {
        await ctx.withConnection(async (conn) => {
          const n = await negotiate(conn, PROBE_REQUESTS[key], ctx.options.cookie, ctx.budget);
          if (!n.ok) ctx.observe(n.failure);
          out.protocol = protocolResult(key, PROBE_REQUESTS[key], n);
          ctx.publish({ ...out });
          if (out.protocol.supported !== true) return;
          for (const { check, ride } of ctx.ridesOn(key)) out.rides[check] = await ride.run(conn, ctx);
        });
      } catch (e) {
        out.protocol = protocolResult(key, PROBE_REQUESTS[key], unanswered(ctx.observe(toFailure('tcp', e))));
      }
      return out;
    },
  };
}

export const PROTOCOL_CHECKS: readonly Check<ProtocolProbeResult>[] = (['rdp', 'ssl', 'hybrid', 'rdstls', 'rdsaad'] as const).map(protocolProbe);
