/**
 * Fuzz suite: the RDPEUDP handshake decoders (decodeSyn, decodeSynAck). Every decoder may only return a value or
 * throw DecodeError. See test/fuzz/README.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecodeError } from '../../protocol/errors.js';
import { buildSyn, decodeSyn, decodeSynAck, encodeSynDatagram, RDPUDP_SYN_DATAGRAM_SIZE } from '../../protocol/rdpeudp.js';
import { RUNS, seedsOf, decodeOrDecodeError, mutated, randomBytes, fuzz, expectPrefixesFail, INTERESTING } from './fuzz-helpers.js';

const syns = seedsOf('rdpeudp-syn');
const synAcks = seedsOf('rdpeudp-synack');
const synAck = (b: Uint8Array) => decodeSynAck(b, 0xa7eb5da4);

/** Random structure bytes, zero-padded to the one size the decoders accept, so they get past the size check. */
const paddedRandom = (prefix: readonly number[] = []): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ maxLength: 96 }).map((b) => {
    const out = new Uint8Array(RDPUDP_SYN_DATAGRAM_SIZE);
    out.set([...prefix, ...b].slice(0, RDPUDP_SYN_DATAGRAM_SIZE));
    return out;
  });

/** A captured datagram with its header fields overwritten by boundary values (flags, sequence numbers, versions). */
const fieldSmash = (seeds: Uint8Array[]): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.constantFrom(...seeds), fc.array(fc.tuple(fc.integer({ min: 0, max: 60 }), fc.constantFrom(...INTERESTING)), { minLength: 1, maxLength: 4 })).map(([s, sets]) => {
    const b = s.slice();
    const v = new DataView(b.buffer);
    for (const [at, value] of sets) v.setUint16(at, value & 0xffff);
    return b;
  });

describe('fuzz: seeds are valid', () => {
  it('every rdpeudp-syn seed decodes as a SYN, every rdpeudp-synack seed as a SYN+ACK', () => {
    for (const s of syns) expect(() => decodeSyn(s)).not.toThrow();
    for (const s of synAcks) expect(() => synAck(s)).not.toThrow();
  });
});

describe('fuzz: RDPEUDP', () => {
  // SYN and ACK bits set in the prefix so most inputs reach the payloads and the padding check.
  fuzz('decodeSyn', decodeSyn, [randomBytes([], 64), paddedRandom(), paddedRandom([0xff, 0xff, 0xff, 0xff, 0x00, 0x40, 0x18, 0x01]), mutated(syns), fieldSmash(syns)]);
  fuzz('decodeSynAck', synAck, [randomBytes([], 64), paddedRandom(), paddedRandom([0xa7, 0xeb, 0x5d, 0xa4, 0x00, 0x40, 0x10, 0x05]), mutated(synAcks), fieldSmash(synAcks)]);
  fuzz('decodeSynAck on client SYNs and decodeSyn on server answers', (b) => [decodeOrDecodeError('syn', decodeSyn, b), decodeOrDecodeError('synack', synAck, b)], [mutated([...syns, ...synAcks])]);

  it('a decoded SYN+ACK re-encodes to the very bytes it came from (nothing read is dropped)', () => {
    fc.assert(
      fc.property(fc.oneof(fieldSmash(synAcks), paddedRandom([0, 0, 0, 0, 0, 0, 0x10, 0x05])), (b) => {
        const r = decodeOrDecodeError('decodeSynAck', synAck, b);
        if (!(r instanceof DecodeError)) expect(Buffer.from(encodeSynDatagram(r.datagram)).equals(Buffer.from(b))).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('every built SYN decodes back to its parameters; every strict prefix fails', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (isn, r) => {
        const { bytes, params } = buildSyn({ snInitialSequenceNumber: isn }, () => r);
        const d = decodeSyn(bytes);
        expect(d.synData.snInitialSequenceNumber).toBe(isn);
        expect(Buffer.from(d.correlationId!).equals(Buffer.from(params.correlationId))).toBe(true);
        expectPrefixesFail('decodeSyn', decodeSyn, bytes);
      }),
      { numRuns: Math.max(1, Math.floor(RUNS / 3)) },
    );
  });
});
