import { decodeTpkt, encodeTpkt } from './tpkt.js';
import { decodeConnectionAnswer, encodeConnectionRequest } from './x224.js';
import { decodeNegotiationAnswer, encodeRdpNegReq, type NegotiationAnswer } from './negotiation.js';

/**
 * The whole first exchange of [MS-RDPBCGR] 1.3.1.1 (Connection Initiation), as the probes use it:
 * TPKT + X.224 Connection Request + cookie + RDP_NEG_REQ, and the decoded answer.
 */
export function buildConnectionRequest(requestedProtocols: number, cookie: string | null, flags = 0): Uint8Array {
  const negotiation = encodeRdpNegReq({ flags, requestedProtocols });
  return encodeTpkt(encodeConnectionRequest({ cookie, negotiation }));
}

export type ConnectionAnswer =
  | NegotiationAnswer
  /** The server refused by disconnecting: an X.224 Disconnect Request, or data (an MCS Disconnect Provider
   * Ultimatum) where the Confirm should be. */
  | { type: 'disconnect'; reason: number | null; how: 'disconnect_request' | 'data' };

/** Decodes one whole TPKT packet holding the server's X.224 answer. Throws DecodeError. */
export function parseConnectionAnswer(packet: Uint8Array): ConnectionAnswer {
  const tpdu = decodeTpkt(packet);
  const x224 = decodeConnectionAnswer(tpdu, 4);
  if (x224.kind === 'disconnect_request') return { type: 'disconnect', reason: x224.reason, how: 'disconnect_request' };
  if (x224.kind === 'data') return { type: 'disconnect', reason: null, how: 'data' };
  return decodeNegotiationAnswer(x224.negotiation, x224.negotiationOffset);
}
