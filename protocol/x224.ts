import { decodeRdpNegReq, TYPE_RDP_NEG_REQ, type RdpNegReq } from './negotiation.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';

/**
 * X.224 (ISO 8073 class 0) TPDUs as RDP uses them ([MS-RDPBCGR] 2.2.1.1, 2.2.1.2, 2.2.8.1.1.1.1 "x224Data").
 * Every TPDU starts with a length indicator (LI: header length excluding the LI byte itself) and a code byte.
 */
export const X224_TPDU_CONNECTION_REQUEST = 0xe0;
export const X224_TPDU_CONNECTION_CONFIRM = 0xd0;
export const X224_TPDU_DISCONNECT_REQUEST = 0x80;
export const X224_TPDU_DATA = 0xf0;
/** Data TPDU EOT flag: RDP never fragments at this layer. */
export const X224_EOT = 0x80;

/** Fixed part of CR/CC after the LI byte: code, DST-REF(2), SRC-REF(2), class option. */
const X224_CONNECT_FIXED = 6;

/**
 * Client X.224 Connection Request ([MS-RDPBCGR] 2.2.1.1): fixed header, then optionally a routingToken or a
 * `Cookie: mstshash=NAME\r\n` cookie (both CRLF-terminated, never both), then optionally the 8-byte RDP_NEG_REQ
 * and the 36-byte RDP_NEG_CORRELATION_INFO (see negotiation.ts).
 */
export interface X224ConnectionRequest {
  /**
   * The routingToken line without its CRLF: load-balancing info a broker hands the client, such as
   * `Cookie: msts=3640205228.15629.0000` or `tsv://MS Terminal Services Plugin.1.Sessions`. Absent means none.
   */
  routingToken?: string | null;
  /** The mstshash cookie value (without the `Cookie: mstshash=` prefix and CRLF). */
  cookie: string | null;
  /** Whatever follows the token or cookie: the encoded RDP_NEG_REQ (and correlation info), or empty. */
  negotiation: Uint8Array;
}

/** A decoded Connection Request: the negotiation bytes also decoded (null when the client sent none). */
export interface DecodedConnectionRequest extends X224ConnectionRequest {
  routingToken: string | null;
  negReq: RdpNegReq | null;
}

const COOKIE_PREFIX = 'Cookie: mstshash=';
const CRLF = '\r\n';

/** A token or cookie line is CRLF-terminated ANSI text; refuse anything that would break the framing. */
function checkLine(value: string, what: string): void {
  if (/[^\x20-\x7e]/.test(value)) throw new RangeError(`${what} must be printable ASCII`);
}

export function encodeConnectionRequest(req: X224ConnectionRequest): Uint8Array {
  const variable = new Writer();
  const token = req.routingToken ?? null;
  if (token !== null && req.cookie !== null) throw new RangeError('routingToken and cookie are mutually exclusive ([MS-RDPBCGR] 2.2.1.1)');
  if (token !== null) {
    checkLine(token, 'routingToken');
    if (token.startsWith(COOKIE_PREFIX)) throw new RangeError('a routingToken starting with the mstshash prefix would read back as a cookie');
    if (token.length === 0) throw new RangeError('routingToken is empty');
    variable.bytes(Buffer.from(`${token}${CRLF}`, 'latin1'));
  }
  if (req.cookie !== null) {
    checkLine(req.cookie, 'cookie');
    variable.bytes(Buffer.from(`${COOKIE_PREFIX}${req.cookie}${CRLF}`, 'latin1'));
  }
  variable.bytes(req.negotiation);
  const v = variable.finish();
  const li = X224_CONNECT_FIXED + v.length;
  if (li > 0xfe) throw new RangeError('X.224 Connection Request too long');
  return new Writer()
    .u8(li, 'li')
    .u8(X224_TPDU_CONNECTION_REQUEST, 'code')
    .u16be(0, 'dst-ref')
    .u16be(0, 'src-ref')
    .u8(0, 'class')
    .bytes(v)
    .finish();
}

/**
 * Decodes a Connection Request TPDU (after TPKT; `base` is its absolute offset). [MS-RDPBCGR] 2.2.1.1: after the
 * fixed part, a variable part that does not start with RDP_NEG_REQ's type (0x01) is a CRLF-terminated line, the
 * mstshash cookie when it has that prefix and the routingToken otherwise; then the RDP_NEG_REQ, if any, decoded
 * by decodeRdpNegReq (with its correlation info).
 */
export function decodeConnectionRequest(buf: Uint8Array, base = 0): DecodedConnectionRequest {
  const r = new Reader(buf, 'x224', base);
  const li = r.u8('length indicator');
  if (li !== buf.length - 1) r.fail(`length indicator ${li} does not match TPDU size ${buf.length - 1}`, base);
  const code = r.u8('TPDU code');
  if ((code & 0xf0) !== X224_TPDU_CONNECTION_REQUEST) r.fail(`expected Connection Request (0xE0), got 0x${code.toString(16)}`);
  r.u16be('dst-ref');
  r.u16be('src-ref');
  r.u8('class option');
  let routingToken: string | null = null;
  let cookie: string | null = null;
  if (r.remaining > 0 && r.peekU8('routingToken, cookie or RDP_NEG_REQ') !== TYPE_RDP_NEG_REQ) {
    const lineAt = r.offset;
    const rest = buf.subarray(r.position);
    const text = Buffer.from(rest.buffer, rest.byteOffset, rest.byteLength).toString('latin1');
    const isCookie = text.startsWith(COOKIE_PREFIX);
    const end = text.indexOf(CRLF);
    if (end < 0) r.fail(`${isCookie ? 'cookie' : 'routing token'} line without CRLF`, lineAt);
    if (isCookie) cookie = text.slice(COOKIE_PREFIX.length, end);
    else routingToken = text.slice(0, end);
    r.skip(end + CRLF.length, isCookie ? 'cookie' : 'routingToken');
  }
  const negotiationAt = r.offset;
  const negotiation = r.copyRest('negotiation data');
  const negReq = negotiation.length === 0 ? null : decodeRdpNegReq(negotiation, negotiationAt);
  return { routingToken, cookie, negotiation, negReq };
}

/**
 * The server's answer to the Connection Request. A Connection Confirm carries the negotiation data
 * ([MS-RDPBCGR] 2.2.1.2) or nothing (LI = 6: a pre-2003 server that ignored RDP_NEG_REQ); some stacks answer
 * with a Disconnect Request instead.
 */
export type X224Answer =
  | { kind: 'connection_confirm'; negotiation: Uint8Array; negotiationOffset: number }
  | { kind: 'disconnect_request'; reason: number | null }
  /** A Data TPDU instead of a Confirm: xrdp answers a request it refuses (RDSAAD alone) with an MCS
   * Disconnect Provider Ultimatum (02 f0 80 21 80) and closes. */
  | { kind: 'data'; payload: Uint8Array };

export function decodeConnectionAnswer(buf: Uint8Array, base = 0): X224Answer {
  const r = new Reader(buf, 'x224', base);
  const li = r.u8('length indicator');
  const code = r.u8('TPDU code');
  // A Data TPDU's LI covers only its 2-byte header; the user data follows it.
  if (code === X224_TPDU_DATA && li === 2) {
    r.u8('EOT');
    return { kind: 'data', payload: r.copyRest('user data') };
  }
  if (li !== buf.length - 1) r.fail(`length indicator ${li} does not match TPDU size ${buf.length - 1}`, base);
  // The low nibble of a CC code carries the CDT credit (always 0 in class 0); match on the high nibble.
  if ((code & 0xf0) === X224_TPDU_CONNECTION_CONFIRM) {
    if (li < X224_CONNECT_FIXED) r.fail(`length indicator ${li} too short for a Connection Confirm`, base);
    r.u16be('dst-ref');
    r.u16be('src-ref');
    r.u8('class option');
    const negotiationOffset = r.offset;
    return { kind: 'connection_confirm', negotiation: r.copyRest('negotiation data'), negotiationOffset };
  }
  if (code === X224_TPDU_DISCONNECT_REQUEST) {
    r.u16be('dst-ref');
    r.u16be('src-ref');
    const reason = r.remaining > 0 ? r.u8('reason') : null;
    r.rest(); // optional variable part, ignored
    return { kind: 'disconnect_request', reason };
  }
  return r.fail(`expected Connection Confirm (0xD0), got TPDU code 0x${code.toString(16).padStart(2, '0')}`, base + 1);
}

/** X.224 Data TPDU header ([MS-RDPBCGR] 2.2.8.1.1.1.1 x224Data): LI 2, code 0xF0, EOT. */
export function encodeDataTpdu(payload: Uint8Array): Uint8Array {
  return new Writer().u8(2, 'li').u8(X224_TPDU_DATA, 'code').u8(X224_EOT, 'eot').bytes(payload).finish();
}

export function decodeDataTpdu(buf: Uint8Array, base = 0): Uint8Array {
  const r = new Reader(buf, 'x224', base);
  const li = r.u8('length indicator');
  if (li !== 2) r.fail(`Data TPDU length indicator ${li}, expected 2`, base);
  const code = r.u8('TPDU code');
  if (code !== X224_TPDU_DATA) r.fail(`expected Data TPDU (0xF0), got 0x${code.toString(16).padStart(2, '0')}`, base + 1);
  const eot = r.u8('EOT');
  if ((eot & 0x7f) !== 0) r.fail(`unexpected Data TPDU flags 0x${eot.toString(16)}`, base + 2);
  return r.copyRest('user data');
}
