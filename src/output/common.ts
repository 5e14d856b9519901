/** Small helpers every sink shares: severity order, host naming, and awaited writes. */
import { severityRank, type Finding, type ProbeRecord, type Severity } from '../record.js';
import { hostPortKey } from '../targets/key.js';
import type { SinkOptions } from './types.js';

export const DEFAULT_FAIL_ON: Severity = 'high';


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
  return `rdp://${hostPortKey(r.host, r.port)}`;
}

/**
 * Write one chunk and resolve once the stream has taken it (the write callback), so the runner's await gives
 * backpressure and an interrupted scan never leaves half a chunk behind us. Rejects on a write error (EPIPE...).
 */
const streamErrors = new WeakMap<NodeJS.WritableStream, Error>();
const watched = new WeakSet<NodeJS.WritableStream>();

/**
 * One chunk, one write() call (so an interrupted scan leaves whole records). Resolves at once while the stream
 * takes data, and waits for 'drain' when it pushes back: waiting for every write's callback instead cost one
 * file-system round trip per host, the bottleneck of a /16 sweep. A failed write rejects this call or the next.
 */
export function writeChunk(stream: NodeJS.WritableStream, chunk: string): Promise<void> {
  if (!watched.has(stream)) {
    // Sticky: remember the first error so every later write (and the sink's end) reports it.
    watched.add(stream);
    stream.on('error', (e: Error) => {
      if (!streamErrors.has(stream)) streamErrors.set(stream, e);
    });
  }
  const failed = streamErrors.get(stream);
  if (failed) return Promise.reject(failed);
  return new Promise((resolve, reject) => {
    let settled = false;
    const done = (err?: Error | null) => {
      if (settled) return;
      settled = true;
      stream.off('drain', onDrain);
      if (err) reject(err);
      else resolve();
    };
    const onDrain = () => done();
    const ok = stream.write(chunk, (err?: Error | null) => {
      if (err) {
        if (!streamErrors.has(stream)) streamErrors.set(stream, err);
        done(err);
      }
    });
    if (ok) done();
    else stream.once('drain', onDrain);
  });
}

/** Whether a finding fails the gate the report is for (see SinkOptions.failing). */
export function failsGate(f: Finding, opts: SinkOptions): boolean {
  return opts.failing ? opts.failing(f) : atLeast(f.severity, opts.failOn ?? DEFAULT_FAIL_ON);
}
