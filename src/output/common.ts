/** Small helpers every sink shares: severity order, host naming, and awaited writes. */
import { SEVERITIES, type Finding, type ProbeRecord, type Severity } from '../record.js';
import type { SinkOptions } from './types.js';

export const DEFAULT_FAIL_ON: Severity = 'high';

/** 0 for info up to 4 for critical. */
export function severityRank(s: Severity): number {
  return SEVERITIES.indexOf(s);
}

export function atLeast(s: Severity, threshold: Severity): boolean {
  return severityRank(s) >= severityRank(threshold);
}

export function maxSeverity(findings: readonly Finding[]): Severity | null {
  let max: Severity | null = null;
  for (const f of findings) if (max === null || severityRank(f.severity) > severityRank(max)) max = f.severity;
  return max;
}

/** Most severe first; findings of equal severity keep the diagnosis layer's order. */
export function bySeverityDesc(findings: readonly Finding[]): Finding[] {
  return findings
    .map((f, i) => ({ f, i }))
    .sort((a, b) => severityRank(b.f.severity) - severityRank(a.f.severity) || a.i - b.i)
    .map(({ f }) => f);
}

/** `rdp://host:port`, with IPv6 literals in brackets. Not escaped: callers escape for their format. */
export function endpointUri(r: Pick<ProbeRecord, 'host' | 'port'>): string {
  const host = r.host.includes(':') && !r.host.startsWith('[') ? `[${r.host}]` : r.host;
  return `rdp://${host}:${r.port}`;
}

/**
 * Write one chunk and resolve once the stream has taken it (the write callback), so the runner's await gives
 * backpressure and an interrupted scan never leaves half a chunk behind us. Rejects on a write error (EPIPE...).
 */
export function writeChunk(stream: NodeJS.WritableStream, chunk: string): Promise<void> {
  return new Promise((resolve, reject) => {
    stream.write(chunk, (err?: Error | null) => (err ? reject(err) : resolve()));
  });
}

/** Whether a finding fails the gate the report is for (see SinkOptions.failing). */
export function failsGate(f: Finding, opts: SinkOptions): boolean {
  return opts.failing ? opts.failing(f) : atLeast(f.severity, opts.failOn ?? DEFAULT_FAIL_ON);
}
