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
  HYBRID_REQUIRED_BY_SERVER,
  PROTOCOL_HYBRID,
  PROTOCOL_HYBRID_EX,
  PROTOCOL_SSL,
} from '../../protocol/negotiation.js';
import { buildConnectionRequest, parseConnectionAnswer } from '../../protocol/connection.js';

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
  it('round-trips RDP_NEG_REQ for any flags and protocols', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.integer({ min: 0, max: 0xffffffff }), (flags, requestedProtocols) => {
        expect(decodeRdpNegReq(encodeRdpNegReq({ flags, requestedProtocols }))).toEqual({ flags, requestedProtocols });
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
