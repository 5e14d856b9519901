/**
 * Exclusions apply to the address actually probed, however the target spells it (issue: `scan localhost --exclude
 * 127.0.0.0/8`, `scan 0x7f000201 --exclude 127.0.2.1` and `scan ::ffff:127.0.2.1 --exclude 127.0.2.1` all probed
 * the excluded address). One rule for numeric spellings: only dotted quads are addresses, and what inet_aton would
 * read as one (0x7f000201, 2130706945, 0177.0.0.1, 127.1) is refused, never taken as a host name.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson, runCli, startFakeRdp, type FakeRdpServer } from './helpers.js';
import { parseTargetSpec } from '../../src/targets/index.js';

let server: FakeRdpServer;
beforeAll(async () => {
  server = await startFakeRdp({ host: '127.0.2.1' });
});
afterAll(async () => server.close());

describe('exclusions and address spellings', () => {
  it('a name excluded by the address it resolves to is not probed (no record, no connection)', async () => {
    const before = server.connections;
    const r = await runCli(['scan', `localhost:${server.port}`, '--exclude', '127.0.0.0/8', '-f', 'ndjson', '--timeout', '1'], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/1 name\(s\) resolved to an excluded address/);
    // localhost may resolve to ::1 first on some systems: then 127.0.0.0/8 does not cover it, and that is right.
    if (r.stderr.includes('excluded address')) expect(server.connections).toBe(before);
  });

  it('::ffff:127.0.2.1 is 127.0.2.1: excluded by it, and labelled as the IPv4 address', async () => {
    const ex = await runCli(['scan', `[::ffff:127.0.2.1]:${server.port}`, '--exclude', '127.0.2.1', '-f', 'ndjson'], { timeoutMs: 20_000 });
    expect(ex.code).toBe(2);
    expect(ex.stderr).toMatch(/nothing to scan/);
    const r = await runCli(['scan', `[::ffff:127.0.2.1]:${server.port}`, '-f', 'ndjson', '--timeout', '1'], { timeoutMs: 20_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(parseNdjson(r.stdout)[0]).toMatchObject({ host: '127.0.2.1', address: '127.0.2.1', target: `127.0.2.1:${server.port}` });
  });

  it.each(['0x7f000201', '2130706945', '0177.0.0.1', '127.1', '0x7f.0.0.1'])('%s is refused with one line (exit 2), never probed as a name', async (spelling) => {
    const r = await runCli(['scan', spelling, '--exclude', '127.0.2.1'], { timeoutMs: 20_000 });
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(() => parseTargetSpec(spelling, [3389])).toThrow();
  });

  it('host names that merely contain digits or hex letters stay names', () => {
    for (const name of ['srv01', 'db-0x7f', '0x7f-host', 'a1b2.corp.example', '1e100.net']) expect(parseTargetSpec(name, [3389]).kind).toBe('name');
  });
});
