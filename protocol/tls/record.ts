import { DecodeError } from '../errors.js';
import { Reader } from '../reader.js';
import { nameOf } from '../writer.js';
import { concatBytes, uint } from './wire.js';

/**
 * TLS record layer (RFC 5246 6.2, RFC 8446 5.1; SSL 3.0: RFC 6101 5.2):
 *
 *   struct { ContentType type; ProtocolVersion version; uint16 length; opaque fragment[length]; } TLSPlaintext;
 *
 * The decoder is the framing step: it cuts a byte stream into whole records and says how many bytes are left
 * over (an incomplete record is "need more bytes", not an error). A server controls every length here.
 */

// ContentType, RFC 8446 5.1 / RFC 5246 6.2.1 / RFC 6520 (heartbeat).
export const CONTENT_TYPE_CHANGE_CIPHER_SPEC = 0x14; // 20
export const CONTENT_TYPE_ALERT = 0x15; // 21
export const CONTENT_TYPE_HANDSHAKE = 0x16; // 22
export const CONTENT_TYPE_APPLICATION_DATA = 0x17; // 23
export const CONTENT_TYPE_HEARTBEAT = 0x18; // 24, RFC 6520 3

export const CONTENT_TYPE_NAMES: Readonly<Record<number, string>> = {
  [CONTENT_TYPE_CHANGE_CIPHER_SPEC]: 'change_cipher_spec',
  [CONTENT_TYPE_ALERT]: 'alert',
  [CONTENT_TYPE_HANDSHAKE]: 'handshake',
  [CONTENT_TYPE_APPLICATION_DATA]: 'application_data',
  [CONTENT_TYPE_HEARTBEAT]: 'heartbeat',
};

export function contentTypeName(t: number): string {
  return nameOf(CONTENT_TYPE_NAMES, t);
}

export const TLS_RECORD_HEADER_LENGTH = 5;
/** RFC 8446 5.1: TLSPlaintext.length MUST NOT exceed 2^14. What we send is cut to this. */
export const TLS_MAX_PLAINTEXT_LENGTH = 2 ** 14;
/**
 * RFC 5246 6.2.3: TLSCiphertext.length MUST NOT exceed 2^14 + 2048. The largest record any version allows
 * (TLS 1.3 allows 2^14 + 256), so the cap for what we accept.
 */
export const TLS_MAX_RECORD_LENGTH = 2 ** 14 + 2048;

export interface TlsRecord {
  type: number;
  /** Record-layer version (TLSPlaintext.legacy_record_version in TLS 1.3: 0x0301 or 0x0303, ignored by peers). */
  version: number;
  fragment: Uint8Array;
  /** Absolute offset of the record header in the decoded buffer (for error offsets of what is inside). */
  offset: number;
}

/** One record. Throws RangeError for a fragment over 2^14 + 2048 (use encodeRecords to split). */
export function encodeRecord(type: number, version: number, fragment: Uint8Array): Uint8Array {
  if (fragment.length > TLS_MAX_RECORD_LENGTH) throw new RangeError(`record fragment of ${fragment.length} bytes`);
  return concatBytes([uint(type, 1, 'content type'), uint(version, 2, 'record version'), uint(fragment.length, 2, 'record length'), fragment]);
}

/**
 * `data` as records of at most `maxFragment` bytes each (RFC 5246 6.2.1: handshake messages may be split over
 * several records). An empty `data` gives one empty record.
 */
export function encodeRecords(type: number, version: number, data: Uint8Array, maxFragment = TLS_MAX_PLAINTEXT_LENGTH): Uint8Array {
  if (!Number.isInteger(maxFragment) || maxFragment < 1 || maxFragment > TLS_MAX_RECORD_LENGTH) throw new RangeError(`maxFragment ${maxFragment}`);
  const out: Uint8Array[] = [];
  let at = 0;
  do {
    out.push(encodeRecord(type, version, data.subarray(at, at + maxFragment)));
    at += maxFragment;
  } while (at < data.length);
  return concatBytes(out);
}

/** Checks a record header at r's position: a known content type, major version 3, a length within the cap. */
function readHeader(r: Reader): { type: number; version: number; length: number } {
  const at = r.offset;
  const type = r.u8('content type');
  if (CONTENT_TYPE_NAMES[type] === undefined) r.fail(`not a TLS record: content type 0x${type.toString(16).padStart(2, '0')}`, at);
  const version = r.u16be('record version');
  // RFC 5246 E.1: every SSL 3.0+ record has major version 3; anything else is not TLS (or is SSL 2.0).
  if (version >> 8 !== 0x03) r.fail(`not a TLS record: version 0x${version.toString(16).padStart(4, '0')}`, at + 1);
  const length = r.u16be('record length');
  if (length > TLS_MAX_RECORD_LENGTH) r.fail(`record length ${length} exceeds ${TLS_MAX_RECORD_LENGTH}`, at + 3);
  return { type, version, length };
}

/**
 * Framing: the size of the record at buf[0], or null when fewer than 5 bytes are there to tell.
 * Throws DecodeError for a header that is not TLS.
 */
export function recordFrameLength(buf: Uint8Array): number | null {
  if (buf.length < TLS_RECORD_HEADER_LENGTH) {
    rejectPartialHeader(buf, 0);
    return null;
  }
  const { length } = readHeader(new Reader(buf.subarray(0, TLS_RECORD_HEADER_LENGTH), 'tls'));
  return TLS_RECORD_HEADER_LENGTH + length;
}

/**
 * Rejects the first bytes of a record header that is not all there yet when what is there already cannot be
 * TLS, so a non-TLS peer is not waited on. `base` is the absolute offset of partial[0], for the error.
 */
function rejectPartialHeader(partial: Uint8Array, base: number): void {
  if (partial.length >= 1 && CONTENT_TYPE_NAMES[partial[0]!] === undefined) {
    throw new DecodeError('tls', base, `not a TLS record: content type 0x${partial[0]!.toString(16).padStart(2, '0')}`);
  }
  if (partial.length >= 2 && partial[1] !== 0x03) throw new DecodeError('tls', base + 1, `not a TLS record: major version 0x${partial[1]!.toString(16).padStart(2, '0')}`);
}

/**
 * Every whole record at the start of buf, and (a copy of) the bytes of an incomplete last one (`rest`, maybe
 * empty). Error offsets count from `base`, the absolute offset of buf[0].
 */
export function decodeRecords(buf: Uint8Array, base = 0): { records: TlsRecord[]; rest: Uint8Array } {
  const r = new Reader(buf, 'tls', base);
  const records: TlsRecord[] = [];
  while (r.remaining > 0) {
    const start = r.position;
    if (r.remaining < TLS_RECORD_HEADER_LENGTH) {
      rejectPartialHeader(buf.subarray(start), r.offset); // throws if what is there already cannot be TLS
      break;
    }
    const offset = r.offset;
    const { type, version, length } = readHeader(r);
    if (r.remaining < length) return { records, rest: Uint8Array.from(buf.subarray(start)) };
    records.push({ type, version, fragment: r.copy(length, 'record fragment'), offset });
  }
  return { records, rest: Uint8Array.from(buf.subarray(r.position)) };
}

/** Exactly one whole record, nothing after it. */
export function decodeRecord(buf: Uint8Array, base = 0): TlsRecord {
  const r = new Reader(buf, 'tls', base);
  const offset = r.offset;
  const { type, version, length } = readHeader(r);
  const fragment = Uint8Array.from(r.bytes(length, 'record fragment'));
  r.end('TLS record');
  return { type, version, fragment, offset };
}
