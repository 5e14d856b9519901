/**
 * The client simulation against the lab's real servers (RDPROBE_LAB=1), and against the real xfreerdp 2.11: the
 * recorded freerdp-2 profile must get past the security handshake exactly where xfreerdp itself does.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import pLimit from 'p-limit';
import { DEFAULT_SCAN_OPTIONS, MAX_CONNECTIONS, probeHost } from '../../src/checks/index.js';
import { clientsConnectionBudget } from '../../src/checks/client-plans.js';
import type { MeasuredRecord } from '../../src/record.js';
import { tcpDialer } from '../../src/transport/dialer.js';
import { udpExchange } from '../../src/transport/udp.js';

const enabled = process.env.RDPROBE_LAB === '1';

function simulate(address: string, clients: string[]): Promise<MeasuredRecord> {
  return probeHost(
    { target: address, host: address, address, port: 3389 },
    { ...DEFAULT_SCAN_OPTIONS, clients },
    { dialer: tcpDialer, connectionSlot: pLimit(4), resolve: async () => address, udp: (a, p, req, b) => udpExchange(a, p, req, b) },
  );
}

describe.skipIf(!enabled)('clients against the lab', () => {
  it('TLS 1.0-only xrdp (127.0.10.7): admits mstsc on Windows 7 without KB3080079, refuses a TLS 1.2+-only client at tls', async () => {
    const r = await simulate('127.0.10.7', ['mstsc-win7', 'freerdp-3']);
    expect(r.clients!['mstsc-win7']).toMatchObject({ connects: true, protocol: 'ssl', tls_version: 'tls1.0' });
    const f = r.clients!['freerdp-3']!;
    expect(f).toMatchObject({ connects: false, fails_at: { stage: 'tls', reason: 'tls_version_refused' } });
    expect(f.fails_at!.detail).toBe('offers TLS 1.2 to 1.3; the server accepts TLS 1.0 only and refused this ClientHello (alert 70 protocol_version)');
    expect(f.fix!.server).toContain('TLS 1.2\\Server');
  });

  it('TLS 1.2-only xrdp (127.0.10.14): refuses Windows 7 without KB3080079 at tls, admits it with KB3080079', async () => {
    const r = await simulate('127.0.10.14', ['mstsc-win7', 'mstsc-win7-kb3080079']);
    expect(r.clients!['mstsc-win7']).toMatchObject({ connects: false, fails_at: { stage: 'tls', reason: 'tls_version_refused' } });
    expect(r.clients!['mstsc-win7']!.fails_at!.detail).toContain('offers TLS 1.0 only; the server accepts TLS 1.2 only');
    expect(r.clients!['mstsc-win7-kb3080079']).toMatchObject({ connects: true, tls_version: 'tls1.2' });
    const finding = r.clients!['mstsc-win7']!;
    expect(finding.fix!.client).toContain('KB3080079');
  });

  it('NLA-only FreeRDP (127.0.20.1): refuses a client without CredSSP at negotiation; the CredSSP facts let FreeRDP in', async () => {
    const r = await simulate('127.0.20.1', ['mstsc-6', 'freerdp-2']);
    expect(r.clients!['mstsc-6']).toMatchObject({ connects: false, certainty: 'measured', fails_at: { stage: 'negotiation', reason: 'HYBRID_REQUIRED_BY_SERVER' } });
    expect(r.credssp?.version).toBe(6);
    expect(r.clients!['freerdp-2']).toMatchObject({ connects: true, protocol: 'hybrid', certainty: 'measured' });
  });

  it('Standard RDP Security (xrdp-rdp-low 127.0.10.3): the MCS exchange with each client\'s methods', async () => {
    const r = await simulate('127.0.10.3', ['mstsc-6', 'freerdp-2']);
    expect(r.clients!['mstsc-6']).toMatchObject({ connects: true, protocol: 'rdp', cipher: 'Standard RDP Security 40bit (level low)' });
    expect(r.clients!['freerdp-2']!.protocol).toBe('rdp');
  });

  it('budget: --clients all adds at most its own documented budget to the 12 of the default checks', async () => {
    const r = await simulate('127.0.20.2', ['all']);
    expect(Object.keys(r.clients!)).toHaveLength(14);
    expect(r.not_measured).toEqual({});
    expect(r.connections).toBeLessThanOrEqual(MAX_CONNECTIONS + clientsConnectionBudget(['all']));
  });
});

/**
 * xfreerdp 2.11 with +auth-only and /cert:ignore, under the lab's Xvfb: did it get past the security handshake (TLS,
 * or Standard RDP Security's MCS exchange)? Its state machine says so: it reaches CONNECTION_STATE_NLA (TLS done,
 * CredSSP next) or CONNECTION_STATE_MCS_CONNECT.
 */
function xfreerdpGetsPastHandshake(address: string): { passed: boolean; log: string } {
  const display = `:${process.env.RDPROBE_LAB_DISPLAY ?? '73'}`;
  const r = spawnSync('timeout', ['-k', '2', '12', 'xfreerdp', `/v:${address}`, '/cert:ignore', '+auth-only', '/u:labuser', '/p:LabPassw0rd!', '/log-level:DEBUG'], {
    encoding: 'utf8',
    env: { ...process.env, DISPLAY: display },
    maxBuffer: 1 << 24,
  });
  if (r.error) throw new Error(`xfreerdp could not run (${r.error.message}): install freerdp2-x11 (see .ci/run)`);
  const log = `${r.stdout}\n${r.stderr}`;
  if (/failed to open display/.test(log)) throw new Error(`xfreerdp found no X display ${display}: is the lab's Xvfb up (bash lab/lab.sh status)?`);
  return { passed: /--> CONNECTION_STATE_(NLA|MCS_CONNECT)\b/.test(log), log: log.split('\n').filter((l) => /nego|ERRCONNECT|-->/.test(l)).slice(-8).join('\n') };
}

describe.skipIf(!enabled)('the recorded xfreerdp profile against xfreerdp itself', () => {
  // TLS with and without 1.2, an expired certificate, Standard RDP Security, NLA, FreeRDP with everything.
  const SERVERS = ['127.0.10.1', '127.0.10.2', '127.0.10.5', '127.0.10.7', '127.0.10.8', '127.0.10.14', '127.0.20.1', '127.0.20.2'];

  it('freerdp-2 connects exactly where xfreerdp 2.11 gets past the security handshake', async () => {
    const simulated = await Promise.all(SERVERS.map((a) => simulate(a, ['freerdp-2'])));
    const rows = SERVERS.map((a, i) => {
      const real = xfreerdpGetsPastHandshake(a);
      const v = simulated[i]!.clients!['freerdp-2']!;
      return { server: a, xfreerdp: real.passed, simulated: v.connects, why: v.fails_at?.detail ?? null, log: real.log };
    });
    for (const row of rows) expect(row.simulated, `${row.server}: simulated ${row.simulated} (${row.why}); xfreerdp:\n${row.log}`).toBe(row.xfreerdp);
    // The lab has both outcomes, so the comparison can fail either way.
    expect(rows.some((r) => r.xfreerdp)).toBe(true);
    expect(rows.some((r) => !r.xfreerdp)).toBe(true);
  });
});
