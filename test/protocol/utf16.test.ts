/** UTF-16LE for NTLM/CredSSP strings, and the byte-to-byte UTF-8 path the password takes (RFC 3629). */
import { describe, expect, it } from 'vitest';
import { utf16le, utf8ToUtf16le } from '../../protocol/utf16.js';
import { fromHex, toHex } from '../../protocol/writer.js';

describe('utf16le / utf8ToUtf16le', () => {
  it('agree with Node for 1-, 2-, 3- and 4-byte UTF-8 sequences', () => {
    for (const s of ['', 'LabPassw0rd!', 'Pässwörd', '€uro', '𝄞 clef', 'ü€𝄞a']) {
      const node = toHex(Uint8Array.from(Buffer.from(s, 'utf16le')));
      expect(toHex(utf16le(s)), s).toBe(node);
      expect(toHex(utf8ToUtf16le(Uint8Array.from(Buffer.from(s, 'utf8')))), s).toBe(node);
    }
    // U+1D11E is the surrogate pair D834 DD1E.
    expect(toHex(utf8ToUtf16le(fromHex('f09d849e')))).toBe('34d81edd');
  });

  it('refuses invalid UTF-8 without echoing it', () => {
    for (const bad of ['c328', 'c0af', 'e08080', 'eda080', 'f4908080', 'f8', 'e282', '80']) {
      expect(() => utf8ToUtf16le(fromHex(bad)), bad).toThrow(new RangeError('password bytes are not valid UTF-8'));
    }
  });
});
