/**
 * The certificate authorities a TLS chain is verified against: Node's bundled list (tls.rootCertificates, the
 * Mozilla CA set Node ships, the same on every platform) plus the PEM bundle of --ca-file, for an enterprise CA
 * that signs the RDP certificates. node:tls does the verification itself (TLSSocket.authorized); this file only
 * says what it trusts. Used by the credential gate of the authentication test (src/checks/auth.ts).
 */
import { x509Certificate } from '../../protocol/node-crypto.js';

export interface TrustStore {
  /** PEM certificates for tls.connect's `ca` option. */
  readonly ca: readonly string[];
  /** Certificates added by --ca-file (0 without one). */
  readonly added: number;
}

/** A --ca-file that cannot be used: the message is one line, for the CLI. */
export class TrustStoreError extends Error {
  override readonly name = 'TrustStoreError';
}

/** Node's bundled CA list; node:tls loads on this first use, not at start. */
const rootCertificates = (): readonly string[] => process.getBuiltinModule('node:tls').rootCertificates;

const PEM_BLOCK = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** Node's own CA list, nothing added. */
export function systemTrustStore(): TrustStore {
  return { ca: rootCertificates(), added: 0 };
}

/**
 * Node's CA list plus every certificate of a PEM bundle. Each block must parse as an X.509 certificate; a file with
 * none, or with one that does not parse, is refused rather than silently trusting less than the user meant.
 */
export function trustStoreFromPem(text: string, source: string): TrustStore {
  const blocks = text.replace(/^\uFEFF/, '').match(PEM_BLOCK) ?? [];
  if (blocks.length === 0) throw new TrustStoreError(`${source}: no PEM certificate (-----BEGIN CERTIFICATE-----) in the file`);
  blocks.forEach((pem, i) => {
    try {
      x509Certificate(pem);
    } catch {
      throw new TrustStoreError(`${source}: certificate ${i + 1} of ${blocks.length} is not a valid X.509 certificate`);
    }
  });
  return { ca: [...rootCertificates(), ...blocks], added: blocks.length };
}
