/**
 * Diagnosis: from finished ProbeRecords to findings an administrator can act on, each citing the record fields
 * it rests on and pointing at the server events, checks and remediation of the catalog.
 */
import type { Finding, ProbeRecord } from '../record.js';
import { catalog, FINDING_IDS, isFindingId } from './catalog.js';
import { entryOf, sortFindings, toFinding } from './findings.js';
import { HOST_RULES } from './rules/index.js';
import { REACHABILITY_RULES } from './rules/reachability.js';
import type { CatalogEntry, DiagnoseOptions, ResolvedOptions, RuleHit } from './types.js';

export { catalog, FINDING_IDS, type FindingId } from './catalog.js';
export { formatExplain, renderFindingsMarkdown } from './format.js';
export { EVENTS, wevtutilQuery, type EventInfo } from './events.js';
export { causeText, explainInline, sortFindings, toFinding } from './findings.js';
export { diagnoseFleet, FLEET_FINDING_IDS, FleetIndex } from './fleet.js';
export { FINDING_INPUTS, inputsMeasured } from './inputs.js';
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

/** Findings for one host, most severe first. A rule whose inputs were not measured says nothing. */
export function diagnose(record: ProbeRecord, opts?: DiagnoseOptions): Finding[] {
  const resolved = resolve(opts);
  // A host never reached measured nothing the other rules read (they would all stay silent): most addresses of a
  // subnet scan, so they skip straight to the reachability rules.
  const rules = record.status === 'unreachable' ? REACHABILITY_RULES : HOST_RULES;
  const hits: RuleHit[] = [];
  for (const rule of rules) for (const h of rule(record, resolved)) hits.push(h);
  const ids = new Set(hits.map((h) => h.id));
  const kept = hits.filter((h) => !(entryOf(h.id).superseded_by ?? []).some((other) => ids.has(other)));
  return sortFindings(kept.map((h) => toFinding(h)));
}

export function explain(id: string): CatalogEntry | undefined {
  return isFindingId(id) ? catalog[id] : undefined;
}

/** Every catalog entry, in catalog order (by topic: reachability, negotiation, TLS, certificate, CredSSP, fleet). */
export function listFindings(): CatalogEntry[] {
  return FINDING_IDS.map((id) => catalog[id]);
}
