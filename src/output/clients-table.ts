/**
 * The table's compatibility block (record `clients`, --clients): who is locked out, at which step, why, and the fix
 * on either side; then who connects and who cannot be told. Long sentences wrap instead of being clipped: they are
 * what an administrator acts on. Every record string goes through forTerminal.
 */
import type { ClientVerdict, ProbeRecord, Severity } from '../record.js';
import { clientProfile } from '../clients/index.js';
import { forTerminal as t } from './escape.js';

/** A piece of a table line (table.ts's Span). */
export interface ClientSpan {
  text: string;
  style?: 'bold' | 'dim' | 'red' | 'boldred' | 'yellow' | 'green' | 'cyan';
}

const INDENT = ' '.repeat(13);

/** Words of `text` in lines of at most `width` code points, the first after `first`, the rest after INDENT. */
function wrap(first: ClientSpan[], text: string, width: number): ClientSpan[][] {
  const used = first.reduce((n, s) => n + [...s.text].length, 0);
  const lines: ClientSpan[][] = [];
  let line = '';
  let room = width - used;
  const flush = () => {
    lines.push(lines.length === 0 ? [...first, { text: line }] : [{ text: INDENT }, { text: line }]);
    line = '';
    room = width - INDENT.length;
  };
  for (const word of text.split(/\s+/).filter(Boolean)) {
    const w = [...word].length;
    if (line !== '' && [...line].length + 1 + w > room) flush();
    line = line === '' ? word : `${line} ${word}`;
  }
  flush();
  return lines;
}

const label = (l: string): ClientSpan => ({ text: `  ${l.padEnd(11)}` });

/** Entries in order, grouped by `key`: profiles that fail the same way are shown once. */
function groups(entries: [string, ClientVerdict][], key: (v: ClientVerdict) => string): [string[], ClientVerdict][] {
  const out = new Map<string, [string[], ClientVerdict]>();
  for (const [id, v] of entries) {
    const k = key(v);
    const g = out.get(k);
    if (g) g[0].push(id);
    else out.set(k, [[id], v]);
  }
  return [...out.values()];
}

const SEVERITY_ORDER: readonly Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
const severityOf = (id: string): Severity => clientProfile(id)?.severity.value ?? 'high';

/**
 * The block's lines for one record, or none when no client was simulated. `severityStyle` is the table's colour of
 * a severity (one home for it: table.ts).
 */
export function clientLines(r: ProbeRecord, width: number, severityStyle: (s: Severity) => ClientSpan['style']): ClientSpan[][] {
  const clients = r.clients ?? null;
  if (clients === null) return [];
  const entries = Object.entries(clients);
  const out = entries.filter(([, v]) => v.connects === false);
  const ok = entries.filter(([, v]) => v.connects === true);
  const unknown = entries.filter(([, v]) => v.connects === null);
  const lines: ClientSpan[][] = [
    [label('clients'), { text: `${entries.length} simulated: ${ok.length} connect, ${out.length} locked out, ${unknown.length} cannot tell` }],
  ];
  // Most severe first; profiles failing the same way (same step, cause and fix) on one line.
  const failing = groups(out, (v) => JSON.stringify([v.fails_at, v.fix, v.certainty])).sort(
    ([a], [b]) => SEVERITY_ORDER.indexOf(worst(a)) - SEVERITY_ORDER.indexOf(worst(b)),
  );
  for (const [ids, v] of failing) lines.push(...lockedOut(ids, v, width, severityStyle));
  const measured = ok.filter(([, v]) => v.certainty === 'measured').map(([id]) => t(id));
  const likely = ok.filter(([, v]) => v.certainty === 'likely').map(([id]) => t(id));
  if (measured.length > 0) lines.push(...wrap([{ text: '    ' }, { text: 'connect'.padEnd(9), style: 'green' }], measured.join(', '), width));
  if (likely.length > 0) lines.push(...wrap([{ text: '    ' }, { text: 'likely'.padEnd(9), style: 'green' }], `${likely.join(', ')} (connect; the verdict rests on inferred profile facts)`, width));
  for (const [ids, v] of groups(unknown, (x) => x.warnings[0] ?? '')) {
    lines.push(...wrap([{ text: '    ' }, { text: 'unknown'.padEnd(9), style: 'dim' }], `${ids.map(t).join(', ')}: ${t(v.warnings[0] ?? 'no verdict')}`, width));
  }
  return lines;
}

const worst = (ids: string[]): Severity => SEVERITY_ORDER.find((s) => ids.some((id) => severityOf(id) === s)) ?? 'high';

function lockedOut(ids: string[], v: ClientVerdict, width: number, severityStyle: (s: Severity) => ClientSpan['style']): ClientSpan[][] {
  const severity = worst(ids);
  const f = v.fails_at!;
  const head: ClientSpan[] = [{ text: '    ' }, { text: severity.toUpperCase().padEnd(9), style: severityStyle(severity) }, { text: `${ids.map(t).join(', ')}  `, style: 'bold' }];
  const lines = wrap(head, `${f.stage}: ${t(f.detail)}${v.certainty === 'likely' ? ' (likely)' : ''}`, width);
  if (v.fix) {
    lines.push(...wrap([{ text: INDENT }, { text: 'server: ', style: 'dim' }], t(v.fix.server), width));
    lines.push(...wrap([{ text: INDENT }, { text: 'client: ', style: 'dim' }], t(v.fix.client), width));
  }
  return lines;
}
