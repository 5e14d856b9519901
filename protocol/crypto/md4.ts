/**
 * MD4 (RFC 1320). NTLM needs it for the NT hash (NTOWFv1 = MD4(UTF-16LE(password)), [MS-NLMP] 3.3.1), and Node's
 * default OpenSSL 3 provider no longer offers it (it moved to the legacy provider, which rdprobe never loads).
 * MD4 is broken as a general hash; it is here only because the protocol requires it.
 *
 * Written from the RFC's description (section 3): 64-byte blocks, little-endian words, three rounds of 16
 * operations, length padding in bits as a 64-bit little-endian value.
 */

const rotl = (x: number, n: number): number => (x << n) | (x >>> (32 - n));

// RFC 1320 3.4: the three auxiliary functions.
const F = (x: number, y: number, z: number): number => (x & y) | (~x & z);
const G = (x: number, y: number, z: number): number => (x & y) | (x & z) | (y & z);
const H = (x: number, y: number, z: number): number => x ^ y ^ z;

/** Round 2 and 3 additive constants (RFC 1320 3.4): sqrt(2) and sqrt(3) scaled by 2^30. */
const ROUND2 = 0x5a827999;
const ROUND3 = 0x6ed9eba1;

/** Word order of round 3 (RFC 1320 3.4, [abcd k s] with k = 0, 8, 4, 12, 2, 10, ...). */
const R3_ORDER = [0, 8, 4, 12, 2, 10, 6, 14, 1, 9, 5, 13, 3, 11, 7, 15] as const;

/** The 16-byte MD4 digest of `data`. Intermediate state and the padded copy are zeroed before returning. */
export function md4(data: Uint8Array): Uint8Array {
  // RFC 1320 3.1-3.2: append 0x80, zeros to 56 mod 64, then the bit length as 64-bit LE.
  const padded = new Uint8Array((((data.length + 8) >>> 6) + 1) << 6);
  padded.set(data);
  padded[data.length] = 0x80;
  const view = new DataView(padded.buffer);
  const bits = data.length * 8; // exact up to 2^53
  view.setUint32(padded.length - 8, bits >>> 0, true);
  view.setUint32(padded.length - 4, Math.floor(bits / 0x100000000) >>> 0, true);

  // RFC 1320 3.3: initial buffer.
  let a = 0x67452301;
  let b = 0xefcdab89;
  let c = 0x98badcfe;
  let d = 0x10325476;
  const x = new Uint32Array(16);

  for (let off = 0; off < padded.length; off += 64) {
    for (let i = 0; i < 16; i++) x[i] = view.getUint32(off + i * 4, true);
    const aa = a;
    const bb = b;
    const cc = c;
    const dd = d;

    // Round 1: [abcd k s] a = (a + F(b,c,d) + X[k]) <<< s, s cycling 3, 7, 11, 19.
    for (let i = 0; i < 16; i += 4) {
      a = rotl((a + F(b, c, d) + x[i]!) | 0, 3);
      d = rotl((d + F(a, b, c) + x[i + 1]!) | 0, 7);
      c = rotl((c + F(d, a, b) + x[i + 2]!) | 0, 11);
      b = rotl((b + F(c, d, a) + x[i + 3]!) | 0, 19);
    }
    // Round 2: words taken column-wise (0, 4, 8, 12, 1, 5, ...), s cycling 3, 5, 9, 13.
    for (let i = 0; i < 4; i++) {
      a = rotl((a + G(b, c, d) + x[i]! + ROUND2) | 0, 3);
      d = rotl((d + G(a, b, c) + x[i + 4]! + ROUND2) | 0, 5);
      c = rotl((c + G(d, a, b) + x[i + 8]! + ROUND2) | 0, 9);
      b = rotl((b + G(c, d, a) + x[i + 12]! + ROUND2) | 0, 13);
    }
    // Round 3: bit-reversed word order, s cycling 3, 9, 11, 15.
    for (let i = 0; i < 16; i += 4) {
      a = rotl((a + H(b, c, d) + x[R3_ORDER[i]!]! + ROUND3) | 0, 3);
      d = rotl((d + H(a, b, c) + x[R3_ORDER[i + 1]!]! + ROUND3) | 0, 9);
      c = rotl((c + H(d, a, b) + x[R3_ORDER[i + 2]!]! + ROUND3) | 0, 11);
      b = rotl((b + H(c, d, a) + x[R3_ORDER[i + 3]!]! + ROUND3) | 0, 15);
    }

    a = (a + aa) | 0;
    b = (b + bb) | 0;
    c = (c + cc) | 0;
    d = (d + dd) | 0;
  }

  const out = new Uint8Array(16);
  const ov = new DataView(out.buffer);
  ov.setUint32(0, a >>> 0, true);
  ov.setUint32(4, b >>> 0, true);
  ov.setUint32(8, c >>> 0, true);
  ov.setUint32(12, d >>> 0, true);
  // The input is usually a password: leave no copy of it behind in our buffers.
  padded.fill(0);
  x.fill(0);
  return out;
}
