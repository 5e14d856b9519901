import { Reader } from '../reader.js';
import { encodeHandshake, HANDSHAKE_SERVER_KEY_EXCHANGE } from './handshake.js';
import { namedGroupName } from './groups.js';
import { cipherSuiteInfo, cipherSuiteName } from './suites.js';
import { TLS12_VERSION } from './versions.js';
import { concatBytes, readOpaque, uint, vector } from './wire.js';

/**
 * ServerKeyExchange (RFC 5246 7.4.3, RFC 8422 5.4, RFC 4346/2246 7.4.3 for ServerRSAParams). Its structure
 * depends on the key exchange of the chosen suite, so the suite (and the version, which decides whether the
 * signature carries a SignatureAndHashAlgorithm) is an input:
 *
 *   DHE:   struct { opaque dh_p<1..2^16-1>; opaque dh_g<1..2^16-1>; opaque dh_Ys<1..2^16-1>; } ServerDHParams;
 *   ECDHE: struct { ECCurveType curve_type = named_curve(3); NamedCurve namedcurve; opaque point<1..2^8-1>; }
 *   RSA export: struct { opaque rsa_modulus<1..2^16-1>; opaque rsa_exponent<1..2^16-1>; } ServerRSAParams;
 *   then, unless anonymous: digitally-signed (TLS 1.2: SignatureAndHashAlgorithm + opaque signature<0..2^16-1>;
 *   earlier: opaque signature<0..2^16-1>).
 *
 * rdprobe reads it for the DH prime size (Logjam, RFC 7919) and the ECDHE group; the signature is not verified.
 */
export type ServerKeyExchange =
  | { kind: 'dhe'; p: Uint8Array; g: Uint8Array; ys: Uint8Array; primeBits: number; signature: ServerSignature | null }
  | { kind: 'ecdhe'; curveType: number; group: number; groupName: string; point: Uint8Array; signature: ServerSignature | null }
  | { kind: 'rsa'; modulus: Uint8Array; exponent: Uint8Array; modulusBits: number; signature: ServerSignature | null };

export interface ServerSignature {
  /** SignatureAndHashAlgorithm / SignatureScheme (TLS 1.2), null before TLS 1.2. */
  algorithm: number | null;
  signature: Uint8Array;
}

export const EC_CURVE_TYPE_EXPLICIT_PRIME = 1;
export const EC_CURVE_TYPE_EXPLICIT_CHAR2 = 2;
export const EC_CURVE_TYPE_NAMED_CURVE = 3;

/** Size in bits of a big-endian unsigned integer (leading zero bytes ignored). */
export function bitLength(b: Uint8Array): number {
  let i = 0;
  while (i < b.length && b[i] === 0) i++;
  if (i === b.length) return 0;
  return (b.length - i - 1) * 8 + (32 - Math.clz32(b[i]!));
}

function readSignature(r: Reader, version: number): ServerSignature {
  const algorithm = version >= TLS12_VERSION ? r.u16be('signature algorithm') : null;
  return { algorithm, signature: readOpaque(r, 2, 'signature') };
}

/** Which ServerKeyExchange a suite implies, or null when it sends none we read (RSA, PSK, SRP, static DH...). */
export function serverKeyExchangeKind(suite: number): 'dhe' | 'ecdhe' | 'rsa' | null {
  const s = cipherSuiteInfo(suite);
  if (!s) return null;
  if (s.kx === 'DHE') return 'dhe';
  if (s.kx === 'ECDHE') return 'ecdhe';
  if (s.kx === 'RSA' && s.export) return 'rsa';
  return null;
}

export function decodeServerKeyExchange(body: Uint8Array, suite: number, version: number, base = 0): ServerKeyExchange {
  const r = new Reader(body, 'tls', base);
  const kind = serverKeyExchangeKind(suite);
  const anonymous = cipherSuiteInfo(suite)?.anon ?? false;
  const signature = (): ServerSignature | null => (anonymous ? null : readSignature(r, version));
  let out: ServerKeyExchange;
  switch (kind) {
    case 'dhe': {
      const p = readOpaque(r, 2, 'dh_p', 1);
      const g = readOpaque(r, 2, 'dh_g', 1);
      const ys = readOpaque(r, 2, 'dh_Ys', 1);
      out = { kind, p, g, ys, primeBits: bitLength(p), signature: signature() };
      break;
    }
    case 'ecdhe': {
      const at = r.offset;
      const curveType = r.u8('curve_type');
      if (curveType !== EC_CURVE_TYPE_NAMED_CURVE) {
        r.fail(`curve_type ${curveType}: explicit curve parameters (RFC 4492 5.4) are not supported (RFC 8422 5.4 removed them)`, at);
      }
      const group = r.u16be('namedcurve');
      const point = readOpaque(r, 1, 'point', 1);
      out = { kind, curveType, group, groupName: namedGroupName(group), point, signature: signature() };
      break;
    }
    case 'rsa': {
      const modulus = readOpaque(r, 2, 'rsa_modulus', 1);
      const exponent = readOpaque(r, 2, 'rsa_exponent', 1);
      out = { kind, modulus, exponent, modulusBits: bitLength(modulus), signature: signature() };
      break;
    }
    default:
      return r.fail(`no ServerKeyExchange is read for ${cipherSuiteName(suite)}`, base);
  }
  r.end('ServerKeyExchange');
  return out;
}

/** The ServerKeyExchange handshake message (test peers). */
export function encodeServerKeyExchange(ske: ServerKeyExchange): Uint8Array {
  const sig = ske.signature === null ? new Uint8Array(0) : concatBytes([ske.signature.algorithm === null ? new Uint8Array(0) : uint(ske.signature.algorithm, 2, 'signature algorithm'), vector(2, ske.signature.signature, 'signature')]);
  let params: Uint8Array;
  switch (ske.kind) {
    case 'dhe':
      params = concatBytes([vector(2, ske.p, 'dh_p'), vector(2, ske.g, 'dh_g'), vector(2, ske.ys, 'dh_Ys')]);
      break;
    case 'ecdhe':
      params = concatBytes([uint(ske.curveType, 1, 'curve_type'), uint(ske.group, 2, 'namedcurve'), vector(1, ske.point, 'point')]);
      break;
    case 'rsa':
      params = concatBytes([vector(2, ske.modulus, 'rsa_modulus'), vector(2, ske.exponent, 'rsa_exponent')]);
      break;
  }
  return encodeHandshake(HANDSHAKE_SERVER_KEY_EXCHANGE, concatBytes([params, sig]));
}
