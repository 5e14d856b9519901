import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeMcsDomainPdu,
  encodeAttachUserConfirm,
  encodeAttachUserRequest,
  encodeChannelJoinConfirm,
  encodeChannelJoinRequest,
  encodeDisconnectProviderUltimatum,
  encodeErectDomainRequest,
  encodeSendDataIndication,
  encodeSendDataRequest,
  RN_PROVIDER_INITIATED,
  RN_USER_REQUESTED,
} from '../../protocol/mcs-domain.js';
import { RT_TOO_MANY_USERS, RT_USER_REJECTED } from '../../protocol/mcs.js';
import { decodeTpkt, encodeTpkt } from '../../protocol/tpkt.js';
import { decodeDataTpdu, encodeDataTpdu } from '../../protocol/x224.js';
import { fromHex, toHex } from '../../protocol/writer.js';
import { decodeError, everyStrictPrefixFails } from '../helpers/codec-asserts.js';
import { LogonSequence } from '../../protocol/rdp/logon-sequence.js';
import { PROTOCOL_SSL } from '../../protocol/negotiation.js';

// Golden vectors: [MS-RDPBCGR] section 4.1 annotated connection (TPKT + X.224 Data + the PER DomainMCSPDU).
const ERECT_DOMAIN = fromHex(`
  03 00 00 0c  02 f0 80   # TPKT (12 bytes), X.224 Data
  04                      # DomainMCSPDU choice erectDomainRequest (1) << 2
  01 00                   # subHeight: length 1, 0
  01 00                   # subInterval: length 1, 0                       (4.1.5)
`);
const ATTACH_USER_REQUEST = fromHex(`03 00 00 08 02 f0 80  28  # attachUserRequest (10) << 2 (4.1.6)`);
const ATTACH_USER_CONFIRM = fromHex(`
  03 00 00 0b  02 f0 80
  2e                      # attachUserConfirm (11) << 2 | initiator present (0x02) | result bit 3 (0)
  00                      # result bits 2..0 (rt-successful) + 5 padding bits
  00 06                   # initiator = 6 + 1001 = 1007                     (4.1.7)
`);
const JOIN_REQUEST_USER = fromHex(`
  03 00 00 0c  02 f0 80
  38                      # channelJoinRequest (14) << 2
  00 06                   # initiator 1007
  03 ef                   # channelId 1007 (the user channel)               (4.1.8.1.1)
`);
const JOIN_CONFIRM_RDPSND = fromHex(`
  03 00 00 0f  02 f0 80
  3e                      # channelJoinConfirm (15) << 2 | channelId present
  00                      # result rt-successful
  00 06                   # initiator 1007
  03 ee                   # requested 1006
  03 ee                   # channelId 1006                                  (4.1.8.5.2)
`);
// 4.2.1 Client Shutdown Request PDU: the MCS envelope around 30 bytes of (RC4-encrypted) user data.
const SHUTDOWN_SDRQ = fromHex(`
  03 00 00 2c  02 f0 80
  64                      # sendDataRequest (25) << 2
  00 06                   # initiator 1007
  03 eb                   # channelId 1003 (I/O channel)
  70                      # dataPriority high, segmentation begin | end
  1e                      # userData length 30
  08 08 70 52 ca 3d ba 05 20 60 e6 57 43 2c f1 41 f0 3b 0c a0 33 ff 04 55 d4 e6 9b 3c 28 f6
`);
// xrdp's refusal (protocol/x224.ts) and what a client sends when it hangs up (3.1.5.1.1).
const ULTIMATUM_USER_REQUESTED = fromHex(`03 00 00 09 02 f0 80  21 80  # disconnectProviderUltimatum (8), reason rn-user-requested (3)`);

const mcsOf = (frame: Uint8Array) => decodeDataTpdu(decodeTpkt(frame), 4);
const frame = (mcs: Uint8Array) => encodeTpkt(encodeDataTpdu(mcs));

describe('MCS domain PDUs: [MS-RDPBCGR] section 4 golden vectors', () => {
  it('Erect Domain Request (2.2.1.5)', () => {
    expect(toHex(frame(encodeErectDomainRequest()))).toBe(toHex(ERECT_DOMAIN));
    expect(decodeMcsDomainPdu(mcsOf(ERECT_DOMAIN))).toEqual({ kind: 'erect_domain_request', subHeight: 0, subInterval: 0 });
  });

  it('Attach User Request (2.2.1.6)', () => {
    expect(toHex(frame(encodeAttachUserRequest()))).toBe(toHex(ATTACH_USER_REQUEST));
    expect(decodeMcsDomainPdu(mcsOf(ATTACH_USER_REQUEST))).toEqual({ kind: 'attach_user_request' });
  });

  it('Attach User Confirm (2.2.1.7)', () => {
    expect(toHex(frame(encodeAttachUserConfirm(0, 1007)))).toBe(toHex(ATTACH_USER_CONFIRM));
    expect(decodeMcsDomainPdu(mcsOf(ATTACH_USER_CONFIRM))).toEqual({ kind: 'attach_user_confirm', result: 0, resultName: 'rt-successful', initiator: 1007 });
  });

  it('Channel Join Request (2.2.1.8)', () => {
    expect(toHex(frame(encodeChannelJoinRequest(1007, 1007)))).toBe(toHex(JOIN_REQUEST_USER));
    expect(decodeMcsDomainPdu(mcsOf(JOIN_REQUEST_USER))).toEqual({ kind: 'channel_join_request', initiator: 1007, channelId: 1007 });
  });

  it('Channel Join Confirm (2.2.1.9)', () => {
    expect(toHex(frame(encodeChannelJoinConfirm(0, 1007, 1006, 1006)))).toBe(toHex(JOIN_CONFIRM_RDPSND));
    expect(decodeMcsDomainPdu(mcsOf(JOIN_CONFIRM_RDPSND))).toEqual({
      kind: 'channel_join_confirm', result: 0, resultName: 'rt-successful', initiator: 1007, requested: 1006, channelId: 1006,
    });
  });

  it('Send Data Request envelope (4.2.1)', () => {
    const pdu = decodeMcsDomainPdu(mcsOf(SHUTDOWN_SDRQ));
    expect(pdu).toMatchObject({ kind: 'send_data_request', initiator: 1007, channelId: 1003, priority: 1, segmentation: 3 });
    if (pdu.kind !== 'send_data_request') throw new Error('unreachable');
    expect(pdu.userData.length).toBe(30);
    expect(toHex(frame(encodeSendDataRequest(1007, 1003, pdu.userData)))).toBe(toHex(SHUTDOWN_SDRQ));
  });

  it('Disconnect Provider Ultimatum (2.2.2.3)', () => {
    expect(toHex(frame(encodeDisconnectProviderUltimatum()))).toBe(toHex(ULTIMATUM_USER_REQUESTED));
    expect(decodeMcsDomainPdu(mcsOf(ULTIMATUM_USER_REQUESTED))).toEqual({ kind: 'disconnect_provider_ultimatum', reason: RN_USER_REQUESTED, reasonName: 'rn-user-requested' });
    expect(toHex(encodeDisconnectProviderUltimatum(RN_PROVIDER_INITIATED))).toBe('2080');
    expect(decodeMcsDomainPdu(fromHex('2000')).kind === 'disconnect_provider_ultimatum' && decodeMcsDomainPdu(fromHex('2000'))).toMatchObject({ reasonName: 'rn-domain-disconnected' });
  });

  it('every strict prefix of every vector fails', () => {
    for (const v of [ERECT_DOMAIN, ATTACH_USER_CONFIRM, JOIN_REQUEST_USER, JOIN_CONFIRM_RDPSND, SHUTDOWN_SDRQ, ULTIMATUM_USER_REQUESTED]) {
      const mcs = mcsOf(v);
      everyStrictPrefixFails(mcs, (b) => decodeMcsDomainPdu(b));
    }
  });

  it('trailing bytes fail, with the structure named', () => {
    const e = decodeError(() => decodeMcsDomainPdu(Uint8Array.from([...mcsOf(ATTACH_USER_CONFIRM), 0])));
    expect(e.layer).toBe('mcs');
    expect(e.reason).toBe('1 unexpected trailing byte(s) after Attach User Confirm');
  });
});

describe('MCS Result spread over two octets (aligned PER, T.125 annex A)', () => {
  it('a refusal round-trips and has no initiator', () => {
    const bytes = encodeAttachUserConfirm(RT_TOO_MANY_USERS, null);
    expect(toHex(bytes)).toBe('2da0'); // 001011 0 1 | 101 00000
    expect(decodeMcsDomainPdu(bytes)).toEqual({ kind: 'attach_user_confirm', result: 13, resultName: 'rt-too-many-users', initiator: null });
  });

  it("FreeRDP's whole-octet Result form (2c 0f) reads as the same refusal", () => {
    expect(decodeMcsDomainPdu(fromHex('2c0f'))).toMatchObject({ result: RT_USER_REJECTED, resultName: 'rt-user-rejected' });
  });

  it('padding bits that fit neither form are a DecodeError', () => {
    const e = decodeError(() => decodeMcsDomainPdu(fromHex('2d1f')));
    expect(e.layer).toBe('per');
  });

  it('all results, initiators and channel ids round-trip', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 15 }), fc.integer({ min: 1001, max: 0xffff }), fc.integer({ min: 0, max: 0xffff }), fc.boolean(), (result, user, channel, present) => {
        const au = decodeMcsDomainPdu(encodeAttachUserConfirm(result, present ? user : null));
        expect(au).toMatchObject({ result, initiator: present ? user : null });
        const cj = decodeMcsDomainPdu(encodeChannelJoinConfirm(result, user, channel, present ? channel : null));
        expect(cj).toMatchObject({ result, initiator: user, requested: channel, channelId: present ? channel : null });
      }),
    );
  });

  it('send data of any size up to the PER two-octet length round-trips', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        const pdu = decodeMcsDomainPdu(encodeSendDataIndication(1002, 1003, data));
        expect(pdu).toMatchObject({ kind: 'send_data_indication', initiator: 1002, channelId: 1003 });
        if (pdu.kind === 'send_data_indication') expect(toHex(pdu.userData)).toBe(toHex(data));
      }),
      { numRuns: 50 },
    );
  });

  it('other DomainMCSPDUs are named, not decoded', () => {
    expect(decodeMcsDomainPdu(fromHex('3400'))).toEqual({ kind: 'other', choice: 13, name: 'detachUserIndication' });
    expect(decodeMcsDomainPdu(fromHex('fc'))).toEqual({ kind: 'other', choice: 63, name: 'unknown(0x3f)' });
  });
});

describe('UserId is DynamicChannelId 1001..65535 (T.125 annex A): PER sends the offset from 1001', () => {
  it('offset 0xfc16 is the largest UserId, 65535', () => {
    expect(decodeMcsDomainPdu(fromHex('2e 00 fc 16'))).toEqual({ kind: 'attach_user_confirm', result: 0, resultName: 'rt-successful', initiator: 0xffff });
    expect(toHex(encodeAttachUserConfirm(0, 0xffff))).toBe('2e00fc16');
  });

  it('an offset past it is a DecodeError at the initiator in every PDU that carries one, never a UserId of 65536 and up', () => {
    const cases: [string, string, number][] = [
      // The fuzzed frame 03 00 00 0b 02 f0 80 2e 00 fe 03 without TPKT and X.224: initiator 1001 + 0xfe03 = 66028.
      ['2e 00 fe 03', 'attach user confirm', 2],
      ['2e 00 fc 17', 'attach user confirm, 65536', 2],
      ['3e 00 ff ff 03 eb 03 eb', 'channel join confirm', 2],
      ['38 fc 17 03 ef', 'channel join request', 1],
      ['68 fe 03 03 eb 70 00', 'send data indication', 1],
    ];
    for (const [hex, what, offset] of cases) {
      const e = decodeError(() => decodeMcsDomainPdu(fromHex(hex), 7));
      expect([e.layer, e.offset - 7], what).toEqual(['mcs', offset]);
      expect(e.reason, what).toMatch(/^initiator: UserId offset 0x[0-9a-f]{4} gives \d+, outside DynamicChannelId 1001\.\.65535/);
    }
    expect(decodeError(() => decodeMcsDomainPdu(fromHex('2e 00 fe 03'))).reason).toBe('initiator: UserId offset 0xfe03 gives 66028, outside DynamicChannelId 1001..65535 (T.125 annex A)');
  });

  it('the encoders refuse a UserId outside the range', () => {
    expect(() => encodeAttachUserConfirm(0, 0x10000)).toThrow(RangeError);
    expect(() => encodeChannelJoinRequest(1000, 1003)).toThrow(RangeError);
  });

  it('LogonSequence turns the out-of-range Attach User Confirm into its recorded failure instead of throwing', () => {
    const seq = new LogonSequence({ selectedProtocol: PROTOCOL_SSL, ioChannelId: 1003, userName: 'u', domain: 'd' });
    seq.start();
    expect(seq.receive(fromHex('03 00 00 0b 02 f0 80 2e 00 fe 03'))).toEqual([]);
    const p = seq.progress;
    expect(p).toMatchObject({ reached: 'mcs_connect', userChannelId: null, stopped: 'failed', failure: { phase: 'mcs_connect' } });
    expect(p.failure?.reason).toBe('malformed server frame: mcs: initiator: UserId offset 0xfe03 gives 66028, outside DynamicChannelId 1001..65535 (T.125 annex A) (offset 9)');
  });
});
