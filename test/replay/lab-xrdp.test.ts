import { describe, it, expect } from 'vitest';
import pLimit from 'p-limit';
import { probeHost, DEFAULT_SCAN_OPTIONS } from '../../src/checks/index.js';
import { loadTranscript, replayDialer } from '../helpers/replay.js';

// Full probes of lab servers recorded once with lab/tools/record.mjs (captures/lab-*.json) and replayed without
// the servers: the probe code runs unchanged over the recorded answers, so a change in how rdprobe reads them
// shows up here even where the lab cannot run.
const opts = { ...DEFAULT_SCAN_OPTIONS, timeoutMs: 1000, hostTimeoutMs: 5000 };
const probe = async (name: string) => {
  const t = loadTranscript(name);
  const { dialer, log } = replayDialer(t);
  const r = await probeHost({ target: 'lab', host: 'lab', address: '127.0.0.1', port: 3389 }, opts, {
    dialer,
    connectionSlot: pLimit(4) as <T>(fn: () => Promise<T>) => Promise<T>,
    resolve: async () => '127.0.0.1',
  });
  return { r, log, t: t as typeof t & { recorded_record: Record<string, unknown> } };
};
const support = (r: Awaited<ReturnType<typeof probe>>['r']) => Object.fromEntries(Object.entries(r.protocols!).map(([k, v]) => [k, v.supported]));

describe('replayed lab recordings', () => {
  it('xrdp security_layer=rdp crypt_level=high: only rdp, level high, exactly 128-bit, 2048-bit proprietary key', async () => {
    const { r, log, t } = await probe('lab-xrdp-rdp-high');
    expect(log.unexpected).toEqual([]);
    expect(support(r)).toEqual({ rdp: true, ssl: false, hybrid: false, rdstls: false, hybrid_ex: false, rdsaad: null });
    expect(r.rdp_security).toMatchObject({
      encryption_level: 'high',
      encryption_methods: ['128bit'],
      methods_tested: { '40bit': false, '56bit': false, '128bit': true, fips: false },
      selected_method: '128bit',
      server_version: 'RDP 5.0-8.1',
      server_certificate: { type: 'proprietary', key_bits: 2048, exponent: 65537 },
    });
    // The replay gives what the live probe gave when it was recorded.
    expect(r.rdp_security).toEqual(t.recorded_record.rdp_security);
    expect(r.protocols).toEqual(t.recorded_record.protocols);
  });

  it('xrdp crypt_level=low: level low and 40-bit, whatever the client offers', async () => {
    const { r, log, t } = await probe('lab-xrdp-rdp-low');
    expect(log.unexpected).toEqual([]);
    expect(r.rdp_security).toMatchObject({ encryption_level: 'low', encryption_methods: ['40bit'], selected_method: '40bit' });
    expect(r.rdp_security).toEqual(t.recorded_record.rdp_security);
  });

  it('xrdp security_layer=tls: RDP refused with SSL_REQUIRED_BY_SERVER, ssl selected, RDSAAD answered with a disconnect', async () => {
    const { r, log, t } = await probe('lab-xrdp-tls');
    expect(log.unexpected).toEqual([]);
    expect(support(r)).toEqual({ rdp: false, ssl: true, hybrid: false, rdstls: false, hybrid_ex: false, rdsaad: null });
    expect(r.protocols!.rdp.failure_code).toBe('SSL_REQUIRED_BY_SERVER');
    expect(r.protocols!.rdsaad.response).toBe('mcs_disconnect');
    expect(r.protocols!.rdsaad.detail).toContain('Disconnect Provider Ultimatum');
    expect(r.protocols).toEqual(t.recorded_record.protocols);
    // TLS was not recorded (it cannot be replayed): the record says the handshakes did not complete, nothing more.
    expect(r.failure?.stage).toBe('tls');
  });
});
