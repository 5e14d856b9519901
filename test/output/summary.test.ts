import { describe, expect, it } from 'vitest';
import { SummaryCounter } from '../../src/output/summary.js';
import { finding, hostileRecord, okRecord, unreachableRecord } from './factory.js';

describe('SummaryCounter', () => {
  it('starts with every key at zero', () => {
    const s = new SummaryCounter().result({ finished_at: 'x' });
    expect(s).toEqual({
      hosts: 0,
      by_status: { ok: 0, unreachable: 0, not_rdp: 0, error: 0 },
      protocols: { rdp: 0, ssl: 0, hybrid: 0, rdstls: 0, hybrid_ex: 0, rdsaad: 0 },
      tls_versions: { 'ssl2.0': 0, 'ssl3.0': 0, 'tls1.0': 0, 'tls1.1': 0, 'tls1.2': 0, 'tls1.3': 0 },
      findings_by_severity: { info: 0, low: 0, medium: 0, high: 0, critical: 0 },
      findings_by_id: {},
      finished_at: 'x',
      interrupted: false,
    });
  });

  it('counts hosts by status, supported protocols, accepted TLS versions and findings', () => {
    const c = new SummaryCounter();
    c.add(okRecord());
    c.add(hostileRecord());
    c.add(unreachableRecord());
    c.add(okRecord({ status: 'not_rdp', protocols: null, tls: null, findings: [finding('__proto__', 'low')] }));
    const s = c.result({ interrupted: true });
    expect(s.hosts).toBe(4);
    expect(s.by_status).toEqual({ ok: 2, unreachable: 1, not_rdp: 1, error: 0 });
    expect(s.protocols).toEqual({ rdp: 0, ssl: 2, hybrid: 2, rdstls: 0, hybrid_ex: 2, rdsaad: 0 });
    expect(s.tls_versions).toEqual({ 'ssl2.0': 0, 'ssl3.0': 0, 'tls1.0': 0, 'tls1.1': 0, 'tls1.2': 2, 'tls1.3': 0 });
    expect(s.findings_by_severity).toEqual({ info: 2, low: 1, medium: 1, high: 1, critical: 1 });
    expect(s.findings_by_id).toEqual({
      ['__proto__']: 1, // computed key: an own property, as an id from the diagnosis layer would be
      'cert-expired': 1,
      'cert-self-signed': 1,
      'rdp-security-allowed': 1,
      'tls-1.3-unsupported': 2,
    });
    expect(Object.keys(s.findings_by_id)).toContain('__proto__');
    expect(s.interrupted).toBe(true);
    expect(Number.isNaN(Date.parse(s.finished_at))).toBe(false);
  });
});
