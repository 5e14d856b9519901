import { DecodeError } from './errors.js';
import type { Reader } from './reader.js';

/**
 * The BER (X.690) subset T.125 uses for MCS Connect-Initial / Connect-Response ([MS-RDPBCGR] 2.2.1.3,
 * 2.2.1.4; T.125 7 and annex A): definite lengths only, single-byte universal tags, and application tags
 * 101/102 in the two-byte high-tag-number form.
 *
 * Decoders take the caller's Reader (so offsets stay absolute) and throw DecodeError with layer `ber` when an
 * encoding rule is broken; plain truncation is reported by the Reader under the caller's layer. Encoders return
 * fresh byte arrays so nested TLVs can be built inside-out without back-patching lengths.
 */

// X.690 8.1.2: identifier octets of the universal types T.125 uses.
/** BOOLEAN, X.690 8.2 */
export const BER_TAG_BOOLEAN = 0x01;
/** INTEGER, X.690 8.3 */
export const BER_TAG_INTEGER = 0x02;
/** OCTET STRING, X.690 8.7 */
export const BER_TAG_OCTET_STRING = 0x04;
/** ENUMERATED, X.690 8.4 */
export const BER_TAG_ENUMERATED = 0x0a;
/** SEQUENCE (constructed), X.690 8.9 */
export const BER_TAG_SEQUENCE = 0x30;
/** Class APPLICATION, constructed (X.690 8.1.2.2-8.1.2.5): 0x40 | 0x20. */
export const BER_CLASS_APPLICATION_CONSTRUCTED = 0x60;
/** Low tag number bits all set: the tag number follows in base-128 octets (X.690 8.1.2.4). */
export const BER_HIGH_TAG_NUMBER = 0x1f;

/** Largest length a peer may claim for any BER element (64 KiB); anything larger is refused, not allocated. */
export const BER_MAX_LENGTH = 0x10000;

const BER_TAG_NAMES: Readonly<Record<number, string>> = {
  [BER_TAG_BOOLEAN]: 'BOOLEAN',
  [BER_TAG_INTEGER]: 'INTEGER',
  [BER_TAG_OCTET_STRING]: 'OCTET STRING',
  [BER_TAG_ENUMERATED]: 'ENUMERATED',
  [BER_TAG_SEQUENCE]: 'SEQUENCE',
};

function berFail(r: Reader, reason: string, offset = r.offset): never {
  throw new DecodeError('ber', offset, reason);
}

/** Identifier octets of an [APPLICATION n] constructed tag (X.690 8.1.2): one octet below 31, else 0x7f + base-128. */
export function berApplicationTag(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0x3fff) throw new RangeError(`application tag ${n} out of range`);
  if (n < BER_HIGH_TAG_NUMBER) return [BER_CLASS_APPLICATION_CONSTRUCTED | n];
  const head = BER_CLASS_APPLICATION_CONSTRUCTED | BER_HIGH_TAG_NUMBER;
  return n < 0x80 ? [head, n] : [head, 0x80 | (n >>> 7), n & 0x7f];
}

function tagLabel(identifier: readonly number[]): string {
  if (identifier.length === 1) {
    const t = identifier[0]!;
    return BER_TAG_NAMES[t] ?? `0x${t.toString(16).padStart(2, '0')}`;
  }
  return identifier.map((b) => b.toString(16).padStart(2, '0')).join(' ');
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

/** Read identifier octets and require them to equal `identifier`. */
export function expectBerTag(r: Reader, identifier: readonly number[], field: string): void {
  const start = r.offset;
  for (let i = 0; i < identifier.length; i++) {
    const got = r.u8(`${field} tag`);
    if (got !== identifier[i]) {
      berFail(r, `${field}: expected tag ${tagLabel(identifier)}, got 0x${got.toString(16).padStart(2, '0')}`, start + i);
    }
  }
}

/**
 * Length octets (X.690 8.1.3): short form (< 0x80) or long form 0x81..0x84 followed by that many octets.
 * Indefinite length (0x80) is not allowed in the DER-like subset T.125 peers send; lengths above `cap` are refused.
 */
export function readBerLength(r: Reader, field: string, cap = BER_MAX_LENGTH): number {
  const start = r.offset;
  const first = r.u8(`${field} length`);
  let len: number;
  if (first < 0x80) {
    len = first;
  } else {
    const n = first & 0x7f;
    if (n === 0) berFail(r, `${field}: indefinite length is not allowed`, start);
    if (n > 4) berFail(r, `${field}: length of ${n} octets is too long`, start);
    len = 0;
    for (let i = 0; i < n; i++) len = len * 256 + r.u8(`${field} length`);
  }
  if (len > cap) berFail(r, `${field}: length ${len} exceeds the cap of ${cap}`, start);
  return len;
}

/** A whole TLV with the given tag; returns a Reader over its contents (bounded by the claimed length). */
export function readBerTlv(r: Reader, identifier: readonly number[], field: string, cap = BER_MAX_LENGTH): Reader {
  expectBerTag(r, identifier, field);
  const len = readBerLength(r, field, cap);
  return r.sub(len, field);
}

function readUnsignedContents(c: Reader, field: string): number {
  // T.125 integers are all (0..MAX). mstsc encodes 65535 as 02 02 ff ff (strictly -1 in two's complement), so
  // the contents are read as an unsigned big-endian number; a leading zero octet is accepted on top of 4 octets.
  const n = c.length;
  if (n === 0) berFail(c, `${field}: empty integer`);
  if (n > 5 || (n === 5 && c.peekU8(field) !== 0)) berFail(c, `${field}: integer of ${n} octets is too large`);
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + c.u8(field);
  return v;
}

/** INTEGER (X.690 8.3), read as unsigned (see above), at most 32 bits of value. */
export function readBerInteger(r: Reader, field: string): number {
  const c = readBerTlv(r, [BER_TAG_INTEGER], field, 5);
  return readUnsignedContents(c, field);
}

/** ENUMERATED (X.690 8.4). */
export function readBerEnumerated(r: Reader, field: string): number {
  const c = readBerTlv(r, [BER_TAG_ENUMERATED], field, 5);
  return readUnsignedContents(c, field);
}

/** BOOLEAN (X.690 8.2): one content octet, zero is false, anything else true. */
export function readBerBoolean(r: Reader, field: string): boolean {
  const start = r.offset;
  const c = readBerTlv(r, [BER_TAG_BOOLEAN], field, 1);
  if (c.length !== 1) berFail(r, `${field}: BOOLEAN must have exactly one content octet`, start);
  return c.u8(field) !== 0;
}

/** OCTET STRING (X.690 8.7), primitive form only; a copy of the contents (Reader.copy). */
export function readBerOctetString(r: Reader, field: string, cap = BER_MAX_LENGTH): Uint8Array {
  return readBerTlv(r, [BER_TAG_OCTET_STRING], field, cap).copyRest(field);
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

/** Definite length octets in the shortest form (X.690 8.1.3.3-8.1.3.5). */
export function berLength(n: number): number[] {
  if (!Number.isInteger(n) || n < 0 || n > 0xffffffff) throw new RangeError(`BER length ${n} out of range`);
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v % 256);
  return [0x80 | out.length, ...out];
}

function concat(parts: readonly (Uint8Array | readonly number[])[]): Uint8Array {
  let total = 0;
  for (const p of parts) total += p.length;
  const out = new Uint8Array(total);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** identifier + length + contents. */
export function berTlv(identifier: readonly number[], ...contents: Uint8Array[]): Uint8Array {
  const body = concat(contents);
  return concat([identifier, berLength(body.length), body]);
}

/** Minimal two's-complement contents of a non-negative integer (X.690 8.3.2): 65535 is 00 ff ff. */
function unsignedContents(v: number, field: string): Uint8Array {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${field}: ${v} is not an unsigned 32-bit integer`);
  const out: number[] = [];
  let x = v;
  do {
    out.unshift(x % 256);
    x = Math.floor(x / 256);
  } while (x > 0);
  if (out[0]! & 0x80) out.unshift(0);
  return Uint8Array.from(out);
}

export function berInteger(v: number, field = 'INTEGER'): Uint8Array {
  return berTlv([BER_TAG_INTEGER], unsignedContents(v, field));
}

export function berEnumerated(v: number, field = 'ENUMERATED'): Uint8Array {
  return berTlv([BER_TAG_ENUMERATED], unsignedContents(v, field));
}

/** BOOLEAN true is encoded 0xff (X.690 11.1, the DER choice every RDP client uses). */
export function berBoolean(v: boolean): Uint8Array {
  return berTlv([BER_TAG_BOOLEAN], Uint8Array.of(v ? 0xff : 0x00));
}

export function berOctetString(b: Uint8Array): Uint8Array {
  return berTlv([BER_TAG_OCTET_STRING], b);
}

export function berSequence(...items: Uint8Array[]): Uint8Array {
  return berTlv([BER_TAG_SEQUENCE], ...items);
}

/** [APPLICATION n] constructed around the given items. */
export function berApplication(n: number, ...items: Uint8Array[]): Uint8Array {
  return berTlv(berApplicationTag(n), ...items);
}
