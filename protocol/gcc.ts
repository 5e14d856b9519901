import {
  expectPerOctetString,
  readPerChoice,
  readPerInteger,
  readPerInteger16,
  readPerLength,
  readPerNumberOfSets,
  readPerNumericString,
  readPerObjectIdentifier,
  readPerPadding,
  readPerSelection,
  writePerChoice,
  writePerInteger,
  writePerInteger16,
  writePerLength,
  writePerNumberOfSets,
  writePerNumericString,
  writePerObjectIdentifier,
  writePerOctetString,
  writePerPadding,
  writePerSelection,
} from './per.js';
import { DecodeError } from './errors.js';
import { Reader } from './reader.js';
import { nameOf, Writer } from './writer.js';

/**
 * T.124 GCC Conference Create Request / Response as carried in MCS Connect-Initial / Connect-Response userData
 * ([MS-RDPBCGR] 2.2.1.3.1, 2.2.1.4.1; annotated bytes in 4.1.3 and 4.1.4), and the RDP user data blocks inside
 * them (2.2.1.3.2-2.2.1.3.5 client, 2.2.1.4.2-2.2.1.4.5 server). Blocks are walked by their own headers
 * (TS_UD_HEADER 2.2.1.3.1.1: type u16le, length u16le including the header), never by fixed offsets; blocks we
 * do not know are kept as { type, bytes }.
 */

// ---------------------------------------------------------------------------------------------------------------
// Constants

/** t124Identifier: { itu-t(0) recommendation(0) t(20) t124(124) version(0) 1 } (T.124 8.7; 2.2.1.3.1). */
export const T124_02_98_OID: readonly number[] = [0, 0, 20, 124, 0, 1];
/** H.221 non-standard key of client-to-server GCC user data: "Duca" (2.2.1.3.1). */
export const H221_CS_KEY = Uint8Array.from(Buffer.from('Duca', 'latin1'));
/** H.221 non-standard key of server-to-client GCC user data: "McDn" (2.2.1.4.1). */
export const H221_SC_KEY = Uint8Array.from(Buffer.from('McDn', 'latin1'));

/** ConnectGCCPDU CHOICE octet of conferenceCreateRequest (index 0) (T.124 8.7, 4.1.3). */
export const GCC_CONFERENCE_CREATE_REQUEST = 0x00;
/** ConferenceCreateRequest preamble: only the userData optional field present (4.1.3). */
export const GCC_CREATE_REQUEST_USERDATA_PRESENT = 0x08;
/** ConnectGCCPDU CHOICE octet of conferenceCreateResponse (index 1) with userData present (4.1.4). */
export const GCC_CONFERENCE_CREATE_RESPONSE = 0x14;
/** UserData SET element: value present, key CHOICE h221NonStandard (4.1.3, 4.1.4). */
export const GCC_USERDATA_H221_NONSTANDARD = 0xc0;
/** UserID ::= DynamicChannelID (1001..65535) (T.125; nodeID of 4.1.4). */
export const GCC_NODE_ID_MIN = 1001;

/** ConferenceCreateResponse result (T.124 8.7). */
export const GCC_RESULT_NAMES: Readonly<Record<number, string>> = {
  0: 'success',
  1: 'userRejected',
  2: 'resourcesNotAvailable',
  3: 'rejectedForSymmetryBreaking',
  4: 'lockedConferenceNotSupported',
};

// User data block types (TS_UD_HEADER, 2.2.1.3.1.1).
/** Client Core Data, 2.2.1.3.2 */
export const CS_CORE = 0xc001;
/** Client Security Data, 2.2.1.3.3 */
export const CS_SECURITY = 0xc002;
/** Client Network Data, 2.2.1.3.4 */
export const CS_NET = 0xc003;
/** Client Cluster Data, 2.2.1.3.5 */
export const CS_CLUSTER = 0xc004;
/** Client Monitor Data, 2.2.1.3.6 */
export const CS_MONITOR = 0xc005;
/** Client Message Channel Data, 2.2.1.3.7 */
export const CS_MCS_MSGCHANNEL = 0xc006;
/** Client Monitor Extended Data, 2.2.1.3.9 */
export const CS_MONITOR_EX = 0xc008;
/** Client Multitransport Channel Data, 2.2.1.3.8 */
export const CS_MULTITRANSPORT = 0xc00a;
/** Server Core Data, 2.2.1.4.2 */
export const SC_CORE = 0x0c01;
/** Server Security Data, 2.2.1.4.3 */
export const SC_SECURITY = 0x0c02;
/** Server Network Data, 2.2.1.4.4 */
export const SC_NET = 0x0c03;
/** Server Message Channel Data, 2.2.1.4.5 */
export const SC_MCS_MSGCHANNEL = 0x0c04;
/** Server Multitransport Channel Data, 2.2.1.4.6 */
export const SC_MULTITRANSPORT = 0x0c08;

export const USER_DATA_BLOCK_NAMES: Readonly<Record<number, string>> = {
  [CS_CORE]: 'CS_CORE',
  [CS_SECURITY]: 'CS_SECURITY',
  [CS_NET]: 'CS_NET',
  [CS_CLUSTER]: 'CS_CLUSTER',
  [CS_MONITOR]: 'CS_MONITOR',
  [CS_MCS_MSGCHANNEL]: 'CS_MCS_MSGCHANNEL',
  [CS_MONITOR_EX]: 'CS_MONITOR_EX',
  [CS_MULTITRANSPORT]: 'CS_MULTITRANSPORT',
  [SC_CORE]: 'SC_CORE',
  [SC_SECURITY]: 'SC_SECURITY',
  [SC_NET]: 'SC_NET',
  [SC_MCS_MSGCHANNEL]: 'SC_MCS_MSGCHANNEL',
  [SC_MULTITRANSPORT]: 'SC_MULTITRANSPORT',
};

/** TS_UD_HEADER size (2.2.1.3.1.1). */
export const USER_DATA_HEADER_LENGTH = 4;
/** channelCount of Client Network Data "MUST be less than or equal to 31" (2.2.1.3.4). */
export const CHANNEL_MAX_COUNT = 31;

// ---------------------------------------------------------------------------------------------------------------
// Structures

/** A user data block we keep as bytes: its type and the body after the 4-byte header. */
export interface UserDataBlock {
  type: number;
  bytes: Uint8Array;
}

/** TS_UD_CS_CORE (2.2.1.3.2). Fields after imeFileName are optional: present only when the block is long enough. */
export interface ClientCoreData {
  version: number;
  desktopWidth: number;
  desktopHeight: number;
  colorDepth: number;
  sasSequence: number;
  keyboardLayout: number;
  clientBuild: number;
  /** UTF-16LE, 32 bytes with the terminator (15 characters at most). */
  clientName: string;
  keyboardType: number;
  keyboardSubType: number;
  keyboardFunctionKey: number;
  /** UTF-16LE, 64 bytes. */
  imeFileName: string;
  postBeta2ColorDepth?: number;
  clientProductId?: number;
  serialNumber?: number;
  highColorDepth?: number;
  supportedColorDepths?: number;
  earlyCapabilityFlags?: number;
  /** UTF-16LE, 64 bytes. */
  clientDigProductId?: string;
  connectionType?: number;
  pad1octet?: number;
  /** The protocol the server selected at X.224 (RDP_NEG_RSP); 0 (PROTOCOL_RDP) for Standard RDP Security. */
  serverSelectedProtocol?: number;
  desktopPhysicalWidth?: number;
  desktopPhysicalHeight?: number;
  desktopOrientation?: number;
  desktopScaleFactor?: number;
  deviceScaleFactor?: number;
}

/** TS_UD_CS_SEC (2.2.1.3.3). */
export interface ClientSecurityData {
  encryptionMethods: number;
  extEncryptionMethods: number;
}

/** CHANNEL_DEF (2.2.1.3.4.1): name is up to 7 ANSI characters. */
export interface ChannelDef {
  name: string;
  options: number;
}

/** TS_UD_CS_NET (2.2.1.3.4). */
export interface ClientNetworkData {
  channels: ChannelDef[];
}

/** TS_UD_CS_CLUSTER (2.2.1.3.5). */
export interface ClientClusterData {
  flags: number;
  redirectedSessionId: number;
}

export interface ClientUserData {
  core?: ClientCoreData;
  security?: ClientSecurityData;
  network?: ClientNetworkData;
  cluster?: ClientClusterData;
  otherBlocks: UserDataBlock[];
}

/** TS_UD_SC_CORE (2.2.1.4.2). */
export interface ServerCoreData {
  version: number;
  clientRequestedProtocols?: number;
  earlyCapabilityFlags?: number;
}

/** TS_UD_SC_SEC1 (2.2.1.4.3). serverRandom / serverCertificate are null when the server sent none. */
export interface ServerSecurityData {
  encryptionMethod: number;
  encryptionLevel: number;
  serverRandom: Uint8Array | null;
  /** Raw SERVER_CERTIFICATE (2.2.1.4.3.1); rdp-security.ts decodes it. */
  serverCertificate: Uint8Array | null;
}

/** TS_UD_SC_NET (2.2.1.4.4). */
export interface ServerNetworkData {
  mcsChannelId: number;
  channelIds: number[];
}

/** TS_UD_SC_MCS_MSGCHANNEL (2.2.1.4.5). */
export interface ServerMessageChannelData {
  mcsChannelId: number;
}

/** TS_UD_SC_MULTITRANSPORT (2.2.1.4.6). */
export interface ServerMultitransportChannelData {
  flags: number;
}

export interface ServerUserData {
  core?: ServerCoreData;
  security?: ServerSecurityData;
  network?: ServerNetworkData;
  messageChannel?: ServerMessageChannelData;
  multitransport?: ServerMultitransportChannelData;
  otherBlocks: UserDataBlock[];
}

/** ConferenceCreateRequest (T.124 8.7; 2.2.1.3.1). */
export interface ConferenceCreateRequest {
  conferenceName: string;
  userData: Uint8Array;
}

/** ConferenceCreateResponse (T.124 8.7; 2.2.1.4.1). */
export interface ConferenceCreateResponse {
  nodeId: number;
  tag: number;
  result: number;
  resultName: string;
  userData: Uint8Array;
}

// ---------------------------------------------------------------------------------------------------------------
// Strings

function utf16Fixed(s: string, size: number, field: string): Uint8Array {
  const maxChars = size / 2 - 1;
  if (s.length > maxChars) throw new RangeError(`${field}: ${JSON.stringify(s)} is longer than ${maxChars} characters`);
  const out = new Uint8Array(size);
  out.set(Buffer.from(s, 'utf16le'));
  return out;
}

function readUtf16Fixed(r: Reader, size: number, field: string): string {
  const b = r.bytes(size, field);
  let end = 0;
  while (end + 1 < b.length && (b[end] !== 0 || b[end + 1] !== 0)) end += 2;
  return Buffer.from(b.buffer, b.byteOffset, end).toString('utf16le');
}

function readAnsiFixed(r: Reader, size: number, field: string): string {
  const b = r.bytes(size, field);
  const nul = b.indexOf(0);
  return Buffer.from(b.subarray(0, nul < 0 ? b.length : nul)).toString('latin1');
}

// ---------------------------------------------------------------------------------------------------------------
// User data blocks

/** Walks TS_UD_HEADERs (2.2.1.3.1.1): a length below 4 or beyond the buffer is a DecodeError. */
export function readUserDataBlocks(r: Reader): { type: number; body: Reader }[] {
  const out: { type: number; body: Reader }[] = [];
  while (r.remaining > 0) {
    const start = r.offset;
    const type = r.u16le('TS_UD_HEADER type');
    const length = r.u16le('TS_UD_HEADER length');
    const name = nameOf(USER_DATA_BLOCK_NAMES, type, 4);
    if (length < USER_DATA_HEADER_LENGTH) r.fail(`${name} block length ${length} is below the 4-byte header`, start + 2);
    if (length - USER_DATA_HEADER_LENGTH > r.remaining) {
      r.fail(`${name} block length ${length} runs past the user data (${r.remaining + 4} bytes left)`, start + 2);
    }
    out.push({ type, body: r.sub(length - USER_DATA_HEADER_LENGTH, name) });
  }
  return out;
}

function block(w: Writer, type: number, body: Uint8Array): void {
  w.u16le(type, 'TS_UD_HEADER type');
  w.u16le(body.length + USER_DATA_HEADER_LENGTH, 'TS_UD_HEADER length');
  w.bytes(body);
}

function duplicate(r: Reader, type: number): never {
  throw new DecodeError('gcc', r.offset - 4, `duplicate ${nameOf(USER_DATA_BLOCK_NAMES, type, 4)} block`);
}

// TS_UD_CS_CORE optional tail, in wire order (2.2.1.3.2). 'u16' 'u32' 'u8' numbers; 'dig' a 64-byte UTF-16 string.
const CORE_OPTIONAL = [
  ['postBeta2ColorDepth', 'u16'],
  ['clientProductId', 'u16'],
  ['serialNumber', 'u32'],
  ['highColorDepth', 'u16'],
  ['supportedColorDepths', 'u16'],
  ['earlyCapabilityFlags', 'u16'],
  ['clientDigProductId', 'dig'],
  ['connectionType', 'u8'],
  ['pad1octet', 'u8'],
  ['serverSelectedProtocol', 'u32'],
  ['desktopPhysicalWidth', 'u32'],
  ['desktopPhysicalHeight', 'u32'],
  ['desktopOrientation', 'u16'],
  ['desktopScaleFactor', 'u32'],
  ['deviceScaleFactor', 'u32'],
] as const satisfies readonly (readonly [keyof ClientCoreData, 'u8' | 'u16' | 'u32' | 'dig'])[];

/** TS_UD_CS_CORE (2.2.1.3.2) body. Optional fields are written up to the last one set (earlier gaps as 0). */
export function encodeClientCoreData(c: ClientCoreData): Uint8Array {
  const w = new Writer();
  w.u32le(c.version, 'version');
  w.u16le(c.desktopWidth, 'desktopWidth');
  w.u16le(c.desktopHeight, 'desktopHeight');
  w.u16le(c.colorDepth, 'colorDepth');
  w.u16le(c.sasSequence, 'SASSequence');
  w.u32le(c.keyboardLayout, 'keyboardLayout');
  w.u32le(c.clientBuild, 'clientBuild');
  w.bytes(utf16Fixed(c.clientName, 32, 'clientName'));
  w.u32le(c.keyboardType, 'keyboardType');
  w.u32le(c.keyboardSubType, 'keyboardSubType');
  w.u32le(c.keyboardFunctionKey, 'keyboardFunctionKey');
  w.bytes(utf16Fixed(c.imeFileName, 64, 'imeFileName'));
  let last = -1;
  CORE_OPTIONAL.forEach(([f], i) => {
    if (c[f] !== undefined) last = i;
  });
  for (const [f, kind] of CORE_OPTIONAL.slice(0, last + 1)) {
    const v = c[f];
    if (kind === 'dig') w.bytes(utf16Fixed(typeof v === 'string' ? v : '', 64, f));
    else if (kind === 'u8') w.u8(typeof v === 'number' ? v : 0, f);
    else if (kind === 'u16') w.u16le(typeof v === 'number' ? v : 0, f);
    else w.u32le(typeof v === 'number' ? v : 0, f);
  }
  return w.finish();
}

export function readClientCoreData(r: Reader): ClientCoreData {
  const c: ClientCoreData = {
    version: r.u32le('version'),
    desktopWidth: r.u16le('desktopWidth'),
    desktopHeight: r.u16le('desktopHeight'),
    colorDepth: r.u16le('colorDepth'),
    sasSequence: r.u16le('SASSequence'),
    keyboardLayout: r.u32le('keyboardLayout'),
    clientBuild: r.u32le('clientBuild'),
    clientName: readUtf16Fixed(r, 32, 'clientName'),
    keyboardType: r.u32le('keyboardType'),
    keyboardSubType: r.u32le('keyboardSubType'),
    keyboardFunctionKey: r.u32le('keyboardFunctionKey'),
    imeFileName: readUtf16Fixed(r, 64, 'imeFileName'),
  };
  const optional = c as unknown as Record<string, number | string>;
  for (const [f, kind] of CORE_OPTIONAL) {
    if (r.remaining === 0) break;
    if (kind === 'dig') optional[f] = readUtf16Fixed(r, 64, f);
    else if (kind === 'u8') optional[f] = r.u8(f);
    else if (kind === 'u16') optional[f] = r.u16le(f);
    else optional[f] = r.u32le(f);
  }
  r.end('TS_UD_CS_CORE');
  return c;
}

/** TS_UD_CS_SEC (2.2.1.3.3) body. */
export function encodeClientSecurityData(s: ClientSecurityData): Uint8Array {
  return new Writer().u32le(s.encryptionMethods, 'encryptionMethods').u32le(s.extEncryptionMethods, 'extEncryptionMethods').finish();
}

export function readClientSecurityData(r: Reader): ClientSecurityData {
  const s = { encryptionMethods: r.u32le('encryptionMethods'), extEncryptionMethods: r.u32le('extEncryptionMethods') };
  r.end('TS_UD_CS_SEC');
  return s;
}

/** TS_UD_CS_NET (2.2.1.3.4) body. */
export function encodeClientNetworkData(n: ClientNetworkData): Uint8Array {
  if (n.channels.length > CHANNEL_MAX_COUNT) throw new RangeError(`more than ${CHANNEL_MAX_COUNT} channels`);
  const w = new Writer().u32le(n.channels.length, 'channelCount');
  for (const ch of n.channels) {
    if (!/^[\x21-\x7e]{1,7}$/.test(ch.name)) throw new RangeError(`channel name ${JSON.stringify(ch.name)} invalid`);
    const name = new Uint8Array(8);
    name.set(Buffer.from(ch.name, 'latin1'));
    w.bytes(name).u32le(ch.options, 'options');
  }
  return w.finish();
}

export function readClientNetworkData(r: Reader): ClientNetworkData {
  const start = r.offset;
  const count = r.u32le('channelCount');
  if (count > CHANNEL_MAX_COUNT) r.fail(`channelCount ${count} exceeds ${CHANNEL_MAX_COUNT}`, start);
  const channels: ChannelDef[] = [];
  for (let i = 0; i < count; i++) channels.push({ name: readAnsiFixed(r, 8, 'CHANNEL_DEF name'), options: r.u32le('CHANNEL_DEF options') });
  r.end('TS_UD_CS_NET');
  return { channels };
}

/** TS_UD_CS_CLUSTER (2.2.1.3.5) body. */
export function encodeClientClusterData(c: ClientClusterData): Uint8Array {
  return new Writer().u32le(c.flags, 'Flags').u32le(c.redirectedSessionId, 'RedirectedSessionID').finish();
}

export function readClientClusterData(r: Reader): ClientClusterData {
  const c = { flags: r.u32le('Flags'), redirectedSessionId: r.u32le('RedirectedSessionID') };
  r.end('TS_UD_CS_CLUSTER');
  return c;
}

/** Client user data (the blocks inside the Conference Create Request), in the order of 2.2.1.3.1. */
export function encodeClientUserData(d: Omit<ClientUserData, 'otherBlocks'> & { otherBlocks?: UserDataBlock[] }): Uint8Array {
  const w = new Writer();
  if (d.core) block(w, CS_CORE, encodeClientCoreData(d.core));
  if (d.security) block(w, CS_SECURITY, encodeClientSecurityData(d.security));
  if (d.network) block(w, CS_NET, encodeClientNetworkData(d.network));
  if (d.cluster) block(w, CS_CLUSTER, encodeClientClusterData(d.cluster));
  for (const b of d.otherBlocks ?? []) block(w, b.type, b.bytes);
  return w.finish();
}

export function readClientUserData(r: Reader): ClientUserData {
  const out: ClientUserData = { otherBlocks: [] };
  for (const { type, body } of readUserDataBlocks(r)) {
    if (type === CS_CORE) out.core = out.core ? duplicate(body, type) : readClientCoreData(body);
    else if (type === CS_SECURITY) out.security = out.security ? duplicate(body, type) : readClientSecurityData(body);
    else if (type === CS_NET) out.network = out.network ? duplicate(body, type) : readClientNetworkData(body);
    else if (type === CS_CLUSTER) out.cluster = out.cluster ? duplicate(body, type) : readClientClusterData(body);
    else out.otherBlocks.push({ type, bytes: body.copyRest(nameOf(USER_DATA_BLOCK_NAMES, type, 4)) });
  }
  return out;
}

export function decodeClientUserData(bytes: Uint8Array): ClientUserData {
  return readClientUserData(new Reader(bytes, 'gcc'));
}

/** TS_UD_SC_CORE (2.2.1.4.2) body: clientRequestedProtocols and earlyCapabilityFlags are optional by length. */
export function encodeServerCoreData(c: ServerCoreData): Uint8Array {
  const w = new Writer().u32le(c.version, 'version');
  if (c.clientRequestedProtocols !== undefined || c.earlyCapabilityFlags !== undefined) {
    w.u32le(c.clientRequestedProtocols ?? 0, 'clientRequestedProtocols');
  }
  if (c.earlyCapabilityFlags !== undefined) w.u32le(c.earlyCapabilityFlags, 'earlyCapabilityFlags');
  return w.finish();
}

export function readServerCoreData(r: Reader): ServerCoreData {
  const c: ServerCoreData = { version: r.u32le('version') };
  if (r.remaining > 0) c.clientRequestedProtocols = r.u32le('clientRequestedProtocols');
  if (r.remaining > 0) c.earlyCapabilityFlags = r.u32le('earlyCapabilityFlags');
  r.end('TS_UD_SC_CORE');
  return c;
}

/**
 * TS_UD_SC_SEC1 (2.2.1.4.3) body. serverRandomLen / serverCertLen and what follows "MUST NOT be present" when
 * method and level are both 0; they are written when a random or certificate is given.
 */
export function encodeServerSecurityData(s: ServerSecurityData): Uint8Array {
  const w = new Writer().u32le(s.encryptionMethod, 'encryptionMethod').u32le(s.encryptionLevel, 'encryptionLevel');
  if (s.serverRandom || s.serverCertificate) {
    const random = s.serverRandom ?? new Uint8Array(0);
    const cert = s.serverCertificate ?? new Uint8Array(0);
    w.u32le(random.length, 'serverRandomLen').u32le(cert.length, 'serverCertLen').bytes(random).bytes(cert);
  }
  return w.finish();
}

export function readServerSecurityData(r: Reader): ServerSecurityData {
  return readServerSecurity(r).security;
}

/**
 * TS_UD_SC_SEC1, and a reader over its serverCertificate (layer rdp_security) that keeps the absolute offsets, so
 * the SERVER_CERTIFICATE inside (rdp-security.ts) can be decoded with errors pointing at the capture's bytes.
 */
function readServerSecurity(r: Reader): { security: ServerSecurityData; certificate: Reader | null } {
  const s: ServerSecurityData = {
    encryptionMethod: r.u32le('encryptionMethod'),
    encryptionLevel: r.u32le('encryptionLevel'),
    serverRandom: null,
    serverCertificate: null,
  };
  let certificate: Reader | null = null;
  if (r.remaining > 0) {
    const randomLen = r.u32le('serverRandomLen');
    const certLen = r.u32le('serverCertLen');
    s.serverRandom = r.copy(randomLen, 'serverRandom');
    const certAt = r.offset;
    s.serverCertificate = r.copy(certLen, 'serverCertificate');
    certificate = new Reader(s.serverCertificate, 'rdp_security', certAt);
  }
  r.end('TS_UD_SC_SEC1');
  return { security: s, certificate };
}

/** TS_UD_SC_NET (2.2.1.4.4) body: two bytes of padding follow an odd channel count. */
export function encodeServerNetworkData(n: ServerNetworkData): Uint8Array {
  const w = new Writer().u16le(n.mcsChannelId, 'MCSChannelId').u16le(n.channelIds.length, 'channelCount');
  for (const id of n.channelIds) w.u16le(id, 'channelId');
  if (n.channelIds.length % 2 === 1) w.u16le(0, 'Pad');
  return w.finish();
}

export function readServerNetworkData(r: Reader): ServerNetworkData {
  const mcsChannelId = r.u16le('MCSChannelId');
  const count = r.u16le('channelCount');
  const channelIds: number[] = [];
  for (let i = 0; i < count; i++) channelIds.push(r.u16le('channelIdArray'));
  // The padding is required by the spec but some servers leave it out: accept both.
  if (count % 2 === 1 && r.remaining === 2) r.skip(2, 'Pad');
  r.end('TS_UD_SC_NET');
  return { mcsChannelId, channelIds };
}

/** Server user data (the blocks inside the Conference Create Response), in the order of 2.2.1.4.1. */
export function encodeServerUserData(d: Omit<ServerUserData, 'otherBlocks'> & { otherBlocks?: UserDataBlock[] }): Uint8Array {
  const w = new Writer();
  if (d.core) block(w, SC_CORE, encodeServerCoreData(d.core));
  if (d.network) block(w, SC_NET, encodeServerNetworkData(d.network));
  if (d.security) block(w, SC_SECURITY, encodeServerSecurityData(d.security));
  if (d.messageChannel) block(w, SC_MCS_MSGCHANNEL, new Writer().u16le(d.messageChannel.mcsChannelId).finish());
  if (d.multitransport) block(w, SC_MULTITRANSPORT, new Writer().u32le(d.multitransport.flags).finish());
  for (const b of d.otherBlocks ?? []) block(w, b.type, b.bytes);
  return w.finish();
}

/**
 * Reads server user data blocks filling `r`; `serverCertificate` reads the SC_SECURITY block's serverCertificate
 * with r's absolute offsets (null when there is none).
 */
export function readServerUserData(r: Reader): { userData: ServerUserData; serverCertificate: Reader | null } {
  const out: ServerUserData = { otherBlocks: [] };
  let serverCertificate: Reader | null = null;
  for (const { type, body } of readUserDataBlocks(r)) {
    if (type === SC_CORE) out.core = out.core ? duplicate(body, type) : readServerCoreData(body);
    else if (type === SC_SECURITY) {
      if (out.security) duplicate(body, type);
      ({ security: out.security, certificate: serverCertificate } = readServerSecurity(body));
    }
    else if (type === SC_NET) out.network = out.network ? duplicate(body, type) : readServerNetworkData(body);
    else if (type === SC_MCS_MSGCHANNEL) {
      if (out.messageChannel) duplicate(body, type);
      out.messageChannel = { mcsChannelId: body.u16le('MCSChannelID') };
      body.end('TS_UD_SC_MCS_MSGCHANNEL');
    } else if (type === SC_MULTITRANSPORT) {
      if (out.multitransport) duplicate(body, type);
      out.multitransport = { flags: body.u32le('flags') };
      body.end('TS_UD_SC_MULTITRANSPORT');
    } else out.otherBlocks.push({ type, bytes: body.copyRest(nameOf(USER_DATA_BLOCK_NAMES, type, 4)) });
  }
  return { userData: out, serverCertificate };
}

export function decodeServerUserData(bytes: Uint8Array): ServerUserData {
  return readServerUserData(new Reader(bytes, 'gcc')).userData;
}

// ---------------------------------------------------------------------------------------------------------------
// Conference Create Request / Response

function writeConnectData(w: Writer, connectPdu: Uint8Array): void {
  writePerChoice(w, 0); // Key CHOICE: object
  writePerObjectIdentifier(w, T124_02_98_OID);
  writePerLength(w, connectPdu.length, 'connectPDU');
  w.bytes(connectPdu);
}

/** Reads ConnectData's key; returns the connectPDU length the peer claimed. */
function readConnectDataHeader(r: Reader): number {
  const start = r.offset;
  const key = readPerChoice(r, 'ConnectData.t124Identifier');
  if (key !== 0) r.fail(`t124Identifier: expected an object identifier key, got choice 0x${key.toString(16)}`, start);
  const oidStart = r.offset;
  const oid = readPerObjectIdentifier(r, 't124Identifier');
  if (oid.join('.') !== T124_02_98_OID.join('.')) r.fail(`t124Identifier: unexpected object identifier ${oid.join('.')}`, oidStart);
  return readPerLength(r, 'connectPDU');
}

function readH221UserDataSet(r: Reader, key: Uint8Array): void {
  const start = r.offset;
  const sets = readPerNumberOfSets(r, 'userData');
  if (sets !== 1) r.fail(`userData: expected 1 set, got ${sets}`, start);
  const choiceAt = r.offset;
  const choice = readPerChoice(r, 'UserData key');
  if (choice !== GCC_USERDATA_H221_NONSTANDARD) r.fail(`UserData key: expected h221NonStandard (0xc0), got 0x${choice.toString(16)}`, choiceAt);
  expectPerOctetString(r, key, 4, 'h221NonStandard key');
}

/** GCC Conference Create Request inside ConnectData (2.2.1.3.1; bytes as in 4.1.3). */
export function encodeConferenceCreateRequest(userData: Uint8Array, conferenceName = '1'): Uint8Array {
  const pdu = new Writer();
  writePerChoice(pdu, GCC_CONFERENCE_CREATE_REQUEST);
  writePerSelection(pdu, GCC_CREATE_REQUEST_USERDATA_PRESENT);
  writePerNumericString(pdu, conferenceName, 1);
  writePerPadding(pdu, 1); // lockedConference, listedConference, conductibleConference FALSE; terminationMethod automatic
  writePerNumberOfSets(pdu, 1);
  writePerChoice(pdu, GCC_USERDATA_H221_NONSTANDARD);
  writePerOctetString(pdu, H221_CS_KEY, 4);
  writePerOctetString(pdu, userData, 0);
  const w = new Writer();
  writeConnectData(w, pdu.finish());
  return w.finish();
}

export function readConferenceCreateRequest(r: Reader): { request: ConferenceCreateRequest; userData: Reader } {
  const pduLength = readConnectDataHeader(r);
  const p = r.sub(pduLength, 'connectPDU');
  r.end('ConnectData');
  const at = p.offset;
  const choice = readPerChoice(p, 'ConnectGCCPDU');
  if (choice !== GCC_CONFERENCE_CREATE_REQUEST) p.fail(`ConnectGCCPDU: expected conferenceCreateRequest, got 0x${choice.toString(16)}`, at);
  const selAt = p.offset;
  const selection = readPerSelection(p, 'ConferenceCreateRequest');
  if (selection !== GCC_CREATE_REQUEST_USERDATA_PRESENT) p.fail(`ConferenceCreateRequest: unsupported optional fields 0x${selection.toString(16)}`, selAt);
  const conferenceName = readPerNumericString(p, 1, 'conferenceName');
  readPerPadding(p, 1, 'ConferenceCreateRequest flags');
  readH221UserDataSet(p, H221_CS_KEY);
  const len = readPerLength(p, 'userData');
  const userDataStart = p.offset;
  const userData = p.copy(len, 'userData');
  p.end('ConferenceCreateRequest');
  return { request: { conferenceName, userData }, userData: new Reader(userData, 'gcc', userDataStart) };
}

export function decodeConferenceCreateRequest(bytes: Uint8Array): ConferenceCreateRequest {
  return readConferenceCreateRequest(new Reader(bytes, 'gcc')).request;
}

/** GCC Conference Create Response inside ConnectData (2.2.1.4.1; bytes as in 4.1.4). For tests and fake servers. */
export function encodeConferenceCreateResponse(c: Omit<ConferenceCreateResponse, 'resultName'>): Uint8Array {
  const pdu = new Writer();
  writePerChoice(pdu, GCC_CONFERENCE_CREATE_RESPONSE);
  writePerInteger16(pdu, c.nodeId, GCC_NODE_ID_MIN);
  writePerInteger(pdu, c.tag);
  pdu.u8(c.result, 'result');
  writePerNumberOfSets(pdu, 1);
  writePerChoice(pdu, GCC_USERDATA_H221_NONSTANDARD);
  writePerOctetString(pdu, H221_SC_KEY, 4);
  writePerOctetString(pdu, c.userData, 0);
  const w = new Writer();
  writeConnectData(w, pdu.finish());
  return w.finish();
}

/**
 * Reads ConnectData + ConferenceCreateResponse from `r` (which must hold nothing else). The connectPDU length is
 * read but not trusted: Windows sends 0x2a whatever the real size (seen in captures/windows-proprietary-encryption;
 * FreeRDP ignores it too), so the PDU is bounded by the userData length and `r` itself.
 */
export function readConferenceCreateResponse(r: Reader): { response: ConferenceCreateResponse; userData: Reader } {
  readConnectDataHeader(r);
  const at = r.offset;
  const choice = readPerChoice(r, 'ConnectGCCPDU');
  if (choice !== GCC_CONFERENCE_CREATE_RESPONSE) r.fail(`ConnectGCCPDU: expected conferenceCreateResponse with userData (0x14), got 0x${choice.toString(16)}`, at);
  const nodeId = readPerInteger16(r, GCC_NODE_ID_MIN, 'nodeID');
  const tag = readPerInteger(r, 'tag');
  const result = r.u8('result');
  readH221UserDataSet(r, H221_SC_KEY);
  const len = readPerLength(r, 'userData');
  const userDataStart = r.offset;
  const userData = r.copy(len, 'userData');
  r.end('ConferenceCreateResponse');
  return {
    response: { nodeId, tag, result, resultName: nameOf(GCC_RESULT_NAMES, result), userData },
    userData: new Reader(userData, 'gcc', userDataStart),
  };
}

export function decodeConferenceCreateResponse(bytes: Uint8Array): ConferenceCreateResponse {
  return readConferenceCreateResponse(new Reader(bytes, 'gcc')).response;
}
