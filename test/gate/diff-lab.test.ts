/**
 * Issue 7 "Done when", diff half, against a real xrdp: scan 127.0.70.1, reconfigure it with lab/reconfig.sh
 * (stop, new config, start), scan again, and check what `rdprobe diff` and `rdprobe scan --baseline` report.
 *
 *   RDPROBE_LAB=1 npx vitest run test/gate/diff-lab.test.ts     (after `bash lab/lab.sh start` and `npm run build`)
 *
 * Runs only with RDPROBE_LAB=1; then the lab must be up, or the suite fails.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LAB_ENABLED, LAB_RUN, readRecords, reconfig, rdprobe, requireLab, sha1Of, show, tempDir } from './fixtures/gate-helpers.js';

const HOST = '127.0.70.1';
const KEY = `${HOST}:3389`;

interface Change {
  host: string;
  field: string;
  before: unknown;
  after: unknown;
  kind: 'regression' | 'improvement' | 'neutral';
  message: string;
}
interface ScanDiff {
  summary: Record<string, number>;
  hosts: { key: string; presence: string; regressions: number; improvements: number; neutral: number; changes: Change[] }[];
  unchanged: string[];
  warnings: string[];
}

const dir = LAB_ENABLED ? tempDir('diff-lab') : '';
const file = (name: string): string => join(dir, name);

/** Reconfigure 127.0.70.1 to `config`, then scan it into `out` (ndjson). */
async function scanAs(config: string, out: string): Promise<Record<string, any>> {
  await reconfig('start', config);
  const r = await rdprobe(['scan', HOST, '-q', '-o', out]);
  expect(r.code, show(r)).toBe(0);
  const recs = readRecords(out);
  expect(recs).toHaveLength(1);
  const rec = recs[0]!;
  expect(rec['status'], `scan of ${HOST} as ${config}: ${JSON.stringify(rec['failure'])}`).toBe('ok');
  return rec;
}

async function diffJson(before: string, after: string, extra: string[] = []): Promise<{ code: number | null; diff: ScanDiff; stderr: string }> {
  const r = await rdprobe(['diff', before, after, '--format', 'json', ...extra]);
  expect(r.stderr, show(r)).toBe('');
  return { code: r.code, diff: JSON.parse(r.stdout) as ScanDiff, stderr: r.stderr };
}

function changesOf(diff: ScanDiff): Change[] {
  expect(diff.hosts.map((h) => h.key)).toEqual([KEY]);
  return diff.hosts[0]!.changes;
}

function change(changes: Change[], field: string): Change {
  const c = changes.find((x) => x.field === field);
  expect(c, `no change "${field}" in:\n${changes.map((x) => `${x.kind} ${x.field}`).join('\n')}`).toBeDefined();
  return c!;
}

/** The table line of one change: `  <mark> <field padded>  <before> -> <after>  <message>`. */
function tableLine(table: string, mark: '-' | '+' | '~', field: string): string {
  const line = table.split('\n').find((l) => l.startsWith(`  ${mark} ${field} `));
  expect(line, `no "${mark} ${field}" line in the table:\n${table}`).toBeDefined();
  return line!;
}

describe.skipIf(!LAB_ENABLED)('diff against a reconfigured xrdp (lab, 127.0.70.1)', () => {
  beforeAll(async () => {
    // lab/reconfig.sh only needs the lab's packages, but "the lab is up" is the precondition of every lab test.
    await requireLab(['127.0.10.1', '127.0.10.2']);
  });

  afterAll(async () => {
    await reconfig('stop');
  });

  describe('tls10 -> tls12 with another certificate (certB): a TLS hardening with a certificate swap', () => {
    let before: Record<string, any>;
    let after: Record<string, any>;
    const B = file('tls10.ndjson');
    const A = file('certB.ndjson');

    beforeAll(async () => {
      before = await scanAs('tls10', B);
      after = await scanAs('certB', A);
    });

    it('the two scans saw what reconfig.sh configured (TLS versions and certificates from lab/run/reconfig/)', () => {
      // SSL 2.0/3.0 are measured by the deep mode only: null in a default scan.
      expect(before['tls'].versions).toEqual({ 'ssl2.0': null, 'ssl3.0': null, 'tls1.0': true, 'tls1.1': false, 'tls1.2': false, 'tls1.3': false });
      expect(after['tls'].versions).toEqual({ 'ssl2.0': null, 'ssl3.0': null, 'tls1.0': false, 'tls1.1': false, 'tls1.2': true, 'tls1.3': true });
      expect(before['certificate'].sha1_fingerprint).toBe(sha1Of(join(LAB_RUN, 'reconfig/cert-a.crt')));
      expect(after['certificate'].sha1_fingerprint).toBe(sha1Of(join(LAB_RUN, 'reconfig/cert-b.crt')));
      expect(after['certificate'].sha1_fingerprint).not.toBe(before['certificate'].sha1_fingerprint);
    });

    it('diff --format json: TLS 1.0 refused and TLS 1.2/1.3 accepted are improvements, the new thumbprint is neutral; exit 0 with --fail-on regression', async () => {
      const { code, diff } = await diffJson(B, A, ['--fail-on', 'regression']);
      expect(code).toBe(0);
      expect(diff.summary.regressions).toBe(0);
      expect(diff.summary.compared).toBe(1);
      expect(diff.warnings).toEqual([]);
      const changes = changesOf(diff);
      expect(changes.filter((c) => c.kind === 'regression')).toEqual([]);

      expect(change(changes, 'tls.versions["tls1.0"]')).toMatchObject({ before: true, after: false, kind: 'improvement', message: 'TLS 1.0 newly refused' });
      expect(change(changes, 'tls.versions["tls1.2"]')).toMatchObject({ before: false, after: true, kind: 'improvement', message: 'TLS 1.2 newly accepted' });
      expect(change(changes, 'tls.versions["tls1.3"]')).toMatchObject({ before: false, after: true, kind: 'improvement', message: 'TLS 1.3 newly accepted' });
      expect(changes.find((c) => c.field === 'tls.versions["tls1.1"]')).toBeUndefined(); // refused both times
      expect(change(changes, 'certificate.sha1_fingerprint')).toMatchObject({
        before: before['certificate'].sha1_fingerprint,
        after: after['certificate'].sha1_fingerprint,
        kind: 'neutral',
      });
      expect(change(changes, 'certificate.sha1_fingerprint').message).toMatch(/expected_thumbprints/);
      // Findings that belonged to TLS 1.0-only are resolved, as improvements.
      expect(change(changes, 'findings[tls12_missing]')).toMatchObject({ before: 'high', after: null, kind: 'improvement' });
      expect(change(changes, 'findings[tls_legacy_enabled]')).toMatchObject({ before: 'medium', after: null, kind: 'improvement' });
      // Certificate B differs from A only by its key: no other certificate field may show up as a change.
      expect(changes.filter((c) => c.field.startsWith('certificate.')).map((c) => c.field)).toEqual(['certificate.sha1_fingerprint']);
      // Order: improvements before neutral changes.
      const kinds = changes.map((c) => c.kind);
      expect(kinds).toEqual([...kinds].sort((x, y) => ['regression', 'improvement', 'neutral'].indexOf(x) - ['regression', 'improvement', 'neutral'].indexOf(y)));
    });

    it('diff (table): the same changes, marked + and ~, with values; exit 0', async () => {
      const r = await rdprobe(['diff', B, A, '--fail-on', 'regression']);
      expect(r.code, show(r)).toBe(0);
      const t = r.stdout;
      expect(t).toMatch(/^rdprobe diff: 1 host before, 1 host after; 1 compared, 1 changed/);
      expect(t).toMatch(/\n0 regressions, \d+ improvements, \d+ neutral\n/);
      expect(t).toContain(`\n${KEY}  `);
      expect(tableLine(t, '+', 'tls.versions["tls1.0"]')).toMatch(/true -> false {2}TLS 1\.0 newly refused$/);
      expect(tableLine(t, '+', 'tls.versions["tls1.2"]')).toMatch(/false -> true {2}TLS 1\.2 newly accepted$/);
      expect(tableLine(t, '+', 'tls.versions["tls1.3"]')).toMatch(/false -> true {2}TLS 1\.3 newly accepted$/);
      expect(tableLine(t, '~', 'certificate.sha1_fingerprint')).toContain(`${before['certificate'].sha1_fingerprint} -> ${after['certificate'].sha1_fingerprint}`);
      expect(t).not.toMatch(/^ {2}- /m);
    });

    it('the reverse diff (certB -> tls10) is a set of regressions and exits 1; --fail-on none reports and exits 0', async () => {
      const { code, diff } = await diffJson(A, B);
      expect(code).toBe(1);
      const changes = changesOf(diff);
      expect(change(changes, 'tls.versions["tls1.0"]')).toMatchObject({ before: false, after: true, kind: 'regression', message: 'TLS 1.0 newly accepted' });
      expect(change(changes, 'tls.versions["tls1.2"]')).toMatchObject({ before: true, after: false, kind: 'regression', message: 'TLS 1.2 newly refused' });
      expect(change(changes, 'tls.versions["tls1.3"]')).toMatchObject({ before: true, after: false, kind: 'regression', message: 'TLS 1.3 newly refused' });
      expect(change(changes, 'findings[tls12_missing]')).toMatchObject({ before: null, after: 'high', kind: 'regression' });
      expect(change(changes, 'certificate.sha1_fingerprint')).toMatchObject({ kind: 'neutral' });
      expect(changes.filter((c) => c.kind === 'improvement')).toEqual([]);
      expect(diff.summary.regressions).toBeGreaterThanOrEqual(4);
      expect(diff.hosts[0]!.regressions).toBe(diff.summary.regressions);

      const table = await rdprobe(['diff', A, B]);
      expect(table.code, show(table)).toBe(1);
      expect(tableLine(table.stdout, '-', 'tls.versions["tls1.0"]')).toMatch(/false -> true {2}TLS 1\.0 newly accepted$/);

      const none = await rdprobe(['diff', A, B, '--fail-on', 'none']);
      expect(none.code, show(none)).toBe(0);
      expect(none.stdout).toContain('TLS 1.0 newly accepted');
    });

    it('scan --baseline does the scan and the diff in one step (server now certB)', async () => {
      // Against the TLS 1.0 scan: only improvements -> 0; the diff goes to stderr, the scan to -o.
      const ok = await rdprobe(['scan', HOST, '-q', '-o', file('baseline-1.ndjson'), '--baseline', B]);
      expect(ok.code, show(ok)).toBe(0);
      expect(ok.stderr).toContain(`Changes against the baseline ${B}`);
      expect(ok.stderr).toMatch(/\+ tls\.versions\["tls1\.0"\] +true -> false {2}TLS 1\.0 newly refused/);
      expect(ok.stderr).toMatch(/\n0 regressions/);
      expect(readRecords(file('baseline-1.ndjson'))).toHaveLength(1);

      // Against the certB scan itself: nothing changed -> 0.
      const same = await rdprobe(['scan', HOST, '-q', '-o', file('baseline-2.ndjson'), '--baseline', A]);
      expect(same.code, show(same)).toBe(0);
      expect(same.stderr).toMatch(/\n0 regressions, 0 improvements/);

      // Back to TLS 1.0 with certificate A, against the certB scan: regressions -> 1.
      await reconfig('start', 'tls10');
      const bad = await rdprobe(['scan', HOST, '-q', '-o', file('baseline-3.ndjson'), '--baseline', A]);
      expect(bad.code, show(bad)).toBe(1);
      expect(bad.stderr).toMatch(/- tls\.versions\["tls1\.0"\] +false -> true {2}TLS 1\.0 newly accepted/);
      // The scan output itself is complete despite the failed gate.
      expect(readRecords(file('baseline-3.ndjson'))[0]!['tls'].versions['tls1.0']).toBe(true);
    });
  });

  describe('tls12 -> negotiate (crypt_level=low): Standard RDP Security with weak encryption allowed', () => {
    let before: Record<string, any>;
    let after: Record<string, any>;
    const B = file('tls12.ndjson');
    const A = file('negotiate.ndjson');

    beforeAll(async () => {
      before = await scanAs('tls12', B);
      after = await scanAs('negotiate', A);
    });

    it('the scans saw it: PROTOCOL_RDP refused, then accepted with 40-bit LOW encryption; same certificate', () => {
      expect(before['protocols'].rdp.supported).toBe(false);
      expect(before['rdp_security']).toBeNull();
      expect(after['protocols'].rdp.supported).toBe(true);
      expect(after['rdp_security'].encryption_level).toBe('low');
      expect(after['rdp_security'].encryption_methods).toEqual(['40bit']);
      expect(after['certificate'].sha1_fingerprint).toBe(before['certificate'].sha1_fingerprint);
    });

    it('diff: PROTOCOL_RDP newly accepted and the new findings are regressions; exit 1', async () => {
      const { code, diff } = await diffJson(B, A);
      expect(code).toBe(1);
      const changes = changesOf(diff);
      expect(change(changes, 'protocols.rdp.supported')).toMatchObject({
        before: false,
        after: true,
        kind: 'regression',
        message: 'Standard RDP Security (PROTOCOL_RDP) newly accepted',
      });
      expect(change(changes, 'findings[standard_rdp_security_allowed]')).toMatchObject({ before: null, after: 'high', kind: 'regression' });
      expect(change(changes, 'findings[weak_rdp_encryption]')).toMatchObject({ before: null, after: 'high', kind: 'regression' });
      expect(changes.filter((c) => c.kind === 'improvement')).toEqual([]);
      // Nothing TLS or certificate related changed.
      expect(changes.filter((c) => c.field.startsWith('tls') || c.field.startsWith('certificate'))).toEqual([]);

      const table = await rdprobe(['diff', B, A]);
      expect(table.code, show(table)).toBe(1);
      expect(tableLine(table.stdout, '-', 'protocols.rdp.supported')).toMatch(/false -> true {2}Standard RDP Security \(PROTOCOL_RDP\) newly accepted$/);
      expect(tableLine(table.stdout, '-', 'findings[weak_rdp_encryption]')).toMatch(/null -> high {2}new finding \(high\)/);
    });

    it('diff: the weak 40-bit method is itself a regression, not "not measured in BEFORE" (BEFORE measured PROTOCOL_RDP as refused)', async () => {
      // docs/policy.md: rdp_security.encryption_methods[40bit] newly accepted = regression. In BEFORE the server
      // refused PROTOCOL_RDP (protocols.rdp.supported = false, measured), so rdp_security = null there means "none
      // offered", not "the probe could not tell".
      const { diff } = await diffJson(B, A, ['--fail-on', 'none']);
      const changes = changesOf(diff);
      const rdpSec = changes.filter((c) => c.field.startsWith('rdp_security'));
      expect(rdpSec.filter((c) => c.message.includes('not measured')), JSON.stringify(rdpSec, null, 1)).toEqual([]);
      expect(rdpSec.some((c) => c.kind === 'regression' && /40bit/.test(c.field + c.message)), JSON.stringify(rdpSec, null, 1)).toBe(true);
    });

    it('the reverse (negotiate -> tls12) is an improvement only; exit 0', async () => {
      const { code, diff } = await diffJson(A, B);
      expect(code).toBe(0);
      const changes = changesOf(diff);
      expect(change(changes, 'protocols.rdp.supported')).toMatchObject({ before: true, after: false, kind: 'improvement' });
      expect(change(changes, 'findings[weak_rdp_encryption]')).toMatchObject({ before: 'high', after: null, kind: 'improvement' });
      expect(diff.summary.regressions).toBe(0);
    });

    it('scan --baseline tls12-scan against the negotiate server: exit 1, regressions on stderr', async () => {
      const r = await rdprobe(['scan', HOST, '-q', '-o', file('baseline-4.ndjson'), '--baseline', B]);
      expect(r.code, show(r)).toBe(1);
      expect(r.stderr).toMatch(/- protocols\.rdp\.supported +false -> true {2}Standard RDP Security \(PROTOCOL_RDP\) newly accepted/);
      const ok = await rdprobe(['scan', HOST, '-q', '-o', file('baseline-5.ndjson'), '--baseline', A]);
      expect(ok.code, show(ok)).toBe(0);
    });
  });
});
