import { DecodeError } from './errors.js';
import type { Reader } from './reader.js';
import type { Writer } from './writer.js';

/**
 * The ALIGNED PER (X.691) pieces T.124 GCC needs for Conference Create Request / Response
 * ([MS-RDPBCGR] 2.2.1.3.1, 2.2.1.4.1, and its annotated examples 4.1.3, 4.1.4). Like FreeRDP's per.c this is not
 * a general PER codec: it reads and writes exactly the shapes those two PDUs use, with the constraints they
 * carry written at the call sites (`min` of a constrained length, the alphabet of a numeric string).
 *
 * Decoders take the caller's Reader and throw DecodeError with layer `per` when an encoding rule is broken.
 */

/** Largest length determinant form we accept: two octets, 0x8000 | n with n < 16384 (X.691 10.9.3.7). */
export const PER_MAX_LENGTH = 0x3fff;

function perFail(r: Reader, reason: string, offset = r.offset): never {
  throw new DecodeError('per', offset, reason);
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

/**
 * Unconstrained length determinant (X.691 10.9.3.6-10.9.3.7): one octet below 0x80, or two octets 10xxxxxx xxxxxxxx.
 * Fragmented lengths (11xxxxxx, 16K blocks) never occur in GCC PDUs of RDP and are refused.
 */
export function readPerLength(r: Reader, field: string): number {
  const start = r.offset;
  const first = r.u8(`${field} length`);
  if ((first & 0x80) === 0) return first;
  if ((first & 0x40) !== 0) perFail(r, `${field}: fragmented length determinant 0x${first.toString(16)} is not supported`, start);
  return ((first & 0x3f) << 8) | r.u8(`${field} length`);
}

/** CHOICE index octet (X.691 22, aligned: the index plus extension bit fit one octet in GCC). */
export function readPerChoice(r: Reader, field: string): number {
  return r.u8(`${field} choice`);
}

/** SEQUENCE preamble octet: extension bit and optional-field presence bitmap (X.691 18.1-18.3). */
export function readPerSelection(r: Reader, field: string): number {
  return r.u8(`${field} selection`);
}

/** SET OF count for a set of at most 255 elements (one octet, as T.124 encodes it for user data). */
export function readPerNumberOfSets(r: Reader, field: string): number {
  return r.u8(`${field} number of sets`);
}


/** Unconstrained INTEGER (X.691 12.2.6): length octet (1, 2 or 4 in GCC) then the big-endian value. */
export function readPerInteger(r: Reader, field: string): number {
  const start = r.offset;
  const n = readPerLength(r, field);
  if (n < 1 || n > 4) perFail(r, `${field}: integer of ${n} octets is not supported`, start);
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + r.u8(field);
  return v;
}

/** INTEGER (min..min+65535), aligned two-octet offset from `min` (X.691 12.2.2). */
export function readPerInteger16(r: Reader, min: number, field: string): number {
  return r.u16be(field) + min;
}

/** `n` padding octets (alignment or unset bits of a preamble); their value is not checked. */
export function readPerPadding(r: Reader, n: number, field: string): void {
  r.skip(n, `${field} padding`);
}

/**
 * OBJECT IDENTIFIER (X.691 24, X.690 8.19 contents): length octet, first octet 40*a+b, then base-128 arcs.
 */
export function readPerObjectIdentifier(r: Reader, field: string): number[] {
  const len = readPerLength(r, field);
  const c = r.sub(len, field);
  if (len === 0) perFail(c, `${field}: empty object identifier`);
  const arcs: number[] = [];
  let v = 0;
  let inArc = false;
  while (c.remaining > 0) {
    const b = c.u8(field);
    if (v > 0x1ffffff) perFail(c, `${field}: object identifier arc too large`);
    v = v * 128 + (b & 0x7f);
    inArc = (b & 0x80) !== 0;
    if (!inArc) {
      if (arcs.length === 0) arcs.push(v < 80 ? Math.floor(v / 40) : 2, v < 80 ? v % 40 : v - 80);
      else arcs.push(v);
      v = 0;
    }
  }
  if (inArc) perFail(c, `${field}: object identifier ends inside an arc`);
  return arcs;
}

/** OCTET STRING with a lower size bound: the length determinant holds (length - min) (X.691 17). */
export function readPerOctetString(r: Reader, min: number, field: string): Uint8Array {
  const len = readPerLength(r, field) + min;
  return r.copy(len, field);
}

/**
 * NumericString (SIZE (min..MAX)) from T.124 (SimpleNumericString): length - min, then one nibble per digit,
 * high nibble first, the last low nibble being padding when the length is odd (X.691 27.5.4).
 */
export function readPerNumericString(r: Reader, min: number, field: string): string {
  const start = r.offset;
  const len = readPerLength(r, field) + min;
  const packed = r.bytes(Math.ceil(len / 2), field);
  let s = '';
  for (let i = 0; i < len; i++) {
    const byte = packed[i >> 1]!;
    const d = i % 2 === 0 ? byte >> 4 : byte & 0x0f;
    if (d > 9) perFail(r, `${field}: nibble 0x${d.toString(16)} is not a digit`, start);
    s += String(d);
  }
  return s;
}

/** OCTET STRING (SIZE (n)) with a known value, e.g. the H.221 key; a different value is a DecodeError. */
export function expectPerOctetString(r: Reader, expected: Uint8Array, min: number, field: string): void {
  const start = r.offset;
  const got = readPerOctetString(r, min, field);
  if (got.length !== expected.length || got.some((b, i) => b !== expected[i])) {
    perFail(r, `${field}: expected ${Buffer.from(expected).toString('latin1')}, got ${Buffer.from(got).toString('hex')}`, start);
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

export function writePerLength(w: Writer, n: number, field = 'length'): void {
  if (!Number.isInteger(n) || n < 0 || n > PER_MAX_LENGTH) throw new RangeError(`${field}: PER length ${n} out of range`);
  if (n < 0x80) w.u8(n, field);
  else w.u16be(0x8000 | n, field);
}

export function writePerChoice(w: Writer, v: number): void {
  w.u8(v, 'choice');
}

export function writePerSelection(w: Writer, v: number): void {
  w.u8(v, 'selection');
}

export function writePerNumberOfSets(w: Writer, v: number): void {
  w.u8(v, 'number of sets');
}

/** Unconstrained INTEGER in the fewest of 1, 2 or 4 octets. */
export function writePerInteger(w: Writer, v: number): void {
  if (v < 0x100) {
    writePerLength(w, 1);
    w.u8(v);
  } else if (v < 0x10000) {
    writePerLength(w, 2);
    w.u16be(v);
  } else {
    writePerLength(w, 4);
    w.u32be(v);
  }
}

export function writePerInteger16(w: Writer, v: number, min: number): void {
  w.u16be(v - min, 'integer16');
}

export function writePerPadding(w: Writer, n: number): void {
  for (let i = 0; i < n; i++) w.u8(0);
}

export function writePerObjectIdentifier(w: Writer, arcs: readonly number[]): void {
  const [a, b, ...rest] = arcs;
  if (a === undefined || b === undefined) throw new RangeError('object identifier needs two arcs');
  const out: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const bytes = [arc & 0x7f];
    for (let v = Math.floor(arc / 128); v > 0; v = Math.floor(v / 128)) bytes.unshift(0x80 | (v & 0x7f));
    out.push(...bytes);
  }
  writePerLength(w, out.length, 'object identifier');
  w.bytes(out);
}

export function writePerOctetString(w: Writer, b: Uint8Array, min: number): void {
  writePerLength(w, b.length - min, 'octet string');
  w.bytes(b);
}

export function writePerNumericString(w: Writer, s: string, min: number): void {
  if (!/^[0-9]*$/.test(s) || s.length < min) throw new RangeError(`numeric string ${JSON.stringify(s)} invalid`);
  writePerLength(w, s.length - min, 'numeric string');
  for (let i = 0; i < s.length; i += 2) {
    const hi = Number(s[i]);
    const lo = i + 1 < s.length ? Number(s[i + 1]) : 0;
    w.u8((hi << 4) | lo);
  }
}
