/**
 * Codec vectors for the RDP PDUs after security negotiation: [MS-RDPBCGR] section 4 bytes where the spec prints
 * them in the clear, the lab servers' recorded PDUs (test/fixtures/logon) where it prints them RC4-encrypted,
 * round trips, every strict prefix failing, and the length caps.
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { Reader } from '../../protocol/reader.js';
import { fromHex, toHex } from '../../protocol/writer.js';
import { decodeError, everyStrictPrefixFails } from '../helpers/codec-asserts.js';
import {
  encodeDeactivateAll,
  encodeEnhancedServerRedirection,
  encodeShareDataPdu,
  readShareControlPdu,
  readShareDataHeader,
  startsWithShareControlHeader,
  PDUTYPE2_SHUTDOWN_REQUEST,
} from '../../protocol/rdp/share.js';
import { encodeShutdownRequestPdu, encodeSynchronizePdu, encodeControlPdu, encodeFontListPdu, readFontList, readControl, readSynchronize, CTRLACTION_COOPERATE } from '../../protocol/rdp/finalization.js';
import {
  decodeLicensingPdu,
  encodeLicenseErrorPdu,
  encodeLicenseRequestPdu,
  ERR_NO_LICENSE_SERVER,
  LICENSE_ERROR_INFO_MAX,
  ST_TOTAL_ABORT,
} from '../../protocol/rdp/licensing.js';
import { encodeSetErrorInfoPdu, ERRINFO_NAMES, errorInfoName } from '../../protocol/rdp/error-info.js';
import {
  decodeClientInfoPduData,
  encodeClientInfoPduData,
  INFO_STRING_MAX_BYTES,
  RDPROBE_INFO_FLAGS,
  TIME_ZONE_INFORMATION_LENGTH,
  type ClientInfo,
} from '../../protocol/rdp/client-info.js';
import { CAPSTYPE_BITMAP, CAPSTYPE_GENERAL, encodeConfirmActivePdu, encodeDemandActivePdu, MAX_CAPABILITY_SETS, minimalClientCapabilities, readConfirmActive, readDemandActive, serverCapabilities } from '../../protocol/rdp/capabilities.js';
import { encodeSaveSessionInfoData, readSaveSessionInfo, type SaveSessionInfoSpec } from '../../protocol/rdp/session-info.js';
import { decodeServerFrame, decodeServerUserData, rdpFrameLength } from '../../protocol/rdp/server-frame.js';
import { serverFrames } from '../helpers/logon-captures.js';

const whole = <T>(read: (r: Reader) => T) => (b: Uint8Array) => read(new Reader(b, 'rdp'));
const sharePdu = (b: Uint8Array) => {
  const r = new Reader(b, 'rdp');
  const out = readShareControlPdu(r);
  r.end('share PDU');
  return out;
};

describe('share headers and the Shutdown Request (4.2.1, decrypted)', () => {
  // The Shutdown Request of 4.2.1 after RC4 decryption, as the spec annotates it.
  const SHUTDOWN = fromHex(`
    12 00        # totalLength 18
    17 00        # pduType TS_PROTOCOL_VERSION | PDUTYPE_DATAPDU
    ef 03        # pduSource 1007
    ea 03 02 00  # shareId 0x000203ea
    00           # pad1
    01           # streamId STREAM_LOW
    04 00        # uncompressedLength 4 (from pduType2 on)
    24           # pduType2 PDUTYPE2_SHUTDOWN_REQUEST
    00           # compressedType
    00 00        # compressedLength
  `);

  it('encodes byte for byte', () => {
    expect(toHex(encodeShutdownRequestPdu(0x000203ea, 1007))).toBe(toHex(SHUTDOWN));
  });

  it('decodes', () => {
    const { header, body } = sharePdu(SHUTDOWN);
    expect(header).toEqual({ totalLength: 18, pduType: 7, pduTypeName: 'PDUTYPE_DATAPDU', pduSource: 1007 });
    expect(readShareDataHeader(body)).toMatchObject({ shareId: 0x000203ea, streamId: 1, uncompressedLength: 4, pduType2: PDUTYPE2_SHUTDOWN_REQUEST, pduType2Name: 'PDUTYPE2_SHUTDOWN_REQUEST' });
    expect(startsWithShareControlHeader(SHUTDOWN)).toBe(true);
  });

  it('every strict prefix fails', () => {
    everyStrictPrefixFails(SHUTDOWN, (b) => {
      const { body } = sharePdu(b);
      readShareDataHeader(body);
      body.end('share data');
    });
  });

  it('a pduType without TS_PROTOCOL_VERSION and a totalLength past the data are refused', () => {
    expect(decodeError(() => sharePdu(fromHex('0600 0700 ef03'))).reason).toBe('pduType 0x0007 lacks TS_PROTOCOL_VERSION (0x0010)');
    expect(decodeError(() => sharePdu(fromHex('4000 1700 ef03'))).reason).toBe('Share Control Header totalLength 64 runs past the 6 bytes left');
  });

  it('a FlowPDU (totalLength 0x8000) is skipped by the server frame decoder', () => {
    expect(decodeServerUserData(fromHex('0080 4200 0000 ea03'))).toEqual([{ type: 'flow' }]);
  });

  it('Deactivate All and Server Redirection round-trip', () => {
    expect(decodeServerUserData(encodeDeactivateAll(0x103ea, 1002))).toEqual([{ type: 'deactivate_all', deactivateAll: { shareId: 0x103ea, sourceDescriptor: fromHex('00') } }]);
    expect(decodeServerUserData(fromHex('0400 1600'))).toEqual([{ type: 'deactivate_all', deactivateAll: { shareId: 0, sourceDescriptor: new Uint8Array(0) } }]);
    expect(decodeServerUserData(encodeEnhancedServerRedirection(3, 0x10, 1002))).toEqual([
      { type: 'redirection', redirection: { sessionId: 3, redirFlags: 0x10, redirFlagNames: ['LB_PASSWORD'], length: 12 } },
    ]);
  });
});

describe('licensing (2.2.1.12)', () => {
  // FreeRDP 2.11's Server License Error PDU - Valid Client (test/fixtures/logon/freerdp-shadow-2.11.txt).
  const VALID_CLIENT_FREERDP = fromHex(`
    80 00 00 00  # TS_SECURITY_HEADER flags SEC_LICENSE_PKT, flagsHi 0
    ff           # bMsgType ERROR_ALERT
    03           # flags PREAMBLE_VERSION_3_0
    10 00        # wMsgSize 16
    07 00 00 00  # dwErrorCode STATUS_VALID_CLIENT
    02 00 00 00  # dwStateTransition ST_NO_TRANSITION
    04 00        # wBlobType BB_ERROR_BLOB
    00 00        # wBlobLen 0
  `);

  it('decodes the valid-client error alert', () => {
    expect(decodeLicensingPdu(VALID_CLIENT_FREERDP)).toEqual({
      securityFlags: 0x0080,
      msgType: 0xff,
      message: 'error',
      preambleFlags: 3,
      version: 3,
      error: { errorCode: 7, errorCodeName: 'STATUS_VALID_CLIENT', stateTransition: 2, stateTransitionName: 'ST_NO_TRANSITION', blobType: 4, blobLength: 0 },
    });
    everyStrictPrefixFails(VALID_CLIENT_FREERDP, decodeLicensingPdu);
  });

  it('the encoder writes the same message with SEC_LICENSE_ENCRYPT_CS, as Windows does', () => {
    expect(toHex(encodeLicenseErrorPdu(7, 2))).toBe('80020000' + toHex(VALID_CLIENT_FREERDP).slice(8));
    expect(decodeLicensingPdu(encodeLicenseErrorPdu(ERR_NO_LICENSE_SERVER, ST_TOTAL_ABORT)).error).toMatchObject({ errorCodeName: 'ERR_NO_LICENSE_SERVER', stateTransitionName: 'ST_TOTAL_ABORT' });
    expect(decodeLicensingPdu(encodeLicenseErrorPdu(0x99, 9)).error).toMatchObject({ errorCodeName: 'unknown(0x00000099)', stateTransitionName: 'unknown(0x00000009)' });
  });

  it("xrdp's License Request is named, not parsed (test/fixtures/logon/xrdp-0.9.21-tls.txt)", () => {
    const frame = serverFrames('xrdp-0.9.21-tls').at(-1)!;
    const f = decodeServerFrame(frame);
    expect(f.kind === 'send_data' && f.pdus).toEqual([{ type: 'licensing', licensing: { securityFlags: 0x80, msgType: 1, message: 'license_request', preambleFlags: 2, version: 2, error: null } }]);
    expect(decodeLicensingPdu(encodeLicenseRequestPdu()).message).toBe('license_request');
  });

  it('caps the error blob and bounds the message by wMsgSize', () => {
    const big = fromHex(`80000000 ff03 1000 07000000 02000000 0400 ${(LICENSE_ERROR_INFO_MAX + 1).toString(16).padStart(4, '0').replace(/(..)(..)/, '$2$1')}`);
    expect(decodeError(() => decodeLicensingPdu(big)).reason).toBe(`bbErrorInfo wBlobLen ${LICENSE_ERROR_INFO_MAX + 1} exceeds ${LICENSE_ERROR_INFO_MAX}`);
    expect(decodeError(() => decodeLicensingPdu(fromHex('80000000 ff03 ff00 07000000'))).reason).toBe('wMsgSize 255 does not fit the 8 bytes of the licensing message');
  });
});

describe('Set Error Info (2.2.5.1)', () => {
  it('names the whole table and falls back to unknown(0x........)', () => {
    const codes = Object.keys(ERRINFO_NAMES).map(Number);
    expect(codes.length).toBeGreaterThanOrEqual(120);
    for (const c of codes) expect(ERRINFO_NAMES[c]).toMatch(/^ERRINFO_[A-Z0-9_]+$/);
    expect(errorInfoName(0x9)).toBe('ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES');
    expect(errorInfoName(0x101)).toBe('ERRINFO_LICENSE_NO_LICENSE_SERVER');
    expect(errorInfoName(0x10c9)).toBe('ERRINFO_UNKNOWNPDUTYPE2');
    expect(errorInfoName(0x1195)).toBe('ERRINFO_DECRYPTFAILED2');
    expect(errorInfoName(0x8)).toBe('unknown(0x00000008)');
  });

  it('decodes from a server frame with pduSource 0', () => {
    const pdus = decodeServerUserData(encodeSetErrorInfoPdu(0x9, 0x103ea));
    expect(pdus).toMatchObject([{ type: 'data', header: { pduType2Name: 'PDUTYPE2_SET_ERROR_INFO_PDU' }, data: { pdu: 'set_error_info', errorInfo: { errorInfo: 9, name: 'ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES' } } }]);
    everyStrictPrefixFails(encodeSetErrorInfoPdu(0x9, 0x103ea), (b) => decodeServerUserData(b));
  });
});

describe('Client Info PDU (2.2.1.11)', () => {
  const base: ClientInfo = {
    codePage: 0,
    flags: RDPROBE_INFO_FLAGS,
    domain: 'LAB',
    userName: 'labuser',
    password: '',
    alternateShell: '',
    workingDir: '',
    extra: {
      clientAddressFamily: 2,
      clientAddress: '',
      clientDir: 'C:\\Windows\\System32\\mstscax.dll',
      clientTimeZone: new Uint8Array(TIME_ZONE_INFORMATION_LENGTH),
      clientSessionId: 0,
      performanceFlags: 0x6f,
      autoReconnectCookieLength: 0,
    },
  };

  it('head of the packet, field by field (empty password: cbPassword 0, then only its terminator)', () => {
    const bytes = encodeClientInfoPduData(base);
    expect(toHex(bytes.subarray(0, 22))).toBe(
      toHex(fromHex(`
        40 00 00 00        # TS_SECURITY_HEADER SEC_INFO_PKT
        00 00 00 00        # CodePage
        7b 00 01 00        # flags INFO_MOUSE|DISABLECTRLALTDEL|AUTOLOGON|UNICODE|MAXIMIZESHELL|LOGONNOTIFY|LOGONERRORS
        06 00              # cbDomain 6 ("LAB", terminator not counted)
        0e 00              # cbUserName 14
        00 00              # cbPassword 0
        00 00 00 00        # cbAlternateShell, cbWorkingDir
      `)),
    );
    expect(toHex(bytes.subarray(22, 46))).toBe(toHex(Buffer.from('LAB\0labuser\0', 'utf16le'))); // each string with its terminator
  });

  it('round-trips, and every strict prefix fails except where an optional tail legitimately ends', () => {
    const bytes = encodeClientInfoPduData(base);
    expect(decodeClientInfoPduData(bytes)).toEqual({ securityFlags: 0x40, info: base });
    // TS_EXTENDED_INFO_PACKET is optional, and so is each of its trailing fields (2.2.1.11.1.1.1): a packet cut
    // right before extraInfo, performanceFlags or cbAutoReconnectCookie is a valid older packet.
    const extraStart = 4 + 18 + 30;
    const valid = new Set([extraStart, bytes.length - 6, bytes.length - 2]);
    for (let n = 0; n < bytes.length; n++) {
      if (valid.has(n)) expect(decodeClientInfoPduData(bytes.subarray(0, n)).info.userName).toBe('labuser');
      else decodeError(() => decodeClientInfoPduData(bytes.subarray(0, n)));
    }
  });

  it('round-trips any strings that fit', () => {
    const str = fc.string({ maxLength: 40 }).filter((s) => !s.includes('\u0000'));
    fc.assert(
      fc.property(str, str, str, (domain, userName, password) => {
        const info = { ...base, domain, userName, password };
        expect(decodeClientInfoPduData(encodeClientInfoPduData(info)).info).toEqual(info);
      }),
      { numRuns: 100 },
    );
  });

  it('an oversized password is refused by field name, never by value', () => {
    const secret = 'x'.repeat(INFO_STRING_MAX_BYTES);
    let message = '';
    try {
      encodeClientInfoPduData({ ...base, password: secret });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('Password: 1026 bytes with terminator exceeds 512');
    expect(message).not.toContain('xxxx');
  });

  it('a claimed string length past the cap is a DecodeError', () => {
    const bytes = encodeClientInfoPduData(base);
    const bad = Uint8Array.from(bytes);
    bad[12] = 0x00;
    bad[13] = 0x04; // cbDomain 1024
    expect(decodeError(() => decodeClientInfoPduData(bad)).reason).toBe('Domain: 1026 bytes exceed the 512-byte limit');
  });
});

describe('Demand Active / Confirm Active (2.2.1.13)', () => {
  it("decodes FreeRDP 2.11's Demand Active (recorded), and every strict prefix fails", () => {
    const frame = serverFrames('freerdp-shadow-2.11')[4]!;
    const f = decodeServerFrame(frame);
    if (f.kind !== 'send_data' || f.pdus[0]?.type !== 'demand_active') throw new Error('not a Demand Active');
    const da = f.pdus[0].demandActive;
    expect(da.shareId).toBe(0x000103ec);
    expect(da.sourceDescriptor).toBe('RDP');
    expect(da.capabilitySets.length).toBe(14);
    expect(da.sessionId).toBe(0);
    expect(da.general).toMatchObject({ osMajorType: 0, osMinorType: 0, protocolVersion: 0x200, extraFlags: 0x0415 }); // FreeRDP leaves the OS type unspecified
    expect(da.bitmap).toMatchObject({ desktopWidth: 1024, desktopHeight: 768 });
    const payload = frame.subarray(frame.length - 383);
    everyStrictPrefixFails(payload, (b) => decodeServerUserData(b));
  });

  it('Confirm Active round-trips with the minimal set list, originatorId 0x03EA', () => {
    const sets = minimalClientCapabilities({ desktopWidth: 800, desktopHeight: 600 });
    const { header, body } = sharePdu(encodeConfirmActivePdu(0x103ea, 1007, sets));
    expect(header.pduTypeName).toBe('PDUTYPE_CONFIRMACTIVEPDU');
    expect(header.pduSource).toBe(1007);
    const ca = readConfirmActive(body);
    expect(ca).toMatchObject({ shareId: 0x103ea, originatorId: 0x3ea, sourceDescriptor: 'MSTSC' });
    expect(ca.capabilitySets.map((s) => s.data.length + 4)).toEqual([24, 28, 88, 40, 10, 88, 8, 52, 12, 12, 8, 12, 12, 8, 8]);
    const general = ca.capabilitySets[0]!.data;
    expect(general[10]! | (general[11]! << 8)).toBe(0x0405); // extraFlags: FASTPATH_OUTPUT | LONG_CREDENTIALS | NO_BITMAP_COMPRESSION_HDR
    const noFastPath = minimalClientCapabilities({ desktopWidth: 800, desktopHeight: 600, fastPathOutput: false })[0]!.data;
    expect(noFastPath[10]).toBe(0x04);
  });

  it('Demand Active round-trips and caps numberCapabilities', () => {
    const sets = serverCapabilities(1280, 1024);
    const { body } = sharePdu(encodeDemandActivePdu(42, sets, 9));
    const da = readDemandActive(body);
    expect(da).toMatchObject({ shareId: 42, sessionId: 9, sourceDescriptor: 'RDP', bitmap: { desktopWidth: 1280, desktopHeight: 1024 } });
    expect(da.capabilitySets.map((s) => s.type)).toEqual([CAPSTYPE_GENERAL, CAPSTYPE_BITMAP, 0x0e]);
    // numberCapabilities 65 (0x41) in a 4-byte combined block: refused before any set is read.
    const many = fromHex('2a000000 0300 0400 524450 4100 0000');
    expect(decodeError(() => readDemandActive(new Reader(many, 'rdp'))).reason).toBe(`numberCapabilities ${MAX_CAPABILITY_SETS + 1} exceeds ${MAX_CAPABILITY_SETS}`);
  });

  it("decodes FreeRDP's server finalization PDUs (recorded): Synchronize, Cooperate, Granted Control, Font Map", () => {
    const frames = serverFrames('freerdp-shadow-2.11').slice(5, 9);
    const kinds = frames.map((f) => {
      const d = decodeServerFrame(f);
      return d.kind === 'send_data' && d.pdus[0]?.type === 'data' ? d.pdus[0].data : null;
    });
    expect(kinds).toEqual([
      { pdu: 'synchronize', synchronize: { messageType: 1, targetUser: 0x03ec } },
      { pdu: 'control', control: { action: 4, actionName: 'CTRLACTION_COOPERATE', grantId: 0, controlId: 0 } },
      { pdu: 'control', control: { action: 2, actionName: 'CTRLACTION_GRANTED_CONTROL', grantId: 0x03ec, controlId: 0x03ea } },
      { pdu: 'font_map', fontMap: { numberEntries: 0, totalNumEntries: 0, mapFlags: 3, entrySize: 4 } },
    ]);
  });

  it('client finalization PDUs decode back (Synchronize targetUser 0x03EA, Control, Font List 0x0032)', () => {
    const body = (b: Uint8Array) => {
      const { body: r } = sharePdu(b);
      readShareDataHeader(r);
      return r;
    };
    expect(readSynchronize(body(encodeSynchronizePdu(1, 1007)))).toEqual({ messageType: 1, targetUser: 0x3ea });
    expect(readControl(body(encodeControlPdu(1, 1007, CTRLACTION_COOPERATE)))).toMatchObject({ actionName: 'CTRLACTION_COOPERATE' });
    expect(readFontList(body(encodeFontListPdu(1, 1007)))).toEqual({ numberFonts: 0, totalNumFonts: 0, listFlags: 3, entrySize: 0x32 });
  });
});

describe('Save Session Info (2.2.10.1)', () => {
  const specs: [SaveSessionInfoSpec, object][] = [
    [{ type: 'logon', domain: 'LAB', userName: 'labuser', sessionId: 2 }, { infoTypeName: 'INFOTYPE_LOGON', logonNotification: true, sessionId: 2, domain: 'LAB', userName: 'labuser' }],
    [{ type: 'logon_long', domain: 'LAB', userName: 'labuser', sessionId: 3 }, { infoTypeName: 'INFOTYPE_LOGON_LONG', logonNotification: true, sessionId: 3, domain: 'LAB', userName: 'labuser' }],
    [{ type: 'plain_notify' }, { infoTypeName: 'INFOTYPE_LOGON_PLAINNOTIFY', logonNotification: true }],
    [
      { type: 'extended', autoReconnect: { logonId: 4 }, logonErrors: { type: 0xfffffffc, data: 4 } },
      {
        infoTypeName: 'INFOTYPE_LOGON_EXTENDED_INFO',
        logonNotification: false,
        fieldsPresentNames: ['LOGON_EX_AUTORECONNECTCOOKIE', 'LOGON_EX_LOGONERRORS'],
        autoReconnectLogonId: 4,
        logonErrors: { errorNotificationType: 0xfffffffc, errorNotificationTypeName: 'LOGON_MSG_RECONNECT_OPTIONS', errorNotificationData: 4, errorNotificationDataName: null },
      },
    ],
  ];

  it('each info type round-trips, and every strict prefix fails', () => {
    for (const [spec, expected] of specs) {
      const bytes = encodeSaveSessionInfoData(spec);
      expect(whole(readSaveSessionInfo)(bytes)).toMatchObject(expected);
      everyStrictPrefixFails(bytes, whole(readSaveSessionInfo));
    }
  });

  it('field caps: cbDomain beyond the 52-byte field, an undefined infoType', () => {
    const bytes = Uint8Array.from(encodeSaveSessionInfoData({ type: 'logon', domain: 'LAB', userName: 'u', sessionId: 1 }));
    bytes[4] = 60;
    expect(decodeError(() => whole(readSaveSessionInfo)(bytes)).reason).toBe('cbDomain 60 exceeds the 52-byte Domain field');
    expect(decodeError(() => whole(readSaveSessionInfo)(fromHex('09000000'))).reason).toBe('infoType 0x00000009 is not defined');
  });
});

describe('framing after the X.224 exchange', () => {
  it('TPKT and fast-path frames, 1- and 2-byte lengths', () => {
    expect(rdpFrameLength(fromHex('0300002a'))).toBe(0x2a);
    expect(rdpFrameLength(fromHex('00'))).toBeNull();
    expect(rdpFrameLength(fromHex('0010'))).toBe(0x10);
    expect(rdpFrameLength(fromHex('008091'))).toBe(0x91);
    expect(rdpFrameLength(fromHex('0080'))).toBeNull();
    expect(decodeError(() => rdpFrameLength(fromHex('0001'))).reason).toBe('fast-path length 1 is shorter than its 2-byte header');
    expect(decodeError(() => rdpFrameLength(fromHex('01'))).reason).toBe('neither TPKT nor fast-path: first byte 0x01');
  });

  it('a recorded fast-path update is measured, not parsed', () => {
    const fp = serverFrames('freerdp-shadow-2.11').find((f) => f[0] !== 3)!;
    expect(decodeServerFrame(fp)).toEqual({ kind: 'fast_path', length: fp.length });
  });

  it('an X.224 Disconnect Request and a Send Data Indication with two share PDUs', () => {
    expect(decodeServerFrame(fromHex('03 00 00 0b 06 80 00 00 00 00 00'))).toEqual({ kind: 'x224_disconnect_request' });
    const two = Uint8Array.from([...encodeShareDataPdu(0x2f, 1, 0, fromHex('09000000')), ...encodeDeactivateAll(1, 1002)]);
    expect(decodeServerUserData(two).map((p) => p.type)).toEqual(['data', 'deactivate_all']);
  });
});
