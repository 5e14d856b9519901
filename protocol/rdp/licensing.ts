import { Reader } from '../reader.js';
import { nameOf, Writer } from '../writer.js';
import { encodeBasicSecurityHeader, readBasicSecurityHeader, SEC_LICENSE_ENCRYPT_CS, SEC_LICENSE_PKT } from './share.js';

/**
 * Server licensing PDUs as far as a prober reads them ([MS-RDPBCGR] 2.2.1.12; message types of [MS-RDPELE]
 * 2.2.2): the Basic Security Header with SEC_LICENSE_PKT, the LICENSE_PREAMBLE (2.2.1.12.1.1), and the
 * LICENSE_ERROR_MESSAGE (2.2.1.12.1.3) that ends licensing when the server issues no license (STATUS_VALID_CLIENT)
 * or reports why it cannot (ERR_NO_LICENSE_SERVER...). Every other message type is named, not decoded: a License
 * Request means the server wants the client licensing exchange of [MS-RDPELE], which rdprobe does not implement.
 */

// bMsgType (2.2.1.12.1.1).
/** LICENSE_REQUEST (0x01), [MS-RDPELE] 2.2.2.1 */
export const LICENSE_REQUEST = 0x01;
/** PLATFORM_CHALLENGE (0x02), [MS-RDPELE] 2.2.2.4 */
export const PLATFORM_CHALLENGE = 0x02;
/** NEW_LICENSE (0x03), [MS-RDPELE] 2.2.2.7 */
export const NEW_LICENSE = 0x03;
/** UPGRADE_LICENSE (0x04), [MS-RDPELE] 2.2.2.6 */
export const UPGRADE_LICENSE = 0x04;
/** LICENSE_INFO (0x12), [MS-RDPELE] 2.2.2.3 (client) */
export const LICENSE_INFO = 0x12;
/** NEW_LICENSE_REQUEST (0x13), [MS-RDPELE] 2.2.2.2 (client) */
export const NEW_LICENSE_REQUEST = 0x13;
/** PLATFORM_CHALLENGE_RESPONSE (0x15), [MS-RDPELE] 2.2.2.5 (client) */
export const PLATFORM_CHALLENGE_RESPONSE = 0x15;
/** ERROR_ALERT (0xFF), 2.2.1.12.1.3 */
export const ERROR_ALERT = 0xff;

/** The message names the logon sequence reports (snake_case of the spec names). */
export const LICENSE_MESSAGE_NAMES: Readonly<Record<number, string>> = {
  [LICENSE_REQUEST]: 'license_request',
  [PLATFORM_CHALLENGE]: 'platform_challenge',
  [NEW_LICENSE]: 'new_license',
  [UPGRADE_LICENSE]: 'upgrade_license',
  [LICENSE_INFO]: 'license_info',
  [NEW_LICENSE_REQUEST]: 'new_license_request',
  [PLATFORM_CHALLENGE_RESPONSE]: 'platform_challenge_response',
  [ERROR_ALERT]: 'error',
};

// flags of the preamble (2.2.1.12.1.1).
/** PREAMBLE_VERSION_2_0 (0x02): RDP 4.0 */
export const PREAMBLE_VERSION_2_0 = 0x02;
/** PREAMBLE_VERSION_3_0 (0x03): RDP 5.0 and later */
export const PREAMBLE_VERSION_3_0 = 0x03;
/** LicenseProtocolVersionMask (0x0F) */
export const LICENSE_PROTOCOL_VERSION_MASK = 0x0f;
/** EXTENDED_ERROR_MSG_SUPPORTED (0x80) */
export const EXTENDED_ERROR_MSG_SUPPORTED = 0x80;

// dwErrorCode (2.2.1.12.1.3).
/** ERR_INVALID_SERVER_CERTIFICATE (0x00000001), sent by client */
export const ERR_INVALID_SERVER_CERTIFICATE = 0x00000001;
/** ERR_NO_LICENSE (0x00000002), sent by client */
export const ERR_NO_LICENSE = 0x00000002;
/** ERR_INVALID_MAC (0x00000003), sent by client and server */
export const ERR_INVALID_MAC = 0x00000003;
/** ERR_INVALID_SCOPE (0x00000004) */
export const ERR_INVALID_SCOPE = 0x00000004;
/** ERR_NO_LICENSE_SERVER (0x00000006) */
export const ERR_NO_LICENSE_SERVER = 0x00000006;
/** STATUS_VALID_CLIENT (0x00000007): no license needed, licensing is over */
export const STATUS_VALID_CLIENT = 0x00000007;
/** ERR_INVALID_CLIENT (0x00000008) */
export const ERR_INVALID_CLIENT = 0x00000008;
/** ERR_INVALID_PRODUCTID (0x0000000B) */
export const ERR_INVALID_PRODUCTID = 0x0000000b;
/** ERR_INVALID_MESSAGE_LEN (0x0000000C) */
export const ERR_INVALID_MESSAGE_LEN = 0x0000000c;

export const LICENSE_ERROR_CODE_NAMES: Readonly<Record<number, string>> = {
  [ERR_INVALID_SERVER_CERTIFICATE]: 'ERR_INVALID_SERVER_CERTIFICATE',
  [ERR_NO_LICENSE]: 'ERR_NO_LICENSE',
  [ERR_INVALID_MAC]: 'ERR_INVALID_MAC',
  [ERR_INVALID_SCOPE]: 'ERR_INVALID_SCOPE',
  [ERR_NO_LICENSE_SERVER]: 'ERR_NO_LICENSE_SERVER',
  [STATUS_VALID_CLIENT]: 'STATUS_VALID_CLIENT',
  [ERR_INVALID_CLIENT]: 'ERR_INVALID_CLIENT',
  [ERR_INVALID_PRODUCTID]: 'ERR_INVALID_PRODUCTID',
  [ERR_INVALID_MESSAGE_LEN]: 'ERR_INVALID_MESSAGE_LEN',
};

// dwStateTransition (2.2.1.12.1.3; [MS-RDPELE] 3.1.5.2).
/** ST_TOTAL_ABORT (0x00000001): licensing aborted; the server may drop the connection */
export const ST_TOTAL_ABORT = 0x00000001;
/** ST_NO_TRANSITION (0x00000002): carry on (with STATUS_VALID_CLIENT: licensing succeeded) */
export const ST_NO_TRANSITION = 0x00000002;
/** ST_RESET_PHASE_TO_START (0x00000003) */
export const ST_RESET_PHASE_TO_START = 0x00000003;
/** ST_RESEND_LAST_MESSAGE (0x00000004) */
export const ST_RESEND_LAST_MESSAGE = 0x00000004;

export const LICENSE_STATE_TRANSITION_NAMES: Readonly<Record<number, string>> = {
  [ST_TOTAL_ABORT]: 'ST_TOTAL_ABORT',
  [ST_NO_TRANSITION]: 'ST_NO_TRANSITION',
  [ST_RESET_PHASE_TO_START]: 'ST_RESET_PHASE_TO_START',
  [ST_RESEND_LAST_MESSAGE]: 'ST_RESEND_LAST_MESSAGE',
};

/** BB_ERROR_BLOB (0x0004), LICENSE_BINARY_BLOB wBlobType (2.2.1.12.1.2) */
export const BB_ERROR_BLOB = 0x0004;
/** Cap on the bbErrorInfo blob a server may send (the whole PDU fits a TPKT; Windows sends 0 bytes). */
export const LICENSE_ERROR_INFO_MAX = 0x4000;
export const LICENSE_PREAMBLE_LENGTH = 4;

export interface LicensingPdu {
  /** Basic Security Header flags (SEC_LICENSE_PKT, usually with SEC_LICENSE_ENCRYPT_CS). */
  securityFlags: number;
  msgType: number;
  /** license_request, platform_challenge, error, ... or unknown(0x..) */
  message: string;
  preambleFlags: number;
  /** Preamble version (flags & 0x0F): 3 for RDP 5.0+. */
  version: number;
  /** Only for ERROR_ALERT. */
  error: LicenseErrorMessage | null;
}

export interface LicenseErrorMessage {
  errorCode: number;
  /** ERR_NO_LICENSE_SERVER, STATUS_VALID_CLIENT, ... or unknown(0x..) */
  errorCodeName: string;
  stateTransition: number;
  stateTransitionName: string;
  blobType: number;
  blobLength: number;
}

/**
 * A licensing PDU's MCS user data: Basic Security Header then preamble and message. Only the error message body
 * is decoded; other bodies are bounded by wMsgSize and skipped.
 */
export function readLicensingPdu(r: Reader): LicensingPdu {
  const secAt = r.offset;
  const sec = readBasicSecurityHeader(r);
  if ((sec.flags & SEC_LICENSE_PKT) === 0) r.fail(`security flags 0x${sec.flags.toString(16)} lack SEC_LICENSE_PKT`, secAt);
  const msgType = r.u8('bMsgType');
  const preambleFlags = r.u8('flags');
  const sizeAt = r.offset;
  const msgSize = r.u16le('wMsgSize');
  if (msgSize < LICENSE_PREAMBLE_LENGTH || msgSize - LICENSE_PREAMBLE_LENGTH > r.remaining) {
    r.fail(`wMsgSize ${msgSize} does not fit the ${r.remaining + LICENSE_PREAMBLE_LENGTH} bytes of the licensing message`, sizeAt);
  }
  const body = r.sub(msgSize - LICENSE_PREAMBLE_LENGTH, 'licensing message', 'licensing');
  r.end('licensing PDU');
  let error: LicenseErrorMessage | null = null;
  if (msgType === ERROR_ALERT) error = readLicenseErrorMessage(body);
  else body.rest();
  return {
    securityFlags: sec.flags,
    msgType,
    message: nameOf(LICENSE_MESSAGE_NAMES, msgType),
    preambleFlags,
    version: preambleFlags & LICENSE_PROTOCOL_VERSION_MASK,
    error,
  };
}

export function readLicenseErrorMessage(r: Reader): LicenseErrorMessage {
  const errorCode = r.u32le('dwErrorCode');
  const stateTransition = r.u32le('dwStateTransition');
  const blobType = r.u16le('wBlobType');
  const lenAt = r.offset;
  const blobLength = r.u16le('wBlobLen');
  if (blobLength > LICENSE_ERROR_INFO_MAX) r.fail(`bbErrorInfo wBlobLen ${blobLength} exceeds ${LICENSE_ERROR_INFO_MAX}`, lenAt);
  r.skip(blobLength, 'bbErrorInfo blobData');
  r.end('LICENSE_ERROR_MESSAGE');
  return {
    errorCode,
    errorCodeName: nameOf(LICENSE_ERROR_CODE_NAMES, errorCode, 8),
    stateTransition,
    stateTransitionName: nameOf(LICENSE_STATE_TRANSITION_NAMES, stateTransition, 8),
    blobType,
    blobLength,
  };
}

export function decodeLicensingPdu(bytes: Uint8Array, base = 0): LicensingPdu {
  return readLicensingPdu(new Reader(bytes, 'licensing', base));
}

// ---------------------------------------------------------------------------------------------------------------
// Encoding (scripted peers)

/** Security header + preamble around a message body (SEC_LICENSE_PKT | SEC_LICENSE_ENCRYPT_CS, as 4.1.11 shows). */
export function encodeLicensingPdu(msgType: number, body: Uint8Array, preambleFlags = PREAMBLE_VERSION_3_0): Uint8Array {
  return new Writer()
    .bytes(encodeBasicSecurityHeader(SEC_LICENSE_PKT | SEC_LICENSE_ENCRYPT_CS))
    .u8(msgType, 'bMsgType')
    .u8(preambleFlags, 'flags')
    .u16le(body.length + LICENSE_PREAMBLE_LENGTH, 'wMsgSize')
    .bytes(body)
    .finish();
}

/** LICENSE_ERROR_MESSAGE with an empty BB_ERROR_BLOB (2.2.1.12.1.3). */
export function encodeLicenseErrorPdu(errorCode: number, stateTransition: number): Uint8Array {
  const body = new Writer().u32le(errorCode, 'dwErrorCode').u32le(stateTransition, 'dwStateTransition').u16le(BB_ERROR_BLOB, 'wBlobType').u16le(0, 'wBlobLen').finish();
  return encodeLicensingPdu(ERROR_ALERT, body);
}

/**
 * A stand-in SERVER_LICENSE_REQUEST ([MS-RDPELE] 2.2.2.1): the client never parses the body (it stops at the
 * message type), so a peer only needs the right type and a plausible size: a 32-byte ServerRandom and empty rest.
 */
export function encodeLicenseRequestPdu(): Uint8Array {
  return encodeLicensingPdu(LICENSE_REQUEST, new Uint8Array(32 + 4 + 4 + 4));
}
