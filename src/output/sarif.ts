/**
 * sarif: a minimal SARIF 2.1.0 log (one run) for code-scanning style dashboards. SARIF has no streaming form
 * (rules must be listed before the results that use them), so results are buffered until `end`; each result
 * is small (ids, message, location), not the record.
 * Level: error at or above failOn (default high), warning for medium and above, note below.
 * Location: the host as a logical location and as the artifact URI `rdp://host:port`.
 */
import type { Finding, ProbeRecord, Severity } from '../record.js';
import { DEFAULT_FAIL_ON, atLeast, endpointUri, failsGate, writeChunk } from './common.js';
import { severityRank } from '../record.js';
import { toSafeJson } from './escape.js';
import { explain, formatExplain } from '../diagnosis/index.js';
import type { OutputSink, ScanMeta, ScanSummary, SinkOptions } from './types.js';

export type SarifLevel = 'error' | 'warning' | 'note';

export function sarifLevel(severity: Severity, failOn: Severity = DEFAULT_FAIL_ON): SarifLevel {
  if (atLeast(severity, failOn)) return 'error';
  return atLeast(severity, 'medium') ? 'warning' : 'note';
}

/** GitHub code scanning reads this rule property to rank alerts (>= 9 critical, >= 7 high, >= 4 medium). */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

interface RuleSeen {
  title: string;
  severity: Severity;
}

export function createSarifSink(stream: NodeJS.WritableStream, opts: SinkOptions = {}): OutputSink {
  const failOn = opts.failOn ?? DEFAULT_FAIL_ON;
  const rules = new Map<string, RuleSeen>();
  const results: unknown[] = [];
  let meta: ScanMeta | null = null;

  function addResult(r: ProbeRecord, f: Finding): void {
    const seen = rules.get(f.id);
    if (!seen) rules.set(f.id, { title: f.title, severity: f.severity });
    else if (severityRank(f.severity) > severityRank(seen.severity)) seen.severity = f.severity;
    const uri = endpointUri(r);
    const evidence = f.evidence.length > 0 ? `\nEvidence: ${f.evidence.join('; ')}` : '';
    results.push({
      ruleId: f.id,
      // error exactly when the finding fails the gate; below that, warning from medium up, else note.
      level: failsGate(f, opts) ? 'error' : atLeast(f.severity, 'medium') ? 'warning' : 'note',
      message: { text: `${uri}: ${f.title}${evidence}` },
      locations: [
        {
          physicalLocation: { artifactLocation: { uri } },
          logicalLocations: [{ name: r.target, fullyQualifiedName: uri, kind: 'resource' }],
        },
      ],
      properties: { severity: f.severity, target: r.target, host: r.host, port: r.port, address: r.address },
    });
  }

  return {
    begin(m: ScanMeta) {
      meta = m;
    },
    record(r: ProbeRecord) {
      for (const f of r.findings) addResult(r, f);
    },
    end(summary: ScanSummary) {
      const ruleIds = [...rules.keys()].sort();
      const log = {
        $schema: 'https://json.schemastore.org/sarif-2.1.0.json',
        version: '2.1.0',
        runs: [
          {
            tool: {
              driver: {
                name: 'rdprobe',
                ...(meta ? { version: meta.version } : {}),
                rules: ruleIds.map((id) => {
                  const rule = rules.get(id) as RuleSeen;
                  const entry = explain(id);
                  return {
                    id,
                    shortDescription: { text: rule.title },
                    // The catalog's text, once per rule (results carry only the host's evidence).
                    ...(entry ? { fullDescription: { text: entry.summary }, help: { text: formatExplain(entry) } } : {}),
                    defaultConfiguration: { level: sarifLevel(rule.severity, failOn) },
                    properties: { 'security-severity': SECURITY_SEVERITY[rule.severity] },
                  };
                }),
              },
            },
            invocations: [
              {
                executionSuccessful: !summary.interrupted,
                ...(meta ? { startTimeUtc: meta.started_at } : {}),
                endTimeUtc: summary.finished_at,
                ...(meta?.warnings?.length ? { toolExecutionNotifications: meta.warnings.map((text) => ({ level: 'warning', message: { text } })) } : {}),
              },
            ],
            results,
          },
        ],
      };
      return writeChunk(stream, `${toSafeJson(log, 2)}\n`);
    },
  };
}
