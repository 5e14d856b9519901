/** Whole-host scenarios matching the lab servers and the conditions of KNOWN-CAUSES.md. */
import { causesOf, explained } from '../helpers/findings.js';
import { describe, expect, it } from 'vitest';
import { diagnose, diagnoseFleet } from '../../src/diagnosis/index.js';
import type { ProbeRecord } from '../../src/record.js';
import { alert, certificate, credssp, emptyRecord, ended, ids, ntlm, protocols, rdpSecurity, refuses, selects, tls } from './factory.js';

describe('lab scenarios', () => {
  it('TLS-only server whose key cannot be loaded: tls_failed_all_versions, private key first', () => {
    const r = emptyRecord({
      host: '127.0.0.1',
      status: 'error',
      failure: { stage: 'tls', reason: 'reset', detail: null },
      nla_required: false,
      protocols: protocols({
        rdp: refuses('rdp', 'SSL_REQUIRED_BY_SERVER'),
        ssl: selects('ssl', 'ssl'),
        hybrid: selects('hybrid', 'ssl'),
        hybrid_ex: selects('hybrid_ex', 'ssl'),
      }),
      tls: tls(
        { 'tls1.0': false, 'tls1.1': false, 'tls1.2': false, 'tls1.3': false },
        {
          'tls1.0': { refusal: ended('reset') },
          'tls1.1': { refusal: ended('reset') },
          'tls1.2': { refusal: ended('reset') },
          'tls1.3': { refusal: alert('internal_error', 80) },
        },
        { cipher: null, negotiated_version: null },
      ),
    });
    const found = diagnose(r);
    expect(ids(found)).toEqual(['nla_not_required', 'tls_failed_all_versions']);
    const f = found[0]!;
    expect(f.id).toBe('tls_failed_all_versions');
    expect(f.severity).toBe('critical');
    expect(causesOf(f)[0]!.text).toMatch(/private key/);
    expect(explained(f).checks).toContain('icacls C:\\ProgramData\\Microsoft\\Crypto\\RSA\\MachineKeys');
  });

  it('xrdp in rdp mode at level low: exactly standard_rdp_security_allowed, weak_rdp_encryption, nla_not_required', () => {
    const r = emptyRecord({
      host: '127.0.0.1',
      nla_required: false,
      protocols: protocols({
        rdp: selects('rdp', 'rdp'),
        ssl: selects('ssl', 'rdp'),
        hybrid: selects('hybrid', 'rdp'),
        rdstls: selects('rdstls', 'rdp'),
        hybrid_ex: selects('hybrid_ex', 'rdp'),
        rdsaad: selects('rdsaad', 'rdp'),
      }),
      rdp_security: rdpSecurity({
        encryption_level: 'low',
        encryption_methods: ['40bit', '56bit', '128bit'],
        methods_tested: { '40bit': true, '56bit': true, '128bit': true, fips: false },
        server_version: 'RDP 5.x-8.x',
        server_certificate: { type: 'proprietary', temporary: false, key_bits: 2048, exponent: 65537, chain_length: null, leaf: null },
      }),
    });
    const found = diagnose(r);
    expect(ids(found)).toEqual(['nla_not_required', 'standard_rdp_security_allowed', 'weak_rdp_encryption']);
    const weak = found.find((f) => f.id === 'weak_rdp_encryption')!;
    expect(weak.evidence).toEqual([
      'rdp_security.methods_tested["40bit"] = true',
      'rdp_security.methods_tested["56bit"] = true',
      'rdp_security.encryption_level = "low"',
    ]);
    // xrdp answers a CredSSP request with RDP: the non-Windows cause comes first
    const nla = found.find((f) => f.id === 'nla_not_required')!;
    expect(causesOf(nla)[0]!.text).toMatch(/CredSSP/);
    expect(causesOf(found.find((f) => f.id === 'standard_rdp_security_allowed')!)[0]!.text).toMatch(/xrdp/);
  });

  it('an expired self-signed certificate: cert_expired (not cert_expiring_soon)', () => {
    const r = emptyRecord({
      nla_required: true,
      protocols: protocols({ ssl: refuses('ssl', 'HYBRID_REQUIRED_BY_SERVER'), hybrid: selects('hybrid', 'hybrid') }),
      tls: tls({ 'tls1.2': true }),
      certificate: certificate({ expired: true, days_remaining: -40, self_signed: true, issuer: 'CN=srv01.corp.example' }),
      credssp: credssp(),
    });
    const found = ids(diagnose(r));
    expect(found).toContain('cert_expired');
    expect(found).not.toContain('cert_expiring_soon');
  });

  it('TLS 1.0 only on Windows Server 2008 R2 without KB3080079', () => {
    const r = emptyRecord({
      nla_required: true,
      protocols: protocols({ rdp: refuses('rdp', 'HYBRID_REQUIRED_BY_SERVER'), hybrid: selects('hybrid', 'hybrid') }),
      tls: tls(
        { 'tls1.0': true, 'tls1.1': false, 'tls1.2': false, 'tls1.3': false },
        { 'tls1.1': { refusal: alert('protocol_version', 70) }, 'tls1.2': { refusal: alert('protocol_version', 70) } },
        { via: 'hybrid', cipher: 'AES256-SHA', negotiated_version: 'TLSv1' },
      ),
      certificate: certificate({ self_signed: true, issuer: 'CN=srv01.corp.example' }),
      credssp: credssp({ version: 3, ntlm: ntlm({ os_version: '6.1.7601' }) }),
    });
    const found = diagnose(r);
    expect(ids(found)).toEqual(['cert_self_signed', 'credssp_outdated', 'os_unsupported', 'tls12_missing', 'tls_legacy_enabled']);
    expect(causesOf(found.find((f) => f.id === 'tls12_missing')!)[0]!.text).toMatch(/KB3080079/);
  });

  it('cloned VMs: two records sharing a certificate get cert_duplicate, each listing the other', () => {
    const sha1 = '0123456789ABCDEF0123456789ABCDEF01234567';
    const a = emptyRecord({ host: 'vm-a.corp.example', address: '10.0.0.21', certificate: certificate({ self_signed: true, sha1_fingerprint: sha1 }) });
    const b = emptyRecord({ host: 'vm-b.corp.example', address: '10.0.0.22', certificate: certificate({ self_signed: true, sha1_fingerprint: sha1 }) });
    const fleet = diagnoseFleet([a, b]);
    expect([...fleet.keys()].sort()).toEqual(['vm-a.corp.example:3389', 'vm-b.corp.example:3389']);
    const fa = fleet.get('vm-a.corp.example:3389')!;
    expect(fa.map((f) => f.id)).toEqual(['cert_duplicate']);
    expect(fa[0]!.evidence).toContain(`certificate.sha1_fingerprint = "${sha1}"`);
    expect(fa[0]!.evidence).toContain('same certificate on: vm-b.corp.example:3389 (10.0.0.22)');
    expect(causesOf(fa[0]!)[0]!.text).toMatch(/sysprep/);
  });
});

describe('fleet rules', () => {
  const rec = (host: string, address: string | null, over: Partial<ProbeRecord> = {}): ProbeRecord => emptyRecord({ host, target: host, address, ...over });

  it('cert_duplicate ignores one machine seen on several ports or twice', () => {
    const c = certificate();
    const fleet = diagnoseFleet([rec('srv01', '10.0.0.11', { certificate: c }), rec('srv01', '10.0.0.11', { port: 3390, certificate: c })]);
    expect(fleet.size).toBe(0);
  });

  it('cert_duplicate on a CA-issued certificate ranks "shared on purpose" first', () => {
    const c = certificate({ subject_cn: 'farm.corp.example' });
    const fleet = diagnoseFleet([rec('sh1', '10.0.0.1', { certificate: c }), rec('sh2', '10.0.0.2', { certificate: c }), rec('sh3', '10.0.0.3', { certificate: c })]);
    const f = fleet.get('sh1:3389')![0]!;
    expect(causesOf(f)[0]!.text).toMatch(/deployed on purpose/);
    expect(f.evidence).toContain('same certificate on: sh2:3389 (10.0.0.2), sh3:3389 (10.0.0.3)');
  });

  it('cert_duplicate says nothing when certificates differ or were not measured', () => {
    expect(diagnoseFleet([rec('a', '10.0.0.1', { certificate: certificate({ sha1_fingerprint: 'AA' }) }), rec('b', '10.0.0.2', { certificate: certificate({ sha1_fingerprint: 'BB' }) })]).size).toBe(0);
    expect(diagnoseFleet([rec('a', '10.0.0.1'), rec('b', '10.0.0.2')]).size).toBe(0);
    expect(diagnoseFleet([]).size).toBe(0);
  });

  it('netbios_duplicate across distinct addresses, case-insensitively', () => {
    const a = rec('10.0.0.31', '10.0.0.31', { credssp: credssp({ ntlm: ntlm({ netbios_computer: 'WIN-GOLDEN' }) }) });
    const b = rec('10.0.0.32', '10.0.0.32', { credssp: credssp({ ntlm: ntlm({ netbios_computer: 'win-golden' }) }) });
    const c = rec('10.0.0.33', '10.0.0.33', { credssp: credssp({ ntlm: ntlm({ netbios_computer: 'OTHER' }) }) });
    const fleet = diagnoseFleet([a, b, c]);
    expect([...fleet.keys()].sort()).toEqual(['10.0.0.31:3389', '10.0.0.32:3389']);
    expect(fleet.get('10.0.0.31:3389')!.map((f) => f.id)).toEqual(['netbios_duplicate']);
    expect(fleet.get('10.0.0.31:3389')![0]!.evidence).toEqual(['credssp.ntlm.netbios_computer = "WIN-GOLDEN"', 'same NetBIOS name at: 10.0.0.32:3389']);
  });

  it('netbios_duplicate is silent for the same address on two ports and for unmeasured names', () => {
    const n = credssp({ ntlm: ntlm({ netbios_computer: 'SRV01' }) });
    expect(diagnoseFleet([rec('srv01', '10.0.0.11', { credssp: n }), rec('srv01', '10.0.0.11', { port: 3390, credssp: n })]).size).toBe(0);
    const none = credssp({ ntlm: ntlm({ netbios_computer: null }) });
    expect(diagnoseFleet([rec('a', '10.0.0.1', { credssp: none }), rec('b', '10.0.0.2', { credssp: none })]).size).toBe(0);
  });

  it('a host can get both fleet findings, sorted and without duplicates', () => {
    const same = { certificate: certificate({ self_signed: true }), credssp: credssp({ ntlm: ntlm({ netbios_computer: 'CLONE' }) }) };
    const fleet = diagnoseFleet([rec('a', '10.0.0.1', same), rec('b', '10.0.0.2', same)]);
    expect(fleet.get('a:3389')!.map((f) => f.id)).toEqual(['cert_duplicate', 'netbios_duplicate']);
  });
});
