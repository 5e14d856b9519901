import { afterEach, describe, expect, it, vi } from 'vitest';
import { createSink, SummaryCounter } from '../../src/output/index.js';
import { renderHost, TABLE_WIDTH } from '../../src/output/table.js';
import { MemoryStream, META, finding, hostileRecord, okRecord, runSink, unreachableRecord } from './factory.js';

// Every C0/C1 control except the LF that ends lines, and the bidi controls.
const UNSAFE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
const SGR = /\x1b\[[0-9;]*m/g;

afterEach(() => vi.unstubAllEnvs());

describe('table', () => {
  it('lets no raw ESC, C1 or bidi control from a hostile server reach the screen', async () => {
    const stream = await runSink('table', [hostileRecord()], { color: false });
    expect(stream.text).not.toMatch(UNSAFE);
    expect(stream.text).toContain('\\x1b[2J');
    expect(stream.text).toContain('\\u202e');
  });

  it('with colour on, the only escape sequences are our own SGR colours', async () => {
    const stream = await runSink('table', [hostileRecord()], { color: true });
    expect(stream.text).toMatch(SGR);
    expect(stream.text.replace(SGR, '')).not.toMatch(UNSAFE);
  });

  it('keeps every line within the width', async () => {
    const long = okRecord({ certificate: { ...okRecord().certificate!, subject_cn: 'x'.repeat(300) } });
    const stream = await runSink('table', [long, hostileRecord(), unreachableRecord()], { color: true });
    for (const line of stream.text.replace(SGR, '').split('\n')) {
      expect([...line].length).toBeLessThanOrEqual(TABLE_WIDTH);
    }
  });

  it('shows the facts of a host and its findings most severe first', () => {
    const text = renderHost(
      okRecord({ findings: [finding('a-info', 'info'), finding('b-crit', 'critical'), finding('c-med', 'medium')] }),
    );
    expect(text.split('\n')[0]).toBe('host1.example.com:3389  (192.0.2.10)  OK');
    expect(text).toMatch(/protocols\s+accepted ssl hybrid hybrid_ex \| refused rdp rdstls \| unknown rdsaad/);
    expect(text).toMatch(/NLA\s+required/);
    expect(text).toMatch(/TLS\s+accepted 1\.2 \| refused 1\.0 1\.1 \| unknown 1\.3/);
    expect(text).toContain('CN=host1.example.com, expires 2026-07-01 (in 220 days), RSA 2048, self-signed');
    expect(text).toContain('SHA1 A1B2C3D4E5F60718293A4B5C6D7E8F9012345678');
    expect(text).toContain('HOST1 / host1.example.com, domain example.com, OS 10.0.20348, clock skew -3 s');
    const order = ['CRITICAL', 'MEDIUM', 'INFO'].map((s) => text.indexOf(s));
    expect(order).toEqual([...order].sort((a, b) => a - b));
    expect(text).toMatch(/CRITICAL\s+b-crit\s+b-crit title/);
  });

  it('shows the failure stage, and Standard RDP Security', () => {
    const down = renderHost(unreachableRecord());
    expect(down.split('\n')[0]).toBe('192.0.2.99:3389  UNREACHABLE');
    expect(renderHost(hostileRecord()).split('\n')[0]).toBe('evil\\x1b[31m.example  evil.example:3389  (192.0.2.10)  OK');
    expect(down).toMatch(/failure\s+tcp: timeout \(no answer after 5000 ms\)/);
    expect(down).toMatch(/findings\s+none/);
    expect(renderHost(hostileRecord())).toMatch(/RDP sec\s+level client_compatible, methods 128bit fips, RDP 10\.7/);
  });

  it('ends with a summary whose counts match', async () => {
    const stream = await runSink('table', [okRecord(), hostileRecord(), unreachableRecord()], { color: false }, {
      interrupted: true,
    });
    const summary = stream.text.slice(stream.text.indexOf('Summary:'));
    expect(summary).toContain('Summary: 3 hosts, finished 2026-11-22T10:05:00.000Z (INTERRUPTED)');
    expect(summary).toMatch(/status\s+ok 2, unreachable 1, not_rdp 0, error 0/);
    expect(summary).toMatch(/protocols\s+rdp 0, ssl 2, hybrid 2, rdstls 0, hybrid_ex 2, rdsaad 0/);
    expect(summary).toMatch(/TLS\s+SSL2 0, SSL3 0, 1\.0 0, 1\.1 0, 1\.2 2, 1\.3 0/);
    expect(summary).toMatch(/findings\s+critical 1, high 1, medium 1, low 0, info 2/);
    // The line view lists every id above the summary instead of the top ids.
    expect(summary).not.toContain('top ids');
    expect(stream.text).toMatch(/Findings \(hosts per id/);
  });

  it('with --details, blocks and the top ids as before', async () => {
    const stream = await runSink('table', [okRecord(), hostileRecord(), unreachableRecord()], { color: false, details: true });
    expect(stream.text.split('\n')[0]).toBe('host1.example.com:3389  (192.0.2.10)  OK');
    expect(stream.text).toMatch(/top ids\s+tls-1\.3-unsupported 2, cert-expired 1/);
  });

  it('several hosts: a header, one line per host in the order given, each finding id once, duplicate groups', async () => {
    const cert = okRecord().certificate!;
    const twin = (host: string, address: string) =>
      okRecord({ target: host, host, address, certificate: cert, findings: [finding('nla_not_required', 'medium'), finding('cert_expired', 'high', { causes: { renewal_failed: 'likely' } })] });
    const records = [twin('192.0.2.1', '192.0.2.1'), twin('192.0.2.2', '192.0.2.2'), unreachableRecord()];
    const lines = (await runSink('table', records, { color: false })).text.split('\n');
    expect(lines[0]).toMatch(/^host\s+status\s+NLA\s+TLS\s+weakest\s+cert\s+findings$/);
    expect(lines[1]).toMatch(/^192\.0\.2\.1\s+ok\s+yes\s+1\.2\s+-\s+220d\s+2 HIGH cert_expired$/);
    expect(lines[2]).toMatch(/^192\.0\.2\.2\s+ok\s+yes\s+1\.2\s+-\s+220d\s+2 HIGH cert_expired$/);
    expect(lines[3]).toMatch(/^192\.0\.2\.99\s+unreachable\s+-\s+-\s+-\s+-\s+0$/);
    const text = lines.join('\n');
    expect(text.match(/cert_expired 2 /g)).toHaveLength(1);
    expect(text).toContain('likely: Windows could not replace its expired');
    expect(text).toMatch(/MED  nla_not_required 2/);
    expect(text).toMatch(/duplicates cert CN=host1\.example\.com SHA1 A1B2C3D4E5F6\.\.\. on 2: 192\.0\.2\.1:3389, 192\.0\.2\.2:3389/);
    for (const line of lines) expect([...line].length).toBeLessThanOrEqual(TABLE_WIDTH);
  });

  it('a single host keeps its block', async () => {
    const text = (await runSink('table', [okRecord()], { color: false })).text;
    expect(text.split('\n')[0]).toBe('host1.example.com:3389  (192.0.2.10)  OK');
    expect(text).toMatch(/protocols\s+accepted/);
  });

  it('colours only on a TTY without NO_COLOR', async () => {
    const write = async (tty: boolean) => {
      const stream = new MemoryStream({ isTTY: tty });
      const sink = createSink('table', stream);
      await sink.begin(META);
      await sink.record(okRecord());
      await sink.end(new SummaryCounter().result());
      return stream.text;
    };
    vi.stubEnv('NO_COLOR', '');
    expect(await write(false)).not.toContain('\x1b');
    expect(await write(true)).toContain('\x1b[');
    vi.stubEnv('NO_COLOR', '1');
    expect(await write(true)).not.toContain('\x1b');
  });
});
