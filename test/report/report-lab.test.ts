/**
 * The HTML reports in a real browser (headless Chromium, test/report/browser.ts), on real scans of the lab:
 *  - the lab report: the 16 lab servers, a closed port and our own copy of xrdp-html-hostile (markup in its
 *    certificate names, started on 127.0.52.1 with lab/lab.sh start-copy): overview numbers against the records,
 *    sorting, filtering, a host's detail, the hostile names shown as text;
 *  - a 10,000-host synthetic report made from those records (bench/synthetic-fleet.mjs): size, numbers, filtering;
 *  - the diff report of that scan against edited copies of its records.
 * No page may make a request, log an error or open a dialog. With RDPROBE_SCREENSHOTS=1 the screenshots go to
 * docs/img/ (the README shows them), else to the test's temporary folder.
 *
 *   RDPROBE_LAB=1 npx vitest run test/report/     (lab up, Debian package chromium installed)
 */
import { spawnSync } from 'node:child_process';
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSink, SummaryCounter } from '../../src/output/index.js';
import type { ProbeRecord } from '../../src/record.js';
import { ROOT, runCli } from '../cli/helpers.js';
import { hostileRecord } from '../output/factory.js';
import { syntheticFleet } from '../../bench/synthetic-fleet.mjs';
import { barValues, launch, openReport, tableCount, type Opened } from './browser.js';

const enabled = process.env['RDPROBE_LAB'] === '1';
const HOSTILE = '127.0.52.1';
const CLOSED = '127.0.40.1';
const LAB = join(ROOT, 'lab/lab.sh');
const LIVE: string[] = (JSON.parse(readFileSync(join(ROOT, 'lab/servers.json'), 'utf8')) as { servers: { address: string; kind: string }[] }).servers
  .filter((s) => s.kind === 'xrdp' || s.kind === 'freerdp')
  .map((s) => s.address)
  // The lab's own hostile-certificate server: this test runs its copy on HOSTILE (the same certificate twice would
  // add a cert_duplicate pair the numbers below do not expect).
  .filter((a) => a !== '127.0.10.15');
const SCRIPT_CN = '<script>alert(1)</script>';
/** The organisation name, as the record's subject writes it (RFC 4514 escapes the quotes). */
const ONERROR = 'O=\\"onerror=alert(1) x=\\"';

const dir = enabled ? mkdtempSync(join(tmpdir(), 'rdprobe-report-')) : '';
const shots = process.env['RDPROBE_SCREENSHOTS'] === '1' ? join(ROOT, 'docs/img') : join(dir, 'img');
const file = (name: string): string => join(dir, name);

function lab(...args: string[]): void {
  const r = spawnSync('bash', [LAB, ...args], { encoding: 'utf8', timeout: 120_000 });
  if (r.status !== 0) throw new Error(`lab.sh ${args.join(' ')} failed: ${r.stdout}${r.stderr}`);
}

function clean(o: Opened): void {
  expect(o.requests, 'network requests').toEqual([]);
  expect(o.consoleErrors, 'console errors').toEqual([]);
  expect(o.pageErrors, 'page errors').toEqual([]);
  expect(o.dialogs, 'dialogs').toEqual([]);
}

async function renderHtml(records: Iterable<ProbeRecord>, path: string): Promise<void> {
  const out = createWriteStream(path);
  const sink = createSink('html', out);
  const counter = new SummaryCounter();
  await sink.begin({ version: 'test', started_at: '2026-12-01T10:00:00.000Z', argv: ['scan', '10.0.0.0/18'], targets_total: 10_000 });
  for (const r of records) {
    counter.add(r);
    await sink.record(r);
  }
  await sink.end(counter.result({ finished_at: '2026-12-01T10:02:00.000Z' }));
  await new Promise<void>((resolve) => out.end(() => resolve()));
}

describe.skipIf(!enabled)('HTML reports in Chromium', () => {
  let browser: Browser;
  let records: ProbeRecord[];

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    lab('start-copy', 'xrdp-html-hostile', HOSTILE);
    const r = await runCli(['scan', ...LIVE, HOSTILE, CLOSED, '-q', '-o', file('lab.ndjson'), '-o', file('lab.json'), '-o', file('lab.html')], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    // The json document holds the records the html report was written from (fleet findings on every member).
    records = (JSON.parse(readFileSync(file('lab.json'), 'utf8')) as { records: ProbeRecord[] }).records;
    expect(records).toHaveLength(LIVE.length + 2);
    browser = await launch();
  }, 180_000);

  afterAll(async () => {
    await browser?.close();
    if (enabled) {
      lab('stop-copy', 'xrdp-html-hostile', HOSTILE);
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lab report: the overview numbers are the records\' own', async () => {
    const o = await openReport(browser, file('lab.html'));
    const status = await barValues(o.page, 'ov-status');
    for (const s of ['ok', 'unreachable', 'not_rdp', 'error']) expect(status[s], s).toBe(records.filter((r) => r.status === s).length);
    const proto = await barValues(o.page, 'ov-protocols');
    expect(proto['required']).toBe(records.filter((r) => r.nla_required === true).length);
    expect(proto['not required']).toBe(records.filter((r) => r.nla_required === false).length);
    expect(proto['rdp']).toBe(records.filter((r) => r.protocols?.rdp.supported === true).length);
    const tls = await barValues(o.page, 'ov-tls');
    for (const v of ['1.0', '1.1', '1.2', '1.3']) expect(tls[`TLS ${v}`], v).toBe(records.filter((r) => r.tls?.versions[`tls${v}` as 'tls1.2'] === true).length);
    const certs = await barValues(o.page, 'ov-certs');
    expect(certs['expired']).toBe(records.filter((r) => r.certificate?.expired).length);
    const ids = await barValues(o.page, 'ov-ids');
    const expected: Record<string, number> = {};
    for (const r of records) for (const id of new Set(r.findings.map((f) => f.id))) expected[id] = (expected[id] ?? 0) + 1;
    expect(ids).toEqual(expected);
    const dups = (await o.page.textContent('#ov-duplicates')) ?? '';
    expect(dups).toContain('127.0.10.12:3389, 127.0.10.13:3389');
    expect(await o.page.textContent('#scan-body')).toContain(`rdprobe scan ${LIVE[0]}`);
    await o.page.locator('#overview').screenshot({ path: join(shots, 'report-overview.png') });
    clean(o);
    await o.page.close();
  });

  it('lab report: the host table sorts and filters by column, and a host opens with its findings explained', async () => {
    const o = await openReport(browser, file('lab.html'));
    const p = o.page;
    expect(await tableCount(p)).toBe(`rows 1-${records.length} of ${records.length}`);
    const firstCell = async (): Promise<string> => (await p.textContent('#host-table tbody tr:first-child td:first-child')) ?? '';
    await p.fill('input.colf[data-col="status"]', 'unreachable');
    expect(await tableCount(p)).toContain(`of 1 matching (${records.length} in all)`);
    expect(await firstCell()).toBe(`${CLOSED}:3389`);
    await p.click('button:has-text("clear filters")');
    await p.fill('input.colf[data-col="cert"]', '<0');
    expect(await firstCell()).toBe('127.0.10.8:3389');
    await p.click('button:has-text("clear filters")');
    // Certificate expiry ascending: the expired one first, hosts without a certificate last.
    await p.click('th[data-col="cert"]');
    expect(await firstCell()).toBe('127.0.10.8:3389');
    await p.click('th[data-col="cert"]');
    expect(await firstCell()).not.toBe('127.0.10.8:3389');
    // Findings, most severe first: the critical one (tls_failed_all_versions on the bad-key xrdp).
    await p.click('th[data-col="findings"]');
    expect(await firstCell()).toBe('127.0.10.11:3389');
    await p.fill('input.colf[data-col="findings"]', 'cert_duplicate');
    expect(await tableCount(p)).toContain('of 2 matching');
    await p.click('button:has-text("clear filters")');
    await p.evaluate("document.getElementById('hosts').scrollIntoView()");
    await p.screenshot({ path: join(shots, 'report-hosts.png') });

    await p.fill('input.colf[data-col="address"]', HOSTILE);
    await p.click('#host-table tbody tr:first-child');
    await p.waitForSelector('#detail:not([hidden])');
    const detail = (await p.textContent('#detail')) ?? '';
    expect(detail).toContain(SCRIPT_CN);
    expect(detail).toContain(ONERROR);
    expect(detail).toContain('nla_not_required');
    expect(detail).toContain('reg query "HKLM\\SYSTEM');
    // The names are text: no element the server's strings describe came to life.
    expect(await p.locator('script').count()).toBe(3);
    expect(await p.locator('img, svg[onload], [onerror], [onload]').count()).toBe(0);
    await p.locator('#detail').screenshot({ path: join(shots, 'report-host.png') });
    clean(o);
    await p.close();
  });

  it('a gated scan\'s report: the gate result, a Gate column, and the findings that fail it marked', async () => {
    // The same servers through the real CLI with a policy: the hosts without NLA fail it, FreeRDP's NLA one passes.
    writeFileSync(file('nla.yml'), 'require_nla: true\n');
    const gated = ['127.0.10.2', '127.0.20.1', '127.0.20.2'];
    const r = await runCli(['scan', ...gated, '--policy', file('nla.yml'), '-q', '-o', file('gated.html'), '-o', file('gated.json')], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(1);
    const recs = (JSON.parse(readFileSync(file('gated.json'), 'utf8')) as { records: ProbeRecord[] }).records;
    const failing = recs.filter((x) => x.findings.some((f) => f.id.startsWith('policy_'))).map((x) => `${x.host}:3389`);
    expect(failing).toEqual(['127.0.10.2:3389', '127.0.20.2:3389']);
    const o = await openReport(browser, file('gated.html'));
    const p = o.page;
    expect(await p.textContent('#gate-result')).toBe('2 of 3 hosts fail the gate (exit code 1)');
    await p.click('#gate-result');
    expect(await tableCount(p)).toContain('of 2 matching (3 in all)');
    const cells = await p.locator('#host-table tbody td:first-child').allTextContents();
    expect(cells).toEqual(failing);
    await p.click('#host-table tbody tr:first-child');
    await p.waitForSelector('#detail:not([hidden])');
    const marked = await p.locator('#detail .finding:has(.gate-fail)').evaluateAll((els) => els.map((e) => e.getAttribute('data-finding')));
    expect(marked).toEqual(['policy_require_nla']);
    clean(o);
    await p.close();
  });

  it('10,000-host synthetic report: under 15 MB, right numbers, filters, opens a host', async () => {
    const live = records.filter((r) => r.status === 'ok');
    const unreachable = records.find((r) => r.status === 'unreachable')!;
    await renderHtml(syntheticFleet(live, unreachable, 10_000, 0.1), file('10k.html'));
    const size = statSync(file('10k.html')).size;
    expect(size).toBeLessThan(15 * 1024 * 1024);
    const o = await openReport(browser, file('10k.html'));
    const status = await barValues(o.page, 'ov-status');
    expect(status['ok']).toBe(1000);
    expect(status['unreachable']).toBe(9000);
    expect(await tableCount(o.page)).toBe('rows 1-100 of 10000');
    await o.page.fill('input.colf[data-col="status"]', 'ok');
    expect(await tableCount(o.page)).toBe('rows 1-100 of 1000 matching (10000 in all)');
    await o.page.click('th[data-col="findings"]');
    await o.page.click('#host-table tbody tr:first-child');
    await o.page.waitForSelector('#detail:not([hidden]) .finding');
    clean(o);
    await o.page.close();
    console.log(`10,000-host report: ${(size / 1e6).toFixed(1)} MB, ready in Chromium after ${o.readyMs} ms`);
  });

  it('control and bidi characters in server names are shown as escapes, not obeyed (scripted record)', async () => {
    // A hand-made record (test/output/factory.ts): NTLM and certificate names with ESC sequences, U+202E, U+2066.
    await renderHtml([hostileRecord()], file('hostile.html'));
    const o = await openReport(browser, file('hostile.html'));
    await o.page.click('#host-table tbody tr:first-child');
    await o.page.waitForSelector('#detail:not([hidden])');
    const text = (await o.page.textContent('body')) ?? '';
    expect(text).toContain('\\u202e');
    expect(text).not.toMatch(/[\u202a-\u202e\u2066-\u2069\u001b\u009b]/);
    clean(o);
    await o.page.close();
  });

  it('diff report: regressions and improvements per host, as rdprobe diff -f json counts them', async () => {
    // AFTER: edited copies of the real records (a change window's effects): one host gone, TLS 1.0 turned on on
    // 127.0.10.2, the expired certificate of 127.0.10.8 renewed.
    const after = records
      .filter((r) => r.host !== '127.0.10.14')
      .map((r) => {
        const c = structuredClone(r);
        if (c.host === '127.0.10.2' && c.tls) c.tls.versions['tls1.0'] = true;
        if (c.host === '127.0.10.8' && c.certificate) {
          c.certificate = { ...c.certificate, expired: false, days_remaining: 400, not_after: '2028-01-05T00:00:00.000Z' };
          c.findings = c.findings.filter((f) => f.id !== 'cert_expired');
        }
        return c;
      });
    writeFileSync(file('after.ndjson'), after.map((r) => JSON.stringify(r)).join('\n') + '\n');
    const html = await runCli(['diff', file('lab.ndjson'), file('after.ndjson'), '-o', file('diff.html')]);
    expect(html.code, html.stderr).toBe(1);
    const json = await runCli(['diff', file('lab.ndjson'), file('after.ndjson'), '-f', 'json']);
    const diff = JSON.parse(json.stdout) as { summary: Record<string, number>; hosts: { key: string }[] };
    const o = await openReport(browser, file('diff.html'));
    const kinds = await barValues(o.page, 'diff-kinds');
    expect(kinds['regressions']).toBe(diff.summary['regressions']);
    expect(kinds['improvements']).toBe(diff.summary['improvements']);
    expect(kinds['neutral']).toBe(diff.summary['neutral']);
    expect(await tableCount(o.page)).toBe(`rows 1-${diff.hosts.length} of ${diff.hosts.length}`);
    await o.page.fill('input.colf[data-col="presence"]', 'disappeared');
    expect(await tableCount(o.page)).toContain('of 1 matching');
    await o.page.click('button:has-text("clear filters")');
    await o.page.fill('input.colf[data-col="host"]', '127.0.10.2:');
    await o.page.click('#diff-table tbody tr:first-child');
    await o.page.waitForSelector('#detail:not([hidden])');
    expect(await o.page.textContent('#change-table')).toContain('tls.versions["tls1.0"]');
    await o.page.click('button:has-text("clear filters")');
    await o.page.screenshot({ path: join(shots, 'report-diff.png') });
    clean(o);
    await o.page.close();
  });
});
