/**
 * table: what a Windows administrator reads in a console. Per host a compact block of facts, then its
 * findings most severe first; at the end a summary of the scan. Plain ASCII (legacy Windows consoles render
 * box drawing badly), lines clipped to fit 100 columns (counted in code points: a wide CJK name may overrun),
 * colour only on a TTY without NO_COLOR unless forced by `color`. Every string that comes from a record passes
 * through forTerminal, including our own ids and titles, so no escape sequence from a server reaches the screen.
 */
import {
  PROTOCOL_KEYS,
  SEVERITIES,
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

function versionLabel(v: string): string {
  return v.replace(/^tls/, '');
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
    let text = triState(TLS_VERSION_KEYS.map((v) => [versionLabel(v), tls.versions[v]]));
    if (tls.cipher) text += ` | ${t(tls.cipher)}`;
    lines.push(labelled('TLS', text));
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

export function renderSummary(s: ScanSummary, color = false, warnings: readonly string[] = []): string {
  const head = `Summary: ${s.hosts} host${s.hosts === 1 ? '' : 's'}, finished ${t(s.finished_at)}`;
  const lines: Span[][] = [
    [{ text: head, style: 'bold' }, ...(s.interrupted ? [{ text: ' (INTERRUPTED)', style: 'yellow' as const }] : [])],
    labelled('status', counts(['ok', 'unreachable', 'not_rdp', 'error'] as const, s.by_status)),
    labelled('protocols', counts(PROTOCOL_KEYS, s.protocols)),
    labelled('TLS', counts(TLS_VERSION_KEYS, s.tls_versions, versionLabel)),
    labelled('findings', counts([...SEVERITIES].reverse(), s.findings_by_severity)),
  ];
  const top = Object.entries(s.findings_by_id).sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
  if (top.length > 0) {
    lines.push(labelled('top ids', top.map(([id, n]) => `${t(id)} ${n}`).join(', ')));
    lines.push(labelled('next', 'rdprobe explain <id>: causes, server events to look for, checks and fixes'));
  }
  for (const w of warnings) lines.push([{ text: `  ${'WARNING'.padEnd(LABEL_WIDTH)}`, style: 'yellow' }, { text: t(w) }]);
  return `${lines.map((l) => renderLine(l, color)).join('\n')}\n`;
}

/** Colour when forced, otherwise on a TTY with NO_COLOR unset or empty (https://no-color.org). */
export function useColor(stream: NodeJS.WritableStream, opts: SinkOptions): boolean {
  if (opts.color !== undefined) return opts.color;
  const noColor = process.env['NO_COLOR'];
  return (stream as { isTTY?: boolean }).isTTY === true && (noColor === undefined || noColor === '');
}

export function createTableSink(stream: NodeJS.WritableStream, opts: SinkOptions = {}): OutputSink {
  const color = useColor(stream, opts);
  const shown = new Set<string>();
  let warnings: readonly string[] = [];
  return {
    begin(m: ScanMeta) {
      warnings = m.warnings ?? [];
    },
    record(r: ProbeRecord) {
      return writeChunk(stream, renderHost(r, color, shown));
    },
    end(summary: ScanSummary) {
      return writeChunk(stream, renderSummary(summary, color, warnings));
    },
  };
}
