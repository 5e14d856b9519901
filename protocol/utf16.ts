/**
 * Text to UTF-16LE bytes for NTLM and CredSSP, which carry user names, domains and passwords as UTF-16LE
 * ([MS-NLMP] 2.2: "UNICODE" strings; [MS-CSSP] 2.2.1.2.1 TSPasswordCreds). The password path never goes through
 * a JS string when the caller hands bytes: strings are immutable and cannot be zeroed.
 */

/** UTF-16LE of a JS string (lone surrogates are kept as the code units they are, as Windows would). */
export function utf16le(s: string): Uint8Array {
  const out = new Uint8Array(s.length * 2);
  for (let i = 0; i < s.length; i++) {
    const u = s.charCodeAt(i);
    out[2 * i] = u & 0xff;
    out[2 * i + 1] = u >>> 8;
  }
  return out;
}

/**
 * UTF-8 bytes to UTF-16LE bytes without an intermediate string. Throws RangeError (with no content of the input
 * in its message: the input is usually a password) on invalid UTF-8.
 */
export function utf8ToUtf16le(bytes: Uint8Array): Uint8Array {
  const units: number[] = [];
  const bad = (): never => {
    units.fill(0);
    throw new RangeError('password bytes are not valid UTF-8');
  };
  for (let i = 0; i < bytes.length; ) {
    const b0 = bytes[i]!;
    let cp: number;
    let n: number;
    if (b0 < 0x80) [cp, n] = [b0, 1];
    else if (b0 >= 0xc2 && b0 < 0xe0) [cp, n] = [b0 & 0x1f, 2];
    else if (b0 >= 0xe0 && b0 < 0xf0) [cp, n] = [b0 & 0x0f, 3];
    else if (b0 >= 0xf0 && b0 < 0xf5) [cp, n] = [b0 & 0x07, 4];
    else return bad();
    if (i + n > bytes.length) return bad();
    for (let k = 1; k < n; k++) {
      const c = bytes[i + k]!;
      if ((c & 0xc0) !== 0x80) return bad();
      cp = (cp << 6) | (c & 0x3f);
    }
    // Overlong forms, surrogates and values above U+10FFFF are not UTF-8 (RFC 3629 3).
    if ((n === 3 && cp < 0x800) || (n === 4 && (cp < 0x10000 || cp > 0x10ffff)) || (cp >= 0xd800 && cp <= 0xdfff)) return bad();
    if (cp >= 0x10000) units.push(0xd800 + ((cp - 0x10000) >> 10), 0xdc00 + ((cp - 0x10000) & 0x3ff));
    else units.push(cp);
    i += n;
  }
  const out = new Uint8Array(units.length * 2);
  units.forEach((u, k) => {
    out[2 * k] = u & 0xff;
    out[2 * k + 1] = u >>> 8;
  });
  units.fill(0);
  return out;
}
