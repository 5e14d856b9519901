/**
 * Findings as the record carries them, made from the catalog: one place that knows how a rule's hit becomes a
 * Finding, how findings are ordered, and how the catalog's text is attached for --explain-inline.
 */
import { severityRank, type Finding, type FindingCause, type ProbeRecord } from '../record.js';
import { catalog, FINDING_IDS, isFindingId } from './catalog.js';
import { defaultCauses } from './evidence.js';
import type { CatalogEntry, RuleHit } from './types.js';

export function entryOf(id: string): CatalogEntry {
  if (!isFindingId(id)) throw new Error(`diagnosis rule reported an id missing from the catalog: ${id}`);
  return catalog[id];
}

/** Catalog commands use `<host>` and the default port 3389; a finding shows this record's own. */
function forRecord(command: string, record: Pick<ProbeRecord, 'host' | 'port'>): string {
  const withHost = command.replaceAll('<host>', record.host);
  return record.port === 3389 ? withHost : withHost.replace(/\b3389\b/g, String(record.port));
}

/**
 * A rule's hit as the record carries it: id, severity and title from the catalog, the evidence, and the causes
 * ranked for this record by id. The long text stays in the catalog (see explainInline).
 */
export function toFinding(hit: RuleHit): Finding {
  const entry = entryOf(hit.id);
  const ranked = hit.causes ?? defaultCauses(entry);
  return { id: entry.id, severity: hit.severity ?? entry.severity, title: entry.title, evidence: hit.evidence, causes: Object.fromEntries(ranked.map((c) => [c.id, c.certainty])) };
}

/** --explain-inline: the finding with the catalog's text (cause text, events, checks for this host, remediation). */
export function explainInline(f: Finding, record: Pick<ProbeRecord, 'host' | 'port'>): Finding {
  if (!isFindingId(f.id)) return f;
  const entry = catalog[f.id];
  return {
    ...f,
    explain: {
      causes: Object.fromEntries(Object.keys(f.causes).map((id) => [id, entry.causes.find((e) => e.id === id)?.text ?? ''])),
      event_ids: [...entry.event_ids],
      checks: entry.checks.map((c) => forRecord(c, record)),
      remediation: [...entry.remediation],
    },
  };
}

/** The most probable cause of a finding (id and certainty), or null when it has none. */
export function topCause(f: Finding): FindingCause | null {
  const [id, certainty] = Object.entries(f.causes)[0] ?? [];
  return id && certainty ? { id, certainty } : null;
}

/** The catalog's text of one cause of a finding, for the formats that print it. */
export function causeText(findingId: string, causeId: string): string | null {
  return isFindingId(findingId) ? (catalog[findingId].causes.find((c) => c.id === causeId)?.text ?? null) : null;
}

const catalogOrder = new Map<string, number>(FINDING_IDS.map((id, i) => [id, i]));

/** Most severe first; equal severities in catalog order, so the output is stable. */
export function sortFindings(findings: Finding[]): Finding[] {
  return findings.sort((a, b) => severityRank(b.severity) - severityRank(a.severity) || (catalogOrder.get(a.id) ?? 0) - (catalogOrder.get(b.id) ?? 0));
}

