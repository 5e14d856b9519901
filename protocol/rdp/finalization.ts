import { Reader } from '../reader.js';
import { nameOf, Writer } from '../writer.js';
import { MCS_SERVER_CHANNEL_ID } from '../mcs-domain.js';
import {
  encodeShareDataPdu,
  PDUTYPE2_CONTROL,
  PDUTYPE2_FONTLIST,
  PDUTYPE2_FONTMAP,
  PDUTYPE2_SHUTDOWN_DENIED,
  PDUTYPE2_SHUTDOWN_REQUEST,
  PDUTYPE2_SYNCHRONIZE,
} from './share.js';

/**
 * Connection Finalization ([MS-RDPBCGR] 1.3.1.1 phase 10) and the client half of the disconnect sequence
 * (1.3.1.4.1): Synchronize (2.2.1.14.1 / 2.2.1.19), Control Cooperate / Request Control / Granted Control
 * (2.2.1.15.1, 2.2.1.16, 2.2.1.20-21), Font List (2.2.1.18.1), Font Map (2.2.1.22.1), Shutdown Request (2.2.2.1)
 * and Shutdown Request Denied (2.2.2.2). Each payload follows the Share Data Header.
 */

/** messageType SYNCMSGTYPE_SYNC (0x0001) (2.2.1.14.1) */
export const SYNCMSGTYPE_SYNC = 0x0001;

// action of TS_CONTROL_PDU (2.2.1.15.1).
/** CTRLACTION_REQUEST_CONTROL (0x0001) */
export const CTRLACTION_REQUEST_CONTROL = 0x0001;
/** CTRLACTION_GRANTED_CONTROL (0x0002) */
export const CTRLACTION_GRANTED_CONTROL = 0x0002;
/** CTRLACTION_DETACH (0x0003) */
export const CTRLACTION_DETACH = 0x0003;
/** CTRLACTION_COOPERATE (0x0004) */
export const CTRLACTION_COOPERATE = 0x0004;

export const CTRLACTION_NAMES: Readonly<Record<number, string>> = {
  [CTRLACTION_REQUEST_CONTROL]: 'CTRLACTION_REQUEST_CONTROL',
  [CTRLACTION_GRANTED_CONTROL]: 'CTRLACTION_GRANTED_CONTROL',
  [CTRLACTION_DETACH]: 'CTRLACTION_DETACH',
  [CTRLACTION_COOPERATE]: 'CTRLACTION_COOPERATE',
};

/** listFlags FONTLIST_FIRST (0x0001) | FONTLIST_LAST (0x0002) (2.2.1.18.1) */
export const FONTLIST_FIRST_LAST = 0x0003;
/** entrySize of Font List: 0x0032 (50), "MUST" (2.2.1.18.1) */
export const FONTLIST_ENTRY_SIZE = 0x0032;
/** mapFlags FONTMAP_FIRST (0x0001) | FONTMAP_LAST (0x0002) (2.2.1.22.1) */
export const FONTMAP_FIRST_LAST = 0x0003;
/** entrySize of Font Map: 0x0004, "MUST" (2.2.1.22.1) */
export const FONTMAP_ENTRY_SIZE = 0x0004;

export interface Synchronize {
  messageType: number;
  targetUser: number;
}

export interface Control {
  action: number;
  actionName: string;
  grantId: number;
  controlId: number;
}

export interface FontMap {
  numberEntries: number;
  totalNumEntries: number;
  mapFlags: number;
  entrySize: number;
}

export interface FontList {
  numberFonts: number;
  totalNumFonts: number;
  listFlags: number;
  entrySize: number;
}

// ---------------------------------------------------------------------------------------------------------------
// Decoding (the server's finalization PDUs, and the client's for scripted peers)

export function readSynchronize(r: Reader): Synchronize {
  const s = { messageType: r.u16le('messageType'), targetUser: r.u16le('targetUser') };
  r.end('TS_SYNCHRONIZE_PDU');
  return s;
}

export function readControl(r: Reader): Control {
  const action = r.u16le('action');
  const c = { action, actionName: nameOf(CTRLACTION_NAMES, action, 4), grantId: r.u16le('grantId'), controlId: r.u32le('controlId') };
  r.end('TS_CONTROL_PDU');
  return c;
}

export function readFontMap(r: Reader): FontMap {
  const m = { numberEntries: r.u16le('numberEntries'), totalNumEntries: r.u16le('totalNumEntries'), mapFlags: r.u16le('mapFlags'), entrySize: r.u16le('entrySize') };
  // Windows sends no entries (numberEntries 0); whatever follows would be font map entries, which nobody uses.
  r.rest();
  return m;
}

export function readFontList(r: Reader): FontList {
  const l = { numberFonts: r.u16le('numberFonts'), totalNumFonts: r.u16le('totalNumFonts'), listFlags: r.u16le('listFlags'), entrySize: r.u16le('entrySize') };
  r.end('TS_FONT_LIST_PDU');
  return l;
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding. shareId is the Demand Active's; pduSource the user channel (client) or the server channel.

/** Client Synchronize (2.2.1.14): targetUser is the server channel (0x03EA, as in 4.1.14). */
export function encodeSynchronizePdu(shareId: number, pduSource: number, targetUser: number = MCS_SERVER_CHANNEL_ID): Uint8Array {
  return encodeShareDataPdu(PDUTYPE2_SYNCHRONIZE, shareId, pduSource, new Writer().u16le(SYNCMSGTYPE_SYNC).u16le(targetUser, 'targetUser').finish());
}

/** Control PDU (2.2.1.15-16, 2.2.1.20-21): grantId and controlId are 0 from the client. */
export function encodeControlPdu(shareId: number, pduSource: number, action: number, grantId = 0, controlId = 0): Uint8Array {
  return encodeShareDataPdu(PDUTYPE2_CONTROL, shareId, pduSource, new Writer().u16le(action, 'action').u16le(grantId, 'grantId').u32le(controlId, 'controlId').finish());
}

/** Font List (2.2.1.18): an empty list, first and last. */
export function encodeFontListPdu(shareId: number, pduSource: number): Uint8Array {
  const p = new Writer().u16le(0, 'numberFonts').u16le(0, 'totalNumFonts').u16le(FONTLIST_FIRST_LAST, 'listFlags').u16le(FONTLIST_ENTRY_SIZE, 'entrySize');
  return encodeShareDataPdu(PDUTYPE2_FONTLIST, shareId, pduSource, p.finish());
}

/** Font Map (2.2.1.22), for scripted peers. */
export function encodeFontMapPdu(shareId: number, pduSource: number): Uint8Array {
  const p = new Writer().u16le(0, 'numberEntries').u16le(0, 'totalNumEntries').u16le(FONTMAP_FIRST_LAST, 'mapFlags').u16le(FONTMAP_ENTRY_SIZE, 'entrySize');
  return encodeShareDataPdu(PDUTYPE2_FONTMAP, shareId, pduSource, p.finish());
}

/** Shutdown Request (2.2.2.1): the share data header alone (4.2.1). */
export function encodeShutdownRequestPdu(shareId: number, pduSource: number): Uint8Array {
  return encodeShareDataPdu(PDUTYPE2_SHUTDOWN_REQUEST, shareId, pduSource, new Uint8Array(0));
}

/** Shutdown Request Denied (2.2.2.2), for scripted peers. */
export function encodeShutdownDeniedPdu(shareId: number, pduSource: number): Uint8Array {
  return encodeShareDataPdu(PDUTYPE2_SHUTDOWN_DENIED, shareId, pduSource, new Uint8Array(0));
}
