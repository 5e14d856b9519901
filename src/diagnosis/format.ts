/** Plain-text renderings of the catalog: the `rdprobe explain <id>` page and docs/findings.md. */
import { EVENTS, wevtutilQuery } from './events.js';
import type { CatalogEntry } from './types.js';

/** The page `rdprobe explain <id>` prints. */
export function formatExplain(entry: CatalogEntry): string {
  const out: string[] = [];
  out.push(`${entry.id} (${entry.severity}): ${entry.title}`, '', entry.summary, '');
  out.push(`Fires when: ${entry.trigger}`, '');
  if (entry.causes.length > 0) {
    out.push('Causes, most probable first:');
    entry.causes.forEach((c, i) => out.push(`  ${i + 1}. [${c.certainty}] ${c.text}`));
    out.push('');
  }
  if (entry.event_ids.length > 0) {
    out.push('Server events to look for:');
    for (const key of entry.event_ids) {
      const e = EVENTS.get(key);
      if (!e) {
        out.push(`  ${key}`);
        continue;
      }
      out.push(`  ${key} (${e.log} log): ${e.meaning}`, `    ${wevtutilQuery(e)}`);
    }
    out.push('');
  }
  if (entry.checks.length > 0) {
    out.push('Checks (on the server, except Test-NetConnection and nslookup: run those where the clients are;');
    out.push('        reg, netstat, wevtutil, icacls in cmd.exe, Verb-Noun cmdlets in PowerShell):');
    for (const check of entry.checks) out.push(`  ${check}`);
    out.push('');
  }
  if (entry.remediation.length > 0) {
    out.push('Remediation:');
    entry.remediation.forEach((step, i) => out.push(`  ${i + 1}. ${step}`));
    out.push('');
  }
  if (entry.references.length > 0) {
    out.push('References:');
    for (const ref of entry.references) out.push(`  - ${ref}`);
    out.push('');
  }
  return out.join('\n');
}

const cell = (s: string): string => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

/** docs/findings.md, generated from the catalog (test/diagnosis/docs.test.ts keeps the file in step). */
export function renderFindingsMarkdown(entries: readonly CatalogEntry[]): string {
  const lines = [
    '# Findings',
    '',
    '<!-- Generated from src/diagnosis/catalog.ts: do not edit by hand.',
    '     Regenerate with: UPDATE_FINDINGS_DOC=1 npx vitest run test/diagnosis/docs.test.ts -->',
    '',
    'Every finding rdprobe can report, its severity, what in the result record makes it fire, and the Windows',
    'events to look for on the server. `rdprobe explain <id>` prints the causes, the exact commands to check',
    'and the remediation steps. Fleet findings compare the hosts of one scan.',
    '',
    '| id | severity | scope | title | fires when | server events |',
    '| --- | --- | --- | --- | --- | --- |',
  ];
  for (const e of entries) {
    const events = e.event_ids.length > 0 ? e.event_ids.join(', ') : '-';
    lines.push(`| \`${e.id}\` | ${e.severity} | ${e.scope} | ${cell(e.title)} | ${cell(e.trigger)} | ${cell(events)} |`);
  }
  lines.push('');
  return lines.join('\n');
}
