/**
 * The certificate chain as the server sent it, and whether it leads to a root the prober trusts: Node's bundled
 * Mozilla root store plus the administrator's own CA certificates (--ca-file), because RDP certificates from an
 * enterprise CA chain to a root no public store has. rdprobe never fetches AIA, OCSP or CRL URLs: a chain that needs
 * a fetched intermediate is reported as such, and revocation is not judged.
 *
 * A path is built the way a client does (RFC 5280 6.1, without policy and name constraints): from the leaf, each
 * certificate's issuer is looked for first among the roots, then among the certificates the server sent; an issuer
 * counts only when its name matches (checkIssued) and its key verifies the signature. Every certificate on the path
 * must be within its dates.
 */
import type { X509Certificate } from 'node:crypto';
import { x509Certificate } from '../../protocol/node-crypto.js';
import type { ChainCertificate } from '../record.js';
import { escapeControls } from './certificate.js';

/** Why a chain is not trusted (the record's trust_error). */
/**
 * self_signed: the leaf signed itself and is not in the store; untrusted_root: the chain ends in a self-signed CA the
 * store does not hold; unknown_issuer: the issuer of the last certificate was neither sent nor in the store (an
 * enterprise CA not given with --ca-file, or a missing intermediate); incomplete_chain: the same with --ca-file given,
 * so the intermediate is what is missing; expired / not_yet_valid: a certificate on the path is out of its dates.
 */
export type TrustError = 'self_signed' | 'untrusted_root' | 'unknown_issuer' | 'incomplete_chain' | 'expired' | 'not_yet_valid' | 'unparseable';

export interface TrustStore {
  roots: readonly X509Certificate[];
  /** The roots' SHA-256 fingerprints (a certificate that is itself a root is trusted as is). */
  anchors: ReadonlySet<string>;
  /** The store holds certificates the administrator added (--ca-file). */
  custom: boolean;
}

let bundled: X509Certificate[] | null = null;
const stores = new Map<string, TrustStore>();

/** One PEM text -> its certificates; throws on text that holds none. */
export function parsePemBundle(text: string): X509Certificate[] {
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (blocks.length === 0) throw new Error('no PEM certificate (-----BEGIN CERTIFICATE-----) in it');
  return blocks.map((b) => x509Certificate(b));
}

/** Node's roots plus `extraPem` (each a PEM bundle), built once per distinct set. */
export function trustStore(extraPem: readonly string[]): TrustStore {
  const key = extraPem.join('\n');
  let s = stores.get(key);
  if (!s) {
    bundled ??= process.getBuiltinModule('node:tls').rootCertificates.map((pem) => x509Certificate(pem));
    const roots = [...bundled, ...extraPem.flatMap(parsePemBundle)];
    s = { roots, anchors: new Set(roots.map(fp)), custom: extraPem.length > 0 };
    stores.set(key, s);
  }
  return s;
}

function issued(child: X509Certificate, issuer: X509Certificate): boolean {
  try {
    return child.checkIssued(issuer) && child.verify(issuer.publicKey);
  } catch {
    return false;
  }
}

/**
 * Signed by its own key under its own name. Not checkIssued: OpenSSL's check also wants keyCertSign, which a
 * Windows RDP self-signed certificate (key usage: key and data encipherment) does not have.
 */
function selfSigned(c: X509Certificate): boolean {
  try {
    return c.subject === c.issuer && c.verify(c.publicKey);
  } catch {
    return false;
  }
}

const fp = (c: X509Certificate): string => c.fingerprint256.replace(/:/g, '');

export interface ChainAnalysis {
  chain: ChainCertificate[];
  trusted: boolean | null;
  trust_error: TrustError | null;
}

export function analyzeChain(ders: readonly Uint8Array[], now: Date, store: TrustStore): ChainAnalysis {
  let certs: X509Certificate[];
  try {
    certs = ders.map((d) => x509Certificate(d));
  } catch {
    return { chain: [], trusted: null, trust_error: 'unparseable' };
  }
  if (certs.length === 0) return { chain: [], trusted: null, trust_error: null };
  const chain: ChainCertificate[] = certs.map((c, i) => ({
    subject: escapeControls(c.subject.replace(/\n/g, ', ')),
    issuer: escapeControls(c.issuer.replace(/\n/g, ', ')),
    not_after: new Date(c.validTo).toISOString(),
    sha256_fingerprint: fp(c),
    self_signed: selfSigned(c),
    issued_by_next: i + 1 < certs.length && issued(c, certs[i + 1]!),
  }));

  const path: X509Certificate[] = [certs[0]!];
  let error: TrustError | null = null;
  for (let cur = certs[0]!; ; ) {
    if (store.anchors.has(fp(cur)) || store.roots.some((r) => issued(cur, r))) break;
    const next = certs.find((c) => !path.includes(c) && issued(cur, c));
    if (next) {
      path.push(next);
      cur = next;
      continue;
    }
    error = selfSigned(cur) ? (cur === certs[0] ? 'self_signed' : 'untrusted_root') : store.custom ? 'incomplete_chain' : 'unknown_issuer';
    break;
  }
  if (error === null) {
    const t = now.getTime();
    if (path.some((c) => new Date(c.validTo).getTime() < t)) error = 'expired';
    else if (path.some((c) => new Date(c.validFrom).getTime() > t)) error = 'not_yet_valid';
  }
  return { chain, trusted: error === null, trust_error: error };
}
