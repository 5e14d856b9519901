/**
 * The built CLI with --clients, --clients-must-connect and `rdprobe policy --from`: bad ids are one-line usage
 * errors; against the lab, the compatibility block, the csv columns, and the policy round trip (the generated
 * policy passes on its reference host and fails on a host that differs).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadYaml, parsePolicy } from '../../src/policy/index.js';
import { parseCsv, parseNdjson, runCli, tempDir } from '../cli/helpers.js';

const enabled = process.env.RDPROBE_LAB === '1';
const IDS = /mstsc-win11, mstsc-win10, .*freerdp-2, remmina/;


// parsePolicy reads YAML with the parser loadYaml loads (policies stay off a scan's start-up path).
beforeAll(loadYaml);

describe('--clients input errors', () => {
  it('an unknown profile id: exit 2, one line naming it and every id', async () => {
    const r = await runCli(['scan', '127.0.81.1', '--clients', 'mstsc-win10,mstsc-xp']);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/^rdprobe: --clients: unknown client "mstsc-xp"; the profiles are /);
    expect(r.stderr).toMatch(IDS);
  });

  it('--clients-must-connect takes ids, not all', async () => {
    const r = await runCli(['scan', '127.0.81.1', '--clients-must-connect', 'all']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^rdprobe: --clients-must-connect: unknown client "all"/);
  });

  it('policy --from: a scan file with several records needs --host; --host needs a file', async () => {
    const { dir, cleanup } = tempDir();
    try {
      const file = join(dir, 'two.ndjson');
      const line = (host: string) => JSON.stringify({ schema_version: 2, target: host, host, address: host, port: 3389, status: 'ok', findings: [] });
      writeFileSync(file, `${line('10.0.0.1')}\n${line('10.0.0.2')}\n`);
      const r = await runCli(['policy', '--from', file]);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(/the file has 2 records; name the reference host with --host/);
      const h = await runCli(['policy', '--from', '127.0.81.1', '--host', '10.0.0.1']);
      expect(h.code).toBe(2);
      expect(h.stderr).toMatch(/--host picks a record of a scan file/);
    } finally {
      cleanup();
    }
  });
});

describe.skipIf(!enabled)('--clients and policy --from against the lab', () => {
  const { dir, cleanup } = tempDir();
  afterAll(cleanup);

  it('scan --clients all: a compatibility block per host (who is locked out, at which step, why, the fix)', async () => {
    const r = await runCli(['scan', '127.0.10.7', '--clients', 'all', '-f', 'table', '--no-color', '--no-progress'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  clients    14 simulated: ');
    expect(r.stdout).toMatch(/ {4}MEDIUM {3}freerdp-2 {2}tls: offers TLS 1\.0 to 1\.3 but completes only TLS 1\.2 to 1\.3/);
    expect(r.stdout).toMatch(/server: enable TLS 1\.2 for the server role/);
    expect(r.stdout).toMatch(/unknown {2}windows-app-macos, rd-ios, rd-android: /);
    expect(r.stdout).toContain('client_locked_out');
  });

  it('csv carries who connects and who is locked out', async () => {
    const r = await runCli(['scan', '127.0.10.14', '--clients', 'mstsc-win7,freerdp-2', '-f', 'csv', '--no-progress'], { timeoutMs: 60_000 });
    expect(r.code).toBe(0);
    const [header, row] = parseCsv(r.stdout.slice(1)) as [string[], string[]];
    expect(row[header.indexOf('clients_connect')]).toBe('freerdp-2');
    expect(row[header.indexOf('clients_locked_out')]).toBe('mstsc-win7');
  });

  it('policy --from HOST round trip: passes on its reference host, fails on a host that differs', async () => {
    const policyFile = join(dir, 'reference.yml');
    const made = await runCli(['policy', '--from', '127.0.20.1', '-o', policyFile], { timeoutMs: 60_000 });
    expect(made.code, made.stderr).toBe(0);
    const policy = parsePolicy(readFileSync(policyFile, 'utf8'), policyFile);
    expect(policy.rules).toMatchObject({ require_nla: true, min_tls: '1.2', min_credssp_version: 6, clients_must_connect: ['freerdp-2', 'remmina'] });

    const same = await runCli(['scan', '127.0.20.1', '--policy', policyFile, '-f', 'ndjson', '--no-progress'], { timeoutMs: 60_000 });
    expect(same.code, same.stdout).toBe(0);
    const differs = await runCli(['scan', '127.0.10.14', '--policy', policyFile, '-f', 'ndjson', '--no-progress'], { timeoutMs: 60_000 });
    expect(differs.code).toBe(1);
    const ids = (parseNdjson(differs.stdout)[0]!['findings'] as { id: string }[]).map((f) => f.id);
    expect(ids).toContain('policy_require_nla');
    // The policy's clients were simulated although the scan did not name them.
    expect(Object.keys(parseNdjson(same.stdout)[0]!['clients'] as object)).toEqual(['freerdp-2', 'remmina']);
  });

  it('policy --from a scan file takes the record of --host: the same rules as probing it', async () => {
    const scan = join(dir, 'scan.ndjson');
    const s = await runCli(['scan', '127.0.20.1', '127.0.10.14', '--clients', 'all', '--tls-suites', '-o', scan, '--no-progress'], { timeoutMs: 60_000 });
    expect(s.code).toBe(0);
    const fromFile = await runCli(['policy', '--from', scan, '--host', '127.0.20.1']);
    expect(fromFile.code, fromFile.stderr).toBe(0);
    const direct = parsePolicy(readFileSync(join(dir, 'reference.yml'), 'utf8'), 'direct.yml');
    expect(parsePolicy(fromFile.stdout, 'from-file.yml').rules).toEqual(direct.rules);
  });

  it('a reference host that is not an RDP server: exit 2, one line', async () => {
    const r = await runCli(['policy', '--from', '127.0.40.1', '--timeout', '1']);
    expect(r.code).toBe(2);
    expect(r.stderr.trim()).toMatch(/^rdprobe: the reference host 127\.0\.40\.1:3389 is unreachable \(tcp: refused.*\): no policy can be taken from it$/);
  });
});
