import { DecodeError } from './errors.js';
import { Reader } from './reader.js';

/**
 * CredSSP TSRequest codec ([MS-CSSP] 2.2.1). CredSSP messages are DER ([MS-CSSP] 2.2, X.690 10), so the decoder
 * is a strict DER reader of exactly this structure: definite minimal lengths, minimal INTEGERs, the explicit
 * context tags in order, each at most once, nothing trailing. It never searches for an NTLMSSP signature.
 * A small hand-written DER reader on top of Reader (instead of asn1js) keeps every error a DecodeError with the
 * absolute offset of the offending byte.
 */

/** Largest TSRequest we accept (whole DER encoding, header included); a server can claim any length. */
export const TS_REQUEST_MAX_LENGTH = 0x10000; // 64 KiB
/** Most negoTokens we accept in one NegoData; real servers send exactly one. */
export const TS_REQUEST_MAX_NEGO_TOKENS = 16;
/** Highest TSRequest version [MS-CSSP] 2.2.1 defines (5 and 6 carry the CVE-2018-0886 nonce-bound pubKeyAuth). */
export const TS_REQUEST_VERSION_MAX_KNOWN = 6;

/** Reason prefix of the DecodeError thrown for a TSRequest above TS_REQUEST_MAX_LENGTH (stable: probes map it to too_large). */
export const TOO_LARGE_REASON = 'TSRequest too large';

// X.690 8.1.2 identifier octets used here.
const DER_INTEGER = 0x02; // UNIVERSAL 2, primitive
const DER_OCTET_STRING = 0x04; // UNIVERSAL 4, primitive
const DER_SEQUENCE = 0x30; // UNIVERSAL 16, constructed
/** [n] EXPLICIT: context-specific class, constructed. */
const contextTag = (n: number): number => 0xa0 | n;

/*
 * [MS-CSSP] 2.2.1 TSRequest:
 *
 *   TSRequest ::= SEQUENCE {
 *     version     [0] INTEGER,
 *     negoTokens  [1] NegoData    OPTIONAL,
 *     authInfo    [2] OCTET STRING OPTIONAL,
 *     pubKeyAuth  [3] OCTET STRING OPTIONAL,
 *     errorCode   [4] INTEGER     OPTIONAL,   -- versions 3, 4, 6 (NTSTATUS of a failed SPNEGO exchange)
 *     clientNonce [5] OCTET STRING OPTIONAL   -- versions 5, 6
 *   }
 *
 * [MS-CSSP] 2.2.1.1 NegoData:
 *
 *   NegoData ::= SEQUENCE OF SEQUENCE {
 *     negoToken [0] OCTET STRING
 *   }
 *
 * The module uses explicit tagging (DEFINITIONS EXPLICIT TAGS), so `[0] INTEGER` is A0 len 02 len value.
 */
export interface TsRequest {
  version: number;
  /** Each negoToken, in order (an SPNEGO or raw NTLM message). */
  negoTokens?: Uint8Array[];
  authInfo?: Uint8Array;
  pubKeyAuth?: Uint8Array;
  /**
   * NTSTATUS as the unsigned 32-bit value (0xC000006D), however the peer encoded the INTEGER. The encoder also
   * accepts a negative value (-0x3FFFFF93) and encodes that INTEGER, to mirror servers that send the signed form.
   */
  errorCode?: number;
  /** 32 bytes in [MS-CSSP] 2.2.1; the length is not enforced. */
  clientNonce?: Uint8Array;
}

// ---------------------------------------------------------------- encoding

function derLength(n: number): number[] {
  if (n < 0x80) return [n];
  const out: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) out.unshift(v & 0xff);
  return [0x80 | out.length, ...out];
}

function tlv(tag: number, content: Uint8Array): Uint8Array {
  const head = [tag, ...derLength(content.length)];
  const out = new Uint8Array(head.length + content.length);
  out.set(head, 0);
  out.set(content, head.length);
  return out;
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** X.690 8.3: two's complement, big-endian, fewest octets (no redundant leading 0x00 or 0xFF). */
function derIntegerContent(value: number): Uint8Array {
  let v = BigInt(value);
  const out: number[] = [];
  for (;;) {
    const byte = Number(v & 0xffn);
    out.unshift(byte);
    v >>= 8n; // arithmetic shift: stays -1 for negatives
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break;
  }
  return Uint8Array.from(out);
}

const derInteger = (value: number): Uint8Array => tlv(DER_INTEGER, derIntegerContent(value));
const explicit = (n: number, inner: Uint8Array): Uint8Array => tlv(contextTag(n), inner);

/** DER encoding of a TSRequest; absent optional fields are omitted. Throws RangeError on values it cannot encode. */
export function encodeTsRequest(req: TsRequest): Uint8Array {
  if (!Number.isInteger(req.version) || req.version < 0 || req.version > 0x7fffffff) {
    throw new RangeError(`TSRequest version ${req.version} out of range`);
  }
  const fields: Uint8Array[] = [explicit(0, derInteger(req.version))];
  if (req.negoTokens !== undefined) {
    if (req.negoTokens.length > TS_REQUEST_MAX_NEGO_TOKENS) {
      throw new RangeError(`${req.negoTokens.length} negoTokens (max ${TS_REQUEST_MAX_NEGO_TOKENS})`);
    }
    const items = req.negoTokens.map((t) => tlv(DER_SEQUENCE, explicit(0, tlv(DER_OCTET_STRING, t))));
    fields.push(explicit(1, tlv(DER_SEQUENCE, concat(items))));
  }
  if (req.authInfo !== undefined) fields.push(explicit(2, tlv(DER_OCTET_STRING, req.authInfo)));
  if (req.pubKeyAuth !== undefined) fields.push(explicit(3, tlv(DER_OCTET_STRING, req.pubKeyAuth)));
  if (req.errorCode !== undefined) {
    const e = req.errorCode;
    if (!Number.isInteger(e) || e < -0x80000000 || e > 0xffffffff) {
      throw new RangeError(`TSRequest errorCode ${e} is not a 32-bit NTSTATUS`);
    }
    fields.push(explicit(4, derInteger(e)));
  }
  if (req.clientNonce !== undefined) fields.push(explicit(5, tlv(DER_OCTET_STRING, req.clientNonce)));
  const out = tlv(DER_SEQUENCE, concat(fields));
  if (out.length > TS_REQUEST_MAX_LENGTH) {
    throw new RangeError(`TSRequest of ${out.length} bytes exceeds ${TS_REQUEST_MAX_LENGTH}`);
  }
  return out;
}

// ---------------------------------------------------------------- decoding

/** X.690 8.1.3 definite length in the minimal form DER requires (X.690 10.1). */
function readLength(r: Reader, field: string): number {
  const at = r.offset;
  const first = r.u8(`${field} length`);
  if (first < 0x80) return first;
  if (first === 0x80) r.fail(`${field}: indefinite length is not DER`, at);
  const n = first & 0x7f;
  if (n > 4) r.fail(`${field}: length of ${n} octets is out of range`, at);
  let len = 0;
  for (let i = 0; i < n; i++) len = len * 256 + r.u8(`${field} length`);
  if (len < 0x80 || len < 2 ** (8 * (n - 1))) r.fail(`${field}: non-minimal length encoding is not DER`, at);
  return len;
}

/** One TLV whose identifier must be `tag`; returns a sub-reader over its contents. */
function expectTlv(r: Reader, tag: number, field: string): Reader {
  const at = r.offset;
  const got = r.u8(`${field} tag`);
  if (got !== tag) {
    r.fail(`${field}: expected tag 0x${hex2(tag)}, got 0x${hex2(got)}`, at);
  }
  const len = readLength(r, field);
  return r.sub(len, field);
}

const hex2 = (v: number): string => v.toString(16).padStart(2, '0');

/** DER INTEGER contents (X.690 8.3) as a bigint, rejecting empty and non-minimal encodings. */
function readInteger(r: Reader, field: string): bigint {
  const body = expectTlv(r, DER_INTEGER, field);
  const at = body.offset;
  if (body.length === 0) body.fail(`${field}: empty INTEGER`, at);
  if (body.length > 8) body.fail(`${field}: INTEGER of ${body.length} octets is out of range`, at);
  const bytes = body.rest();
  const b0 = bytes[0]!;
  const b1 = bytes[1];
  if (b1 !== undefined && ((b0 === 0x00 && (b1 & 0x80) === 0) || (b0 === 0xff && (b1 & 0x80) !== 0))) {
    body.fail(`${field}: non-minimal INTEGER encoding is not DER`, at);
  }
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  if (b0 & 0x80) v -= 1n << BigInt(8 * bytes.length);
  return v;
}

function readOctetString(r: Reader, field: string): Uint8Array {
  return expectTlv(r, DER_OCTET_STRING, field).copyRest(field);
}

/** [n] EXPLICIT wrapper: exactly one inner element, nothing after it. */
function explicitField<T>(r: Reader, n: number, field: string, inner: (r: Reader) => T): T {
  const wrapped = expectTlv(r, contextTag(n), `${field} [${n}]`);
  const v = inner(wrapped);
  wrapped.end(`${field} [${n}]`);
  return v;
}

function readNegoData(r: Reader): Uint8Array[] {
  const seqOf = expectTlv(r, DER_SEQUENCE, 'NegoData');
  const tokens: Uint8Array[] = [];
  while (seqOf.remaining > 0) {
    if (tokens.length === TS_REQUEST_MAX_NEGO_TOKENS) {
      seqOf.fail(`more than ${TS_REQUEST_MAX_NEGO_TOKENS} negoTokens`);
    }
    const item = expectTlv(seqOf, DER_SEQUENCE, `NegoData item ${tokens.length}`);
    tokens.push(explicitField(item, 0, 'negoToken', (x) => readOctetString(x, 'negoToken')));
    item.end(`NegoData item ${tokens.length - 1}`);
  }
  return tokens;
}

/** Decodes one complete DER TSRequest ([MS-CSSP] 2.2.1). Throws DecodeError('credssp', offset, reason). */
export function decodeTsRequest(bytes: Uint8Array): TsRequest {
  if (bytes.length > TS_REQUEST_MAX_LENGTH) {
    throw new DecodeError('credssp', 0, `${TOO_LARGE_REASON}: ${bytes.length} bytes (max ${TS_REQUEST_MAX_LENGTH})`);
  }
  const outer = new Reader(bytes, 'credssp');
  const seq = expectTlv(outer, DER_SEQUENCE, 'TSRequest');
  outer.end('TSRequest');

  const versionAt = seq.offset;
  const version = explicitField(seq, 0, 'version', (r) => readInteger(r, 'version'));
  if (version < 0n || version > 0x7fffffffn) seq.fail(`version ${version} out of range`, versionAt);
  const req: TsRequest = { version: Number(version) };

  // The optional fields, in tag order, each at most once (DER SEQUENCE: components in definition order).
  let last = 0;
  while (seq.remaining > 0) {
    const at = seq.offset;
    const tag = seq.peekU8('TSRequest field tag');
    const n = tag & 0x1f;
    if ((tag & 0xe0) !== 0xa0 || n < 1 || n > 5) seq.fail(`unexpected TSRequest field tag 0x${hex2(tag)}`, at);
    if (n <= last) seq.fail(`TSRequest field [${n}] out of order or repeated`, at);
    last = n;
    switch (n) {
      case 1:
        req.negoTokens = explicitField(seq, 1, 'negoTokens', readNegoData);
        break;
      case 2:
        req.authInfo = explicitField(seq, 2, 'authInfo', (r) => readOctetString(r, 'authInfo'));
        break;
      case 3:
        req.pubKeyAuth = explicitField(seq, 3, 'pubKeyAuth', (r) => readOctetString(r, 'pubKeyAuth'));
        break;
      case 4: {
        const e = explicitField(seq, 4, 'errorCode', (r) => readInteger(r, 'errorCode'));
        // Positive 5-octet (00 C0 00 00 6D) or negative 4-octet (C0 00 00 6D): both mean NTSTATUS 0xC000006D.
        if (e < -0x80000000n || e > 0xffffffffn) seq.fail(`errorCode ${e} is not a 32-bit NTSTATUS`, at);
        req.errorCode = Number(BigInt.asUintN(32, e));
        break;
      }
      case 5:
        req.clientNonce = explicitField(seq, 5, 'clientNonce', (r) => readOctetString(r, 'clientNonce'));
        break;
    }
  }
  return req;
}

/**
 * Framing for the transport: from the first bytes received over TLS, the total length (header included) of the
 * TSRequest's outer SEQUENCE, or null when more bytes are needed to tell. Throws DecodeError when the bytes cannot
 * start a TSRequest (not a SEQUENCE, indefinite or non-minimal length) or claim more than TS_REQUEST_MAX_LENGTH
 * (reason starts with TOO_LARGE_REASON).
 */
export function tsRequestLength(prefix: Uint8Array): number | null {
  const first = prefix[0];
  if (first === undefined) return null;
  if (first !== DER_SEQUENCE) {
    throw new DecodeError('credssp', 0, `TSRequest: expected tag 0x${hex2(DER_SEQUENCE)}, got 0x${hex2(first)}`);
  }
  const l0 = prefix[1];
  if (l0 === undefined) return null;
  let headerLength = 2;
  if (l0 >= 0x80) {
    const n = l0 & 0x7f;
    if (prefix.length < 2 + n) {
      // Still validate what we can already see, so garbage fails early.
      if (l0 === 0x80 || n > 4) readLength(new Reader(prefix.subarray(1), 'credssp', 1), 'TSRequest');
      return null;
    }
    headerLength += n;
  }
  const len = readLength(new Reader(prefix.subarray(1, headerLength), 'credssp', 1), 'TSRequest');
  const total = headerLength + len;
  if (total > TS_REQUEST_MAX_LENGTH) {
    throw new DecodeError('credssp', 1, `${TOO_LARGE_REASON}: ${total} bytes (max ${TS_REQUEST_MAX_LENGTH})`);
  }
  return total;
}
