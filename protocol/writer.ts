/**
 * A small growable byte builder for encoders. Encoders build what we send, so there is nothing untrusted here;
 * range checks still catch our own mistakes (a value that does not fit its field is a bug, not a silent wrap).
 */
export class Writer {
  private chunks: number[] = [];

  private check(v: number, max: number, field: string): void {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new RangeError(`${field}: ${v} does not fit (max ${max})`);
  }

  u8(v: number, field = 'u8'): this {
    this.check(v, 0xff, field);
    this.chunks.push(v);
    return this;
  }

  u16be(v: number, field = 'u16'): this {
    this.check(v, 0xffff, field);
    this.chunks.push(v >>> 8, v & 0xff);
    return this;
  }

  u16le(v: number, field = 'u16'): this {
    this.check(v, 0xffff, field);
    this.chunks.push(v & 0xff, v >>> 8);
    return this;
  }

  u32be(v: number, field = 'u32'): this {
    this.check(v, 0xffffffff, field);
    this.chunks.push(v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff);
    return this;
  }

  u32le(v: number, field = 'u32'): this {
    this.check(v, 0xffffffff, field);
    this.chunks.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, v >>> 24);
    return this;
  }

  u64le(v: bigint, field = 'u64'): this {
    if (v < 0n || v > 0xffffffffffffffffn) throw new RangeError(`${field}: ${v} does not fit`);
    this.u32le(Number(v & 0xffffffffn), field);
    this.u32le(Number(v >> 32n), field);
    return this;
  }

  bytes(b: Uint8Array | readonly number[]): this {
    for (const x of b) this.chunks.push(x);
    return this;
  }

  get length(): number {
    return this.chunks.length;
  }

  finish(): Uint8Array {
    return Uint8Array.from(this.chunks);
  }
}

/** Lower-case hex of bytes, for logs, captures and error details. */
export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

/** Bytes from hex, ignoring whitespace and `#` comments to the end of each line (golden vectors). */
export function fromHex(s: string): Uint8Array {
  const clean = s
    .split('\n')
    .map((l) => l.replace(/#.*$/, ''))
    .join('')
    .replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean)) throw new Error(`invalid hex: ${s.slice(0, 40)}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

/** Name lookup with the `unknown(0x..)` fallback every constant map uses for output. */
export function nameOf(map: Readonly<Record<number, string>>, v: number, width = 2): string {
  return map[v] ?? `unknown(0x${v.toString(16).padStart(width, '0')})`;
}

/** The names of every flag set in v, plus `unknown(0x..)` for bits we have no name for. */
export function flagNames(map: Readonly<Record<number, string>>, v: number, width = 8): string[] {
  const out: string[] = [];
  let known = 0;
  for (const [bit, name] of Object.entries(map)) {
    const b = Number(bit);
    known = (known | b) >>> 0;
    // `&` yields a signed 32-bit result: compare unsigned or bit 31 (e.g. NTLMSSP_NEGOTIATE_56) never matches.
    if (((v & b) >>> 0) === b && b !== 0) out.push(name);
  }
  const rest = (v & ~known) >>> 0;
  if (rest !== 0) out.push(`unknown(0x${rest.toString(16).padStart(width, '0')})`);
  return out;
}
