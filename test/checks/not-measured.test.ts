import { describe, it, expect } from 'vitest';
import { Duplex } from 'node:stream';
import { Budget } from '../../src/transport/clock.js';
import { RdpConnection } from '../../src/transport/rdp-connection.js';
import { tlsStep } from '../../src/checks/steps/tls.js';
import { rdpSecurityResult } from '../../src/checks/steps/mcs.js';

// "null means not measured": a check cut short by us (the host deadline) or by our own decoder is not a refusal.
describe('not measured is not refused', () => {
  it('a TLS attempt cut off by the host deadline is accepted: null with refusal kind deadline', async () => {
    const silent = () => new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
    const budget = new Budget(5000, Date.now() + 150); // the host deadline comes long before the step timeout
    const conn = await RdpConnection.open(async () => silent(), '192.0.2.1', 3389, budget);
    const r = await tlsStep(conn, { min: 'TLSv1.2', max: 'TLSv1.2' }, budget, false);
    expect(r.attempt.accepted).toBeNull();
    expect(r.attempt.refusal?.kind).toBe('deadline');
  });

  it('a step timeout (silence within the step) still counts as a refusal', async () => {
    const silent = () => new Duplex({ read() {}, write(_c, _e, cb) { cb(); } });
    const budget = new Budget(150, Date.now() + 30_000);
    const conn = await RdpConnection.open(async () => silent(), '192.0.2.1', 3389, budget);
    const r = await tlsStep(conn, { min: 'TLSv1.2', max: 'TLSv1.2' }, budget, false);
    expect(r.attempt.accepted).toBe(false);
    expect(r.attempt.refusal?.kind).toBe('timeout');
  });

  it('an MCS answer our decoder rejected leaves the method null; a hang-up is a refusal', async () => {
    const s = await rdpSecurityResult(
      [
        { method: '40bit', outcome: { ok: false, failure: { stage: 'mcs', reason: 'malformed', detail: 'x' } } },
        { method: '56bit', outcome: { ok: false, failure: { stage: 'mcs', reason: 'closed', detail: null } } },
        { method: '128bit', outcome: { ok: false, failure: { stage: 'mcs', reason: 'timeout', detail: null } } },
      ],
      new Date(),
    );
    expect(s.methods_tested).toEqual({ '40bit': null, '56bit': false, '128bit': null, fips: null });
    expect(s.encryption_methods).toEqual([]);
  });
});
