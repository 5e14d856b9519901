/**
 * github: GitHub Actions workflow commands, one annotation line per finding:
 *   ::error title=rdprobe high tls-1.0-enabled on host%3A3389::TLS 1.0 accepted%0Aevidence...
 * Level: error at or above failOn, warning for medium and above, notice below. Server-supplied text goes through
 * forTerminal first (the Actions log renders ANSI sequences) and then the workflow-command escaping, which turns
 * newlines into %0A so no string can start a line of its own and issue a command (::set-output, ::stop-commands).
 */
import type { Finding, ProbeRecord } from '../record.js';
import { DEFAULT_FAIL_ON, atLeast, bySeverityDesc, failsGate, writeChunk } from './common.js';
import { forTerminal, forWorkflowData, forWorkflowProperty } from './escape.js';
import { explain } from '../diagnosis/index.js';
import { hostPortKey } from '../targets/key.js';
import type { OutputSink, ScanMeta, SinkOptions } from './types.js';

export function annotationLevel(f: Finding, failOn: SinkOptions['failOn'] = DEFAULT_FAIL_ON, failing?: SinkOptions['failing']): 'error' | 'warning' | 'notice' {
  if (failsGate(f, { failOn, failing })) return 'error';
  return atLeast(f.severity, 'medium') ? 'warning' : 'notice';
}

const hostLabel = (r: ProbeRecord): string => hostPortKey(r.host, r.port);

export function annotation(r: ProbeRecord, f: Finding, opts: SinkOptions = {}): string {
  const title = forTerminal(`rdprobe ${f.severity} ${f.id} on ${hostLabel(r)}`);
  const lines = [`${hostLabel(r)}: ${f.title}`, ...f.evidence.map((e) => `evidence: ${e}`)];
  const message = lines.map(forTerminal).join('\n');
  return `::${annotationLevel(f, opts.failOn, opts.failing)} title=${forWorkflowProperty(title)}::${forWorkflowData(message)}\n`;
}

/** One notice per finding id at the end: what it means and what to do, once, not once per host. */
export function explainNotice(id: string): string {
  const entry = explain(id);
  if (!entry) return '';
  const cause = entry.causes[0];
  const lines = [entry.summary, ...(cause ? [`Most probable cause: ${cause.text}`] : []), ...(entry.remediation[0] ? [`Fix: ${entry.remediation[0]}`] : []), `More: rdprobe explain ${id}`];
  return `::notice title=${forWorkflowProperty(`rdprobe explain ${id}`)}::${forWorkflowData(lines.join('\n'))}\n`;
}

export function createGithubSink(stream: NodeJS.WritableStream, opts: SinkOptions = {}): OutputSink {
  const ids = new Set<string>();
  return {
    begin(m: ScanMeta) {
      if (!m.warnings?.length) return;
      return writeChunk(stream, m.warnings.map((w) => `::warning title=rdprobe::${forWorkflowData(forTerminal(w))}\n`).join(''));
    },
    record(r: ProbeRecord) {
      if (r.findings.length === 0) return;
      for (const f of r.findings) ids.add(f.id);
      return writeChunk(stream, bySeverityDesc(r.findings).map((f) => annotation(r, f, opts)).join(''));
    },
    end() {
      if (ids.size === 0) return;
      return writeChunk(stream, [...ids].sort().map(explainNotice).join(''));
    },
  };
}
