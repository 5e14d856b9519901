import { Reader } from '../reader.js';
import { flagNames, nameOf, Writer } from '../writer.js';

/**
 * The headers inside an MCS Send Data Request/Indication once Enhanced RDP Security (TLS, CredSSP) is in effect:
 * the Basic Security Header that Client Info and licensing PDUs still carry ([MS-RDPBCGR] 2.2.8.1.1.2.1), the
 * Share Control Header (2.2.8.1.1.1.1) and Share Data Header (2.2.8.1.1.1.2) of every slow-path PDU, the Deactivate
 * All PDU (2.2.3.1) and the Enhanced Security Server Redirection PDU (2.2.13.3.1), which we recognise but do not
 * follow. With TLS there is no encryption or MAC at this layer: the security header is only a flags field.
 */

// ---------------------------------------------------------------------------------------------------------------
// Basic Security Header (2.2.8.1.1.2.1): flags u16, flagsHi u16

/** SEC_EXCHANGE_PKT (0x0001): Security Exchange PDU (Standard RDP Security only) */
export const SEC_EXCHANGE_PKT = 0x0001;
/** SEC_TRANSPORT_REQ (0x0002): Initiate Multitransport Request (2.2.15.1) */
export const SEC_TRANSPORT_REQ = 0x0002;
/** SEC_TRANSPORT_RSP (0x0004) */
export const SEC_TRANSPORT_RSP = 0x0004;
/** SEC_ENCRYPT (0x0008): Standard RDP Security encryption, never with TLS */
export const SEC_ENCRYPT = 0x0008;
/** SEC_RESET_SEQNO (0x0010) */
export const SEC_RESET_SEQNO = 0x0010;
/** SEC_IGNORE_SEQNO (0x0020) */
export const SEC_IGNORE_SEQNO = 0x0020;
/** SEC_INFO_PKT (0x0040): Client Info PDU (2.2.1.11) */
export const SEC_INFO_PKT = 0x0040;
/** SEC_LICENSE_PKT (0x0080): licensing PDU (2.2.1.12) */
export const SEC_LICENSE_PKT = 0x0080;
/** SEC_LICENSE_ENCRYPT_CS (0x0200): the client may encrypt licensing PDUs (set by Windows on server licensing PDUs) */
export const SEC_LICENSE_ENCRYPT_CS = 0x0200;
/** SEC_REDIRECTION_PKT (0x0400): Standard Security Server Redirection PDU (2.2.13.2.1) */
export const SEC_REDIRECTION_PKT = 0x0400;
/** SEC_SECURE_CHECKSUM (0x0800) */
export const SEC_SECURE_CHECKSUM = 0x0800;
/** SEC_AUTODETECT_REQ (0x1000): connect-time auto-detect request (2.2.14.1) */
export const SEC_AUTODETECT_REQ = 0x1000;
/** SEC_AUTODETECT_RSP (0x2000) */
export const SEC_AUTODETECT_RSP = 0x2000;
/** SEC_HEARTBEAT (0x4000): Server Heartbeat PDU (2.2.16.1) */
export const SEC_HEARTBEAT = 0x4000;
/** SEC_FLAGSHI_VALID (0x8000) */
export const SEC_FLAGSHI_VALID = 0x8000;

export const SECURITY_FLAG_NAMES: Readonly<Record<number, string>> = {
  [SEC_EXCHANGE_PKT]: 'SEC_EXCHANGE_PKT',
  [SEC_TRANSPORT_REQ]: 'SEC_TRANSPORT_REQ',
  [SEC_TRANSPORT_RSP]: 'SEC_TRANSPORT_RSP',
  [SEC_ENCRYPT]: 'SEC_ENCRYPT',
  [SEC_RESET_SEQNO]: 'SEC_RESET_SEQNO',
  [SEC_IGNORE_SEQNO]: 'SEC_IGNORE_SEQNO',
  [SEC_INFO_PKT]: 'SEC_INFO_PKT',
  [SEC_LICENSE_PKT]: 'SEC_LICENSE_PKT',
  [SEC_LICENSE_ENCRYPT_CS]: 'SEC_LICENSE_ENCRYPT_CS',
  [SEC_REDIRECTION_PKT]: 'SEC_REDIRECTION_PKT',
  [SEC_SECURE_CHECKSUM]: 'SEC_SECURE_CHECKSUM',
  [SEC_AUTODETECT_REQ]: 'SEC_AUTODETECT_REQ',
  [SEC_AUTODETECT_RSP]: 'SEC_AUTODETECT_RSP',
  [SEC_HEARTBEAT]: 'SEC_HEARTBEAT',
  [SEC_FLAGSHI_VALID]: 'SEC_FLAGSHI_VALID',
};

export interface BasicSecurityHeader {
  flags: number;
  flagsHi: number;
}

export function encodeBasicSecurityHeader(flags: number, flagsHi = 0): Uint8Array {
  return new Writer().u16le(flags, 'flags').u16le(flagsHi, 'flagsHi').finish();
}

export function readBasicSecurityHeader(r: Reader): BasicSecurityHeader {
  return { flags: r.u16le('TS_SECURITY_HEADER flags'), flagsHi: r.u16le('TS_SECURITY_HEADER flagsHi') };
}

// ---------------------------------------------------------------------------------------------------------------
// Share Control Header (2.2.8.1.1.1.1)

/** PDUTYPE_DEMANDACTIVEPDU (0x1) */
export const PDUTYPE_DEMANDACTIVEPDU = 0x1;
/** PDUTYPE_CONFIRMACTIVEPDU (0x3) */
export const PDUTYPE_CONFIRMACTIVEPDU = 0x3;
/** PDUTYPE_DEACTIVATEALLPDU (0x6) */
export const PDUTYPE_DEACTIVATEALLPDU = 0x6;
/** PDUTYPE_DATAPDU (0x7) */
export const PDUTYPE_DATAPDU = 0x7;
/** PDUTYPE_SERVER_REDIR_PKT (0xA): Enhanced Security Server Redirection PDU (2.2.13.3.1) */
export const PDUTYPE_SERVER_REDIR_PKT = 0xa;
/** TS_PROTOCOL_VERSION (0x1) in the PDUVersion bits 4-15 of pduType: every pduType is 0x001x. */
export const TS_PROTOCOL_VERSION = 0x0010;
/** totalLength 0x8000 marks a T.128 FlowPDU, which "MUST be ignored" (2.2.8.1.1.1.1). */
export const SHARE_FLOW_PDU_MARKER = 0x8000;
/** A FlowPDU is 8 octets (T.128 8.5): flowMarker, pduTypeFlow, flowIdentifier, flowNumber, pduSource. */
export const SHARE_FLOW_PDU_LENGTH = 8;
export const SHARE_CONTROL_HEADER_LENGTH = 6;
export const SHARE_DATA_HEADER_LENGTH = 18;

export const PDUTYPE_NAMES: Readonly<Record<number, string>> = {
  [PDUTYPE_DEMANDACTIVEPDU]: 'PDUTYPE_DEMANDACTIVEPDU',
  [PDUTYPE_CONFIRMACTIVEPDU]: 'PDUTYPE_CONFIRMACTIVEPDU',
  [PDUTYPE_DEACTIVATEALLPDU]: 'PDUTYPE_DEACTIVATEALLPDU',
  [PDUTYPE_DATAPDU]: 'PDUTYPE_DATAPDU',
  [PDUTYPE_SERVER_REDIR_PKT]: 'PDUTYPE_SERVER_REDIR_PKT',
};

// pduType2 of the Share Data Header (2.2.8.1.1.1.2).
/** PDUTYPE2_UPDATE (0x02) */
export const PDUTYPE2_UPDATE = 0x02;
/** PDUTYPE2_CONTROL (0x14) */
export const PDUTYPE2_CONTROL = 0x14;
/** PDUTYPE2_POINTER (0x1B) */
export const PDUTYPE2_POINTER = 0x1b;
/** PDUTYPE2_INPUT (0x1C) */
export const PDUTYPE2_INPUT = 0x1c;
/** PDUTYPE2_SYNCHRONIZE (0x1F) */
export const PDUTYPE2_SYNCHRONIZE = 0x1f;
/** PDUTYPE2_REFRESH_RECT (0x21) */
export const PDUTYPE2_REFRESH_RECT = 0x21;
/** PDUTYPE2_PLAY_SOUND (0x22) */
export const PDUTYPE2_PLAY_SOUND = 0x22;
/** PDUTYPE2_SUPPRESS_OUTPUT (0x23) */
export const PDUTYPE2_SUPPRESS_OUTPUT = 0x23;
/** PDUTYPE2_SHUTDOWN_REQUEST (0x24) */
export const PDUTYPE2_SHUTDOWN_REQUEST = 0x24;
/** PDUTYPE2_SHUTDOWN_DENIED (0x25) */
export const PDUTYPE2_SHUTDOWN_DENIED = 0x25;
/** PDUTYPE2_SAVE_SESSION_INFO (0x26) */
export const PDUTYPE2_SAVE_SESSION_INFO = 0x26;
/** PDUTYPE2_FONTLIST (0x27) */
export const PDUTYPE2_FONTLIST = 0x27;
/** PDUTYPE2_FONTMAP (0x28) */
export const PDUTYPE2_FONTMAP = 0x28;
/** PDUTYPE2_SET_KEYBOARD_INDICATORS (0x29) */
export const PDUTYPE2_SET_KEYBOARD_INDICATORS = 0x29;
/** PDUTYPE2_BITMAPCACHE_PERSISTENT_LIST (0x2B) */
export const PDUTYPE2_BITMAPCACHE_PERSISTENT_LIST = 0x2b;
/** PDUTYPE2_BITMAPCACHE_ERROR_PDU (0x2C) */
export const PDUTYPE2_BITMAPCACHE_ERROR_PDU = 0x2c;
/** PDUTYPE2_SET_KEYBOARD_IME_STATUS (0x2D) */
export const PDUTYPE2_SET_KEYBOARD_IME_STATUS = 0x2d;
/** PDUTYPE2_OFFSCRCACHE_ERROR_PDU (0x2E) */
export const PDUTYPE2_OFFSCRCACHE_ERROR_PDU = 0x2e;
/** PDUTYPE2_SET_ERROR_INFO_PDU (0x2F) */
export const PDUTYPE2_SET_ERROR_INFO_PDU = 0x2f;
/** PDUTYPE2_DRAWNINEGRID_ERROR_PDU (0x30) */
export const PDUTYPE2_DRAWNINEGRID_ERROR_PDU = 0x30;
/** PDUTYPE2_DRAWGDIPLUS_ERROR_PDU (0x31) */
export const PDUTYPE2_DRAWGDIPLUS_ERROR_PDU = 0x31;
/** PDUTYPE2_ARC_STATUS_PDU (0x32) */
export const PDUTYPE2_ARC_STATUS_PDU = 0x32;
/** PDUTYPE2_STATUS_INFO_PDU (0x36) */
export const PDUTYPE2_STATUS_INFO_PDU = 0x36;
/** PDUTYPE2_MONITOR_LAYOUT_PDU (0x37) */
export const PDUTYPE2_MONITOR_LAYOUT_PDU = 0x37;

export const PDUTYPE2_NAMES: Readonly<Record<number, string>> = {
  [PDUTYPE2_UPDATE]: 'PDUTYPE2_UPDATE',
  [PDUTYPE2_CONTROL]: 'PDUTYPE2_CONTROL',
  [PDUTYPE2_POINTER]: 'PDUTYPE2_POINTER',
  [PDUTYPE2_INPUT]: 'PDUTYPE2_INPUT',
  [PDUTYPE2_SYNCHRONIZE]: 'PDUTYPE2_SYNCHRONIZE',
  [PDUTYPE2_REFRESH_RECT]: 'PDUTYPE2_REFRESH_RECT',
  [PDUTYPE2_PLAY_SOUND]: 'PDUTYPE2_PLAY_SOUND',
  [PDUTYPE2_SUPPRESS_OUTPUT]: 'PDUTYPE2_SUPPRESS_OUTPUT',
  [PDUTYPE2_SHUTDOWN_REQUEST]: 'PDUTYPE2_SHUTDOWN_REQUEST',
  [PDUTYPE2_SHUTDOWN_DENIED]: 'PDUTYPE2_SHUTDOWN_DENIED',
  [PDUTYPE2_SAVE_SESSION_INFO]: 'PDUTYPE2_SAVE_SESSION_INFO',
  [PDUTYPE2_FONTLIST]: 'PDUTYPE2_FONTLIST',
  [PDUTYPE2_FONTMAP]: 'PDUTYPE2_FONTMAP',
  [PDUTYPE2_SET_KEYBOARD_INDICATORS]: 'PDUTYPE2_SET_KEYBOARD_INDICATORS',
  [PDUTYPE2_BITMAPCACHE_PERSISTENT_LIST]: 'PDUTYPE2_BITMAPCACHE_PERSISTENT_LIST',
  [PDUTYPE2_BITMAPCACHE_ERROR_PDU]: 'PDUTYPE2_BITMAPCACHE_ERROR_PDU',
  [PDUTYPE2_SET_KEYBOARD_IME_STATUS]: 'PDUTYPE2_SET_KEYBOARD_IME_STATUS',
  [PDUTYPE2_OFFSCRCACHE_ERROR_PDU]: 'PDUTYPE2_OFFSCRCACHE_ERROR_PDU',
  [PDUTYPE2_SET_ERROR_INFO_PDU]: 'PDUTYPE2_SET_ERROR_INFO_PDU',
  [PDUTYPE2_DRAWNINEGRID_ERROR_PDU]: 'PDUTYPE2_DRAWNINEGRID_ERROR_PDU',
  [PDUTYPE2_DRAWGDIPLUS_ERROR_PDU]: 'PDUTYPE2_DRAWGDIPLUS_ERROR_PDU',
  [PDUTYPE2_ARC_STATUS_PDU]: 'PDUTYPE2_ARC_STATUS_PDU',
  [PDUTYPE2_STATUS_INFO_PDU]: 'PDUTYPE2_STATUS_INFO_PDU',
  [PDUTYPE2_MONITOR_LAYOUT_PDU]: 'PDUTYPE2_MONITOR_LAYOUT_PDU',
};

/** streamId STREAM_LOW (0x01) (2.2.8.1.1.1.2): what clients and Windows put on connection-sequence PDUs. */
export const STREAM_LOW = 0x01;
/** compressedType PACKET_COMPRESSED (0x20) (2.2.8.1.1.1.2, 3.1.8.2.1): the payload is bulk-compressed. */
export const PACKET_COMPRESSED = 0x20;

export interface ShareControlHeader {
  totalLength: number;
  /** The 4-bit type (PDUTYPE_*). */
  pduType: number;
  pduTypeName: string;
  /** Channel id of the sender; absent from the shortest Deactivate All PDUs some servers send. */
  pduSource: number | null;
}

export interface ShareDataHeader {
  shareId: number;
  streamId: number;
  uncompressedLength: number;
  pduType2: number;
  pduType2Name: string;
  compressedType: number;
  compressedLength: number;
}

/**
 * One slow-path PDU: Share Control Header + body. `body` excludes the 6-byte header. Data PDUs (type 7) are
 * Share Data Header + payload; build them with encodeShareDataPdu.
 */
export function encodeShareControlPdu(pduType: number, pduSource: number, body: Uint8Array): Uint8Array {
  const total = SHARE_CONTROL_HEADER_LENGTH + body.length;
  return new Writer()
    .u16le(total, 'totalLength')
    .u16le(TS_PROTOCOL_VERSION | pduType, 'pduType')
    .u16le(pduSource, 'pduSource')
    .bytes(body)
    .finish();
}

/**
 * Share Data Header + payload in a Share Control Header (2.2.8.1.1.1.2). uncompressedLength counts from pduType2
 * on (payload + 4), as the annotated Shutdown Request in 4.2.1 shows (04 00 for an empty payload).
 */
export function encodeShareDataPdu(pduType2: number, shareId: number, pduSource: number, payload: Uint8Array): Uint8Array {
  const body = new Writer()
    .u32le(shareId, 'shareId')
    .u8(0, 'pad1')
    .u8(STREAM_LOW, 'streamId')
    .u16le(payload.length + 4, 'uncompressedLength')
    .u8(pduType2, 'pduType2')
    .u8(0, 'compressedType')
    .u16le(0, 'compressedLength')
    .bytes(payload)
    .finish();
  return encodeShareControlPdu(PDUTYPE_DATAPDU, pduSource, body);
}

/**
 * Reads one Share Control Header from `r` and returns it with a sub-reader over the rest of that PDU
 * (totalLength bounds it; a length past the data is a DecodeError). FlowPDUs (totalLength 0x8000) come back with
 * pduType -1 and are meant to be skipped.
 */
export function readShareControlPdu(r: Reader): { header: ShareControlHeader; body: Reader } {
  const start = r.offset;
  const totalLength = r.u16le('totalLength');
  if (totalLength === SHARE_FLOW_PDU_MARKER) {
    const body = r.sub(SHARE_FLOW_PDU_LENGTH - 2, 'FlowPDU');
    return { header: { totalLength, pduType: -1, pduTypeName: 'FlowPDU', pduSource: null }, body };
  }
  if (totalLength < 4) r.fail(`Share Control Header totalLength ${totalLength} is below its own 4-byte minimum`, start);
  if (totalLength - 2 > r.remaining) r.fail(`Share Control Header totalLength ${totalLength} runs past the ${r.remaining + 2} bytes left`, start);
  const pdu = r.sub(totalLength - 2, 'share PDU', 'rdp');
  const typeAt = pdu.offset;
  const rawType = pdu.u16le('pduType');
  if ((rawType & 0xfff0) !== TS_PROTOCOL_VERSION) pdu.fail(`pduType 0x${rawType.toString(16).padStart(4, '0')} lacks TS_PROTOCOL_VERSION (0x0010)`, typeAt);
  const pduType = rawType & 0x000f;
  const pduSource = pdu.remaining >= 2 ? pdu.u16le('pduSource') : null;
  return { header: { totalLength, pduType, pduTypeName: nameOf(PDUTYPE_NAMES, pduType), pduSource }, body: pdu };
}

export function readShareDataHeader(r: Reader): ShareDataHeader {
  const shareId = r.u32le('shareId');
  r.u8('pad1');
  const streamId = r.u8('streamId');
  const uncompressedLength = r.u16le('uncompressedLength');
  const pduType2 = r.u8('pduType2');
  const compressedType = r.u8('compressedType');
  const compressedLength = r.u16le('compressedLength');
  return { shareId, streamId, uncompressedLength, pduType2, pduType2Name: nameOf(PDUTYPE2_NAMES, pduType2), compressedType, compressedLength };
}

/**
 * Whether an SDin payload starts with a Share Control Header rather than a Basic Security Header. Under TLS the
 * server sends licensing, auto-detect and multitransport PDUs behind a security header and everything else
 * without one, in the same phase. A Share Control Header's second u16 is the pduType, always 0x001x; a security
 * header's second u16 is flagsHi, which servers leave 0. (FreeRDP tests for SEC_LICENSE_PKT in the first u16 and
 * rewinds, which misfires on a share PDU whose length has bit 0x80 set.) Lengths are not looked at here: a
 * truncated share PDU must reach readShareControlPdu and fail there, not pass for a security header.
 */
export function startsWithShareControlHeader(userData: Uint8Array): boolean {
  if (userData.length < 4) return false;
  const first = userData[0]! | (userData[1]! << 8);
  const second = userData[2]! | (userData[3]! << 8);
  return first === SHARE_FLOW_PDU_MARKER || (second & 0xfff0) === TS_PROTOCOL_VERSION;
}

// ---------------------------------------------------------------------------------------------------------------
// Deactivate All (2.2.3.1.1)

export interface DeactivateAll {
  shareId: number;
  sourceDescriptor: Uint8Array;
}

/** Body of a Deactivate All PDU (after the Share Control Header). Old servers stop after the header: shareId 0. */
export function readDeactivateAll(r: Reader): DeactivateAll {
  if (r.remaining === 0) return { shareId: 0, sourceDescriptor: new Uint8Array(0) };
  const shareId = r.u32le('shareID');
  const len = r.u16le('lengthSourceDescriptor');
  const sourceDescriptor = r.copy(len, 'sourceDescriptor');
  r.end('TS_DEACTIVATE_ALL_PDU');
  return { shareId, sourceDescriptor };
}

export function encodeDeactivateAll(shareId: number, pduSource: number): Uint8Array {
  const body = new Writer().u32le(shareId, 'shareID').u16le(1, 'lengthSourceDescriptor').u8(0, 'sourceDescriptor').finish();
  return encodeShareControlPdu(PDUTYPE_DEACTIVATEALLPDU, pduSource, body);
}

// ---------------------------------------------------------------------------------------------------------------
// Server Redirection (2.2.13.1 RDP_SERVER_REDIRECTION_PACKET inside 2.2.13.3.1): recognised, never followed

/** LB_* RedirFlags of RDP_SERVER_REDIRECTION_PACKET (2.2.13.1). */
export const REDIRECTION_FLAG_NAMES: Readonly<Record<number, string>> = {
  0x00000001: 'LB_TARGET_NET_ADDRESS',
  0x00000002: 'LB_LOAD_BALANCE_INFO',
  0x00000004: 'LB_USERNAME',
  0x00000008: 'LB_DOMAIN',
  0x00000010: 'LB_PASSWORD',
  0x00000020: 'LB_DONTSTOREUSERNAME',
  0x00000040: 'LB_SMARTCARD_LOGON',
  0x00000080: 'LB_NOREDIRECT',
  0x00000100: 'LB_TARGET_FQDN',
  0x00000200: 'LB_TARGET_NETBIOS_NAME',
  0x00000800: 'LB_TARGET_NET_ADDRESSES',
  0x00001000: 'LB_CLIENT_TSV_URL',
  0x00002000: 'LB_SERVER_TSV_CAPABLE',
  0x00004000: 'LB_PASSWORD_IS_PK_ENCRYPTED',
  0x00008000: 'LB_REDIRECTION_GUID',
  0x00010000: 'LB_TARGET_CERTIFICATE',
};

/** Cap on RDP_SERVER_REDIRECTION_PACKET Length: the PDU must fit one TPKT anyway. */
export const REDIRECTION_MAX_LENGTH = 0xffff;

/**
 * What we keep of a redirection: the session and the flags, never the variable fields (LB_PASSWORD carries a
 * password blob, LoadBalanceInfo a routing token; a prober has no business surfacing either).
 */
export interface ServerRedirection {
  sessionId: number;
  redirFlags: number;
  redirFlagNames: string[];
  length: number;
}

/** Body of an Enhanced Security Server Redirection PDU (after the Share Control Header): pad2Octets then the packet. */
export function readEnhancedServerRedirection(r: Reader): ServerRedirection {
  r.u16le('pad2Octets');
  const flagsAt = r.offset;
  const flags = r.u16le('Flags');
  if (flags !== SEC_REDIRECTION_PKT) r.fail(`RDP_SERVER_REDIRECTION_PACKET Flags 0x${flags.toString(16)} is not SEC_REDIRECTION_PKT (0x0400)`, flagsAt);
  const lengthAt = r.offset;
  const length = r.u16le('Length');
  // Length covers the packet from Flags on (Flags, Length, SessionID, RedirFlags are 12 bytes).
  if (length < 12 || length - 4 > r.remaining) r.fail(`RDP_SERVER_REDIRECTION_PACKET Length ${length} does not fit the ${r.remaining + 4} bytes left`, lengthAt);
  const packet = r.sub(length - 4, 'RDP_SERVER_REDIRECTION_PACKET');
  const sessionId = packet.u32le('SessionID');
  const redirFlags = packet.u32le('RedirFlags');
  packet.rest(); // the variable fields, deliberately unread
  // pad1Octet (optional in practice) and nothing else.
  if (r.remaining > 1) r.fail(`${r.remaining} unexpected trailing byte(s) after RDP_SERVER_REDIRECTION_PACKET`);
  r.rest();
  return { sessionId, redirFlags, redirFlagNames: flagNames(REDIRECTION_FLAG_NAMES, redirFlags), length };
}

/** A minimal Enhanced Security Server Redirection PDU (no variable fields), for scripted peers. */
export function encodeEnhancedServerRedirection(sessionId: number, redirFlags: number, pduSource: number): Uint8Array {
  const body = new Writer()
    .u16le(0, 'pad2Octets')
    .u16le(SEC_REDIRECTION_PKT, 'Flags')
    .u16le(12, 'Length')
    .u32le(sessionId, 'SessionID')
    .u32le(redirFlags, 'RedirFlags')
    .u8(0, 'pad1Octet')
    .finish();
  return encodeShareControlPdu(PDUTYPE_SERVER_REDIR_PKT, pduSource, body);
}

