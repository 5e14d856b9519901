/**
 * table: what a Windows administrator reads in a console. With several hosts, one line per host in address order
 * (status, NLA, TLS range, weakest suite, certificate expiry, finding count and the top finding), then each finding
 * id once with its most probable cause, then the summary with the duplicate groups: a rack fits on a screen and a
 * subnet stays greppable. A single host, or --details, gets a compact block of facts per host with its findings
 * most severe first; at the end a summary of the scan. Plain ASCII (legacy Windows consoles render
 * box drawing badly), lines clipped to fit 100 columns (counted in code points: a wide CJK name may overrun),
 * colour only on a TTY without NO_COLOR unless forced by `color`. Every string that comes from a record passes
 * through forTerminal, including our own ids and titles, so no escape sequence from a server reaches the screen.
 */
import { CIPHER_STRENGTHS, compareStrength } from '../analysis/cipher-strength.js';
import {
  PROTOCOL_KEYS,
  SEVERITIES,
  severityRank,
  TLS_VERSION_KEYS,
  type Finding,
  type ProbeRecord,
  type Severity,
  type Status,
} from '../record.js';
import { atLeast, bySeverityDesc, writeChunk } from './common.js';
import { forTerminal } from './escape.js';
import { hostPortKey } from '../targets/key.js';
import { causeText, topCause } from '../diagnosis/findings.js';
import { DuplicateGroups, type DuplicateGroup } from './duplicates.js';
import { hostFacts, tlsRangeText, versionLabel } from './host-facts.js';
import { clientLines } from './clients-table.js';
import type { OutputSink, ScanMeta, ScanSummary, SinkOptions } from './types.js';

/** Lines are clipped to this many columns (the brief: under ~100). */
export const TABLE_WIDTH = 99;
const LABEL_WIDTH = 11;

type Style = 'bold' | 'dim' | 'red' | 'boldred' | 'yellow' | 'green' | 'cyan';
const SGR: Record<Style, string> = {
  bold: '1',
  dim: '2',
  red: '31',
  boldred: '1;31',
  yellow: '33',
  green: '32',
  cyan: '36',
};

const SEVERITY_STYLE: Record<Severity, Style> = {
  critical: 'boldred',
  high: 'red',
  medium: 'yellow',
  low: 'cyan',
  info: 'dim',
};

const STATUS_STYLE: Record<Status, Style> = { ok: 'green', unreachable: 'yellow', not_rdp: 'yellow', error: 'red' };

/** One piece of a line: already-safe text and an optional style. */
interface Span {
  text: string;
  style?: Style;
}

/** Server text made safe; every record string enters the table through here. */
const t = forTerminal;

/** Join spans into one line of at most `width` code points, clipping with "..." and colouring if asked. */
function renderLine(spans: Span[], color: boolean, width = TABLE_WIDTH): string {
  let out = '';
  let used = 0;
  for (const span of spans) {
    const chars = [...span.text];
    let text = span.text;
    if (used + chars.length > width) {
      const room = width - used;
      text = room >= 3 ? `${chars.slice(0, room - 3).join('')}...` : '...'.slice(0, room);
    }
    used += [...text].length;
    out += color && span.style && text !== '' ? `\x1b[${SGR[span.style]}m${text}\x1b[0m` : text;
    if (used >= width) break;
  }
  return out;
}

function labelled(label: string, text: string): Span[] {
  return [{ text: `  ${label.padEnd(LABEL_WIDTH)}` }, { text }];
}

const STRENGTH_STYLE: Record<string, Style> = { insecure: 'boldred', weak: 'red', acceptable: 'yellow', strong: 'green' };

/**
 * The deep mode's suites, one line per version: how many by strength, then the suites weakest first (coloured by
 * strength), as far as the line has room; the record and the csv long form have them all.
 */
function suiteLines(r: ProbeRecord): Span[][] {
  const tls = r.tls;
  if (!tls?.cipher_suites) return [];
  const lines: Span[][] = [];
  for (const v of TLS_VERSION_KEYS) {
    const list = tls.cipher_suites[v];
    if (!list || list.length === 0) continue;
    const counts = CIPHER_STRENGTHS.map((g) => [g, list.filter((s) => s.strength === g).length] as const).filter(([, n]) => n > 0);
    const spans: Span[] = [{ text: `  ${`${versionLabel(v)} suites`.padEnd(LABEL_WIDTH)}` }, { text: `${list.length} (` }];
    counts.forEach(([g, n], i) => spans.push({ text: `${n} ${g}`, style: STRENGTH_STYLE[g] }, { text: i < counts.length - 1 ? ', ' : ')' }));
    for (const s of [...list].sort((a, b) => compareStrength(a.strength, b.strength))) spans.push({ text: ' ' }, { text: t(s.name.replace(/^TLS_|^SSL_CK_/, '')), style: STRENGTH_STYLE[s.strength ?? ''] });
    lines.push(spans);
  }
  const extras: string[] = [];
  if (tls.server_preference !== null) extras.push(tls.server_preference ? 'server order' : 'client order');
  if (tls.groups?.length) extras.push(`groups ${tls.groups.map(t).join(' ')}`);
  if (tls.dh_bits !== null) extras.push(`DH ${tls.dh_bits} bits`);
  if (tls.compression !== null) extras.push(tls.compression ? 'compression ON' : 'no compression');
  if (tls.fallback_scsv !== null) extras.push(tls.fallback_scsv ? 'fallback SCSV' : 'no fallback SCSV');
  if (tls.secure_renegotiation !== null) extras.push(tls.secure_renegotiation ? 'secure renegotiation' : 'NO secure renegotiation');
  if (extras.length > 0) lines.push(labelled('TLS extras', extras.join(', ')));
  return lines;
}

function list(items: string[]): string {
  return items.length > 0 ? items.join(' ') : '-';
}

/** accepted / refused / untested groups for a set of tri-state answers. */
function triState(entries: [string, boolean | null][]): string {
  const groups: string[] = [];
  const yes = entries.filter(([, v]) => v === true).map(([k]) => k);
  const no = entries.filter(([, v]) => v === false).map(([k]) => k);
  const unknown = entries.filter(([, v]) => v === null).map(([k]) => k);
  groups.push(`accepted ${list(yes)}`);
  if (no.length > 0) groups.push(`refused ${list(no)}`);
  if (unknown.length > 0) groups.push(`unknown ${list(unknown)}`);
  return groups.join(' | ');
}

function daysText(days: number, expired: boolean): string {
  if (expired || days < 0) return `expired ${Math.abs(days)} days ago`;
  return `in ${days} days`;
}

function hostHeader(r: ProbeRecord): Span[] {
  const endpoint = hostPortKey(r.host, r.port);
  // The target as written, then where it led when that is not obvious from it.
  const spans: Span[] = [{ text: t(r.target === r.host ? endpoint : r.target), style: 'bold' }];
  if (r.target !== r.host && r.target !== endpoint) spans.push({ text: `  ${t(endpoint)}` });
  if (r.address && r.address !== r.host) spans.push({ text: `  (${t(r.address)})` });
  spans.push({ text: '  ' }, { text: r.status.toUpperCase(), style: STATUS_STYLE[r.status] });
  return spans;
}

function factLines(r: ProbeRecord): Span[][] {
  const lines: Span[][] = [];
  if (r.failure) {
    const detail = r.failure.detail ? ` (${r.failure.detail})` : '';
    lines.push(labelled('failure', t(`${r.failure.stage}: ${r.failure.reason}${detail}`)));
  }
  if (r.protocols) {
    const p = r.protocols;
    lines.push(labelled('protocols', triState(PROTOCOL_KEYS.map((k) => [k, p[k].supported]))));
  }
  if (r.nla_required !== null) lines.push(labelled('NLA', r.nla_required ? 'required' : 'not required'));
  if (r.tls) {
    const tls = r.tls;
    // SSL 2.0/3.0 are tried by the deep mode only: shown when measured, not listed as unknown on every host.
    const shown = TLS_VERSION_KEYS.filter((v) => v.startsWith('tls') || tls.versions[v] !== null);
    let text = triState(shown.map((v) => [versionLabel(v), tls.versions[v]]));
    if (tls.cipher) text += ` | ${t(tls.cipher)}`;
    lines.push(labelled('TLS', text));
    lines.push(...suiteLines(r));
  }
  const cert = r.certificate;
  if (cert) {
    const key = `${t(cert.key_type)}${cert.key_bits !== null ? ` ${cert.key_bits}` : ''}`;
    const parts = [
      cert.subject_cn !== null ? `CN=${t(cert.subject_cn)}` : `subject ${t(cert.subject)}`,
      `expires ${t(cert.not_after.slice(0, 10))} (${daysText(cert.days_remaining, cert.expired)})`,
      key,
    ];
    if (cert.self_signed) parts.push('self-signed');
    else if (cert.trusted === true) parts.push('trusted');
    else if (cert.trusted === false) parts.push(`untrusted (${t(cert.trust_error ?? '?')})`);
    lines.push(labelled('cert', parts.join(', ')));
    if (!cert.self_signed) lines.push(labelled('', `issuer ${t(cert.issuer)}`));
    lines.push(labelled('', `SHA1 ${t(cert.sha1_fingerprint)}`));
  }
  const cred = r.credssp;
  const ntlm = cred?.ntlm;
  if (ntlm) {
    const name = [ntlm.netbios_computer, ntlm.dns_computer].filter((s): s is string => s !== null).map(t);
    const parts = [name.length > 0 ? name.join(' / ') : '?'];
    if (ntlm.dns_domain ?? ntlm.netbios_domain) parts.push(`domain ${t(ntlm.dns_domain ?? ntlm.netbios_domain ?? '')}`);
    if (ntlm.os_version) parts.push(`OS ${t(ntlm.os_version)}`);
    if (ntlm.clock_skew_seconds !== null) {
      parts.push(`clock skew ${ntlm.clock_skew_seconds >= 0 ? '+' : ''}${ntlm.clock_skew_seconds} s`);
    }
    lines.push(labelled('NTLM', parts.join(', ')));
  } else if (cred) {
    const why = cred.failure ? `: ${t(`${cred.failure.stage} ${cred.failure.reason}`)}` : '';
    const code = cred.error_code ? `, ${t(cred.error_code.name)} ${t(cred.error_code.hex)}` : '';
    lines.push(labelled('CredSSP', `version ${cred.version ?? '?'}, no NTLM challenge${why}${code}`));
  }
  const sec = r.rdp_security;
  if (sec) {
    if (sec.encryption_level === null && sec.encryption_methods.length === 0 && sec.failure) {
      lines.push(labelled('RDP sec', `not measured (${t(`${sec.failure.stage}: ${sec.failure.reason}`)})`));
    } else {
      const parts = [`level ${t(sec.encryption_level ?? '?')}`, `methods ${list(sec.encryption_methods)}`];
      if (sec.server_version) parts.push(t(sec.server_version));
      lines.push(labelled('RDP sec', parts.join(', ')));
    }
  }
  const udp = r.rdp_udp ?? null;
  if (udp) {
    const text = udp.answered && udp.syn_ack ? `answers (${udp.version ?? 'version ?'})` : `no answer (${udp.failure?.reason ?? '?'})`;
    lines.push(labelled('UDP', t(text)));
  }
  const auth = r.auth ?? null;
  if (auth) {
    const why = auth.status?.name ?? (auth.early_user_authz && auth.early_user_authz !== 'AUTHZ_SUCCESS' ? auth.early_user_authz : null) ?? auth.failure?.reason ?? null;
    lines.push(labelled('auth', t(`${auth.result}${why ? ` (${why})` : ''}, ${auth.user} at depth ${auth.depth}${auth.insecure ? ', --auth-insecure' : ''}`)));
    const l = auth.logon;
    if (l && l.tested) {
      const reason = l.error_info?.name ?? l.licensing?.error_code ?? (l.timed_out ? 'timed out' : null);
      lines.push(labelled('logon', t(`${l.result}, reached ${l.reached ?? 'nothing'}${reason ? ` (${reason})` : ''}`)));
    }
  }
  lines.push(...clientLines(r, TABLE_WIDTH, (s) => SEVERITY_STYLE[s]));
  return lines;
}

function findingLine(f: Finding): Span[] {
  return [
    { text: '    ' },
    { text: f.severity.toUpperCase().padEnd(9), style: SEVERITY_STYLE[f.severity] },
    { text: `${t(f.id)}  `, style: 'bold' },
    { text: t(f.title) },
  ];
}

/**
 * The block printed for one host, ending with a blank line. Under each finding that needs action, its most
 * probable cause in words, the first time that finding and cause appear in the table (`shown` remembers them):
 * the catalog's text is printed once per finding, not once per host.
 */
export function renderHost(r: ProbeRecord, color = false, shown: Set<string> = new Set()): string {
  const lines: Span[][] = [hostHeader(r), ...factLines(r)];
  if (r.findings.length === 0) lines.push(labelled('findings', 'none'));
  else {
    lines.push(labelled('findings', String(r.findings.length)));
    for (const f of bySeverityDesc(r.findings)) {
      lines.push(findingLine(f));
      // The most probable cause under everything that needs action: the first thing to look at on the server.
      const cause = topCause(f);
      const text = cause ? causeText(f.id, cause.id) : null;
      if (cause && text && atLeast(f.severity, 'medium') && !shown.has(`${f.id}/${cause.id}`)) {
        shown.add(`${f.id}/${cause.id}`);
        lines.push([{ text: `             ${cause.certainty}: ` }, { text: t(text) }]);
      }
    }
  }
  return `${lines.map((l) => renderLine(l, color)).join('\n')}\n\n`;
}

function counts<K extends string>(keys: readonly K[], values: Record<K, number>, label = (k: K) => k as string): string {
  return keys.map((k) => `${label(k)} ${values[k]}`).join(', ');
}

/** Summary lines for the duplicate groups: the value, then the members (clipped to the width). */
function duplicateLines(groups: readonly DuplicateGroup[]): Span[][] {
  return groups.map((g, i) => {
    const what = g.kind === 'cert_duplicate' ? `cert ${g.label ? `CN=${g.label} ` : ''}SHA1 ${g.value.slice(0, 12)}...` : `NetBIOS ${g.label ?? g.value}`;
    return labelled(i === 0 ? 'duplicates' : '', `${t(what)} on ${g.members.length}: ${t(g.members.join(', '))}`);
  });
}

/**
 * The summary of a scan. `duplicates` adds the duplicate groups (the line view collects them); `topIds` false leaves
 * out the most frequent finding ids (the line view lists every id just above); `warnings` are what the report
 * cannot vouch for (rdprobe merge --partial).
 */
export function renderSummary(s: ScanSummary, color = false, more: { duplicates?: readonly DuplicateGroup[]; topIds?: boolean; warnings?: readonly string[] } = {}): string {
  const head = `Summary: ${s.hosts} host${s.hosts === 1 ? '' : 's'}, finished ${t(s.finished_at)}`;
  const lines: Span[][] = [
    [{ text: head, style: 'bold' }, ...(s.interrupted ? [{ text: ' (INTERRUPTED)', style: 'yellow' as const }] : [])],
    labelled('status', counts(['ok', 'unreachable', 'not_rdp', 'error'] as const, s.by_status)),
    labelled('protocols', counts(PROTOCOL_KEYS, s.protocols)),
    labelled('TLS', counts(TLS_VERSION_KEYS, s.tls_versions, versionLabel)),
    labelled('findings', counts([...SEVERITIES].reverse(), s.findings_by_severity)),
  ];
  if (more.duplicates) lines.push(...(more.duplicates.length > 0 ? duplicateLines(more.duplicates) : [labelled('duplicates', 'none')]));
  const top = Object.entries(s.findings_by_id).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (top.length > 0 && more.topIds !== false) {
    lines.push(labelled('top ids', top.map(([id, n]) => `${t(id)} ${n}`).join(', ')));
    lines.push(labelled('next', 'rdprobe explain <id>: causes, server events to look for, checks and fixes'));
  }
  for (const w of more.warnings ?? []) lines.push([{ text: `  ${'WARNING'.padEnd(LABEL_WIDTH)}`, style: 'yellow' }, { text: t(w) }]);
  return `${lines.map((l) => renderLine(l, color)).join('\n')}\n`;
}

/** Colour when forced, otherwise on a TTY with NO_COLOR unset or empty (https://no-color.org). */
export function useColor(stream: NodeJS.WritableStream, opts: SinkOptions): boolean {
  if (opts.color !== undefined) return opts.color;
  const noColor = process.env['NO_COLOR'];
  return (stream as { isTTY?: boolean }).isTTY === true && (noColor === undefined || noColor === '');
}

/** Severity in four letters, for the one-line view. */
const SEVERITY_SHORT: Record<Severity, string> = { critical: 'CRIT', high: 'HIGH', medium: 'MED', low: 'LOW', info: 'INFO' };

/** Column widths of the one-line view (a longer host name pushes its own line, never clips). */
const COLUMNS = { host: 16, status: 12, nla: 4, tls: 8, weakest: 11, cert: 9 };

function renderLineHeader(color = false): string {
  const c = COLUMNS;
  const text = `${'host'.padEnd(c.host)} ${'status'.padEnd(c.status)}${'NLA'.padEnd(c.nla)}${'TLS'.padEnd(c.tls)}${'weakest'.padEnd(c.weakest)}${'cert'.padEnd(c.cert)}findings`;
  return `${renderLine([{ text, style: 'bold' }], color)}\n`;
}

/** One host on one line: status, NLA, TLS range, weakest suite, days to certificate expiry, findings and the top one. */
function renderHostLine(r: ProbeRecord, color = false): string {
  const f = hostFacts(r);
  const c = COLUMNS;
  const cert = f.cert_days === null ? '-' : f.cert_expired ? 'expired' : `${f.cert_days}d`;
  const spans: Span[] = [
    { text: `${t(r.target)} `.padEnd(c.host + 1) },
    { text: f.status.padEnd(c.status), style: STATUS_STYLE[f.status] },
    { text: (f.nla === null ? '-' : f.nla ? 'yes' : 'no').padEnd(c.nla) },
    { text: `${tlsRangeText(f) ?? '-'} `.padEnd(c.tls) },
    { text: `${f.weakest?.strength ?? '-'} `.padEnd(c.weakest) },
    { text: `${cert} `.padEnd(c.cert), ...(f.cert_expired ? { style: 'red' as const } : {}) },
    { text: String(f.findings) },
  ];
  if (f.top) spans.push({ text: ' ' }, { text: SEVERITY_SHORT[f.top.severity], style: SEVERITY_STYLE[f.top.severity] }, { text: ` ${t(f.top.id)}` });
  return `${renderLine(spans, color)}\n`;
}

/**
 * Every finding id of the line view once, most severe first. High and critical ids get a line each with their
 * title and most probable cause (the catalog's text, once per id: what to look at first on the server); the others
 * are packed, one line per severity, id and host count (`rdprobe explain <id>` and --details have the rest).
 */
class FindingIndex {
  private readonly ids = new Map<string, { severity: Severity; title: string; hosts: number; cause: { id: string; certainty: string } | null }>();

  add(r: ProbeRecord): void {
    const seen = new Set<string>();
    for (const f of r.findings) {
      if (seen.has(f.id)) continue;
      seen.add(f.id);
      const e = this.ids.get(f.id) ?? { severity: f.severity, title: f.title, hosts: 0, cause: topCause(f) };
      e.hosts++;
      this.ids.set(f.id, e);
    }
  }

  render(color: boolean): string {
    if (this.ids.size === 0) return '';
    const rows = [...this.ids.entries()].sort((a, b) => severityRank(b[1].severity) - severityRank(a[1].severity) || b[1].hosts - a[1].hosts || (a[0] < b[0] ? -1 : 1));
    const lines: Span[][] = [[{ text: 'Findings', style: 'bold' }, { text: ' (hosts per id; rdprobe explain <id>: causes, server events, checks, fixes)' }]];
    const tag = (sev: Severity): Span[] => [{ text: '  ' }, { text: SEVERITY_SHORT[sev].padEnd(5), style: SEVERITY_STYLE[sev] }];
    for (const [id, e] of rows.filter(([, e]) => atLeast(e.severity, 'high'))) {
      lines.push([...tag(e.severity), { text: `${t(id)} ${e.hosts}`, style: 'bold' }, { text: `  ${t(e.title)}` }]);
      const text = e.cause ? causeText(id, e.cause.id) : null;
      if (e.cause && text) lines.push([{ text: `       ${e.cause.certainty}: ` }, { text: t(text) }]);
    }
    for (const sev of [...SEVERITIES].reverse().filter((x) => !atLeast(x, 'high'))) {
      const items = rows.filter(([, e]) => e.severity === sev).map(([id, e]) => `${t(id)} ${e.hosts}`);
      let current: string[] = [];
      const flush = (firstLine: boolean): void => {
        lines.push([...(firstLine ? tag(sev) : [{ text: '       ' }]), { text: current.join(', ') }]);
        current = [];
      };
      let firstLine = true;
      for (const item of items) {
        if (current.length > 0 && 7 + [...current.join(', ')].length + 2 + [...item].length > TABLE_WIDTH - 1) {
          flush(firstLine);
          firstLine = false;
        }
        current.push(item);
      }
      if (current.length > 0) flush(firstLine);
    }
    return `${lines.map((l) => renderLine(l, color)).join('\n')}\n\n`;
  }
}

export function createTableSink(stream: NodeJS.WritableStream, opts: SinkOptions = {}): OutputSink {
  const color = useColor(stream, opts);
  const shown = new Set<string>();
  // Blocks for one host or with --details; lines as soon as a second host shows there are several.
  let mode: 'first' | 'blocks' | 'lines' = opts.details ? 'blocks' : 'first';
  let first: ProbeRecord | null = null;
  const findings = new FindingIndex();
  const duplicates = new DuplicateGroups();
  const line = (r: ProbeRecord): string => {
    findings.add(r);
    duplicates.add(r);
    return renderHostLine(r, color);
  };
  let warnings: readonly string[] = [];
  return {
    begin(m: ScanMeta) {
      warnings = m.warnings ?? [];
    },
    record(r: ProbeRecord) {
      if (mode === 'blocks') return writeChunk(stream, renderHost(r, color, shown));
      if (mode === 'first') {
        if (first === null) {
          first = r;
          return;
        }
        mode = 'lines';
        const chunk = renderLineHeader(color) + line(first) + line(r);
        first = null;
        return writeChunk(stream, chunk);
      }
      return writeChunk(stream, line(r));
    },
    end(summary: ScanSummary) {
      if (mode === 'lines') return writeChunk(stream, `\n${findings.render(color)}${renderSummary(summary, color, { duplicates: duplicates.result(), topIds: false, warnings })}`);
      const only = first === null ? '' : renderHost(first, color, shown);
      return writeChunk(stream, only + renderSummary(summary, color, { warnings }));
    },
  };
}
