import { createECDH, createPrivateKey, createPublicKey, diffieHellman, generateKeyPairSync } from '../node-crypto.js';
import { DecodeError } from '../errors.js';
import { namedGroupName, SECP256R1, SECP384R1, SECP521R1, X25519, X448 } from './groups.js';

/**
 * Ephemeral (EC)DHE key shares for the key_share extension (RFC 8446 4.2.8.2): X25519/X448 public keys are the
 * raw 32/56-byte u-coordinate (RFC 7748 5), NIST curves the uncompressed point 04||X||Y (SEC 1 2.3.3).
 * Keys are plain bytes so a ClientHello spec, and what the caller keeps to decrypt the TLS 1.3 flight,
 * are plain data. node:crypto does the arithmetic.
 */
export interface EphemeralKey {
  group: number;
  /** Raw private key: the X25519/X448 scalar, or the NIST curve's big-endian d. */
  privateKey: Uint8Array;
  /** The key_exchange bytes sent in the KeyShareEntry. */
  publicKey: Uint8Array;
}

// PKCS#8 / SPKI DER prefixes of RFC 8410 keys (id-X25519 1.3.101.110, id-X448 1.3.101.111): prefix || raw key.
const X_PKCS8: Readonly<Record<number, Buffer>> = {
  [X25519]: Buffer.from('302e020100300506032b656e04220420', 'hex'),
  [X448]: Buffer.from('3046020100300506032b656f043a0438', 'hex'),
};
const X_SPKI: Readonly<Record<number, Buffer>> = {
  [X25519]: Buffer.from('302a300506032b656e032100', 'hex'),
  [X448]: Buffer.from('3042300506032b656f033900', 'hex'),
};
const X_LENGTH: Readonly<Record<number, number>> = { [X25519]: 32, [X448]: 56 };
const EC_CURVES: Readonly<Record<number, string>> = { [SECP256R1]: 'prime256v1', [SECP384R1]: 'secp384r1', [SECP521R1]: 'secp521r1' };

/** Groups this module can generate shares for and compute secrets with. */
export const KEY_SHARE_GROUPS: readonly number[] = [X25519, X448, SECP256R1, SECP384R1, SECP521R1];

export function canGenerateKeyShare(group: number): boolean {
  return KEY_SHARE_GROUPS.includes(group);
}

function fromJwk(b64url: string): Uint8Array {
  return Uint8Array.from(Buffer.from(b64url, 'base64url'));
}

/** A fresh key pair for `group`; or, given `privateKey`, the pair for that key (deterministic tests). */
export function generateKeyShare(group: number, privateKey?: Uint8Array): EphemeralKey {
  const xLen = X_LENGTH[group];
  if (xLen !== undefined) {
    let priv: Uint8Array;
    if (privateKey === undefined) {
      const kp = group === X25519 ? generateKeyPairSync('x25519') : generateKeyPairSync('x448');
      priv = fromJwk(kp.privateKey.export({ format: 'jwk' }).d!);
    } else {
      if (privateKey.length !== xLen) throw new RangeError(`${namedGroupName(group)} private key must be ${xLen} bytes`);
      priv = Uint8Array.from(privateKey);
    }
    const key = createPrivateKey({ key: Buffer.concat([X_PKCS8[group]!, priv]), format: 'der', type: 'pkcs8' });
    const pub = fromJwk(createPublicKey(key).export({ format: 'jwk' }).x!);
    return { group, privateKey: priv, publicKey: pub };
  }
  const curve = EC_CURVES[group];
  if (curve === undefined) throw new RangeError(`cannot generate a key share for ${namedGroupName(group)}`);
  const ecdh = createECDH(curve);
  if (privateKey === undefined) ecdh.generateKeys();
  else ecdh.setPrivateKey(Buffer.from(privateKey));
  return { group, privateKey: Uint8Array.from(ecdh.getPrivateKey()), publicKey: Uint8Array.from(ecdh.getPublicKey(null, 'uncompressed')) };
}

/**
 * The (EC)DHE shared secret (RFC 8446 7.4.2: the X coordinate for NIST curves, the raw output for X25519/X448).
 * The peer's share is untrusted: a malformed one is a DecodeError, not a crypto exception.
 */
export function sharedSecret(own: EphemeralKey, peerPublic: Uint8Array, offset = 0): Uint8Array {
  const xLen = X_LENGTH[own.group];
  try {
    if (xLen !== undefined) {
      if (peerPublic.length !== xLen) throw new Error(`length ${peerPublic.length}, expected ${xLen}`);
      const privateKey = createPrivateKey({ key: Buffer.concat([X_PKCS8[own.group]!, own.privateKey]), format: 'der', type: 'pkcs8' });
      const publicKey = createPublicKey({ key: Buffer.concat([X_SPKI[own.group]!, peerPublic]), format: 'der', type: 'spki' });
      const secret = Uint8Array.from(diffieHellman({ privateKey, publicKey }));
      // RFC 8446 7.4.2: an all-zero X25519/X448 output (a low-order point) MUST be rejected.
      if (secret.every((b) => b === 0)) throw new Error('all-zero shared secret');
      return secret;
    }
    const curve = EC_CURVES[own.group];
    if (curve === undefined) throw new Error(`unsupported group ${namedGroupName(own.group)}`);
    const ecdh = createECDH(curve);
    ecdh.setPrivateKey(Buffer.from(own.privateKey));
    return Uint8Array.from(ecdh.computeSecret(Buffer.from(peerPublic)));
  } catch (e) {
    throw new DecodeError('tls', offset, `server key share for ${namedGroupName(own.group)} is unusable: ${e instanceof Error ? e.message : String(e)}`);
  }
}
