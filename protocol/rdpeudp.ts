import { Reader } from './reader.js';
import { Writer, flagNames, nameOf } from './writer.js';

/**
 * RDP over UDP, the connection-initialization handshake only ([MS-RDPEUDP] 3.1.5.1): the client's SYN and the
 * server's SYN+ACK. Both are one datagram: an RDPUDP_FEC_HEADER, an RDPUDP_SYNDATA_PAYLOAD, then the optional
 * RDPUDP_CORRELATION_ID_PAYLOAD and RDPUDP_SYNDATAEX_PAYLOAD in that order (3.1.5.1.1 steps 3 and 4), then zeros up
 * to 1232 bytes (the 4.1.2 example and every captured datagram, client and server). All integers are big-endian,
 * unlike the rest of RDP.
 *
 * Section numbers are those of the current [MS-RDPEUDP] (CORRELATION_ID is 2.2.2.8, SYNDATAEX 2.2.2.9).
 */

// uFlags of RDPUDP_FEC_HEADER ([MS-RDPEUDP] 2.2.2.1).
export const RDPUDP_FLAG_SYN = 0x0001; // connection initialization: RDPUDP_SYNDATA_PAYLOAD follows
export const RDPUDP_FLAG_FIN = 0x0002; // "currently unused"
/** In a data datagram: an RDPUDP_ACK_VECTOR_HEADER (2.2.2.7) follows. Not in a SYN+ACK: the captured Windows
 * SYN+ACK sets it and carries no ACK vector (3.1.5.1.3 adds none), so with SYN set it is only the acknowledgement. */
export const RDPUDP_FLAG_ACK = 0x0004;
export const RDPUDP_FLAG_DATA = 0x0008; // source or FEC payload header follows (never in the handshake)
export const RDPUDP_FLAG_FEC = 0x0010; // RDPUDP_FEC_PAYLOAD_HEADER follows (never in the handshake)
export const RDPUDP_FLAG_CN = 0x0020; // congestion notification
export const RDPUDP_FLAG_CWR = 0x0040; // congestion window reset
export const RDPUDP_FLAG_SACK_OPTION = 0x0080; // "not used"
export const RDPUDP_FLAG_ACK_OF_ACKS = 0x0100; // RDPUDP_ACK_OF_ACKVECTOR_HEADER follows (never in the handshake)
export const RDPUDP_FLAG_SYNLOSSY = 0x0200; // the client asks for RDP-UDP-L (no retransmission)
export const RDPUDP_FLAG_ACKDELAYED = 0x0400;
export const RDPUDP_FLAG_CORRELATION_ID = 0x0800; // RDPUDP_CORRELATION_ID_PAYLOAD (2.2.2.8) follows SYNDATA
export const RDPUDP_FLAG_SYNEX = 0x1000; // RDPUDP_SYNDATAEX_PAYLOAD (2.2.2.9) follows

export const RDPUDP_FLAG_NAMES: Readonly<Record<number, string>> = {
  [RDPUDP_FLAG_SYN]: 'RDPUDP_FLAG_SYN',
  [RDPUDP_FLAG_FIN]: 'RDPUDP_FLAG_FIN',
  [RDPUDP_FLAG_ACK]: 'RDPUDP_FLAG_ACK',
  [RDPUDP_FLAG_DATA]: 'RDPUDP_FLAG_DATA',
  [RDPUDP_FLAG_FEC]: 'RDPUDP_FLAG_FEC',
  [RDPUDP_FLAG_CN]: 'RDPUDP_FLAG_CN',
  [RDPUDP_FLAG_CWR]: 'RDPUDP_FLAG_CWR',
  [RDPUDP_FLAG_SACK_OPTION]: 'RDPUDP_FLAG_SACK_OPTION',
  [RDPUDP_FLAG_ACK_OF_ACKS]: 'RDPUDP_FLAG_ACK_OF_ACKS',
  [RDPUDP_FLAG_SYNLOSSY]: 'RDPUDP_FLAG_SYNLOSSY',
  [RDPUDP_FLAG_ACKDELAYED]: 'RDPUDP_FLAG_ACKDELAYED',
  [RDPUDP_FLAG_CORRELATION_ID]: 'RDPUDP_FLAG_CORRELATION_ID',
  [RDPUDP_FLAG_SYNEX]: 'RDPUDP_FLAG_SYNEX',
};

export function rdpudpFlagNames(flags: number): string[] {
  return flagNames(RDPUDP_FLAG_NAMES, flags, 4);
}

// uSynExFlags of RDPUDP_SYNDATAEX_PAYLOAD (2.2.2.9).
export const RDPUDP_VERSION_INFO_VALID = 0x0001; // uUdpVer means something; without it the version is 1

// uUdpVer of RDPUDP_SYNDATAEX_PAYLOAD (2.2.2.9). Not a bit field and not ordered by value alone: 3 is 0x0101.
export const RDPUDP_PROTOCOL_VERSION_1 = 0x0001; // min retransmit time-out 500 ms, delayed ACK 200 ms
export const RDPUDP_PROTOCOL_VERSION_2 = 0x0002; // min retransmit time-out 300 ms, delayed ACK 50 ms
export const RDPUDP_PROTOCOL_VERSION_3 = 0x0101; // data transfer per [MS-RDPEUDP2]; SYN carries a cookieHash

export const RDPUDP_VERSION_NAMES: Readonly<Record<number, string>> = {
  [RDPUDP_PROTOCOL_VERSION_1]: 'RDPUDP_PROTOCOL_VERSION_1',
  [RDPUDP_PROTOCOL_VERSION_2]: 'RDPUDP_PROTOCOL_VERSION_2',
  [RDPUDP_PROTOCOL_VERSION_3]: 'RDPUDP_PROTOCOL_VERSION_3',
};

/** `RDPUDP_PROTOCOL_VERSION_2`, or `unknown(0x0003)`: a captured Windows client offered 0x0003 (see the tests). */
export function rdpudpVersionName(v: number): string {
  return nameOf(RDPUDP_VERSION_NAMES, v, 4);
}

/** Every handshake datagram is zero-padded to this size (3.1.5.1.1; 4.1.2 "zero padded to 1232 bytes"). */
export const RDPUDP_SYN_DATAGRAM_SIZE = 1232;
/** uUpStreamMtu / uDownStreamMtu bounds (2.2.2.5). */
export const RDPUDP_MTU_MIN = 1132;
export const RDPUDP_MTU_MAX = 1232;
/** snSourceAck of a SYN: -1, nothing received yet (3.1.5.1.1 step 1). */
export const RDPUDP_SN_NONE = 0xffffffff;
/** uReceiveWindowSize the captured Windows clients and server all send (packets, 2.2.2.1). */
export const RDPUDP_DEFAULT_RECEIVE_WINDOW = 64;
export const RDPUDP_CORRELATION_ID_LENGTH = 16; // uCorrelationId (2.2.2.8)
const RDPUDP_CORRELATION_RESERVED_LENGTH = 16; // uReserved, all zero (2.2.2.8)
export const RDPUDP_COOKIE_HASH_LENGTH = 32; // SHA-256 (2.2.2.9)

/** RDPUDP_FEC_HEADER ([MS-RDPEUDP] 2.2.2.1): the 8 bytes every datagram starts with. */
export interface RdpudpFecHeader {
  /** Highest source sequence number seen from the peer; -1 (0xFFFFFFFF) in a SYN, the SYN's snInitialSequenceNumber in a SYN+ACK. */
  snSourceAck: number;
  /** Receive buffer size, in packets. */
  uReceiveWindowSize: number;
  uFlags: number;
}

/** RDPUDP_SYNDATA_PAYLOAD ([MS-RDPEUDP] 2.2.2.5). */
export interface RdpudpSynData {
  snInitialSequenceNumber: number;
  /** Largest datagram this endpoint will send (1132..1232). */
  uUpStreamMtu: number;
  /** Largest datagram this endpoint accepts (1132..1232). */
  uDownStreamMtu: number;
}

/** RDPUDP_SYNDATAEX_PAYLOAD ([MS-RDPEUDP] 2.2.2.9). */
export interface RdpudpSynDataEx {
  uSynExFlags: number;
  /** Always on the wire; meaningful only with RDPUDP_VERSION_INFO_VALID. */
  uUdpVer: number;
  /**
   * SHA-256 of the Initiate Multitransport Request's securityCookie ([MS-RDPBCGR] 2.2.15.1). Present only in a
   * client SYN offering RDPUDP_PROTOCOL_VERSION_3, never in a SYN+ACK (2.2.2.9 "MUST NOT be present in any other case").
   */
  cookieHash: Uint8Array | null;
}

/** A SYN or SYN+ACK datagram (3.1.5.1.1, 3.1.5.1.3), padding left out. */
export interface RdpudpSynDatagram {
  header: RdpudpFecHeader;
  synData: RdpudpSynData;
  /** uCorrelationId of RDPUDP_CORRELATION_ID_PAYLOAD (2.2.2.8), or null when RDPUDP_FLAG_CORRELATION_ID is clear. */
  correlationId: Uint8Array | null;
  /** Null when RDPUDP_FLAG_SYNEX is clear. */
  synDataEx: RdpudpSynDataEx | null;
}

function checkU32(v: number, field: string): void {
  if (!Number.isInteger(v) || v < 0 || v > 0xffffffff) throw new RangeError(`${field}: ${v} is not a 32-bit unsigned integer`);
}

/**
 * Encodes a SYN or SYN+ACK and pads it to 1232 bytes. The optional payloads must agree with uFlags (a flag
 * without its payload, or the reverse, would make the peer misread everything after it): RangeError otherwise.
 */
export function encodeSynDatagram(d: RdpudpSynDatagram): Uint8Array {
  const f = d.header.uFlags;
  if ((f & RDPUDP_FLAG_SYN) === 0) throw new RangeError('a handshake datagram must set RDPUDP_FLAG_SYN');
  if (((f & RDPUDP_FLAG_CORRELATION_ID) !== 0) !== (d.correlationId !== null)) {
    throw new RangeError('RDPUDP_FLAG_CORRELATION_ID must be set exactly when a correlation id is given');
  }
  if (((f & RDPUDP_FLAG_SYNEX) !== 0) !== (d.synDataEx !== null)) throw new RangeError('RDPUDP_FLAG_SYNEX must be set exactly when SYNDATAEX is given');
  checkU32(d.header.snSourceAck, 'snSourceAck');
  checkU32(d.synData.snInitialSequenceNumber, 'snInitialSequenceNumber');
  const w = new Writer()
    .u32be(d.header.snSourceAck, 'snSourceAck')
    .u16be(d.header.uReceiveWindowSize, 'uReceiveWindowSize')
    .u16be(f, 'uFlags')
    .u32be(d.synData.snInitialSequenceNumber, 'snInitialSequenceNumber')
    .u16be(d.synData.uUpStreamMtu, 'uUpStreamMtu')
    .u16be(d.synData.uDownStreamMtu, 'uDownStreamMtu');
  if (d.correlationId !== null) {
    if (d.correlationId.length !== RDPUDP_CORRELATION_ID_LENGTH) throw new RangeError(`correlation id must be ${RDPUDP_CORRELATION_ID_LENGTH} bytes`);
    w.bytes(d.correlationId).bytes(new Uint8Array(RDPUDP_CORRELATION_RESERVED_LENGTH));
  }
  if (d.synDataEx !== null) {
    const x = d.synDataEx;
    w.u16be(x.uSynExFlags, 'uSynExFlags').u16be(x.uUdpVer, 'uUdpVer');
    const wantsHash = cookieHashExpected(f, x);
    if (wantsHash !== (x.cookieHash !== null)) {
      throw new RangeError('cookieHash goes in a client SYN offering RDPUDP_PROTOCOL_VERSION_3, and nowhere else (2.2.2.9)');
    }
    if (x.cookieHash !== null) {
      if (x.cookieHash.length !== RDPUDP_COOKIE_HASH_LENGTH) throw new RangeError(`cookieHash must be ${RDPUDP_COOKIE_HASH_LENGTH} bytes`);
      w.bytes(x.cookieHash);
    }
  }
  const out = new Uint8Array(RDPUDP_SYN_DATAGRAM_SIZE);
  out.set(w.finish());
  return out;
}

/** A cookieHash follows uUdpVer only in a client SYN (no ACK) whose valid version is 3 (2.2.2.9). */
function cookieHashExpected(uFlags: number, x: { uSynExFlags: number; uUdpVer: number }): boolean {
  return (uFlags & RDPUDP_FLAG_ACK) === 0 && (x.uSynExFlags & RDPUDP_VERSION_INFO_VALID) !== 0 && x.uUdpVer === RDPUDP_PROTOCOL_VERSION_3;
}

/**
 * Reads one handshake datagram. Structure is checked strictly, values are reported as sent: the size must be
 * 1232, the payloads the flags announce must be there, and everything after them must be zero. A non-zero byte
 * in the padding means a structure this decoder does not know (a DATA or ACK_OF_ACKS header, a cookieHash where
 * none belongs), and guessing at it would report a wrong field. MTU ranges and snSourceAck are left to the
 * caller, which can say what is wrong instead of only "malformed".
 */
function decodeSynDatagram(buf: Uint8Array, base: number, what: string): RdpudpSynDatagram {
  const r = new Reader(buf, 'rdpeudp', base);
  if (buf.length !== RDPUDP_SYN_DATAGRAM_SIZE) {
    // Checked first so that any cut datagram (a strict prefix) fails here, whatever it happens to contain.
    r.fail(`${what} of ${buf.length} bytes: handshake datagrams are zero-padded to ${RDPUDP_SYN_DATAGRAM_SIZE} bytes (3.1.5.1.1)`);
  }
  const header: RdpudpFecHeader = {
    snSourceAck: r.u32be('snSourceAck'),
    uReceiveWindowSize: r.u16be('uReceiveWindowSize'),
    uFlags: r.u16be('uFlags'),
  };
  const f = header.uFlags;
  if ((f & RDPUDP_FLAG_SYN) === 0) r.fail(`${what} without RDPUDP_FLAG_SYN: uFlags 0x${f.toString(16).padStart(4, '0')}`, base + 6);
  const synData: RdpudpSynData = {
    snInitialSequenceNumber: r.u32be('snInitialSequenceNumber'),
    uUpStreamMtu: r.u16be('uUpStreamMtu'),
    uDownStreamMtu: r.u16be('uDownStreamMtu'),
  };
  let correlationId: Uint8Array | null = null;
  if (f & RDPUDP_FLAG_CORRELATION_ID) {
    correlationId = Uint8Array.from(r.bytes(RDPUDP_CORRELATION_ID_LENGTH, 'uCorrelationId'));
    const at = r.offset;
    const reserved = r.bytes(RDPUDP_CORRELATION_RESERVED_LENGTH, 'uReserved');
    const bad = reserved.findIndex((b) => b !== 0);
    if (bad >= 0) r.fail(`RDPUDP_CORRELATION_ID_PAYLOAD uReserved must be zero (2.2.2.8), byte ${bad} is 0x${reserved[bad]!.toString(16)}`, at + bad);
  }
  let synDataEx: RdpudpSynDataEx | null = null;
  if (f & RDPUDP_FLAG_SYNEX) {
    const uSynExFlags = r.u16be('uSynExFlags');
    const uUdpVer = r.u16be('uUdpVer');
    const cookieHash = cookieHashExpected(f, { uSynExFlags, uUdpVer }) ? Uint8Array.from(r.bytes(RDPUDP_COOKIE_HASH_LENGTH, 'cookieHash')) : null;
    synDataEx = { uSynExFlags, uUdpVer, cookieHash };
  }
  const padAt = r.offset;
  const padding = r.rest();
  const nonZero = padding.findIndex((b) => b !== 0);
  if (nonZero >= 0) {
    r.fail(
      `non-zero byte 0x${padding[nonZero]!.toString(16).padStart(2, '0')} in the zero padding of a ${what} (uFlags 0x${f.toString(16).padStart(4, '0')}): a payload this decoder does not know`,
      padAt + nonZero,
    );
  }
  return { header, synData, correlationId, synDataEx };
}

/** A client SYN (3.1.5.1.1): RDPUDP_FLAG_SYN set, RDPUDP_FLAG_ACK clear. Throws DecodeError. */
export function decodeSyn(buf: Uint8Array, base = 0): RdpudpSynDatagram {
  const d = decodeSynDatagram(buf, base, 'SYN');
  if (d.header.uFlags & RDPUDP_FLAG_ACK) new Reader(buf, 'rdpeudp', base).fail('a SYN with RDPUDP_FLAG_ACK set is a SYN+ACK', base + 6);
  return d;
}

/**
 * The version both ends will use (3.1.5.1.3): what SYNDATAEX names when RDPUDP_VERSION_INFO_VALID is set, else
 * RDPUDP_PROTOCOL_VERSION_1 ("if either this packet or the SYN packet does not specify a version").
 */
export function negotiatedVersion(d: RdpudpSynDatagram): number {
  const x = d.synDataEx;
  return x !== null && (x.uSynExFlags & RDPUDP_VERSION_INFO_VALID) !== 0 ? x.uUdpVer : RDPUDP_PROTOCOL_VERSION_1;
}

/** What a server's SYN+ACK says, with the acknowledgement checked against the SYN we sent. */
export interface RdpudpSynAck {
  /** 'matches': snSourceAck is our snInitialSequenceNumber (3.1.5.1.3). 'mismatch': it answers some other SYN
   * (a stale or spoofed datagram): the fields are still reported, the caller decides what it means. */
  ack: 'matches' | 'mismatch';
  expectedAck: number;
  snSourceAck: number;
  flags: number;
  flagNames: string[];
  receiveWindowSize: number;
  serverInitialSequenceNumber: number;
  upstreamMtu: number;
  downstreamMtu: number;
  /** False: no RDPUDP_SYNDATAEX_PAYLOAD, which means version 1. */
  synEx: boolean;
  /** Negotiated uUdpVer (RDPUDP_PROTOCOL_VERSION_1 when SYNEX or RDPUDP_VERSION_INFO_VALID is absent). */
  version: number;
  versionName: string;
  /** Always null from a spec-following server (2.2.2.9); kept so the shape matches the SYN's. */
  cookieHash: Uint8Array | null;
  datagram: RdpudpSynDatagram;
}

/**
 * A server SYN+ACK (3.1.5.1.3): RDPUDP_FLAG_SYN and RDPUDP_FLAG_ACK set. `expectedAck` is the
 * snInitialSequenceNumber of the SYN we sent; a different snSourceAck is a result (`ack: 'mismatch'`), not an
 * error. Throws DecodeError for anything that is not a well-formed SYN+ACK.
 */
export function decodeSynAck(buf: Uint8Array, expectedAck: number, base = 0): RdpudpSynAck {
  const d = decodeSynDatagram(buf, base, 'SYN+ACK');
  const f = d.header.uFlags;
  if ((f & RDPUDP_FLAG_ACK) === 0) new Reader(buf, 'rdpeudp', base).fail('a SYN+ACK without RDPUDP_FLAG_ACK (a SYN, not an answer)', base + 6);
  const version = negotiatedVersion(d);
  return {
    ack: d.header.snSourceAck === expectedAck >>> 0 ? 'matches' : 'mismatch',
    expectedAck: expectedAck >>> 0,
    snSourceAck: d.header.snSourceAck,
    flags: f,
    flagNames: rdpudpFlagNames(f),
    receiveWindowSize: d.header.uReceiveWindowSize,
    serverInitialSequenceNumber: d.synData.snInitialSequenceNumber,
    upstreamMtu: d.synData.uUpStreamMtu,
    downstreamMtu: d.synData.uDownStreamMtu,
    synEx: d.synDataEx !== null,
    version,
    versionName: rdpudpVersionName(version),
    cookieHash: d.synDataEx?.cookieHash ?? null,
    datagram: d,
  };
}

/** The values of a SYN the builder does not fix; every one may be injected (tests reproduce captured SYNs). */
export interface SynParams {
  snInitialSequenceNumber: number;
  correlationId: Uint8Array;
  /** Offered uUdpVer; the server answers with the highest both support (3.1.5.1.3). */
  version: number;
  receiveWindowSize: number;
  mtu: number;
  /**
   * Sent when `version` is 3. A probe has no Initiate Multitransport Request to hash, so it sends zeros, as the
   * captured Windows client did in the version-3 SYN the server answered.
   */
  cookieHash: Uint8Array;
}

/** Bytes from the platform's CSPRNG (Web Crypto, global in Node 20 and browsers: no import, no I/O). */
const cryptoRandom = (n: number): Uint8Array => globalThis.crypto.getRandomValues(new Uint8Array(n));

function u32From(b: Uint8Array): number {
  if (b.length !== 4) throw new RangeError('need 4 random bytes');
  return ((b[0]! << 24) >>> 0) + (b[1]! << 16) + (b[2]! << 8) + b[3]!;
}

/**
 * A uCorrelationId as 3.1.5.1.1 step 3 wants it: random, first byte neither 0x00 nor 0xF4, no byte 0x0D (the
 * same rules as RDP_NEG_CORRELATION_INFO, [MS-RDPBCGR] 2.2.1.1.2). Offending bytes are nudged, not redrawn, so
 * the function is total for any random source.
 */
export function correlationIdFrom(random: Uint8Array): Uint8Array {
  if (random.length !== RDPUDP_CORRELATION_ID_LENGTH) throw new RangeError(`need ${RDPUDP_CORRELATION_ID_LENGTH} random bytes`);
  const id = Uint8Array.from(random, (b) => (b === 0x0d ? 0x0e : b));
  if (id[0] === 0x00 || id[0] === 0xf4) id[0] = id[0]! + 1;
  return id;
}

function checkCorrelationId(id: Uint8Array): void {
  if (id.length !== RDPUDP_CORRELATION_ID_LENGTH) throw new RangeError(`correlation id must be ${RDPUDP_CORRELATION_ID_LENGTH} bytes`);
  if (id[0] === 0x00 || id[0] === 0xf4) throw new RangeError('correlation id must not start with 0x00 or 0xF4 (3.1.5.1.1)');
  if (id.includes(0x0d)) throw new RangeError('correlation id must not contain 0x0D (3.1.5.1.1)');
}

/**
 * The SYN rdprobe sends, shaped like the captured Windows client SYNs: snSourceAck -1, window 64, SYN |
 * CORRELATION_ID | SYNEX, a random snInitialSequenceNumber, MTU 1232 both ways, a random correlation id, the
 * highest version (3) with its cookieHash, zero padding to 1232. Returns the parameters used, so the caller can
 * check the answer's snSourceAck against snInitialSequenceNumber.
 */
export function buildSyn(overrides: Partial<SynParams> = {}, random: (n: number) => Uint8Array = cryptoRandom): { bytes: Uint8Array; params: SynParams } {
  const params: SynParams = {
    snInitialSequenceNumber: overrides.snInitialSequenceNumber ?? u32From(random(4)),
    correlationId: overrides.correlationId ?? correlationIdFrom(random(RDPUDP_CORRELATION_ID_LENGTH)),
    version: overrides.version ?? RDPUDP_PROTOCOL_VERSION_3,
    receiveWindowSize: overrides.receiveWindowSize ?? RDPUDP_DEFAULT_RECEIVE_WINDOW,
    mtu: overrides.mtu ?? RDPUDP_MTU_MAX,
    cookieHash: overrides.cookieHash ?? new Uint8Array(RDPUDP_COOKIE_HASH_LENGTH),
  };
  checkCorrelationId(params.correlationId);
  if (params.mtu < RDPUDP_MTU_MIN || params.mtu > RDPUDP_MTU_MAX) throw new RangeError(`MTU ${params.mtu} outside ${RDPUDP_MTU_MIN}..${RDPUDP_MTU_MAX} (2.2.2.5)`);
  const bytes = encodeSynDatagram({
    header: { snSourceAck: RDPUDP_SN_NONE, uReceiveWindowSize: params.receiveWindowSize, uFlags: RDPUDP_FLAG_SYN | RDPUDP_FLAG_CORRELATION_ID | RDPUDP_FLAG_SYNEX },
    synData: { snInitialSequenceNumber: params.snInitialSequenceNumber, uUpStreamMtu: params.mtu, uDownStreamMtu: params.mtu },
    correlationId: params.correlationId,
    synDataEx: {
      uSynExFlags: RDPUDP_VERSION_INFO_VALID,
      uUdpVer: params.version,
      cookieHash: params.version === RDPUDP_PROTOCOL_VERSION_3 ? params.cookieHash : null,
    },
  });
  return { bytes, params };
}
