/**
 * The RDP-over-UDP check (the first check added on the check contract): against the replay peer (a recorded
 * Windows SYN+ACK), against the lab's TCP-only servers (ICMP port unreachable: refused), and behind a DROP rule
 * in a network namespace (silence: timeout). Through probeHost and through the real CLI.
 */
import { afterEach, describe, expect, it } from 'vitest';
import pLimit from 'p-limit';
import { probeHost, DEFAULT_SCAN_OPTIONS } from '../../src/checks/index.js';
import { tcpDialer } from '../../src/transport/dialer.js';
import { udpExchange } from '../../src/transport/udp.js';
import { startUdpReplayPeer } from '../helpers/udp-replay-peer.js';
import { NETNS_SKIP, RULES, skipNote, withNetns } from '../helpers/netns.js';
import { parseNdjson, runCli, startFakeRdp, type FakeRdpServer } from '../cli/helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

const deps = () => ({
  dialer: tcpDialer,
  connectionSlot: pLimit(4) as <T>(fn: () => Promise<T>) => Promise<T>,
  resolve: async (h: string) => h,
  udp: (a: string, p: number, req: Uint8Array, b: Parameters<typeof udpExchange>[3]) => udpExchange(a, p, req, b),
});

/** A TCP RDP server and, on the same address and port, the UDP replay peer. */
async function rdpWithUdp(answer?: 'version-2' | 'version-3'): Promise<{ tcp: FakeRdpServer; udp: Awaited<ReturnType<typeof startUdpReplayPeer>> | null }> {
  const tcp = await startFakeRdp();
  cleanups.push(() => tcp.close());
  const udp = answer ? await startUdpReplayPeer({ host: tcp.host, port: tcp.port, answer }) : null;
  if (udp) cleanups.push(() => udp.close());
  return { tcp, udp };
}

describe('rdp_udp check', () => {
  it('a recorded Windows SYN+ACK: answered, the server\'s version, our sequence number acknowledged', async () => {
    const { tcp, udp } = await rdpWithUdp('version-2');
    const r = await probeHost({ target: tcp.target, host: tcp.host, address: tcp.host, port: tcp.port }, { ...DEFAULT_SCAN_OPTIONS, timeoutMs: 1000 }, deps());
    expect(r.rdp_udp).toMatchObject({ answered: true, version: 'RDPUDP_PROTOCOL_VERSION_2', failure: null, syn_ack: { ack_matches: true, upstream_mtu: 1232, downstream_mtu: 1232 } });
    expect(udp!.answered).toHaveLength(1);
    // The datagram exchange counts as one of the host's connections (the TCP ones are the client's and the probes').
    expect(r.connections).toBe(1 + 5 + 1);
  });

  it('nothing listens on UDP (ICMP port unreachable): answered false, refused', async () => {
    const { tcp } = await rdpWithUdp();
    const r = await probeHost({ target: tcp.target, host: tcp.host, address: tcp.host, port: tcp.port }, { ...DEFAULT_SCAN_OPTIONS, timeoutMs: 1000 }, deps());
    expect(r.rdp_udp).toMatchObject({ answered: false, version: null, syn_ack: null, failure: { reason: 'refused' } });
  });

  it('runs only after TCP showed an RDP server: an unreachable host gets rdp_udp null and costs one connection', async () => {
    const r = await probeHost({ target: '127.0.81.250', host: '127.0.81.250', address: '127.0.81.250', port: 3389 }, { ...DEFAULT_SCAN_OPTIONS, timeoutMs: 1000 }, deps());
    expect(r.status).toBe('unreachable');
    expect(r.rdp_udp).toBeNull();
    expect(r.connections).toBe(1);
  });

  it('through the CLI: rdp_udp_enabled (info) fires on an answer, --forbid-udp fails the gate, --no-udp skips the check', async () => {
    const { tcp } = await rdpWithUdp('version-3');
    const on = await runCli(['scan', tcp.target, '--timeout', '1', '-f', 'ndjson'], { timeoutMs: 20_000 });
    expect(on.code, on.stderr).toBe(0);
    const rec = parseNdjson(on.stdout)[0]!;
    expect((rec['findings'] as { id: string }[]).map((f) => f.id)).toContain('rdp_udp_enabled');
    const gate = await runCli(['scan', tcp.target, '--timeout', '1', '--forbid-udp', '-f', 'ndjson'], { timeoutMs: 20_000 });
    expect(gate.code).toBe(1);
    expect((parseNdjson(gate.stdout)[0]!['findings'] as { id: string }[]).map((f) => f.id)).toContain('policy_forbid_udp');
    const off = await runCli(['scan', tcp.target, '--timeout', '1', '--no-udp', '--forbid-udp', '-f', 'ndjson'], { timeoutMs: 20_000 });
    const offRec = parseNdjson(off.stdout)[0]!;
    expect(offRec['rdp_udp']).toBeNull();
    // Not measured on purpose: --forbid-udp cannot be verified, so it does not pass silently.
    expect((offRec['findings'] as { id: string }[]).map((f) => f.id)).toContain('policy_unverified');
    expect(off.code).toBe(1);
  });

  it.runIf(process.env.RDPROBE_LAB === '1')('the lab\'s TCP-only xrdp (127.0.10.2): refused', async () => {
    const r = await probeHost({ target: '127.0.10.2', host: '127.0.10.2', address: '127.0.10.2', port: 3389 }, { ...DEFAULT_SCAN_OPTIONS, timeoutMs: 2000 }, deps());
    expect(r.rdp_udp).toMatchObject({ answered: false, failure: { reason: 'refused' } });
  });

  it.skipIf(NETNS_SKIP.iptables !== null)(`behind a DROP rule (a namespace of the test's own): timeout, with the note that UDP cannot tell filtered from off${skipNote(NETNS_SKIP.iptables)}`, async () => {
    await withNetns({ iptables: [RULES.dropUdp(3389)] }, async (ns) => {
      const out = await ns.node(new URL('./fixtures/udp-check-driver.ts', import.meta.url), ['3389', '400', '5000'], { timeoutMs: 20_000 });
      expect(out.code, out.stderr).toBe(0);
      const j = JSON.parse(out.stdout) as { rdp_udp: { answered: boolean; failure: { reason: string; detail: string } } };
      expect(j.rdp_udp.answered).toBe(false);
      expect(j.rdp_udp.failure.reason).toBe('timeout');
      expect(j.rdp_udp.failure.detail).toMatch(/cannot tell a filtered port/);
    });
  });
});
