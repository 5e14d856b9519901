import { Reader } from './reader.js';
import { Writer } from './writer.js';
import { DecodeError } from './errors.js';

/**
 * TPKT header, RFC 1006 section 6 (used by [MS-RDPBCGR] 2.2.1.1 tpktHeader):
 *   version (1 byte) = 3, reserved (1 byte) = 0, length (2 bytes, big-endian) = whole packet incl. header.
 */
export const TPKT_VERSION = 0x03;
export const TPKT_HEADER_LENGTH = 4;
/** The length field is 16 bits, so a TPKT can never exceed this; anything claiming less than the header is broken. */
export const TPKT_MAX_LENGTH = 0xffff;
/** Reason prefix of the DecodeError for a first byte that is not TPKT: the peer is another service (probes map it to not_rdp). */
export const NOT_TPKT_REASON = 'not a TPKT packet';

export function encodeTpkt(payload: Uint8Array): Uint8Array {
  const total = payload.length + TPKT_HEADER_LENGTH;
  if (total > TPKT_MAX_LENGTH) throw new RangeError(`TPKT payload too large: ${payload.length}`);
  return new Writer().u8(TPKT_VERSION, 'version').u8(0, 'reserved').u16be(total, 'length').bytes(payload).finish();
}

/**
 * Framing: how many bytes the TPKT starting at buf[0] occupies, or null when more bytes are needed to tell.
 * Throws DecodeError when the first byte is not a TPKT version (the peer is not speaking RDP) or the length
 * field is impossible. The transport uses this to cut the stream into packets before decoding.
 */
export function tpktFrameLength(buf: Uint8Array): number | null {
  if (buf.length < 1) return null;
  if (buf[0] !== TPKT_VERSION) throw new DecodeError('tpkt', 0, `${NOT_TPKT_REASON}: first byte 0x${buf[0]!.toString(16).padStart(2, '0')}, expected 0x03`);
  if (buf.length < TPKT_HEADER_LENGTH) return null;
  const length = (buf[2]! << 8) | buf[3]!;
  if (length < TPKT_HEADER_LENGTH) throw new DecodeError('tpkt', 2, `TPKT length ${length} is shorter than its own 4-byte header`);
  return length;
}

/** Decodes one whole TPKT packet (exactly, no trailing bytes) and returns (a copy of) its payload. */
export function decodeTpkt(buf: Uint8Array): Uint8Array {
  const r = new Reader(buf, 'tpkt');
  const version = r.u8('version');
  if (version !== TPKT_VERSION) r.fail(`${NOT_TPKT_REASON}: version 0x${version.toString(16)}`, 0);
  r.u8('reserved');
  const length = r.u16be('length');
  if (length < TPKT_HEADER_LENGTH) r.fail(`TPKT length ${length} is shorter than its own 4-byte header`, 2);
  if (length !== buf.length) r.fail(`TPKT length field says ${length} bytes, packet has ${buf.length}`, 2);
  return r.copyRest('TPKT payload');
}
