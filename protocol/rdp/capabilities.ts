import { Reader } from '../reader.js';
import { nameOf, Writer } from '../writer.js';
import { MCS_SERVER_CHANNEL_ID } from '../mcs-domain.js';
import { encodeShareControlPdu, PDUTYPE_CONFIRMACTIVEPDU, PDUTYPE_DEMANDACTIVEPDU } from './share.js';

/**
 * Capability Exchange ([MS-RDPBCGR] 1.3.1.1 phase 9): the server's Demand Active PDU (2.2.1.13.1, TS_DEMAND_ACTIVE_PDU
 * 2.2.1.13.1.1) and the client's Confirm Active PDU (2.2.1.13.2, TS_CONFIRM_ACTIVE_PDU 2.2.1.13.2.1), with the
 * capability sets (TS_CAPS_SET 2.2.1.13.1.1.1, sets in 2.2.7). Sets are walked by their own headers; the client
 * sends the smallest set list a server accepts: everything 2.2.1.13.2.1 calls mandatory, no orders, no caches in
 * use, no compression.
 */

// capabilitySetType (2.2.1.13.1.1.1).
/** CAPSTYPE_GENERAL (0x0001), 2.2.7.1.1 */
export const CAPSTYPE_GENERAL = 0x0001;
/** CAPSTYPE_BITMAP (0x0002), 2.2.7.1.2 */
export const CAPSTYPE_BITMAP = 0x0002;
/** CAPSTYPE_ORDER (0x0003), 2.2.7.1.3 */
export const CAPSTYPE_ORDER = 0x0003;
/** CAPSTYPE_BITMAPCACHE (0x0004), 2.2.7.1.4.1 */
export const CAPSTYPE_BITMAPCACHE = 0x0004;
/** CAPSTYPE_CONTROL (0x0005), 2.2.7.2.2 */
export const CAPSTYPE_CONTROL = 0x0005;
/** CAPSTYPE_ACTIVATION (0x0007), 2.2.7.2.3 */
export const CAPSTYPE_ACTIVATION = 0x0007;
/** CAPSTYPE_POINTER (0x0008), 2.2.7.1.5 */
export const CAPSTYPE_POINTER = 0x0008;
/** CAPSTYPE_SHARE (0x0009), 2.2.7.2.4 */
export const CAPSTYPE_SHARE = 0x0009;
/** CAPSTYPE_COLORCACHE (0x000A), 2.2.7.2.1 */
export const CAPSTYPE_COLORCACHE = 0x000a;
/** CAPSTYPE_SOUND (0x000C), 2.2.7.1.11 */
export const CAPSTYPE_SOUND = 0x000c;
/** CAPSTYPE_INPUT (0x000D), 2.2.7.1.6 */
export const CAPSTYPE_INPUT = 0x000d;
/** CAPSTYPE_FONT (0x000E), 2.2.7.2.5 */
export const CAPSTYPE_FONT = 0x000e;
/** CAPSTYPE_BRUSH (0x000F), 2.2.7.1.7 */
export const CAPSTYPE_BRUSH = 0x000f;
/** CAPSTYPE_GLYPHCACHE (0x0010), 2.2.7.1.8 */
export const CAPSTYPE_GLYPHCACHE = 0x0010;
/** CAPSTYPE_OFFSCREENCACHE (0x0011), 2.2.7.1.9 */
export const CAPSTYPE_OFFSCREENCACHE = 0x0011;
/** CAPSTYPE_BITMAPCACHE_HOSTSUPPORT (0x0012), 2.2.7.2.1 */
export const CAPSTYPE_BITMAPCACHE_HOSTSUPPORT = 0x0012;
/** CAPSTYPE_BITMAPCACHE_REV2 (0x0013), 2.2.7.1.4.2 */
export const CAPSTYPE_BITMAPCACHE_REV2 = 0x0013;
/** CAPSTYPE_VIRTUALCHANNEL (0x0014), 2.2.7.1.10 */
export const CAPSTYPE_VIRTUALCHANNEL = 0x0014;
/** CAPSTYPE_DRAWNINEGRIDCACHE (0x0015) */
export const CAPSTYPE_DRAWNINEGRIDCACHE = 0x0015;
/** CAPSTYPE_DRAWGDIPLUS (0x0016) */
export const CAPSTYPE_DRAWGDIPLUS = 0x0016;
/** CAPSTYPE_RAIL (0x0017) */
export const CAPSTYPE_RAIL = 0x0017;
/** CAPSTYPE_WINDOW (0x0018) */
export const CAPSTYPE_WINDOW = 0x0018;
/** CAPSETTYPE_COMPDESK (0x0019) */
export const CAPSETTYPE_COMPDESK = 0x0019;
/** CAPSETTYPE_MULTIFRAGMENTUPDATE (0x001A) */
export const CAPSETTYPE_MULTIFRAGMENTUPDATE = 0x001a;
/** CAPSETTYPE_LARGE_POINTER (0x001B) */
export const CAPSETTYPE_LARGE_POINTER = 0x001b;
/** CAPSETTYPE_SURFACE_COMMANDS (0x001C) */
export const CAPSETTYPE_SURFACE_COMMANDS = 0x001c;
/** CAPSETTYPE_BITMAP_CODECS (0x001D) */
export const CAPSETTYPE_BITMAP_CODECS = 0x001d;
/** CAPSSETTYPE_FRAME_ACKNOWLEDGE (0x001E) */
export const CAPSSETTYPE_FRAME_ACKNOWLEDGE = 0x001e;

export const CAPSET_NAMES: Readonly<Record<number, string>> = {
  [CAPSTYPE_GENERAL]: 'CAPSTYPE_GENERAL',
  [CAPSTYPE_BITMAP]: 'CAPSTYPE_BITMAP',
  [CAPSTYPE_ORDER]: 'CAPSTYPE_ORDER',
  [CAPSTYPE_BITMAPCACHE]: 'CAPSTYPE_BITMAPCACHE',
  [CAPSTYPE_CONTROL]: 'CAPSTYPE_CONTROL',
  [CAPSTYPE_ACTIVATION]: 'CAPSTYPE_ACTIVATION',
  [CAPSTYPE_POINTER]: 'CAPSTYPE_POINTER',
  [CAPSTYPE_SHARE]: 'CAPSTYPE_SHARE',
  [CAPSTYPE_COLORCACHE]: 'CAPSTYPE_COLORCACHE',
  [CAPSTYPE_SOUND]: 'CAPSTYPE_SOUND',
  [CAPSTYPE_INPUT]: 'CAPSTYPE_INPUT',
  [CAPSTYPE_FONT]: 'CAPSTYPE_FONT',
  [CAPSTYPE_BRUSH]: 'CAPSTYPE_BRUSH',
  [CAPSTYPE_GLYPHCACHE]: 'CAPSTYPE_GLYPHCACHE',
  [CAPSTYPE_OFFSCREENCACHE]: 'CAPSTYPE_OFFSCREENCACHE',
  [CAPSTYPE_BITMAPCACHE_HOSTSUPPORT]: 'CAPSTYPE_BITMAPCACHE_HOSTSUPPORT',
  [CAPSTYPE_BITMAPCACHE_REV2]: 'CAPSTYPE_BITMAPCACHE_REV2',
  [CAPSTYPE_VIRTUALCHANNEL]: 'CAPSTYPE_VIRTUALCHANNEL',
  [CAPSTYPE_DRAWNINEGRIDCACHE]: 'CAPSTYPE_DRAWNINEGRIDCACHE',
  [CAPSTYPE_DRAWGDIPLUS]: 'CAPSTYPE_DRAWGDIPLUS',
  [CAPSTYPE_RAIL]: 'CAPSTYPE_RAIL',
  [CAPSTYPE_WINDOW]: 'CAPSTYPE_WINDOW',
  [CAPSETTYPE_COMPDESK]: 'CAPSETTYPE_COMPDESK',
  [CAPSETTYPE_MULTIFRAGMENTUPDATE]: 'CAPSETTYPE_MULTIFRAGMENTUPDATE',
  [CAPSETTYPE_LARGE_POINTER]: 'CAPSETTYPE_LARGE_POINTER',
  [CAPSETTYPE_SURFACE_COMMANDS]: 'CAPSETTYPE_SURFACE_COMMANDS',
  [CAPSETTYPE_BITMAP_CODECS]: 'CAPSETTYPE_BITMAP_CODECS',
  [CAPSSETTYPE_FRAME_ACKNOWLEDGE]: 'CAPSSETTYPE_FRAME_ACKNOWLEDGE',
};

/** Cap on numberCapabilities: about 30 set types exist; Windows sends under 30. */
export const MAX_CAPABILITY_SETS = 64;
/** Cap on lengthSourceDescriptor ("RDP" / "MSTSC" in practice). */
export const MAX_SOURCE_DESCRIPTOR = 256;
export const CAPSET_HEADER_LENGTH = 4;

// General Capability Set values (2.2.7.1.1).
/** osMajorType OSMAJORTYPE_WINDOWS (0x0001) */
export const OSMAJORTYPE_WINDOWS = 0x0001;
/** osMinorType OSMINORTYPE_WINDOWS_NT (0x0003) */
export const OSMINORTYPE_WINDOWS_NT = 0x0003;
/** protocolVersion TS_CAPS_PROTOCOLVERSION (0x0200) */
export const TS_CAPS_PROTOCOLVERSION = 0x0200;
/** extraFlags FASTPATH_OUTPUT_SUPPORTED (0x0001) */
export const FASTPATH_OUTPUT_SUPPORTED = 0x0001;
/** extraFlags LONG_CREDENTIALS_SUPPORTED (0x0004): Save Session Info may be INFOTYPE_LOGON_LONG */
export const LONG_CREDENTIALS_SUPPORTED = 0x0004;
/** extraFlags AUTORECONNECT_SUPPORTED (0x0008): not set, rdprobe wants no auto-reconnect cookie */
export const AUTORECONNECT_SUPPORTED = 0x0008;
/** extraFlags NO_BITMAP_COMPRESSION_HDR (0x0400) */
export const NO_BITMAP_COMPRESSION_HDR = 0x0400;
/** orderFlags NEGOTIATEORDERSUPPORT (0x0002) | ZEROBOUNDSDELTASSUPPORT (0x0008): both "MUST" be set (2.2.7.1.3) */
export const ORDER_FLAGS_MANDATORY = 0x0002 | 0x0008;
/** inputFlags INPUT_FLAG_SCANCODES (0x0001): "MUST" be set (2.2.7.1.6) */
export const INPUT_FLAG_SCANCODES = 0x0001;
/** fontSupportFlags FONTSUPPORT_FONTLIST (0x0001) (2.2.7.2.5) */
export const FONTSUPPORT_FONTLIST = 0x0001;
/** controlInterest / detachInterest CONTROLPRIORITY_NEVER (0x0002) (2.2.7.2.2) */
export const CONTROLPRIORITY_NEVER = 0x0002;

export interface CapabilitySet {
  type: number;
  name: string;
  /** Body after the 4-byte header. */
  data: Uint8Array;
}

export interface GeneralCapability {
  osMajorType: number;
  osMinorType: number;
  protocolVersion: number;
  extraFlags: number;
}

export interface BitmapCapability {
  preferredBitsPerPixel: number;
  desktopWidth: number;
  desktopHeight: number;
}

export interface DemandActive {
  shareId: number;
  sourceDescriptor: string;
  capabilitySets: CapabilitySet[];
  /** Absent from some old servers (the field was added in RDP 5). */
  sessionId: number | null;
  general: GeneralCapability | null;
  bitmap: BitmapCapability | null;
}

export interface ConfirmActive {
  shareId: number;
  originatorId: number;
  sourceDescriptor: string;
  capabilitySets: CapabilitySet[];
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding

function readCapabilitySets(r: Reader, count: number): CapabilitySet[] {
  const sets: CapabilitySet[] = [];
  for (let i = 0; i < count; i++) {
    const at = r.offset;
    const type = r.u16le('capabilitySetType');
    const length = r.u16le('lengthCapability');
    const name = nameOf(CAPSET_NAMES, type, 4);
    if (length < CAPSET_HEADER_LENGTH) r.fail(`${name} lengthCapability ${length} is below its 4-byte header`, at + 2);
    if (length - CAPSET_HEADER_LENGTH > r.remaining) r.fail(`${name} lengthCapability ${length} runs past the ${r.remaining + 4} bytes left`, at + 2);
    sets.push({ type, name, data: r.copy(length - CAPSET_HEADER_LENGTH, name) });
  }
  return sets;
}

/** Shared head of Demand/Confirm Active after shareId (and originatorId): descriptor, count, pad, sets. */
function readCombined(r: Reader): { sourceDescriptor: string; capabilitySets: CapabilitySet[] } {
  const descAt = r.offset;
  const lengthSourceDescriptor = r.u16le('lengthSourceDescriptor');
  const combinedAt = r.offset;
  const lengthCombinedCapabilities = r.u16le('lengthCombinedCapabilities');
  if (lengthSourceDescriptor > MAX_SOURCE_DESCRIPTOR) r.fail(`lengthSourceDescriptor ${lengthSourceDescriptor} exceeds ${MAX_SOURCE_DESCRIPTOR}`, descAt);
  const desc = r.bytes(lengthSourceDescriptor, 'sourceDescriptor');
  const nul = desc.indexOf(0);
  const sourceDescriptor = Buffer.from(desc.subarray(0, nul < 0 ? desc.length : nul)).toString('latin1');
  if (lengthCombinedCapabilities < 4 || lengthCombinedCapabilities > r.remaining) {
    r.fail(`lengthCombinedCapabilities ${lengthCombinedCapabilities} does not fit the ${r.remaining} bytes left`, combinedAt);
  }
  const combined = r.sub(lengthCombinedCapabilities, 'combined capabilities');
  const countAt = combined.offset;
  const count = combined.u16le('numberCapabilities');
  if (count > MAX_CAPABILITY_SETS) combined.fail(`numberCapabilities ${count} exceeds ${MAX_CAPABILITY_SETS}`, countAt);
  combined.u16le('pad2Octets');
  const capabilitySets = readCapabilitySets(combined, count);
  combined.end('capabilitySets');
  return { sourceDescriptor, capabilitySets };
}

export function readGeneralCapability(data: Uint8Array, base = 0): GeneralCapability {
  const r = new Reader(data, 'rdp', base);
  const osMajorType = r.u16le('osMajorType');
  const osMinorType = r.u16le('osMinorType');
  const protocolVersion = r.u16le('protocolVersion');
  r.u16le('pad2octetsA');
  r.u16le('generalCompressionTypes');
  const extraFlags = r.u16le('extraFlags');
  // The rest (updateCapabilityFlag ... suppressOutputSupport) is not needed; old servers stop early.
  r.rest();
  return { osMajorType, osMinorType, protocolVersion, extraFlags };
}

export function readBitmapCapability(data: Uint8Array, base = 0): BitmapCapability {
  const r = new Reader(data, 'rdp', base);
  const preferredBitsPerPixel = r.u16le('preferredBitsPerPixel');
  r.skip(6, 'receive1/4/8BitPerPixel');
  const desktopWidth = r.u16le('desktopWidth');
  const desktopHeight = r.u16le('desktopHeight');
  r.rest();
  return { preferredBitsPerPixel, desktopWidth, desktopHeight };
}

/** TS_DEMAND_ACTIVE_PDU body (after the Share Control Header). */
export function readDemandActive(r: Reader): DemandActive {
  const shareId = r.u32le('shareId');
  const { sourceDescriptor, capabilitySets } = readCombined(r);
  const sessionId = r.remaining >= 4 ? r.u32le('sessionId') : null;
  r.end('TS_DEMAND_ACTIVE_PDU');
  const general = capabilitySets.find((s) => s.type === CAPSTYPE_GENERAL);
  const bitmap = capabilitySets.find((s) => s.type === CAPSTYPE_BITMAP);
  return {
    shareId,
    sourceDescriptor,
    capabilitySets,
    sessionId,
    general: general ? readGeneralCapability(general.data) : null,
    bitmap: bitmap ? readBitmapCapability(bitmap.data) : null,
  };
}

/** TS_CONFIRM_ACTIVE_PDU body (after the Share Control Header), as a scripted server reads it. */
export function readConfirmActive(r: Reader): ConfirmActive {
  const shareId = r.u32le('shareId');
  const originatorId = r.u16le('originatorId');
  const { sourceDescriptor, capabilitySets } = readCombined(r);
  r.end('TS_CONFIRM_ACTIVE_PDU');
  return { shareId, originatorId, sourceDescriptor, capabilitySets };
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding

function capset(type: number, body: Writer): CapabilitySet {
  return { type, name: nameOf(CAPSET_NAMES, type, 4), data: body.finish() };
}

function encodeCombined(w: Writer, sourceDescriptor: string, sets: readonly CapabilitySet[]): void {
  const desc = Buffer.from(sourceDescriptor, 'latin1');
  const caps = new Writer().u16le(sets.length, 'numberCapabilities').u16le(0, 'pad2Octets');
  for (const s of sets) caps.u16le(s.type, 'capabilitySetType').u16le(s.data.length + CAPSET_HEADER_LENGTH, 'lengthCapability').bytes(s.data);
  const combined = caps.finish();
  w.u16le(desc.length, 'lengthSourceDescriptor').u16le(combined.length, 'lengthCombinedCapabilities').bytes(desc).bytes(combined);
}

export interface ClientCapabilityOptions {
  desktopWidth: number;
  desktopHeight: number;
  /** Default 16: the least a shadow or Windows server will agree to without a palette. */
  bitsPerPixel?: number;
  keyboardLayout?: number;
  /**
   * Advertise FASTPATH_OUTPUT_SUPPORTED (default true, as every current client does). FreeRDP's shadow server
   * drops a client without it at its first screen update ("client does not support fast path output"); the
   * logon sequence only counts fast-path frames, it never needs to read one.
   */
  fastPathOutput?: boolean;
}

/**
 * The client capability sets rdprobe confirms: the mandatory ones of 2.2.1.13.2.1 (general, bitmap, order,
 * bitmap cache, pointer, input, brush, glyph cache, offscreen cache, virtual channel, sound) plus control,
 * activation, share and font, all in their "support nothing" form.
 */
export function minimalClientCapabilities(o: ClientCapabilityOptions): CapabilitySet[] {
  const bpp = o.bitsPerPixel ?? 16;
  const extraFlags = LONG_CREDENTIALS_SUPPORTED | NO_BITMAP_COMPRESSION_HDR | (o.fastPathOutput === false ? 0 : FASTPATH_OUTPUT_SUPPORTED);
  return [
    // 2.2.7.1.1: long credentials so INFOTYPE_LOGON_LONG is allowed, no auto-reconnect (AUTORECONNECT_SUPPORTED unset).
    capset(CAPSTYPE_GENERAL, new Writer().u16le(OSMAJORTYPE_WINDOWS).u16le(OSMINORTYPE_WINDOWS_NT).u16le(TS_CAPS_PROTOCOLVERSION)
      .u16le(0).u16le(0).u16le(extraFlags).u16le(0).u16le(0).u16le(0).u8(0).u8(0)),
    // 2.2.7.1.2
    capset(CAPSTYPE_BITMAP, new Writer().u16le(bpp).u16le(1).u16le(1).u16le(1).u16le(o.desktopWidth).u16le(o.desktopHeight)
      .u16le(0).u16le(0).u16le(1).u8(0).u8(0).u16le(1).u16le(0)),
    // 2.2.7.1.3: no drawing orders at all.
    capset(CAPSTYPE_ORDER, new Writer().bytes(new Uint8Array(16)).u32le(0).u16le(1).u16le(20).u16le(0).u16le(1).u16le(0)
      .u16le(ORDER_FLAGS_MANDATORY).bytes(new Uint8Array(32)).u16le(0).u16le(0).u32le(0).u32le(0).u16le(0).u16le(0).u16le(0).u16le(0)),
    // 2.2.7.1.4.1: revision 1 bitmap cache with empty caches.
    capset(CAPSTYPE_BITMAPCACHE, new Writer().bytes(new Uint8Array(24)).bytes(new Uint8Array(12))),
    // 2.2.7.1.5: monochrome pointers only.
    capset(CAPSTYPE_POINTER, new Writer().u16le(0).u16le(0).u16le(0)),
    // 2.2.7.1.6
    capset(CAPSTYPE_INPUT, new Writer().u16le(INPUT_FLAG_SCANCODES).u16le(0).u32le(o.keyboardLayout ?? 0x409).u32le(4).u32le(0).u32le(12)
      .bytes(new Uint8Array(64))),
    // 2.2.7.1.7 BRUSH_DEFAULT
    capset(CAPSTYPE_BRUSH, new Writer().u32le(0)),
    // 2.2.7.1.8 GLYPH_SUPPORT_NONE
    capset(CAPSTYPE_GLYPHCACHE, new Writer().bytes(new Uint8Array(40)).u32le(0).u16le(0).u16le(0)),
    // 2.2.7.1.9 no offscreen cache
    capset(CAPSTYPE_OFFSCREENCACHE, new Writer().u32le(0).u16le(0).u16le(0)),
    // 2.2.7.1.10 VCCAPS_NO_COMPR
    capset(CAPSTYPE_VIRTUALCHANNEL, new Writer().u32le(0).u32le(0)),
    // 2.2.7.1.11 no beeps
    capset(CAPSTYPE_SOUND, new Writer().u16le(0).u16le(0)),
    // 2.2.7.2.2
    capset(CAPSTYPE_CONTROL, new Writer().u16le(0).u16le(0).u16le(CONTROLPRIORITY_NEVER).u16le(CONTROLPRIORITY_NEVER)),
    // 2.2.7.2.3
    capset(CAPSTYPE_ACTIVATION, new Writer().u16le(0).u16le(0).u16le(0).u16le(0)),
    // 2.2.7.2.4: nodeId is filled in by the server
    capset(CAPSTYPE_SHARE, new Writer().u16le(0).u16le(0)),
    // 2.2.7.2.5
    capset(CAPSTYPE_FONT, new Writer().u16le(FONTSUPPORT_FONTLIST).u16le(0)),
  ];
}

/** Confirm Active PDU (2.2.1.13.2): pduSource is the user channel, originatorId the server channel 0x03EA. */
export function encodeConfirmActivePdu(shareId: number, userChannelId: number, sets: readonly CapabilitySet[], sourceDescriptor = 'MSTSC'): Uint8Array {
  const w = new Writer().u32le(shareId, 'shareId').u16le(MCS_SERVER_CHANNEL_ID, 'originatorId');
  encodeCombined(w, sourceDescriptor, sets);
  return encodeShareControlPdu(PDUTYPE_CONFIRMACTIVEPDU, userChannelId, w.finish());
}

/** Demand Active PDU (2.2.1.13.1), for scripted peers. */
export function encodeDemandActivePdu(shareId: number, sets: readonly CapabilitySet[], sessionId: number, sourceDescriptor = 'RDP'): Uint8Array {
  const w = new Writer().u32le(shareId, 'shareId');
  encodeCombined(w, sourceDescriptor, sets);
  w.u32le(sessionId, 'sessionId');
  return encodeShareControlPdu(PDUTYPE_DEMANDACTIVEPDU, MCS_SERVER_CHANNEL_ID, w.finish());
}

/** A server's general + bitmap sets, for scripted peers. */
export function serverCapabilities(desktopWidth: number, desktopHeight: number): CapabilitySet[] {
  return minimalClientCapabilities({ desktopWidth, desktopHeight }).filter((s) => s.type === CAPSTYPE_GENERAL || s.type === CAPSTYPE_BITMAP || s.type === CAPSTYPE_FONT);
}
