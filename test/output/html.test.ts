/**
 * The HTML report as a file (in-process, no browser): what it embeds and how. The browser tests (test/report/)
 * open it in Chromium; these check the properties a browser would not tell apart from a lucky render.
 */
import { describe, expect, it } from 'vitest';
import { jsonForScript } from '../../src/output/html/page.js';
import { catalog } from '../../src/diagnosis/catalog.js';
import type { ProbeRecord } from '../../src/record.js';
import { readPage, reportHosts, sha256Base64 } from '../report/page-data.js';
import { certificate, finding, hostileRecord, okRecord, runSink, unreachableRecord } from './factory.js';
import { auth, logon } from '../helpers/record-factory.js';

const MARKUP = '</script><script>alert(1)</script><!--<img src=x onerror=alert(2)>\u2028\u2029&amp;';

async function page(records: ProbeRecord[]): Promise<string> {
  return (await runSink('html', records)).text;
}

describe('html report file', () => {
  it('jsonForScript leaves no character that could end the script element, and parses back to the same value', () => {
    const v = { s: MARKUP, nested: [MARKUP, { k: '>' }] };
    const json = jsonForScript(v);
    expect(json).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(json)).toEqual(v);
  });

  it('server strings full of markup stay inside the JSON: the page has exactly its own three script elements', async () => {
    const evil = okRecord({
      target: MARKUP,
      certificate: certificate({ subject: MARKUP, subject_cn: MARKUP, issuer: MARKUP, san: [MARKUP] }),
      findings: [finding('cert_self_signed', 'info', { evidence: [MARKUP] })],
    });
    const html = await page([evil, hostileRecord()]);
    const data = readPage(html);
    expect(data.scriptTags).toEqual(['<script type="application/json" id="rdprobe-hosts">', '<script type="application/json" id="rdprobe-report">', '<script>']);
    expect(html).not.toContain('alert(1)</script>');
    expect(html).not.toContain('<img');
    // ...and the data is all there, unchanged.
    const hosts = reportHosts(data);
    expect((hosts[0]!.record['certificate'] as { subject_cn: string }).subject_cn).toBe(MARKUP);
    expect(hosts[0]!.record['target']).toBe(MARKUP);
  });

  it('allows only its own program (by hash) and no request to anywhere', async () => {
    const data = readPage(await page([okRecord()]));
    expect(data.csp).toContain("default-src 'none'");
    expect(data.csp).toContain(`script-src 'sha256-${sha256Base64(data.program)}'`);
    expect(data.csp).not.toMatch(/unsafe-eval|https?:/);
  });

  it('embeds every record, shared values resolved, in the order given, with its one-line facts', async () => {
    const records = [okRecord(), unreachableRecord(), hostileRecord(), unreachableRecord({ host: '192.0.2.98', target: '192.0.2.98', address: '192.0.2.98' })];
    const hosts = reportHosts(readPage(await page(records)));
    expect(hosts.map((h) => h.record)).toEqual(JSON.parse(JSON.stringify(records)));
    expect(hosts.map((h) => h.facts['key'])).toEqual(['host1.example.com:3389', '192.0.2.99:3389', 'evil.example:3389', '192.0.2.98:3389']);
  });

  it('writes a repeated value once: 2,000 identical unreachable findings cost one table entry', async () => {
    const evidence = 'failure.reason = "refused" (one of 2,000)';
    const unreachable = finding('unreachable', 'high', { evidence: [evidence] });
    const records = Array.from({ length: 2000 }, (_, i) => unreachableRecord({ host: `h${i}`, target: `h${i}`, address: null, findings: [unreachable] }));
    const html = await page(records);
    expect(html.split(jsonForScript(evidence)).length - 1).toBe(1);
    expect(reportHosts(readPage(html))).toHaveLength(2000);
  });

  it('carries the catalog text once per finding id seen, however many hosts have it', async () => {
    const records = Array.from({ length: 50 }, () => okRecord({ findings: [finding('cert_self_signed', 'info'), finding('nla_not_required', 'medium')] }));
    const html = await page(records);
    const report = readPage(html).json['rdprobe-report'] as { catalog: Record<string, { remediation: string[]; events: { query: string | null }[] }> };
    expect(Object.keys(report.catalog).sort()).toEqual(['cert_self_signed', 'nla_not_required']);
    const fix = jsonForScript(catalog.nla_not_required.remediation[0]).slice(1, -1);
    expect(html.split(fix).length - 1).toBe(1);
  });

  it('says what was scanned and whether the scan was interrupted', async () => {
    const stream = await runSink('html', [okRecord()], {}, { interrupted: true });
    const report = readPage(stream.text).json['rdprobe-report'] as { meta: Record<string, unknown>; overview: { hosts: number } };
    expect(report.meta['interrupted']).toBe(true);
    expect(report.meta['started_at']).toBe('2026-11-22T10:00:00.000Z');
    expect(report.meta['finished_at']).toBe('2026-11-22T10:05:00.000Z');
    expect(report.meta['version']).toBe('0.1.0');
    expect(report.overview.hosts).toBe(1);
  });

  it('a gated scan marks the hosts and findings that fail the gate; an ungated one has no gate at all', async () => {
    const failing = okRecord({ findings: [finding('nla_not_required', 'medium'), finding('cert_self_signed', 'info')] });
    const passing = okRecord({ host: 'host2.example.com', target: 'host2.example.com', findings: [finding('cert_self_signed', 'info')] });
    const gate = { failing: (f: { severity: string }) => f.severity === 'medium' };
    const gated = readPage((await runSink('html', [failing, passing], gate)).text);
    const rows = reportHosts(gated).map((h) => h.facts);
    expect(rows.map((f) => [f['gate'], f['gate_ids']])).toEqual([
      ['fails', ['nla_not_required']],
      ['passes', undefined],
    ]);
    expect((gated.json['rdprobe-report'] as { gate: unknown }).gate).toEqual({ hosts: 2, failing: 1 });

    const plain = readPage((await runSink('html', [failing, passing])).text);
    expect(reportHosts(plain).map((h) => h.facts['gate'])).toEqual([undefined, undefined]);
    expect((plain.json['rdprobe-report'] as { gate: unknown }).gate).toBeNull();
  });

  it('overview: each TLS/SSL version once, oldest first; logon counted where it completed', async () => {
    const done = okRecord({ auth: auth({ depth: 'authz', logon: logon() }) });
    const stopped = okRecord({ host: 'h2.example.com', target: 'h2.example.com', auth: auth({ depth: 'authz', logon: logon({ result: 'licensing_failed', reached: 'licensing' }) }) });
    const report = readPage((await runSink('html', [done, stopped])).text).json['rdprobe-report'] as {
      overview: { tls_versions: { version: string }[]; auth: { tested: number; logon_reached: number } };
    };
    expect(report.overview.tls_versions.map((v) => v.version)).toEqual(['ssl2.0', 'ssl3.0', 'tls1.0', 'tls1.1', 'tls1.2', 'tls1.3']);
    expect(report.overview.auth).toMatchObject({ tested: 2, logon_reached: 1 });
  });
});
