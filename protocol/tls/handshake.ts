import { Reader } from '../reader.js';
import { DecodeError } from '../errors.js';
import { nameOf } from '../writer.js';
import { concatBytes, readU24, uint } from './wire.js';

/**
 * Handshake protocol framing (RFC 5246 7.4, RFC 8446 4):
 *
 *   struct { HandshakeType msg_type; uint24 length; select (msg_type) { ... } body; } Handshake;
 *
 * Handshake messages ride in handshake records but are not aligned with them: one message may be split over
 * several records and one record may hold several messages (RFC 5246 6.2.1, RFC 8446 5.1). HandshakeReassembler
 * is that defragmentation, as a pure state machine fed record fragments in order.
 */

// HandshakeType, RFC 8446 4 / RFC 5246 7.4 / RFC 6066 (certificate_url, certificate_status).
export const HANDSHAKE_HELLO_REQUEST = 0;
export const HANDSHAKE_CLIENT_HELLO = 1;
export const HANDSHAKE_SERVER_HELLO = 2;
export const HANDSHAKE_HELLO_VERIFY_REQUEST = 3; // DTLS, RFC 6347
export const HANDSHAKE_NEW_SESSION_TICKET = 4;
export const HANDSHAKE_END_OF_EARLY_DATA = 5;
export const HANDSHAKE_ENCRYPTED_EXTENSIONS = 8;
export const HANDSHAKE_CERTIFICATE = 11;
export const HANDSHAKE_SERVER_KEY_EXCHANGE = 12;
export const HANDSHAKE_CERTIFICATE_REQUEST = 13;
export const HANDSHAKE_SERVER_HELLO_DONE = 14;
export const HANDSHAKE_CERTIFICATE_VERIFY = 15;
export const HANDSHAKE_CLIENT_KEY_EXCHANGE = 16;
export const HANDSHAKE_FINISHED = 20;
export const HANDSHAKE_CERTIFICATE_URL = 21;
export const HANDSHAKE_CERTIFICATE_STATUS = 22;
export const HANDSHAKE_KEY_UPDATE = 24;
export const HANDSHAKE_MESSAGE_HASH = 254;

export const HANDSHAKE_TYPE_NAMES: Readonly<Record<number, string>> = {
  [HANDSHAKE_HELLO_REQUEST]: 'hello_request',
  [HANDSHAKE_CLIENT_HELLO]: 'client_hello',
  [HANDSHAKE_SERVER_HELLO]: 'server_hello',
  [HANDSHAKE_HELLO_VERIFY_REQUEST]: 'hello_verify_request',
  [HANDSHAKE_NEW_SESSION_TICKET]: 'new_session_ticket',
  [HANDSHAKE_END_OF_EARLY_DATA]: 'end_of_early_data',
  [HANDSHAKE_ENCRYPTED_EXTENSIONS]: 'encrypted_extensions',
  [HANDSHAKE_CERTIFICATE]: 'certificate',
  [HANDSHAKE_SERVER_KEY_EXCHANGE]: 'server_key_exchange',
  [HANDSHAKE_CERTIFICATE_REQUEST]: 'certificate_request',
  [HANDSHAKE_SERVER_HELLO_DONE]: 'server_hello_done',
  [HANDSHAKE_CERTIFICATE_VERIFY]: 'certificate_verify',
  [HANDSHAKE_CLIENT_KEY_EXCHANGE]: 'client_key_exchange',
  [HANDSHAKE_FINISHED]: 'finished',
  [HANDSHAKE_CERTIFICATE_URL]: 'certificate_url',
  [HANDSHAKE_CERTIFICATE_STATUS]: 'certificate_status',
  [HANDSHAKE_KEY_UPDATE]: 'key_update',
  [HANDSHAKE_MESSAGE_HASH]: 'message_hash',
};

export function handshakeTypeName(t: number): string {
  return nameOf(HANDSHAKE_TYPE_NAMES, t);
}

/**
 * Largest handshake message body we accept: a server can claim up to 2^24-1. 256 KiB is Go crypto/tls's cap for
 * Certificate messages (maxHandshakeCertificateMsg), the largest message a real server sends.
 */
export const HANDSHAKE_MAX_LENGTH = 0x40000;
export const HANDSHAKE_HEADER_LENGTH = 4;

export interface HandshakeMessage {
  type: number;
  body: Uint8Array;
  /** Header + body exactly as sent: the bytes the TLS 1.3 transcript hash covers (RFC 8446 4.4.1). */
  raw: Uint8Array;
  /**
   * Absolute offset of the message header in the bytes that were decoded. For a message split over records the
   * offsets of later bytes are counted as if the fragments were contiguous (so they may point a few bytes early).
   */
  offset: number;
}

export function encodeHandshake(type: number, body: Uint8Array): Uint8Array {
  if (body.length > 0xffffff) throw new RangeError(`handshake body of ${body.length} bytes`);
  return concatBytes([uint(type, 1, 'msg_type'), uint(body.length, 3, 'handshake length'), body]);
}

/** A reader over a message body whose error offsets point into the original input. */
export function bodyReader(m: HandshakeMessage): Reader {
  return new Reader(m.body, 'tls', m.offset + HANDSHAKE_HEADER_LENGTH);
}

/**
 * Collects handshake messages from handshake-record fragments fed in order. `push` returns the messages the
 * fragment completed; `pending` is the number of bytes of an incomplete message still held.
 */
export class HandshakeReassembler {
  private buf: Uint8Array = new Uint8Array(0);
  /** Absolute offset of buf[0] (the first pending byte) in the caller's input. */
  private bufOffset = 0;

  get pending(): number {
    return this.buf.length;
  }

  push(fragment: Uint8Array, fragmentOffset: number): HandshakeMessage[] {
    if (this.buf.length === 0) this.bufOffset = fragmentOffset;
    this.buf = this.buf.length === 0 ? fragment : concatBytes([this.buf, fragment]);
    const out: HandshakeMessage[] = [];
    for (;;) {
      if (this.buf.length < HANDSHAKE_HEADER_LENGTH) break;
      const r = new Reader(this.buf, 'tls', this.bufOffset);
      const type = r.u8('handshake type');
      const length = readU24(r, 'handshake length');
      if (length > HANDSHAKE_MAX_LENGTH) {
        throw new DecodeError('tls', this.bufOffset + 1, `${handshakeTypeName(type)} of ${length} bytes exceeds ${HANDSHAKE_MAX_LENGTH}`);
      }
      if (r.remaining < length) break;
      const total = HANDSHAKE_HEADER_LENGTH + length;
      const raw = Uint8Array.from(this.buf.subarray(0, total));
      out.push({ type, body: raw.subarray(HANDSHAKE_HEADER_LENGTH), raw, offset: this.bufOffset });
      this.buf = this.buf.subarray(total);
      this.bufOffset += total;
    }
    return out;
  }
}

/** Every message of a complete handshake byte stream (no partial message allowed at the end). */
export function decodeHandshakeMessages(data: Uint8Array, base = 0): HandshakeMessage[] {
  const a = new HandshakeReassembler();
  const out = a.push(data, base);
  if (a.pending > 0) throw new DecodeError('tls', base + data.length, `truncated handshake message: ${a.pending} byte(s) of an incomplete message`);
  return out;
}
