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
 * Client X.224 Connection Request ([MS-RDPBCGR] 2.2.1.1): fixed header, then optionally a routing token or a
 * `Cookie: mstshash=NAME\r\n` line, then optionally the 8-byte RDP_NEG_REQ (see negotiation.ts).
 */
export interface X224ConnectionRequest {
  /** The mstshash cookie value (without the `Cookie: mstshash=` prefix and CRLF). */
  cookie: string | null;
  /** Whatever follows the cookie: the encoded RDP_NEG_REQ, or empty. */
  negotiation: Uint8Array;
}

const COOKIE_PREFIX = 'Cookie: mstshash=';

export function encodeConnectionRequest(req: X224ConnectionRequest): Uint8Array {
  const variable = new Writer();
  if (req.cookie !== null) {
    // The cookie is a CRLF-terminated ANSI line; refuse anything that would break the framing.
    if (/[\r\n\x00]/.test(req.cookie) || /[^\x20-\x7e]/.test(req.cookie)) throw new RangeError('cookie must be printable ASCII');
    variable.bytes(Buffer.from(`${COOKIE_PREFIX}${req.cookie}\r\n`, 'latin1'));
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

export function decodeConnectionRequest(buf: Uint8Array, base = 0): X224ConnectionRequest {
  const r = new Reader(buf, 'x224', base);
  const li = r.u8('length indicator');
  if (li !== buf.length - 1) r.fail(`length indicator ${li} does not match TPDU size ${buf.length - 1}`, base);
  const code = r.u8('TPDU code');
  if ((code & 0xf0) !== X224_TPDU_CONNECTION_REQUEST) r.fail(`expected Connection Request (0xE0), got 0x${code.toString(16)}`);
  r.u16be('dst-ref');
  r.u16be('src-ref');
  r.u8('class option');
  let rest = r.rest();
  let cookie: string | null = null;
  const text = Buffer.from(rest).toString('latin1');
  if (text.startsWith(COOKIE_PREFIX)) {
    const end = text.indexOf('\r\n');
    if (end < 0) new Reader(rest, 'x224', base + 7).fail('cookie line without CRLF');
    cookie = text.slice(COOKIE_PREFIX.length, end);
    rest = rest.subarray(end + 2);
  }
  return { cookie, negotiation: rest };
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
    return { kind: 'data', payload: r.rest() };
  }
  if (li !== buf.length - 1) r.fail(`length indicator ${li} does not match TPDU size ${buf.length - 1}`, base);
  // The low nibble of a CC code carries the CDT credit (always 0 in class 0); match on the high nibble.
  if ((code & 0xf0) === X224_TPDU_CONNECTION_CONFIRM) {
    if (li < X224_CONNECT_FIXED) r.fail(`length indicator ${li} too short for a Connection Confirm`, base);
    r.u16be('dst-ref');
    r.u16be('src-ref');
    r.u8('class option');
    const negotiationOffset = r.offset;
    return { kind: 'connection_confirm', negotiation: r.rest(), negotiationOffset };
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
  return r.rest();
}
