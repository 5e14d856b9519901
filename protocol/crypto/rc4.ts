/**
 * RC4 (the "ARCFOUR" keystream cipher; test vectors in RFC 6229). NTLM session security uses it for the key
 * exchange (RC4K, [MS-NLMP] 3.4.5.1 / 6) and for sealing and signature checksums (3.4.3, 3.4.4), with one handle
 * per direction whose state carries on from message to message. Node's default OpenSSL 3 provider no longer
 * offers RC4 (it is in the legacy provider, which rdprobe never loads). RC4 is broken as a cipher; it is here
 * only because the protocol requires it.
 */
export class Rc4 {
  private readonly s = new Uint8Array(256);
  private i = 0;
  private j = 0;

  /** Key-scheduling algorithm. Keys of 1 to 256 bytes (NTLM uses 5, 7, 8 and 16). */
  constructor(key: Uint8Array) {
    if (key.length < 1 || key.length > 256) throw new RangeError(`RC4 key of ${key.length} bytes (1 to 256)`);
    const s = this.s;
    for (let k = 0; k < 256; k++) s[k] = k;
    let j = 0;
    for (let k = 0; k < 256; k++) {
      j = (j + s[k]! + key[k % key.length]!) & 0xff;
      const t = s[k]!;
      s[k] = s[j]!;
      s[j] = t;
    }
  }

  /** XORs the next `data.length` keystream bytes into a new array (encryption and decryption are the same). */
  update(data: Uint8Array): Uint8Array {
    const out = new Uint8Array(data.length);
    const s = this.s;
    let i = this.i;
    let j = this.j;
    for (let k = 0; k < data.length; k++) {
      i = (i + 1) & 0xff;
      j = (j + s[i]!) & 0xff;
      const t = s[i]!;
      s[i] = s[j]!;
      s[j] = t;
      out[k] = data[k]! ^ s[(s[i]! + s[j]!) & 0xff]!;
    }
    this.i = i;
    this.j = j;
    return out;
  }

  /** Forgets the key schedule (it is equivalent to the key). The handle is unusable afterwards. */
  dispose(): void {
    this.s.fill(0);
    this.i = 0;
    this.j = 0;
  }
}

/** RC4K ([MS-NLMP] 6): a fresh handle keyed with `key`, applied once to `data`. */
export function rc4(key: Uint8Array, data: Uint8Array): Uint8Array {
  const h = new Rc4(key);
  try {
    return h.update(data);
  } finally {
    h.dispose();
  }
}
