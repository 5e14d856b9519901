import {
  berApplication,
  berApplicationTag,
  berBoolean,
  berEnumerated,
  berInteger,
  berOctetString,
  berSequence,
  BER_TAG_SEQUENCE,
  readBerBoolean,
  readBerEnumerated,
  readBerInteger,
  readBerOctetString,
  readBerTlv,
} from './ber.js';
import { Reader } from './reader.js';
import { nameOf } from './writer.js';

/**
 * T.125 MCS connect PDUs as RDP uses them ([MS-RDPBCGR] 2.2.1.3 Client MCS Connect Initial PDU with GCC Conference
 * Create Request, 2.2.1.4 Server MCS Connect Response PDU with GCC Conference Create Response). Both are BER
 * encoded (T.125 annex A, "Connect-Initial ::= [APPLICATION 101] IMPLICIT SEQUENCE").
 *
 * These functions handle the MCS PDU only: on the wire the caller wraps what `encodeMcsConnectInitial` returns in
 * an X.224 Data TPDU (02 f0 80, X.224 13.7) and a TPKT header (RFC 1006), and hands `decodeMcsConnectResponse`
 * the bytes after those two headers.
 */

/** Connect-Initial ::= [APPLICATION 101] (T.125 annex A). */
export const MCS_TYPE_CONNECT_INITIAL = 0x65;
/** Connect-Response ::= [APPLICATION 102] (T.125 annex A). */
export const MCS_TYPE_CONNECT_RESPONSE = 0x66;

/** Largest userData octet string a server may claim (the whole Connect-Response is capped by BER_MAX_LENGTH). */
export const MCS_MAX_USER_DATA = 0x10000;

// Result ::= ENUMERATED (T.125 7, annex A).
/** rt-successful (0x00), T.125 annex A Result */
export const RT_SUCCESSFUL = 0x00;
/** rt-domain-merging (0x01) */
export const RT_DOMAIN_MERGING = 0x01;
/** rt-domain-not-hierarchical (0x02) */
export const RT_DOMAIN_NOT_HIERARCHICAL = 0x02;
/** rt-no-such-channel (0x03) */
export const RT_NO_SUCH_CHANNEL = 0x03;
/** rt-no-such-domain (0x04) */
export const RT_NO_SUCH_DOMAIN = 0x04;
/** rt-no-such-user (0x05) */
export const RT_NO_SUCH_USER = 0x05;
/** rt-not-admitted (0x06) */
export const RT_NOT_ADMITTED = 0x06;
/** rt-other-user-id (0x07) */
export const RT_OTHER_USER_ID = 0x07;
/** rt-parameters-unacceptable (0x08) */
export const RT_PARAMETERS_UNACCEPTABLE = 0x08;
/** rt-token-not-available (0x09) */
export const RT_TOKEN_NOT_AVAILABLE = 0x09;
/** rt-token-not-possessed (0x0A) */
export const RT_TOKEN_NOT_POSSESSED = 0x0a;
/** rt-too-many-channels (0x0B) */
export const RT_TOO_MANY_CHANNELS = 0x0b;
/** rt-too-many-tokens (0x0C) */
export const RT_TOO_MANY_TOKENS = 0x0c;
/** rt-too-many-users (0x0D) */
export const RT_TOO_MANY_USERS = 0x0d;
/** rt-unspecified-failure (0x0E) */
export const RT_UNSPECIFIED_FAILURE = 0x0e;
/** rt-user-rejected (0x0F) */
export const RT_USER_REJECTED = 0x0f;

export const MCS_RESULT_NAMES: Readonly<Record<number, string>> = {
  [RT_SUCCESSFUL]: 'rt-successful',
  [RT_DOMAIN_MERGING]: 'rt-domain-merging',
  [RT_DOMAIN_NOT_HIERARCHICAL]: 'rt-domain-not-hierarchical',
  [RT_NO_SUCH_CHANNEL]: 'rt-no-such-channel',
  [RT_NO_SUCH_DOMAIN]: 'rt-no-such-domain',
  [RT_NO_SUCH_USER]: 'rt-no-such-user',
  [RT_NOT_ADMITTED]: 'rt-not-admitted',
  [RT_OTHER_USER_ID]: 'rt-other-user-id',
  [RT_PARAMETERS_UNACCEPTABLE]: 'rt-parameters-unacceptable',
  [RT_TOKEN_NOT_AVAILABLE]: 'rt-token-not-available',
  [RT_TOKEN_NOT_POSSESSED]: 'rt-token-not-possessed',
  [RT_TOO_MANY_CHANNELS]: 'rt-too-many-channels',
  [RT_TOO_MANY_TOKENS]: 'rt-too-many-tokens',
  [RT_TOO_MANY_USERS]: 'rt-too-many-users',
  [RT_UNSPECIFIED_FAILURE]: 'rt-unspecified-failure',
  [RT_USER_REJECTED]: 'rt-user-rejected',
};

/** DomainParameters ::= SEQUENCE (T.125 7 table 7-2, annex A; [MS-RDPBCGR] 2.2.1.3 targetParameters...). */
export interface DomainParameters {
  maxChannelIds: number;
  maxUserIds: number;
  maxTokenIds: number;
  numPriorities: number;
  minThroughput: number;
  maxHeight: number;
  maxMCSPDUsize: number;
  protocolVersion: number;
}

/** The values mstsc and FreeRDP send ([MS-RDPBCGR] 4.1.3 annotated Connect Initial). */
export const DEFAULT_TARGET_PARAMETERS: Readonly<DomainParameters> = {
  maxChannelIds: 34,
  maxUserIds: 2,
  maxTokenIds: 0,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMCSPDUsize: 0xffff,
  protocolVersion: 2,
};
export const DEFAULT_MINIMUM_PARAMETERS: Readonly<DomainParameters> = {
  maxChannelIds: 1,
  maxUserIds: 1,
  maxTokenIds: 1,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMCSPDUsize: 0x420,
  protocolVersion: 2,
};
export const DEFAULT_MAXIMUM_PARAMETERS: Readonly<DomainParameters> = {
  maxChannelIds: 0xffff,
  maxUserIds: 0xfc17,
  maxTokenIds: 0xffff,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMCSPDUsize: 0xffff,
  protocolVersion: 2,
};

const DOMAIN_PARAMETER_FIELDS = [
  'maxChannelIds',
  'maxUserIds',
  'maxTokenIds',
  'numPriorities',
  'minThroughput',
  'maxHeight',
  'maxMCSPDUsize',
  'protocolVersion',
] as const satisfies readonly (keyof DomainParameters)[];

/** Connect-Initial (T.125 annex A; [MS-RDPBCGR] 2.2.1.3). userData is the GCC Conference Create Request. */
export interface McsConnectInitial {
  callingDomainSelector: Uint8Array;
  calledDomainSelector: Uint8Array;
  upwardFlag: boolean;
  targetParameters: DomainParameters;
  minimumParameters: DomainParameters;
  maximumParameters: DomainParameters;
  userData: Uint8Array;
}

/** Connect-Response (T.125 annex A; [MS-RDPBCGR] 2.2.1.4). userData is the GCC Conference Create Response. */
export interface McsConnectResponse {
  result: number;
  /** T.125 name, e.g. rt-successful, or unknown(0x..). */
  resultName: string;
  calledConnectId: number;
  domainParameters: DomainParameters;
  userData: Uint8Array;
}

// ---------------------------------------------------------------------------------------------------------------

export function encodeDomainParameters(p: DomainParameters): Uint8Array {
  return berSequence(...DOMAIN_PARAMETER_FIELDS.map((f) => berInteger(p[f], f)));
}

export function readDomainParameters(r: Reader, field: string): DomainParameters {
  const c = readBerTlv(r, [BER_TAG_SEQUENCE], field);
  const out = {} as DomainParameters;
  for (const f of DOMAIN_PARAMETER_FIELDS) out[f] = readBerInteger(c, `${field}.${f}`);
  c.end(field);
  return out;
}

export interface McsConnectInitialOptions {
  userData: Uint8Array;
  /** Default 01 ([MS-RDPBCGR] 2.2.1.3: "0x01"). */
  callingDomainSelector?: Uint8Array;
  /** Default 01. */
  calledDomainSelector?: Uint8Array;
  /** Default true. */
  upwardFlag?: boolean;
  targetParameters?: DomainParameters;
  minimumParameters?: DomainParameters;
  maximumParameters?: DomainParameters;
}

/**
 * Connect-Initial ([MS-RDPBCGR] 2.2.1.3, T.125 annex A). Returns the MCS PDU only: wrap it in X.224 Data (02 f0 80)
 * and TPKT before sending.
 */
export function encodeMcsConnectInitial(o: McsConnectInitialOptions): Uint8Array {
  return berApplication(
    MCS_TYPE_CONNECT_INITIAL,
    berOctetString(o.callingDomainSelector ?? Uint8Array.of(1)),
    berOctetString(o.calledDomainSelector ?? Uint8Array.of(1)),
    berBoolean(o.upwardFlag ?? true),
    encodeDomainParameters(o.targetParameters ?? DEFAULT_TARGET_PARAMETERS),
    encodeDomainParameters(o.minimumParameters ?? DEFAULT_MINIMUM_PARAMETERS),
    encodeDomainParameters(o.maximumParameters ?? DEFAULT_MAXIMUM_PARAMETERS),
    berOctetString(o.userData),
  );
}

/** Connect-Initial decoder: to check what we send, and to read what a recorded client sent. */
export function decodeMcsConnectInitial(bytes: Uint8Array): McsConnectInitial {
  const r = new Reader(bytes, 'mcs');
  const c = readBerTlv(r, berApplicationTag(MCS_TYPE_CONNECT_INITIAL), 'Connect-Initial');
  r.end('Connect-Initial');
  const out: McsConnectInitial = {
    callingDomainSelector: readBerOctetString(c, 'callingDomainSelector', 0xff),
    calledDomainSelector: readBerOctetString(c, 'calledDomainSelector', 0xff),
    upwardFlag: readBerBoolean(c, 'upwardFlag'),
    targetParameters: readDomainParameters(c, 'targetParameters'),
    minimumParameters: readDomainParameters(c, 'minimumParameters'),
    maximumParameters: readDomainParameters(c, 'maximumParameters'),
    userData: readBerOctetString(c, 'userData', MCS_MAX_USER_DATA),
  };
  c.end('Connect-Initial');
  return out;
}

/** Connect-Response encoder, for tests and fake servers. */
export function encodeMcsConnectResponse(m: Omit<McsConnectResponse, 'resultName'>): Uint8Array {
  return berApplication(
    MCS_TYPE_CONNECT_RESPONSE,
    berEnumerated(m.result, 'result'),
    berInteger(m.calledConnectId, 'calledConnectId'),
    encodeDomainParameters(m.domainParameters),
    berOctetString(m.userData),
  );
}

/** Reads a Connect-Response from `r` (which must hold nothing else); the userData reader keeps r's absolute offsets. */
export function readMcsConnectResponse(r: Reader): { response: McsConnectResponse; userData: Reader } {
  const c = readBerTlv(r, berApplicationTag(MCS_TYPE_CONNECT_RESPONSE), 'Connect-Response');
  r.end('Connect-Response');
  const result = readBerEnumerated(c, 'result');
  const calledConnectId = readBerInteger(c, 'calledConnectId');
  const domainParameters = readDomainParameters(c, 'domainParameters');
  const userData = readBerOctetString(c, 'userData', MCS_MAX_USER_DATA);
  const userDataStart = c.offset - userData.length;
  c.end('Connect-Response');
  return {
    response: { result, resultName: nameOf(MCS_RESULT_NAMES, result), calledConnectId, domainParameters, userData },
    userData: new Reader(userData, 'gcc', userDataStart),
  };
}

/**
 * Connect-Response ([MS-RDPBCGR] 2.2.1.4, T.125 annex A): `bytes` is the MCS PDU after TPKT and X.224 Data.
 * A failing result is returned, not thrown: the caller reports it (mcs / server_error).
 */
export function decodeMcsConnectResponse(bytes: Uint8Array): McsConnectResponse {
  return readMcsConnectResponse(new Reader(bytes, 'mcs')).response;
}
