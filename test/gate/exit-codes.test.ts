/**
 * Exit codes of the real CLI (dist/src/cli/main.js), as CI sees them (src/cli/exit-codes.ts, docs/policy.md):
 * 2 for bad arguments, before anything is probed; 1 for --fail-on SEVERITY with a finding at or above it; 0
 * otherwise. The usage cases need no lab (only 127.0.40.1, closed, appears as a valid target next to the bad
 * one) and always run; the --fail-on cases need the lab (RDPROBE_LAB=1) and fail when it is down.
 */
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FIXTURES, LAB_ENABLED, rdprobe, readRecords, requireLab, show, tempDir } from './fixtures/gate-helpers.js';

const CLOSED = '127.0.40.1';

describe('exit code 2: bad arguments, reported on one line before any probe', () => {
  const cases: [string, string[], RegExp][] = [
    ['bad target (octet out of range)', ['scan', CLOSED, '999.1.1.1'], /invalid target "999\.1\.1\.1"/],
    ['bad target (CIDR prefix)', ['scan', CLOSED, '10.0.0.0/33'], /invalid target "10\.0\.0\.0\/33"/],
    ['bad target (port)', ['scan', `${CLOSED}:99999`], /99999/],
    ['bad --fail-on', ['scan', CLOSED, '--fail-on', 'severe'], /fail-on/],
    ['unknown option', ['scan', CLOSED, '--frobnicate'], /frobnicate/],
    ['bad --policy path', ['scan', CLOSED, '--policy', '/nonexistent/rdprobe-policy.yml'], /\/nonexistent\/rdprobe-policy\.yml/],
    ['invalid --policy file', ['scan', CLOSED, '--policy', join(FIXTURES, 'policy-invalid.yml')], /requre_nla: unknown key/],
    ['bad --min-tls', ['scan', CLOSED, '--min-tls', '1.5'], /min-tls/],
    ['no targets', ['scan'], /no targets/],
    ['unknown command', ['scna', CLOSED], /./],
    ['diff: missing file', ['diff', '/nonexistent/before.ndjson', '/nonexistent/after.ndjson'], /before\.ndjson/],
    ['diff: bad --fail-on', ['diff', 'a.ndjson', 'b.ndjson', '--fail-on', 'high'], /fail-on/],
    ['scan: unreadable --baseline', ['scan', CLOSED, '--baseline', '/nonexistent/base.ndjson'], /baseline/],
  ];
  for (const [what, args, message] of cases) {
    it(`${what}: rdprobe ${args.join(' ')}`, async () => {
      const r = await rdprobe(args, { timeoutMs: 20_000 });
      expect(r.code, show(r)).toBe(2);
      expect(r.stderr.startsWith('rdprobe: '), show(r)).toBe(true);
      expect(r.stderr.trimEnd().split('\n'), show(r)).toHaveLength(1);
      expect(r.stderr).toMatch(message);
      // Nothing was scanned: no record, no table on stdout.
      expect(r.stdout).toBe('');
    });
  }
});

describe.skipIf(!LAB_ENABLED)('exit codes 1 and 0 with --fail-on against the lab', () => {
  // 127.0.10.7 xrdp-tls10-only: tls12_missing (high). 127.0.10.2 xrdp-tls: nothing above medium (nla_not_required).
  const HIGH = '127.0.10.7';
  const MEDIUM = '127.0.10.2';
  const dir = LAB_ENABLED ? tempDir('exit-codes') : '';

  beforeAll(async () => {
    await requireLab([HIGH, MEDIUM]);
  });

  async function scan(host: string, extra: string[]): Promise<{ code: number | null; severities: string[]; out: string }> {
    const out = join(dir, `${host}-${extra.join('_') || 'none'}.json`);
    const r = await rdprobe(['scan', host, '--format', 'json', '-o', out, '-q', ...extra]);
    const recs = readRecords(out);
    expect(recs, show(r)).toHaveLength(1);
    return { code: r.code, severities: (recs[0]!['findings'] as { severity: string }[]).map((f) => f.severity), out: show(r) };
  }

  it(`--fail-on high with a high finding (${HIGH}) exits 1`, async () => {
    const r = await scan(HIGH, ['--fail-on', 'high']);
    expect(r.severities).toContain('high');
    expect(r.code, r.out).toBe(1);
  });

  it(`--fail-on high without one (${MEDIUM}) exits 0; --fail-on medium then exits 1`, async () => {
    const r = await scan(MEDIUM, ['--fail-on', 'high']);
    expect(r.severities.filter((s) => s === 'high' || s === 'critical')).toEqual([]);
    expect(r.severities).toContain('medium');
    expect(r.code, r.out).toBe(0);
    const m = await scan(MEDIUM, ['--fail-on', 'medium']);
    expect(m.code, m.out).toBe(1);
  });

  it(`a high finding does not fail the scan without --fail-on, with --fail-on none or --fail-on critical (${HIGH})`, async () => {
    for (const extra of [[], ['--fail-on', 'none'], ['--fail-on', 'critical']]) {
      const r = await scan(HIGH, extra);
      expect(r.severities).not.toContain('critical');
      expect(r.code, `${extra.join(' ')}\n${r.out}`).toBe(0);
    }
  });
});
