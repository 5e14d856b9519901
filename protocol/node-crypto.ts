/**
 * The functions of node:crypto that rdprobe calls, with node:crypto's own signatures, loaded on the first call
 * instead of at start. Loading node:crypto is several milliseconds of every run (node:tls, which needs it, more),
 * and most runs of a scan never hash, sign or decrypt anything: a closed or firewalled port, the default checks of
 * a plain host. Start-up is a target of its own (issue 19, bench `startup`).
 */
import type * as Crypto from 'node:crypto';

const lib = (): typeof Crypto => process.getBuiltinModule('node:crypto');

type Fn = (...args: unknown[]) => unknown;
function lazy<K extends 'createHash' | 'createHmac' | 'randomBytes' | 'createDecipheriv' | 'createECDH' | 'createPrivateKey' | 'createPublicKey' | 'diffieHellman' | 'generateKeyPairSync'>(name: K): (typeof Crypto)[K] {
  return ((...args: unknown[]) => (lib()[name] as Fn)(...args)) as unknown as (typeof Crypto)[K];
}

export const createHash = lazy('createHash');
export const createHmac = lazy('createHmac');
export const randomBytes = lazy('randomBytes');
export const createDecipheriv = lazy('createDecipheriv');
export const createECDH = lazy('createECDH');
export const createPrivateKey = lazy('createPrivateKey');
export const createPublicKey = lazy('createPublicKey');
export const diffieHellman = lazy('diffieHellman');
export const generateKeyPairSync = lazy('generateKeyPairSync');

/** `new X509Certificate(data)` of node:crypto. */
export function x509Certificate(data: Crypto.BinaryLike): Crypto.X509Certificate {
  return new (lib().X509Certificate)(data);
}

/** node:crypto's Web Crypto object. */
export function webcrypto(): Crypto.webcrypto.Crypto {
  return lib().webcrypto;
}
