import { Reader } from '../reader.js';
import { nameOf } from '../writer.js';
import { concatBytes, uint } from './wire.js';

/**
 * SSL 2.0 (draft-hickman-netscape-ssl-00, "The SSL Protocol", Netscape, 1995). Obsolete and prohibited
 * (RFC 6176); rdprobe speaks just enough of it to ask whether a server still answers it.
 *
 * Record header (draft section "SSL Record Header Format"): two bytes when the high bit of the first is set,
 *   RECORD-LENGTH = ((byte[0] & 0x7f) << 8) | byte[1], no padding;
 * otherwise three bytes,
 *   RECORD-LENGTH = ((byte[0] & 0x3f) << 8) | byte[1], IS-ESCAPE = byte[0] & 0x40, PADDING = byte[2].
 * The handshake messages are unencrypted records whose first byte is the message type.
 */
export const SSL2_MT_ERROR = 0;
export const SSL2_MT_CLIENT_HELLO = 1;
export const SSL2_MT_SERVER_HELLO = 4;

/** 2-byte headers carry at most 32767 bytes, 3-byte headers 16383 (the draft's length field widths). */
export const SSL2_MAX_RECORD_LENGTH_2 = 0x7fff;
export const SSL2_MAX_RECORD_LENGTH_3 = 0x3fff;

/** CERTIFICATE-TYPE SSL_X509_CERTIFICATE (draft appendix "Constants"). */
export const SSL2_CT_X509_CERTIFICATE = 0x01;

// ERROR-CODE values (draft "Error Message").
export const SSL2_PE_NO_CIPHER = 0x0001;
export const SSL2_PE_NO_CERTIFICATE = 0x0002;
export const SSL2_PE_BAD_CERTIFICATE = 0x0004;
export const SSL2_PE_UNSUPPORTED_CERTIFICATE_TYPE = 0x0006;
export const SSL2_ERROR_NAMES: Readonly<Record<number, string>> = {
  [SSL2_PE_NO_CIPHER]: 'NO-CIPHER-ERROR',
  [SSL2_PE_NO_CERTIFICATE]: 'NO-CERTIFICATE-ERROR',
  [SSL2_PE_BAD_CERTIFICATE]: 'BAD-CERTIFICATE-ERROR',
  [SSL2_PE_UNSUPPORTED_CERTIFICATE_TYPE]: 'UNSUPPORTED-CERTIFICATE-TYPE-ERROR',
};

/**
 * CIPHER-KIND values (3 bytes, draft appendix "Cipher Kind Values"), with OpenSSL's names. 0x080080 is not in the
 * draft: OpenSSL (and SSLeay) defined SSL_CK_RC4_64_WITH_MD5. A TLS-aware client lists TLS suites in an SSL 2.0
 * hello as 0x00XXYY (RFC 5246 E.2), which sslv2CipherName names by their TLS suite.
 */
export interface Sslv2CipherInfo {
  id: number;
  name: string;
  openssl: string;
  bits: number;
  export: boolean;
}
export const SSL2_CIPHER_SPECS: ReadonlyMap<number, Sslv2CipherInfo> = new Map(
  [
    { id: 0x010080, name: 'SSL_CK_RC4_128_WITH_MD5', openssl: 'RC4-MD5', bits: 128, export: false },
    { id: 0x020080, name: 'SSL_CK_RC4_128_EXPORT40_WITH_MD5', openssl: 'EXP-RC4-MD5', bits: 40, export: true },
    { id: 0x030080, name: 'SSL_CK_RC2_128_CBC_WITH_MD5', openssl: 'RC2-CBC-MD5', bits: 128, export: false },
    { id: 0x040080, name: 'SSL_CK_RC2_128_CBC_EXPORT40_WITH_MD5', openssl: 'EXP-RC2-CBC-MD5', bits: 40, export: true },
    { id: 0x050080, name: 'SSL_CK_IDEA_128_CBC_WITH_MD5', openssl: 'IDEA-CBC-MD5', bits: 128, export: false },
    { id: 0x060040, name: 'SSL_CK_DES_64_CBC_WITH_MD5', openssl: 'DES-CBC-MD5', bits: 56, export: false },
    { id: 0x0700c0, name: 'SSL_CK_DES_192_EDE3_CBC_WITH_MD5', openssl: 'DES-CBC3-MD5', bits: 168, export: false },
    { id: 0x080080, name: 'SSL_CK_RC4_64_WITH_MD5', openssl: 'RC4-64-MD5', bits: 64, export: false },
  ].map((c) => [c.id, c]),
);

export function sslv2CipherName(id: number): string {
  return SSL2_CIPHER_SPECS.get(id)?.name ?? nameOf({}, id, 6);
}

/** One SSL 2.0 record: its body and the bytes it occupied. */
export interface Sslv2Record {
  headerLength: 2 | 3;
  body: Uint8Array;
  padding: number;
  isEscape: boolean;
  /** Header + body + padding. */
  length: number;
}

/**
 * Framing: the record at buf[0], or null when more bytes are needed. A first byte with the high bit set starts a
 * 2-byte header, any other a 3-byte one; servers answer with 2-byte headers.
 */
export function decodeSslv2Record(buf: Uint8Array, base = 0): Sslv2Record | null {
  if (buf.length < 2) return null;
  const r = new Reader(buf, 'sslv2', base);
  const b0 = r.u8('record header');
  const b1 = r.u8('record header');
  if (b0 & 0x80) {
    const n = ((b0 & 0x7f) << 8) | b1;
    if (r.remaining < n) return null;
    return { headerLength: 2, body: Uint8Array.from(r.bytes(n, 'record body')), padding: 0, isEscape: false, length: 2 + n };
  }
  if (buf.length < 3) return null;
  const padding = r.u8('padding length');
  const n = ((b0 & 0x3f) << 8) | b1;
  if (padding > n) r.fail(`padding ${padding} longer than the record ${n}`, base + 2);
  if (r.remaining < n) return null;
  return { headerLength: 3, body: Uint8Array.from(r.bytes(n - padding, 'record body')), padding, isEscape: (b0 & 0x40) !== 0, length: 3 + n };
}

function header2(n: number): Uint8Array {
  if (n > SSL2_MAX_RECORD_LENGTH_2) throw new RangeError(`SSL 2.0 record of ${n} bytes`);
  return Uint8Array.of(0x80 | (n >> 8), n & 0xff);
}

function header3(n: number): Uint8Array {
  if (n > SSL2_MAX_RECORD_LENGTH_3) throw new RangeError(`SSL 2.0 record of ${n} bytes`);
  return Uint8Array.of(n >> 8, n & 0xff, 0); // no padding: handshake messages are not block-encrypted
}

/** A message in one record with a 2-byte (default) or 3-byte header. */
export function encodeSslv2Record(body: Uint8Array, headerLength: 2 | 3 = 2): Uint8Array {
  return concatBytes([headerLength === 2 ? header2(body.length) : header3(body.length), body]);
}

/**
 * CLIENT-HELLO (draft "Client Only Protocol Messages"): MSG-CLIENT-HELLO, CLIENT-VERSION, CIPHER-SPECS-LENGTH,
 * SESSION-ID-LENGTH, CHALLENGE-LENGTH, then the cipher specs (3 bytes each), the session id (0 or 16 bytes) and
 * the challenge (16 to 32 bytes). A version of 0x0300/0x0301 makes it the SSL 2.0-compatible hello of
 * RFC 5246 E.2.
 */
export interface Sslv2ClientHello {
  version: number;
  cipherSpecs: number[];
  sessionId: Uint8Array;
  challenge: Uint8Array;
}

export function encodeSslv2ClientHelloMessage(h: Sslv2ClientHello): Uint8Array {
  if (h.challenge.length < 16 || h.challenge.length > 32) throw new RangeError('challenge must be 16..32 bytes');
  if (h.sessionId.length !== 0 && h.sessionId.length !== 16) throw new RangeError('session id must be 0 or 16 bytes');
  const specs = concatBytes(h.cipherSpecs.map((c) => uint(c, 3, 'cipher spec')));
  return concatBytes([
    uint(SSL2_MT_CLIENT_HELLO, 1, 'msg type'),
    uint(h.version, 2, 'version'),
    uint(specs.length, 2, 'cipher specs length'),
    uint(h.sessionId.length, 2, 'session id length'),
    uint(h.challenge.length, 2, 'challenge length'),
    specs,
    h.sessionId,
    h.challenge,
  ]);
}

export function encodeSslv2ClientHello(h: Sslv2ClientHello, headerLength: 2 | 3 = 2): Uint8Array {
  return encodeSslv2Record(encodeSslv2ClientHelloMessage(h), headerLength);
}

export function decodeSslv2ClientHelloMessage(body: Uint8Array, base = 0): Sslv2ClientHello {
  const r = new Reader(body, 'sslv2', base);
  const type = r.u8('msg type');
  if (type !== SSL2_MT_CLIENT_HELLO) r.fail(`expected CLIENT-HELLO (1), got message type ${type}`, base);
  const version = r.u16be('version');
  const specsLength = r.u16be('cipher specs length');
  const sessionIdLength = r.u16be('session id length');
  const challengeLength = r.u16be('challenge length');
  if (specsLength === 0 || specsLength % 3 !== 0) r.fail(`cipher specs length ${specsLength} is not a positive multiple of 3`, base + 3);
  if (sessionIdLength !== 0 && sessionIdLength !== 16) r.fail(`session id length ${sessionIdLength}, expected 0 or 16`, base + 5);
  if (challengeLength < 16 || challengeLength > 32) r.fail(`challenge length ${challengeLength} outside 16..32`, base + 7);
  const specs = r.sub(specsLength, 'cipher specs');
  const cipherSpecs: number[] = [];
  while (specs.remaining > 0) cipherSpecs.push((specs.u8('cipher spec') << 16) | specs.u16be('cipher spec'));
  const sessionId = Uint8Array.from(r.bytes(sessionIdLength, 'session id'));
  const challenge = Uint8Array.from(r.bytes(challengeLength, 'challenge'));
  r.end('CLIENT-HELLO');
  return { version, cipherSpecs, sessionId, challenge };
}

/**
 * SERVER-HELLO (draft "Server Only Protocol Messages"): MSG-SERVER-HELLO, SESSION-ID-HIT, CERTIFICATE-TYPE,
 * SERVER-VERSION, CERTIFICATE-LENGTH, CIPHER-SPECS-LENGTH, CONNECTION-ID-LENGTH, then the certificate (DER),
 * the cipher specs the server accepts (3 bytes each) and the connection id (16 to 32 bytes).
 */
export interface Sslv2ServerHello {
  sessionIdHit: number;
  certificateType: number;
  version: number;
  certificate: Uint8Array;
  cipherSpecs: number[];
  connectionId: Uint8Array;
}

export function decodeSslv2ServerHelloMessage(body: Uint8Array, base = 0): Sslv2ServerHello {
  const r = new Reader(body, 'sslv2', base);
  const type = r.u8('msg type');
  if (type !== SSL2_MT_SERVER_HELLO) r.fail(`expected SERVER-HELLO (4), got message type ${type}`, base);
  const sessionIdHit = r.u8('session id hit');
  const certificateType = r.u8('certificate type');
  const version = r.u16be('server version');
  const certLength = r.u16be('certificate length');
  const specsLength = r.u16be('cipher specs length');
  const connectionIdLength = r.u16be('connection id length');
  if (specsLength % 3 !== 0) r.fail(`cipher specs length ${specsLength} is not a multiple of 3`, base + 7);
  if (connectionIdLength < 16 || connectionIdLength > 32) r.fail(`connection id length ${connectionIdLength} outside 16..32`, base + 9);
  const certificate = Uint8Array.from(r.bytes(certLength, 'certificate'));
  const specs = r.sub(specsLength, 'cipher specs');
  const cipherSpecs: number[] = [];
  while (specs.remaining > 0) cipherSpecs.push((specs.u8('cipher spec') << 16) | specs.u16be('cipher spec'));
  const connectionId = Uint8Array.from(r.bytes(connectionIdLength, 'connection id'));
  r.end('SERVER-HELLO');
  return { sessionIdHit, certificateType, version, certificate, cipherSpecs, connectionId };
}

export function encodeSslv2ServerHelloMessage(h: Sslv2ServerHello): Uint8Array {
  const specs = concatBytes(h.cipherSpecs.map((c) => uint(c, 3, 'cipher spec')));
  return concatBytes([
    uint(SSL2_MT_SERVER_HELLO, 1, 'msg type'),
    uint(h.sessionIdHit, 1, 'session id hit'),
    uint(h.certificateType, 1, 'certificate type'),
    uint(h.version, 2, 'server version'),
    uint(h.certificate.length, 2, 'certificate length'),
    uint(specs.length, 2, 'cipher specs length'),
    uint(h.connectionId.length, 2, 'connection id length'),
    h.certificate,
    specs,
    h.connectionId,
  ]);
}

/** ERROR message: MSG-ERROR, ERROR-CODE (2 bytes). */
export function decodeSslv2ErrorMessage(body: Uint8Array, base = 0): { code: number; name: string } {
  const r = new Reader(body, 'sslv2', base);
  const type = r.u8('msg type');
  if (type !== SSL2_MT_ERROR) r.fail(`expected ERROR (0), got message type ${type}`, base);
  const code = r.u16be('error code');
  r.end('ERROR');
  return { code, name: nameOf(SSL2_ERROR_NAMES, code, 4) };
}

export function encodeSslv2ErrorMessage(code: number): Uint8Array {
  return concatBytes([uint(SSL2_MT_ERROR, 1, 'msg type'), uint(code, 2, 'error code')]);
}

/** The SERVER-HELLO in one whole record (2- or 3-byte header), nothing after it. */
export function decodeSslv2ServerHello(buf: Uint8Array): Sslv2ServerHello {
  const rec = decodeSslv2Record(buf);
  if (rec === null) return new Reader(buf, 'sslv2').fail(`truncated SSL 2.0 record: ${buf.length} byte(s)`, buf.length);
  if (rec.length !== buf.length) new Reader(buf, 'sslv2').fail(`${buf.length - rec.length} unexpected trailing byte(s) after the SSL 2.0 record`, rec.length);
  return decodeSslv2ServerHelloMessage(rec.body, rec.headerLength);
}
