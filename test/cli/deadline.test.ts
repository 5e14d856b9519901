/**
 * rdprobe's own deadline is not the server's fault (issue: with --host-timeout 20ms FreeRDP was reported as
 * "The server broke off the RDP handshake", and an xrdp cut at TLS passed --fail-on). A check cut by the host deadline
 * is not measured: the record says so (not_measured), the finding is probe_incomplete (never protocol_error), and it
 * fails every gate; a check switched off on purpose does not.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson, runCli, startFakeRdp, type FakeRdpServer } from './helpers.js';

let slow: FakeRdpServer;
let fast: FakeRdpServer;
beforeAll(async () => {
  slow = await startFakeRdp({ delayMs: 2_000 }); // answers the X.224 request after 2 s
  fast = await startFakeRdp();
});
afterAll(async () => {
  await slow.close();
  await fast.close();
});

const ids = (r: Record<string, unknown>) => (r['findings'] as { id: string }[]).map((f) => f.id);

describe('a check cut by rdprobe\'s own deadline', () => {
  it('is not measured, is probe_incomplete (not protocol_error), and fails --fail-on at any level', async () => {
    const r = await runCli(['scan', slow.target, '--timeout', '5', '--host-timeout', '300ms', '--fail-on', 'critical', '-f', 'ndjson'], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(1);
    const [rec] = parseNdjson(r.stdout);
    expect(rec!['failure']).toMatchObject({ stage: 'x224', reason: 'deadline' });
    // The client's connection was cut, so every check that needed its answer was not measured either.
    const cut = rec!['not_measured'] as Record<string, string>;
    expect(cut['client']).toBe('deadline');
    expect(Object.keys(cut)).toEqual(expect.arrayContaining(['protocol.rdp', 'protocol.ssl', 'tls_versions', 'rdp_security']));
    expect(new Set(Object.values(cut))).toEqual(new Set(['deadline']));
    expect(ids(rec!)).toContain('probe_incomplete');
    expect(ids(rec!)).not.toContain('protocol_error');
  });

  it('fails a --policy gate too, even one whose rules the host would pass', async () => {
    const r = await runCli(['scan', slow.target, '--timeout', '5', '--host-timeout', '300ms', '--allow-unreachable', '-f', 'ndjson'], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(1);
    expect(ids(parseNdjson(r.stdout)[0]!)).toContain('probe_incomplete');
  });

  it('the same host with time enough passes --fail-on critical; a check switched off on purpose is not "not measured"', async () => {
    const r = await runCli(['scan', fast.target, '--no-tls-versions', '--no-credssp', '--fail-on', 'critical', '-f', 'ndjson'], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(0);
    const rec = parseNdjson(r.stdout)[0]!;
    expect(rec['not_measured']).toEqual({});
    expect(ids(rec)).not.toContain('probe_incomplete');
    expect(rec['scan']).toMatchObject({ options: { 'tls-versions': false, credssp: false } });
  });
});
