/**
 * junit: a CI gate report in the common JUnit XML shape (Jenkins junit-4.xsd / Ant / Surefire; what GitLab,
 * Azure DevOps and the GitHub test-report actions read).
 *
 *   <testsuites name="rdprobe">                       written at begin
 *     <testsuite name=target tests failures errors skipped time hostname>   one per host, as its record arrives
 *       <properties> target, host, address, port, status, scanned_at, failure </properties>
 *       <testcase name="reachable">   failure when the host could not be reached
 *       <testcase name="handshake">   failure when a modern client's connection fails (or not RDP), error when
 *                                     the probe itself failed, skipped when the host was unreachable
 *       <testcase name=finding id>    one per finding id on the host; failure at or above failOn (default high),
 *                                     a passing case with the finding in system-out below it
 *     <testsuite name="rdprobe">      written at end: testcase "scan complete", an error when interrupted, so an
 *                                     interrupted scan cannot pass the gate
 *   </testsuites>
 *
 * Only findings present in the record become test cases: the record does not list the rules that were
 * checked and passed. The totals on <testsuites> are optional in the schema and are omitted, because they
 * would have to be written at begin; each <testsuite> carries its own totals and CI tools sum those.
 * Every string from a record goes through forXml.
 */
import type { Finding, ProbeRecord } from '../record.js';
import { bySeverityDesc, endpointUri, failsGate, writeChunk } from './common.js';
import { forXml } from './escape.js';
import { causeText, topCause } from '../diagnosis/findings.js';
import { explain, formatExplain } from '../diagnosis/index.js';
import type { OutputSink, ScanMeta, ScanSummary, SinkOptions } from './types.js';

interface Outcome {
  kind: 'failure' | 'error' | 'skipped';
  message: string;
  type: string;
  body?: string;
}

interface TestCase {
  name: string;
  time: number;
  outcome: Outcome | null;
  systemOut?: string;
}

function attrs(pairs: Record<string, string | number>): string {
  return Object.entries(pairs)
    .map(([k, v]) => ` ${k}="${forXml(String(v))}"`)
    .join('');
}

function seconds(ms: number | null): string {
  return ((ms ?? 0) / 1000).toFixed(3);
}

function failureText(r: ProbeRecord): string {
  if (!r.failure) return r.status;
  const detail = r.failure.detail ? ` (${r.failure.detail})` : '';
  return `${r.failure.stage}: ${r.failure.reason}${detail}`;
}

function hostCases(r: ProbeRecord, opts: SinkOptions): TestCase[] {
  const t = r.timings_ms;
  const reachTime = (t.dns ?? 0) + (t.tcp ?? 0);
  const failType = r.failure ? `${r.failure.stage}.${r.failure.reason}` : r.status;
  // Under an explicit gate, reachability and handshake problems are failures only when one of this host's
  // findings fails it (`unreachable`, `policy_unreachable`...); when the gate allows them they stay visible as
  // output. Without a gate they are failures, as a plain report shows them.
  const gateFails = opts.failing ? r.findings.some(opts.failing) : true;
  const problem = (o: Outcome): Pick<TestCase, 'outcome' | 'systemOut'> =>
    gateFails || o.kind === 'skipped' ? { outcome: o } : { outcome: null, systemOut: `${o.message} (does not fail the gate)` };
  const cases: TestCase[] = [
    {
      name: 'reachable',
      time: reachTime,
      ...(r.status === 'unreachable' ? problem({ kind: 'failure', message: failureText(r), type: failType }) : { outcome: null }),
    },
  ];
  let handshake: Outcome | null = null;
  if (r.status === 'unreachable') handshake = { kind: 'skipped', message: 'host unreachable', type: 'skipped' };
  else if (r.status === 'error') handshake = { kind: 'error', message: failureText(r), type: failType };
  else if (r.status === 'not_rdp') handshake = { kind: 'failure', message: `not RDP: ${failureText(r)}`, type: 'not_rdp' };
  else if (r.failure) handshake = { kind: 'failure', message: failureText(r), type: failType };
  cases.push({ name: 'handshake', time: t.total, ...(handshake ? problem(handshake) : { outcome: null }) });

  const byId = new Map<string, Finding[]>();
  for (const f of bySeverityDesc(r.findings)) byId.set(f.id, [...(byId.get(f.id) ?? []), f]);
  for (const [id, group] of byId) {
    const worst = group[0] as Finding;
    const body = group
      .flatMap((f) => [
        `${f.severity}: ${f.title}`,
        ...f.evidence.map((e) => `  evidence: ${e}`),
        ...[topCause(f)].flatMap((c) => (c ? [`  most probable cause (${c.certainty}): ${causeText(f.id, c.id) ?? c.id}`] : [])),
        `  causes, server events, checks and fix: rdprobe explain ${f.id} (and the "rdprobe explain" suite of this report)`,
      ])
      .join('\n');
    const message = `${worst.severity}: ${worst.title}`;
    cases.push(
      group.some((f) => failsGate(f, opts))
        ? { name: id, time: 0, outcome: { kind: 'failure', message, type: id, body } }
        : { name: id, time: 0, outcome: null, systemOut: body },
    );
  }
  return cases;
}

function renderCase(c: TestCase, classname: string): string {
  const open = `    <testcase${attrs({ name: c.name, classname, time: seconds(c.time) })}`;
  const inner: string[] = [];
  if (c.outcome) {
    const o = c.outcome;
    const a = o.kind === 'skipped' ? attrs({ message: o.message }) : attrs({ message: o.message, type: o.type });
    inner.push(o.body ? `      <${o.kind}${a}>${forXml(o.body)}</${o.kind}>` : `      <${o.kind}${a}/>`);
  }
  if (c.systemOut) inner.push(`      <system-out>${forXml(c.systemOut)}</system-out>`);
  return inner.length === 0 ? `${open}/>\n` : `${open}>\n${inner.join('\n')}\n    </testcase>\n`;
}

function renderSuite(name: string, time: number, cases: TestCase[], properties: Record<string, string>, hostname?: string): string {
  const count = (k: Outcome['kind']) => cases.filter((c) => c.outcome?.kind === k).length;
  const suiteAttrs: Record<string, string | number> = {
    name,
    tests: cases.length,
    failures: count('failure'),
    errors: count('error'),
    skipped: count('skipped'),
    time: seconds(time),
  };
  if (hostname !== undefined) suiteAttrs['hostname'] = hostname;
  const props = Object.entries(properties)
    .map(([k, v]) => `      <property${attrs({ name: k, value: v })}/>\n`)
    .join('');
  return (
    `  <testsuite${attrs(suiteAttrs)}>\n    <properties>\n${props}    </properties>\n` +
    cases.map((c) => renderCase(c, name)).join('') +
    '  </testsuite>\n'
  );
}

/** One <testsuite> element for a host, indented for the <testsuites> wrapper. */
export function junitSuite(r: ProbeRecord, opts: SinkOptions = {}): string {
  const properties: Record<string, string> = {
    target: r.target,
    host: r.host,
    address: r.address ?? '',
    port: String(r.port),
    uri: endpointUri(r),
    status: r.status,
    scanned_at: r.scanned_at,
    failure: r.failure ? failureText(r) : '',
  };
  return renderSuite(r.target, r.timings_ms.total, hostCases(r, opts), properties, r.host);
}

export function createJunitSink(stream: NodeJS.WritableStream, opts: SinkOptions = {}): OutputSink {
  let meta: ScanMeta | null = null;
  /** Finding ids seen: the catalog's text is written once per id, in a suite of its own at the end. */
  const ids = new Set<string>();
  return {
    begin(m: ScanMeta) {
      meta = m;
      return writeChunk(stream, `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="rdprobe">\n`);
    },
    record(r: ProbeRecord) {
      for (const f of r.findings) ids.add(f.id);
      return writeChunk(stream, junitSuite(r, opts));
    },
    end(summary: ScanSummary) {
      const started = meta ? Date.parse(meta.started_at) : NaN;
      const elapsed = Math.max(0, Date.parse(summary.finished_at) - started) || 0;
      const warnings = meta?.warnings ?? [];
      const scanCase: TestCase = {
        name: 'scan complete',
        time: elapsed,
        outcome: summary.interrupted
          ? { kind: 'error', message: `scan interrupted after ${summary.hosts} hosts`, type: 'interrupted' }
          : warnings.length > 0
            ? // Accepted as incomplete (merge --partial): shown, without failing the report on its own.
              { kind: 'skipped', message: `incomplete: ${warnings.join('; ')}`, type: 'skipped' }
            : null,
      };
      const properties: Record<string, string> = {
        version: meta?.version ?? '',
        started_at: meta?.started_at ?? '',
        finished_at: summary.finished_at,
        hosts: String(summary.hosts),
        interrupted: String(summary.interrupted),
        ...(warnings.length > 0 ? { warnings: warnings.join('; ') } : {}),
      };
      const explained: TestCase[] = [...ids].sort().flatMap((id) => {
        const entry = explain(id);
        return entry ? [{ name: `explain ${id}`, time: 0, outcome: null, systemOut: formatExplain(entry) }] : [];
      });
      const catalogSuite = explained.length > 0 ? renderSuite('rdprobe explain', 0, explained, { about: 'what each finding of this report means: causes, server events, checks, fix' }) : '';
      return writeChunk(stream, `${renderSuite('rdprobe', elapsed, [scanCase], properties)}${catalogSuite}</testsuites>\n`);
    },
  };
}
