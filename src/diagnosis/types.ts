/**
 * Types of the diagnosis layer. The layer reads only finished ProbeRecords (see src/record.ts) and turns what
 * was measured into Findings an administrator can act on; it never talks to the network.
 */
import type { Certainty, FindingCause, ProbeRecord, Severity } from '../record.js';

export interface DiagnoseOptions {
  /** cert_expiring_soon fires when the certificate expires within this many days (default 30). */
  certExpiryDays?: number;
  /** clock_skew fires above this many seconds of difference, either way (default 300, the Kerberos tolerance). */
  maxClockSkewSeconds?: number;
  /** Judge certificate validity at this time instead of at the scan (useful when re-reading old records). */
  now?: Date;
}

export interface ResolvedOptions {
  certExpiryDays: number;
  maxClockSkewSeconds: number;
  now: Date | null;
}

/** A cause as the catalog holds it: its id (what a Finding carries, ranked for the record) and its text. */
export interface CatalogCause {
  id: string;
  certainty: Certainty;
  text: string;
}

export interface CatalogEntry {
  id: string;
  severity: Severity;
  title: string;
  /** Plain words: what it means and what to do first. */
  summary: string;
  /** What makes the rule fire, in the record's own terms (shown in docs/findings.md). */
  trigger: string;
  /** 'host' rules read one record; 'fleet' rules compare the records of one scan; 'policy' findings come from a policy rule. */
  scope: 'host' | 'fleet' | 'policy';
  /** Ranked, most probable first (a rule may re-rank them from what it saw). */
  causes: CatalogCause[];
  /** "Source ID", e.g. "Schannel 36871"; every one is described in events.ts. */
  event_ids: string[];
  /** Exact commands to run on the server. `<host>` stands for the scanned name and 3389 for the scanned port. */
  checks: string[];
  remediation: string[];
  /** Specification sections and source topics, in words. */
  references: string[];
  /** Ids whose presence on the same host makes this finding redundant (a more specific explanation). */
  superseded_by?: string[];
}

/** What a rule reports: the catalog supplies everything else. */
export interface RuleHit {
  id: string;
  evidence: string[];
  /** Causes re-ranked (and certainty adjusted) for this record; the catalog order when absent. */
  causes?: FindingCause[];
  /** A severity of this hit's own where the catalog says it varies (client_locked_out: the profile's). */
  severity?: Severity;
}

export type HostRule = (record: ProbeRecord, opts: ResolvedOptions) => RuleHit[];
