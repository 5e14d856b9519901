import { Reader } from './reader.js';
import { Writer } from './writer.js';

/**
 * NTLM messages an anonymous prober needs ([MS-NLMP] 2.2): the NEGOTIATE_MESSAGE it sends inside CredSSP, and the
 * CHALLENGE_MESSAGE whose TargetInfo AV_PAIRs and VERSION reveal the server's names, build and clock. Payload
 * fields are (length, maxLength, offset) triples relative to the message start; each is checked with Reader.slice.
 */

/** [MS-NLMP] 2.2.1: every message starts with "NTLMSSP\0". */
export const NTLMSSP_SIGNATURE = Uint8Array.of(0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00);

/** [MS-NLMP] 2.2.1 MessageType values. */
export const NTLM_NEGOTIATE_MESSAGE = 0x00000001;
export const NTLM_CHALLENGE_MESSAGE = 0x00000002;
export const NTLM_AUTHENTICATE_MESSAGE = 0x00000003;

// [MS-NLMP] 2.2.2.5 NEGOTIATE flags (letters are the spec's bit labels).
export const NTLMSSP_NEGOTIATE_UNICODE = 0x00000001; // A
export const NTLM_NEGOTIATE_OEM = 0x00000002; // B
export const NTLMSSP_REQUEST_TARGET = 0x00000004; // C
export const NTLMSSP_NEGOTIATE_SIGN = 0x00000010; // D
export const NTLMSSP_NEGOTIATE_SEAL = 0x00000020; // E
export const NTLMSSP_NEGOTIATE_DATAGRAM = 0x00000040; // F
export const NTLMSSP_NEGOTIATE_LM_KEY = 0x00000080; // G
export const NTLMSSP_NEGOTIATE_NTLM = 0x00000200; // H
export const NTLMSSP_ANONYMOUS = 0x00000800; // J
export const NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED = 0x00001000; // K
export const NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED = 0x00002000; // L
export const NTLMSSP_NEGOTIATE_ALWAYS_SIGN = 0x00008000; // M
export const NTLMSSP_TARGET_TYPE_DOMAIN = 0x00010000; // N
export const NTLMSSP_TARGET_TYPE_SERVER = 0x00020000; // O
export const NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY = 0x00080000; // P
export const NTLMSSP_NEGOTIATE_IDENTIFY = 0x00100000; // Q
export const NTLMSSP_REQUEST_NON_NT_SESSION_KEY = 0x00400000; // R
export const NTLMSSP_NEGOTIATE_TARGET_INFO = 0x00800000; // S
export const NTLMSSP_NEGOTIATE_VERSION = 0x02000000; // T
export const NTLMSSP_NEGOTIATE_128 = 0x20000000; // U
export const NTLMSSP_NEGOTIATE_KEY_EXCH = 0x40000000; // V
export const NTLMSSP_NEGOTIATE_56 = 0x80000000; // W

/** Names for all 32 bits of NegotiateFlags; the reserved bits r1..r10 ([MS-NLMP] 2.2.2.5) by their spec label. */
export const NTLM_NEGOTIATE_FLAG_NAMES: Readonly<Record<number, string>> = {
  [NTLMSSP_NEGOTIATE_UNICODE]: 'NTLMSSP_NEGOTIATE_UNICODE',
  [NTLM_NEGOTIATE_OEM]: 'NTLM_NEGOTIATE_OEM',
  [NTLMSSP_REQUEST_TARGET]: 'NTLMSSP_REQUEST_TARGET',
  0x00000008: 'NTLMSSP_RESERVED_R10',
  [NTLMSSP_NEGOTIATE_SIGN]: 'NTLMSSP_NEGOTIATE_SIGN',
  [NTLMSSP_NEGOTIATE_SEAL]: 'NTLMSSP_NEGOTIATE_SEAL',
  [NTLMSSP_NEGOTIATE_DATAGRAM]: 'NTLMSSP_NEGOTIATE_DATAGRAM',
  [NTLMSSP_NEGOTIATE_LM_KEY]: 'NTLMSSP_NEGOTIATE_LM_KEY',
  0x00000100: 'NTLMSSP_RESERVED_R9',
  [NTLMSSP_NEGOTIATE_NTLM]: 'NTLMSSP_NEGOTIATE_NTLM',
  0x00000400: 'NTLMSSP_RESERVED_R8',
  [NTLMSSP_ANONYMOUS]: 'NTLMSSP_ANONYMOUS',
  [NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED]: 'NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED',
  [NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED]: 'NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED',
  0x00004000: 'NTLMSSP_RESERVED_R7',
  [NTLMSSP_NEGOTIATE_ALWAYS_SIGN]: 'NTLMSSP_NEGOTIATE_ALWAYS_SIGN',
  [NTLMSSP_TARGET_TYPE_DOMAIN]: 'NTLMSSP_TARGET_TYPE_DOMAIN',
  [NTLMSSP_TARGET_TYPE_SERVER]: 'NTLMSSP_TARGET_TYPE_SERVER',
  0x00040000: 'NTLMSSP_RESERVED_R6',
  [NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY]: 'NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY',
  [NTLMSSP_NEGOTIATE_IDENTIFY]: 'NTLMSSP_NEGOTIATE_IDENTIFY',
  0x00200000: 'NTLMSSP_RESERVED_R5',
  [NTLMSSP_REQUEST_NON_NT_SESSION_KEY]: 'NTLMSSP_REQUEST_NON_NT_SESSION_KEY',
  [NTLMSSP_NEGOTIATE_TARGET_INFO]: 'NTLMSSP_NEGOTIATE_TARGET_INFO',
  0x01000000: 'NTLMSSP_RESERVED_R4',
  [NTLMSSP_NEGOTIATE_VERSION]: 'NTLMSSP_NEGOTIATE_VERSION',
  0x04000000: 'NTLMSSP_RESERVED_R3',
  0x08000000: 'NTLMSSP_RESERVED_R2',
  0x10000000: 'NTLMSSP_RESERVED_R1',
  [NTLMSSP_NEGOTIATE_128]: 'NTLMSSP_NEGOTIATE_128',
  [NTLMSSP_NEGOTIATE_KEY_EXCH]: 'NTLMSSP_NEGOTIATE_KEY_EXCH',
  [NTLMSSP_NEGOTIATE_56]: 'NTLMSSP_NEGOTIATE_56',
};

/**
 * Names of the flags set in a NegotiateFlags value, lowest bit first. (Not writer.flagNames: that compares
 * `(v & b) === b` with signed 32-bit results and so never reports bit 31, NTLMSSP_NEGOTIATE_56.)
 */
export function ntlmFlagNames(flags: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < 32; i++) {
    const bit = 2 ** i;
    if (Math.floor(flags / bit) % 2 === 1) out.push(NTLM_NEGOTIATE_FLAG_NAMES[bit] ?? `unknown(0x${bit.toString(16).padStart(8, '0')})`);
  }
  return out;
}

/**
 * The flags of a NEGOTIATE_MESSAGE from Windows mstsc (0xE20882B7), so a server answers the probe as it answers a
 * real client: UNICODE, OEM, REQUEST_TARGET, SIGN, SEAL, LM_KEY, NTLM, ALWAYS_SIGN, EXTENDED_SESSIONSECURITY,
 * VERSION, 128, KEY_EXCH, 56. No *_SUPPLIED flags: the domain and workstation fields are empty.
 */
export const DEFAULT_NEGOTIATE_FLAGS =
  (NTLMSSP_NEGOTIATE_UNICODE |
    NTLM_NEGOTIATE_OEM |
    NTLMSSP_REQUEST_TARGET |
    NTLMSSP_NEGOTIATE_SIGN |
    NTLMSSP_NEGOTIATE_SEAL |
    NTLMSSP_NEGOTIATE_LM_KEY |
    NTLMSSP_NEGOTIATE_NTLM |
    NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
    NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
    NTLMSSP_NEGOTIATE_VERSION |
    NTLMSSP_NEGOTIATE_128 |
    NTLMSSP_NEGOTIATE_KEY_EXCH |
    NTLMSSP_NEGOTIATE_56) >>>
  0;

/** [MS-NLMP] 2.2.2.10 NTLMRevisionCurrent: the only revision defined. */
export const NTLMSSP_REVISION_W2K3 = 0x0f;

/**
 * [MS-NLMP] 2.2.2.10 VERSION (8 bytes): ProductMajorVersion u8, ProductMinorVersion u8, ProductBuild LE16,
 * Reserved (3 bytes, zero), NTLMRevisionCurrent u8. The OS version of the sender (debugging only, per the spec).
 */
export interface NtlmVersion {
  major: number;
  minor: number;
  build: number;
  revision: number;
}

/** The VERSION the probe announces: Windows 10 2004 (10.0.19041), like a current mstsc. */
export const DEFAULT_CLIENT_VERSION: NtlmVersion = { major: 10, minor: 0, build: 19041, revision: NTLMSSP_REVISION_W2K3 };

function writeVersion(w: Writer, v: NtlmVersion): void {
  w.u8(v.major, 'ProductMajorVersion').u8(v.minor, 'ProductMinorVersion').u16le(v.build, 'ProductBuild');
  w.bytes([0, 0, 0]).u8(v.revision, 'NTLMRevisionCurrent');
}

function readVersion(r: Reader): NtlmVersion {
  const major = r.u8('ProductMajorVersion');
  const minor = r.u8('ProductMinorVersion');
  const build = r.u16le('ProductBuild');
  r.skip(3, 'Version Reserved');
  return { major, minor, build, revision: r.u8('NTLMRevisionCurrent') };
}

function readSignature(r: Reader): void {
  const at = r.offset;
  const sig = r.bytes(8, 'Signature');
  if (!sig.every((b, i) => b === NTLMSSP_SIGNATURE[i])) r.fail('bad signature: not NTLMSSP\\0', at);
}

/** (Len, MaxLen, BufferOffset) of a payload field ([MS-NLMP] 2.2.1.1 DomainNameFields and the like). */
function readFields(r: Reader, field: string): { len: number; offset: number } {
  const len = r.u16le(`${field}Len`);
  r.u16le(`${field}MaxLen`); // SHOULD equal Len; ignored on receipt
  return { len, offset: r.u32le(`${field}BufferOffset`) };
}

const utf16 = new TextDecoder('utf-16le');

/** UTF-16LE, or the OEM code page when UNICODE was not negotiated (read as Latin-1: we cannot know the page). */
function readString(r: Reader, unicode: boolean, field: string): string {
  const b = r.rest();
  if (!unicode) return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  if (b.length % 2 !== 0) r.fail(`${field}: odd length ${b.length} for a UTF-16 string`, r.offset - b.length);
  return utf16.decode(b);
}

function encodeString(s: string, unicode: boolean): Uint8Array {
  return Uint8Array.from(Buffer.from(s, unicode ? 'utf16le' : 'latin1'));
}

// ---------------------------------------------------------------- NEGOTIATE_MESSAGE

/** [MS-NLMP] 2.2.1.1 NEGOTIATE_MESSAGE, as far as a prober cares (the OEM domain/workstation strings). */
export interface NtlmNegotiate {
  flags: number;
  domainName: string;
  workstation: string;
  version: NtlmVersion | null;
}

/**
 * [MS-NLMP] 2.2.1.1 NEGOTIATE_MESSAGE of an anonymous client: Signature, MessageType 1, NegotiateFlags,
 * DomainNameFields and WorkstationFields empty (Len, MaxLen and BufferOffset 0, as the spec says they SHOULD be),
 * then VERSION when NTLMSSP_NEGOTIATE_VERSION is in `flags`. 40 bytes with the defaults.
 */
export function encodeNtlmNegotiate(flags: number = DEFAULT_NEGOTIATE_FLAGS, version: NtlmVersion = DEFAULT_CLIENT_VERSION): Uint8Array {
  const f = flags >>> 0;
  if (f & (NTLMSSP_NEGOTIATE_OEM_DOMAIN_SUPPLIED | NTLMSSP_NEGOTIATE_OEM_WORKSTATION_SUPPLIED)) {
    throw new RangeError('an anonymous NEGOTIATE_MESSAGE supplies no domain or workstation');
  }
  const w = new Writer().bytes(NTLMSSP_SIGNATURE).u32le(NTLM_NEGOTIATE_MESSAGE, 'MessageType').u32le(f, 'NegotiateFlags');
  w.bytes(new Uint8Array(8)); // DomainNameFields
  w.bytes(new Uint8Array(8)); // WorkstationFields
  if (f & NTLMSSP_NEGOTIATE_VERSION) writeVersion(w, version);
  return w.finish();
}

/** Reads a NEGOTIATE_MESSAGE (for fake servers and tests). Throws DecodeError('ntlm', ...). */
export function decodeNtlmNegotiate(bytes: Uint8Array): NtlmNegotiate {
  const r = new Reader(bytes, 'ntlm');
  readSignature(r);
  const typeAt = r.offset;
  const type = r.u32le('MessageType');
  if (type !== NTLM_NEGOTIATE_MESSAGE) r.fail(`MessageType ${type}, expected ${NTLM_NEGOTIATE_MESSAGE} (NEGOTIATE)`, typeAt);
  const flags = r.u32le('NegotiateFlags');
  const domain = readFields(r, 'DomainName');
  const workstation = readFields(r, 'Workstation');
  const version = flags & NTLMSSP_NEGOTIATE_VERSION ? readVersion(r) : null;
  return {
    flags,
    // [MS-NLMP] 2.2.1.1: the domain and workstation are always OEM strings.
    domainName: readString(r.slice(domain.offset, domain.len, 'DomainName'), false, 'DomainName'),
    workstation: readString(r.slice(workstation.offset, workstation.len, 'Workstation'), false, 'Workstation'),
    version,
  };
}

// ---------------------------------------------------------------- AV_PAIR

/** [MS-NLMP] 2.2.2.1 AvId values. */
export const MSV_AV_EOL = 0x0000;
export const MSV_AV_NB_COMPUTER_NAME = 0x0001;
export const MSV_AV_NB_DOMAIN_NAME = 0x0002;
export const MSV_AV_DNS_COMPUTER_NAME = 0x0003;
export const MSV_AV_DNS_DOMAIN_NAME = 0x0004;
export const MSV_AV_DNS_TREE_NAME = 0x0005;
export const MSV_AV_FLAGS = 0x0006;
export const MSV_AV_TIMESTAMP = 0x0007;
export const MSV_AV_SINGLE_HOST = 0x0008;
export const MSV_AV_TARGET_NAME = 0x0009;
export const MSV_AV_CHANNEL_BINDINGS = 0x000a;

export const AV_ID_NAMES: Readonly<Record<number, string>> = {
  [MSV_AV_EOL]: 'MsvAvEOL',
  [MSV_AV_NB_COMPUTER_NAME]: 'MsvAvNbComputerName',
  [MSV_AV_NB_DOMAIN_NAME]: 'MsvAvNbDomainName',
  [MSV_AV_DNS_COMPUTER_NAME]: 'MsvAvDnsComputerName',
  [MSV_AV_DNS_DOMAIN_NAME]: 'MsvAvDnsDomainName',
  [MSV_AV_DNS_TREE_NAME]: 'MsvAvDnsTreeName',
  [MSV_AV_FLAGS]: 'MsvAvFlags',
  [MSV_AV_TIMESTAMP]: 'MsvAvTimestamp',
  [MSV_AV_SINGLE_HOST]: 'MsvAvSingleHost',
  [MSV_AV_TARGET_NAME]: 'MsvAvTargetName',
  [MSV_AV_CHANNEL_BINDINGS]: 'MsvAvChannelBindings',
};

/** AV_PAIRs whose value is a UTF-16LE string (not NUL-terminated), whatever the negotiated charset. */
const AV_STRING_IDS: ReadonlySet<number> = new Set([
  MSV_AV_NB_COMPUTER_NAME,
  MSV_AV_NB_DOMAIN_NAME,
  MSV_AV_DNS_COMPUTER_NAME,
  MSV_AV_DNS_DOMAIN_NAME,
  MSV_AV_DNS_TREE_NAME,
  MSV_AV_TARGET_NAME,
]);

/** Most AV_PAIRs (MsvAvEOL not counted) accepted in one TargetInfo; Windows sends about 7. */
export const AV_PAIR_MAX_COUNT = 64;

/**
 * [MS-NLMP] 2.2.2.1 AV_PAIR: AvId LE16, AvLen LE16, Value (AvLen bytes). A list ends with MsvAvEOL (AvLen 0);
 * the decoded list leaves the terminator out and the encoder adds it.
 */
export interface AvPair {
  id: number;
  value: Uint8Array;
}

/** Reads an AV_PAIR list filling all of `r` (through MsvAvEOL); errors carry r's absolute offsets. */
export function readAvPairs(r: Reader): AvPair[] {
  const pairs: AvPair[] = [];
  for (;;) {
    const at = r.offset;
    if (r.remaining === 0) r.fail('AV_PAIR list ends without MsvAvEOL');
    const id = r.u16le('AvId');
    const len = r.u16le('AvLen');
    const value = r.copy(len, `${AV_ID_NAMES[id] ?? `AvId ${id}`} value`);
    if (id === MSV_AV_EOL) {
      if (len !== 0) r.fail(`MsvAvEOL with AvLen ${len}, expected 0`, at);
      r.end('MsvAvEOL');
      return pairs;
    }
    if (pairs.length === AV_PAIR_MAX_COUNT) r.fail(`more than ${AV_PAIR_MAX_COUNT} AV_PAIRs`, at);
    if (AV_STRING_IDS.has(id) && len % 2 !== 0) r.fail(`${AV_ID_NAMES[id]}: odd AvLen ${len} for a UTF-16 string`, at);
    if (id === MSV_AV_FLAGS && len !== 4) r.fail(`MsvAvFlags: AvLen ${len}, expected 4`, at);
    if (id === MSV_AV_TIMESTAMP && len !== 8) r.fail(`MsvAvTimestamp: AvLen ${len}, expected 8`, at);
    pairs.push({ id, value });
  }
}

/** Decodes a TargetInfo buffer (a list of AV_PAIRs ending with MsvAvEOL). Throws DecodeError('ntlm', ...). */
export function decodeAvPairs(bytes: Uint8Array): AvPair[] {
  return readAvPairs(new Reader(bytes, 'ntlm'));
}

/** The AV_PAIR list with its MsvAvEOL terminator (an empty list is just the terminator). */
export function encodeAvPairs(pairs: readonly AvPair[]): Uint8Array {
  const w = new Writer();
  for (const p of pairs) {
    if (p.id === MSV_AV_EOL) throw new RangeError('MsvAvEOL is added by the encoder');
    w.u16le(p.id, 'AvId').u16le(p.value.length, 'AvLen').bytes(p.value);
  }
  return w.u16le(MSV_AV_EOL).u16le(0).finish();
}

/** The first AV_PAIR with this id as a string (the string ids), or null when absent. */
export function avPairText(pairs: readonly AvPair[], id: number): string | null {
  const p = pairs.find((x) => x.id === id);
  return p === undefined ? null : utf16.decode(p.value);
}

/** AV_PAIR value for a string id (UTF-16LE). */
export function avString(id: number, s: string): AvPair {
  return { id, value: encodeString(s, true) };
}

/** The MsvAvTimestamp FILETIME, or null when absent. */
export function avPairTimestamp(pairs: readonly AvPair[]): bigint | null {
  const p = pairs.find((x) => x.id === MSV_AV_TIMESTAMP);
  return p === undefined ? null : new Reader(p.value, 'ntlm').u64le('MsvAvTimestamp');
}

/** AV_PAIR for MsvAvTimestamp. */
export function avTimestamp(filetime: bigint): AvPair {
  return { id: MSV_AV_TIMESTAMP, value: new Writer().u64le(filetime, 'FILETIME').finish() };
}

// ---------------------------------------------------------------- FILETIME

/** 100-ns intervals between 1601-01-01 (FILETIME epoch, [MS-DTYP] 2.3.3) and 1970-01-01. */
export const FILETIME_UNIX_EPOCH = 116444736000000000n;

/** FILETIME (100 ns since 1601-01-01 UTC) to a Date, truncated to the millisecond. */
export function filetimeToDate(ft: bigint): Date {
  return new Date(Number((ft - FILETIME_UNIX_EPOCH) / 10000n));
}

/** Date to FILETIME (whole milliseconds). */
export function dateToFiletime(d: Date): bigint {
  return BigInt(d.getTime()) * 10000n + FILETIME_UNIX_EPOCH;
}

// ---------------------------------------------------------------- CHALLENGE_MESSAGE

/**
 * [MS-NLMP] 2.2.1.2 CHALLENGE_MESSAGE:
 *   0 Signature (8)  8 MessageType = 2 (4)  12 TargetNameFields (8)  20 NegotiateFlags (4)
 *  24 ServerChallenge (8)  32 Reserved (8)  40 TargetInfoFields (8)  48 Version (8, when NTLMSSP_NEGOTIATE_VERSION)
 *  then the payload (TargetName, TargetInfo) addressed by the offset fields.
 */
export interface NtlmChallenge {
  flags: number;
  /** UTF-16LE when NTLMSSP_NEGOTIATE_UNICODE is set, else OEM (read as Latin-1). Empty when absent. */
  targetName: string;
  /** 8 bytes. */
  serverChallenge: Uint8Array;
  /** AV_PAIRs without the MsvAvEOL terminator; empty when TargetInfoLen is 0. */
  targetInfo: AvPair[];
  /** VERSION, present exactly when NTLMSSP_NEGOTIATE_VERSION is set. */
  version: NtlmVersion | null;
}

const CHALLENGE_HEADER_LENGTH = 48;

/** Decodes a CHALLENGE_MESSAGE ([MS-NLMP] 2.2.1.2). Throws DecodeError('ntlm', offset, reason). */
export function decodeNtlmChallenge(bytes: Uint8Array): NtlmChallenge {
  const r = new Reader(bytes, 'ntlm');
  readSignature(r);
  const typeAt = r.offset;
  const type = r.u32le('MessageType');
  if (type !== NTLM_CHALLENGE_MESSAGE) r.fail(`MessageType ${type}, expected ${NTLM_CHALLENGE_MESSAGE} (CHALLENGE)`, typeAt);
  const targetNameFields = readFields(r, 'TargetName');
  const flags = r.u32le('NegotiateFlags');
  const serverChallenge = r.copy(8, 'ServerChallenge');
  r.skip(8, 'Reserved');
  const targetInfoFields = readFields(r, 'TargetInfo');
  const version = flags & NTLMSSP_NEGOTIATE_VERSION ? readVersion(r) : null;

  const unicode = (flags & NTLMSSP_NEGOTIATE_UNICODE) !== 0;
  const targetName = readString(r.slice(targetNameFields.offset, targetNameFields.len, 'TargetName'), unicode, 'TargetName');
  const info = r.slice(targetInfoFields.offset, targetInfoFields.len, 'TargetInfo');
  const targetInfo = info.length === 0 ? [] : readAvPairs(info);
  return { flags, targetName, serverChallenge, targetInfo, version };
}

/**
 * Encodes a CHALLENGE_MESSAGE (fake servers, tests) with the payload laid out as Windows does: TargetName, then
 * TargetInfo, right after the header. TargetInfo is written (with its terminator) when the list is non-empty or
 * NTLMSSP_NEGOTIATE_TARGET_INFO is set.
 */
export function encodeNtlmChallenge(c: NtlmChallenge): Uint8Array {
  const flags = c.flags >>> 0;
  if (c.serverChallenge.length !== 8) throw new RangeError('ServerChallenge must be 8 bytes');
  const hasVersion = (flags & NTLMSSP_NEGOTIATE_VERSION) !== 0;
  if (hasVersion && c.version === null) throw new RangeError('NTLMSSP_NEGOTIATE_VERSION set without a version');
  const name = encodeString(c.targetName, (flags & NTLMSSP_NEGOTIATE_UNICODE) !== 0);
  const info =
    c.targetInfo.length > 0 || flags & NTLMSSP_NEGOTIATE_TARGET_INFO ? encodeAvPairs(c.targetInfo) : new Uint8Array(0);
  const payloadAt = CHALLENGE_HEADER_LENGTH + (hasVersion ? 8 : 0);

  const w = new Writer().bytes(NTLMSSP_SIGNATURE).u32le(NTLM_CHALLENGE_MESSAGE, 'MessageType');
  w.u16le(name.length, 'TargetNameLen').u16le(name.length, 'TargetNameMaxLen').u32le(payloadAt, 'TargetNameBufferOffset');
  w.u32le(flags, 'NegotiateFlags').bytes(c.serverChallenge).bytes(new Uint8Array(8));
  w.u16le(info.length, 'TargetInfoLen').u16le(info.length, 'TargetInfoMaxLen');
  w.u32le(payloadAt + name.length, 'TargetInfoBufferOffset');
  if (hasVersion && c.version !== null) writeVersion(w, c.version);
  return w.bytes(name).bytes(info).finish();
}
