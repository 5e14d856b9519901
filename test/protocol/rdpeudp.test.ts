import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex } from '../../protocol/writer.js';
import {
  buildSyn,
  correlationIdFrom,
  decodeSyn,
  decodeSynAck,
  encodeSynDatagram,
  negotiatedVersion,
  rdpudpFlagNames,
  rdpudpVersionName,
  RDPUDP_FLAG_ACK,
  RDPUDP_FLAG_CORRELATION_ID,
  RDPUDP_FLAG_DATA,
  RDPUDP_FLAG_SYN,
  RDPUDP_FLAG_SYNEX,
  RDPUDP_PROTOCOL_VERSION_1,
  RDPUDP_PROTOCOL_VERSION_2,
  RDPUDP_PROTOCOL_VERSION_3,
  RDPUDP_SYN_DATAGRAM_SIZE,
  RDPUDP_VERSION_INFO_VALID,
  type RdpudpSynDatagram,
} from '../../protocol/rdpeudp.js';
import { decodeError, everyStrictPrefixFails } from '../helpers/codec-asserts.js';
import { loadTranscript } from '../helpers/replay.js';

/** The structures of a handshake datagram, then the zeros every one is padded with up to 1232 bytes. */
const padded = (head: string): Uint8Array => {
  const h = fromHex(head);
  const out = new Uint8Array(RDPUDP_SYN_DATAGRAM_SIZE);
  out.set(h);
  return out;
};

// Real datagrams from the Zeek traces (captures/windows-rdpeudp.json); the test below checks they are the capture.
// rdpeudp2-handshake-success.pcap frame 1: a Windows client offering version 3.
const SYN_V3 = padded(`
  ff ff ff ff                                     # snSourceAck: -1, nothing received yet
  00 40                                           # uReceiveWindowSize: 64 packets
  18 01                                           # uFlags: SYNEX 0x1000 | CORRELATION_ID 0x0800 | SYN 0x0001
  a7 eb 5d a4                                     # snInitialSequenceNumber
  04 d0 04 d0                                     # uUpStreamMtu 1232, uDownStreamMtu 1232
  a2 e2 c8 18 6d e3 4f 1e 8d 0f 91 75 e4 cd 00 00 # uCorrelationId
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 # uReserved
  00 01                                           # uSynExFlags: RDPUDP_VERSION_INFO_VALID
  01 01                                           # uUdpVer: RDPUDP_PROTOCOL_VERSION_3
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 # cookieHash (32 bytes, all zero in this capture)
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00
`);
// rdpeudp2-handshake-success.pcap frame 2: the server's answer.
const SYNACK_V3 = padded(`
  a7 eb 5d a4                                     # snSourceAck: the client's snInitialSequenceNumber
  00 40                                           # uReceiveWindowSize: 64
  10 05                                           # uFlags: SYNEX 0x1000 | ACK 0x0004 | SYN 0x0001 (no ACK vector follows)
  05 47 d7 2b                                     # snInitialSequenceNumber of the server
  04 d0 04 d0                                     # uUpStreamMtu 1232, uDownStreamMtu 1232
  00 01                                           # uSynExFlags: RDPUDP_VERSION_INFO_VALID
  01 01                                           # uUdpVer: RDPUDP_PROTOCOL_VERSION_3 (no cookieHash in a SYN+ACK)
`);
// rdpeudp-handshake-success.pcap frame 1: a client offering 0x0003, a value the spec does not define.
const SYN_0003 = padded(`
  ff ff ff ff 00 40 18 01                         # snSourceAck -1, window 64, SYNEX | CORRELATION_ID | SYN
  0b 12 7f 15                                     # snInitialSequenceNumber
  04 d0 04 d0                                     # MTUs 1232
  78 55 d0 64 fb af 43 f0 b6 e8 f8 aa df ad 00 00 # uCorrelationId
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 # uReserved
  00 01 00 03                                     # VERSION_INFO_VALID, uUdpVer 0x0003
`);
// rdpeudp-handshake-success.pcap frame 2.
const SYNACK_V2 = padded(`
  0b 12 7f 15                                     # snSourceAck: the client's snInitialSequenceNumber
  00 40 10 05                                     # window 64, SYNEX | ACK | SYN
  0f 94 ea 0b                                     # server snInitialSequenceNumber
  04 d0 04 d0                                     # MTUs 1232
  00 01 00 02                                     # VERSION_INFO_VALID, RDPUDP_PROTOCOL_VERSION_2: the highest both support
`);
// rdpeudp-handshake-fail.pcap frame 1: a SYN offering version 2 that got no answer.
const SYN_V2_UNANSWERED = padded(`
  ff ff ff ff 00 40 18 01                         # snSourceAck -1, window 64, SYNEX | CORRELATION_ID | SYN
  ee 40 71 dc                                     # snInitialSequenceNumber
  04 d0 04 d0                                     # MTUs 1232
  f8 53 03 60 ca 7f 42 41 a6 73 74 e5 20 1a 00 00 # uCorrelationId
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 # uReserved
  00 01 00 02                                     # VERSION_INFO_VALID, RDPUDP_PROTOCOL_VERSION_2
`);
// [MS-RDPEUDP] 4.1.2, the spec's own SYN+ACK: no SYNEX at all, so version 1.
const SYNACK_SPEC_V1 = padded(`
  00 00 00 42                                     # snSourceAck 0x42
  04 00                                           # uReceiveWindowSize 1024
  00 05                                           # uFlags: ACK | SYN
  00 00 00 42                                     # snInitialSequenceNumber 0x42
  04 d0 04 d0                                     # MTUs 1232
`);

const capture = loadTranscript('windows-rdpeudp');
const flow = (i: number, side: 'client' | 'server'): string => {
  const e = capture.connections[i]!.flow.find((f) => side in f) as Record<string, string> | undefined;
  if (!e) throw new Error(`capture connection ${i} has no ${side} datagram`);
  return e[side]!;
};

describe('RDPEUDP golden vectors', () => {
  it('are the captured datagrams, byte for byte', () => {
    expect(toHex(SYN_0003)).toBe(flow(0, 'client'));
    expect(toHex(SYNACK_V2)).toBe(flow(0, 'server'));
    expect(toHex(SYN_V3)).toBe(flow(1, 'client'));
    expect(toHex(SYNACK_V3)).toBe(flow(1, 'server'));
    expect(toHex(SYN_V2_UNANSWERED)).toBe(flow(2, 'client'));
  });
});

describe('RDPEUDP client SYN', () => {
  it('decodes the version-3 SYN field by field', () => {
    const d = decodeSyn(SYN_V3);
    expect(d.header).toEqual({ snSourceAck: 0xffffffff, uReceiveWindowSize: 64, uFlags: 0x1801 });
    expect(rdpudpFlagNames(d.header.uFlags)).toEqual(['RDPUDP_FLAG_SYN', 'RDPUDP_FLAG_CORRELATION_ID', 'RDPUDP_FLAG_SYNEX']);
    expect(d.synData).toEqual({ snInitialSequenceNumber: 0xa7eb5da4, uUpStreamMtu: 1232, uDownStreamMtu: 1232 });
    expect(toHex(d.correlationId!)).toBe('a2e2c8186de34f1e8d0f9175e4cd0000');
    expect(d.synDataEx!.uSynExFlags).toBe(RDPUDP_VERSION_INFO_VALID);
    expect(d.synDataEx!.uUdpVer).toBe(RDPUDP_PROTOCOL_VERSION_3);
    expect(toHex(d.synDataEx!.cookieHash!)).toBe('00'.repeat(32));
    expect(negotiatedVersion(d)).toBe(RDPUDP_PROTOCOL_VERSION_3);
  });
  it('decodes the SYN offering 0x0003: no cookieHash, the value named unknown', () => {
    const d = decodeSyn(SYN_0003);
    expect(d.synData.snInitialSequenceNumber).toBe(0x0b127f15);
    expect(toHex(d.correlationId!)).toBe('7855d064fbaf43f0b6e8f8aadfad0000');
    expect(d.synDataEx).toEqual({ uSynExFlags: 1, uUdpVer: 3, cookieHash: null });
    expect(rdpudpVersionName(negotiatedVersion(d))).toBe('unknown(0x0003)');
  });
  it('decodes the unanswered version-2 SYN', () => {
    const d = decodeSyn(SYN_V2_UNANSWERED);
    expect(d.header).toEqual({ snSourceAck: 0xffffffff, uReceiveWindowSize: 64, uFlags: 0x1801 });
    expect(d.synData).toEqual({ snInitialSequenceNumber: 0xee4071dc, uUpStreamMtu: 1232, uDownStreamMtu: 1232 });
    expect(toHex(d.correlationId!)).toBe('f8530360ca7f4241a67374e5201a0000');
    expect(d.synDataEx).toEqual({ uSynExFlags: 1, uUdpVer: RDPUDP_PROTOCOL_VERSION_2, cookieHash: null });
  });
  it('the builder reproduces every captured SYN from the captured random values', () => {
    const cases: [Uint8Array, number][] = [
      [SYN_V3, RDPUDP_PROTOCOL_VERSION_3],
      [SYN_0003, 0x0003],
      [SYN_V2_UNANSWERED, RDPUDP_PROTOCOL_VERSION_2],
    ];
    for (const [syn, version] of cases) {
      const d = decodeSyn(syn);
      const { bytes } = buildSyn({ snInitialSequenceNumber: d.synData.snInitialSequenceNumber, correlationId: d.correlationId!, version });
      expect(toHex(bytes)).toBe(toHex(syn));
    }
  });
  it('the builder offers version 3 with a zero cookieHash by default, from the injected random source', () => {
    // 4 bytes for the sequence number, then 00 01 .. 0f for the id: a first byte 0x00 and a 0x0D to be nudged.
    const random = (n: number) => Uint8Array.from({ length: n }, (_, i) => (n === 4 ? [0xde, 0xad, 0xbe, 0xef][i]! : i));
    const { bytes, params } = buildSyn({}, random);
    expect(params.snInitialSequenceNumber).toBe(0xdeadbeef);
    expect(bytes.length).toBe(1232);
    const d = decodeSyn(bytes);
    expect(d.header).toEqual({ snSourceAck: 0xffffffff, uReceiveWindowSize: 64, uFlags: RDPUDP_FLAG_SYN | RDPUDP_FLAG_CORRELATION_ID | RDPUDP_FLAG_SYNEX });
    expect(d.synData).toEqual({ snInitialSequenceNumber: 0xdeadbeef, uUpStreamMtu: 1232, uDownStreamMtu: 1232 });
    expect(toHex(d.correlationId!)).toBe('010102030405060708090a0b0c0e0e0f');
    expect(d.synDataEx).toEqual({ uSynExFlags: 1, uUdpVer: RDPUDP_PROTOCOL_VERSION_3, cookieHash: new Uint8Array(32) });
  });
  it('two default SYNs differ (real randomness when none is injected)', () => {
    const a = buildSyn().params;
    const b = buildSyn().params;
    expect(a.snInitialSequenceNumber === b.snInitialSequenceNumber && toHex(a.correlationId) === toHex(b.correlationId)).toBe(false);
  });
  it('a random correlation id is made to follow the 3.1.5.1.1 rules', () => {
    expect(toHex(correlationIdFrom(fromHex('00 0d 0d 01 02 03 04 05 06 07 08 09 0a 0b 0c 0d')))).toBe('010e0e0102030405060708090a0b0c0e');
    expect(correlationIdFrom(fromHex('f4 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00'))[0]).toBe(0xf5);
    fc.assert(
      fc.property(fc.uint8Array({ minLength: 16, maxLength: 16 }), (r) => {
        const id = correlationIdFrom(r);
        expect(id[0] !== 0x00 && id[0] !== 0xf4 && !id.includes(0x0d)).toBe(true);
      }),
    );
  });
  it('the builder refuses ids and MTUs the spec forbids (our bug, not a wire error)', () => {
    const ok = { snInitialSequenceNumber: 1, correlationId: fromHex('01'.repeat(16)) };
    expect(() => buildSyn({ ...ok, correlationId: fromHex('00'.repeat(16)) })).toThrowError(/0x00 or 0xF4/);
    expect(() => buildSyn({ ...ok, correlationId: fromHex('01' + '0d'.repeat(15)) })).toThrowError(/0x0D/);
    expect(() => buildSyn({ ...ok, correlationId: fromHex('01') })).toThrowError(/16 bytes/);
    expect(() => buildSyn({ ...ok, mtu: 1233 })).toThrowError(/MTU 1233/);
    expect(() => buildSyn({ ...ok, snInitialSequenceNumber: 2 ** 32 })).toThrow(RangeError);
    expect(() => buildSyn({ ...ok, cookieHash: new Uint8Array(31) })).toThrowError(/cookieHash must be 32 bytes/);
  });
});

describe('RDPEUDP server SYN+ACK', () => {
  it('decodes the version-3 answer field by field, ack matching our SYN', () => {
    const a = decodeSynAck(SYNACK_V3, 0xa7eb5da4);
    expect(a).toMatchObject({
      ack: 'matches',
      expectedAck: 0xa7eb5da4,
      snSourceAck: 0xa7eb5da4,
      flags: 0x1005,
      flagNames: ['RDPUDP_FLAG_SYN', 'RDPUDP_FLAG_ACK', 'RDPUDP_FLAG_SYNEX'],
      receiveWindowSize: 64,
      serverInitialSequenceNumber: 0x0547d72b,
      upstreamMtu: 1232,
      downstreamMtu: 1232,
      synEx: true,
      version: RDPUDP_PROTOCOL_VERSION_3,
      versionName: 'RDPUDP_PROTOCOL_VERSION_3',
      cookieHash: null,
    });
    expect(a.datagram.correlationId).toBeNull();
  });
  it('decodes the version-2 answer to the SYN that offered 0x0003', () => {
    const a = decodeSynAck(SYNACK_V2, decodeSyn(SYN_0003).synData.snInitialSequenceNumber);
    expect(a).toMatchObject({ ack: 'matches', snSourceAck: 0x0b127f15, serverInitialSequenceNumber: 0x0f94ea0b, version: 2, versionName: 'RDPUDP_PROTOCOL_VERSION_2', synEx: true });
  });
  it('reports an ack for another SYN as a mismatch, with every field still decoded', () => {
    const a = decodeSynAck(SYNACK_V3, 0x12345678);
    expect(a).toMatchObject({ ack: 'mismatch', expectedAck: 0x12345678, snSourceAck: 0xa7eb5da4, version: RDPUDP_PROTOCOL_VERSION_3 });
  });
  it('no SYNDATAEX (the spec example) is version 1', () => {
    const a = decodeSynAck(SYNACK_SPEC_V1, 0x42);
    expect(a).toMatchObject({ ack: 'matches', flags: 0x0005, receiveWindowSize: 1024, synEx: false, version: RDPUDP_PROTOCOL_VERSION_1, versionName: 'RDPUDP_PROTOCOL_VERSION_1' });
  });
  it('SYNDATAEX without RDPUDP_VERSION_INFO_VALID is version 1 too, whatever uUdpVer holds', () => {
    const a = decodeSynAck(padded('00 00 00 42 00 40 10 05 00 00 00 01 04 d0 04 d0 00 00 01 01'), 0x42);
    expect(a).toMatchObject({ synEx: true, version: RDPUDP_PROTOCOL_VERSION_1 });
  });
});

describe('RDPEUDP decode errors', () => {
  it('every strict prefix of every datagram fails (handshake datagrams are always 1232 bytes)', () => {
    for (const syn of [SYN_V3, SYN_0003, SYN_V2_UNANSWERED]) everyStrictPrefixFails(syn, (b) => decodeSyn(b));
    for (const synAck of [SYNACK_V3, SYNACK_V2, SYNACK_SPEC_V1]) everyStrictPrefixFails(synAck, (b) => decodeSynAck(b, 0));
  });
  it('names the size rule, and rejects a longer datagram too', () => {
    expect(decodeError(() => decodeSynAck(SYNACK_V3.subarray(0, 20), 0)).reason).toBe('SYN+ACK of 20 bytes: handshake datagrams are zero-padded to 1232 bytes (3.1.5.1.1)');
    expect(decodeError(() => decodeSyn(Uint8Array.from([...SYN_V3, 0]))).layer).toBe('rdpeudp');
  });
  it('tells a SYN from a SYN+ACK, and both from a datagram without SYN', () => {
    expect(decodeError(() => decodeSyn(SYNACK_V3)).reason).toBe('a SYN with RDPUDP_FLAG_ACK set is a SYN+ACK');
    expect(decodeError(() => decodeSynAck(SYN_V3, 0)).reason).toBe('a SYN+ACK without RDPUDP_FLAG_ACK (a SYN, not an answer)');
    const ack = padded('a7 eb 5d a4 00 40 00 04 00 00');
    const e = decodeError(() => decodeSynAck(ack, 0));
    expect(e.reason).toBe('SYN+ACK without RDPUDP_FLAG_SYN: uFlags 0x0004');
    expect(e.offset).toBe(6);
  });
  it('a non-zero byte after the payloads is an unknown structure, at its offset', () => {
    const withData = SYNACK_V3.slice();
    withData[6] = (RDPUDP_FLAG_SYNEX | RDPUDP_FLAG_DATA) >> 8;
    withData[7] = (RDPUDP_FLAG_SYN | RDPUDP_FLAG_ACK | RDPUDP_FLAG_DATA) & 0xff;
    withData[25] = 0x99; // a source payload header where the padding should be
    const e = decodeError(() => decodeSynAck(withData, 0));
    expect(e.offset).toBe(25);
    expect(e.reason).toBe('non-zero byte 0x99 in the zero padding of a SYN+ACK (uFlags 0x100d): a payload this decoder does not know');
  });
  it('a SYN+ACK claiming version 3 carries no cookieHash: non-zero bytes there are not read as one', () => {
    const hashed = SYNACK_V3.slice();
    hashed.fill(0xab, 20, 52);
    expect(decodeError(() => decodeSynAck(hashed, 0)).offset).toBe(20);
  });
  it('the reserved half of the correlation payload must be zero', () => {
    const bad = SYN_V3.slice();
    bad[40] = 1;
    const e = decodeError(() => decodeSyn(bad));
    expect(e.offset).toBe(40);
    expect(e.reason).toMatch(/uReserved must be zero/);
  });
  it('offsets count from `base` for a datagram inside a larger capture buffer', () => {
    expect(decodeError(() => decodeSynAck(SYN_V3, 0, 100)).offset).toBe(106);
  });
});

describe('RDPEUDP round trips', () => {
  it('captured datagrams re-encode to themselves', () => {
    for (const syn of [SYN_V3, SYN_0003, SYN_V2_UNANSWERED]) expect(toHex(encodeSynDatagram(decodeSyn(syn)))).toBe(toHex(syn));
    for (const synAck of [SYNACK_V3, SYNACK_V2, SYNACK_SPEC_V1]) expect(toHex(encodeSynDatagram(decodeSynAck(synAck, 0).datagram))).toBe(toHex(synAck));
  });
  it('the encoder refuses payloads that disagree with uFlags', () => {
    const d = decodeSyn(SYN_V3);
    expect(() => encodeSynDatagram({ ...d, correlationId: null })).toThrowError(/CORRELATION_ID/);
    expect(() => encodeSynDatagram({ ...d, synDataEx: null })).toThrowError(/SYNEX/);
    expect(() => encodeSynDatagram({ ...d, header: { ...d.header, uFlags: d.header.uFlags & ~RDPUDP_FLAG_SYN } })).toThrowError(/RDPUDP_FLAG_SYN/);
    const a = decodeSynAck(SYNACK_V3, 0).datagram;
    expect(() => encodeSynDatagram({ ...a, synDataEx: { ...a.synDataEx!, cookieHash: new Uint8Array(32) } })).toThrowError(/cookieHash/);
    expect(() => encodeSynDatagram({ ...d, synDataEx: { ...d.synDataEx!, cookieHash: null } })).toThrowError(/cookieHash/);
  });
  it('any well-formed SYN or SYN+ACK decodes to what was encoded', () => {
    const u16 = fc.integer({ min: 0, max: 0xffff });
    const u32 = fc.nat({ max: 0xffffffff });
    // Flags besides the four the structure depends on (DATA/FEC/AOA/... are only names here).
    const otherFlags = fc.integer({ min: 0, max: 0xffff }).map((f) => f & ~(RDPUDP_FLAG_SYN | RDPUDP_FLAG_ACK | RDPUDP_FLAG_CORRELATION_ID | RDPUDP_FLAG_SYNEX));
    const datagram = fc
      .record({
        isAck: fc.boolean(),
        other: otherFlags,
        snSourceAck: u32,
        window: u16,
        isn: u32,
        up: u16,
        down: u16,
        correlationId: fc.option(fc.uint8Array({ minLength: 16, maxLength: 16 })),
        synEx: fc.option(fc.record({ uSynExFlags: u16, uUdpVer: fc.oneof(u16, fc.constant(RDPUDP_PROTOCOL_VERSION_3)) })),
        hash: fc.uint8Array({ minLength: 32, maxLength: 32 }),
      })
      .map((r): RdpudpSynDatagram => {
        const uFlags = r.other | RDPUDP_FLAG_SYN | (r.isAck ? RDPUDP_FLAG_ACK : 0) | (r.correlationId ? RDPUDP_FLAG_CORRELATION_ID : 0) | (r.synEx ? RDPUDP_FLAG_SYNEX : 0);
        const wantsHash = !r.isAck && r.synEx !== null && (r.synEx.uSynExFlags & RDPUDP_VERSION_INFO_VALID) !== 0 && r.synEx.uUdpVer === RDPUDP_PROTOCOL_VERSION_3;
        return {
          header: { snSourceAck: r.snSourceAck, uReceiveWindowSize: r.window, uFlags },
          synData: { snInitialSequenceNumber: r.isn, uUpStreamMtu: r.up, uDownStreamMtu: r.down },
          correlationId: r.correlationId,
          synDataEx: r.synEx ? { ...r.synEx, cookieHash: wantsHash ? r.hash : null } : null,
        };
      });
    fc.assert(
      fc.property(datagram, (d) => {
        const bytes = encodeSynDatagram(d);
        expect(bytes.length).toBe(1232);
        const back = d.header.uFlags & RDPUDP_FLAG_ACK ? decodeSynAck(bytes, d.header.snSourceAck).datagram : decodeSyn(bytes);
        expect(back).toEqual(d);
      }),
      { numRuns: 300 },
    );
  });
});
