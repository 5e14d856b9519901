import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { fromHex, toHex, flagNames } from '../../protocol/writer.js';
import { DecodeError } from '../../protocol/errors.js';
import { decodeTpkt, encodeTpkt, tpktFrameLength } from '../../protocol/tpkt.js';
import { decodeConnectionAnswer, decodeConnectionRequest, encodeConnectionRequest, decodeDataTpdu, encodeDataTpdu } from '../../protocol/x224.js';
import {
  decodeNegotiationAnswer,
  decodeRdpNegReq,
  encodeRdpNegFailure,
  encodeRdpNegReq,
  encodeRdpNegRsp,
  failureCodeName,
  negRspFlagNames,
  requestedProtocolNames,
  selectedProtocolKey,
  CORRELATION_INFO_PRESENT,
  HYBRID_REQUIRED_BY_SERVER,
  PROTOCOL_HYBRID,
  PROTOCOL_HYBRID_EX,
  PROTOCOL_SSL,
} from '../../protocol/negotiation.js';
import { buildConnectionRequest, parseConnectionAnswer } from '../../protocol/connection.js';
import { decodeError } from '../helpers/codec-asserts.js';

// [MS-RDPBCGR] 4.1.1 / 2.2.1.1: a Connection Request for SSL|HYBRID|HYBRID_EX with the mstshash cookie.
const CR_0B = fromHex(`
  03 00 00 2d                                     # TPKT: version 3, reserved, length 45
  28 e0 00 00 00 00 00                            # X.224: LI 40 (6 + 26 cookie + 8), CR, DST-REF 0, SRC-REF 0, class 0
  43 6f 6f 6b 69 65 3a 20 6d 73 74 73 68 61 73 68 # "Cookie: mstshash"
  3d 72 64 70 72 6f 62 65 0d 0a                   # "=rdprobe\\r\\n"
  01 00 08 00 0b 00 00 00                         # RDP_NEG_REQ: type 1, flags 0, length 8, SSL|HYBRID|HYBRID_EX
`);

// The Windows answer recorded in ../shared/captures/windows/rdp-no-cookie-mstshash.pcap: HYBRID_EX, flags 0x1f.
const CC_HYBRID_EX_1F = fromHex(`
  03 00 00 13                                     # TPKT length 19
  0e d0 00 00 12 34 00                            # X.224 CC: LI 14, DST-REF 0, SRC-REF 0x1234, class 0
  02 1f 08 00 08 00 00 00                         # RDP_NEG_RSP: flags 0x1f, length 8, selected HYBRID_EX
`);

// RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER, what FreeRDP's /sec:nla server and Windows with NLA send.
const CC_FAILURE_5 = fromHex(`
  03 00 00 13
  0e d0 00 00 00 00 00
  03 00 08 00 05 00 00 00                         # RDP_NEG_FAILURE: code 5
`);

// A pre-2003 server ignores RDP_NEG_REQ: Connection Confirm with LI 6 and nothing after it.
const CC_NO_NEGOTIATION = fromHex(`03 00 00 0b  06 d0 00 00 12 34 00`);

describe('TPKT', () => {
  it('frames and decodes', () => {
    const pkt = encodeTpkt(Uint8Array.of(1, 2, 3));
    expect(toHex(pkt)).toBe('0300000701' + '0203');
    expect(tpktFrameLength(pkt)).toBe(7);
    expect(tpktFrameLength(pkt.subarray(0, 2))).toBeNull();
    expect(toHex(decodeTpkt(pkt))).toBe('010203');
  });
  it('rejects a non-TPKT first byte at once (not an RDP service)', () => {
    expect(() => tpktFrameLength(Buffer.from('HTTP/1.1 400'))).toThrowError(/not a TPKT packet: first byte 0x48/);
  });
  it('rejects a length shorter than the header', () => {
    expect(() => tpktFrameLength(fromHex('03 00 00 02'))).toThrow(DecodeError);
  });
  it('rejects a length that disagrees with the packet', () => {
    expect(() => decodeTpkt(fromHex('03 00 00 09 01 02'))).toThrowError(/says 9 bytes, packet has 6/);
  });
});

describe('X.224 Connection Request', () => {
  it('encodes the golden vector', () => {
    expect(toHex(buildConnectionRequest(PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX, 'rdprobe'))).toBe(toHex(CR_0B));
  });
  it('decodes it back (mirror)', () => {
    const cr = decodeConnectionRequest(decodeTpkt(CR_0B));
    expect(cr.cookie).toBe('rdprobe');
    expect(decodeRdpNegReq(cr.negotiation)).toEqual({ flags: 0, requestedProtocols: 0x0b });
    expect(toHex(encodeTpkt(encodeConnectionRequest(cr)))).toBe(toHex(CR_0B));
  });
  it('can omit the cookie', () => {
    const pkt = buildConnectionRequest(PROTOCOL_SSL, null);
    expect(toHex(pkt)).toBe('030000130ee000000000000100080001000000');
  });
  it('refuses a cookie that would break the line framing', () => {
    expect(() => buildConnectionRequest(0, 'a\r\nb')).toThrow(RangeError);
  });
});

describe('X.224 Connection Confirm and negotiation', () => {
  it('decodes the Windows HYBRID_EX answer with every response flag named', () => {
    const a = parseConnectionAnswer(CC_HYBRID_EX_1F);
    expect(a).toEqual({ type: 'response', flags: 0x1f, selectedProtocol: PROTOCOL_HYBRID_EX });
    expect(selectedProtocolKey(0x08)).toBe('hybrid_ex');
    expect(negRspFlagNames(0x1f)).toEqual([
      'EXTENDED_CLIENT_DATA_SUPPORTED',
      'DYNVC_GFX_PROTOCOL_SUPPORTED',
      'NEGRSP_FLAG_RESERVED',
      'RESTRICTED_ADMIN_MODE_SUPPORTED',
      'REDIRECTED_AUTHENTICATION_MODE_SUPPORTED',
    ]);
    expect(toHex(encodeRdpNegRsp({ flags: 0x1f, selectedProtocol: 8 }))).toBe('021f080008000000');
  });
  it('decodes a failure code by its spec name', () => {
    const a = parseConnectionAnswer(CC_FAILURE_5);
    expect(a).toEqual({ type: 'failure', flags: 0, failureCode: HYBRID_REQUIRED_BY_SERVER });
    expect(failureCodeName(5)).toBe('HYBRID_REQUIRED_BY_SERVER');
    expect(failureCodeName(6)).toBe('SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER');
    expect(failureCodeName(99)).toBe('unknown(0x00000063)');
    expect(toHex(encodeRdpNegFailure({ flags: 0, failureCode: 5 }))).toBe('0300080005000000');
  });
  it('treats a Confirm without negotiation data as its own, valid answer', () => {
    expect(parseConnectionAnswer(CC_NO_NEGOTIATION)).toEqual({ type: 'none' });
  });
  it('recognises a Disconnect Request', () => {
    expect(parseConnectionAnswer(fromHex('03 00 00 0b 06 80 00 00 00 00 01'))).toEqual({ type: 'disconnect', reason: 1, how: 'disconnect_request' });
  });
  it('recognises the MCS Disconnect Provider Ultimatum xrdp sends instead of a Confirm (seen in the lab for RDSAAD)', () => {
    expect(parseConnectionAnswer(fromHex('03 00 00 09 02 f0 80 21 80'))).toEqual({ type: 'disconnect', reason: null, how: 'data' });
  });
  it('names requested protocols, with unknown bits kept', () => {
    expect(requestedProtocolNames(0)).toEqual(['PROTOCOL_RDP']);
    expect(requestedProtocolNames(0x0b)).toEqual(['PROTOCOL_SSL', 'PROTOCOL_HYBRID', 'PROTOCOL_HYBRID_EX']);
    expect(requestedProtocolNames(0x41)).toEqual(['PROTOCOL_SSL', 'unknown(0x00000040)']);
    expect(selectedProtocolKey(0x20)).toBe('unknown(0x00000020)');
  });
  it('flagNames sees bit 31', () => {
    expect(flagNames({ 0x80000000: 'TOP', 1: 'LOW' }, 0x80000001)).toEqual(['LOW', 'TOP']);
  });
  it('rejects a negotiation structure with a wrong length or type, with the offset of the field', () => {
    const bad = fromHex('03 00 00 13 0e d0 00 00 00 00 00 02 00 09 00 01 00 00 00');
    try {
      parseConnectionAnswer(bad);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(DecodeError);
      expect((e as DecodeError).layer).toBe('negotiation');
      expect((e as DecodeError).offset).toBe(13);
    }
    expect(() => decodeNegotiationAnswer(fromHex('07 00 08 00 01 00 00 00'))).toThrowError(/got type 0x07/);
  });
  it('rejects an X.224 length indicator that disagrees with the TPDU', () => {
    expect(() => decodeConnectionAnswer(fromHex('0f d0 00 00 00 00 00 02 00 08 00 01 00 00 00'))).toThrowError(/length indicator 15/);
  });
  it('rejects a TPDU that is neither CC nor DR', () => {
    expect(() => decodeConnectionAnswer(fromHex('06 e0 00 00 00 00 00'))).toThrowError(/expected Connection Confirm/);
  });
  it('every strict prefix of a valid answer fails with DecodeError', () => {
    for (const v of [CC_HYBRID_EX_1F, CC_FAILURE_5, CC_NO_NEGOTIATION, CR_0B]) {
      for (let n = 0; n < v.length; n++) {
        const prefix = v.subarray(0, n);
        expect(() => (v === CR_0B ? decodeConnectionRequest(decodeTpkt(prefix)) : parseConnectionAnswer(prefix)), `prefix ${n}`).toThrow(DecodeError);
      }
    }
  });
  it('round-trips RDP_NEG_REQ for any flags and protocols (with a correlation id exactly when CORRELATION_INFO_PRESENT says so)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffffffff }), fc.uint8Array({ minLength: 16, maxLength: 16 }), (flags, requestedProtocols, id) => {
        const req = flags & CORRELATION_INFO_PRESENT ? { flags, requestedProtocols, correlationId: id } : { flags, requestedProtocols };
        expect(decodeRdpNegReq(encodeRdpNegReq(req))).toEqual(req);
      }),
    );
  });
  it('random bytes only ever give a value or a DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 40 }), (b) => {
        try {
          parseConnectionAnswer(b);
        } catch (e) {
          expect(e).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('X.224 Data TPDU', () => {
  it('wraps and unwraps', () => {
    expect(toHex(encodeDataTpdu(Uint8Array.of(0x7f)))).toBe('02f0807f');
    expect(toHex(decodeDataTpdu(fromHex('02 f0 80 65 01')))).toBe('6501');
    expect(() => decodeDataTpdu(fromHex('02 f1 80'))).toThrow(DecodeError);
    expect(() => decodeDataTpdu(fromHex('02 f0'))).toThrow(DecodeError);
  });
});

// [MS-RDPBCGR] 2.2.1.1.1 RDP_NEG_REQ with CORRELATION_INFO_PRESENT, then 2.2.1.1.2 RDP_NEG_CORRELATION_INFO.
const NEG_REQ_WITH_CORRELATION = fromHex(`
  01 08 08 00                                     # RDP_NEG_REQ: type 1, flags CORRELATION_INFO_PRESENT, length 8
  0b 00 00 00                                     # requestedProtocols SSL|HYBRID|HYBRID_EX
  06 00 24 00                                     # RDP_NEG_CORRELATION_INFO: type 6, flags 0, length 36
  11 22 33 44 55 66 77 88 99 aa bb cc dd ee ff 01 # correlationId (first byte not 0x00/0xF4, no 0x0D anywhere)
  00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 # reserved
`);
const CORRELATION_ID = fromHex('112233445566778899aabbccddeeff01');

describe('RDP_NEG_CORRELATION_INFO ([MS-RDPBCGR] 2.2.1.1.2)', () => {
  it('follows the request when CORRELATION_INFO_PRESENT is set: decoded, and encoded back byte for byte', () => {
    const req = decodeRdpNegReq(NEG_REQ_WITH_CORRELATION);
    expect(req).toEqual({ flags: CORRELATION_INFO_PRESENT, requestedProtocols: 0x0b, correlationId: CORRELATION_ID });
    expect(toHex(encodeRdpNegReq(req))).toBe(toHex(NEG_REQ_WITH_CORRELATION));
    for (let n = 0; n < NEG_REQ_WITH_CORRELATION.length; n++) expect(() => decodeRdpNegReq(NEG_REQ_WITH_CORRELATION.subarray(0, n)), `prefix ${n}`).toThrow(DecodeError);
  });

  it('must be there with the flag and must not be without it (2.2.1.1), each error at its byte', () => {
    const cases: [string, number, string][] = [
      ['01 08 08 00 0b 00 00 00', 8, 'CORRELATION_INFO_PRESENT is set but no RDP_NEG_CORRELATION_INFO follows the RDP_NEG_REQ'],
      [`01 00 08 00 0b 00 00 00 ${toHex(NEG_REQ_WITH_CORRELATION.subarray(8))}`, 8, '36 byte(s) after RDP_NEG_REQ without CORRELATION_INFO_PRESENT (RDP_NEG_CORRELATION_INFO MUST NOT be present)'],
      [`01 08 08 00 0b 00 00 00 07 ${toHex(NEG_REQ_WITH_CORRELATION.subarray(9))}`, 8, 'expected RDP_NEG_CORRELATION_INFO (0x06), got 0x07'],
      [`01 08 08 00 0b 00 00 00 06 00 20 00 ${toHex(NEG_REQ_WITH_CORRELATION.subarray(12))}`, 10, 'RDP_NEG_CORRELATION_INFO length 32, expected 36'],
      [`${toHex(NEG_REQ_WITH_CORRELATION)} 00`, 44, '1 unexpected trailing byte(s) after RDP_NEG_CORRELATION_INFO'],
    ];
    for (const [hex, offset, reason] of cases) {
      const e = decodeError(() => decodeRdpNegReq(fromHex(hex), 100));
      expect([e.layer, e.offset - 100, e.reason], hex).toEqual(['negotiation', offset, reason]);
    }
  });

  it('the encoder keeps the flag and the correlation id together', () => {
    expect(() => encodeRdpNegReq({ flags: CORRELATION_INFO_PRESENT, requestedProtocols: 1 })).toThrow(RangeError);
    expect(() => encodeRdpNegReq({ flags: 0, requestedProtocols: 1, correlationId: CORRELATION_ID })).toThrow(RangeError);
    expect(() => encodeRdpNegReq({ flags: CORRELATION_INFO_PRESENT, requestedProtocols: 1, correlationId: new Uint8Array(15) })).toThrow(RangeError);
  });
});

// [MS-RDPBCGR] 2.2.1.1 routingToken: what a client redirected by a Connection Broker sends instead of the cookie.
const CR_ROUTING_TOKEN = fromHex(`
  03 00 00 37                                     # TPKT length 55
  32 e0 00 00 00 00 00                            # X.224: LI 50 (6 + 36 token line + 8), CR, DST-REF, SRC-REF, class 0
  43 6f 6f 6b 69 65 3a 20 6d 73 74 73 3d 33 36 34 # "Cookie: msts=364"
  30 32 30 35 32 32 38 2e 31 35 36 32 39 2e 30 30 # "0205228.15629.00"
  30 30 0d 0a                                     # "00\\r\\n"
  01 00 08 00 0b 00 00 00                         # RDP_NEG_REQ: SSL|HYBRID|HYBRID_EX
`);

describe('X.224 Connection Request: routingToken or cookie, then RDP_NEG_REQ ([MS-RDPBCGR] 2.2.1.1)', () => {
  it('a routing token is its own field, and the RDP_NEG_REQ after it is decoded', () => {
    const cr = decodeConnectionRequest(decodeTpkt(CR_ROUTING_TOKEN), 4);
    expect(cr).toEqual({
      routingToken: 'Cookie: msts=3640205228.15629.0000',
      cookie: null,
      negotiation: fromHex('01 00 08 00 0b 00 00 00'),
      negReq: { flags: 0, requestedProtocols: 0x0b },
    });
    expect(toHex(encodeTpkt(encodeConnectionRequest(cr)))).toBe(toHex(CR_ROUTING_TOKEN));
  });

  it('any other CRLF line is a routing token too (an RD Connection Broker tsv:// token), with correlation info after it', () => {
    const tpdu = encodeConnectionRequest({ routingToken: 'tsv://MS Terminal Services Plugin.1.Sessions', cookie: null, negotiation: NEG_REQ_WITH_CORRELATION });
    expect(decodeConnectionRequest(tpdu)).toMatchObject({
      routingToken: 'tsv://MS Terminal Services Plugin.1.Sessions',
      cookie: null,
      negReq: { flags: CORRELATION_INFO_PRESENT, requestedProtocols: 0x0b, correlationId: CORRELATION_ID },
    });
  });

  it('the cookie still reads as the cookie, and the RDP_NEG_REQ after it is decoded', () => {
    expect(decodeConnectionRequest(decodeTpkt(CR_0B))).toMatchObject({ routingToken: null, cookie: 'rdprobe', negReq: { flags: 0, requestedProtocols: 0x0b } });
    expect(decodeConnectionRequest(fromHex('06 e0 00 00 00 00 00'))).toMatchObject({ routingToken: null, cookie: null, negReq: null });
  });

  it('errors: a line without CRLF, a bad RDP_NEG_REQ after a line, each at its absolute offset', () => {
    const noCrlf = decodeError(() => decodeConnectionRequest(fromHex('0a e0 00 00 00 00 00 74 73 76 3a'), 4));
    expect([noCrlf.layer, noCrlf.offset, noCrlf.reason]).toEqual(['x224', 11, 'routing token line without CRLF']);
    const tpdu = decodeTpkt(CR_ROUTING_TOKEN);
    const bad = Uint8Array.from(tpdu);
    bad[bad.length - 6] = 0x10; // RDP_NEG_REQ length 16
    const e = decodeError(() => decodeConnectionRequest(bad, 4));
    expect([e.layer, e.offset, e.reason]).toEqual(['negotiation', 4 + tpdu.length - 6, 'RDP_NEG_REQ length 16, expected 8']);
  });

  it('the encoder refuses both a token and a cookie, and lines that would break the framing', () => {
    const negotiation = new Uint8Array(0);
    expect(() => encodeConnectionRequest({ routingToken: 'Cookie: msts=1.2.0000', cookie: 'x', negotiation })).toThrow(RangeError);
    expect(() => encodeConnectionRequest({ routingToken: 'a\r\nb', cookie: null, negotiation })).toThrow(RangeError);
    expect(() => encodeConnectionRequest({ routingToken: 'Cookie: mstshash=x', cookie: null, negotiation })).toThrow(RangeError);
  });
});
