import { buildConnectionRequest, parseConnectionAnswer, type ConnectionAnswer } from '../../../protocol/connection.js';
import {
  PROTOCOL_HYBRID,
  PROTOCOL_HYBRID_EX,
  PROTOCOL_RDP,
  PROTOCOL_RDSAAD,
  PROTOCOL_RDSTLS,
  PROTOCOL_SSL,
  failureCodeName,
  negRspFlagNames,
  requestedProtocolNames,
  selectedProtocolKey,
} from '../../../protocol/negotiation.js';
import { DecodeError } from '../../../protocol/errors.js';
import { encodeTpkt } from '../../../protocol/tpkt.js';
import { encodeConnectionRequest } from '../../../protocol/x224.js';
import type { Budget } from '../../transport/clock.js';
import { RdpConnection } from '../../transport/rdp-connection.js';
import type { Failure, NegotiationResponse, ProtocolKey, ProtocolResult } from '../../record.js';
import { preview, toFailure } from './failure.js';

/** requestedProtocols for each protocol probe: hybrid goes with ssl, hybrid_ex with hybrid and ssl ([MS-RDPBCGR] 2.2.1.1.1). */
export const PROBE_REQUESTS: Record<ProtocolKey, number> = {
  rdp: PROTOCOL_RDP,
  ssl: PROTOCOL_SSL,
  hybrid: PROTOCOL_SSL | PROTOCOL_HYBRID,
  rdstls: PROTOCOL_RDSTLS,
  // What mstsc sends: the hybrid_ex probe doubles as the "modern client" connection whose failure is reported.
  hybrid_ex: PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX,
  rdsaad: PROTOCOL_RDSAAD,
};

/**
 * Connection Initiation ([MS-RDPBCGR] 1.3.1.1): send one X.224 Connection Request with RDP_NEG_REQ and read
 * the Connection Confirm. Returns what the server said, or how the exchange broke (stage x224).
 */
export type Negotiated =
  | { ok: true; answer: ConnectionAnswer }
  | { ok: false; failure: Failure; response: NegotiationResponse };

/**
 * `requested` null sends no RDP_NEG_REQ at all, as clients that only know Standard RDP Security do (mstsc before
 * 6.0, xfreerdp /sec:rdp): the server then answers without negotiation data or selects PROTOCOL_RDP.
 */
export async function negotiate(conn: RdpConnection, requested: number | null, cookie: string | null, budget: Budget): Promise<Negotiated> {
  try {
    conn.send(requested === null ? encodeTpkt(encodeConnectionRequest({ cookie, negotiation: new Uint8Array(0) })) : buildConnectionRequest(requested, cookie));
    const packet = await conn.readTpkt(budget, 'X.224 Connection Confirm');
    return { ok: true, answer: parseConnectionAnswer(packet) };
  } catch (err) {
    const failure = toFailure('x224', err);
    if (err instanceof DecodeError && failure.reason === 'not_tpkt') {
      failure.detail = `not an RDP service: ${preview(conn.reader.peek(64))}`;
    }
    return unanswered(failure);
  }
}

/** A probe whose X.224 exchange broke (or whose connection never opened), with how it broke as the response. */
export function unanswered(failure: Failure): Negotiated {
  const RESPONSES: Record<string, NegotiationResponse> = {
    refused: 'refused',
    not_tpkt: 'not_tpkt',
    malformed: 'malformed',
    too_large: 'malformed',
    timeout: 'timeout',
    deadline: 'deadline',
    closed: 'closed',
    reset: 'reset',
  };
  return { ok: false, failure, response: RESPONSES[failure.reason] ?? 'error' };
}

/** The protocol a Connection Confirm selected, as a record key ('rdp' for an old server that ignored RDP_NEG_REQ). */
export function selectedKey(answer: ConnectionAnswer): string | null {
  if (answer.type === 'response') return selectedProtocolKey(answer.selectedProtocol);
  if (answer.type === 'none') return 'rdp';
  return null;
}

/**
 * The record entry for one protocol probe. `supported` is true only when the server selected exactly the
 * protocol under test: a failure code, or the server picking another protocol (xrdp in rdp mode selects RDP
 * for everything), is false. nmap gets this wrong by calling any Connection Confirm a success.
 */
export function protocolResult(key: ProtocolKey, requested: number, n: Negotiated): ProtocolResult {
  const base: ProtocolResult = {
    requested: requestedProtocolNames(requested),
    supported: null,
    response: 'error',
    selected: null,
    failure_code: null,
    flags: [],
    detail: null,
  };
  if (!n.ok) return { ...base, response: n.response, detail: n.failure.detail ? `${n.failure.reason}: ${n.failure.detail}` : n.failure.reason };
  const a = n.answer;
  switch (a.type) {
    case 'response': {
      const selected = selectedProtocolKey(a.selectedProtocol);
      return { ...base, response: 'negotiation_response', selected, supported: selected === key, flags: negRspFlagNames(a.flags) };
    }
    case 'failure':
      return { ...base, response: 'negotiation_failure', failure_code: failureCodeName(a.failureCode), supported: false };
    case 'none':
      // A Confirm without negotiation data: the server predates RDP_NEG_REQ and speaks Standard RDP Security only.
      return { ...base, response: 'no_negotiation', selected: 'rdp', supported: key === 'rdp' };
    case 'disconnect':
      // Not an RDP_NEG_FAILURE: the server broke the exchange off (xrdp answers a request it does not know, such as
      // RDSAAD alone, with an MCS Disconnect Provider Ultimatum). Named for what arrived, and no support judgement:
      // it says nothing about what the server would select.
      return a.how === 'data'
        ? { ...base, response: 'mcs_disconnect', detail: 'the server answered with an X.224 Data TPDU (MCS Disconnect Provider Ultimatum) instead of a Connection Confirm, and closed' }
        : { ...base, response: 'x224_disconnect', detail: `X.224 Disconnect Request${a.reason !== null ? ` (reason ${a.reason})` : ''}` };
  }
}
