import { describe, it, expect } from 'vitest';
import pLimit from 'p-limit';
import { probeHost, DEFAULT_SCAN_OPTIONS } from '../../src/checks/index.js';
import { PROBE_REQUESTS } from '../../src/checks/steps/negotiation.js';
import { negotiate, protocolResult } from '../../src/checks/steps/negotiation.js';
import { mcsStep, rdpSecurityResult } from '../../src/checks/steps/mcs.js';
import { Budget } from '../../src/transport/clock.js';
import { RdpConnection } from '../../src/transport/rdp-connection.js';
import { PROTOCOL_RDP } from '../../protocol/negotiation.js';
import { loadTranscript, replayDialer } from '../helpers/replay.js';

// Real Windows answers (captures/*.json, from the zeek test traces of ../shared/captures/windows/), replayed
// through in-memory sockets: the probe code runs unchanged, without the server.
const opts = { ...DEFAULT_SCAN_OPTIONS, timeoutMs: 1000, hostTimeoutMs: 5000 };
const deps = (dialer: ReturnType<typeof replayDialer>['dialer']) => ({
  dialer,
  connectionSlot: pLimit(4) as <T>(fn: () => Promise<T>) => Promise<T>,
  resolve: async () => '192.0.2.1',
});
const target = { target: 'win', host: 'win', address: '192.0.2.1', port: 3389 };

describe('Windows with SecurityLayer=RDP, level High (rdp-proprietary-encryption)', () => {
  it('probeHost: RDP accepted, anything with SSL refused with SSL_NOT_ALLOWED_BY_SERVER, the modern client fails at negotiation', async () => {
    // Only the exact offer the recorded client made (all four methods) gets the recorded MCS answer.
    const { dialer, log } = replayDialer(loadTranscript('windows-proprietary-encryption'));
    const r = await probeHost(target, opts, deps(dialer));
    expect(log.unexpected).toEqual([]);
    expect(r.status).toBe('ok');
    expect(r.failure).toEqual({ stage: 'negotiation', reason: 'SSL_NOT_ALLOWED_BY_SERVER', detail: expect.any(String) });
    expect(r.protocols!.rdp).toMatchObject({ supported: true, selected: 'rdp', response: 'negotiation_response' });
    expect(r.protocols!.ssl).toMatchObject({ supported: false, failure_code: 'SSL_NOT_ALLOWED_BY_SERVER' });
    expect(r.protocols!.hybrid.supported).toBe(false);
    expect(r.protocols!.hybrid_ex.supported).toBe(false);
    // Nothing was recorded for RDSTLS or RDSAAD alone: the probe says it could not tell.
    expect(r.protocols!.rdstls.supported).toBeNull();
    expect(r.nla_required).toBe(false);
    expect(r.tls).toBeNull();
    expect(r.connections).toBeLessThanOrEqual(12);
  });

  it('the recorded MCS Connect Response replays to level high, method 128-bit and a 512-bit proprietary certificate', async () => {
    const { dialer, log } = replayDialer(loadTranscript('windows-proprietary-encryption'));
    const budget = Budget.start(1000, 5000);
    const conn = await RdpConnection.open(dialer, '192.0.2.1', 3389, budget);
    const n = await negotiate(conn, PROBE_REQUESTS.rdp, 'rdprobe', budget);
    expect(n.ok && protocolResult('rdp', PROBE_REQUESTS.rdp, n).supported).toBe(true);
    const outcome = await mcsStep(conn, PROTOCOL_RDP, ['40bit', '56bit', '128bit', 'fips'], budget);
    conn.close();
    expect(log.unexpected).toEqual([]);
    const s = await rdpSecurityResult([{ outcome, method: 'all' }], new Date('2026-11-22T00:00:00Z'));
    expect(s.encryption_level).toBe('high');
    expect(s.selected_method).toBe('128bit');
    // dwVersion 0x00000001 in the capture: not a temporary certificate.
    expect(s.server_certificate).toEqual({ type: 'proprietary', temporary: false, key_bits: 512, exponent: 65537, chain_length: null, leaf: null });
    expect(s.server_version).toBe('RDP 5.0-8.1');
    expect(s.client_requested_protocols).toEqual(['PROTOCOL_RDP']);
    expect(s.failure).toBeNull();
  });
});

describe('Windows answers to CredSSP requests', () => {
  it('2008 R2 selects PROTOCOL_HYBRID for SSL|HYBRID (rdp-to-ssl)', async () => {
    const { dialer } = replayDialer(loadTranscript('windows-hybrid'));
    const budget = Budget.start(1000, 5000);
    const conn = await RdpConnection.open(dialer, '192.0.2.1', 3389, budget);
    const n = await negotiate(conn, PROBE_REQUESTS.hybrid, null, budget);
    conn.close();
    expect(protocolResult('hybrid', PROBE_REQUESTS.hybrid, n)).toEqual({
      requested: ['PROTOCOL_SSL', 'PROTOCOL_HYBRID'],
      supported: true,
      response: 'negotiation_response',
      selected: 'hybrid',
      failure_code: null,
      flags: ['EXTENDED_CLIENT_DATA_SUPPORTED'],
      detail: null,
    });
  });

  it('Windows 10 selects HYBRID_EX with response flags 0x1f (rdp-no-cookie-mstshash)', async () => {
    const { dialer } = replayDialer(loadTranscript('windows-hybrid-ex'));
    const budget = Budget.start(1000, 5000);
    const conn = await RdpConnection.open(dialer, '192.0.2.1', 3389, budget);
    const n = await negotiate(conn, PROBE_REQUESTS.hybrid_ex, null, budget);
    conn.close();
    const p = protocolResult('hybrid_ex', PROBE_REQUESTS.hybrid_ex, n);
    expect(p.supported).toBe(true);
    expect(p.flags).toHaveLength(5);
  });

  it('probeHost over the HYBRID_EX transcript: the client path reaches TLS, which the recording cannot answer: tls closed', async () => {
    const { dialer, log } = replayDialer(loadTranscript('windows-hybrid-ex'));
    const r = await probeHost(target, opts, deps(dialer));
    expect(log.unexpected).toEqual([]);
    expect(log.beyondRecording.some((w) => w.includes(': 160301'))).toBe(true); // our TLS ClientHello
    expect(r.protocols!.hybrid_ex.supported).toBe(true);
    expect(r.protocols!.hybrid_ex.flags).toContain('REDIRECTED_AUTHENTICATION_MODE_SUPPORTED');
    expect(r.failure?.stage).toBe('tls');
  });
});
