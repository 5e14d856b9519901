import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { challengeToInfo } from '../../src/analysis/ntlm-identity.js';
import {
  AV_PAIR_MAX_COUNT,
  DEFAULT_NEGOTIATE_FLAGS,
  MSV_AV_DNS_COMPUTER_NAME,
  MSV_AV_DNS_DOMAIN_NAME,
  MSV_AV_DNS_TREE_NAME,
  MSV_AV_FLAGS,
  MSV_AV_NB_COMPUTER_NAME,
  MSV_AV_NB_DOMAIN_NAME,
  NTLMSSP_NEGOTIATE_UNICODE,
  NTLMSSP_NEGOTIATE_VERSION,
  avString,
  avTimestamp,
  dateToFiletime,
  decodeAvPairs,
  decodeNtlmChallenge,
  decodeNtlmNegotiate,
  encodeAvPairs,
  encodeNtlmChallenge,
  encodeNtlmNegotiate,
  filetimeToDate,
  ntlmFlagNames,
  type AvPair,
  type NtlmChallenge,
} from '../../protocol/ntlm.js';
import { decodeErrorOrRethrow, valueOrDecodeErrorOf } from '../helpers/codec-asserts.js';
import { fromHex, toHex } from '../../protocol/writer.js';

const valueOrDecodeError = valueOrDecodeErrorOf('ntlm');

const utf16 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'utf16le'));

// [MS-NLMP] 2.2.1.1 NEGOTIATE_MESSAGE the probe sends: flags and VERSION as Windows 10 mstsc.
const NEGOTIATE = fromHex(`
  4e544c4d53535000   # Signature "NTLMSSP\\0"
  01000000           # MessageType 1 (NEGOTIATE)
  b78208e2           # NegotiateFlags 0xE20882B7
  0000 0000 00000000 # DomainNameFields: Len 0, MaxLen 0, BufferOffset 0
  0000 0000 00000000 # WorkstationFields: Len 0, MaxLen 0, BufferOffset 0
  0a 00 614a         # Version: 10.0, build 19041
  000000 0f          #   Reserved, NTLMRevisionCurrent 0x0F
`);

// [MS-NLMP] 4.2.4.3 CHALLENGE_MESSAGE (the NTLMv2 example; reproduced from the specification's example values:
// TargetName "Server", NbDomainName "Domain", NbComputerName "Server", version 6.0.6000).
const SPEC_CHALLENGE = fromHex(`
  4e544c4d53535000            # Signature
  02000000                    # MessageType 2 (CHALLENGE)
  0c00 0c00 38000000          # TargetNameFields: Len 12, MaxLen 12, BufferOffset 56
  33828ae2                    # NegotiateFlags 0xE28A8233
  0123456789abcdef            # ServerChallenge
  0000000000000000            # Reserved
  2400 2400 44000000          # TargetInfoFields: Len 36, MaxLen 36, BufferOffset 68
  06 00 7017 000000 0f        # Version 6.0.6000, revision 15
  5300 6500 7200 7600 6500 7200            # @56 TargetName "Server"
  0200 0c00 4400 6f00 6d00 6100 6900 6e00  # @68 MsvAvNbDomainName "Domain"
  0100 0c00 5300 6500 7200 7600 6500 7200  #     MsvAvNbComputerName "Server"
  0000 0000                                #     MsvAvEOL
`);

const SPEC_CHALLENGE_VALUE: NtlmChallenge = {
  flags: 0xe28a8233,
  targetName: 'Server',
  serverChallenge: fromHex('0123456789abcdef'),
  targetInfo: [
    { id: MSV_AV_NB_DOMAIN_NAME, value: utf16('Domain') },
    { id: MSV_AV_NB_COMPUTER_NAME, value: utf16('Server') },
  ],
  version: { major: 6, minor: 0, build: 6000, revision: 15 },
};

// A domain member Windows Server 2019 answering, built field by field from [MS-NLMP] 2.2.1.2 and 2.2.2.1.
const WS2019_CHALLENGE = fromHex(`
  4e544c4d53535000            # Signature
  02000000                    # MessageType 2
  0e00 0e00 38000000          # TargetNameFields: Len 14, MaxLen 14, BufferOffset 56
  358289e2                    # NegotiateFlags 0xE2898235 (TARGET_TYPE_DOMAIN, TARGET_INFO, VERSION, 56...)
  1122334455667788            # ServerChallenge
  0000000000000000            # Reserved
  8a00 8a00 46000000          # TargetInfoFields: Len 138, MaxLen 138, BufferOffset 70
  0a 00 6345 000000 0f        # Version 10.0.17763, revision 15
  4300 4f00 4e00 5400 4f00 5300 4f00  # @56 TargetName "CONTOSO"
  0200 0e00 4300 4f00 4e00 5400 4f00 5300 4f00        # @70 MsvAvNbDomainName "CONTOSO"
  0100 0a00 5200 4400 5300 3000 3100                  # MsvAvNbComputerName "RDS01"
  0400 1600 6300 6f00 6e00 7400 6f00 7300 6f00 2e00 6300 6f00 6d00  # MsvAvDnsDomainName "contoso.com"
  0300 2200 7200 6400 7300 3000 3100 2e00 6300 6f00 6e00 7400 6f00 7300 6f00 2e00 6300 6f00 6d00  # MsvAvDnsComputerName
  0500 1600 6300 6f00 6e00 7400 6f00 7300 6f00 2e00 6300 6f00 6d00  # MsvAvDnsTreeName "contoso.com"
  0700 0800 0060ba17bf9bda01  # MsvAvTimestamp FILETIME 133590384000000000 = 2024-05-01T12:00:00Z
  0000 0000                   # MsvAvEOL
`);

const WS2019_CHALLENGE_VALUE: NtlmChallenge = {
  flags: 0xe2898235,
  targetName: 'CONTOSO',
  serverChallenge: fromHex('1122334455667788'),
  targetInfo: [
    avString(MSV_AV_NB_DOMAIN_NAME, 'CONTOSO'),
    avString(MSV_AV_NB_COMPUTER_NAME, 'RDS01'),
    avString(MSV_AV_DNS_DOMAIN_NAME, 'contoso.com'),
    avString(MSV_AV_DNS_COMPUTER_NAME, 'rds01.contoso.com'),
    avString(MSV_AV_DNS_TREE_NAME, 'contoso.com'),
    avTimestamp(133590384000000000n),
  ],
  version: { major: 10, minor: 0, build: 17763, revision: 15 },
};

/** Patch a copy of `b` at `at` with `hex`. */
function patch(b: Uint8Array, at: number, hex: string): Uint8Array {
  const out = Uint8Array.from(b);
  out.set(fromHex(hex), at);
  return out;
}

describe('NEGOTIATE_MESSAGE ([MS-NLMP] 2.2.1.1)', () => {
  it('encodes the default anonymous NEGOTIATE', () => {
    expect(DEFAULT_NEGOTIATE_FLAGS).toBe(0xe20882b7);
    expect(toHex(encodeNtlmNegotiate())).toBe(toHex(NEGOTIATE));
  });
  it('decodes it back', () => {
    expect(decodeNtlmNegotiate(NEGOTIATE)).toEqual({
      flags: 0xe20882b7,
      domainName: '',
      workstation: '',
      version: { major: 10, minor: 0, build: 19041, revision: 15 },
    });
  });
  it('omits VERSION when the flag is not set', () => {
    const b = encodeNtlmNegotiate(0x00000207);
    expect(b.length).toBe(32);
    expect(decodeNtlmNegotiate(b).version).toBeNull();
  });
  it('refuses *_SUPPLIED flags it cannot honour', () => {
    expect(() => encodeNtlmNegotiate(DEFAULT_NEGOTIATE_FLAGS | 0x1000)).toThrow(RangeError);
  });
  it('rejects a CHALLENGE passed as NEGOTIATE', () => {
    expect(decodeErrorOrRethrow(() => decodeNtlmNegotiate(SPEC_CHALLENGE)).reason).toBe('MessageType 2, expected 1 (NEGOTIATE)');
  });
});

describe('CHALLENGE_MESSAGE golden vectors ([MS-NLMP] 2.2.1.2)', () => {
  const golden: Array<[string, Uint8Array, NtlmChallenge]> = [
    ['[MS-NLMP] 4.2.4.3 example', SPEC_CHALLENGE, SPEC_CHALLENGE_VALUE],
    ['Windows Server 2019 domain member', WS2019_CHALLENGE, WS2019_CHALLENGE_VALUE],
  ];
  for (const [name, bytes, value] of golden) {
    it(`${name}: decodes`, () => expect(decodeNtlmChallenge(bytes)).toEqual(value));
    it(`${name}: encodes`, () => expect(toHex(encodeNtlmChallenge(value))).toBe(toHex(bytes)));
    it(`${name}: every strict prefix throws DecodeError`, () => {
      for (let n = 0; n < bytes.length; n++) {
        expect(decodeErrorOrRethrow(() => decodeNtlmChallenge(bytes.subarray(0, n))).layer).toBe('ntlm');
      }
    });
  }

  it('produces the record NtlmInfo', () => {
    const info = challengeToInfo(decodeNtlmChallenge(WS2019_CHALLENGE), new Date('2024-05-01T11:58:00.000Z'));
    expect(info).toEqual({
      target_name: 'CONTOSO',
      netbios_domain: 'CONTOSO',
      netbios_computer: 'RDS01',
      dns_domain: 'contoso.com',
      dns_computer: 'rds01.contoso.com',
      dns_tree: 'contoso.com',
      os_version: '10.0.17763',
      server_time: '2024-05-01T12:00:00.000Z',
      clock_skew_seconds: 120,
      negotiate_flags: [
        'NTLMSSP_NEGOTIATE_UNICODE',
        'NTLMSSP_REQUEST_TARGET',
        'NTLMSSP_NEGOTIATE_SIGN',
        'NTLMSSP_NEGOTIATE_SEAL',
        'NTLMSSP_NEGOTIATE_NTLM',
        'NTLMSSP_NEGOTIATE_ALWAYS_SIGN',
        'NTLMSSP_TARGET_TYPE_DOMAIN',
        'NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY',
        'NTLMSSP_NEGOTIATE_TARGET_INFO',
        'NTLMSSP_NEGOTIATE_VERSION',
        'NTLMSSP_NEGOTIATE_128',
        'NTLMSSP_NEGOTIATE_KEY_EXCH',
        'NTLMSSP_NEGOTIATE_56',
      ],
    });
  });

  it('rounds clock skew to 0.1 s and gives null without names, version or timestamp', () => {
    const later = challengeToInfo(decodeNtlmChallenge(WS2019_CHALLENGE), new Date('2024-05-01T12:00:07.262Z'));
    expect(later.clock_skew_seconds).toBe(-7.3);
    const spec = challengeToInfo(decodeNtlmChallenge(SPEC_CHALLENGE), new Date());
    expect(spec).toMatchObject({ dns_domain: null, dns_computer: null, dns_tree: null, server_time: null, clock_skew_seconds: null });
    expect(spec.os_version).toBe('6.0.6000');
    const bare = challengeToInfo({ ...SPEC_CHALLENGE_VALUE, targetName: '', targetInfo: [], version: null }, new Date());
    expect(bare).toMatchObject({ target_name: null, netbios_domain: null, os_version: null });
  });

  it('reads an OEM TargetName when UNICODE is not negotiated', () => {
    const c: NtlmChallenge = { ...SPEC_CHALLENGE_VALUE, flags: (SPEC_CHALLENGE_VALUE.flags & ~NTLMSSP_NEGOTIATE_UNICODE) >>> 0, targetName: 'SERVER' };
    const b = encodeNtlmChallenge(c);
    expect(toHex(b.subarray(56, 62))).toBe(toHex(Uint8Array.from(Buffer.from('SERVER', 'latin1'))));
    expect(decodeNtlmChallenge(b)).toEqual(c);
  });

  it('has no VERSION when NTLMSSP_NEGOTIATE_VERSION is clear', () => {
    const c: NtlmChallenge = { ...SPEC_CHALLENGE_VALUE, flags: (SPEC_CHALLENGE_VALUE.flags & ~NTLMSSP_NEGOTIATE_VERSION) >>> 0, version: null };
    const b = encodeNtlmChallenge(c);
    expect(b.length).toBe(SPEC_CHALLENGE.length - 8);
    expect(decodeNtlmChallenge(b)).toEqual(c);
  });
});

describe('CHALLENGE_MESSAGE errors', () => {
  const cases: Array<[string, Uint8Array, number, string]> = [
    ['bad signature', patch(SPEC_CHALLENGE, 0, '4e544c4d53535001'), 0, 'bad signature: not NTLMSSP\\0'],
    ['MessageType 3', patch(SPEC_CHALLENGE, 8, '03000000'), 8, 'MessageType 3, expected 2 (CHALLENGE)'],
    ['MessageType 1', NEGOTIATE, 8, 'MessageType 1, expected 2 (CHALLENGE)'],
    [
      'TargetName offset outside the buffer',
      patch(SPEC_CHALLENGE, 16, 'ffff0000'),
      56,
      'TargetName points outside the buffer: offset 65535, length 12, buffer 104',
    ],
    [
      'TargetName offset near 2^32',
      patch(SPEC_CHALLENGE, 16, 'fcffffff'),
      56,
      'TargetName points outside the buffer: offset 4294967292, length 12, buffer 104',
    ],
    [
      'TargetInfo length beyond the buffer',
      patch(SPEC_CHALLENGE, 40, '2500'),
      56,
      'TargetInfo points outside the buffer: offset 68, length 37, buffer 104',
    ],
    [
      'TargetInfo offset outside the buffer',
      patch(SPEC_CHALLENGE, 44, '00010000'),
      56,
      'TargetInfo points outside the buffer: offset 256, length 36, buffer 104',
    ],
    ['odd-length UTF-16 TargetName', patch(SPEC_CHALLENGE, 12, '0b00'), 56, 'TargetName: odd length 11 for a UTF-16 string'],
    ['AV_PAIR longer than TargetInfo', patch(SPEC_CHALLENGE, 70, '3000'), 72, 'truncated MsvAvNbDomainName value: need 48 bytes, 32 left'],
    ['AV_PAIR list without MsvAvEOL', patch(SPEC_CHALLENGE, 40, '2000'), 100, 'AV_PAIR list ends without MsvAvEOL'],
  ];
  for (const [name, bytes, offset, reason] of cases) {
    it(name, () => {
      const e = decodeErrorOrRethrow(() => decodeNtlmChallenge(bytes));
      expect(e.reason).toBe(reason);
      expect(e.offset).toBe(offset);
      expect(e.layer).toBe('ntlm');
    });
  }
});

describe('AV_PAIR lists ([MS-NLMP] 2.2.2.1)', () => {
  const cases: Array<[string, string, number, string]> = [
    ['empty', '', 0, 'AV_PAIR list ends without MsvAvEOL'],
    ['no EOL', '0100 0200 4100', 6, 'AV_PAIR list ends without MsvAvEOL'],
    ['EOL with a value', '0000 0200 0000', 0, 'MsvAvEOL with AvLen 2, expected 0'],
    ['bytes after EOL', '0000 0000 00', 4, '1 unexpected trailing byte(s) after MsvAvEOL'],
    ['odd string', '0100 0100 41 0000 0000', 0, 'MsvAvNbComputerName: odd AvLen 1 for a UTF-16 string'],
    ['short MsvAvFlags', '0600 0200 0100 0000 0000', 0, 'MsvAvFlags: AvLen 2, expected 4'],
    ['short MsvAvTimestamp', '0700 0400 01000000 0000 0000', 0, 'MsvAvTimestamp: AvLen 4, expected 8'],
    ['truncated header', '0100 02', 2, 'truncated AvLen: need 2 bytes, 1 left'],
    ['value beyond the list', '0100 ff00 4100', 4, 'truncated MsvAvNbComputerName value: need 255 bytes, 2 left'],
  ];
  for (const [name, hex, offset, reason] of cases) {
    it(name, () => {
      const e = decodeErrorOrRethrow(() => decodeAvPairs(fromHex(hex)));
      expect(e.reason).toBe(reason);
      expect(e.offset).toBe(offset);
    });
  }

  it(`accepts ${AV_PAIR_MAX_COUNT} pairs and refuses one more`, () => {
    const pairs = (n: number): AvPair[] => Array.from({ length: n }, () => ({ id: MSV_AV_FLAGS, value: new Uint8Array(4) }));
    expect(decodeAvPairs(encodeAvPairs(pairs(AV_PAIR_MAX_COUNT)))).toHaveLength(AV_PAIR_MAX_COUNT);
    const e = decodeErrorOrRethrow(() => decodeAvPairs(encodeAvPairs(pairs(AV_PAIR_MAX_COUNT + 1))));
    expect(e.reason).toBe(`more than ${AV_PAIR_MAX_COUNT} AV_PAIRs`);
    expect(e.offset).toBe(AV_PAIR_MAX_COUNT * 8);
  });

  it('keeps unknown AvIds and non-string values raw', () => {
    const list = fromHex('0a00 1000 00112233445566778899aabbccddeeff  3412 0100 7f  0000 0000');
    expect(decodeAvPairs(list)).toEqual([
      { id: 0x000a, value: fromHex('00112233445566778899aabbccddeeff') },
      { id: 0x1234, value: fromHex('7f') },
    ]);
    expect(toHex(encodeAvPairs(decodeAvPairs(list)))).toBe(toHex(list));
  });
});

describe('flags and FILETIME', () => {
  it('names every bit, including bit 31', () => {
    expect(ntlmFlagNames(0x80000001)).toEqual(['NTLMSSP_NEGOTIATE_UNICODE', 'NTLMSSP_NEGOTIATE_56']);
    const all = ntlmFlagNames(0xffffffff);
    expect(all).toHaveLength(32);
    expect(all.some((n) => n.startsWith('unknown'))).toBe(false);
    expect(ntlmFlagNames(0)).toEqual([]);
  });
  it('converts FILETIME', () => {
    expect(filetimeToDate(0n).toISOString()).toBe('1601-01-01T00:00:00.000Z');
    expect(filetimeToDate(116444736000000000n).toISOString()).toBe('1970-01-01T00:00:00.000Z');
    expect(filetimeToDate(133590384000000000n).toISOString()).toBe('2024-05-01T12:00:00.000Z');
    expect(filetimeToDate(133590384000012345n).toISOString()).toBe('2024-05-01T12:00:00.001Z');
    expect(dateToFiletime(new Date('2024-05-01T12:00:00Z'))).toBe(133590384000000000n);
    expect(Number.isNaN(filetimeToDate(0xffffffffffffffffn).getTime())).toBe(false);
  });
});

describe('NTLM properties', () => {
  const text = fc.string({ unit: 'grapheme', maxLength: 40 });
  const pair: fc.Arbitrary<AvPair> = fc.oneof(
    fc.tuple(fc.constantFrom(1, 2, 3, 4, 5, 9), text).map(([id, s]) => avString(id, s)),
    fc.bigInt({ min: 0n, max: 0xffffffffffffffffn }).map(avTimestamp),
    fc.uint8Array({ minLength: 4, maxLength: 4 }).map((v) => ({ id: MSV_AV_FLAGS, value: Uint8Array.from(v) })),
    fc
      .tuple(fc.integer({ min: 11, max: 0xffff }), fc.uint8Array({ maxLength: 48 }))
      .map(([id, v]) => ({ id, value: Uint8Array.from(v) })),
  );
  const challenge: fc.Arbitrary<NtlmChallenge> = fc
    .record({
      flags: fc.integer({ min: 0, max: 0xffffffff }),
      targetName: text,
      serverChallenge: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((b) => Uint8Array.from(b)),
      targetInfo: fc.array(pair, { maxLength: 12 }),
      version: fc.record({
        major: fc.integer({ min: 0, max: 255 }),
        minor: fc.integer({ min: 0, max: 255 }),
        build: fc.integer({ min: 0, max: 0xffff }),
        revision: fc.integer({ min: 0, max: 255 }),
      }),
    })
    .map((c) => ({
      ...c,
      flags: (c.flags | NTLMSSP_NEGOTIATE_UNICODE) >>> 0,
      version: c.flags & NTLMSSP_NEGOTIATE_VERSION ? c.version : null,
    }));

  it('decode(encode(challenge)) = challenge', () => {
    fc.assert(
      fc.property(challenge, (c) => {
        // TargetInfo is written only when non-empty or TARGET_INFO is set; either way an empty list decodes as [].
        expect(decodeNtlmChallenge(encodeNtlmChallenge(c))).toEqual(c);
      }),
    );
  });

  it('random bytes give a value or a DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), (b) => {
        valueOrDecodeError(() => decodeNtlmChallenge(b));
        valueOrDecodeError(() => decodeNtlmNegotiate(b));
        valueOrDecodeError(() => decodeAvPairs(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('random bodies behind a valid signature and type give a value or a DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 160 }), (b) => {
        valueOrDecodeError(() => decodeNtlmChallenge(Uint8Array.of(...SPEC_CHALLENGE.subarray(0, 12), ...b)));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutations of the golden vectors give a value or a DecodeError, and info from any value', () => {
    const golden = fc.constantFrom(SPEC_CHALLENGE, WS2019_CHALLENGE);
    fc.assert(
      fc.property(
        golden,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }),
        fc.nat(),
        (g, muts, cut) => {
          const b = Uint8Array.from(g);
          for (const [i, v] of muts) b[i % b.length] = v;
          valueOrDecodeError(() => challengeToInfo(decodeNtlmChallenge(b), new Date(0)));
          valueOrDecodeError(() => decodeNtlmChallenge(b.subarray(0, cut % (b.length + 1))));
        },
      ),
      { numRuns: 3000 },
    );
  });
});
