/**
 * Target handling and the exit-code gate through the real CLI: --shard K/N partitions 127.0.82.0/24 (closed
 * ports), duplicates are probed once, several ports give one record per (host, port); --fail-on high fails on
 * an unreachable host; with stderr not a TTY nothing but errors reaches stderr (no progress line).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FAST, all24, keyOf, parseNdjson, runCli, startFakeRdp, type FakeRdpServer } from './helpers.js';

const OPTS = { timeoutMs: 40_000 };

async function scanKeys(args: string[]): Promise<string[]> {
  const r = await runCli(['scan', ...args, '-f', 'ndjson', ...FAST], OPTS);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stderr).toBe('');
  return parseNdjson(r.stdout).map(keyOf);
}

describe('--shard K/N', () => {
  it('three shards of 127.0.82.0/24 are disjoint, cover the unsharded set, and are stable across runs', async () => {
    const [whole, s1, s2, s3, s2again] = await Promise.all([
      scanKeys(['127.0.82.0/24']),
      scanKeys(['127.0.82.0/24', '--shard', '1/3']),
      scanKeys(['127.0.82.0/24', '--shard', '2/3']),
      scanKeys(['127.0.82.0/24', '--shard', '3/3']),
      scanKeys(['127.0.82.0/24', '--shard', '2/3']),
    ]);
    expect([...whole].sort()).toEqual(all24('127.0.82').sort());
    for (const s of [s1, s2, s3]) {
      expect(new Set(s).size).toBe(s.length);
      expect(s.length).toBeGreaterThan(0);
    }
    const union = [...s1, ...s2, ...s3];
    expect(new Set(union).size, 'shards are disjoint').toBe(union.length);
    expect([...union].sort()).toEqual([...whole].sort());
    expect([...s2again].sort()).toEqual([...s2].sort());
  });

  it('sharding does not depend on how the targets are written (CIDR vs range)', async () => {
    const [a, b] = await Promise.all([
      scanKeys(['127.0.82.0/24', '--shard', '1/3']),
      scanKeys(['127.0.82.0-127.0.82.255', '--shard', '1/3']),
    ]);
    expect([...b].sort()).toEqual([...a].sort());
  });
});

describe('dedupe and ports', () => {
  it('127.0.82.5 and 127.0.82.0/29 probe 127.0.82.5 once', async () => {
    const keys = await scanKeys(['127.0.82.5', '127.0.82.0/29']);
    expect(keys.filter((k) => k === '127.0.82.5:3389')).toHaveLength(1);
    expect([...keys].sort()).toEqual(Array.from({ length: 8 }, (_, i) => `127.0.82.${i}:3389`).sort());
  });

  it('127.0.82.5 and 127.0.82.0/30: five records, no duplicate', async () => {
    const keys = await scanKeys(['127.0.82.5', '127.0.82.0/30']);
    expect([...keys].sort()).toEqual(['127.0.82.0:3389', '127.0.82.1:3389', '127.0.82.2:3389', '127.0.82.3:3389', '127.0.82.5:3389']);
  });

  it('-p 3389,3390 gives one record per (host, port); an explicit host:port is not multiplied', async () => {
    const keys = await scanKeys(['127.0.82.10-127.0.82.12', '127.0.82.10', '127.0.82.13:3391', '-p', '3389,3390']);
    expect([...keys].sort()).toEqual(
      ['127.0.82.10:3389', '127.0.82.10:3390', '127.0.82.11:3389', '127.0.82.11:3390', '127.0.82.12:3389', '127.0.82.12:3390', '127.0.82.13:3391'].sort(),
    );
  });

  it('--exclude removes targets (comma-separated and repeated)', async () => {
    const keys = await scanKeys(['127.0.82.16/29', '--exclude', '127.0.82.16,127.0.82.17', '--exclude', '127.0.82.20-127.0.82.23']);
    expect([...keys].sort()).toEqual(['127.0.82.18:3389', '127.0.82.19:3389']);
  });
});

describe('array options and positional targets', () => {
  // yargs' greedy arrays used to make --exclude / --targets-file swallow the targets that follow them.
  it('a target after --exclude VALUE is a target, not a second exclude', async () => {
    const keys = await scanKeys(['--exclude', '127.0.82.50', '127.0.82.51']);
    expect(keys).toEqual(['127.0.82.51:3389']);
  });
});

describe('exit code gate and stderr', () => {
  let fast: FakeRdpServer;
  beforeAll(async () => {
    fast = await startFakeRdp();
  });
  afterAll(async () => {
    await fast?.close();
  });

  it('an unreachable host (a high finding) exits 1 with --fail-on high, 0 without --fail-on', async () => {
    const [gated, plain, none, critical] = await Promise.all([
      runCli(['scan', '127.0.82.30', '--fail-on', 'high', ...FAST], OPTS),
      runCli(['scan', '127.0.82.30', ...FAST], OPTS),
      runCli(['scan', '127.0.82.30', '--fail-on', 'none', ...FAST], OPTS),
      runCli(['scan', '127.0.82.30', '--fail-on', 'critical', ...FAST], OPTS),
    ]);
    const rec = parseNdjson(plain.stdout)[0]!;
    expect(rec['status']).toBe('unreachable');
    expect((rec['findings'] as { id: string; severity: string }[]).some((f) => f.id === 'unreachable' && f.severity === 'high')).toBe(true);
    expect(gated.code, gated.stderr).toBe(1);
    expect(parseNdjson(gated.stdout)).toHaveLength(1); // the output is still complete
    expect(plain.code, plain.stderr).toBe(0);
    expect(none.code, none.stderr).toBe(0);
    expect(critical.code, critical.stderr).toBe(0);
  });

  it('--fail-on passes when no host has a finding at or above it (a server that requires NLA has none)', async () => {
    const [high, info] = await Promise.all([
      runCli(['scan', fast.target, '--fail-on', 'high', '-f', 'ndjson', ...FAST], OPTS),
      runCli(['scan', fast.target, '--fail-on', 'info', '-f', 'ndjson', ...FAST], OPTS),
    ]);
    const rec = parseNdjson(high.stdout)[0]!;
    expect(rec['status']).toBe('ok');
    expect(rec['findings']).toEqual([]);
    expect(high.code, high.stderr).toBe(0);
    expect(info.code, info.stderr).toBe(0);
  });

  it('with stderr not a TTY, a scan writes nothing to stderr (no progress line), whatever the format', async () => {
    const runs = await Promise.all(
      ['ndjson', 'json', 'csv', 'table'].map((f) => runCli(['scan', '127.0.82.40-127.0.82.47', fast.target, '-f', f, ...FAST], OPTS)),
    );
    for (const r of runs) {
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(r.stdout).not.toContain('\r\x1b[2K');
    }
  });
});
