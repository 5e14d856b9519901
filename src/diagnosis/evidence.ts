/** Small helpers shared by the rules: evidence strings in the record's own terms, cause ranking, host names. */
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

export { certNameMatches, firstLabel, isIpLiteral, normalizeName, sanValue } from '../analysis/certificate-names.js';

/** Major.minor of the Windows version in the NTLM CHALLENGE, when CredSSP got that far. */
export function osMajorMinor(record: ProbeRecord): [number, number] | null {
  const v = record.credssp?.ntlm?.os_version;
  const m = v ? /^(\d+)\.(\d+)/.exec(v) : null;
  return m ? [Number(m[1]), Number(m[2])] : null;
}
