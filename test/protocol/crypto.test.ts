/**
 * MD4 and RC4, implemented in protocol/crypto/ because Node's default OpenSSL 3 provider has neither. Every
 * expected value is copied from the RFC that defines the vectors, never produced by this code.
 */
import { describe, expect, it } from 'vitest';
import { md4 } from '../../protocol/crypto/md4.js';
import { Rc4, rc4 } from '../../protocol/crypto/rc4.js';
import { fromHex, toHex } from '../../protocol/writer.js';

const ascii = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'latin1'));

describe('MD4 (RFC 1320)', () => {
  // RFC 1320 appendix A.5 "Test suite": all seven.
  const suite: Array<[string, string]> = [
    ['', '31d6cfe0d16ae931b73c59d7e0c089c0'],
    ['a', 'bde52cb31de33e46245e05fbdbd6fb24'],
    ['abc', 'a448017aaf21d8525fc10ae87aa6729d'],
    ['message digest', 'd9130a8164549fe818874806e1c7014b'],
    ['abcdefghijklmnopqrstuvwxyz', 'd79e1c308aa5bbcdeea8ed63df412da9'],
    ['ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789', '043f8582f241db351ce627e153e7f0e4'],
    ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', 'e33b4ddc9c38f2199c3e7b164fcc0536'],
  ];
  for (const [input, digest] of suite) {
    it(`MD4("${input.length > 20 ? `${input.slice(0, 20)}...` : input}") = ${digest}`, () => expect(toHex(md4(ascii(input)))).toBe(digest));
  }

  it('the lab NT hash: MD4(UTF-16LE("LabPassw0rd!")), as lab/lab.sh computed it with openssl -provider legacy', () => {
    expect(toHex(md4(Uint8Array.from(Buffer.from('LabPassw0rd!', 'utf16le'))))).toBe('d65e3fadbb546b262ee1323c4dc12ffd');
  });

  it('lengths around the padding boundaries (55 to 65, 119, 120 bytes) give distinct digests: no length is lost in padding', () => {
    const seen = new Set<string>();
    for (const n of [55, 56, 57, 63, 64, 65, 119, 120]) seen.add(toHex(md4(new Uint8Array(n).fill(0x61))));
    expect(seen.size).toBe(8);
  });

  it('does not modify its input', () => {
    const input = ascii('message digest');
    md4(input);
    expect(Buffer.from(input).toString('latin1')).toBe('message digest');
  });
});

describe('RC4 (RFC 6229 keystream vectors)', () => {
  // RFC 6229 section 2, keys 0x0102...: the 16 keystream bytes at the given offset ("DEC n").
  const rows: Array<[string, number, string]> = [
    ['0102030405', 0, 'b2396305f03dc027ccc3524a0a1118a8'], // 40 bits
    ['0102030405', 16, '6982944f18fc82d589c403a47a0d0919'],
    ['0102030405', 1536, 'd8729db41882259bee4f825325f5a130'],
    ['0102030405', 4096, 'ff25b58995996707e51fbdf08b34d875'],
    ['01020304050607', 0, '293f02d47f37c9b633f2af5285feb46b'], // 56 bits
    ['01020304050607', 16, 'e620f1390d19bd84e2e0fd752031afc1'],
    ['01020304050607', 240, '914f02531c9218810df60f67e338154c'],
    ['01020304050607', 256, 'd0fdb583073ce85ab83917740ec011d5'],
    ['0102030405060708', 0, '97ab8a1bf0afb96132f2f67258da15a8'], // 64 bits
    ['0102030405060708090a0b0c0d0e0f10', 0, '9ac7cc9a609d1ef7b2932899cde41b97'], // 128 bits
    ['0102030405060708090a0b0c0d0e0f10', 16, '5248c4959014126a6e8a84f11d1a9e1c'],
    ['0102030405060708090a0b0c0d0e0f10', 1536, 'ffa0b514647ec04f6306b892ae661181'],
    ['0102030405060708090a0b0c0d0e0f10', 4096, 'a36a4c301ae8ac13610ccbc12256cacc'],
    ['0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20', 0, 'eaa6bd25880bf93d3f5d1e4ca2611d91'], // 256 bits
    ['0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20', 16, 'cfa45c9f7e714b54bdfa80027cb14380'],
    ['0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20', 1536, '3e34135c79db010200767651cf263073'],
    ['0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20', 4096, 'f3e4c0a2e02d1d01f7f0a74618af2b48'],
  ];
  for (const [key, offset, stream] of rows) {
    it(`${key.length * 4}-bit key, offset ${offset}`, () => {
      const ks = rc4(fromHex(key), new Uint8Array(offset + 16));
      expect(toHex(ks.subarray(offset))).toBe(stream);
    });
  }

  it('a handle keeps its state across calls: pieces equal one call (NTLM seals message after message)', () => {
    const key = fromHex('0102030405060708090a0b0c0d0e0f10');
    const whole = new Rc4(key).update(new Uint8Array(4112));
    const h = new Rc4(key);
    const parts = [1, 15, 0, 100, 1420, 2576].map((n) => h.update(new Uint8Array(n)));
    expect(toHex(Buffer.concat(parts))).toBe(toHex(whole));
    expect(toHex(whole.subarray(4096))).toBe('a36a4c301ae8ac13610ccbc12256cacc');
  });

  it('decrypts what it encrypted, and leaves the input alone', () => {
    const key = fromHex('0102030405');
    const plain = ascii('Plaintext');
    const sealed = rc4(key, plain);
    expect(Buffer.from(plain).toString('latin1')).toBe('Plaintext');
    expect(Buffer.from(rc4(key, sealed)).toString('latin1')).toBe('Plaintext');
  });

  it('refuses empty and over-long keys; dispose() forgets the schedule', () => {
    expect(() => new Rc4(new Uint8Array(0))).toThrow(RangeError);
    expect(() => new Rc4(new Uint8Array(257))).toThrow(RangeError);
    const h = new Rc4(fromHex('0102030405'));
    h.dispose();
    // A zeroed schedule yields a constant keystream, never the keyed one.
    expect(toHex(h.update(new Uint8Array(4)))).not.toBe('b2396305');
  });
});
