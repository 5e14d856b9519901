import { describe, it, expect } from 'vitest';
import { FleetIndex } from '../../src/diagnosis/fleet.js';
import { certificate, emptyRecord } from '../helpers/record-factory.js';

const host = (i: number, sha1: string) =>
  emptyRecord({ target: `10.0.0.${i}`, host: `10.0.0.${i}`, address: `10.0.0.${i}`, certificate: certificate({ sha1_fingerprint: sha1, self_signed: true }) });

describe('FleetIndex (cross-host findings while records stream)', () => {
  it('reports cert_duplicate on a later host, naming the earlier one', () => {
    const idx = new FleetIndex();
    expect(idx.add(host(1, 'AA'))).toEqual([]);
    expect(idx.add(host(2, 'BB'))).toEqual([]);
    const f = idx.add(host(3, 'AA'));
    expect(f.map((x) => x.id)).toEqual(['cert_duplicate']);
    expect(f[0]!.evidence.join(' ')).toContain('10.0.0.1');
    expect(f[0]!.evidence.join(' ')).not.toContain('10.0.0.2');
  });

  it('stays bounded on a cloned fleet: evidence names at most 10 others', () => {
    const idx = new FleetIndex();
    let last: ReturnType<FleetIndex['add']> = [];
    for (let i = 1; i <= 200; i++) last = idx.add(host(i, 'CLONE'));
    const text = last[0]!.evidence.find((e) => e.startsWith('same certificate on:'))!;
    expect(text.split(',').length).toBeLessThanOrEqual(11);
    expect(text).toMatch(/\(and \d+ more\)/);
  });

  it('ignores hosts without a certificate or NTLM name (closed ports cost nothing)', () => {
    const idx = new FleetIndex();
    for (let i = 1; i <= 5; i++) expect(idx.add(emptyRecord({ host: `10.0.1.${i}`, address: `10.0.1.${i}`, status: 'unreachable' }))).toEqual([]);
  });
});
