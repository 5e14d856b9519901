/**
 * Each policy rule flag (`--min-tls 1.2`) is the same rule as its policy-file key (`min_tls: "1.2"`), value by value:
 * the same policy digest in the record's `scan.policy` when the value is good, exit 2 naming the flag (and the key,
 * in the file's case) when it is bad. The table below must list every `policy:` flag `scan --help` shows, so a new
 * rule flag cannot skip this test. Closed ports on 127.0.81.x only; the rule values never reach a server.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAST, parseNdjson, runCli, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

interface Case {
  flag: string;
  key: string;
  /** [flag arguments, the same value in a policy file] */
  good: [string[], unknown][];
  bad: [string[], unknown][];
}

const CASES: Case[] = [
  { flag: 'require-nla', key: 'require_nla', good: [[[], true], [['=false'], false]], bad: [] },
  { flag: 'forbid-standard-rdp-security', key: 'forbid_standard_rdp_security', good: [[[], true]], bad: [] },
  {
    flag: 'min-tls',
    key: 'min_tls',
    good: [[['1.0'], '1.0'], [['1.1'], '1.1'], [['1.2'], '1.2'], [['1.3'], '1.3']],
    bad: [[['1.4'], '1.4'], [['tls9'], 'tls9'], [['2'], 2]],
  },
  {
    flag: 'forbid-tls',
    key: 'forbid_tls',
    good: [[['1.0'], ['1.0']], [['1.0,1.1'], ['1.0', '1.1']], [['1.0', '--forbid-tls', '1.1'], ['1.0', '1.1']], [['ssl3,SSLv2'], ['ssl3', 'ssl2']]],
    bad: [[['1.5'], ['1.5']], [['ssl4'], ['ssl4']]],
  },
  { flag: 'min-cert-days', key: 'min_cert_days', good: [[['0'], 0], [['30'], 30]], bad: [[['-1'], -1], [['soon'], 'soon']] },
  { flag: 'min-key-bits', key: 'min_key_bits', good: [[['2048'], 2048]], bad: [[['-3'], -3], [['big'], 'big']] },
  { flag: 'forbid-self-signed', key: 'forbid_self_signed', good: [[[], true]], bad: [] },
  {
    flag: 'expected-thumbprint',
    key: 'expected_thumbprints',
    good: [[[`127.0.81.1=${'AB'.repeat(20)}`], { '127.0.81.1': 'AB'.repeat(20) }]],
    bad: [[[`127.0.81.1=xyz`], { '127.0.81.1': 'xyz' }]],
  },
  { flag: 'min-credssp-version', key: 'min_credssp_version', good: [[['6'], 6]], bad: [[['-1'], -1], [['six'], 'six']] },
  { flag: 'max-clock-skew', key: 'max_clock_skew', good: [[['300'], 300]], bad: [[['-5'], -5], [['later'], 'later']] },
  { flag: 'allow-unreachable', key: 'allow_unreachable', good: [[[], true]], bad: [] },
  { flag: 'forbid-udp', key: 'forbid_udp', good: [[[], true]], bad: [] },
  { flag: 'forbid-suites', key: 'forbid_suites', good: [[['TLS_RSA_*,*_CBC_*'], ['TLS_RSA_*', '*_CBC_*']], [['tls_rsa_with_rc4_128_sha'], ['TLS_RSA_WITH_RC4_128_SHA']]], bad: [[['RC4-SHA'], ['RC4-SHA']], [['TLS_[RSA]'], ['TLS_[RSA]']]] },
  { flag: 'allow-suites', key: 'allow_suites', good: [[['TLS_ECDHE_*_GCM_*'], ['TLS_ECDHE_*_GCM_*']]], bad: [[['a b'], ['a b']]] },
  { flag: 'min-dh-bits', key: 'min_dh_bits', good: [[['2048'], 2048]], bad: [[['0'], 0], [['big'], 'big']] },
  { flag: 'require-pfs', key: 'require_pfs', good: [[[], true]], bad: [] },
  { flag: 'require-trusted-cert', key: 'require_trusted_cert', good: [[[], true]], bad: [] },
  { flag: 'require-auth', key: 'require_auth', good: [[[], true]], bad: [] },
  { flag: 'require-logon', key: 'require_logon', good: [[[], true]], bad: [] },
  { flag: 'forbid-weak-signature', key: 'forbid_weak_signature', good: [[[], true]], bad: [] },
  { flag: 'min-encryption-level', key: 'min_encryption_level', good: [[['high'], 'high'], [['client_compatible'], 'client_compatible']], bad: [[['max'], 'max']] },
  { flag: 'clients-must-connect', key: 'clients_must_connect', good: [[['mstsc-win10,freerdp-2'], ['mstsc-win10', 'freerdp-2']]], bad: [[['mstsc-win99'], ['mstsc-win99']]] },
];

/** `--flag` followed by its arguments (`=false` glues to the flag). */
function flagArgs(c: Case, args: string[]): string[] {
  if (args[0]?.startsWith('=')) return [`--${c.flag}${args[0]}`, ...args.slice(1)];
  return [`--${c.flag}`, ...args];
}

let n = 0;
function policyFile(rules: Record<string, unknown>): string {
  const f = join(tmp.dir, `policy-${n++}.json`);
  writeFileSync(f, JSON.stringify(rules));
  return f;
}

async function scanPolicy(args: string[]): Promise<{ code: number | null; digest: unknown; stderr: string }> {
  const r = await runCli(['scan', '127.0.81.230', '-f', 'ndjson', ...FAST, '--allow-unreachable', '--no-udp', ...args], { timeoutMs: 30_000 });
  const rec = r.code === 0 || r.code === 1 ? parseNdjson(r.stdout)[0] : undefined;
  return { code: r.code, digest: (rec?.['scan'] as { policy?: unknown } | null)?.policy ?? null, stderr: r.stderr };
}

describe('rule flags and policy keys are one rule', () => {
  it('every policy: flag of scan --help is in the table', async () => {
    const help = await runCli(['scan', '--help']);
    const flags = [...help.stdout.matchAll(/^\s+--([a-z-]+)\s+policy:/gm)].map((m) => m[1]);
    expect(flags.length).toBeGreaterThan(5);
    expect(flags.sort()).toEqual(CASES.map((c) => c.flag).sort());
  });

  describe.concurrent.each(CASES)('--$flag / $key', (c) => {
    it.each(c.good)('good value %j: the same policy digest as the file', async (args, value) => {
      // allow_unreachable is given in both runs so the closed port does not fail every rule the same way.
      const byFlag = await scanPolicy(flagArgs(c, args));
      const byFile = await scanPolicy(['--policy', policyFile({ allow_unreachable: true, [c.key]: value })]);
      expect(byFlag.code, byFlag.stderr).toBe(byFile.code);
      expect(byFlag.digest).not.toBeNull();
      expect(byFlag.digest).toBe(byFile.digest);
    });

    it.each(c.bad)('bad value %j: exit 2 naming the flag, and the key in the file', async (args, value) => {
      const byFlag = await scanPolicy(flagArgs(c, args));
      expect(byFlag.code).toBe(2);
      expect(byFlag.stderr).toMatch(new RegExp(`^rdprobe: --${c.flag}\\b`));
      const byFile = await scanPolicy(['--policy', policyFile({ [c.key]: value })]);
      expect(byFile.code).toBe(2);
      expect(byFile.stderr).toContain(c.key);
    });
  });
});
