/** Small helpers shared by the rules: evidence strings in the record's own terms, cause ranking, host names. */
import { isIP } from 'node:net';
import type { Certainty, FindingCause, ProbeRecord } from '../record.js';
import type { CatalogEntry } from './types.js';

/** `path = value`, the value as JSON: `tls.versions["tls1.0"] = true`, `certificate.subject_cn = "srv01"`. */
export function show(path: string, value: unknown): string {
  return `${path} = ${JSON.stringify(value)}`;
}

/** The catalog's causes as a finding carries them (id and certainty), in catalog order. */
export function defaultCauses(entry: CatalogEntry): FindingCause[] {
  return entry.causes.map(({ id, certainty }) => ({ id, certainty }));
}

/**
 * Re-rank an entry's causes for one record: the keys in `first` come first, in that order, optionally with a new
 * certainty; the others follow in catalog order. Keys listed in `drop` are removed (ruled out by the evidence).
 */
export function rankCauses(
  entry: CatalogEntry,
  first: ReadonlyArray<string | [string, Certainty]>,
  drop: readonly string[] = [],
): FindingCause[] {
  const head: FindingCause[] = [];
  const used = new Set<string>(drop);
  for (const item of first) {
    const [key, certainty] = typeof item === 'string' ? [item, undefined] : item;
    const cause = entry.causes.find((c) => c.id === key);
    if (!cause || used.has(key)) continue;
    used.add(key);
    head.push({ id: cause.id, certainty: certainty ?? cause.certainty });
  }
  const tail = entry.causes.filter((c) => !used.has(c.id)).map(({ id, certainty }) => ({ id, certainty }));
  return [...head, ...tail];
}

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

/** Major.minor of the Windows version in the NTLM CHALLENGE, when CredSSP got that far. */
export function osMajorMinor(record: ProbeRecord): [number, number] | null {
  const v = record.credssp?.ntlm?.os_version;
  const m = v ? /^(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}
