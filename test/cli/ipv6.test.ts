import { describe, it, expect, afterAll, beforeAll } from 'vitest';
import { FAST, parseNdjson, runCli, startFakeRdp, type FakeRdpServer } from './helpers.js';

// IPv6 targets end to end: bracketed address with a port, the record's host/address/target, and a CIDR of
// IPv6 loopback space (only ::1 is used: nothing else is routed here).
describe('IPv6 targets', () => {
  let srv: FakeRdpServer;
  beforeAll(async () => {
    srv = await startFakeRdp({ host: '::1' });
  });
  afterAll(async () => {
    await srv?.close();
  });

  it('[::1]:PORT is probed over IPv6 and recorded with the canonical label', async () => {
    const r = await runCli(['scan', `[::1]:${srv.port}`, '-f', 'ndjson', ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    const [rec] = parseNdjson(r.stdout);
    expect(rec).toMatchObject({ target: `[::1]:${srv.port}`, host: '::1', address: '::1', port: srv.port, status: 'ok' });
    expect((rec!.protocols as Record<string, { failure_code: string }>)['rdp']!.failure_code).toBe('HYBRID_REQUIRED_BY_SERVER');
    expect(srv.connections).toBeGreaterThanOrEqual(6);
  });

  it('an IPv6 /128 block and -p give the same host once', async () => {
    const r = await runCli(['scan', '::1/128', `[::1]:${srv.port}`, '-p', String(srv.port), '-f', 'ndjson', ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    expect(parseNdjson(r.stdout).map((x) => `${x.host}:${x.port}`)).toEqual([`::1:${srv.port}`]);
  });
});
