import { createHash, createHmac } from './node-crypto.js';
import { md4 } from './crypto/md4.js';
import { rc4 } from './crypto/rc4.js';
import { Reader } from './reader.js';
import { Writer } from './writer.js';
import {
  MSV_AV_CHANNEL_BINDINGS,
  MSV_AV_EOL,
  MSV_AV_FLAGS,
  MSV_AV_TARGET_NAME,
  NTLMSSP_NEGOTIATE_128,
  NTLMSSP_NEGOTIATE_56,
  NTLMSSP_NEGOTIATE_ALWAYS_SIGN,
  NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY,
  NTLMSSP_NEGOTIATE_KEY_EXCH,
  NTLMSSP_NEGOTIATE_NTLM,
  NTLMSSP_NEGOTIATE_SEAL,
  NTLMSSP_NEGOTIATE_SIGN,
  NTLMSSP_NEGOTIATE_TARGET_INFO,
  NTLMSSP_NEGOTIATE_UNICODE,
  NTLMSSP_NEGOTIATE_VERSION,
  NTLMSSP_REQUEST_TARGET,
  NTLMSSP_SIGNATURE,
  NTLM_AUTHENTICATE_MESSAGE,
  avPairTimestamp,
  avString,
  readAvPairs,
  encodeAvPairs,
  ntlmFlagNames,
  type AvPair,
  type NtlmChallenge,
  type NtlmVersion,
} from './ntlm.js';
import { utf16le } from './utf16.js';

/**
 * NTLMv2 authentication ([MS-NLMP] 3.3.2) and the AUTHENTICATE_MESSAGE (2.2.1.3): the client's proof of the
 * password, the keys it yields, and the MIC that binds the three messages together (3.1.5.1.2). protocol/ntlm.ts
 * has the NEGOTIATE and CHALLENGE messages; session security (signing, sealing) is protocol/ntlm-session.ts.
 *
 * Secrets (the NT hash, ResponseKeyNT, SessionBaseKey, the exported session key) are Uint8Arrays the caller owns
 * and zeroes; nothing here puts one in an error message. Hash inputs built here are zeroed after use.
 */

const u8 = (b: Buffer): Uint8Array => {
  const out = Uint8Array.from(b);
  b.fill(0);
  return out;
};

/** HMAC_MD5(K, M) ([MS-NLMP] 6), M given in parts so no concatenation of secrets is left behind. */
export function hmacMd5(key: Uint8Array, ...parts: Uint8Array[]): Uint8Array {
  const h = createHmac('md5', key);
  for (const p of parts) h.update(p);
  return u8(h.digest());
}

export function md5(...parts: Uint8Array[]): Uint8Array {
  const h = createHash('md5');
  for (const p of parts) h.update(p);
  return u8(h.digest());
}

// ---------------------------------------------------------------- NTOWFv2 / LMOWFv2

/** The NT hash, MD4(UNICODE(Passwd)) ([MS-NLMP] 3.3.1 NTOWFv1), from the password's UTF-16LE bytes. */
export function ntHash(passwordUtf16: Uint8Array): Uint8Array {
  return md4(passwordUtf16);
}

/**
 * [MS-NLMP] 3.3.2 NTOWFv2 = HMAC_MD5(MD4(UNICODE(Passwd)), UNICODE(ConcatenationOf(Uppercase(User), UserDom))).
 * The user name is upper-cased, the domain is not. (JS toUpperCase follows Unicode's default mapping; Windows
 * uses its own table. They agree on ASCII, which test accounts use.)
 */
export function ntowfv2FromHash(ntHashValue: Uint8Array, user: string, domain: string): Uint8Array {
  return hmacMd5(ntHashValue, utf16le(user.toUpperCase() + domain));
}

export function ntowfv2(passwordUtf16: Uint8Array, user: string, domain: string): Uint8Array {
  const h = ntHash(passwordUtf16);
  try {
    return ntowfv2FromHash(h, user, domain);
  } finally {
    h.fill(0);
  }
}

/** [MS-NLMP] 3.3.2: LMOWFv2 is defined as the same function as NTOWFv2. */
export const lmowfv2 = ntowfv2;

// ---------------------------------------------------------------- NTLMv2_CLIENT_CHALLENGE ("temp")

/** [MS-NLMP] 2.2.2.7 RespType and HiRespType: both MUST be 1. */
export const NTLMV2_RESP_TYPE = 0x01;

/**
 * [MS-NLMP] 2.2.2.7 NTLMv2_CLIENT_CHALLENGE: RespType (1) = 1, HiRespType (1) = 1, Reserved1 (2), Reserved2 (4),
 * TimeStamp (8, FILETIME), ChallengeFromClient (8), Reserved3 (4), AvPairs (ending with MsvAvEOL). In 3.3.2 the
 * "temp" that NTProofStr covers is this structure followed by Z(4).
 */
export interface NtlmV2ClientChallenge {
  timestamp: bigint;
  /** ChallengeFromClient, 8 bytes. */
  clientChallenge: Uint8Array;
  /** Without the MsvAvEOL terminator. */
  avPairs: AvPair[];
}

const CLIENT_CHALLENGE_HEADER = 28;

/** temp of [MS-NLMP] 3.3.2: the NTLMv2_CLIENT_CHALLENGE, then the Z(4) 3.3.2 appends. */
export function encodeNtlmV2ClientChallenge(c: NtlmV2ClientChallenge): Uint8Array {
  if (c.clientChallenge.length !== 8) throw new RangeError('ChallengeFromClient must be 8 bytes');
  return new Writer()
    .u8(NTLMV2_RESP_TYPE, 'RespType')
    .u8(NTLMV2_RESP_TYPE, 'HiRespType')
    .u16le(0, 'Reserved1')
    .u32le(0, 'Reserved2')
    .u64le(c.timestamp, 'TimeStamp')
    .bytes(c.clientChallenge)
    .u32le(0, 'Reserved3')
    .bytes(encodeAvPairs(c.avPairs))
    .u32le(0, 'Z(4)')
    .finish();
}

/**
 * Reads a client's temp (NtChallengeResponse after its 16-byte NTProofStr). After MsvAvEOL only zero padding
 * may follow (Windows sends the 3.3.2 Z(4)). Throws DecodeError('ntlm', ...) whose offsets count from `base`, the
 * absolute offset of bytes[0] (decodeNtlmAuthenticate passes where the temp sits in the AUTHENTICATE_MESSAGE).
 */
export function decodeNtlmV2ClientChallenge(bytes: Uint8Array, base = 0): NtlmV2ClientChallenge {
  const r = new Reader(bytes, 'ntlm', base);
  const typeAt = r.offset;
  const respType = r.u8('RespType');
  const hiRespType = r.u8('HiRespType');
  if (respType !== NTLMV2_RESP_TYPE || hiRespType !== NTLMV2_RESP_TYPE) {
    r.fail(`NTLMv2_CLIENT_CHALLENGE RespType ${respType}/HiRespType ${hiRespType}, expected 1/1`, typeAt);
  }
  r.skip(2, 'Reserved1');
  r.skip(4, 'Reserved2');
  const timestamp = r.u64le('TimeStamp');
  const clientChallenge = r.copy(8, 'ChallengeFromClient');
  r.skip(4, 'Reserved3');
  // Walk to the MsvAvEOL to find where the list ends; readAvPairs then validates the list itself.
  const listStart = r.position;
  for (;;) {
    const id = r.u16le('AvId');
    const len = r.u16le('AvLen');
    r.skip(len, 'AV_PAIR value');
    if (id === MSV_AV_EOL) break;
  }
  const listEnd = r.position;
  // r.slice keeps offsets absolute: an AV_PAIR error points at its byte in the message, not in the list.
  const avPairs = readAvPairs(r.slice(listStart, listEnd - listStart, 'AvPairs'));
  while (r.remaining > 0) {
    const at = r.offset;
    if (r.u8('padding') !== 0) r.fail('non-zero byte after the NTLMv2_CLIENT_CHALLENGE AV_PAIRs', at);
  }
  return { timestamp, clientChallenge, avPairs };
}

// ---------------------------------------------------------------- responses and keys

export interface NtlmV2Responses {
  /** NTProofStr || temp ([MS-NLMP] 2.2.2.8 NTLMv2_RESPONSE). */
  ntChallengeResponse: Uint8Array;
  /** LMv2_RESPONSE (2.2.2.4), or Z(24) when the CHALLENGE carried MsvAvTimestamp (3.1.5.1.2). */
  lmChallengeResponse: Uint8Array;
  /** HMAC_MD5(ResponseKeyNT, NTProofStr): a secret, the caller zeroes it. */
  sessionBaseKey: Uint8Array;
}

/** NTProofStr = HMAC_MD5(ResponseKeyNT, ServerChallenge || temp) ([MS-NLMP] 3.3.2). */
export function ntProofStr(responseKeyNT: Uint8Array, serverChallenge: Uint8Array, temp: Uint8Array): Uint8Array {
  return hmacMd5(responseKeyNT, serverChallenge, temp);
}

/** [MS-NLMP] 3.3.2 ComputeResponse for NTLMv2 (responseKeyLM = responseKeyNT: LMOWFv2 is NTOWFv2). */
export function computeNtlmV2Responses(
  responseKeyNT: Uint8Array,
  serverChallenge: Uint8Array,
  temp: Uint8Array,
  clientChallenge: Uint8Array,
  lmZero: boolean,
): NtlmV2Responses {
  if (serverChallenge.length !== 8 || clientChallenge.length !== 8) throw new RangeError('challenges are 8 bytes');
  const proof = ntProofStr(responseKeyNT, serverChallenge, temp);
  const ntChallengeResponse = new Uint8Array(16 + temp.length);
  ntChallengeResponse.set(proof, 0);
  ntChallengeResponse.set(temp, 16);
  const lmChallengeResponse = new Uint8Array(24);
  if (!lmZero) {
    lmChallengeResponse.set(hmacMd5(responseKeyNT, serverChallenge, clientChallenge), 0);
    lmChallengeResponse.set(clientChallenge, 16);
  }
  return { ntChallengeResponse, lmChallengeResponse, sessionBaseKey: hmacMd5(responseKeyNT, proof) };
}

/** [MS-NLMP] 3.4.5.1 KXKEY: for NTLMv2 the key exchange key is the SessionBaseKey itself. */
export function keyExchangeKeyV2(sessionBaseKey: Uint8Array): Uint8Array {
  return Uint8Array.from(sessionBaseKey); // a copy even of a Buffer (whose slice() is a view): callers zero both
}

/** [MS-NLMP] 3.1.5.1.2: EncryptedRandomSessionKey = RC4K(KeyExchangeKey, ExportedSessionKey) (and back). */
export function rc4SessionKey(keyExchangeKey: Uint8Array, key: Uint8Array): Uint8Array {
  return rc4(keyExchangeKey, key);
}

// ---------------------------------------------------------------- channel bindings

/** RFC 5929 4.1: the channel binding type whose application data is this prefix + the certificate's hash. */
export const TLS_SERVER_END_POINT_PREFIX = 'tls-server-end-point:';

/**
 * MsvAvChannelBindings ([MS-NLMP] 2.2.2.1): MD5 of a gss_channel_bindings_struct (RFC 2744 3.11) as SSPI
 * serialises it: initiator_addrtype (4), initiator_address length (4) and bytes, acceptor_addrtype (4),
 * acceptor_address length (4) and bytes, application_data length (4) and bytes, all little-endian. TLS channel
 * bindings leave both addresses empty with type 0. `null` gives the all-zero value that means "no bindings".
 */
export function channelBindingsHash(applicationData: Uint8Array | null): Uint8Array {
  if (applicationData === null) return new Uint8Array(16);
  const w = new Writer().u32le(0, 'initiator_addrtype').u32le(0, 'initiator_address.length');
  w.u32le(0, 'acceptor_addrtype').u32le(0, 'acceptor_address.length');
  w.u32le(applicationData.length, 'application_data.length').bytes(applicationData);
  return md5(w.finish());
}

/** "tls-server-end-point:" || hash of the server certificate (RFC 5929 4.1), the TLS application data. */
export function tlsServerEndPointData(certificateHash: Uint8Array): Uint8Array {
  const prefix = Buffer.from(TLS_SERVER_END_POINT_PREFIX, 'latin1');
  const out = new Uint8Array(prefix.length + certificateHash.length);
  out.set(prefix, 0);
  out.set(certificateHash, prefix.length);
  return out;
}

// ---------------------------------------------------------------- AUTHENTICATE_MESSAGE

/** [MS-NLMP] 2.2.2.1 MsvAvFlags bit 0x00000002: the AUTHENTICATE_MESSAGE carries a MIC. */
export const MSV_AV_FLAG_MIC_PRESENT = 0x00000002;

/** Byte offset of the MIC in an AUTHENTICATE_MESSAGE: after the 64-byte header and the 8-byte VERSION. */
export const AUTHENTICATE_MIC_OFFSET = 72;
const AUTHENTICATE_FIXED = 64;

/**
 * [MS-NLMP] 2.2.1.3 AUTHENTICATE_MESSAGE:
 *   0 Signature (8)  8 MessageType = 3 (4)  12 LmChallengeResponseFields (8)  20 NtChallengeResponseFields (8)
 *  28 DomainNameFields (8)  36 UserNameFields (8)  44 WorkstationFields (8)  52 EncryptedRandomSessionKeyFields (8)
 *  60 NegotiateFlags (4)  64 Version (8)  72 MIC (16, when MsvAvFlags says so)  then the payload.
 */
export interface NtlmAuthenticate {
  flags: number;
  lmChallengeResponse: Uint8Array;
  ntChallengeResponse: Uint8Array;
  domainName: string;
  userName: string;
  workstation: string;
  /** 16 bytes with NTLMSSP_NEGOTIATE_KEY_EXCH, else empty. */
  encryptedRandomSessionKey: Uint8Array;
  /** VERSION, read when NTLMSSP_NEGOTIATE_VERSION is set. */
  version: NtlmVersion | null;
  /** 16 bytes at offset 72, or null when the message has none. */
  mic: Uint8Array | null;
}

/** A decoded AUTHENTICATE_MESSAGE with its NTLMv2 response taken apart (null for an NTLMv1 or anonymous one). */
export interface DecodedNtlmAuthenticate extends NtlmAuthenticate {
  ntlmV2: { ntProofStr: Uint8Array; temp: Uint8Array; clientChallenge: NtlmV2ClientChallenge } | null;
}

function writeVersion(w: Writer, v: NtlmVersion | null): void {
  if (v === null) {
    w.bytes(new Uint8Array(8));
    return;
  }
  w.u8(v.major, 'ProductMajorVersion').u8(v.minor, 'ProductMinorVersion').u16le(v.build, 'ProductBuild');
  w.bytes([0, 0, 0]).u8(v.revision, 'NTLMRevisionCurrent');
}

function encodeText(s: string, unicode: boolean): Uint8Array {
  return unicode ? utf16le(s) : Uint8Array.from(Buffer.from(s, 'latin1'));
}

/**
 * Encodes an AUTHENTICATE_MESSAGE with the payload in Windows' order (DomainName, UserName, Workstation,
 * LmChallengeResponse, NtChallengeResponse, EncryptedRandomSessionKey). The VERSION slot is written whenever
 * VERSION is negotiated or a MIC follows (zeros without the flag, as Windows does), so the MIC sits at offset 72.
 */
export function encodeNtlmAuthenticate(a: NtlmAuthenticate): Uint8Array {
  const flags = a.flags >>> 0;
  const unicode = (flags & NTLMSSP_NEGOTIATE_UNICODE) !== 0;
  const hasVersion = (flags & NTLMSSP_NEGOTIATE_VERSION) !== 0;
  if (hasVersion && a.version === null) throw new RangeError('NTLMSSP_NEGOTIATE_VERSION set without a version');
  if (a.mic !== null && a.mic.length !== 16) throw new RangeError('MIC must be 16 bytes');
  const payload = [
    encodeText(a.domainName, unicode),
    encodeText(a.userName, unicode),
    encodeText(a.workstation, unicode),
    a.lmChallengeResponse,
    a.ntChallengeResponse,
    a.encryptedRandomSessionKey,
  ];
  const header = AUTHENTICATE_FIXED + (hasVersion || a.mic !== null ? 8 : 0) + (a.mic !== null ? 16 : 0);
  const offsets: number[] = [];
  let at = header;
  for (const p of payload) {
    if (p.length > 0xffff) throw new RangeError('AUTHENTICATE payload field longer than 65535 bytes');
    offsets.push(at);
    at += p.length;
  }
  const field = (w: Writer, i: number, name: string): void => {
    const p = payload[i]!;
    w.u16le(p.length, `${name}Len`).u16le(p.length, `${name}MaxLen`).u32le(offsets[i]!, `${name}BufferOffset`);
  };
  const w = new Writer().bytes(NTLMSSP_SIGNATURE).u32le(NTLM_AUTHENTICATE_MESSAGE, 'MessageType');
  field(w, 3, 'LmChallengeResponse');
  field(w, 4, 'NtChallengeResponse');
  field(w, 0, 'DomainName');
  field(w, 1, 'UserName');
  field(w, 2, 'Workstation');
  field(w, 5, 'EncryptedRandomSessionKey');
  w.u32le(flags, 'NegotiateFlags');
  if (hasVersion || a.mic !== null) writeVersion(w, hasVersion ? a.version : null);
  if (a.mic !== null) w.bytes(a.mic);
  for (const p of payload) w.bytes(p);
  return w.finish();
}

const utf16Decoder = new TextDecoder('utf-16le');

function readText(r: Reader, unicode: boolean, field: string): string {
  const b = r.rest();
  if (!unicode) return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1');
  if (b.length % 2 !== 0) r.fail(`${field}: odd length ${b.length} for a UTF-16 string`, r.offset - b.length);
  return utf16Decoder.decode(b);
}

/** NTLMv2_RESPONSE is at least NTProofStr (16) + the client challenge header (28) + MsvAvEOL (4). */
const NTLMV2_RESPONSE_MIN = 16 + CLIENT_CHALLENGE_HEADER + 4;
/** An NTLMv1 NtChallengeResponse is exactly 24 bytes ([MS-NLMP] 2.2.2.6). */
const NTLMV1_RESPONSE_LENGTH = 24;

/**
 * Decodes an AUTHENTICATE_MESSAGE (the scripted server reads what a client sent). The MIC is looked for where
 * [MS-NLMP] 3.2.5.1.2 says: at offset 72 when the NTLMv2 response's MsvAvFlags has the MIC bit. Payload fields
 * may not overlap the header. Throws DecodeError('ntlm', offset, reason).
 */
export function decodeNtlmAuthenticate(bytes: Uint8Array): DecodedNtlmAuthenticate {
  const r = new Reader(bytes, 'ntlm');
  const sigAt = r.offset;
  const sig = r.bytes(8, 'Signature');
  if (!sig.every((b, i) => b === NTLMSSP_SIGNATURE[i])) r.fail('bad signature: not NTLMSSP\\0', sigAt);
  const typeAt = r.offset;
  const type = r.u32le('MessageType');
  if (type !== NTLM_AUTHENTICATE_MESSAGE) r.fail(`MessageType ${type}, expected ${NTLM_AUTHENTICATE_MESSAGE} (AUTHENTICATE)`, typeAt);
  const names = ['LmChallengeResponse', 'NtChallengeResponse', 'DomainName', 'UserName', 'Workstation', 'EncryptedRandomSessionKey'] as const;
  const fields = names.map((name) => {
    const at = r.offset;
    const len = r.u16le(`${name}Len`);
    r.u16le(`${name}MaxLen`);
    return { name, at, len, offset: r.u32le(`${name}BufferOffset`) };
  });
  const flags = r.u32le('NegotiateFlags');
  const version =
    flags & NTLMSSP_NEGOTIATE_VERSION
      ? (() => {
          const major = r.u8('ProductMajorVersion');
          const minor = r.u8('ProductMinorVersion');
          const build = r.u16le('ProductBuild');
          r.skip(3, 'Version Reserved');
          return { major, minor, build, revision: r.u8('NTLMRevisionCurrent') };
        })()
      : null;
  const unicode = (flags & NTLMSSP_NEGOTIATE_UNICODE) !== 0;
  const [lmF, ntF, domF, userF, wsF, keyF] = fields as [typeof fields[0], typeof fields[0], typeof fields[0], typeof fields[0], typeof fields[0], typeof fields[0]];
  const slice = (f: typeof lmF): Reader => r.slice(f.offset, f.len, f.name);

  const lmChallengeResponse = slice(lmF).copyRest(lmF.name);
  const ntChallengeResponse = slice(ntF).copyRest(ntF.name);
  const domainName = readText(slice(domF), unicode, 'DomainName');
  const userName = readText(slice(userF), unicode, 'UserName');
  const workstation = readText(slice(wsF), unicode, 'Workstation');
  const encryptedRandomSessionKey = slice(keyF).copyRest(keyF.name);
  if (encryptedRandomSessionKey.length !== 0 && encryptedRandomSessionKey.length !== 16) {
    r.fail(`EncryptedRandomSessionKey of ${encryptedRandomSessionKey.length} bytes, expected 0 or 16`, keyF.at);
  }

  let ntlmV2: DecodedNtlmAuthenticate['ntlmV2'] = null;
  if (ntChallengeResponse.length !== 0 && ntChallengeResponse.length !== NTLMV1_RESPONSE_LENGTH) {
    if (ntChallengeResponse.length < NTLMV2_RESPONSE_MIN) {
      r.fail(`NtChallengeResponse of ${ntChallengeResponse.length} bytes is neither NTLMv1 (24) nor NTLMv2 (>= ${NTLMV2_RESPONSE_MIN})`, ntF.at);
    }
    const temp = ntChallengeResponse.slice(16);
    ntlmV2 = { ntProofStr: ntChallengeResponse.slice(0, 16), temp, clientChallenge: decodeNtlmV2ClientChallenge(temp, ntF.offset + 16) };
  }

  const avFlags = ntlmV2?.clientChallenge.avPairs.find((p) => p.id === MSV_AV_FLAGS);
  const micPresent = avFlags !== undefined && (new Reader(avFlags.value, 'ntlm').u32le('MsvAvFlags') & MSV_AV_FLAG_MIC_PRESENT) !== 0;
  const headerEnd = micPresent ? AUTHENTICATE_MIC_OFFSET + 16 : AUTHENTICATE_FIXED + (version !== null ? 8 : 0);
  for (const f of fields) {
    if (f.len > 0 && f.offset < headerEnd) r.fail(`${f.name} at offset ${f.offset} overlaps the ${headerEnd}-byte header`, f.at);
  }
  let mic: Uint8Array | null = null;
  if (micPresent) mic = r.slice(AUTHENTICATE_MIC_OFFSET, 16, 'MIC').copyRest('MIC');
  return { flags, lmChallengeResponse, ntChallengeResponse, domainName, userName, workstation, encryptedRandomSessionKey, version, mic, ntlmV2 };
}

/**
 * MIC = HMAC_MD5(ExportedSessionKey, NEGOTIATE_MESSAGE || CHALLENGE_MESSAGE || AUTHENTICATE_MESSAGE) with the
 * AUTHENTICATE's MIC field zeroed ([MS-NLMP] 3.1.5.1.2, 3.2.5.1.2). The messages are the bytes as they went over
 * the wire.
 */
export function computeMic(exportedSessionKey: Uint8Array, negotiate: Uint8Array, challenge: Uint8Array, authenticate: Uint8Array): Uint8Array {
  if (authenticate.length < AUTHENTICATE_MIC_OFFSET + 16) throw new RangeError('AUTHENTICATE_MESSAGE too short for a MIC');
  // Uint8Array.from, not slice(): on a Buffer slice() is a view, and the fill would zero the caller's MIC.
  const zeroed = Uint8Array.from(authenticate);
  zeroed.fill(0, AUTHENTICATE_MIC_OFFSET, AUTHENTICATE_MIC_OFFSET + 16);
  return hmacMd5(exportedSessionKey, negotiate, challenge, zeroed);
}

// ---------------------------------------------------------------- the client's AUTHENTICATE

/**
 * The flags a client may keep from the server's CHALLENGE ([MS-NLMP] 3.1.5.1.2: the AUTHENTICATE carries the
 * negotiated set). No OEM, no LM_KEY, no datagram, no anonymous: Unicode NTLMv2 with extended session security.
 */
export const CLIENT_AUTHENTICATE_FLAGS =
  (NTLMSSP_NEGOTIATE_UNICODE |
    NTLMSSP_REQUEST_TARGET |
    NTLMSSP_NEGOTIATE_SIGN |
    NTLMSSP_NEGOTIATE_SEAL |
    NTLMSSP_NEGOTIATE_NTLM |
    NTLMSSP_NEGOTIATE_ALWAYS_SIGN |
    NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY |
    NTLMSSP_NEGOTIATE_TARGET_INFO |
    NTLMSSP_NEGOTIATE_VERSION |
    NTLMSSP_NEGOTIATE_128 |
    NTLMSSP_NEGOTIATE_KEY_EXCH |
    NTLMSSP_NEGOTIATE_56) >>>
  0;

/** What CredSSP cannot do without: Unicode strings, signing and sealing with extended session security. */
export const CREDSSP_REQUIRED_FLAGS =
  (NTLMSSP_NEGOTIATE_UNICODE | NTLMSSP_NEGOTIATE_SIGN | NTLMSSP_NEGOTIATE_SEAL | NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY) >>> 0;

/** The negotiated flags, or the names of required flags the server left out. */
export function negotiateAuthenticateFlags(challengeFlags: number): { flags: number; missing: string[] } {
  const flags = (challengeFlags & CLIENT_AUTHENTICATE_FLAGS) >>> 0;
  return { flags, missing: ntlmFlagNames((CREDSSP_REQUIRED_FLAGS & ~flags) >>> 0) };
}

/**
 * The AV_PAIRs a client returns in its temp ([MS-NLMP] 3.1.5.1.2): the server's TargetInfo with MsvAvFlags
 * (MIC bit added), MsvAvChannelBindings and MsvAvTargetName set by the client, in the order Windows sends them.
 */
export function clientAvPairs(serverPairs: readonly AvPair[], channelBindings: Uint8Array, targetName: string | null): AvPair[] {
  if (channelBindings.length !== 16) throw new RangeError('MsvAvChannelBindings must be 16 bytes');
  const serverFlags = serverPairs.find((p) => p.id === MSV_AV_FLAGS);
  const flags = ((serverFlags ? new Reader(serverFlags.value, 'ntlm').u32le('MsvAvFlags') : 0) | MSV_AV_FLAG_MIC_PRESENT) >>> 0;
  const replaced = new Set([MSV_AV_FLAGS, MSV_AV_CHANNEL_BINDINGS, MSV_AV_TARGET_NAME]);
  const out: AvPair[] = serverPairs.filter((p) => !replaced.has(p.id)).map((p) => ({ id: p.id, value: Uint8Array.from(p.value) }));
  out.push({ id: MSV_AV_FLAGS, value: new Writer().u32le(flags, 'MsvAvFlags').finish() });
  out.push({ id: MSV_AV_CHANNEL_BINDINGS, value: Uint8Array.from(channelBindings) });
  if (targetName !== null) out.push(avString(MSV_AV_TARGET_NAME, targetName));
  return out;
}

export interface ClientAuthenticateInput {
  /** The NEGOTIATE_MESSAGE and CHALLENGE_MESSAGE bytes exactly as sent and received (the MIC covers them). */
  negotiateMessage: Uint8Array;
  challengeMessage: Uint8Array;
  challenge: NtlmChallenge;
  /** Flags from negotiateAuthenticateFlags. */
  flags: number;
  userName: string;
  domainName: string;
  workstation: string;
  /** NTOWFv2 of the account: secret, owned and zeroed by the caller. */
  responseKeyNT: Uint8Array;
  /** 8 random bytes. */
  clientChallenge: Uint8Array;
  /** 16 random bytes: the ExportedSessionKey when KEY_EXCH is negotiated. Secret. */
  randomSessionKey: Uint8Array;
  /** FILETIME for the temp when the CHALLENGE has no MsvAvTimestamp. */
  clientTime: bigint;
  /** MsvAvChannelBindings value (channelBindingsHash). */
  channelBindings: Uint8Array;
  /** MsvAvTargetName, "TERMSRV/<host>" for RDP; null to leave it out. */
  targetName: string | null;
  version: NtlmVersion;
}

export interface ClientAuthenticateOutput {
  /** The AUTHENTICATE_MESSAGE with its MIC. */
  message: Uint8Array;
  /** The key session security derives its keys from ([MS-NLMP] 3.1.5.1.2). Secret: the caller zeroes it. */
  exportedSessionKey: Uint8Array;
}

/** [MS-NLMP] 3.1.5.1.2 client processing of a CHALLENGE_MESSAGE, for NTLMv2 with a MIC. */
export function buildClientAuthenticate(input: ClientAuthenticateInput): ClientAuthenticateOutput {
  const { challenge, flags } = input;
  const serverTime = avPairTimestamp(challenge.targetInfo);
  const pairs = clientAvPairs(challenge.targetInfo, input.channelBindings, input.targetName);
  const temp = encodeNtlmV2ClientChallenge({ timestamp: serverTime ?? input.clientTime, clientChallenge: input.clientChallenge, avPairs: pairs });
  // With a server timestamp the LM response is Z(24): the MIC protects the exchange instead (3.1.5.1.2).
  const responses = computeNtlmV2Responses(input.responseKeyNT, challenge.serverChallenge, temp, input.clientChallenge, serverTime !== null);
  const kxKey = keyExchangeKeyV2(responses.sessionBaseKey);
  responses.sessionBaseKey.fill(0);
  let exportedSessionKey: Uint8Array;
  let encryptedRandomSessionKey: Uint8Array;
  if (flags & NTLMSSP_NEGOTIATE_KEY_EXCH) {
    if (input.randomSessionKey.length !== 16) throw new RangeError('RandomSessionKey must be 16 bytes');
    exportedSessionKey = Uint8Array.from(input.randomSessionKey); // a copy: the caller zeroes its RandomSessionKey
    encryptedRandomSessionKey = rc4SessionKey(kxKey, exportedSessionKey);
    kxKey.fill(0);
  } else {
    exportedSessionKey = kxKey;
    encryptedRandomSessionKey = new Uint8Array(0);
  }
  const authenticate: NtlmAuthenticate = {
    flags,
    lmChallengeResponse: responses.lmChallengeResponse,
    ntChallengeResponse: responses.ntChallengeResponse,
    domainName: input.domainName,
    userName: input.userName,
    workstation: input.workstation,
    encryptedRandomSessionKey,
    version: flags & NTLMSSP_NEGOTIATE_VERSION ? input.version : null,
    mic: new Uint8Array(16),
  };
  const message = encodeNtlmAuthenticate(authenticate);
  message.set(computeMic(exportedSessionKey, input.negotiateMessage, input.challengeMessage, message), AUTHENTICATE_MIC_OFFSET);
  return { message, exportedSessionKey };
}
