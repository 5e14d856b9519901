import { Reader } from './reader.js';
import { nameOf } from './writer.js';

/**
 * [MS-RDPBCGR] 2.2.10.2 Early User Authorization Result PDU: with PROTOCOL_HYBRID_EX the server sends, after
 * CredSSP and outside it (raw over TLS, no TPKT), four bytes saying whether the authenticated user may log on.
 * It is the only place an RDP server says "access denied" to a user whose password was right.
 */
export const EARLY_USER_AUTH_RESULT_LENGTH = 4;

/** authorizationResult values ([MS-RDPBCGR] 2.2.10.2). */
export const AUTHZ_SUCCESS = 0x00000000;
export const AUTHZ_ACCESS_DENIED = 0x00000005;

export const AUTHZ_RESULT_NAMES: Readonly<Record<number, string>> = {
  [AUTHZ_SUCCESS]: 'AUTHZ_SUCCESS',
  [AUTHZ_ACCESS_DENIED]: 'AUTHZ_ACCESS_DENIED',
};

export interface EarlyUserAuthResult {
  /** The 32-bit authorizationResult. */
  value: number;
  /** AUTHZ_SUCCESS, AUTHZ_ACCESS_DENIED or unknown(0x........). */
  name: string;
}

/** Decodes exactly four bytes, little-endian. Unknown values are kept and named `unknown(0x........)`. */
export function decodeEarlyUserAuthResult(bytes: Uint8Array): EarlyUserAuthResult {
  const r = new Reader(bytes, 'rdp');
  const value = r.u32le('authorizationResult');
  r.end('Early User Authorization Result PDU');
  return { value, name: nameOf(AUTHZ_RESULT_NAMES, value, 8) };
}

export function encodeEarlyUserAuthResult(value: number): Uint8Array {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) throw new RangeError(`authorizationResult ${value} out of range`);
  const out = new Uint8Array(4);
  new DataView(out.buffer).setUint32(0, value, true);
  return out;
}
