/**
 * Diagnosis: from finished ProbeRecords to findings an administrator can act on, each citing the record fields
 * it rests on and pointing at the server events, checks and remediation of the catalog.
 */
import { SEVERITIES, type Finding, type ProbeRecord } from '../record.js';
import { catalog, FINDING_IDS, isFindingId } from './catalog.js';
import { defaultCauses } from './evidence.js';
import { FLEET_RULES, HOST_RULES, recordKey } from './rules/index.js';
import type { CatalogEntry, DiagnoseOptions, ResolvedOptions, RuleHit } from './types.js';

export { catalog, FINDING_IDS, type FindingId } from './catalog.js';
export { formatExplain, renderFindingsMarkdown } from './format.js';
export { EVENTS, wevtutilQuery, type EventInfo } from './events.js';
export type { CatalogEntry, DiagnoseOptions } from './types.js';

export const DEFAULT_CERT_EXPIRY_DAYS = 30;
export const DEFAULT_MAX_CLOCK_SKEW_SECONDS = 300;

function resolve(opts: DiagnoseOptions | undefined): ResolvedOptions {
  return {
    certExpiryDays: opts?.certExpiryDays ?? DEFAULT_CERT_EXPIRY_DAYS,
    maxClockSkewSeconds: opts?.maxClockSkewSeconds ?? DEFAULT_MAX_CLOCK_SKEW_SECONDS,
    now: opts?.now ?? null,
  };
}

function entryOf(id: string): CatalogEntry {
  if (!isFindingId(id)) throw new Error(`diagnosis rule reported an id missing from the catalog: ${id}`);
  return catalog[id];
}

/** Catalog commands use `<host>` and the default port 3389; a finding shows this record's own. */
function forRecord(command: string, record: ProbeRecord): string {
  const withHost = command.replaceAll('<host>', record.host);
  return record.port === 3389 ? withHost : withHost.replace(/\b3389\b/g, String(record.port));
}

function toFinding(hit: RuleHit, record: ProbeRecord): Finding {
  const entry = entryOf(hit.id);
  return {
    id: entry.id,
    severity: entry.severity,
    title: entry.title,
    evidence: hit.evidence,
    causes: hit.causes ?? defaultCauses(entry),
    event_ids: [...entry.event_ids],
    checks: entry.checks.map((c) => forRecord(c, record)),
    remediation: [...entry.remediation],
  };
}

const catalogOrder = new Map<string, number>(FINDING_IDS.map((id, i) => [id, i]));

/** Most severe first; equal severities in catalog order, so the output is stable. */
function sortFindings(findings: Finding[]): Finding[] {
  const rank = (f: Finding): number => SEVERITIES.indexOf(f.severity);
  return findings.sort((a, b) => rank(b) - rank(a) || (catalogOrder.get(a.id) ?? 0) - (catalogOrder.get(b.id) ?? 0));
}

/** Findings for one host, most severe first. A rule whose inputs were not measured says nothing. */
export function diagnose(record: ProbeRecord, opts?: DiagnoseOptions): Finding[] {
  const resolved = resolve(opts);
  const hits = HOST_RULES.flatMap((rule) => rule(record, resolved));
  const ids = new Set(hits.map((h) => h.id));
  const kept = hits.filter((h) => !(entryOf(h.id).superseded_by ?? []).some((other) => ids.has(other)));
  return sortFindings(kept.map((h) => toFinding(h, record)));
}

/**
 * Cross-host findings for the records of one scan, keyed `${host}:${port}`. Only records involved in a
 * finding have a key; per-host findings are diagnose()'s job.
 */
export function diagnoseFleet(records: ProbeRecord[], _opts?: DiagnoseOptions): Map<string, Finding[]> {
  const byKey = new Map(records.map((r) => [recordKey(r), r]));
  const out = new Map<string, Finding[]>();
  for (const rule of FLEET_RULES) {
    for (const { key, ...hit } of rule(records)) {
      const record = byKey.get(key);
      if (!record) continue;
      const list = out.get(key) ?? [];
      if (!list.some((f) => f.id === hit.id)) list.push(toFinding(hit, record));
      out.set(key, list);
    }
  }
  for (const list of out.values()) sortFindings(list);
  return out;
}

export function explain(id: string): CatalogEntry | undefined {
  return isFindingId(id) ? catalog[id] : undefined;
}

/** Every catalog entry, in catalog order (by topic: reachability, negotiation, TLS, certificate, CredSSP, fleet). */
export function listFindings(): CatalogEntry[] {
  return FINDING_IDS.map((id) => catalog[id]);
}
