/** The sans-IO LogonSequence on its own: branches that need no socket (refusals, malformed frames, misuse). */
import { describe, expect, it } from 'vitest';
import { LogonSequence } from '../../protocol/rdp/logon-sequence.js';
import { PROTOCOL_HYBRID, PROTOCOL_RDP, PROTOCOL_SSL } from '../../protocol/negotiation.js';
import { encodeAttachUserConfirm, encodeChannelJoinConfirm, encodeDisconnectProviderUltimatum, encodeSendDataIndication } from '../../protocol/mcs-domain.js';
import { RT_NO_SUCH_CHANNEL, RT_TOO_MANY_USERS } from '../../protocol/mcs.js';
import { encodeTpkt } from '../../protocol/tpkt.js';
import { encodeDataTpdu } from '../../protocol/x224.js';
import { fromHex, toHex } from '../../protocol/writer.js';
import { encodeLicenseErrorPdu } from '../../protocol/rdp/licensing.js';
import { encodeDemandActivePdu, serverCapabilities } from '../../protocol/rdp/capabilities.js';
import { encodeSetErrorInfoPdu } from '../../protocol/rdp/error-info.js';

const mcs = (pdu: Uint8Array) => encodeTpkt(encodeDataTpdu(pdu));
const sdin = (u: Uint8Array) => mcs(encodeSendDataIndication(1002, 1003, u));
const make = (protocol = PROTOCOL_SSL) => new LogonSequence({ selectedProtocol: protocol, ioChannelId: 1003, userName: 'u', domain: 'd' });

function joined(): LogonSequence {
  const seq = make();
  seq.start();
  seq.receive(mcs(encodeAttachUserConfirm(0, 1007)));
  seq.receive(mcs(encodeChannelJoinConfirm(0, 1007, 1007, 1007)));
  seq.receive(mcs(encodeChannelJoinConfirm(0, 1007, 1003, 1003)));
  return seq;
}

describe('LogonSequence without sockets', () => {
  it('refuses Standard RDP Security; accepts SSL and HYBRID', () => {
    expect(() => make(PROTOCOL_RDP)).toThrow('selectedProtocol 0x0: only SSL, HYBRID and HYBRID_EX are supported');
    expect(make(PROTOCOL_HYBRID).progress.reached).toBe('mcs_connect');
  });

  it('start() emits Erect Domain + Attach User Request, once', () => {
    const seq = make();
    expect(seq.start().map(toHex)).toEqual(['0300000c02f0800401000100', '0300000802f08028']);
    expect(() => seq.start()).toThrow('start() called twice');
  });

  it('an Attach User refusal stops at mcs_connect with the T.125 result name', () => {
    const seq = make();
    seq.start();
    expect(seq.receive(mcs(encodeAttachUserConfirm(RT_TOO_MANY_USERS, null)))).toEqual([]);
    expect(seq.progress).toMatchObject({ reached: 'mcs_connect', stopped: 'failed', failure: { phase: 'mcs_connect', reason: 'Attach User Confirm: rt-too-many-users without initiator' } });
  });

  it('a refused or mismatched channel join stops at mcs_attach', () => {
    const seq = make();
    seq.start();
    expect(seq.receive(mcs(encodeAttachUserConfirm(0, 1007))).map(toHex)).toEqual(['0300000c02f08038000603ef']);
    seq.receive(mcs(encodeChannelJoinConfirm(0, 1007, 1007, 1007)));
    seq.receive(mcs(encodeChannelJoinConfirm(RT_NO_SUCH_CHANNEL, 1007, 1003, null)));
    expect(seq.progress.failure).toEqual({ phase: 'mcs_attach', reason: 'Channel Join Confirm for channel 1003: rt-no-such-channel' });

    const other = make();
    other.start();
    other.receive(mcs(encodeAttachUserConfirm(0, 1007)));
    other.receive(mcs(encodeChannelJoinConfirm(0, 1007, 1009, 1009)));
    expect(other.progress.failure?.reason).toBe('Channel Join Confirm for channel 1009, expected 1007');
  });

  it('after the joins the Client Info PDU goes out on the I/O channel', () => {
    const seq = make();
    seq.start();
    seq.receive(mcs(encodeAttachUserConfirm(0, 1007)));
    seq.receive(mcs(encodeChannelJoinConfirm(0, 1007, 1007, 1007)));
    const [info] = seq.receive(mcs(encodeChannelJoinConfirm(0, 1007, 1003, 1003)));
    expect(toHex(info!.subarray(0, 17))).toBe(toHex(fromHex('03 00 01 31 02 f0 80 64 00 06 03 eb 70 81 22 40 00'))); // TPKT 305, SDrq 1007 -> 1003, 290 bytes, SEC_INFO_PKT
    expect(seq.progress.reached).toBe('client_info');
  });

  it('a malformed frame is a failure, not an exception, and names the layer', () => {
    const seq = joined();
    seq.receive(fromHex('03 00 00 09 02 f0 80 68 00'));
    expect(seq.progress.stopped).toBe('failed');
    expect(seq.progress.failure?.reason).toMatch(/^malformed server frame: mcs: truncated/);
  });

  it('after a stop, Set Error Info and the ultimatum are still recorded but nothing is sent', () => {
    const seq = joined();
    seq.receive(fromHex('03 00 00 08 02 f0 80 fc')); // an MCS PDU nobody expects here: failure
    expect(seq.receive(sdin(encodeDemandActivePdu(1, serverCapabilities(640, 480), 1)))).toEqual([]);
    seq.receive(sdin(encodeSetErrorInfoPdu(0x10d3, 0)));
    seq.receive(mcs(encodeDisconnectProviderUltimatum(1)));
    expect(seq.progress).toMatchObject({ stopped: 'failed', errorInfo: { name: 'ERRINFO_CONNECTFAILED' }, disconnect: { by: 'ultimatum', reasonName: 'rn-provider-initiated' } });
  });

  it('licensing skipped: a Demand Active right after Client Info is taken (reached jumps to capabilities)', () => {
    const seq = joined();
    const out = seq.receive(sdin(encodeDemandActivePdu(5, serverCapabilities(640, 480), 1)));
    expect(out).toHaveLength(5); // Confirm Active, Synchronize, Cooperate, Request Control, Font List
    expect(seq.progress).toMatchObject({ reached: 'capabilities', licensing: null, shareId: 5 });
  });

  it('ERR_NO_LICENSE_SERVER with ST_NO_TRANSITION carries on to the Demand Active', () => {
    const seq = joined();
    seq.receive(sdin(encodeLicenseErrorPdu(6, 2)));
    expect(seq.done).toBe(false);
    seq.receive(sdin(encodeDemandActivePdu(5, serverCapabilities(640, 480), 1)));
    expect(seq.progress).toMatchObject({ reached: 'capabilities', licensing: { errorCodeName: 'ERR_NO_LICENSE_SERVER', stateTransitionName: 'ST_NO_TRANSITION' } });
  });

  it('disconnect() before any share sends only the ultimatum; ERRINFO_NONE is ignored', () => {
    const seq = joined();
    seq.receive(sdin(encodeSetErrorInfoPdu(0, 0)));
    expect(seq.progress.errorInfo).toBeNull();
    expect(seq.disconnect().map(toHex)).toEqual(['0300000902f0802180']);
    expect(seq.progress.stopped).toBe('client_disconnect');
  });

  it('a Deactivate All then a Demand Active before the channel joins is a failure, not a crash (found by fuzzing)', () => {
    const seq = make();
    seq.start();
    seq.receive(fromHex('03 00 00 1b 02 f0 80 68 00 01 03 eb 70 0d 0d 00 16 00 ea 03 01 00 00 00 01 00 00'));
    expect(seq.receive(sdin(encodeDemandActivePdu(1, serverCapabilities(640, 480), 1)))).toEqual([]);
    expect(seq.progress).toMatchObject({ stopped: 'failed', deactivations: 1, failure: { phase: 'mcs_connect', reason: 'Demand Active while waiting for attach' } });
  });

  it('closed() records the transport closing once', () => {
    const seq = joined();
    seq.closed();
    seq.closed();
    expect(seq.progress).toMatchObject({ disconnect: { by: 'closed' }, stopped: 'disconnected', reached: 'client_info' });
  });
});
