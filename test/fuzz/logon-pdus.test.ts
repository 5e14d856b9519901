/**
 * Fuzz suite, part 5: every server-side decoder of the logon sequence (MCS domain PDUs, whole server frames,
 * Send Data Indication payloads, licensing, Demand Active, Save Session Info, Set Error Info...) and the client
 * decoders the scripted peers use, may only return a value or throw DecodeError. The LogonSequence itself must
 * swallow every DecodeError into progress.failure and never throw, whatever the server sends. Seeds are the
 * recorded lab flows (test/fixtures/logon) and the encoders' own output. See test/fuzz/README.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Reader } from '../../protocol/reader.js';
import { decodeMcsDomainPdu, encodeAttachUserConfirm, encodeChannelJoinConfirm, encodeDisconnectProviderUltimatum, encodeSendDataIndication } from '../../protocol/mcs-domain.js';
import { decodeServerFrame, decodeServerUserData, rdpFrameLength } from '../../protocol/rdp/server-frame.js';
import { decodeLicensingPdu, encodeLicenseErrorPdu, encodeLicenseRequestPdu } from '../../protocol/rdp/licensing.js';
import { readSaveSessionInfo, encodeSaveSessionInfoData, encodeSaveSessionInfoPdu } from '../../protocol/rdp/session-info.js';
import { encodeDemandActivePdu, readConfirmActive, readDemandActive, serverCapabilities, encodeConfirmActivePdu, minimalClientCapabilities } from '../../protocol/rdp/capabilities.js';
import { decodeClientInfoPduData, encodeClientInfoPduData, RDPROBE_INFO_FLAGS } from '../../protocol/rdp/client-info.js';
import { encodeSetErrorInfoPdu } from '../../protocol/rdp/error-info.js';
import { encodeFontMapPdu } from '../../protocol/rdp/finalization.js';
import { encodeDeactivateAll, encodeEnhancedServerRedirection, readShareControlPdu } from '../../protocol/rdp/share.js';
import { LogonSequence } from '../../protocol/rdp/logon-sequence.js';
import { PROTOCOL_SSL } from '../../protocol/negotiation.js';
import { decodeTpkt, encodeTpkt } from '../../protocol/tpkt.js';
import { decodeDataTpdu, encodeDataTpdu } from '../../protocol/x224.js';
import { logonCapture } from '../helpers/logon-captures.js';
import { fuzz, mutated, randomBytes, regressions, RUNS } from './fuzz-helpers.js';

const captured = [...logonCapture('freerdp-shadow-2.11'), ...logonCapture('xrdp-0.9.21-tls')];
const serverFrameSeeds = captured.filter((f) => f.from === 'server').map((f) => f.bytes);
const clientFrameSeeds = captured.filter((f) => f.from === 'client' && f.bytes[0] === 3).map((f) => f.bytes);
const mcsOf = (frame: Uint8Array) => decodeDataTpdu(decodeTpkt(frame), 4);
const userDataOf = (frame: Uint8Array): Uint8Array | null => {
  const p = decodeMcsDomainPdu(mcsOf(frame));
  return p.kind === 'send_data_indication' || p.kind === 'send_data_request' ? p.userData : null;
};
const sdin = (u: Uint8Array) => encodeTpkt(encodeDataTpdu(encodeSendDataIndication(1002, 1003, u)));

const shareSeeds = [
  encodeSetErrorInfoPdu(9, 1),
  encodeDemandActivePdu(1, serverCapabilities(1024, 768), 2),
  encodeFontMapPdu(1, 1002),
  encodeDeactivateAll(1, 1002),
  encodeEnhancedServerRedirection(1, 0x1fff, 1002),
  encodeSaveSessionInfoPdu({ type: 'logon_long', domain: 'D', userName: 'u', sessionId: 1 }, 1, 1002),
  encodeSaveSessionInfoPdu({ type: 'extended', autoReconnect: { logonId: 1 }, logonErrors: { type: 1, data: 2 } }, 1, 1002),
  encodeLicenseErrorPdu(6, 1),
  encodeLicenseRequestPdu(),
];
const userDataSeeds = [...serverFrameSeeds.filter((f) => f[0] === 3).map(userDataOf).filter((u): u is Uint8Array => u !== null), ...shareSeeds];
const allServerFrames = [
  ...serverFrameSeeds,
  ...shareSeeds.map(sdin),
  encodeTpkt(encodeDataTpdu(encodeAttachUserConfirm(0, 1004))),
  encodeTpkt(encodeDataTpdu(encodeChannelJoinConfirm(0, 1004, 1003, 1003))),
  encodeTpkt(encodeDataTpdu(encodeDisconnectProviderUltimatum())),
];
const saveSessionSeeds = [
  encodeSaveSessionInfoData({ type: 'logon', domain: 'DOMAIN', userName: 'user', sessionId: 1 }),
  encodeSaveSessionInfoData({ type: 'logon_long', domain: 'DOMAIN', userName: 'user', sessionId: 1 }),
  encodeSaveSessionInfoData({ type: 'plain_notify' }),
  encodeSaveSessionInfoData({ type: 'extended', autoReconnect: { logonId: 1 }, logonErrors: { type: 0xfffffffe, data: 1 } }),
];
const bodyOf = (share: Uint8Array) => readShareControlPdu(new Reader(share, 'rdp')).body.rest();
const clientInfoSeed = encodeClientInfoPduData({ codePage: 0, flags: RDPROBE_INFO_FLAGS, domain: 'LAB', userName: 'labuser', password: '', alternateShell: '', workingDir: '', extra: null });

const whole = <T>(read: (r: Reader) => T) => (b: Uint8Array) => {
  const r = new Reader(b, 'rdp');
  const v = read(r);
  return v;
};

/**
 * A server's byte stream after the MCS Connect Response, cut into frames by rdpFrameLength (a framing DecodeError is
 * allowed) and fed to a fresh LogonSequence after start(): receive() may never throw, and the password never shows.
 */
function logonStream(stream: Uint8Array): unknown {
  const seq = new LogonSequence({ selectedProtocol: PROTOCOL_SSL, ioChannelId: 1003, userName: 'u', domain: 'd', password: 'hunter2-not-in-output' });
  seq.start();
  let rest = stream;
  for (let n = rdpFrameLength(rest); n !== null && n <= rest.length; n = rdpFrameLength(rest)) {
    seq.receive(rest.subarray(0, n));
    rest = rest.subarray(n);
  }
  seq.closed();
  const progress = seq.progress;
  if (JSON.stringify(progress).includes('hunter2')) throw new Error('the password is in progress');
  return progress;
}

describe('fuzz: logon sequence decoders', () => {
  fuzz('decodeMcsDomainPdu', (b) => decodeMcsDomainPdu(b), [randomBytes([], 16), mutated([...allServerFrames, ...clientFrameSeeds].filter((f) => f[0] === 3).map(mcsOf))]);
  fuzz('decodeServerFrame', decodeServerFrame, [randomBytes([0x03, 0x00], 64), mutated(allServerFrames)]);
  fuzz('decodeServerUserData', (b) => decodeServerUserData(b), [randomBytes([], 64), randomBytes([0x16, 0x00, 0x17, 0x00], 64), mutated(userDataSeeds)]);
  fuzz('decodeLicensingPdu', (b) => decodeLicensingPdu(b), [randomBytes([0x80, 0x00, 0x00, 0x00], 40), mutated(userDataSeeds.filter((u) => u[0] === 0x80 || u[1] === 0x02))]);
  fuzz('readDemandActive', whole(readDemandActive), [randomBytes([], 64), mutated([bodyOf(encodeDemandActivePdu(1, serverCapabilities(800, 600), 1))])]);
  fuzz('readSaveSessionInfo', whole(readSaveSessionInfo), [randomBytes([0x03, 0, 0, 0], 32), mutated(saveSessionSeeds)]);
  fuzz('rdpFrameLength', rdpFrameLength, [randomBytes([], 8), mutated(allServerFrames.map((f) => f.subarray(0, 4)))]);
  // Client-side PDUs, as the scripted peers decode them.
  fuzz('decodeClientInfoPduData', (b) => decodeClientInfoPduData(b), [randomBytes([0x40, 0, 0, 0], 64), mutated([clientInfoSeed, ...clientFrameSeeds.map((f) => decodeMcsDomainPdu(mcsOf(f))).flatMap((p) => (p.kind === 'send_data_request' && p.userData[0] === 0x40 ? [p.userData] : []))])]);
  fuzz('readConfirmActive', whole(readConfirmActive), [mutated([bodyOf(encodeConfirmActivePdu(1, 1007, minimalClientCapabilities({ desktopWidth: 800, desktopHeight: 600 })))])]);

  it('LogonSequence.receive never throws: malformed frames become progress.failure', () => {
    const frames = fc.array(fc.oneof(mutated(allServerFrames), fc.constantFrom(...allServerFrames), randomBytes([0x03, 0x00], 48)), { minLength: 1, maxLength: 12 });
    fc.assert(
      fc.property(frames, (fs) => {
        const seq = new LogonSequence({ selectedProtocol: PROTOCOL_SSL, ioChannelId: 1003, userName: 'u', domain: 'd', password: 'hunter2-not-in-output' });
        seq.start();
        for (const f of fs) seq.receive(f);
        seq.disconnect();
        expect(JSON.stringify(seq.progress)).not.toContain('hunter2');
      }),
      { numRuns: RUNS },
    );
  });

  regressions('rdp-server-frame', decodeServerFrame);
  regressions('logon-sequence', logonStream);

  it('the recorded FreeRDP flow survives arbitrary splitting into frames by rdpFrameLength', () => {
    const stream = Uint8Array.from(serverFrameSeeds.flatMap((f) => [...f]));
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 1, max: stream.length }), { maxLength: 20 }), (cuts) => {
        // Framing must find the same frames however the bytes arrive.
        const points = [...new Set(cuts)].sort((a, b) => a - b);
        let buf = new Uint8Array(0);
        let at = 0;
        const found: number[] = [];
        for (const end of [...points, stream.length]) {
          buf = Uint8Array.from([...buf, ...stream.subarray(at, end)]);
          at = end;
          for (let n = rdpFrameLength(buf); n !== null && buf.length >= n; n = rdpFrameLength(buf)) {
            found.push(n);
            buf = buf.subarray(n);
          }
        }
        expect(found).toEqual(serverFrameSeeds.map((f) => f.length));
      }),
      { numRuns: 50 },
    );
  });
});
