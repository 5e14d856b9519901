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
import type { OutputSink, SinkOptions } from './types.js';

export function annotationLevel(f: Finding, failOn: SinkOptions['failOn'] = DEFAULT_FAIL_ON, failing?: SinkOptions['failing']): 'error' | 'warning' | 'notice' {
  if (failsGate(f, { failOn, failing })) return 'error';
  return atLeast(f.severity, 'medium') ? 'warning' : 'notice';
}

function hostLabel(r: ProbeRecord): string {
  return r.host.includes(':') ? `[${r.host}]:${r.port}` : `${r.host}:${r.port}`;
}

export function annotation(r: ProbeRecord, f: Finding, opts: SinkOptions = {}): string {
  const title = forTerminal(`rdprobe ${f.severity} ${f.id} on ${hostLabel(r)}`);
  const lines = [`${hostLabel(r)}: ${f.title}`, ...f.evidence.map((e) => `evidence: ${e}`)];
  const message = lines.map(forTerminal).join('\n');
  return `::${annotationLevel(f, opts.failOn, opts.failing)} title=${forWorkflowProperty(title)}::${forWorkflowData(message)}\n`;
}

export function createGithubSink(stream: NodeJS.WritableStream, opts: SinkOptions = {}): OutputSink {
  return {
    begin() {},
    record(r: ProbeRecord) {
      if (r.findings.length === 0) return;
      return writeChunk(stream, bySeverityDesc(r.findings).map((f) => annotation(r, f, opts)).join(''));
    },
    end() {},
  };
}
