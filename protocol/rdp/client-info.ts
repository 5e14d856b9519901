import { Reader } from '../reader.js';
import { flagNames, Writer } from '../writer.js';
import { encodeBasicSecurityHeader, readBasicSecurityHeader, SEC_INFO_PKT } from './share.js';

/**
 * Client Info PDU ([MS-RDPBCGR] 2.2.1.11): a Basic Security Header with SEC_INFO_PKT (present even under TLS,
 * 2.2.1.11.1) followed by TS_INFO_PACKET (2.2.1.11.1.1) and its TS_EXTENDED_INFO_PACKET (2.2.1.11.1.1.1).
 *
 * rdprobe sends domain and user with INFO_AUTOLOGON | INFO_LOGONNOTIFY. After NLA the password field stays empty:
 * CredSSP already delegated the credentials and the server logs on with those. No auto-reconnect cookie is sent.
 * No error raised here ever contains the password: encoders name the field and its length, decoders report
 * offsets and lengths only.
 */

// TS_INFO_PACKET flags (2.2.1.11.1.1).
/** INFO_MOUSE (0x00000001) */
export const INFO_MOUSE = 0x00000001;
/** INFO_DISABLECTRLALTDEL (0x00000002) */
export const INFO_DISABLECTRLALTDEL = 0x00000002;
/** INFO_AUTOLOGON (0x00000008): log on with the credentials sent (or delegated by CredSSP) */
export const INFO_AUTOLOGON = 0x00000008;
/** INFO_UNICODE (0x00000010): strings are UTF-16LE */
export const INFO_UNICODE = 0x00000010;
/** INFO_MAXIMIZESHELL (0x00000020) */
export const INFO_MAXIMIZESHELL = 0x00000020;
/** INFO_LOGONNOTIFY (0x00000040): ask for the Save Session Info logon notification (2.2.10.1) */
export const INFO_LOGONNOTIFY = 0x00000040;
/** INFO_COMPRESSION (0x00000080) */
export const INFO_COMPRESSION = 0x00000080;
/** INFO_ENABLEWINDOWSKEY (0x00000100) */
export const INFO_ENABLEWINDOWSKEY = 0x00000100;
/** INFO_REMOTECONSOLEAUDIO (0x00002000) */
export const INFO_REMOTECONSOLEAUDIO = 0x00002000;
/** INFO_FORCE_ENCRYPTED_CS_PDU (0x00004000) */
export const INFO_FORCE_ENCRYPTED_CS_PDU = 0x00004000;
/** INFO_RAIL (0x00008000) */
export const INFO_RAIL = 0x00008000;
/** INFO_LOGONERRORS (0x00010000): ask for logon errors in Save Session Info (LOGON_EX_LOGONERRORS) */
export const INFO_LOGONERRORS = 0x00010000;
/** INFO_MOUSE_HAS_WHEEL (0x00020000) */
export const INFO_MOUSE_HAS_WHEEL = 0x00020000;
/** INFO_PASSWORD_IS_SC_PIN (0x00040000) */
export const INFO_PASSWORD_IS_SC_PIN = 0x00040000;
/** INFO_NOAUDIOPLAYBACK (0x00080000) */
export const INFO_NOAUDIOPLAYBACK = 0x00080000;
/** INFO_USING_SAVED_CREDS (0x00100000) */
export const INFO_USING_SAVED_CREDS = 0x00100000;
/** INFO_AUDIOCAPTURE (0x00200000) */
export const INFO_AUDIOCAPTURE = 0x00200000;
/** INFO_VIDEO_DISABLE (0x00400000) */
export const INFO_VIDEO_DISABLE = 0x00400000;
/** INFO_HIDEF_RAIL_SUPPORTED (0x02000000) */
export const INFO_HIDEF_RAIL_SUPPORTED = 0x02000000;

export const INFO_FLAG_NAMES: Readonly<Record<number, string>> = {
  [INFO_MOUSE]: 'INFO_MOUSE',
  [INFO_DISABLECTRLALTDEL]: 'INFO_DISABLECTRLALTDEL',
  [INFO_AUTOLOGON]: 'INFO_AUTOLOGON',
  [INFO_UNICODE]: 'INFO_UNICODE',
  [INFO_MAXIMIZESHELL]: 'INFO_MAXIMIZESHELL',
  [INFO_LOGONNOTIFY]: 'INFO_LOGONNOTIFY',
  [INFO_COMPRESSION]: 'INFO_COMPRESSION',
  [INFO_ENABLEWINDOWSKEY]: 'INFO_ENABLEWINDOWSKEY',
  [INFO_REMOTECONSOLEAUDIO]: 'INFO_REMOTECONSOLEAUDIO',
  [INFO_FORCE_ENCRYPTED_CS_PDU]: 'INFO_FORCE_ENCRYPTED_CS_PDU',
  [INFO_RAIL]: 'INFO_RAIL',
  [INFO_LOGONERRORS]: 'INFO_LOGONERRORS',
  [INFO_MOUSE_HAS_WHEEL]: 'INFO_MOUSE_HAS_WHEEL',
  [INFO_PASSWORD_IS_SC_PIN]: 'INFO_PASSWORD_IS_SC_PIN',
  [INFO_NOAUDIOPLAYBACK]: 'INFO_NOAUDIOPLAYBACK',
  [INFO_USING_SAVED_CREDS]: 'INFO_USING_SAVED_CREDS',
  [INFO_AUDIOCAPTURE]: 'INFO_AUDIOCAPTURE',
  [INFO_VIDEO_DISABLE]: 'INFO_VIDEO_DISABLE',
  [INFO_HIDEF_RAIL_SUPPORTED]: 'INFO_HIDEF_RAIL_SUPPORTED',
};

/** What rdprobe sends: mouse, no Ctrl+Alt+Del prompt, Unicode, autologon, logon notification and logon errors. */
export const RDPROBE_INFO_FLAGS =
  INFO_MOUSE | INFO_DISABLECTRLALTDEL | INFO_UNICODE | INFO_AUTOLOGON | INFO_MAXIMIZESHELL | INFO_LOGONNOTIFY | INFO_LOGONERRORS;

/** clientAddressFamily AF_INET (0x0002) (2.2.1.11.1.1.1) */
export const CLIENT_AF_INET = 0x0002;
/** clientAddressFamily AF_INET6 (0x0017) */
export const CLIENT_AF_INET6 = 0x0017;

/** PERF_DISABLE_WALLPAPER | FULLWINDOWDRAG | MENUANIMATIONS | THEMING | CURSOR_SHADOW | CURSORSETTINGS (0x6F): the least work for the server. */
export const PERF_MINIMAL = 0x00000001 | 0x00000002 | 0x00000004 | 0x00000008 | 0x00000020 | 0x00000040;

// Length caps (2.2.1.11.1.1, 2.2.1.11.1.1.1): sizes in bytes including the UTF-16 null terminator.
/** Domain, UserName, Password, AlternateShell, WorkingDir: at most 512 bytes with the terminator (RDP 5.1+). */
export const INFO_STRING_MAX_BYTES = 512;
/** clientAddress: at most 80 bytes with the terminator. */
export const CLIENT_ADDRESS_MAX_BYTES = 80;
/** clientDir: at most 512 bytes with the terminator. */
export const CLIENT_DIR_MAX_BYTES = 512;
/** ARC_CS_PRIVATE_PACKET is 28 bytes (2.2.4.3). */
export const AUTO_RECONNECT_COOKIE_MAX_BYTES = 28;
/** dynamicDSTTimeZoneKeyName: at most 254 bytes. */
export const DYNAMIC_DST_KEY_MAX_BYTES = 254;
/** TS_TIME_ZONE_INFORMATION (2.2.1.11.1.1.1.1): Bias, StandardName[64], StandardDate[16], StandardBias, DaylightName[64], DaylightDate[16], DaylightBias. */
export const TIME_ZONE_INFORMATION_LENGTH = 172;

export interface ClientInfo {
  codePage: number;
  flags: number;
  domain: string;
  userName: string;
  /** Empty after NLA. Never logged or reported by rdprobe. */
  password: string;
  alternateShell: string;
  workingDir: string;
  /** TS_EXTENDED_INFO_PACKET; null for an RDP 4.0-style packet without it. */
  extra: ClientExtendedInfo | null;
}

export interface ClientExtendedInfo {
  clientAddressFamily: number;
  clientAddress: string;
  clientDir: string;
  /** Raw TS_TIME_ZONE_INFORMATION (172 bytes). */
  clientTimeZone: Uint8Array;
  clientSessionId: number;
  performanceFlags?: number;
  /** Length of the auto-reconnect cookie sent (0: none). The cookie itself is not kept. */
  autoReconnectCookieLength?: number;
  reserved1?: number;
  reserved2?: number;
  dynamicDSTTimeZoneKeyName?: string;
  dynamicDaylightTimeDisabled?: number;
}

export function infoFlagNames(flags: number): string[] {
  return flagNames(INFO_FLAG_NAMES, flags);
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

/** UTF-16LE bytes of s without terminator, refusing (by field name only) what the field cannot hold. */
function utf16(s: string, maxWithTerminator: number, field: string): Uint8Array {
  const b = Buffer.from(s, 'utf16le');
  if (b.length + 2 > maxWithTerminator) throw new RangeError(`${field}: ${b.length + 2} bytes with terminator exceeds ${maxWithTerminator}`);
  if (s.includes('\u0000')) throw new RangeError(`${field}: contains a NUL character`);
  return Uint8Array.from(b);
}

export function encodeClientInfo(info: ClientInfo): Uint8Array {
  if ((info.flags & INFO_UNICODE) === 0) throw new RangeError('flags: only INFO_UNICODE packets are encoded');
  const strings = [
    utf16(info.domain, INFO_STRING_MAX_BYTES, 'Domain'),
    utf16(info.userName, INFO_STRING_MAX_BYTES, 'UserName'),
    utf16(info.password, INFO_STRING_MAX_BYTES, 'Password'),
    utf16(info.alternateShell, INFO_STRING_MAX_BYTES, 'AlternateShell'),
    utf16(info.workingDir, INFO_STRING_MAX_BYTES, 'WorkingDir'),
  ];
  const w = new Writer().u32le(info.codePage, 'CodePage').u32le(info.flags, 'flags');
  for (const [i, s] of strings.entries()) w.u16le(s.length, ['cbDomain', 'cbUserName', 'cbPassword', 'cbAlternateShell', 'cbWorkingDir'][i]);
  for (const s of strings) w.bytes(s).u16le(0, 'terminator');
  if (info.extra) w.bytes(encodeClientExtendedInfo(info.extra));
  return w.finish();
}

export function encodeClientExtendedInfo(x: ClientExtendedInfo): Uint8Array {
  const address = utf16(x.clientAddress, CLIENT_ADDRESS_MAX_BYTES, 'clientAddress');
  const dir = utf16(x.clientDir, CLIENT_DIR_MAX_BYTES, 'clientDir');
  if (x.clientTimeZone.length !== TIME_ZONE_INFORMATION_LENGTH) throw new RangeError(`clientTimeZone must be ${TIME_ZONE_INFORMATION_LENGTH} bytes`);
  const w = new Writer()
    .u16le(x.clientAddressFamily, 'clientAddressFamily')
    .u16le(address.length + 2, 'cbClientAddress')
    .bytes(address)
    .u16le(0, 'terminator')
    .u16le(dir.length + 2, 'cbClientDir')
    .bytes(dir)
    .u16le(0, 'terminator')
    .bytes(x.clientTimeZone)
    .u32le(x.clientSessionId, 'clientSessionId');
  // The optional tail is written up to the last field given; rdprobe stops at cbAutoReconnectCookie = 0.
  if (x.performanceFlags === undefined) return w.finish();
  w.u32le(x.performanceFlags, 'performanceFlags');
  if (x.autoReconnectCookieLength === undefined) return w.finish();
  if (x.autoReconnectCookieLength !== 0) throw new RangeError('autoReconnectCookie: rdprobe never sends one');
  w.u16le(0, 'cbAutoReconnectCookie');
  if (x.reserved1 === undefined) return w.finish();
  w.u16le(x.reserved1, 'reserved1').u16le(x.reserved2 ?? 0, 'reserved2');
  if (x.dynamicDSTTimeZoneKeyName === undefined) return w.finish();
  const key = utf16(x.dynamicDSTTimeZoneKeyName, DYNAMIC_DST_KEY_MAX_BYTES + 2, 'dynamicDSTTimeZoneKeyName');
  w.u16le(key.length, 'cbDynamicDSTTimeZoneKeyName').bytes(key).u16le(x.dynamicDaylightTimeDisabled ?? 0, 'dynamicDaylightTimeDisabled');
  return w.finish();
}

/** The Client Info PDU's MCS user data: Basic Security Header (SEC_INFO_PKT) + TS_INFO_PACKET (2.2.1.11.1). */
export function encodeClientInfoPduData(info: ClientInfo): Uint8Array {
  return new Writer().bytes(encodeBasicSecurityHeader(SEC_INFO_PKT)).bytes(encodeClientInfo(info)).finish();
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding (what scripted peers read; a prober never receives a Client Info PDU)

function readUtf16Counted(r: Reader, cb: number, withTerminator: boolean, max: number, field: string, at: number): string {
  const total = cb + (withTerminator ? 2 : 0);
  if (total > max) r.fail(`${field}: ${total} bytes exceed the ${max}-byte limit`, at);
  if (cb % 2 !== 0) r.fail(`${field}: odd UTF-16 byte count ${cb}`, at);
  const b = r.bytes(cb, field);
  if (withTerminator) {
    const termAt = r.offset;
    if (r.u16le(`${field} terminator`) !== 0) r.fail(`${field}: missing null terminator`, termAt);
  }
  return Buffer.from(b.buffer, b.byteOffset, b.length).toString('utf16le');
}

/** A length that includes the terminator (cbClientAddress, cbClientDir): the string is those bytes less its NUL. */
function readUtf16WithTerminator(r: Reader, field: string, max: number): string {
  const at = r.offset;
  const cb = r.u16le(`cb ${field}`);
  if (cb > max) r.fail(`${field}: ${cb} bytes exceed the ${max}-byte limit`, at);
  if (cb === 0) return '';
  if (cb % 2 !== 0) r.fail(`${field}: odd UTF-16 byte count ${cb}`, at);
  const b = r.bytes(cb, field);
  let end = b.length;
  // Servers and clients disagree on whether the terminator is counted; strip trailing NULs either way.
  while (end >= 2 && b[end - 1] === 0 && b[end - 2] === 0) end -= 2;
  return Buffer.from(b.buffer, b.byteOffset, end).toString('utf16le');
}

export function readClientInfo(r: Reader): ClientInfo {
  const codePage = r.u32le('CodePage');
  const flagsAt = r.offset;
  const flags = r.u32le('flags');
  if ((flags & INFO_UNICODE) === 0) r.fail('TS_INFO_PACKET without INFO_UNICODE is not supported', flagsAt);
  const lengthsAt = r.offset;
  const cb = [r.u16le('cbDomain'), r.u16le('cbUserName'), r.u16le('cbPassword'), r.u16le('cbAlternateShell'), r.u16le('cbWorkingDir')];
  const names = ['Domain', 'UserName', 'Password', 'AlternateShell', 'WorkingDir'];
  const s = cb.map((n, i) => readUtf16Counted(r, n, true, INFO_STRING_MAX_BYTES, names[i]!, lengthsAt + 2 * i));
  const extra = r.remaining > 0 ? readClientExtendedInfo(r) : null;
  r.end('TS_INFO_PACKET');
  return { codePage, flags, domain: s[0]!, userName: s[1]!, password: s[2]!, alternateShell: s[3]!, workingDir: s[4]!, extra };
}

export function readClientExtendedInfo(r: Reader): ClientExtendedInfo {
  const x: ClientExtendedInfo = {
    clientAddressFamily: r.u16le('clientAddressFamily'),
    clientAddress: readUtf16WithTerminator(r, 'clientAddress', CLIENT_ADDRESS_MAX_BYTES),
    clientDir: readUtf16WithTerminator(r, 'clientDir', CLIENT_DIR_MAX_BYTES),
    clientTimeZone: r.copy(TIME_ZONE_INFORMATION_LENGTH, 'clientTimeZone'),
    clientSessionId: r.u32le('clientSessionId'),
  };
  if (r.remaining === 0) return x;
  x.performanceFlags = r.u32le('performanceFlags');
  if (r.remaining === 0) return x;
  const cookieAt = r.offset;
  const cookieLength = r.u16le('cbAutoReconnectCookie');
  if (cookieLength > AUTO_RECONNECT_COOKIE_MAX_BYTES) r.fail(`cbAutoReconnectCookie ${cookieLength} exceeds ${AUTO_RECONNECT_COOKIE_MAX_BYTES}`, cookieAt);
  r.skip(cookieLength, 'autoReconnectCookie');
  x.autoReconnectCookieLength = cookieLength;
  if (r.remaining === 0) return x;
  x.reserved1 = r.u16le('reserved1');
  x.reserved2 = r.u16le('reserved2');
  if (r.remaining === 0) return x;
  const keyAt = r.offset;
  const keyLength = r.u16le('cbDynamicDSTTimeZoneKeyName');
  x.dynamicDSTTimeZoneKeyName = readUtf16Counted(r, keyLength, false, DYNAMIC_DST_KEY_MAX_BYTES, 'dynamicDSTTimeZoneKeyName', keyAt);
  x.dynamicDaylightTimeDisabled = r.u16le('dynamicDaylightTimeDisabled');
  return x;
}

/** Client Info PDU user data (security header + TS_INFO_PACKET), as the server reads it. */
export function decodeClientInfoPduData(bytes: Uint8Array, base = 0): { securityFlags: number; info: ClientInfo } {
  const r = new Reader(bytes, 'rdp', base);
  const at = r.offset;
  const sec = readBasicSecurityHeader(r);
  if ((sec.flags & SEC_INFO_PKT) === 0) r.fail(`security flags 0x${sec.flags.toString(16)} lack SEC_INFO_PKT`, at);
  return { securityFlags: sec.flags, info: readClientInfo(r) };
}
