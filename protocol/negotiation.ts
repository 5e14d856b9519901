import { Reader } from './reader.js';
import { Writer, flagNames, nameOf } from './writer.js';

// Security protocol flags: requestedProtocols / selectedProtocol ([MS-RDPBCGR] 2.2.1.1.1, 2.2.1.2.1).
export const PROTOCOL_RDP = 0x00000000; // Standard RDP Security (2.2.1.1.1): no bits set
export const PROTOCOL_SSL = 0x00000001; // TLS 1.0, 1.1 or 1.2 (5.4.5.1)
export const PROTOCOL_HYBRID = 0x00000002; // CredSSP (5.4.5.2); clients send it together with PROTOCOL_SSL
export const PROTOCOL_RDSTLS = 0x00000004; // RDSTLS (5.4.5.3)
export const PROTOCOL_HYBRID_EX = 0x00000008; // CredSSP + Early User Authorization Result PDU (2.2.10.2)
export const PROTOCOL_RDSAAD = 0x00000010; // RDS AAD Auth (5.4.5.4)

export const PROTOCOL_NAMES: Readonly<Record<number, string>> = {
  [PROTOCOL_SSL]: 'PROTOCOL_SSL',
  [PROTOCOL_HYBRID]: 'PROTOCOL_HYBRID',
  [PROTOCOL_RDSTLS]: 'PROTOCOL_RDSTLS',
  [PROTOCOL_HYBRID_EX]: 'PROTOCOL_HYBRID_EX',
  [PROTOCOL_RDSAAD]: 'PROTOCOL_RDSAAD',
};

/** A selectedProtocol value as the record's protocol key (rdp, ssl, ...), or `unknown(0x..)`. */
export const SELECTED_PROTOCOL_KEYS: Readonly<Record<number, string>> = {
  [PROTOCOL_RDP]: 'rdp',
  [PROTOCOL_SSL]: 'ssl',
  [PROTOCOL_HYBRID]: 'hybrid',
  [PROTOCOL_RDSTLS]: 'rdstls',
  [PROTOCOL_HYBRID_EX]: 'hybrid_ex',
  [PROTOCOL_RDSAAD]: 'rdsaad',
};

export function selectedProtocolKey(v: number): string {
  return nameOf(SELECTED_PROTOCOL_KEYS, v, 8);
}

/** requestedProtocols as spec names; 0 is PROTOCOL_RDP. */
export function requestedProtocolNames(v: number): string[] {
  return v === PROTOCOL_RDP ? ['PROTOCOL_RDP'] : flagNames(PROTOCOL_NAMES, v);
}

// RDP_NEG_REQ flags ([MS-RDPBCGR] 2.2.1.1.1).
export const RESTRICTED_ADMIN_MODE_REQUIRED = 0x01;
export const REDIRECTED_AUTHENTICATION_MODE_REQUIRED = 0x02;
export const CORRELATION_INFO_PRESENT = 0x08;
export const NEG_REQ_FLAG_NAMES: Readonly<Record<number, string>> = {
  [RESTRICTED_ADMIN_MODE_REQUIRED]: 'RESTRICTED_ADMIN_MODE_REQUIRED',
  [REDIRECTED_AUTHENTICATION_MODE_REQUIRED]: 'REDIRECTED_AUTHENTICATION_MODE_REQUIRED',
  [CORRELATION_INFO_PRESENT]: 'CORRELATION_INFO_PRESENT',
};

// RDP_NEG_RSP flags ([MS-RDPBCGR] 2.2.1.2.1). Windows 10 1607 and later send 0x1f.
export const EXTENDED_CLIENT_DATA_SUPPORTED = 0x01;
export const DYNVC_GFX_PROTOCOL_SUPPORTED = 0x02;
export const NEGRSP_FLAG_RESERVED = 0x04;
export const RESTRICTED_ADMIN_MODE_SUPPORTED = 0x08;
export const REDIRECTED_AUTHENTICATION_MODE_SUPPORTED = 0x10;
export const NEG_RSP_FLAG_NAMES: Readonly<Record<number, string>> = {
  [EXTENDED_CLIENT_DATA_SUPPORTED]: 'EXTENDED_CLIENT_DATA_SUPPORTED',
  [DYNVC_GFX_PROTOCOL_SUPPORTED]: 'DYNVC_GFX_PROTOCOL_SUPPORTED',
  [NEGRSP_FLAG_RESERVED]: 'NEGRSP_FLAG_RESERVED',
  [RESTRICTED_ADMIN_MODE_SUPPORTED]: 'RESTRICTED_ADMIN_MODE_SUPPORTED',
  [REDIRECTED_AUTHENTICATION_MODE_SUPPORTED]: 'REDIRECTED_AUTHENTICATION_MODE_SUPPORTED',
};

// RDP_NEG_FAILURE failureCode ([MS-RDPBCGR] 2.2.1.2.2). After sending one the server closes the connection.
export const SSL_REQUIRED_BY_SERVER = 0x00000001;
export const SSL_NOT_ALLOWED_BY_SERVER = 0x00000002;
export const SSL_CERT_NOT_ON_SERVER = 0x00000003;
export const INCONSISTENT_FLAGS = 0x00000004;
export const HYBRID_REQUIRED_BY_SERVER = 0x00000005;
export const SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER = 0x00000006;
export const FAILURE_CODE_NAMES: Readonly<Record<number, string>> = {
  [SSL_REQUIRED_BY_SERVER]: 'SSL_REQUIRED_BY_SERVER',
  [SSL_NOT_ALLOWED_BY_SERVER]: 'SSL_NOT_ALLOWED_BY_SERVER',
  [SSL_CERT_NOT_ON_SERVER]: 'SSL_CERT_NOT_ON_SERVER',
  [INCONSISTENT_FLAGS]: 'INCONSISTENT_FLAGS',
  [HYBRID_REQUIRED_BY_SERVER]: 'HYBRID_REQUIRED_BY_SERVER',
  [SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER]: 'SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER',
};

export function failureCodeName(code: number): string {
  return nameOf(FAILURE_CODE_NAMES, code, 8);
}

export const TYPE_RDP_NEG_REQ = 0x01;
export const TYPE_RDP_NEG_RSP = 0x02;
export const TYPE_RDP_NEG_FAILURE = 0x03;
/** RDP_NEG_CORRELATION_INFO type ([MS-RDPBCGR] 2.2.1.1.2). */
export const TYPE_RDP_CORRELATION_INFO = 0x06;
/** All three negotiation structures are exactly 8 bytes (type, flags, length = 0x0008 LE, 4-byte value). */
export const NEG_STRUCT_LENGTH = 8;
/** RDP_NEG_CORRELATION_INFO is exactly 36 bytes: type, flags, length = 0x0024 LE, correlationId (16), reserved (16). */
export const CORRELATION_INFO_LENGTH = 36;
export const CORRELATION_ID_LENGTH = 16;

/** RDP Negotiation Request, [MS-RDPBCGR] 2.2.1.1.1. */
export interface RdpNegReq {
  flags: number;
  requestedProtocols: number;
  /**
   * correlationId of the RDP_NEG_CORRELATION_INFO ([MS-RDPBCGR] 2.2.1.1.2) that follows the request, present
   * exactly when flags has CORRELATION_INFO_PRESENT (2.2.1.1: the structure "MUST be present" with the flag and
   * "MUST NOT be present" without it). 16 bytes.
   */
  correlationId?: Uint8Array;
}

/** RDP_NEG_REQ, followed by RDP_NEG_CORRELATION_INFO when req.correlationId is given (which needs the flag). */
export function encodeRdpNegReq(req: RdpNegReq): Uint8Array {
  const hasFlag = (req.flags & CORRELATION_INFO_PRESENT) !== 0;
  if (hasFlag !== (req.correlationId !== undefined)) {
    throw new RangeError('correlationId and CORRELATION_INFO_PRESENT go together ([MS-RDPBCGR] 2.2.1.1)');
  }
  const w = new Writer()
    .u8(TYPE_RDP_NEG_REQ, 'type')
    .u8(req.flags, 'flags')
    .u16le(NEG_STRUCT_LENGTH, 'length')
    .u32le(req.requestedProtocols, 'requestedProtocols');
  if (req.correlationId !== undefined) {
    if (req.correlationId.length !== CORRELATION_ID_LENGTH) throw new RangeError(`correlationId must be ${CORRELATION_ID_LENGTH} bytes`);
    w.u8(TYPE_RDP_CORRELATION_INFO, 'type').u8(0, 'flags').u16le(CORRELATION_INFO_LENGTH, 'length');
    w.bytes(req.correlationId).bytes(new Uint8Array(16)); // reserved: MUST be zero
  }
  return w.finish();
}

/**
 * RDP_NEG_REQ ([MS-RDPBCGR] 2.2.1.1.1) and, when its flags say CORRELATION_INFO_PRESENT, the 36-byte
 * RDP_NEG_CORRELATION_INFO after it (2.2.1.1.2); anything else after the request is an error. `base` is the
 * absolute offset of buf[0], for errors.
 */
export function decodeRdpNegReq(buf: Uint8Array, base = 0): RdpNegReq {
  const r = new Reader(buf, 'negotiation', base);
  const type = r.u8('type');
  if (type !== TYPE_RDP_NEG_REQ) r.fail(`expected RDP_NEG_REQ (0x01), got 0x${type.toString(16)}`, base);
  const flags = r.u8('flags');
  const length = r.u16le('length');
  if (length !== NEG_STRUCT_LENGTH) r.fail(`RDP_NEG_REQ length ${length}, expected 8`, base + 2);
  const requestedProtocols = r.u32le('requestedProtocols');
  if ((flags & CORRELATION_INFO_PRESENT) === 0) {
    if (r.remaining > 0) r.fail(`${r.remaining} byte(s) after RDP_NEG_REQ without CORRELATION_INFO_PRESENT (RDP_NEG_CORRELATION_INFO MUST NOT be present)`);
    return { flags, requestedProtocols };
  }
  if (r.remaining === 0) r.fail('CORRELATION_INFO_PRESENT is set but no RDP_NEG_CORRELATION_INFO follows the RDP_NEG_REQ');
  const correlationId = readCorrelationInfo(r);
  r.end('RDP_NEG_CORRELATION_INFO');
  return { flags, requestedProtocols, correlationId };
}

/** RDP_NEG_CORRELATION_INFO ([MS-RDPBCGR] 2.2.1.1.2): type 0x06, flags, length 36, correlationId, reserved. */
function readCorrelationInfo(r: Reader): Uint8Array {
  const at = r.offset;
  const type = r.u8('RDP_NEG_CORRELATION_INFO type');
  if (type !== TYPE_RDP_CORRELATION_INFO) r.fail(`expected RDP_NEG_CORRELATION_INFO (0x06), got 0x${type.toString(16).padStart(2, '0')}`, at);
  r.u8('RDP_NEG_CORRELATION_INFO flags'); // unused, MUST be 0: not a structural question, so not enforced
  const lengthAt = r.offset;
  const length = r.u16le('RDP_NEG_CORRELATION_INFO length');
  if (length !== CORRELATION_INFO_LENGTH) r.fail(`RDP_NEG_CORRELATION_INFO length ${length}, expected ${CORRELATION_INFO_LENGTH}`, lengthAt);
  const correlationId = r.copy(CORRELATION_ID_LENGTH, 'correlationId');
  r.skip(16, 'RDP_NEG_CORRELATION_INFO reserved'); // MUST be zero; ignored on receipt like flags
  return correlationId;
}

/** RDP Negotiation Response, [MS-RDPBCGR] 2.2.1.2.1. */
export interface RdpNegRsp {
  type: 'response';
  flags: number;
  selectedProtocol: number;
}

/** RDP Negotiation Failure, [MS-RDPBCGR] 2.2.1.2.2. */
export interface RdpNegFailure {
  type: 'failure';
  flags: number;
  failureCode: number;
}

/** What followed the X.224 Connection Confirm header: a response, a failure, or nothing at all (old servers). */
export type NegotiationAnswer = RdpNegRsp | RdpNegFailure | { type: 'none' };

export function encodeRdpNegRsp(rsp: Omit<RdpNegRsp, 'type'>): Uint8Array {
  return new Writer()
    .u8(TYPE_RDP_NEG_RSP, 'type')
    .u8(rsp.flags, 'flags')
    .u16le(NEG_STRUCT_LENGTH, 'length')
    .u32le(rsp.selectedProtocol, 'selectedProtocol')
    .finish();
}

export function encodeRdpNegFailure(f: Omit<RdpNegFailure, 'type'>): Uint8Array {
  return new Writer()
    .u8(TYPE_RDP_NEG_FAILURE, 'type')
    .u8(f.flags, 'flags')
    .u16le(NEG_STRUCT_LENGTH, 'length')
    .u32le(f.failureCode, 'failureCode')
    .finish();
}

/** Decodes the negotiation data of a Connection Confirm: empty, or exactly one RDP_NEG_RSP / RDP_NEG_FAILURE. */
export function decodeNegotiationAnswer(buf: Uint8Array, base = 0): NegotiationAnswer {
  if (buf.length === 0) return { type: 'none' };
  const r = new Reader(buf, 'negotiation', base);
  const type = r.u8('type');
  const flags = r.u8('flags');
  const length = r.u16le('length');
  if (type !== TYPE_RDP_NEG_RSP && type !== TYPE_RDP_NEG_FAILURE) {
    r.fail(`expected RDP_NEG_RSP (0x02) or RDP_NEG_FAILURE (0x03), got type 0x${type.toString(16).padStart(2, '0')}`, base);
  }
  if (length !== NEG_STRUCT_LENGTH) r.fail(`negotiation structure length ${length}, expected 8`, base + 2);
  const value = r.u32le(type === TYPE_RDP_NEG_RSP ? 'selectedProtocol' : 'failureCode');
  r.end(type === TYPE_RDP_NEG_RSP ? 'RDP_NEG_RSP' : 'RDP_NEG_FAILURE');
  return type === TYPE_RDP_NEG_RSP
    ? { type: 'response', flags, selectedProtocol: value }
    : { type: 'failure', flags, failureCode: value };
}

export function negRspFlagNames(flags: number): string[] {
  return flagNames(NEG_RSP_FLAG_NAMES, flags, 2);
}
