/**
 * html: the report an administrator opens, sorts, filters, prints and forwards. One self-contained file (see
 * html/page.ts for how hostile strings are kept inert), written as a stream like json: the hosts' data as they
 * come, the overview and the catalog text of the findings seen at the end. Memory stays small on a /16: the
 * overview keeps counts, the shared-value table keeps digests (html/intern.ts), never the records.
 *
 * Embedded data (read by html/report-app.ts):
 *  - `rdprobe-hosts`: a JSON array of items; [0, value] defines the next shared value, [1, facts, record] is one
 *    host (facts: host-facts.ts, the table's row; record: the ProbeRecord with shared parts as {"$ref": n});
 *  - `rdprobe-report`: {meta, summary, overview, catalog, severities}: the scan, its counts, and per finding id seen
 *    the catalog's text (title, summary, causes, events with their wevtutil query, checks, remediation) once.
 */
import { RECORD_SCHEMA_VERSION, SEVERITIES, type ProbeRecord } from '../record.js';
import { catalog, isFindingId } from '../diagnosis/catalog.js';
import { EVENTS, wevtutilQuery } from '../diagnosis/events.js';
import { writeChunk } from './common.js';
import { Interner } from './html/intern.js';
import { OverviewCounter } from './html/overview.js';
import type { HostFacts } from './host-facts.js';
import { dataScript, jsonForScript, pageEnd, pageStart } from './html/page.js';
import { REPORT_APP_JS, REPORT_BODY } from './html/report-app.js';
import type { Finding } from '../record.js';
import type { OutputSink, ScanMeta, ScanSummary, SinkOptions } from './types.js';

/** Targets listed in the header at most (a targets file can hold a /16 line by line). */
const MAX_TARGETS_SHOWN = 200;
const DEFAULT_SOON_DAYS = 30;

/** The catalog's text of one finding id, as the page shows it (events resolved to their log and query). */
function catalogForPage(id: string): unknown {
  if (!isFindingId(id)) return null;
  const e = catalog[id];
  return {
    id: e.id,
    severity: e.severity,
    title: e.title,
    summary: e.summary,
    scope: e.scope,
    causes: e.causes.map((c) => ({ id: c.id, certainty: c.certainty, text: c.text })),
    events: e.event_ids.map((key) => {
      const info = EVENTS.get(key);
      return info ? { key, log: info.log, meaning: info.meaning, query: wevtutilQuery(info) } : { key, log: null, meaning: null, query: null };
    }),
    checks: e.checks,
    remediation: e.remediation,
    references: e.references,
  };
}

/**
 * The table row of a host as the page reads it: the facts without their null fields (the page reads a missing
 * field as null) and without a label equal to the key, plus every finding id (the findings column filters on them)
 * and, when the scan has a gate, whether the host fails it and with which findings.
 * A subnet's unreachable hosts are most of a big report: this halves their cost.
 */
function compactFacts(facts: HostFacts, r: ProbeRecord, gateIds: string[] | null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(facts)) if (v !== null && !(k === 'label' && v === facts.key)) out[k] = v;
  out['finding_ids'] = [...new Set(r.findings.map((f) => f.id))];
  if (gateIds !== null) {
    out['gate'] = gateIds.length > 0 ? 'fails' : 'passes';
    if (gateIds.length > 0) out['gate_ids'] = gateIds;
  }
  return out;
}

function headerMeta(meta: ScanMeta | null): Record<string, unknown> {
  const scope = meta?.scope;
  return {
    version: meta?.version ?? null,
    schema_version: RECORD_SCHEMA_VERSION,
    started_at: meta?.started_at ?? null,
    targets_total: meta?.targets_total ?? null,
    argv: meta?.argv ?? null,
    scope: scope
      ? { ...scope, targets: scope.targets.slice(0, MAX_TARGETS_SHOWN), targets_count: scope.targets.length }
      : null,
  };
}

/**
 * `opts.failing` is the scan's gate (--fail-on, --policy) when it has one: the page marks the hosts and findings
 * that fail it, so the report shows what made the exit code 1.
 */
export function createHtmlSink(stream: NodeJS.WritableStream, opts: SinkOptions = {}): OutputSink {
  const gate: ((f: Finding) => boolean) | null = opts.failing ?? null;
  let gateHosts = 0;
  let gateFailing = 0;
  let meta: ScanMeta | null = null;
  let overview: OverviewCounter | null = null;
  const interner = new Interner();
  const ids = new Set<string>();
  let first = true;
  return {
    begin(m: ScanMeta) {
      meta = m;
      const soon = m.scope?.options['cert_expiry_days'];
      overview = new OverviewCounter(typeof soon === 'number' ? soon : DEFAULT_SOON_DAYS);
      return writeChunk(stream, `${pageStart('rdprobe scan report', REPORT_BODY, REPORT_APP_JS)}<script type="application/json" id="rdprobe-hosts">[`);
    },
    record(r: ProbeRecord) {
      overview ??= new OverviewCounter(DEFAULT_SOON_DAYS);
      const facts = overview.add(r);
      for (const f of r.findings) ids.add(f.id);
      let chunk = '';
      const item = (x: unknown): void => {
        chunk += `${first ? '\n' : ',\n'}${jsonForScript(x)}`;
        first = false;
      };
      const define = (entry: unknown): void => item([0, entry]);
      const encoded = interner.encode(r, define);
      const gateIds = gate ? [...new Set(r.findings.filter(gate).map((f) => f.id))] : null;
      if (gateIds !== null) {
        gateHosts++;
        if (gateIds.length > 0) gateFailing++;
      }
      item([1, interner.encode(compactFacts(facts, r, gateIds), define), encoded]);
      return writeChunk(stream, chunk);
    },
    end(summary: ScanSummary) {
      const known = [...ids].sort().filter(isFindingId);
      const report = {
        meta: { ...headerMeta(meta), finished_at: summary.finished_at, interrupted: summary.interrupted },
        summary,
        overview: (overview ?? new OverviewCounter(DEFAULT_SOON_DAYS)).result(),
        catalog: Object.fromEntries(known.map((id) => [id, catalogForPage(id)])),
        severities: SEVERITIES,
        gate: gate ? { hosts: gateHosts, failing: gateFailing } : null,
      };
      return writeChunk(stream, `\n]</script>\n${dataScript('rdprobe-report', jsonForScript(report))}${pageEnd(REPORT_APP_JS)}`);
    },
  };
}
