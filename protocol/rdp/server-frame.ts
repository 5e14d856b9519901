import { DecodeError } from '../errors.js';
import { Reader } from '../reader.js';
import { flagNames } from '../writer.js';
import { decodeTpkt, tpktFrameLength, TPKT_VERSION } from '../tpkt.js';
import { X224_TPDU_DATA, X224_TPDU_DISCONNECT_REQUEST } from '../x224.js';
import { decodeMcsDomainPdu, type McsDomainPdu } from '../mcs-domain.js';
import { readDemandActive, type DemandActive } from './capabilities.js';
import { readSetErrorInfo, type SetErrorInfo } from './error-info.js';
import { readControl, readFontMap, readSynchronize, type Control, type FontMap, type Synchronize } from './finalization.js';
import { readLicensingPdu, type LicensingPdu } from './licensing.js';
import { readSaveSessionInfo, type SaveSessionInfo } from './session-info.js';
import {
  PACKET_COMPRESSED,
  PDUTYPE2_CONTROL,
  PDUTYPE2_FONTMAP,
  PDUTYPE2_SAVE_SESSION_INFO,
  PDUTYPE2_SET_ERROR_INFO_PDU,
  PDUTYPE2_SHUTDOWN_DENIED,
  PDUTYPE2_SYNCHRONIZE,
  PDUTYPE_DATAPDU,
  PDUTYPE_DEACTIVATEALLPDU,
  PDUTYPE_DEMANDACTIVEPDU,
  PDUTYPE_SERVER_REDIR_PKT,
  readBasicSecurityHeader,
  readDeactivateAll,
  readEnhancedServerRedirection,
  readShareControlPdu,
  readShareDataHeader,
  SEC_LICENSE_PKT,
  SECURITY_FLAG_NAMES,
  startsWithShareControlHeader,
  type DeactivateAll,
  type ServerRedirection,
  type ShareDataHeader,
} from './share.js';

/**
 * One whole frame from the server after the MCS Connect Response, decoded as far as the logon sequence needs:
 * TPKT (RFC 1006) + X.224 (Data or Disconnect Request) + MCS domain PDU, and for a Send Data Indication every
 * share PDU (or licensing / security-header PDU) in its user data. Fast-path output frames ([MS-RDPBCGR]
 * 2.2.9.1.2: screen updates once the connection is active) are only measured, never parsed.
 */

/** fpOutputHeader action FASTPATH_OUTPUT_ACTION_FASTPATH (0x0) (2.2.9.1.2). */
export const FASTPATH_OUTPUT_ACTION_FASTPATH = 0x0;

/**
 * Framing for the stream after the X.224 exchange: bytes a frame starting at buf[0] occupies (TPKT, or a fast-path
 * frame whose 1- or 2-byte length follows the header byte, 2.2.9.1.2), or null while more bytes are needed.
 */
export function rdpFrameLength(buf: Uint8Array): number | null {
  if (buf.length < 1) return null;
  if (buf[0] === TPKT_VERSION) return tpktFrameLength(buf);
  if ((buf[0]! & 0x03) !== FASTPATH_OUTPUT_ACTION_FASTPATH) {
    throw new DecodeError('tpkt', 0, `neither TPKT nor fast-path: first byte 0x${buf[0]!.toString(16).padStart(2, '0')}`);
  }
  if (buf.length < 2) return null;
  const len1 = buf[1]!;
  let length = len1;
  let header = 2;
  if (len1 & 0x80) {
    if (buf.length < 3) return null;
    length = ((len1 & 0x7f) << 8) | buf[2]!;
    header = 3;
  }
  if (length < header) throw new DecodeError('tpkt', 1, `fast-path length ${length} is shorter than its ${header}-byte header`);
  return length;
}

export type ServerData =
  | { pdu: 'set_error_info'; errorInfo: SetErrorInfo }
  | { pdu: 'synchronize'; synchronize: Synchronize }
  | { pdu: 'control'; control: Control }
  | { pdu: 'font_map'; fontMap: FontMap }
  | { pdu: 'save_session_info'; info: SaveSessionInfo }
  | { pdu: 'shutdown_denied' }
  /** Bulk-compressed (never asked for): not decompressed. */
  | { pdu: 'compressed' }
  /** Updates, pointers, monitor layout, status info...: not needed for the logon question. */
  | { pdu: 'other' };

export type ServerPdu =
  | { type: 'licensing'; licensing: LicensingPdu }
  /** A security-header PDU that is not licensing (auto-detect, multitransport, heartbeat): not followed. */
  | { type: 'security'; flags: number; flagNames: string[] }
  | { type: 'demand_active'; pduSource: number | null; demandActive: DemandActive }
  | { type: 'deactivate_all'; deactivateAll: DeactivateAll }
  | { type: 'redirection'; redirection: ServerRedirection }
  | { type: 'data'; header: ShareDataHeader; data: ServerData }
  | { type: 'flow' }
  | { type: 'other_share'; pduType: number; pduTypeName: string };

export type ServerFrame =
  | { kind: 'fast_path'; length: number }
  | { kind: 'x224_disconnect_request' }
  | { kind: 'mcs'; pdu: McsDomainPdu }
  | { kind: 'send_data'; initiator: number; channelId: number; pdus: ServerPdu[] };

function readServerData(body: Reader): { header: ShareDataHeader; data: ServerData } {
  const header = readShareDataHeader(body);
  if (header.compressedType & PACKET_COMPRESSED) {
    body.rest();
    return { header, data: { pdu: 'compressed' } };
  }
  switch (header.pduType2) {
    case PDUTYPE2_SET_ERROR_INFO_PDU:
      return { header, data: { pdu: 'set_error_info', errorInfo: readSetErrorInfo(body) } };
    case PDUTYPE2_SYNCHRONIZE:
      return { header, data: { pdu: 'synchronize', synchronize: readSynchronize(body) } };
    case PDUTYPE2_CONTROL:
      return { header, data: { pdu: 'control', control: readControl(body) } };
    case PDUTYPE2_FONTMAP:
      return { header, data: { pdu: 'font_map', fontMap: readFontMap(body) } };
    case PDUTYPE2_SAVE_SESSION_INFO:
      return { header, data: { pdu: 'save_session_info', info: readSaveSessionInfo(body) } };
    case PDUTYPE2_SHUTDOWN_DENIED:
      body.end('Shutdown Request Denied');
      return { header, data: { pdu: 'shutdown_denied' } };
    default:
      body.rest();
      return { header, data: { pdu: 'other' } };
  }
}

/** The PDUs in one Send Data Indication's user data (`base` is its absolute offset in the frame). */
export function decodeServerUserData(userData: Uint8Array, base = 0): ServerPdu[] {
  const r = new Reader(userData, 'rdp', base);
  if (!startsWithShareControlHeader(userData)) {
    const sec = readBasicSecurityHeader(r);
    if (sec.flags & SEC_LICENSE_PKT) return [{ type: 'licensing', licensing: readLicensingPdu(new Reader(userData, 'licensing', base)) }];
    r.rest();
    return [{ type: 'security', flags: sec.flags, flagNames: flagNames(SECURITY_FLAG_NAMES, sec.flags, 4) }];
  }
  // A server may put several share PDUs in one indication (FreeRDP's reader loops over them too).
  const out: ServerPdu[] = [];
  while (r.remaining > 0) {
    const { header, body } = readShareControlPdu(r);
    switch (header.pduType) {
      case -1:
        body.rest();
        out.push({ type: 'flow' });
        break;
      case PDUTYPE_DEMANDACTIVEPDU:
        out.push({ type: 'demand_active', pduSource: header.pduSource, demandActive: readDemandActive(body) });
        break;
      case PDUTYPE_DEACTIVATEALLPDU:
        out.push({ type: 'deactivate_all', deactivateAll: readDeactivateAll(body) });
        break;
      case PDUTYPE_SERVER_REDIR_PKT:
        out.push({ type: 'redirection', redirection: readEnhancedServerRedirection(body) });
        break;
      case PDUTYPE_DATAPDU: {
        const { header: dataHeader, data } = readServerData(body);
        out.push({ type: 'data', header: dataHeader, data });
        break;
      }
      default:
        body.rest();
        out.push({ type: 'other_share', pduType: header.pduType, pduTypeName: header.pduTypeName });
    }
  }
  return out;
}

/** Decodes one whole server frame (as cut by rdpFrameLength). Throws DecodeError. */
export function decodeServerFrame(frame: Uint8Array): ServerFrame {
  if (frame.length > 0 && frame[0] !== TPKT_VERSION) {
    const length = rdpFrameLength(frame);
    if (length !== frame.length) throw new DecodeError('tpkt', 1, `fast-path length ${length} does not match the ${frame.length}-byte frame`);
    return { kind: 'fast_path', length };
  }
  const tpdu = decodeTpkt(frame);
  const r = new Reader(tpdu, 'x224', 4);
  const li = r.u8('length indicator');
  const code = r.u8('TPDU code');
  if (code === X224_TPDU_DISCONNECT_REQUEST) {
    r.rest();
    return { kind: 'x224_disconnect_request' };
  }
  if (code !== X224_TPDU_DATA || li !== 2) r.fail(`expected an X.224 Data TPDU (LI 2, 0xF0), got LI ${li} code 0x${code.toString(16).padStart(2, '0')}`, 4);
  const eot = r.u8('EOT');
  if ((eot & 0x7f) !== 0) r.fail(`unexpected Data TPDU flags 0x${eot.toString(16)}`, 6);
  const mcsAt = r.offset;
  const pdu = decodeMcsDomainPdu(r.rest(), mcsAt);
  if (pdu.kind !== 'send_data_indication') return { kind: 'mcs', pdu };
  const userDataAt = mcsAt + (tpdu.length - 3) - pdu.userData.length;
  return { kind: 'send_data', initiator: pdu.initiator, channelId: pdu.channelId, pdus: decodeServerUserData(pdu.userData, userDataAt) };
}
