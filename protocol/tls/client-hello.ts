import { randomBytes } from '../node-crypto.js';
import { DecodeError } from '../errors.js';
import { Reader } from '../reader.js';
import { bodyReader, decodeHandshakeMessages, encodeHandshake, HANDSHAKE_CLIENT_HELLO, handshakeTypeName } from './handshake.js';
import type { EphemeralKey } from './key-share.js';
import { CONTENT_TYPE_HANDSHAKE, decodeRecords, encodeRecords, TLS_MAX_PLAINTEXT_LENGTH } from './record.js';
import { clientExtensionId, decodeClientExtension, encodeClientExtension, encodeExtensions, readExtensions, type ClientExtensionSpec, type TlsExtension } from './extensions.js';
import { SSL3_VERSION, TLS13_VERSION } from './versions.js';
import { concatBytes, readOpaque, readU16List, readU8List, u16List, u8List, uint, vector } from './wire.js';

/**
 * ClientHello (RFC 5246 7.4.1.2, RFC 8446 4.1.2; SSL 3.0: RFC 6101 5.6.1.2):
 *
 *   struct {
 *     ProtocolVersion client_version;          // legacy_version in TLS 1.3
 *     Random random;                           // 32 bytes
 *     SessionID session_id<0..32>;
 *     CipherSuite cipher_suites<2..2^16-2>;
 *     CompressionMethod compression_methods<1..2^8-1>;
 *     select (extensions_present) { case false: struct {}; case true: Extension extensions<0..2^16-1>; };
 *   } ClientHello;
 *
 * A ClientHelloSpec is plain data that says everything a client puts on the wire, in order, so a real client's
 * hello can be described (decodeClientHello) and replayed (encodeClientHello) byte for byte. SSL 3.0 is this
 * encoder with legacyVersion 0x0300 and `extensions: null`.
 */
export interface ClientHelloSpec {
  /** Version in the record header (clients commonly send 0x0301 whatever they offer). */
  recordVersion: number;
  /** client_version / legacy_version. */
  legacyVersion: number;
  /** 32 bytes; generated when absent. */
  random?: Uint8Array;
  sessionId: Uint8Array;
  /** In the order sent, SCSVs (0x00FF, 0x5600) and GREASE values included as given. */
  cipherSuites: number[];
  compressionMethods: number[];
  /** In the order sent. `null`: no extensions block at all (SSL 3.0 and old TLS clients); `[]`: an empty one. */
  extensions: ClientExtensionSpec[] | null;
  /** Largest record fragment to cut the message into (default 2^14); smaller values split the hello over records. */
  maxFragment?: number;
}

export interface EncodedClientHello {
  /** The record(s) to send. */
  bytes: Uint8Array;
  /** The handshake message (header + body): what the TLS 1.3 transcript hash covers. */
  handshake: Uint8Array;
  /** The spec with random and every key share filled in: encoding it again gives the same bytes. */
  spec: ClientHelloSpec;
  /** Private keys of the key shares generated here (none for shares given as bytes). */
  keyShares: EphemeralKey[];
}

export const RANDOM_LENGTH = 32;
export const SESSION_ID_MAX_LENGTH = 32;

export function encodeClientHello(spec: ClientHelloSpec): EncodedClientHello {
  const random = spec.random ?? Uint8Array.from(randomBytes(RANDOM_LENGTH));
  if (random.length !== RANDOM_LENGTH) throw new RangeError(`random must be ${RANDOM_LENGTH} bytes`);
  if (spec.sessionId.length > SESSION_ID_MAX_LENGTH) throw new RangeError('session_id longer than 32 bytes');
  const keyShares: EphemeralKey[] = [];
  let extensions: ClientExtensionSpec[] | null = null;
  let extBlock: Uint8Array = new Uint8Array(0);
  if (spec.extensions !== null) {
    const built = spec.extensions.map((e) => encodeClientExtension(e, keyShares));
    extensions = built.map((b) => b.resolved);
    extBlock = encodeExtensions(built.map((b) => b.ext));
  }
  const body = concatBytes([
    uint(spec.legacyVersion, 2, 'client_version'),
    random,
    vector(1, spec.sessionId, 'session_id'),
    vector(2, u16List(spec.cipherSuites, 'cipher suite'), 'cipher_suites'),
    vector(1, u8List(spec.compressionMethods, 'compression method'), 'compression_methods'),
    extBlock,
  ]);
  const handshake = encodeHandshake(HANDSHAKE_CLIENT_HELLO, body);
  const bytes = encodeRecords(CONTENT_TYPE_HANDSHAKE, spec.recordVersion, handshake, spec.maxFragment ?? TLS_MAX_PLAINTEXT_LENGTH);
  const resolved: ClientHelloSpec = { ...spec, random, extensions };
  return { bytes, handshake, spec: resolved, keyShares };
}

/** The body fields of a ClientHello (everything but the record version), decoded strictly. */
export interface ClientHelloBody {
  legacyVersion: number;
  random: Uint8Array;
  sessionId: Uint8Array;
  cipherSuites: number[];
  compressionMethods: number[];
  /** Raw extensions in order, or null when the hello has no extensions block. */
  extensions: TlsExtension[] | null;
}

export function decodeClientHelloBody(body: Uint8Array, base = 0): ClientHelloBody {
  const r = new Reader(body, 'tls', base);
  const legacyVersion = r.u16be('client_version');
  if (legacyVersion >> 8 !== 0x03) r.fail(`client_version 0x${legacyVersion.toString(16).padStart(4, '0')} is not SSL 3.0 or TLS`, base);
  const random = Uint8Array.from(r.bytes(RANDOM_LENGTH, 'random'));
  const sessionId = readOpaque(r, 1, 'session_id', 0, SESSION_ID_MAX_LENGTH);
  const cipherSuites = readU16List(r, 2, 'cipher_suites', 2);
  const compressionMethods = readU8List(r, 1, 'compression_methods', 1);
  // RFC 5246 7.4.1.2: a client may omit the extensions block entirely (nothing after compression_methods).
  const extensions = r.remaining === 0 ? null : readExtensions(r, 'extensions');
  r.end('ClientHello');
  return { legacyVersion, random, sessionId, cipherSuites, compressionMethods, extensions };
}

export interface DecodedClientHello {
  /** A spec that encodes back to the same bytes (key shares carried as their public bytes). */
  spec: ClientHelloSpec;
  body: ClientHelloBody;
  /** The handshake message (header + body). */
  handshake: Uint8Array;
}

/**
 * Decodes the record(s) a client sent: handshake records holding exactly one ClientHello and nothing else,
 * possibly split over several records (then maxFragment is set to the first record's size).
 */
export function decodeClientHello(bytes: Uint8Array): DecodedClientHello {
  const { records, rest } = decodeRecords(bytes);
  if (rest.length > 0) throw new DecodeError('tls', bytes.length - rest.length, `truncated record: ${rest.length} byte(s) of an incomplete record`);
  if (records.length === 0) throw new DecodeError('tls', 0, 'no record');
  for (const rec of records) {
    if (rec.type !== CONTENT_TYPE_HANDSHAKE) throw new DecodeError('tls', rec.offset, `expected a handshake record, got content type ${rec.type}`);
    if (rec.version !== records[0]!.version) throw new DecodeError('tls', rec.offset + 1, 'record versions differ between the records of one ClientHello');
  }
  const stream = concatBytes(records.map((r) => r.fragment));
  const messages = decodeHandshakeMessages(stream, records[0]!.offset + 5);
  if (messages.length !== 1) throw new DecodeError('tls', records[0]!.offset + 5, `expected exactly one handshake message, got ${messages.length}`);
  const m = messages[0]!;
  if (m.type !== HANDSHAKE_CLIENT_HELLO) bodyReader(m).fail(`expected client_hello, got ${handshakeTypeName(m.type)}`, m.offset);
  const body = decodeClientHelloBody(m.body, m.offset + 4);
  const spec: ClientHelloSpec = {
    recordVersion: records[0]!.version,
    legacyVersion: body.legacyVersion,
    random: body.random,
    sessionId: body.sessionId,
    cipherSuites: body.cipherSuites,
    compressionMethods: body.compressionMethods,
    extensions: body.extensions === null ? null : body.extensions.map((x) => decodeClientExtension(x, m.offset + 4)),
  };
  if (records.length > 1) spec.maxFragment = records[0]!.fragment.length;
  return { spec, body, handshake: m.raw };
}

/**
 * The protocol versions a hello offers: supported_versions when present (RFC 8446 4.2.1: then legacy_version is
 * ignored), otherwise every version from SSL 3.0 up to client_version (RFC 5246 E.1).
 */
export function offeredVersions(spec: Pick<ClientHelloSpec, 'legacyVersion' | 'extensions'>): number[] {
  const sv = spec.extensions?.find((e) => clientExtensionId(e) === 0x002b);
  if (sv?.type === 'supported_versions') return sv.versions;
  const out: number[] = [];
  for (let v = SSL3_VERSION; v <= Math.min(spec.legacyVersion, TLS13_VERSION - 1); v++) out.push(v);
  return out;
}
