/**
 * Standard RDP Security ([MS-RDPBCGR] 5.3), when the server accepts PROTOCOL_RDP: each encryption method offered
 * alone in an MCS Connect Initial on its own connection; the server's Security Data says which it picked, the
 * level, its version and its certificate. The first method rides on the rdp protocol probe's connection.
 */
import { PROTOCOL_RDP } from '../../protocol/negotiation.js';
import type { EncryptionMethod } from '../record.js';
import type { RdpConnection } from '../transport/rdp-connection.js';
import { wasCut, type Check, type CheckContext } from './contract.js';
import { clientAnswered, protocolCheckName, type ProtocolProbeResult } from './protocols.js';
import { toFailure } from './steps/failure.js';
import { ENCRYPTION_METHOD_KEYS, mcsStep, type McsOutcome } from './steps/mcs.js';
import { negotiate, PROBE_REQUESTS, selectedKey } from './steps/negotiation.js';

export interface MethodOutcome {
  outcome: McsOutcome;
  method: EncryptionMethod;
}

export interface RdpSecurityCheckResult {
  entries: MethodOutcome[];
}

const FIRST = ENCRYPTION_METHOD_KEYS[0]!;

async function offer(ctx: CheckContext, conn: RdpConnection, method: EncryptionMethod): Promise<MethodOutcome> {
  const outcome = await mcsStep(conn, PROTOCOL_RDP, [method], ctx.budget);
  if (!outcome.ok) ctx.observe(outcome.failure);
  return { outcome, method };
}

export const RDP_SECURITY: Check<RdpSecurityCheckResult> = {
  name: 'rdp_security',
  switch: { flag: 'rdp-security', default: true, describe: 'Standard RDP Security method enumeration (--no-rdp-security skips it)' },
  budget: { tcp: 3 },
  priority: 30,
  rides: [{ on: 'rdp', run: (conn, ctx) => offer(ctx, conn, FIRST) }],
  needs(r) {
    const client = clientAnswered(r);
    if (client !== 'run') return client;
    const name = protocolCheckName('rdp');
    const rdp = r.get<ProtocolProbeResult>(name);
    if (rdp?.protocol.supported === true) return 'run';
    if (!r.isDone(name) && rdp?.protocol.supported !== false) return 'wait';
    return wasCut(r, name) ? 'cut' : 'skip';
  },
  async run(ctx) {
    const entries: MethodOutcome[] = [];
    await Promise.all(
      ENCRYPTION_METHOD_KEYS.filter((m) => m !== FIRST).map(async (m) => {
        try {
          await ctx.withConnection(async (conn) => {
            const n = await negotiate(conn, PROBE_REQUESTS.rdp, ctx.options.cookie, ctx.budget);
            if (!n.ok || selectedKey(n.answer) !== 'rdp') {
              entries.push({ outcome: { ok: false, failure: n.ok ? { stage: 'negotiation', reason: 'protocol_mismatch', detail: 'PROTOCOL_RDP not selected this time' } : ctx.observe(n.failure) }, method: m });
              return;
            }
            entries.push(await offer(ctx, conn, m));
          });
        } catch (e) {
          entries.push({ outcome: { ok: false, failure: ctx.observe(toFailure('tcp', e)) }, method: m });
        }
      }),
    );
    return { entries };
  },
};
