import { Reader } from '../reader.js';
import { toHex } from '../writer.js';
import { encodeHandshake, HANDSHAKE_SERVER_HELLO } from './handshake.js';
import { encodeExtensions, parseServerHelloExtensions, readExtensions, type ServerHelloExtensions, type TlsExtension } from './extensions.js';
import { RANDOM_LENGTH, SESSION_ID_MAX_LENGTH } from './client-hello.js';
import { concatBytes, readOpaque, uint, vector } from './wire.js';

/**
 * ServerHello (RFC 5246 7.4.1.3, RFC 8446 4.1.3; SSL 3.0: RFC 6101 5.6.1.3):
 *
 *   struct {
 *     ProtocolVersion server_version;     // legacy_version = 0x0303 in TLS 1.3
 *     Random random;
 *     SessionID session_id<0..32>;        // legacy_session_id_echo
 *     CipherSuite cipher_suite;
 *     CompressionMethod compression_method;
 *     select (extensions_present) { case false: struct {}; case true: Extension extensions<0..2^16-1>; };
 *   } ServerHello;
 *
 * A HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest") (RFC 8446 4.1.3).
 */
export const HELLO_RETRY_REQUEST_RANDOM = 'cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c';
/** RFC 8446 4.1.3: last 8 bytes of a TLS 1.3 server's random when it negotiates TLS 1.2 / 1.1 or below. */
export const DOWNGRADE_SENTINEL_TLS12 = '444f574e47524401';
export const DOWNGRADE_SENTINEL_TLS11 = '444f574e47524400';

export interface ServerHello {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  /** Raw extensions in the order sent, or null when there is no extensions block. */
  extensions: TlsExtension[] | null;
  helloRetryRequest: boolean;
  /** The RFC 8446 4.1.3 downgrade sentinel in the random, if any. */
  downgradeSentinel: 'tls1.2' | 'tls1.1' | null;
  parsed: ServerHelloExtensions;
  /** The version the server chose: supported_versions when present, else server_version. */
  version: number;
}

export function decodeServerHello(body: Uint8Array, base = 0): ServerHello {
  const r = new Reader(body, 'tls', base);
  const legacyVersion = r.u16be('server_version');
  if (legacyVersion >> 8 !== 0x03) r.fail(`server_version 0x${legacyVersion.toString(16).padStart(4, '0')} is not SSL 3.0 or TLS`, base);
  const random = Uint8Array.from(r.bytes(RANDOM_LENGTH, 'random'));
  const sessionId = readOpaque(r, 1, 'session_id', 0, SESSION_ID_MAX_LENGTH);
  const cipherSuite = r.u16be('cipher_suite');
  const compressionMethod = r.u8('compression_method');
  const extAt = r.offset;
  const extensions = r.remaining === 0 ? null : readExtensions(r, 'extensions');
  r.end('ServerHello');
  const hex = toHex(random);
  const helloRetryRequest = hex === HELLO_RETRY_REQUEST_RANDOM;
  const tail = hex.slice(48);
  const downgradeSentinel = tail === DOWNGRADE_SENTINEL_TLS12 ? 'tls1.2' : tail === DOWNGRADE_SENTINEL_TLS11 ? 'tls1.1' : null;
  const parsed = parseServerHelloExtensions(extensions ?? [], helloRetryRequest, extAt);
  return {
    legacyVersion, random, sessionId, cipherSuite, compressionMethod, extensions, helloRetryRequest, downgradeSentinel, parsed,
    version: parsed.supportedVersion ?? legacyVersion,
  };
}

export interface ServerHelloSpec {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuite: number;
  compressionMethod: number;
  extensions: TlsExtension[] | null;
}

/** The ServerHello handshake message (header included). */
export function encodeServerHello(s: ServerHelloSpec): Uint8Array {
  if (s.random.length !== RANDOM_LENGTH) throw new RangeError('random must be 32 bytes');
  return encodeHandshake(
    HANDSHAKE_SERVER_HELLO,
    concatBytes([
      uint(s.legacyVersion, 2, 'server_version'),
      s.random,
      vector(1, s.sessionId, 'session_id'),
      uint(s.cipherSuite, 2, 'cipher_suite'),
      uint(s.compressionMethod, 1, 'compression_method'),
      s.extensions === null ? new Uint8Array(0) : encodeExtensions(s.extensions),
    ]),
  );
}
