import type { Reader } from '../reader.js';

/**
 * The TLS presentation language's vectors (RFC 8446 3.4, RFC 5246 4.3): `T name<floor..ceiling>` is a length
 * prefix of 1, 2 or 3 bytes followed by the bytes. These helpers are the checked form of that, on top of the
 * project's Reader (reads) and plain byte arrays (writes), so every TLS structure spells its bounds once.
 */

export type PrefixWidth = 1 | 2 | 3;

/** 24-bit big-endian integer (handshake lengths, certificate lengths). */
export function readU24(r: Reader, field: string): number {
  const hi = r.u8(field);
  return (hi << 16) | r.u16be(field);
}

/** `<floor..ceiling>` vector: a length prefix, then that many bytes as their own reader. */
export function readVector(r: Reader, width: PrefixWidth, field: string, floor = 0, ceiling = 2 ** (8 * width) - 1): Reader {
  const at = r.offset;
  const n = width === 1 ? r.u8(`${field} length`) : width === 2 ? r.u16be(`${field} length`) : readU24(r, `${field} length`);
  if (n < floor || n > ceiling) r.fail(`${field} length ${n} outside ${floor}..${ceiling}`, at);
  return r.sub(n, field);
}

/**
 * Bytes of a `<floor..ceiling>` vector, copied into a plain Uint8Array (decoded values never alias the input, and
 * stay Uint8Array when the input is a Buffer, whose slice() is a view).
 */
export function readOpaque(r: Reader, width: PrefixWidth, field: string, floor = 0, ceiling = 2 ** (8 * width) - 1): Uint8Array {
  return Uint8Array.from(readVector(r, width, field, floor, ceiling).rest());
}

/** A vector of u16 values (cipher suites, groups, signature schemes). The byte length must be even. */
export function readU16List(r: Reader, width: PrefixWidth, field: string, floor = 0, ceiling = 2 ** (8 * width) - 2): number[] {
  const v = readVector(r, width, field, floor, ceiling);
  if (v.length % 2 !== 0) r.fail(`${field} length ${v.length} is odd`, v.offset - width);
  const out: number[] = [];
  while (v.remaining > 0) out.push(v.u16be(field));
  return out;
}

/** A vector of u8 values (compression methods, point formats, psk modes). */
export function readU8List(r: Reader, width: PrefixWidth, field: string, floor = 0, ceiling = 2 ** (8 * width) - 1): number[] {
  return Array.from(readVector(r, width, field, floor, ceiling).rest());
}

export function concatBytes(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Big-endian unsigned integer of `width` bytes. Throws RangeError when it does not fit (our own bug). */
export function uint(v: number, width: PrefixWidth | 4, field: string): Uint8Array {
  if (!Number.isInteger(v) || v < 0 || v >= 2 ** (8 * width)) throw new RangeError(`${field}: ${v} does not fit in ${width} byte(s)`);
  const out = new Uint8Array(width);
  for (let i = width - 1, x = v; i >= 0; i--, x = Math.floor(x / 256)) out[i] = x & 0xff;
  return out;
}

/**
 * Encodes a `<floor..ceiling>` vector: the length prefix is computed from the body (the cryptobyte
 * AddUintNLengthPrefixed idea), so no encoder spells a length by hand.
 */
export function vector(width: PrefixWidth, body: Uint8Array | readonly Uint8Array[], field: string): Uint8Array {
  const b = body instanceof Uint8Array ? body : concatBytes(body);
  return concatBytes([uint(b.length, width, `${field} length`), b]);
}

/** Values of `width` bytes each, written into one array (a hello's suite list: one allocation, not one per suite). */
function uintList(values: readonly number[], width: 1 | 2, field: string): Uint8Array {
  const out = new Uint8Array(values.length * width);
  values.forEach((v, i) => {
    if (!Number.isInteger(v) || v < 0 || v >= 2 ** (8 * width)) throw new RangeError(`${field}: ${v} does not fit in ${width} byte(s)`);
    if (width === 2) out[i * 2] = v >> 8;
    out[i * width + width - 1] = v & 0xff;
  });
  return out;
}

export function u16List(values: readonly number[], field: string): Uint8Array {
  return uintList(values, 2, field);
}

export function u8List(values: readonly number[], field: string): Uint8Array {
  return uintList(values, 1, field);
}
