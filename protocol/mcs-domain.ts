import { readPerLength, writePerLength } from './per.js';
import { DecodeError } from './errors.js';
import { Reader } from './reader.js';
import { nameOf, Writer } from './writer.js';
import { MCS_RESULT_NAMES } from './mcs.js';

/**
 * T.125 MCS domain PDUs (DomainMCSPDU, T.125 section 7 parts 3-7 and 10, annex A) as RDP uses them after the
 * Connect-Initial/Connect-Response exchange: [MS-RDPBCGR] 2.2.1.5 Erect Domain Request, 2.2.1.6 Attach User
 * Request, 2.2.1.7 Attach User Confirm, 2.2.1.8 Channel Join Request, 2.2.1.9 Channel Join Confirm, Send Data
 * Request / Indication (the envelope of every later slow-path PDU), and 2.2.2.3 Disconnect Provider Ultimatum.
 *
 * Unlike Connect-Initial (BER), the domain PDUs are ALIGNED PER. Every one starts with the DomainMCSPDU CHOICE
 * index in the top 6 bits of the first octet; the 2 low bits carry whatever the chosen SEQUENCE puts first
 * (optional-field presence bits, the start of an enumerated value), so the shapes below are written bit by bit
 * the way X.691 packs them, not read as whole octets. The caller strips TPKT and the X.224 Data header.
 */

// DomainMCSPDU CHOICE indexes (T.125 annex A, in declaration order).
/** erectDomainRequest (1) */
export const MCS_ERECT_DOMAIN_REQUEST = 1;
/** disconnectProviderUltimatum (8) */
export const MCS_DISCONNECT_PROVIDER_ULTIMATUM = 8;
/** attachUserRequest (10) */
export const MCS_ATTACH_USER_REQUEST = 10;
/** attachUserConfirm (11) */
export const MCS_ATTACH_USER_CONFIRM = 11;
/** channelJoinRequest (14) */
export const MCS_CHANNEL_JOIN_REQUEST = 14;
/** channelJoinConfirm (15) */
export const MCS_CHANNEL_JOIN_CONFIRM = 15;
/** sendDataRequest (25) */
export const MCS_SEND_DATA_REQUEST = 25;
/** sendDataIndication (26) */
export const MCS_SEND_DATA_INDICATION = 26;

export const MCS_DOMAIN_PDU_NAMES: Readonly<Record<number, string>> = {
  0: 'plumbDomainIndication',
  1: 'erectDomainRequest',
  2: 'mergeChannelsRequest',
  3: 'mergeChannelsConfirm',
  4: 'purgeChannelsIndication',
  5: 'mergeTokensRequest',
  6: 'mergeTokensConfirm',
  7: 'purgeTokensIndication',
  8: 'disconnectProviderUltimatum',
  9: 'rejectMCSPDUUltimatum',
  10: 'attachUserRequest',
  11: 'attachUserConfirm',
  12: 'detachUserRequest',
  13: 'detachUserIndication',
  14: 'channelJoinRequest',
  15: 'channelJoinConfirm',
  16: 'channelLeaveRequest',
  17: 'channelConveneRequest',
  18: 'channelConveneConfirm',
  19: 'channelDisbandRequest',
  20: 'channelDisbandIndication',
  21: 'channelAdmitRequest',
  22: 'channelAdmitIndication',
  23: 'channelExpelRequest',
  24: 'channelExpelIndication',
  25: 'sendDataRequest',
  26: 'sendDataIndication',
  27: 'uniformSendDataRequest',
  28: 'uniformSendDataIndication',
};

// Reason ::= ENUMERATED (T.125 annex A), carried by Disconnect Provider Ultimatum.
/** rn-domain-disconnected (0) */
export const RN_DOMAIN_DISCONNECTED = 0;
/** rn-provider-initiated (1): an administrator-initiated server-side disconnect ([MS-RDPBCGR] 3.1.5.1.1) */
export const RN_PROVIDER_INITIATED = 1;
/** rn-token-purged (2) */
export const RN_TOKEN_PURGED = 2;
/** rn-user-requested (3): what a client sends when it hangs up ([MS-RDPBCGR] 3.1.5.1.1) */
export const RN_USER_REQUESTED = 3;
/** rn-channel-purged (4) */
export const RN_CHANNEL_PURGED = 4;

export const MCS_REASON_NAMES: Readonly<Record<number, string>> = {
  [RN_DOMAIN_DISCONNECTED]: 'rn-domain-disconnected',
  [RN_PROVIDER_INITIATED]: 'rn-provider-initiated',
  [RN_TOKEN_PURGED]: 'rn-token-purged',
  [RN_USER_REQUESTED]: 'rn-user-requested',
  [RN_CHANNEL_PURGED]: 'rn-channel-purged',
};

/** UserId ::= DynamicChannelId (1001..65535): PER sends it as a 16-bit offset from 1001 (T.125 annex A). */
export const MCS_USER_ID_BASE = 1001;
/** The top of DynamicChannelId's range (T.125 annex A: ChannelId ::= INTEGER (0..65535)). */
export const MCS_USER_ID_MAX = 0xffff;
/** The channel id the server uses for itself (MCS_GLOBAL_CHANNEL in FreeRDP): originatorId of Confirm Active, targetUser of Synchronize. */
export const MCS_SERVER_CHANNEL_ID = 1002;

/** DataPriority ::= ENUMERATED { top, high, medium, low } (T.125 annex A). RDP sends high. */
export const MCS_PRIORITY_HIGH = 1;
/** Segmentation ::= BIT STRING { begin(0), end(1) } (SIZE (2)): RDP never segments, so always both. */
export const MCS_SEGMENTATION_BEGIN_END = 0x3;

// ---------------------------------------------------------------------------------------------------------------
// Structures

export type McsDomainPdu =
  /** 2.2.1.5, T.125 11.8: subHeight and subInterval are 0 from an RDP client. */
  | { kind: 'erect_domain_request'; subHeight: number; subInterval: number }
  /** 2.2.1.6, T.125 11.17: no fields. */
  | { kind: 'attach_user_request' }
  /** 2.2.1.7, T.125 11.18: initiator is the user channel id, absent on failure. */
  | { kind: 'attach_user_confirm'; result: number; resultName: string; initiator: number | null }
  /** 2.2.1.8, T.125 11.21. */
  | { kind: 'channel_join_request'; initiator: number; channelId: number }
  /** 2.2.1.9, T.125 11.22: channelId is absent on failure. */
  | { kind: 'channel_join_confirm'; result: number; resultName: string; initiator: number; requested: number; channelId: number | null }
  /** T.125 11.32 / 11.33: the envelope of every slow-path RDP PDU. */
  | { kind: 'send_data_request' | 'send_data_indication'; initiator: number; channelId: number; priority: number; segmentation: number; userData: Uint8Array }
  /** 2.2.2.3, T.125 11.4. */
  | { kind: 'disconnect_provider_ultimatum'; reason: number; reasonName: string }
  /** A DomainMCSPDU RDP never sends in the connection sequence: recognised by name, not decoded. */
  | { kind: 'other'; choice: number; name: string };

// ---------------------------------------------------------------------------------------------------------------
// Decoding

function choiceOf(first: number): number {
  return first >> 2;
}

/** A 4-bit PER ENUMERATED (Result has 16 values) that starts in the last bit of one octet and ends in the next. */
function readResult(r: Reader, first: number, field: string): number {
  const at = r.offset;
  const second = r.u8(field);
  const result = ((first & 0x01) << 3) | (second >> 5);
  if ((second & 0x1f) === 0) return result;
  // FreeRDP's server writes Result as a whole octet after the first (per_write_enumerated): 0x2e 0x0f for
  // rt-user-rejected. Proper PER never sets the 5 padding bits, so a value in them can only be that form.
  if ((first & 0x01) === 0 && second <= 0x0f) return second;
  throw new DecodeError('per', at, `${field}: result octet 0x${second.toString(16).padStart(2, '0')} is neither aligned PER nor a whole-octet result`);
}

/**
 * UserId ::= DynamicChannelId (1001..65535), a constrained INTEGER that aligned PER sends as the 16-bit offset
 * from its lower bound (X.691 12.2.2). Offsets above 64534 encode no value in the range, so they are a malformed
 * PDU; returning 65536 and up would only fail later, in an encoder, as a RangeError (an Attach User Confirm of
 * 00 fe 03 once made LogonSequence throw while building a Channel Join Request for user 66028).
 */
function readUserId(r: Reader, field: string): number {
  const at = r.offset;
  const offset = r.u16be(field);
  const id = offset + MCS_USER_ID_BASE;
  if (id > MCS_USER_ID_MAX) {
    r.fail(`${field}: UserId offset 0x${offset.toString(16).padStart(4, '0')} gives ${id}, outside DynamicChannelId ${MCS_USER_ID_BASE}..${MCS_USER_ID_MAX} (T.125 annex A)`, at);
  }
  return id;
}

/** Decodes one DomainMCSPDU filling `bytes` (after TPKT and X.224 Data); `base` is its absolute offset. */
export function decodeMcsDomainPdu(bytes: Uint8Array, base = 0): McsDomainPdu {
  const r = new Reader(bytes, 'mcs', base);
  const first = r.u8('DomainMCSPDU choice');
  const choice = choiceOf(first);
  switch (choice) {
    case MCS_ERECT_DOMAIN_REQUEST: {
      const subHeight = readSmallPerInteger(r, 'subHeight');
      const subInterval = readSmallPerInteger(r, 'subInterval');
      r.end('Erect Domain Request');
      return { kind: 'erect_domain_request', subHeight, subInterval };
    }
    case MCS_ATTACH_USER_REQUEST:
      r.end('Attach User Request');
      return { kind: 'attach_user_request' };
    case MCS_ATTACH_USER_CONFIRM: {
      const result = readResult(r, first, 'Attach User Confirm result');
      const initiator = (first & 0x02) !== 0 ? readUserId(r, 'initiator') : null;
      r.end('Attach User Confirm');
      return { kind: 'attach_user_confirm', result, resultName: nameOf(MCS_RESULT_NAMES, result), initiator };
    }
    case MCS_CHANNEL_JOIN_REQUEST: {
      const initiator = readUserId(r, 'initiator');
      const channelId = r.u16be('channelId');
      r.end('Channel Join Request');
      return { kind: 'channel_join_request', initiator, channelId };
    }
    case MCS_CHANNEL_JOIN_CONFIRM: {
      const result = readResult(r, first, 'Channel Join Confirm result');
      const initiator = readUserId(r, 'initiator');
      const requested = r.u16be('requested');
      const channelId = (first & 0x02) !== 0 ? r.u16be('channelId') : null;
      r.end('Channel Join Confirm');
      return { kind: 'channel_join_confirm', result, resultName: nameOf(MCS_RESULT_NAMES, result), initiator, requested, channelId };
    }
    case MCS_SEND_DATA_REQUEST:
    case MCS_SEND_DATA_INDICATION: {
      const initiator = readUserId(r, 'initiator');
      const channelId = r.u16be('channelId');
      const flags = r.u8('dataPriority/segmentation');
      const length = readPerLength(r, 'userData');
      const userData = r.copy(length, 'userData');
      r.end(choice === MCS_SEND_DATA_REQUEST ? 'Send Data Request' : 'Send Data Indication');
      return {
        kind: choice === MCS_SEND_DATA_REQUEST ? 'send_data_request' : 'send_data_indication',
        initiator,
        channelId,
        priority: flags >> 6,
        segmentation: (flags >> 4) & 0x3,
        userData,
      };
    }
    case MCS_DISCONNECT_PROVIDER_ULTIMATUM: {
      // Reason is a 3-bit ENUMERATED: the 2 low bits of the first octet, then the top bit of the second.
      const second = r.u8('reason');
      const reason = ((first & 0x03) << 1) | (second >> 7);
      r.end('Disconnect Provider Ultimatum');
      return { kind: 'disconnect_provider_ultimatum', reason, reasonName: nameOf(MCS_REASON_NAMES, reason) };
    }
    default:
      r.rest();
      return { kind: 'other', choice, name: nameOf(MCS_DOMAIN_PDU_NAMES, choice) };
  }
}

/** INTEGER (0..MAX) as Erect Domain Request uses it: a length octet then that many octets (1..4). */
function readSmallPerInteger(r: Reader, field: string): number {
  const at = r.offset;
  const n = r.u8(`${field} length`);
  if (n < 1 || n > 4) throw new DecodeError('per', at, `${field}: integer of ${n} octets is not supported`);
  let v = 0;
  for (let i = 0; i < n; i++) v = v * 256 + r.u8(field);
  return v;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding (client PDUs, and server PDUs for scripted peers)

function userId(w: Writer, id: number, field: string): void {
  if (id < MCS_USER_ID_BASE || id > MCS_USER_ID_MAX) throw new RangeError(`${field}: user id ${id} is outside ${MCS_USER_ID_BASE}..${MCS_USER_ID_MAX}`);
  w.u16be(id - MCS_USER_ID_BASE, field);
}

/** Erect Domain Request (2.2.1.5; 4.1.5: 04 01 00 01 00). */
export function encodeErectDomainRequest(subHeight = 0, subInterval = 0): Uint8Array {
  const w = new Writer().u8(MCS_ERECT_DOMAIN_REQUEST << 2, 'choice');
  for (const [v, f] of [[subHeight, 'subHeight'], [subInterval, 'subInterval']] as const) {
    if (v > 0xff) throw new RangeError(`${f} ${v}: only one-octet values are sent`);
    w.u8(1, `${f} length`).u8(v, f);
  }
  return w.finish();
}

/** Attach User Request (2.2.1.6; 4.1.6: 28). */
export function encodeAttachUserRequest(): Uint8Array {
  return Uint8Array.of(MCS_ATTACH_USER_REQUEST << 2);
}

/** Attach User Confirm (2.2.1.7; 4.1.7: 2e 00 00 06), for scripted peers. */
export function encodeAttachUserConfirm(result: number, initiator: number | null): Uint8Array {
  if (result > 0x0f) throw new RangeError(`result ${result} does not fit 4 bits`);
  const w = new Writer();
  w.u8((MCS_ATTACH_USER_CONFIRM << 2) | (initiator !== null ? 0x02 : 0) | (result >> 3), 'choice');
  w.u8((result & 0x07) << 5, 'result');
  if (initiator !== null) userId(w, initiator, 'initiator');
  return w.finish();
}

/** Channel Join Request (2.2.1.8; 4.1.8.1.1: 38 00 06 03 ef). */
export function encodeChannelJoinRequest(initiator: number, channelId: number): Uint8Array {
  const w = new Writer().u8(MCS_CHANNEL_JOIN_REQUEST << 2, 'choice');
  userId(w, initiator, 'initiator');
  return w.u16be(channelId, 'channelId').finish();
}

/** Channel Join Confirm (2.2.1.9; 4.1.8.5.2: 3e 00 00 06 03 ee 03 ee), for scripted peers. */
export function encodeChannelJoinConfirm(result: number, initiator: number, requested: number, channelId: number | null): Uint8Array {
  if (result > 0x0f) throw new RangeError(`result ${result} does not fit 4 bits`);
  const w = new Writer();
  w.u8((MCS_CHANNEL_JOIN_CONFIRM << 2) | (channelId !== null ? 0x02 : 0) | (result >> 3), 'choice');
  w.u8((result & 0x07) << 5, 'result');
  userId(w, initiator, 'initiator');
  w.u16be(requested, 'requested');
  if (channelId !== null) w.u16be(channelId, 'channelId');
  return w.finish();
}

function sendData(choice: number, initiator: number, channelId: number, userData: Uint8Array): Uint8Array {
  const w = new Writer().u8(choice << 2, 'choice');
  userId(w, initiator, 'initiator');
  w.u16be(channelId, 'channelId');
  w.u8((MCS_PRIORITY_HIGH << 6) | (MCS_SEGMENTATION_BEGIN_END << 4), 'dataPriority/segmentation');
  writePerLength(w, userData.length, 'userData');
  return w.bytes(userData).finish();
}

/** Send Data Request (T.125 11.32; header as in 4.2.1: 64 00 06 03 eb 70 1e): the client's envelope. */
export function encodeSendDataRequest(initiator: number, channelId: number, userData: Uint8Array): Uint8Array {
  return sendData(MCS_SEND_DATA_REQUEST, initiator, channelId, userData);
}

/** Send Data Indication (T.125 11.33): the server's envelope, for scripted peers. */
export function encodeSendDataIndication(initiator: number, channelId: number, userData: Uint8Array): Uint8Array {
  return sendData(MCS_SEND_DATA_INDICATION, initiator, channelId, userData);
}

/** Disconnect Provider Ultimatum (2.2.2.3): 21 80 for rn-user-requested, as xrdp and mstsc send it. */
export function encodeDisconnectProviderUltimatum(reason: number = RN_USER_REQUESTED): Uint8Array {
  if (reason > 0x07) throw new RangeError(`reason ${reason} does not fit 3 bits`);
  return Uint8Array.of((MCS_DISCONNECT_PROVIDER_ULTIMATUM << 2) | (reason >> 1), (reason & 0x01) << 7);
}
