/** Findings as tests read them: the causes in rank order with the catalog's text, and the --explain-inline view. */
import { explainInline } from '../../src/diagnosis/index.js';
import type { Certainty, Finding, FindingExplanation, ProbeRecord } from '../../src/record.js';

export interface ExplainedCause {
  id: string;
  certainty: Certainty;
  text: string;
}

/** The finding's causes, most probable first, each with its catalog text. */
export function causesOf(f: Finding): ExplainedCause[] {
  const text = explainInline(f, { host: 'host', port: 3389 }).explain!.causes;
  return Object.entries(f.causes).map(([id, certainty]) => ({ id, certainty, text: text[id] ?? '' }));
}

/** What --explain-inline attaches to the finding (checks name this record's host and port). */
export function explained(f: Finding, record: Pick<ProbeRecord, 'host' | 'port'> = { host: 'host', port: 3389 }): FindingExplanation {
  return explainInline(f, record).explain!;
}
