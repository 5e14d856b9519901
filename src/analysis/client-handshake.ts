/**
 * What the server answered to one client's own handshake (the clients check, src/checks/clients.ts), in the terms
 * the verdict needs (client-compat.ts). The check records; the verdict judges. Protocol rules both need live here.
 */
import type { ServerHelloProblem } from '../../protocol/tls/validate.js';
import type { TlsVersion } from '../clients/profile.js';
import { TLS_VERSION_KEYS, type Stage, type TlsResult } from '../record.js';

/** The X.224 step ([MS-RDPBCGR] 1.3.1.1): what the server selected, refused, or how the exchange broke. */
export type NegotiationSeen =
  /** RDP_NEG_RSP: the selected protocol's record key (rdp for a Confirm without negotiation data). */
  | { kind: 'selected'; protocol: string }
  /** RDP_NEG_FAILURE with its code name (HYBRID_REQUIRED_BY_SERVER, ...). */
  | { kind: 'refused'; code: string }
  /** An X.224 Disconnect or MCS Disconnect Provider Ultimatum instead of a Confirm. */
  | { kind: 'disconnect'; detail: string | null }
  /** No answer to judge: the connection broke, or rdprobe's own limits stopped it (not measured). */
  | { kind: 'broken'; stage: Stage; reason: string; detail: string | null };

/** The server's answer to the client's ClientHello. */
export type TlsSeen =
  /** A ServerHello (or HelloRetryRequest); `problems` lists what it picked that the hello did not offer. */
  | { kind: 'answered'; version: number; suite: number; helloRetry: boolean; problems: ServerHelloProblem[] }
  | { kind: 'alert'; alert: number; name: string }
  /** The server ended the connection (FIN or RST) or stayed silent instead of answering. */
  | { kind: 'ended'; how: 'closed' | 'reset' | 'timeout' }
  /** Bytes that are not a TLS answer (or an SSL 2.0 one). */
  | { kind: 'not_tls'; detail: string | null }
  /** rdprobe's host deadline stopped the wait: not measured. */
  | { kind: 'cut'; detail: string | null };

/** The MCS Connect exchange of Standard RDP Security ([MS-RDPBCGR] 2.2.1.3-2.2.1.4) with the client's methods. */
export type McsSeen =
  | { kind: 'answered'; method: string; level: string }
  | { kind: 'failed'; reason: string; detail: string | null };

export interface HandshakeSeen {
  negotiation: NegotiationSeen;
  /** The answer to the client's hello, when the server selected a TLS protocol and the hello was sent. */
  tls: TlsSeen | null;
  /** The MCS exchange, when the server selected Standard RDP Security and the client speaks it. */
  mcs: McsSeen | null;
  /** The retry asking for PROTOCOL_RDP after SSL_NOT_ALLOWED_BY_SERVER (a new connection, as mstsc 6.0 was recorded doing). */
  fallback: { negotiation: NegotiationSeen; mcs: McsSeen | null } | null;
}

/** requestedProtocols names ([MS-RDPBCGR] 2.2.1.1.1) -> record keys of the protocols they let a server select. */
const REQUESTED_KEYS: Readonly<Record<string, string>> = {
  PROTOCOL_SSL: 'ssl',
  PROTOCOL_HYBRID: 'hybrid',
  PROTOCOL_RDSTLS: 'rdstls',
  PROTOCOL_HYBRID_EX: 'hybrid_ex',
  PROTOCOL_RDSAAD: 'rdsaad',
};

/**
 * Whether a client that requested `requested` goes on with the protocol the server selected: one it asked for, or
 * Standard RDP Security (PROTOCOL_RDP is always implied, [MS-RDPBCGR] 2.2.1.1.1; whether the client speaks it is
 * the profile's fact, judged separately).
 */
export function selectionRequested(requested: readonly string[], selected: string): boolean {
  return selected === 'rdp' || requested.some((name) => REQUESTED_KEYS[name] === selected);
}

/** Selected protocols that run over TLS ([MS-RDPBCGR] 5.4.5). */
export const TLS_PROTOCOLS: readonly string[] = ['ssl', 'hybrid', 'hybrid_ex', 'rdstls', 'rdsaad'];
/** Selected protocols that run CredSSP inside TLS ([MS-CSSP]). */
export const CREDSSP_PROTOCOLS: readonly string[] = ['hybrid', 'hybrid_ex'];

/** The TLS versions the server accepted when offered alone (the record's tls.versions), or null when not measured. */
export function serverTlsVersions(tls: TlsResult | null): TlsVersion[] | null {
  if (tls === null || TLS_VERSION_KEYS.every((v) => tls.versions[v] === null || tls.versions[v] === undefined)) return null;
  // The profiles name SSL 3.0 `ssl3`; no client profile speaks SSL 2.0.
  return TLS_VERSION_KEYS.filter((v) => tls.versions[v] === true && v !== 'ssl2.0').map((v) => (v === 'ssl3.0' ? 'ssl3' : v) as TlsVersion);
}
