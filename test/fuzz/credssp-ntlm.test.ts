/**
 * Fuzz suite, part 2: CredSSP TSRequest (decodeTsRequest, tsRequestLength) and NTLM (CHALLENGE, NEGOTIATE,
 * AV_PAIR lists). Every decoder may only return a value or throw DecodeError. See test/fuzz/README.md.
 */
import { challengeToInfo } from '../../src/analysis/ntlm-identity.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../protocol/errors.js';
import { fromHex } from '../../protocol/writer.js';
import { decodeTsRequest, encodeTsRequest, tsRequestLength, TS_REQUEST_MAX_LENGTH, TOO_LARGE_REASON, type TsRequest } from '../../protocol/credssp.js';
import {
  AV_PAIR_MAX_COUNT,
  avTimestamp,
  decodeAvPairs,
  decodeNtlmChallenge,
  decodeNtlmNegotiate,
  encodeAvPairs,
  encodeNtlmChallenge,
  encodeNtlmNegotiate,
  MSV_AV_FLAGS,
  MSV_AV_TIMESTAMP,
  NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED,
  NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED,
  NTLMSSP_NEGOTIATE_UNICODE,
  NTLMSSP_NEGOTIATE_VERSION,
  type AvPair,
} from '../../protocol/ntlm.js';
import {
  RUNS,
  seedsOf,
  decodeOrDecodeError,
  mutated,
  randomBytes,
  fuzz,
  expectPrefixesFail,
  regressions,
} from './fuzz-helpers.js';

// ------------------------------------------------------------------------------------------ CredSSP

const NOW = new Date('2026-11-22T00:00:00Z');

/** The NTLM message inside the first negoToken of a TSRequest, if any: the probe's real pipeline. */
const decodeTsRequestAndToken = (b: Uint8Array): unknown => {
  const req = decodeTsRequest(b);
  const token = req.negoTokens?.[0];
  return token === undefined ? req : challengeToInfo(decodeNtlmChallenge(token), NOW);
};

/** A CHALLENGE as the probe uses it: decoded, then turned into the record's NtlmInfo (names, clock skew). */
const decodeChallengeToInfo = (b: Uint8Array): unknown => challengeToInfo(decodeNtlmChallenge(b), NOW);

describe('fuzz: CredSSP TSRequest', () => {
  const seeds = seedsOf('tsrequest');
  fuzz('decodeTsRequest', decodeTsRequest, [randomBytes(), randomBytes([0x30, 0x0c, 0xa0, 0x03, 0x02, 0x01, 0x06], 24), mutated(seeds)]);
  fuzz('decodeTsRequest + NTLM token', decodeTsRequestAndToken, [mutated(seeds)]);
  fuzz('tsRequestLength', tsRequestLength, [randomBytes([], 8), randomBytes([0x30], 6), mutated(seeds.map((s) => s.subarray(0, 6)))]);

  it('seeds decode', () => {
    for (const s of seeds) expect(decodeTsRequest(s).version).toBeGreaterThanOrEqual(2);
  });

  it('tsRequestLength: null, a total in 2..64 KiB, or DecodeError', () => {
    fc.assert(
      fc.property(fc.oneof(randomBytes([0x30], 6), mutated(seeds)), (b) => {
        const r = decodeOrDecodeError('tsRequestLength', tsRequestLength, b);
        if (typeof r === 'number') expect(r >= 2 && r <= TS_REQUEST_MAX_LENGTH).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  const octets = fc.uint8Array({ maxLength: 40 });
  const tsRequest: fc.Arbitrary<TsRequest> = fc
    .record(
      {
        version: fc.oneof(fc.integer({ min: 0, max: 6 }), fc.nat({ max: 0x7fffffff })),
        negoTokens: fc.array(octets, { maxLength: 4 }),
        authInfo: octets,
        pubKeyAuth: octets,
        errorCode: fc.oneof(fc.nat({ max: 0xffffffff }), fc.integer({ min: -0x80000000, max: -1 }), fc.constant(0xc000006d)),
        clientNonce: octets,
      },
      { requiredKeys: ['version'] },
    )
    .map((r) => r as TsRequest);

  it('round-trip: decodeTsRequest(encodeTsRequest(x)) is x (errorCode as unsigned NTSTATUS); every strict prefix fails', () => {
    fc.assert(
      fc.property(tsRequest, (req) => {
        const der = encodeTsRequest(req);
        const expected: TsRequest = { ...req };
        if (req.errorCode !== undefined) expected.errorCode = req.errorCode >>> 0;
        expect(decodeTsRequest(der)).toEqual(expected);
        expect(tsRequestLength(der)).toBe(der.length);
        for (let n = 0; n < der.length; n++) {
          const f = decodeOrDecodeError('tsRequestLength', tsRequestLength, der.subarray(0, n));
          expect(f === null || f === der.length).toBe(true); // a prefix of a valid TSRequest never fails framing
        }
        expectPrefixesFail('decodeTsRequest', decodeTsRequest, der);
      }),
      { numRuns: RUNS },
    );
  });

  it('size caps: a TSRequest claiming more than 64 KiB is a DecodeError; long-form 84 ff ff ff ff fails cleanly', () => {
    const tooLarge = (decode: (b: Uint8Array) => unknown, input: Uint8Array): void => {
      const e = decodeOrDecodeError('size cap', decode, input);
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).reason.startsWith(TOO_LARGE_REASON)).toBe(true);
    };
    tooLarge(tsRequestLength, fromHex('30 83 01 00 00'));
    tooLarge(tsRequestLength, fromHex('30 84 ff ff ff ff'));
    tooLarge(tsRequestLength, fromHex('30 82 ff fd'));
    expect(tsRequestLength(fromHex('30 82 ff fc'))).toBe(TS_REQUEST_MAX_LENGTH);
    tooLarge(decodeTsRequest, new Uint8Array(TS_REQUEST_MAX_LENGTH + 1).fill(0x30));
    for (const hex of [
      '30 84 ff ff ff ff a0 03 02 01 06',
      '30 85 00 00 00 00 05 a0 03 02 01 06',
      '30 80 a0 03 02 01 06 00 00',
      '30 0b a0 84 ff ff ff ff 02 01 06',
      '30 0d a0 03 02 01 06 a1 84 7f ff ff ff 30',
      '30 0b a0 03 02 84 ff ff ff ff 06',
      '30 84 00 00 00 05 a0 03 02 01 06', // non-minimal
      '30 0e a0 03 02 01 06 a4 07 02 85 00 00 00 00 01',
    ]) {
      expect(decodeOrDecodeError('decodeTsRequest', decodeTsRequest, fromHex(hex)), hex).toBeInstanceOf(DecodeError);
    }
  });

  it('deep nesting of SEQUENCEs fails cleanly', () => {
    const depth = 2000;
    const nested = new Uint8Array(depth * 2).map((_, i) => (i % 2 === 0 ? 0x30 : 0x80));
    expect(decodeOrDecodeError('decodeTsRequest', decodeTsRequest, nested)).toBeInstanceOf(DecodeError);
  });

  regressions('tsrequest', decodeTsRequestAndToken);
  regressions('tsrequest-length', tsRequestLength);
});

// ------------------------------------------------------------------------------------------ NTLM

describe('fuzz: NTLM', () => {
  const challenges = seedsOf('ntlm-challenge');
  const negotiates = seedsOf('ntlm-negotiate');
  const avLists = [...seedsOf('av-pairs'), ...challenges.map((c) => decodeNtlmChallenge(c).targetInfo).map(encodeAvPairs)];
  const sig = [0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00];

  fuzz('decodeNtlmChallenge', decodeNtlmChallenge, [randomBytes(), randomBytes([...sig, 2, 0, 0, 0], 80), mutated(challenges)]);
  fuzz('decodeNtlmChallenge + challengeToInfo', decodeChallengeToInfo, [mutated(challenges)]);
  fuzz('decodeNtlmNegotiate', decodeNtlmNegotiate, [randomBytes(), randomBytes([...sig, 1, 0, 0, 0], 40), mutated(negotiates)]);
  fuzz('decodeAvPairs', decodeAvPairs, [randomBytes(), mutated(avLists)]);

  const avPair: fc.Arbitrary<AvPair> = fc.oneof(
    fc.record({ id: fc.constantFrom(1, 2, 3, 4, 5, 9), value: fc.string({ maxLength: 12 }).map((s) => Uint8Array.from(Buffer.from(s, 'utf16le'))) }),
    fc.record({ id: fc.constant(MSV_AV_FLAGS), value: fc.uint8Array({ minLength: 4, maxLength: 4 }) }),
    fc.record({ id: fc.constant(MSV_AV_TIMESTAMP), value: fc.uint8Array({ minLength: 8, maxLength: 8 }) }),
    fc.record({ id: fc.constantFrom(8, 10, 0x1234, 0xffff), value: fc.uint8Array({ maxLength: 20 }) }),
  );

  it('round-trip: AV_PAIR lists; every strict prefix fails', () => {
    fc.assert(
      fc.property(fc.array(avPair, { maxLength: 10 }), (pairs) => {
        const b = encodeAvPairs(pairs);
        expect(decodeAvPairs(b)).toEqual(pairs);
        expectPrefixesFail('decodeAvPairs', decodeAvPairs, b);
      }),
      { numRuns: RUNS },
    );
  });

  const version = fc.record({
    major: fc.integer({ min: 0, max: 255 }),
    minor: fc.integer({ min: 0, max: 255 }),
    build: fc.integer({ min: 0, max: 0xffff }),
    revision: fc.integer({ min: 0, max: 255 }),
  });
  const flags = fc.nat({ max: 0xffffffff });

  it('round-trip: NEGOTIATE_MESSAGE; every strict prefix fails', () => {
    fc.assert(
      fc.property(flags, version, (f0, v) => {
        const f = (f0 & ~(NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED | NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED)) >>> 0;
        const b = encodeNtlmNegotiate(f, v);
        expect(decodeNtlmNegotiate(b)).toEqual({ flags: f, domainName: '', workstation: '', version: f & NTLMSSP_NEGOTIATE_VERSION ? v : null });
        expectPrefixesFail('decodeNtlmNegotiate', decodeNtlmNegotiate, b);
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trip: CHALLENGE_MESSAGE; every strict prefix fails', () => {
    fc.assert(
      fc.property(
        flags,
        version,
        fc.string({ maxLength: 16 }),
        fc.uint8Array({ minLength: 8, maxLength: 8 }),
        fc.array(avPair, { maxLength: 6 }),
        (f, v, name0, serverChallenge, targetInfo) => {
          const unicode = (f & NTLMSSP_NEGOTIATE_UNICODE) !== 0;
          // The OEM path is Latin-1 and UTF-16 cannot carry lone surrogates: generate what each can represent.
          const targetName = unicode ? Buffer.from(name0, 'utf16le').toString('utf16le') : Buffer.from(name0, 'latin1').toString('latin1');
          const c = { flags: f, targetName, serverChallenge, targetInfo, version: f & NTLMSSP_NEGOTIATE_VERSION ? v : null };
          const b = encodeNtlmChallenge(c);
          expect(decodeNtlmChallenge(b)).toEqual(c);
          expectPrefixesFail('decodeNtlmChallenge', decodeNtlmChallenge, b);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it(`size caps: ${AV_PAIR_MAX_COUNT} AV_PAIRs decode, ${AV_PAIR_MAX_COUNT + 1} fail; huge AvLen fails`, () => {
    const pairs = (n: number): AvPair[] => Array.from({ length: n }, () => ({ id: 0x1234, value: Uint8Array.of(1) }));
    expect(decodeAvPairs(encodeAvPairs(pairs(AV_PAIR_MAX_COUNT)))).toHaveLength(AV_PAIR_MAX_COUNT);
    expect(decodeOrDecodeError('decodeAvPairs', decodeAvPairs, encodeAvPairs(pairs(AV_PAIR_MAX_COUNT + 1)))).toBeInstanceOf(DecodeError);
    expect(decodeOrDecodeError('decodeAvPairs', decodeAvPairs, encodeAvPairs(pairs(5000)))).toBeInstanceOf(DecodeError);
    expect(decodeOrDecodeError('decodeAvPairs', decodeAvPairs, fromHex('0100 ffff 4100'))).toBeInstanceOf(DecodeError);
    // TargetInfo fields pointing far outside the message.
    const spec = challenges[0]!.slice();
    spec.set(fromHex('ffff ffff ffffffff'), 40);
    expect(decodeOrDecodeError('decodeNtlmChallenge', decodeNtlmChallenge, spec)).toBeInstanceOf(DecodeError);
    spec.set(fromHex('0400 0400 fcffffff'), 40); // offset + length wraps past 2^32
    expect(decodeOrDecodeError('decodeNtlmChallenge', decodeNtlmChallenge, spec)).toBeInstanceOf(DecodeError);
  });

  it('challengeToInfo: extreme MsvAvTimestamp values (0, 1, 2^64-1) give a value, not an Invalid Date RangeError', () => {
    for (const ft of [0n, 1n, 116444736000000000n - 1n, 0xffffffffffffffffn]) {
      const c = encodeNtlmChallenge({ flags: NTLMSSP_NEGOTIATE_UNICODE, targetName: '', serverChallenge: new Uint8Array(8), targetInfo: [avTimestamp(ft)], version: null });
      expect(decodeOrDecodeError('decodeChallengeToInfo', decodeChallengeToInfo, c)).not.toBeInstanceOf(DecodeError);
    }
  });

  regressions('ntlm-challenge', decodeChallengeToInfo);
  regressions('ntlm-negotiate', decodeNtlmNegotiate);
  regressions('av-pairs', decodeAvPairs);
});
