/**
 * The credential gate's one judgement: may the test account's credentials go to the server behind this TLS
 * session? An NTLMv2 response sent to an impostor can be cracked offline, so by default only when
 *  - the policy pins this host's certificate (expected_thumbprints) and this is that certificate; a pinned host
 *    with another certificate gets nothing, whatever its chain;
 *  - or the certificate's SHA-1 thumbprint is one given with --pin;
 *  - or node:tls verified its chain against Node's CA list plus --ca-file AND it names the target (a DNS name for
 *    a name target, an IP address SAN for an address target: certificates rarely name IP addresses, so pin those);
 *  - or --auth-insecure overrides all of this, and the record says so.
 * The judgement is made on the very session that would carry the credentials, never on another connection's.
 */
import type { X509Certificate } from 'node:crypto';
import { x509Certificate } from '../../protocol/node-crypto.js';
import { isIP } from 'node:net';
import { fingerprint } from '../analysis/certificate.js';
import type { AuthTrust } from '../record.js';
import type { TlsVerification } from '../transport/tls.js';
import type { AuthOptions, AuthTarget } from './auth-options.js';

export interface TrustJudgement {
  trust: AuthTrust;
  /** Why the credentials are withheld (the record's not_attempted reason and its detail), or null. */
  withheld: { reason: 'untrusted_certificate' | 'pin_mismatch'; detail: string } | null;
}

/** Does the certificate name the target? The host as scanned: an address literal against IP SANs, a name against DNS SANs (CN only without SANs). */
function namesTarget(x509: X509Certificate, host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '').replace(/%.*$/, '');
  try {
    return isIP(bare) !== 0 ? x509.checkIP(bare) !== undefined : x509.checkHost(bare) !== undefined;
  } catch {
    return false;
  }
}

export function judgeTrust(der: Uint8Array, verification: TlsVerification, t: AuthTarget, o: Pick<AuthOptions, 'pins' | 'expectedThumbprint' | 'insecure'>): TrustJudgement {
  const sha1 = fingerprint('sha1', der);
  let nameMatches = false;
  try {
    nameMatches = namesTarget(x509Certificate(der), t.host);
  } catch {
    nameMatches = false; // a certificate node:crypto cannot read names nothing
  }
  const trust: AuthTrust = { basis: null, chain_trusted: verification.authorized, chain_error: verification.error, name_matches: nameMatches, sha1_fingerprint: sha1 };
  const expected = o.expectedThumbprint(t);
  let withheld: TrustJudgement['withheld'] = null;
  if (expected !== null) {
    if (sha1 === expected) trust.basis = 'pin';
    else withheld = { reason: 'pin_mismatch', detail: `the certificate (SHA-1 ${sha1}) is not the one the policy pins for this host (${expected})` };
  } else if (o.pins.includes(sha1)) trust.basis = 'pin';
  else if (verification.authorized && nameMatches) trust.basis = 'ca';
  else {
    const why = !verification.authorized ? `its chain is not trusted (${verification.error ?? 'unknown reason'})` : `it does not name ${t.host}`;
    withheld = {
      reason: 'untrusted_certificate',
      detail: `the server's certificate (SHA-1 ${sha1}) is not trusted: ${why}; pin it with --pin ${sha1} after checking it on the server, add its CA with --ca-file, or use --auth-insecure`,
    };
  }
  if (withheld && o.insecure) {
    trust.basis = 'insecure';
    withheld = null;
  }
  return { trust, withheld };
}
