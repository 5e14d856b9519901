/**
 * A mostly firewalled subnet (addresses that drop SYNs) next to live servers: dead addresses wait out their connect
 * timeout in the connect stage and must not hold the probe slots (-c) the live hosts need. Issue: at -c 128 and
 * 5 s, a firewalled /16 took 43 minutes and live hosts queued behind dead ones.
 *
 * The silence comes from an iptables DROP rule over a dedicated loopback range beside the lab (127.3.0.0/22, 1024
 * addresses), added for this test and removed after it, marked with a comment so a leftover from a crashed run is
 * swept first. The live hosts are the lab's 16 servers. Runs when RDPROBE_LAB=1, as root.
 */
import { execFileSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson, runCli } from '../cli/helpers.js';
import type { ProbeRecord } from '../../src/record.js';

const RANGE = '127.3.0.0/22';
const MARK = 'rdprobe-test-firewalled';
const RULE = ['INPUT', '-p', 'tcp', '--syn', '-d', RANGE, '-m', 'comment', '--comment', MARK, '-j', 'DROP'];
const LIVE = [...Array.from({ length: 14 }, (_, i) => `127.0.10.${i + 1}`), '127.0.20.1', '127.0.20.2'];

const iptables = (args: string[]): boolean => {
  try {
    execFileSync('iptables', args, { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const canRun = process.env.RDPROBE_LAB === '1' && process.getuid?.() === 0 && iptables(['-S', 'INPUT']);

describe.runIf(canRun)('firewalled addresses do not starve live hosts (1024 silent + 16 live lab servers)', () => {
  beforeAll(() => {
    while (iptables(['-D', ...RULE])); // a leftover of a crashed run
    expect(iptables(['-I', ...RULE])).toBe(true);
  });
  afterAll(() => {
    while (iptables(['-D', ...RULE]));
  });

  it('at the default -c and timeouts: every live host fully probed, every silent one a timeout, within one connect timeout of the slowest host', async () => {
    const started = Date.now();
    // Silent addresses first, so they would fill every probe slot if they held one.
    const r = await runCli(['scan', RANGE, ...LIVE, '-f', 'ndjson'], { timeoutMs: 120_000 });
    const elapsed = Date.now() - started;
    expect(r.code, r.stderr).toBe(0);
    const records = parseNdjson(r.stdout) as unknown as ProbeRecord[];
    expect(records).toHaveLength(1024 + LIVE.length);
    for (const host of LIVE) {
      const rec = records.find((x) => x.host === host)!;
      expect(rec.status, host).toBe('ok');
      expect(rec.not_measured, host).toEqual({});
    }
    const silent = records.filter((x) => x.host.startsWith('127.3.'));
    expect(silent.every((x) => x.status === 'unreachable' && x.failure?.reason === 'timeout')).toBe(true);
    // 1024 silent connects run at once (not 128 at a time: that would be 8 x 5 s): about one 5 s timeout in all.
    expect(elapsed).toBeLessThan(25_000);
  }, 150_000);
});
