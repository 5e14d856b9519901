import { DecodeError, type Layer } from './errors.js';

/**
 * A bounds-checked cursor over untrusted bytes (the Go crypto/tls cryptobyte idea): every read names the
 * field it reads, fails with a DecodeError instead of returning garbage, and a length-prefixed field becomes
 * its own sub-reader so an inner structure can never read past its own end. Offsets in errors are absolute
 * (relative to the outermost buffer) so a report points at the byte in a capture.
 */
export class Reader {
  private pos = 0;

  constructor(
    private readonly buf: Uint8Array,
    readonly layer: Layer,
    /** Absolute offset of buf[0] within the outermost buffer, for error messages. */
    private readonly base = 0,
  ) {}

  /** Absolute offset of the next byte to be read. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Position relative to this reader's own start. */
  get position(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  get length(): number {
    return this.buf.length;
  }

  fail(reason: string, offset = this.offset): never {
    throw new DecodeError(this.layer, offset, reason);
  }

  private need(n: number, field: string): void {
    if (n < 0 || !Number.isInteger(n)) this.fail(`invalid length ${n} for ${field}`);
    if (this.remaining < n) {
      this.fail(`truncated ${field}: need ${n} byte${n === 1 ? '' : 's'}, ${this.remaining} left`);
    }
  }

  u8(field: string): number {
    this.need(1, field);
    return this.buf[this.pos++]!;
  }

  peekU8(field: string): number {
    this.need(1, field);
    return this.buf[this.pos]!;
  }

  u16be(field: string): number {
    this.need(2, field);
    const v = (this.buf[this.pos]! << 8) | this.buf[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u16le(field: string): number {
    this.need(2, field);
    const v = this.buf[this.pos]! | (this.buf[this.pos + 1]! << 8);
    this.pos += 2;
    return v;
  }

  u32be(field: string): number {
    this.need(4, field);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p]! << 24) >>> 0) + (b[p + 1]! << 16) + (b[p + 2]! << 8) + b[p + 3]!;
  }

  u32le(field: string): number {
    this.need(4, field);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return ((b[p + 3]! << 24) >>> 0) + (b[p + 2]! << 16) + (b[p + 1]! << 8) + b[p]!;
  }

  /** 64-bit little-endian unsigned integer as a bigint (FILETIME and friends). */
  u64le(field: string): bigint {
    const lo = BigInt(this.u32le(field));
    const hi = BigInt(this.u32le(field));
    return (hi << 32n) | lo;
  }

  /**
   * A copy-free view of the next n bytes, for reading them here (a string, a nested structure). It aliases the
   * caller's buffer: a decoded value never holds one (use copy()).
   */
  bytes(n: number, field: string): Uint8Array {
    this.need(n, field);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /**
   * The next n bytes as a plain Uint8Array of their own: what a decoded byte field holds. A view would alias the
   * caller's buffer (a Node Buffer's slice() is a view too), so a caller reusing or zeroing its buffer would
   * change the decoded value, and a decoder writing into a value would write into the caller's bytes.
   */
  copy(n: number, field: string): Uint8Array {
    return new Uint8Array(this.bytes(n, field));
  }

  /** Everything left, consumed, as a copy (see copy()). */
  copyRest(field = 'rest'): Uint8Array {
    return this.copy(this.remaining, field);
  }

  skip(n: number, field: string): void {
    this.need(n, field);
    this.pos += n;
  }

  /** The next n bytes as their own reader (optionally for an inner layer), advancing past them. */
  sub(n: number, field: string, layer: Layer = this.layer): Reader {
    const start = this.offset;
    return new Reader(this.bytes(n, field), layer, start);
  }

  /** Everything left, consumed, as a view (see bytes()). */
  rest(): Uint8Array {
    return this.bytes(this.remaining, 'rest');
  }

  /** Decoders call this last: trailing bytes mean we misunderstood the structure, which is an error. */
  end(what: string): void {
    if (this.remaining !== 0) this.fail(`${this.remaining} unexpected trailing byte(s) after ${what}`);
  }

  /**
   * A reader over an arbitrary slice of this reader's buffer, addressed by an offset the peer sent
   * (NTLM payload fields are offset+length pairs relative to the message start). Checked against the buffer.
   */
  slice(offset: number, n: number, field: string, layer: Layer = this.layer): Reader {
    if (!Number.isInteger(offset) || !Number.isInteger(n) || offset < 0 || n < 0 || offset + n > this.buf.length) {
      this.fail(`${field} points outside the buffer: offset ${offset}, length ${n}, buffer ${this.buf.length}`);
    }
    return new Reader(this.buf.subarray(offset, offset + n), layer, this.base + offset);
  }
}
