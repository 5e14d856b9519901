import { Reader } from '../reader.js';
import { flagNames, nameOf, Writer } from '../writer.js';
import { encodeShareDataPdu, PDUTYPE2_SAVE_SESSION_INFO } from './share.js';

/**
 * Save Session Info PDU ([MS-RDPBCGR] 2.2.10.1; TS_SAVE_SESSION_INFO_PDU_DATA 2.2.10.1.1): the server's logon
 * notification. INFOTYPE_LOGON, INFOTYPE_LOGON_LONG and INFOTYPE_LOGON_PLAINNOTIFY all mean "the user has logged
 * on" (3.3.5.10.1); INFOTYPE_LOGON_EXTENDED_INFO carries an auto-reconnect cookie and/or a logon error or warning.
 *
 * Of the auto-reconnect cookie (ARC_SC_PRIVATE_PACKET, 2.2.4.2) only its presence and LogonId are kept: the
 * 16-byte ArcRandomBits is a credential for reattaching to the session and has no place in a probe report.
 */

// infoType (2.2.10.1.1).
/** INFOTYPE_LOGON (0x00000000): TS_LOGON_INFO follows (2.2.10.1.1.1) */
export const INFOTYPE_LOGON = 0x00000000;
/** INFOTYPE_LOGON_LONG (0x00000001): TS_LOGON_INFO_VERSION_2 follows (2.2.10.1.1.2) */
export const INFOTYPE_LOGON_LONG = 0x00000001;
/** INFOTYPE_LOGON_PLAINNOTIFY (0x00000002): TS_PLAIN_NOTIFY, 576 bytes of padding (2.2.10.1.1.3) */
export const INFOTYPE_LOGON_PLAINNOTIFY = 0x00000002;
/** INFOTYPE_LOGON_EXTENDED_INFO (0x00000003): TS_LOGON_INFO_EXTENDED follows (2.2.10.1.1.4) */
export const INFOTYPE_LOGON_EXTENDED_INFO = 0x00000003;

export const INFOTYPE_NAMES: Readonly<Record<number, string>> = {
  [INFOTYPE_LOGON]: 'INFOTYPE_LOGON',
  [INFOTYPE_LOGON_LONG]: 'INFOTYPE_LOGON_LONG',
  [INFOTYPE_LOGON_PLAINNOTIFY]: 'INFOTYPE_LOGON_PLAINNOTIFY',
  [INFOTYPE_LOGON_EXTENDED_INFO]: 'INFOTYPE_LOGON_EXTENDED_INFO',
};

/** FieldsPresent LOGON_EX_AUTORECONNECTCOOKIE (0x00000001) (2.2.10.1.1.4) */
export const LOGON_EX_AUTORECONNECTCOOKIE = 0x00000001;
/** FieldsPresent LOGON_EX_LOGONERRORS (0x00000002) */
export const LOGON_EX_LOGONERRORS = 0x00000002;
export const LOGON_EX_FIELD_NAMES: Readonly<Record<number, string>> = {
  [LOGON_EX_AUTORECONNECTCOOKIE]: 'LOGON_EX_AUTORECONNECTCOOKIE',
  [LOGON_EX_LOGONERRORS]: 'LOGON_EX_LOGONERRORS',
};

// TS_LOGON_ERRORS_INFO ErrorNotificationType (2.2.10.1.1.4.1.1): an NTSTATUS or one of these.
/** LOGON_MSG_DISCONNECT_REFUSED (0xFFFFFFF9) */
export const LOGON_MSG_DISCONNECT_REFUSED = 0xfffffff9;
/** LOGON_MSG_NO_PERMISSION (0xFFFFFFFA) */
export const LOGON_MSG_NO_PERMISSION = 0xfffffffa;
/** LOGON_MSG_BUMP_OPTIONS (0xFFFFFFFB): "Session Contention" dialog */
export const LOGON_MSG_BUMP_OPTIONS = 0xfffffffb;
/** LOGON_MSG_RECONNECT_OPTIONS (0xFFFFFFFC): the "reconnect to your existing session?" dialog */
export const LOGON_MSG_RECONNECT_OPTIONS = 0xfffffffc;
/** LOGON_MSG_SESSION_TERMINATE (0xFFFFFFFD) */
export const LOGON_MSG_SESSION_TERMINATE = 0xfffffffd;
/** LOGON_MSG_SESSION_CONTINUE (0xFFFFFFFE): logon continues; ErrorNotificationData is the session id */
export const LOGON_MSG_SESSION_CONTINUE = 0xfffffffe;

export const LOGON_MSG_NAMES: Readonly<Record<number, string>> = {
  [LOGON_MSG_DISCONNECT_REFUSED]: 'LOGON_MSG_DISCONNECT_REFUSED',
  [LOGON_MSG_NO_PERMISSION]: 'LOGON_MSG_NO_PERMISSION',
  [LOGON_MSG_BUMP_OPTIONS]: 'LOGON_MSG_BUMP_OPTIONS',
  [LOGON_MSG_RECONNECT_OPTIONS]: 'LOGON_MSG_RECONNECT_OPTIONS',
  [LOGON_MSG_SESSION_TERMINATE]: 'LOGON_MSG_SESSION_TERMINATE',
  [LOGON_MSG_SESSION_CONTINUE]: 'LOGON_MSG_SESSION_CONTINUE',
};

// ErrorNotificationData (2.2.10.1.1.4.1.1): one of these, or a session id.
/** LOGON_FAILED_BAD_PASSWORD (0x00000000) */
export const LOGON_FAILED_BAD_PASSWORD = 0x00000000;
/** LOGON_FAILED_UPDATE_PASSWORD (0x00000001) */
export const LOGON_FAILED_UPDATE_PASSWORD = 0x00000001;
/** LOGON_FAILED_OTHER (0x00000002) */
export const LOGON_FAILED_OTHER = 0x00000002;
/** LOGON_WARNING (0x00000003) */
export const LOGON_WARNING = 0x00000003;
export const LOGON_FAILED_NAMES: Readonly<Record<number, string>> = {
  [LOGON_FAILED_BAD_PASSWORD]: 'LOGON_FAILED_BAD_PASSWORD',
  [LOGON_FAILED_UPDATE_PASSWORD]: 'LOGON_FAILED_UPDATE_PASSWORD',
  [LOGON_FAILED_OTHER]: 'LOGON_FAILED_OTHER',
  [LOGON_WARNING]: 'LOGON_WARNING',
};

/** SAVE_SESSION_PDU_VERSION_ONE (0x0001): TS_LOGON_INFO_VERSION_2 Version */
export const SAVE_SESSION_PDU_VERSION_ONE = 0x0001;
/** TS_LOGON_INFO is 576 bytes; so is TS_PLAIN_NOTIFY's padding. */
export const LOGON_INFO_V1_LENGTH = 576;
/** TS_LOGON_INFO_VERSION_2 fixed part: Version(2) Size(4) SessionId(4) cbDomain(4) cbUserName(4) Pad(558). */
export const LOGON_INFO_V2_FIXED_LENGTH = 576;
export const LOGON_INFO_V2_PAD = 558;
/** TS_LOGON_INFO_EXTENDED trailing Pad (570 bytes). */
export const LOGON_INFO_EXTENDED_PAD = 570;
/** V2 strings: Domain at most 52 bytes and UserName at most 512 (2.2.10.1.1.2), both with terminator. */
export const LOGON_DOMAIN_MAX_BYTES = 52;
export const LOGON_USERNAME_MAX_BYTES = 512;
/** ARC_SC_PRIVATE_PACKET: cbLen(4)=28, Version(4)=1, LogonId(4), ArcRandomBits(16) (2.2.4.2). */
export const ARC_SC_PRIVATE_PACKET_LENGTH = 28;
/** Cap on any one LogonFields entry: the two defined ones are 28 and 8 bytes. */
export const LOGON_FIELD_MAX_BYTES = 1024;

export interface LogonErrorsInfo {
  errorNotificationType: number;
  /** LOGON_MSG_* name, or ntstatus(0x........) for anything else. */
  errorNotificationTypeName: string;
  errorNotificationData: number;
  /** LOGON_FAILED_* / LOGON_WARNING name, or null when the value is a session id or unnamed. */
  errorNotificationDataName: string | null;
}

export interface SaveSessionInfo {
  infoType: number;
  /** INFOTYPE_LOGON ... or unknown(0x........) */
  infoTypeName: string;
  /** True for the three types that mean "the user has logged on". */
  logonNotification: boolean;
  sessionId: number | null;
  domain: string | null;
  userName: string | null;
  /** LOGON_EXTENDED_INFO only. */
  fieldsPresent: number | null;
  fieldsPresentNames: string[] | null;
  /** LogonId of the Server Auto-Reconnect Packet; the random bits are not kept. */
  autoReconnectLogonId: number | null;
  logonErrors: LogonErrorsInfo | null;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

function fixedUtf16(b: Uint8Array, cb: number): string {
  let end = Math.min(cb, b.length) & ~1;
  while (end >= 2 && b[end - 1] === 0 && b[end - 2] === 0) end -= 2;
  return Buffer.from(b.buffer, b.byteOffset, end).toString('utf16le');
}

function logonMsgName(v: number): string {
  return LOGON_MSG_NAMES[v] ?? `ntstatus(0x${v.toString(16).padStart(8, '0')})`;
}

export function readLogonErrorsInfo(r: Reader): LogonErrorsInfo {
  const errorNotificationType = r.u32le('ErrorNotificationType');
  const errorNotificationData = r.u32le('ErrorNotificationData');
  return {
    errorNotificationType,
    errorNotificationTypeName: logonMsgName(errorNotificationType),
    errorNotificationData,
    errorNotificationDataName: errorNotificationType === LOGON_MSG_SESSION_CONTINUE ? null : (LOGON_FAILED_NAMES[errorNotificationData] ?? null),
  };
}

/** TS_SAVE_SESSION_INFO_PDU_DATA payload (after the Share Data Header). */
export function readSaveSessionInfo(r: Reader): SaveSessionInfo {
  const infoType = r.u32le('infoType');
  const out: SaveSessionInfo = {
    infoType,
    infoTypeName: nameOf(INFOTYPE_NAMES, infoType, 8),
    logonNotification: infoType === INFOTYPE_LOGON || infoType === INFOTYPE_LOGON_LONG || infoType === INFOTYPE_LOGON_PLAINNOTIFY,
    sessionId: null,
    domain: null,
    userName: null,
    fieldsPresent: null,
    fieldsPresentNames: null,
    autoReconnectLogonId: null,
    logonErrors: null,
  };
  if (infoType === INFOTYPE_LOGON) {
    // TS_LOGON_INFO (2.2.10.1.1.1): fixed 52- and 512-byte fields, each with its own byte count.
    const cbDomainAt = r.offset;
    const cbDomain = r.u32le('cbDomain');
    if (cbDomain > LOGON_DOMAIN_MAX_BYTES) r.fail(`cbDomain ${cbDomain} exceeds the ${LOGON_DOMAIN_MAX_BYTES}-byte Domain field`, cbDomainAt);
    out.domain = fixedUtf16(r.bytes(LOGON_DOMAIN_MAX_BYTES, 'Domain'), cbDomain);
    const cbUserAt = r.offset;
    const cbUserName = r.u32le('cbUserName');
    if (cbUserName > LOGON_USERNAME_MAX_BYTES) r.fail(`cbUserName ${cbUserName} exceeds the ${LOGON_USERNAME_MAX_BYTES}-byte UserName field`, cbUserAt);
    out.userName = fixedUtf16(r.bytes(LOGON_USERNAME_MAX_BYTES, 'UserName'), cbUserName);
    out.sessionId = r.u32le('SessionId');
  } else if (infoType === INFOTYPE_LOGON_LONG) {
    // TS_LOGON_INFO_VERSION_2 (2.2.10.1.1.2): the strings follow the 558-byte pad.
    const versionAt = r.offset;
    const version = r.u16le('Version');
    if (version !== SAVE_SESSION_PDU_VERSION_ONE) r.fail(`TS_LOGON_INFO_VERSION_2 Version ${version} is not SAVE_SESSION_PDU_VERSION_ONE`, versionAt);
    r.u32le('Size');
    out.sessionId = r.u32le('SessionId');
    const cbAt = r.offset;
    const cbDomain = r.u32le('cbDomain');
    const cbUserName = r.u32le('cbUserName');
    if (cbDomain > LOGON_DOMAIN_MAX_BYTES || cbUserName > LOGON_USERNAME_MAX_BYTES) {
      r.fail(`cbDomain ${cbDomain} / cbUserName ${cbUserName} exceed ${LOGON_DOMAIN_MAX_BYTES} / ${LOGON_USERNAME_MAX_BYTES}`, cbAt);
    }
    r.skip(LOGON_INFO_V2_PAD, 'Pad');
    out.domain = fixedUtf16(r.bytes(cbDomain, 'Domain'), cbDomain);
    out.userName = fixedUtf16(r.bytes(cbUserName, 'UserName'), cbUserName);
  } else if (infoType === INFOTYPE_LOGON_PLAINNOTIFY) {
    r.skip(LOGON_INFO_V1_LENGTH, 'TS_PLAIN_NOTIFY Pad');
  } else if (infoType === INFOTYPE_LOGON_EXTENDED_INFO) {
    readLogonInfoExtended(r, out);
  } else {
    r.fail(`infoType 0x${infoType.toString(16).padStart(8, '0')} is not defined`, r.offset - 4);
  }
  r.end('TS_SAVE_SESSION_INFO_PDU_DATA');
  return out;
}

function readLogonInfoExtended(r: Reader, out: SaveSessionInfo): void {
  const lengthAt = r.offset;
  const length = r.u16le('Length');
  // Length counts Length, FieldsPresent and LogonFields: the 570-byte Pad comes after it.
  if (length < 6 || length - 2 > r.remaining) r.fail(`TS_LOGON_INFO_EXTENDED Length ${length} does not fit the ${r.remaining + 2} bytes left`, lengthAt);
  const s = r.sub(length - 2, 'TS_LOGON_INFO_EXTENDED');
  const fieldsPresent = s.u32le('FieldsPresent');
  out.fieldsPresent = fieldsPresent;
  out.fieldsPresentNames = flagNames(LOGON_EX_FIELD_NAMES, fieldsPresent);
  // LogonFields appear in flag order (2.2.10.1.1.4): the cookie first, then the errors.
  if (fieldsPresent & LOGON_EX_AUTORECONNECTCOOKIE) {
    const f = readLogonField(s, 'auto-reconnect cookie');
    const cbAt = f.offset;
    const cbLen = f.u32le('cbLen');
    if (cbLen !== ARC_SC_PRIVATE_PACKET_LENGTH) f.fail(`ARC_SC_PRIVATE_PACKET cbLen ${cbLen}, expected ${ARC_SC_PRIVATE_PACKET_LENGTH}`, cbAt);
    f.u32le('Version');
    out.autoReconnectLogonId = f.u32le('LogonId');
    f.skip(16, 'ArcRandomBits');
    f.end('ARC_SC_PRIVATE_PACKET');
  }
  if (fieldsPresent & LOGON_EX_LOGONERRORS) {
    const f = readLogonField(s, 'logon errors');
    out.logonErrors = readLogonErrorsInfo(f);
    f.end('TS_LOGON_ERRORS_INFO');
  }
  s.end('TS_LOGON_INFO_EXTENDED');
  r.skip(LOGON_INFO_EXTENDED_PAD, 'TS_LOGON_INFO_EXTENDED Pad');
}

function readLogonField(r: Reader, what: string): Reader {
  const at = r.offset;
  const cb = r.u32le('cbFieldData');
  if (cb > LOGON_FIELD_MAX_BYTES || cb > r.remaining) r.fail(`${what}: cbFieldData ${cb} does not fit the ${r.remaining} bytes left`, at);
  return r.sub(cb, what);
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding (scripted peers)

export type SaveSessionInfoSpec =
  | { type: 'logon'; domain: string; userName: string; sessionId: number }
  | { type: 'logon_long'; domain: string; userName: string; sessionId: number }
  | { type: 'plain_notify' }
  | { type: 'extended'; autoReconnect?: { logonId: number }; logonErrors?: { type: number; data: number } };

function utf16z(s: string): Uint8Array {
  return Uint8Array.from(Buffer.from(`${s}\u0000`, 'utf16le'));
}

export function encodeSaveSessionInfoData(spec: SaveSessionInfoSpec): Uint8Array {
  const w = new Writer();
  if (spec.type === 'logon') {
    const d = utf16z(spec.domain);
    const u = utf16z(spec.userName);
    if (d.length > LOGON_DOMAIN_MAX_BYTES || u.length > LOGON_USERNAME_MAX_BYTES) throw new RangeError('domain or user name too long');
    const dd = new Uint8Array(LOGON_DOMAIN_MAX_BYTES);
    dd.set(d);
    const uu = new Uint8Array(LOGON_USERNAME_MAX_BYTES);
    uu.set(u);
    w.u32le(INFOTYPE_LOGON).u32le(d.length, 'cbDomain').bytes(dd).u32le(u.length, 'cbUserName').bytes(uu).u32le(spec.sessionId, 'SessionId');
  } else if (spec.type === 'logon_long') {
    const d = utf16z(spec.domain);
    const u = utf16z(spec.userName);
    w.u32le(INFOTYPE_LOGON_LONG).u16le(SAVE_SESSION_PDU_VERSION_ONE).u32le(18, 'Size').u32le(spec.sessionId, 'SessionId');
    w.u32le(d.length, 'cbDomain').u32le(u.length, 'cbUserName').bytes(new Uint8Array(LOGON_INFO_V2_PAD)).bytes(d).bytes(u);
  } else if (spec.type === 'plain_notify') {
    w.u32le(INFOTYPE_LOGON_PLAINNOTIFY).bytes(new Uint8Array(LOGON_INFO_V1_LENGTH));
  } else {
    const fields = new Writer();
    let present = 0;
    if (spec.autoReconnect) {
      present |= LOGON_EX_AUTORECONNECTCOOKIE;
      fields.u32le(ARC_SC_PRIVATE_PACKET_LENGTH, 'cbFieldData').u32le(ARC_SC_PRIVATE_PACKET_LENGTH, 'cbLen').u32le(1, 'Version');
      fields.u32le(spec.autoReconnect.logonId, 'LogonId').bytes(new Uint8Array(16));
    }
    if (spec.logonErrors) {
      present |= LOGON_EX_LOGONERRORS;
      fields.u32le(8, 'cbFieldData').u32le(spec.logonErrors.type, 'ErrorNotificationType').u32le(spec.logonErrors.data, 'ErrorNotificationData');
    }
    const f = fields.finish();
    w.u32le(INFOTYPE_LOGON_EXTENDED_INFO).u16le(6 + f.length, 'Length').u32le(present, 'FieldsPresent').bytes(f).bytes(new Uint8Array(LOGON_INFO_EXTENDED_PAD));
  }
  return w.finish();
}

export function encodeSaveSessionInfoPdu(spec: SaveSessionInfoSpec, shareId: number, pduSource: number): Uint8Array {
  return encodeShareDataPdu(PDUTYPE2_SAVE_SESSION_INFO, shareId, pduSource, encodeSaveSessionInfoData(spec));
}
