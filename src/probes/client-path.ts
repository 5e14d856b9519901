import type { ConnectionAnswer } from '../../protocol/connection.js';
import { PROTOCOL_RDP } from '../../protocol/negotiation.js';
import { now, since, type Budget } from '../transport/clock.js';
import type { RdpConnection } from '../transport/rdp-connection.js';
import type { TlsRange } from '../transport/tls.js';
import { credsspStep } from './credssp.js';
import type { HostState } from './host-state.js';
import type { ProbeOptions } from './host.js';
import { selectedKey } from './negotiation.js';
import { ENCRYPTION_METHOD_KEYS, mcsStep } from './rdp-security.js';
import { tlsStep } from './tls-step.js';

/** What a current client offers: any TLS version from 1.0 to 1.3 (at security level 0, to reach old servers too). */
const ANY_TLS: TlsRange = { min: 'TLSv1', max: 'TLSv1.3' };

/**
 * After the modern client's Connection Confirm, do what that client would do next, one step further each
 * time: TLS, then CredSSP for HYBRID/HYBRID_EX; MCS Connect for Standard RDP Security. The first step that
 * fails is the record's `failure`.
 */
export async function continueLikeAClient(conn: RdpConnection, answer: ConnectionAnswer, st: HostState, opts: ProbeOptions, budget: Budget): Promise<void> {
  if (answer.type === 'failure') {
    st.clientFailure = { stage: 'negotiation', reason: st.protocols.hybrid_ex!.failure_code!, detail: 'the server refused SSL|HYBRID|HYBRID_EX, the request a modern client sends' };
    return;
  }
  if (answer.type === 'disconnect') {
    st.clientFailure = { stage: 'negotiation', reason: 'disconnect', detail: st.protocols.hybrid_ex!.detail };
    return;
  }
  const selected = selectedKey(answer);
  if (selected === 'ssl' || selected === 'hybrid' || selected === 'hybrid_ex') {
    const nla = selected !== 'ssl';
    const t0 = now();
    const r = await tlsStep(conn, ANY_TLS, budget, nla && opts.credssp);
    st.timings.tls = since(t0);
    if (r.cert) st.cert = r.cert;
    if (!r.attempt.accepted) {
      const ref = r.attempt.refusal!;
      st.clientFailure = { stage: 'tls', reason: ref.kind, detail: ref.alert_description ? `alert ${ref.alert} ${ref.alert_description}` : ref.detail };
      return;
    }
    st.clientTls = { version: r.version ?? 'unknown', cipher: r.attempt.cipher ?? 'unknown' };
    if (r.socket) {
      const c0 = now();
      const c = await credsspStep(r.socket, budget);
      st.timings.credssp = since(c0);
      st.credssp = c.result;
      if (c.failure) st.clientFailure = c.failure;
    }
    return;
  }
  if (selected === 'rdp') {
    if (!opts.rdpSecurity) return;
    const m0 = now();
    const outcome = await mcsStep(conn, PROTOCOL_RDP, ENCRYPTION_METHOD_KEYS, budget);
    st.timings.mcs = since(m0);
    st.mcs.push({ outcome, method: 'all' });
    if (!outcome.ok) st.clientFailure = outcome.failure;
    return;
  }
  st.clientFailure = { stage: 'negotiation', reason: 'protocol_mismatch', detail: `the server selected ${selected}, which was not requested` };
}
