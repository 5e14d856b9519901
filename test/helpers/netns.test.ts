/**
 * The namespace helper itself (test/helpers/netns.ts): setup applied, cleanup on success and on failure, the
 * stale sweep, the child timeout, and the skip decision when not root.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { createNetns, NETNS_PREFIX, NETNS_SKIP, RULES, runNode, skipNote, sweepStaleNetns, withNetns } from './netns.js';

const namespaces = (): string[] =>
  execFileSync('ip', ['netns', 'list'], { encoding: 'utf8' })
    .split('\n')
    .map((l) => l.trim().split(/\s+/)[0] ?? '')
    .filter(Boolean);

describe('netns helper: the skip decision', () => {
  it('names the reason when not root, and RDPROBE_REQUIRE_NETNS=1 makes it an error instead of a skip', async () => {
    const driver = new URL('./fixtures/netns-unprivileged-driver.ts', import.meta.url);
    const env = { ...process.env };
    delete env['RDPROBE_REQUIRE_NETNS'];
    const skipped = await runNode(driver, [], { timeoutMs: 20_000, env });
    expect(JSON.parse(skipped.stdout)).toEqual(
      process.platform === 'linux'
        ? { basic: 'not root: ip netns needs CAP_SYS_ADMIN', iptables: 'not root: ip netns needs CAP_SYS_ADMIN' }
        : { basic: expect.stringMatching(/Linux-only/), iptables: expect.stringMatching(/Linux-only/) },
    );
    const required = await runNode(driver, [], { timeoutMs: 20_000, env: { ...env, RDPROBE_REQUIRE_NETNS: '1' } });
    expect(JSON.parse(required.stdout).threw).toMatch(/^RDPROBE_REQUIRE_NETNS=1 but namespace tests cannot run: /);
  });
  it('skipNote puts the reason into a test name', () => {
    expect(skipNote(null)).toBe('');
    expect(skipNote('not root')).toBe(' (skipped: not root)');
  });
});

describe.skipIf(NETNS_SKIP.iptables !== null)(`netns helper: namespaces${skipNote(NETNS_SKIP.iptables)}`, () => {
  it('applies addresses, local ranges and iptables rules inside the namespace only, and deletes it afterwards', async () => {
    let name = '';
    await withNetns({ addresses: ['127.0.10.2/32'], localRanges: ['10.77.0.0/16'], iptables: [RULES.dropUdp(3389), '-A INPUT -p tcp --syn -d 10.77.0.0/16 -j DROP'] }, async (ns) => {
      name = ns.name;
      expect(name).toMatch(new RegExp(`^${NETNS_PREFIX}-${process.pid}-\\d+-[0-9a-f]{4}$`));
      expect(namespaces()).toContain(name);
      expect((await ns.exec('ip', ['-o', 'addr', 'show', 'dev', 'lo'])).stdout).toContain('127.0.10.2/32');
      expect((await ns.exec('ip', ['route', 'show', 'table', 'local'])).stdout).toContain('local 10.77.0.0/16 dev lo');
      const rules = (await ns.exec('iptables', ['-S', 'INPUT'])).stdout;
      expect(rules).toContain('-A INPUT -p udp -m udp --dport 3389 -j DROP');
      expect(rules).toContain('-A INPUT -d 10.77.0.0/16 -p tcp -m tcp --tcp-flags FIN,SYN,RST,ACK SYN -j DROP');
    });
    expect(namespaces()).not.toContain(name);
    // The host's own tables never saw the rules.
    expect(execFileSync('iptables', ['-S', 'INPUT'], { encoding: 'utf8' })).not.toContain('--dport 3389 -j DROP');
  });

  it('deletes the namespace when the test body throws, and deleting twice is harmless', async () => {
    let name = '';
    await expect(
      withNetns({}, async (ns) => {
        name = ns.name;
        throw new Error('test body failed');
      }),
    ).rejects.toThrow('test body failed');
    expect(namespaces()).not.toContain(name);
    const ns = await createNetns();
    ns.delete();
    ns.delete();
    expect(namespaces()).not.toContain(ns.name);
  });

  it('a setup command that fails leaves no namespace behind', async () => {
    const before = namespaces().filter((n) => n.startsWith(`${NETNS_PREFIX}-${process.pid}-`));
    await expect(createNetns({ iptables: ['-A INPUT -p udp --no-such-option -j DROP'] })).rejects.toThrow(/setting up namespace/);
    expect(namespaces().filter((n) => n.startsWith(`${NETNS_PREFIX}-${process.pid}-`))).toEqual(before);
  });

  it('sweeps namespaces of its prefix left by a dead process, and leaves live ones alone', async () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a pid that has exited
    const prefix = 'rdprobe-sweeptest';
    const stale = `${prefix}-${dead}-1-dead`;
    execFileSync('ip', ['netns', 'add', stale]);
    const ns = await createNetns({ prefix }); // creating sweeps first
    try {
      expect(namespaces()).not.toContain(stale);
      expect(namespaces()).toContain(ns.name);
      expect(sweepStaleNetns(prefix)).toEqual([]); // ours belongs to a live pid
    } finally {
      ns.delete();
      try {
        execFileSync('ip', ['netns', 'delete', stale], { stdio: 'ignore' });
      } catch {
        // swept, as expected
      }
    }
  });

  it('kills a command that outlives its timeout, by its own pid', async () => {
    await withNetns({}, async (ns) => {
      const r = await ns.exec('sleep', ['30'], { timeoutMs: 200 });
      expect(r.killed).toBe(true);
      expect(r.signal).toBe('SIGKILL');
      expect(r.ms).toBeLessThan(5000);
    });
  });
});
