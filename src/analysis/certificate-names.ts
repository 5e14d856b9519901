/**
 * Which host names a certificate covers (RFC 6125): the one home of the name check, used by the diagnosis
 * (cert_name_mismatch) and by the client simulation (does the name the user typed match, or does the client warn).
 */
import { isIP } from 'node:net';
import type { CertificateInfo } from '../record.js';

/** A bare IPv4/IPv6 literal (optionally in brackets): it names no host. */
export function isIpLiteral(host: string): boolean {
  return isIP(host.replace(/^\[|\]$/g, '')) !== 0;
}

/** Lower case, without a trailing dot. */
export function normalizeName(name: string): string {
  return name.trim().toLowerCase().replace(/\.$/, '');
}

/** The first DNS label, lower case: "SRV01.corp.example" -> "srv01". */
export function firstLabel(name: string): string {
  return normalizeName(name).split('.')[0] ?? '';
}

/**
 * Does a certificate name (CN or SAN, possibly a wildcard) cover `host`? A wildcard stands for exactly one
 * whole left-most label (RFC 6125 6.4.3): "*.corp.example" covers "a.corp.example", not "corp.example" nor
 * "a.b.corp.example".
 */
export function certNameMatches(certName: string, host: string): boolean {
  const pattern = normalizeName(certName);
  const name = normalizeName(host);
  if (pattern === '' || name === '') return false;
  if (!pattern.startsWith('*.')) return pattern === name;
  const dot = name.indexOf('.');
  return dot > 0 && name.slice(dot + 1) === pattern.slice(2);
}

/** A SAN as the record may spell it ("DNS:host", "IP Address:10.0.0.1", or bare), without its type prefix. */
export function sanValue(san: string): string {
  return san.replace(/^(dns|ip|ip address)\s*:\s*/i, '');
}

/** DNS names and IP addresses the certificate is valid for (SANs of other kinds name no host). */
export function certificateNames(cert: CertificateInfo): string[] {
  const names: string[] = [];
  if (cert.subject_cn) names.push(cert.subject_cn);
  for (const san of cert.san) {
    if (/^(email|rfc822|url|uri|upn|guid|id|registered ?id|dirname|othername)\s*:/i.test(san)) continue;
    names.push(sanValue(san));
  }
  return names;
}

/** Does the certificate cover `name` (a DNS name, wildcards allowed, or an address, compared as an address)? */
export function certificateCovers(cert: CertificateInfo, name: string): boolean {
  return certificateNames(cert).some((n) => (isIpLiteral(name) ? normalizeName(n) === normalizeName(name.replace(/^\[|\]$/g, '')) : certNameMatches(n, name)));
}
