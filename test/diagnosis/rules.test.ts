import { causesOf, explained } from '../helpers/findings.js';
import { suite } from '../helpers/record-factory.js';
import { describe, expect, it } from 'vitest';
import { catalog, diagnose } from '../../src/diagnosis/index.js';
import type { Finding, ProbeRecord } from '../../src/record.js';
import {
  alert,
  certificate,
  credssp,
  emptyRecord,
  ended,
  healthyRecord,
  ids,
  ntlm,
  protocols,
  rdpSecurity,
  refuses,
  selects,
  tls,
} from './factory.js';

function find(record: ProbeRecord, id: string, opts?: Parameters<typeof diagnose>[1]): Finding | undefined {
  return diagnose(record, opts).find((f) => f.id === id);
}

function expectFires(record: ProbeRecord, id: string, evidence: string[], opts?: Parameters<typeof diagnose>[1]): Finding {
  const f = find(record, id, opts);
  expect(f, `${id} should fire`).toBeDefined();
  for (const e of evidence) expect(f!.evidence).toContain(e);
  return f!;
}

function expectSilent(record: ProbeRecord, id: string, opts?: Parameters<typeof diagnose>[1]): void {
  expect(find(record, id, opts), `${id} should not fire`).toBeUndefined();
}

describe('baseline records', () => {
  it('a record with nothing measured yields no finding', () => {
    expect(diagnose(emptyRecord())).toEqual([]);
  });

  it('a healthy Windows Server 2022 yields no finding', () => {
    expect(diagnose(healthyRecord())).toEqual([]);
  });
});

describe('reachability', () => {
  it('unreachable: refused ranks "RDP disabled / service stopped" first', () => {
    const r = emptyRecord({ status: 'unreachable', failure: { stage: 'tcp', reason: 'refused', detail: null } });
    const f = expectFires(r, 'unreachable', ['failure.reason = "refused"']);
    expect(causesOf(f)[0]!.text).toMatch(/fDenyTSConnections/);
    expect(causesOf(f).some((c) => /does not resolve/.test(c.text))).toBe(false);
    expect(explained(f, r).checks).toContain('Test-NetConnection -ComputerName srv01.corp.example -Port 3389');
  });

  it('unreachable: a timeout ranks the firewall first; a DNS failure ranks DNS first', () => {
    const t = expectFires(emptyRecord({ status: 'unreachable', failure: { stage: 'tcp', reason: 'timeout', detail: null } }), 'unreachable', []);
    expect(causesOf(t)[0]!.text).toMatch(/firewall/);
    const d = expectFires(emptyRecord({ status: 'unreachable', failure: { stage: 'dns', reason: 'not_found', detail: null } }), 'unreachable', ['failure.stage = "dns"']);
    expect(causesOf(d)[0]!.text).toMatch(/does not resolve/);
  });

  it('checks name the scanned port when it is not 3389', () => {
    const r = emptyRecord({ port: 3390, status: 'unreachable', failure: { stage: 'tcp', reason: 'refused', detail: null } });
    const f = expectFires(r, 'unreachable', []);
    expect(explained(f, r).checks).toContain('netstat -ano | findstr :3390');
    expect(explained(f, r).checks.join('\n')).not.toMatch(/3389/);
  });

  it('not_rdp cites what answered', () => {
    const r = emptyRecord({
      status: 'not_rdp',
      failure: { stage: 'x224', reason: 'not_tpkt', detail: 'not an RDP service: first bytes 485454502f "HTTP/1.1 400"' },
      protocols: protocols({ rdp: { ...selects('rdp', 'rdp'), supported: null, response: 'not_tpkt', selected: null, detail: 'HTTP/1.1 400' } }),
    });
    expectFires(r, 'not_rdp', ['status = "not_rdp"', 'protocols.rdp.response = "not_tpkt"']);
    expect(ids(diagnose(r))).toEqual(['not_rdp']);
  });

  it('protocol_error names the stage, and gives way to a TLS diagnosis that explains it', () => {
    const mcs = emptyRecord({ status: 'error', failure: { stage: 'mcs', reason: 'reset', detail: null } });
    const f = expectFires(mcs, 'protocol_error', ['failure.stage = "mcs"']);
    expect(causesOf(f)[0]!.text).toMatch(/encryption level/);

    const tlsBroken = emptyRecord({
      status: 'error',
      failure: { stage: 'tls', reason: 'reset', detail: null },
      protocols: protocols({ ssl: selects('ssl', 'ssl') }),
      tls: tls({ 'tls1.0': false, 'tls1.2': false }, { 'tls1.0': { refusal: ended('reset') }, 'tls1.2': { refusal: ended('reset') } }),
    });
    expect(ids(diagnose(tlsBroken))).toContain('tls_failed_all_versions');
    expectSilent(tlsBroken, 'protocol_error');
  });

  it('status ok says nothing about reachability', () => {
    for (const id of ['unreachable', 'not_rdp', 'protocol_error']) expectSilent(healthyRecord(), id);
  });
});

describe('negotiation', () => {
  it('negotiation_cert_not_on_server', () => {
    const r = emptyRecord({ protocols: protocols({ ssl: refuses('ssl', 'SSL_CERT_NOT_ON_SERVER'), hybrid: refuses('hybrid', 'SSL_CERT_NOT_ON_SERVER') }) });
    const f = expectFires(r, 'negotiation_cert_not_on_server', ['protocols.ssl.failure_code = "SSL_CERT_NOT_ON_SERVER"']);
    expect(f.severity).toBe('critical');
    expect(explained(f).event_ids).toContain('Microsoft-Windows-TerminalServices-RemoteConnectionManager 1057');
    expectSilent(emptyRecord({ protocols: protocols() }), 'negotiation_cert_not_on_server');
  });

  it('nla_not_required from the prober verdict, or from a non-hybrid request the server accepted', () => {
    const verdict = emptyRecord({ nla_required: false, protocols: protocols({ ssl: selects('ssl', 'ssl') }) });
    expectFires(verdict, 'nla_not_required', ['nla_required = false', 'protocols.ssl.selected = "ssl"']);
    const derived = emptyRecord({ protocols: protocols({ rdp: selects('rdp', 'rdp') }) });
    expectFires(derived, 'nla_not_required', ['protocols.rdp.selected = "rdp"']);
  });

  it('nla_not_required is silent when NLA is required or nothing was measured', () => {
    expectSilent(emptyRecord({ nla_required: true, protocols: protocols({ rdp: selects('rdp', 'rdp') }) }), 'nla_not_required');
    expectSilent(emptyRecord({ protocols: protocols() }), 'nla_not_required');
    expectSilent(emptyRecord(), 'nla_not_required');
  });

  it('nla_not_required: SSL_NOT_ALLOWED_BY_SERVER confirms the RDP security layer', () => {
    const r = emptyRecord({
      nla_required: false,
      protocols: protocols({ rdp: selects('rdp', 'rdp'), ssl: refuses('ssl', 'SSL_NOT_ALLOWED_BY_SERVER'), hybrid: refuses('hybrid', 'SSL_NOT_ALLOWED_BY_SERVER') }),
    });
    const f = expectFires(r, 'nla_not_required', []);
    expect(causesOf(f)[0]).toMatchObject({ certainty: 'confirmed' });
    expect(causesOf(f)[0]!.text).toMatch(/SecurityLayer 0/);
  });

  it('negotiation_inconsistent: a protocol selected that was not requested', () => {
    const r = emptyRecord({ protocols: protocols({ ssl: { ...selects('ssl', 'hybrid'), supported: false } }) });
    const f = expectFires(r, 'negotiation_inconsistent', []);
    expect(f.evidence[0]).toMatch(/^protocols\.ssl\.selected = "hybrid" while protocols\.ssl\.requested = \["PROTOCOL_SSL"\]$/);
  });

  it('negotiation_inconsistent: a refusal contradicted by another answer', () => {
    const r = emptyRecord({ protocols: protocols({ rdp: refuses('rdp', 'SSL_REQUIRED_BY_SERVER'), ssl: refuses('ssl', 'SSL_NOT_ALLOWED_BY_SERVER'), hybrid: selects('hybrid', 'hybrid') }) });
    expectFires(r, 'negotiation_inconsistent', ['protocols.ssl.failure_code = "SSL_NOT_ALLOWED_BY_SERVER"', 'protocols.hybrid.supported = true']);
  });

  it('negotiation_inconsistent stays silent for a consistent Windows or xrdp answer set', () => {
    expectSilent(healthyRecord(), 'negotiation_inconsistent');
    const xrdp = emptyRecord({ protocols: protocols({ rdp: selects('rdp', 'rdp'), ssl: selects('ssl', 'rdp'), hybrid: selects('hybrid', 'rdp') }) });
    expectSilent(xrdp, 'negotiation_inconsistent');
  });
});

describe('Standard RDP Security', () => {
  it('standard_rdp_security_allowed when RDP is selected, with the proprietary key size', () => {
    const r = emptyRecord({
      protocols: protocols({ rdp: selects('rdp', 'rdp'), ssl: refuses('ssl', 'SSL_NOT_ALLOWED_BY_SERVER') }),
      rdp_security: rdpSecurity({ encryption_level: 'high', encryption_methods: ['128bit'], server_certificate: { type: 'proprietary', temporary: false, key_bits: 512, exponent: 65537, chain_length: null, leaf: null } }),
    });
    const f = expectFires(r, 'standard_rdp_security_allowed', ['protocols.rdp.supported = true', 'rdp_security.server_certificate.key_bits = 512']);
    expect(causesOf(f).some((c) => /predates negotiation/.test(c.text))).toBe(false);
  });

  it('rdp_server_key_weak: a Standard Security key under 2048 bits (the 512-bit proprietary one, an oddly labelled X.509 one), not a 2048-bit one', () => {
    const proprietary = emptyRecord({ rdp_security: rdpSecurity({ server_certificate: { type: 'proprietary', temporary: true, key_bits: 512, exponent: 65537, chain_length: null, leaf: null } }) });
    expectFires(proprietary, 'rdp_server_key_weak', ['rdp_security.server_certificate.key_bits = 512', 'rdp_security.server_certificate.temporary = true']);
    const x509 = emptyRecord({
      rdp_security: rdpSecurity({ server_certificate: { type: 'x509', temporary: false, key_bits: 1024, exponent: null, chain_length: 2, leaf: certificate({ key_bits: 1024, key_oid: '1.3.14.3.2.15' }) } }),
    });
    expectFires(x509, 'rdp_server_key_weak', ['rdp_security.server_certificate.key_bits = 1024', 'rdp_security.server_certificate.leaf.key_oid = "1.3.14.3.2.15"']);
    const strong = emptyRecord({ rdp_security: rdpSecurity({ server_certificate: { type: 'proprietary', temporary: false, key_bits: 2048, exponent: 65537, chain_length: null, leaf: null } }) });
    expect(diagnose(strong).map((f) => f.id)).not.toContain('rdp_server_key_weak');
  });

  it('standard_rdp_security_allowed for an old server that ignores negotiation', () => {
    const old = { ...selects('rdp', 'rdp'), response: 'no_negotiation' as const };
    const f = expectFires(emptyRecord({ protocols: protocols({ rdp: old }) }), 'standard_rdp_security_allowed', ['protocols.rdp.response = "no_negotiation"']);
    expect(causesOf(f)[0]!.text).toMatch(/predates negotiation/);
  });

  it('standard_rdp_security_allowed is silent when RDP is refused or unmeasured', () => {
    expectSilent(healthyRecord(), 'standard_rdp_security_allowed');
    expectSilent(emptyRecord({ protocols: protocols() }), 'standard_rdp_security_allowed');
  });

  it('weak_rdp_encryption on 40/56-bit methods or a low level', () => {
    const methods = emptyRecord({ rdp_security: rdpSecurity({ encryption_level: 'high', encryption_methods: ['56bit', '128bit'], methods_tested: { '40bit': false, '56bit': true, '128bit': true, fips: false } }) });
    expectFires(methods, 'weak_rdp_encryption', ['rdp_security.methods_tested["56bit"] = true']);
    const level = emptyRecord({ rdp_security: rdpSecurity({ encryption_level: 'client_compatible', encryption_methods: ['128bit'] }) });
    expectFires(level, 'weak_rdp_encryption', ['rdp_security.encryption_level = "client_compatible"']);
  });

  it('weak_rdp_encryption is silent at level high with 128-bit only, and when unmeasured', () => {
    const high = emptyRecord({ rdp_security: rdpSecurity({ encryption_level: 'high', encryption_methods: ['128bit'], methods_tested: { '40bit': false, '56bit': false, '128bit': true, fips: false } }) });
    expectSilent(high, 'weak_rdp_encryption');
    expectSilent(emptyRecord({ rdp_security: rdpSecurity() }), 'weak_rdp_encryption');
    // level 0 is also what a TLS connection reports: not "no encryption" unless Standard Security is in use
    expectSilent(emptyRecord({ rdp_security: rdpSecurity({ encryption_level: 'none' }) }), 'weak_rdp_encryption');
  });

  it('rdp_fips_only', () => {
    const r = emptyRecord({ rdp_security: rdpSecurity({ encryption_level: 'fips', encryption_methods: ['fips'] }) });
    const f = expectFires(r, 'rdp_fips_only', ['rdp_security.encryption_level = "fips"']);
    expect(f.severity).toBe('info');
    expectSilent(emptyRecord({ rdp_security: rdpSecurity() }), 'rdp_fips_only');
  });
});

describe('TLS', () => {
  it('tls_legacy_enabled names each old version accepted', () => {
    const r = emptyRecord({ tls: tls({ 'tls1.0': true, 'tls1.1': true, 'tls1.2': true }) });
    expectFires(r, 'tls_legacy_enabled', ['tls.versions["tls1.0"] = true', 'tls.versions["tls1.1"] = true']);
    expectSilent(r, 'tls12_missing');
  });

  it('tls_legacy_enabled is silent when the old versions are refused or untested', () => {
    expectSilent(healthyRecord(), 'tls_legacy_enabled');
    expectSilent(emptyRecord({ tls: tls({ 'tls1.2': true }) }), 'tls_legacy_enabled');
  });

  it('tls12_missing when only TLS 1.0 works; Windows 7 / 2008 R2 points at KB3080079', () => {
    const r = emptyRecord({
      tls: tls({ 'tls1.0': true, 'tls1.1': false, 'tls1.2': false }, { 'tls1.2': { refusal: alert('handshake_failure', 40) } }),
      credssp: credssp({ version: 3, ntlm: ntlm({ os_version: '6.1.7601' }) }),
    });
    const f = expectFires(r, 'tls12_missing', ['tls.versions["tls1.2"] = false', 'tls.versions["tls1.0"] = true', 'credssp.ntlm.os_version = "6.1.7601"']);
    expect(causesOf(f)[0]!.text).toMatch(/KB3080079/);
    expect(f.severity).toBe('high');
  });

  it('tls12_missing on a newer Windows rules KB3080079 out', () => {
    const r = emptyRecord({ tls: tls({ 'tls1.0': true, 'tls1.2': false }), credssp: credssp({ ntlm: ntlm({ os_version: '10.0.17763' }) }) });
    const f = expectFires(r, 'tls12_missing', []);
    expect(causesOf(f).some((c) => /KB3080079/.test(c.text))).toBe(false);
  });

  it('tls12_missing is silent when TLS 1.2 works, is untested, or nothing older works', () => {
    expectSilent(emptyRecord({ tls: tls({ 'tls1.0': true, 'tls1.2': true }) }), 'tls12_missing');
    expectSilent(emptyRecord({ tls: tls({ 'tls1.0': true }) }), 'tls12_missing');
    expectSilent(emptyRecord({ tls: tls({ 'tls1.0': false, 'tls1.2': false }) }), 'tls12_missing');
  });

  it('tls_failed_all_versions ranks the private key first when the server drops every handshake', () => {
    const r = emptyRecord({
      protocols: protocols({ ssl: selects('ssl', 'ssl') }),
      tls: tls(
        { 'tls1.0': false, 'tls1.1': false, 'tls1.2': false, 'tls1.3': false },
        { 'tls1.0': { refusal: ended('reset') }, 'tls1.1': { refusal: ended('reset') }, 'tls1.2': { refusal: ended('closed') }, 'tls1.3': { refusal: ended('reset') } },
      ),
    });
    const f = expectFires(r, 'tls_failed_all_versions', ['protocols.ssl.supported = true', 'tls.versions["tls1.2"] = false', 'tls.attempts["tls1.0"].refusal.kind = "reset"']);
    expect(causesOf(f)[0]).toMatchObject({ certainty: 'likely' });
    expect(causesOf(f)[0]!.text).toMatch(/private key/);
    expect(causesOf(f)[1]!.text).toMatch(/36871/);
    expect(explained(f).event_ids).toEqual(expect.arrayContaining(['Schannel 36870', 'Schannel 36872', 'Schannel 36871']));
    expect(explained(f).remediation.join('\n')).toMatch(/MachineKeys/);
    expect(explained(f).remediation.join('\n')).toMatch(/SessionEnv/);
  });

  it('tls_failed_all_versions on a pre-RDP 10 server ranks the TLS 1.0-only stack (Schannel 36871 / 10013) first', () => {
    const r = emptyRecord({
      protocols: protocols({ rdp: selects('rdp', 'rdp'), ssl: selects('ssl', 'ssl') }),
      tls: tls({ 'tls1.0': false, 'tls1.2': false }, { 'tls1.0': { refusal: ended('reset') }, 'tls1.2': { refusal: ended('reset') } }),
      rdp_security: rdpSecurity({ encryption_level: 'client_compatible', server_version_raw: '0x00080004' }),
    });
    const f = expectFires(r, 'tls_failed_all_versions', ['rdp_security.server_version_raw = "0x00080004"']);
    expect(causesOf(f)[0]).toMatchObject({ certainty: 'likely' });
    expect(causesOf(f)[0]!.text).toMatch(/36871 with internal error state 10013/);
    const modern = emptyRecord({ ...r, rdp_security: rdpSecurity({ server_version_raw: '0x0008000c' }) });
    expect(causesOf(find(modern, 'tls_failed_all_versions')!)[0]!.text).toMatch(/private key/);
  });

  it('tls_failed_all_versions ranks the cipher/version policy first when every refusal is a handshake_failure alert', () => {
    const a = { refusal: alert('handshake_failure', 40) };
    const r = emptyRecord({
      protocols: protocols({ hybrid: selects('hybrid', 'hybrid') }),
      tls: tls({ 'tls1.0': false, 'tls1.1': false, 'tls1.2': false }, { 'tls1.0': a, 'tls1.1': a, 'tls1.2': a }, { via: 'hybrid' }),
    });
    const f = expectFires(r, 'tls_failed_all_versions', ['tls.attempts["tls1.2"].refusal.alert_description = "handshake_failure"']);
    expect(causesOf(f)[0]!.text).toMatch(/cipher suite/);
    expect(causesOf(f).find((c) => /private key/.test(c.text))!.certainty).toBe('possible');
  });

  it('tls_failed_all_versions needs the server to have selected TLS, and a failure on every tested version', () => {
    const allFalse = tls({ 'tls1.0': false, 'tls1.2': false }, {}, { via: null });
    expectSilent(emptyRecord({ tls: allFalse, protocols: protocols({ ssl: refuses('ssl', 'SSL_NOT_ALLOWED_BY_SERVER') }) }), 'tls_failed_all_versions');
    expectSilent(emptyRecord({ protocols: protocols({ ssl: selects('ssl', 'ssl') }), tls: tls({ 'tls1.0': false, 'tls1.2': true }) }), 'tls_failed_all_versions');
    expectSilent(emptyRecord({ protocols: protocols({ ssl: selects('ssl', 'ssl') }), tls: tls({}) }), 'tls_failed_all_versions');
  });

  it('tls_weak_cipher on RC4 or 3DES, not on AES-GCM', () => {
    expectFires(emptyRecord({ tls: tls({ 'tls1.0': true }, {}, { cipher: 'RC4-SHA' }) }), 'tls_weak_cipher', ['tls.cipher = "RC4-SHA"']);
    expectFires(emptyRecord({ tls: tls({ 'tls1.0': true }, { 'tls1.0': { cipher: 'TLS_RSA_WITH_3DES_EDE_CBC_SHA' } }) }), 'tls_weak_cipher', [
      'tls.attempts["tls1.0"].cipher = "TLS_RSA_WITH_3DES_EDE_CBC_SHA"',
    ]);
    expectSilent(emptyRecord({ tls: tls({ 'tls1.2': true }, {}, { cipher: 'ECDHE-RSA-AES128-GCM-SHA256' }) }), 'tls_weak_cipher');
    expectSilent(emptyRecord({ tls: tls({}, {}, { cipher: null }) }), 'tls_weak_cipher');
  });
});

describe('certificate', () => {
  const withCert = (over: Parameters<typeof certificate>[0]): ProbeRecord => emptyRecord({ certificate: certificate(over) });

  it('cert_expired, not cert_expiring_soon', () => {
    const r = withCert({ expired: true, days_remaining: -3, not_after: '2026-11-19T00:00:00.000Z', self_signed: true });
    const f = expectFires(r, 'cert_expired', ['certificate.expired = true', 'certificate.days_remaining = -3']);
    expect(causesOf(f)[0]!.text).toMatch(/self-signed/);
    expectSilent(r, 'cert_expiring_soon');
  });

  it('cert_expiring_soon within the default 30 days and a configured threshold', () => {
    const r = withCert({ days_remaining: 12 });
    expectFires(r, 'cert_expiring_soon', ['certificate.days_remaining = 12']);
    expectSilent(r, 'cert_expiring_soon', { certExpiryDays: 10 });
    expectFires(withCert({ days_remaining: 45 }), 'cert_expiring_soon', ['certificate.days_remaining = 45'], { certExpiryDays: 60 });
    expectSilent(withCert({ days_remaining: 45 }), 'cert_expiring_soon');
  });

  it('the now option judges the dates again', () => {
    const r = withCert({ not_after: '2027-01-10T00:00:00.000Z', days_remaining: 49 });
    expectSilent(r, 'cert_expiring_soon');
    const soon = expectFires(r, 'cert_expiring_soon', [], { now: new Date('2027-01-01T00:00:00.000Z') });
    expect(soon.evidence[0]).toMatch(/certificate\.not_after = "2027-01-10T00:00:00.000Z" \(judged at 2027-01-01T00:00:00.000Z, 9 days remaining\)/);
    expectFires(r, 'cert_expired', [], { now: new Date('2027-02-01T00:00:00.000Z') });
  });

  it('cert_not_yet_valid', () => {
    expectFires(withCert({ not_yet_valid: true, not_before: '2026-12-01T00:00:00.000Z' }), 'cert_not_yet_valid', ['certificate.not_yet_valid = true']);
  });

  it('cert_self_signed is informational and says it is normal', () => {
    const f = expectFires(withCert({ self_signed: true, issuer: 'CN=srv01.corp.example' }), 'cert_self_signed', ['certificate.self_signed = true']);
    expect(f.severity).toBe('info');
    expect(causesOf(f)[0]!.certainty).toBe('confirmed');
  });

  it('cert_weak_key below 2048-bit RSA only', () => {
    expectFires(withCert({ key_bits: 1024 }), 'cert_weak_key', ['certificate.key_bits = 1024']);
    expectSilent(withCert({ key_bits: 2048 }), 'cert_weak_key');
    expectSilent(withCert({ key_type: 'EC', key_bits: 256 }), 'cert_weak_key');
    expectSilent(withCert({ key_bits: null }), 'cert_weak_key');
  });

  it('cert_weak_signature for SHA-1 and MD5 in any spelling', () => {
    for (const alg of ['sha1WithRSAEncryption', 'SHA1withRSA', 'ecdsa-with-SHA1', 'md5WithRSAEncryption', 'RSASSA-PKCS1-v1_5 SHA-1', 'unknown(1.2.840.113549.1.1.5)']) {
      expectFires(withCert({ signature_algorithm: alg }), 'cert_weak_signature', [`certificate.signature_algorithm = ${JSON.stringify(alg)}`]);
    }
    for (const alg of ['sha256WithRSAEncryption', 'ecdsa-with-SHA384', 'SHA-256', 'rsassaPss', 'sha512WithRSAEncryption']) {
      expectSilent(withCert({ signature_algorithm: alg }), 'cert_weak_signature');
    }
  });

  it('cert_name_mismatch when neither the scanned name nor the NTLM name is covered', () => {
    const r = emptyRecord({ certificate: certificate({ subject_cn: 'other.corp.example', san: ['dns:other.corp.example'] }) });
    expectFires(r, 'cert_name_mismatch', ['certificate.subject_cn = "other.corp.example"', 'host = "srv01.corp.example"']);
  });

  it('cert_name_mismatch: a short scanned name ranks "use the full name" first', () => {
    const f = expectFires(emptyRecord({ host: 'SRV01', certificate: certificate() }), 'cert_name_mismatch', ['host = "SRV01"']);
    expect(causesOf(f)[0]!.text).toMatch(/short name/);
    const other = expectFires(emptyRecord({ certificate: certificate({ subject_cn: 'old.corp.example', san: [], self_signed: true }) }), 'cert_name_mismatch', []);
    expect(causesOf(other)[0]!.text).toMatch(/renamed/);
    expect(causesOf(other).some((c) => /short name/.test(c.text))).toBe(false);
  });

  it('negotiation_inconsistent ignores what servers answer to RDSTLS- or RDSAAD-only requests', () => {
    const r = emptyRecord({ protocols: protocols({ hybrid: selects('hybrid', 'hybrid'), rdstls: { ...selects('rdstls', 'hybrid'), supported: false }, rdsaad: refuses('rdsaad', 'SSL_NOT_ALLOWED_BY_SERVER') }) });
    expectSilent(r, 'negotiation_inconsistent');
  });

  it('cert_name_mismatch: wildcards, the NTLM name, SAN case and IP targets', () => {
    expectSilent(emptyRecord({ certificate: certificate({ subject_cn: 'x', san: ['dns:*.corp.example'] }) }), 'cert_name_mismatch');
    expectFires(emptyRecord({ host: 'a.b.corp.example', certificate: certificate({ subject_cn: '*.corp.example', san: [] }) }), 'cert_name_mismatch', []);
    expectSilent(emptyRecord({ host: 'SRV01.CORP.EXAMPLE.', certificate: certificate() }), 'cert_name_mismatch');
    // scanned by alias, but the certificate names the computer itself, as NTLM confirms
    expectSilent(emptyRecord({ host: 'rdp-alias.corp.example', certificate: certificate(), credssp: credssp() }), 'cert_name_mismatch');
    // a bare IP with no NTLM name: nothing to compare
    expectSilent(emptyRecord({ host: '10.0.0.11', certificate: certificate({ subject_cn: 'other' , san: [] }) }), 'cert_name_mismatch');
    // a bare IP with the NTLM name
    expectFires(emptyRecord({ host: '10.0.0.11', certificate: certificate({ subject_cn: 'other', san: [] }), credssp: credssp() }), 'cert_name_mismatch', [
      'credssp.ntlm.dns_computer = "srv01.corp.example"',
    ]);
    expectSilent(emptyRecord({ host: '10.0.0.11', certificate: certificate({ subject_cn: 'other', san: ['ip:10.0.0.11'] }) }), 'cert_name_mismatch');
  });

  it('certificate rules are silent without a certificate', () => {
    const r = emptyRecord({ tls: tls({ 'tls1.2': true }) });
    expect(diagnose(r)).toEqual([]);
  });
});

describe('CredSSP and NTLM', () => {
  it('credssp_outdated below version 5', () => {
    const f = expectFires(emptyRecord({ credssp: credssp({ version: 3 }) }), 'credssp_outdated', ['credssp.version = 3']);
    expect(explained(f).checks).toContain('reg query "HKLM\\SOFTWARE\\Microsoft\\Windows\\CurrentVersion\\Policies\\System\\CredSSP\\Parameters" /v AllowEncryptionOracle');
    expectSilent(emptyRecord({ credssp: credssp({ version: 5 }) }), 'credssp_outdated');
    expectSilent(emptyRecord({ credssp: credssp({ version: null }) }), 'credssp_outdated');
  });

  it('credssp_error ranks the cause the NTSTATUS points at', () => {
    const r = emptyRecord({ credssp: credssp({ error_code: { hex: '0xC000015B', name: 'STATUS_LOGON_TYPE_NOT_GRANTED' }, ntlm: null }) });
    const f = expectFires(r, 'credssp_error', ['credssp.error_code = 0xC000015B (STATUS_LOGON_TYPE_NOT_GRANTED)']);
    expect(causesOf(f)[0]).toMatchObject({ certainty: 'likely' });
    expect(causesOf(f)[0]!.text).toMatch(/Allow log on through Remote Desktop Services/);
    const oracle = expectFires(emptyRecord({ credssp: credssp({ error_code: { hex: '0xc00000bb', name: 'STATUS_NOT_SUPPORTED' } }) }), 'credssp_error', []);
    expect(causesOf(oracle)[0]!.text).toMatch(/oracle/);
    expectSilent(emptyRecord({ credssp: credssp() }), 'credssp_error');
  });

  it('clock_skew beyond 300 s either way, and says the prober may be wrong', () => {
    const f = expectFires(emptyRecord({ credssp: credssp({ ntlm: ntlm({ clock_skew_seconds: -742 }) }) }), 'clock_skew', ['credssp.ntlm.clock_skew_seconds = -742']);
    expect(causesOf(f).map((c) => c.text).join(' ')).toMatch(/rdprobe is wrong/);
    expectSilent(emptyRecord({ credssp: credssp({ ntlm: ntlm({ clock_skew_seconds: 300 }) }) }), 'clock_skew');
    expectSilent(emptyRecord({ credssp: credssp({ ntlm: ntlm({ clock_skew_seconds: 400 }) }) }), 'clock_skew', { maxClockSkewSeconds: 600 });
    expectSilent(emptyRecord({ credssp: credssp({ ntlm: ntlm({ clock_skew_seconds: null }) }) }), 'clock_skew');
  });

  it('os_unsupported judges the NTLM build (the cases are in windows-releases.test.ts)', () => {
    expectFires(emptyRecord({ credssp: credssp({ ntlm: ntlm({ os_version: '6.3.9600' }) }) }), 'os_unsupported', ['credssp.ntlm.os_version = "6.3.9600" (build 9600: Windows 8.1 / Windows Server 2012 R2)']);
    expectSilent(emptyRecord({ credssp: credssp({ ntlm: ntlm({ os_version: '10.0.26100' }) }) }), 'os_unsupported');
    expectSilent(emptyRecord({ credssp: credssp({ ntlm: ntlm({ os_version: null }) }) }), 'os_unsupported');
  });
});

describe('host identity', () => {
  it('host_identity_mismatch when the server names itself differently from its certificate', () => {
    const r = emptyRecord({
      certificate: certificate({ self_signed: true, subject_cn: 'OLDNAME.corp.example', san: [] }),
      credssp: credssp({ ntlm: ntlm({ netbios_computer: 'BROKER01', dns_computer: 'broker01.corp.example' }) }),
      host: 'broker01.corp.example',
    });
    const f = expectFires(r, 'host_identity_mismatch', ['certificate.subject_cn = "OLDNAME.corp.example"', 'credssp.ntlm.netbios_computer = "BROKER01"']);
    expect(causesOf(f)[0]!.text).toMatch(/renamed/);
    expect(explained(f).event_ids).toEqual(expect.arrayContaining(['Microsoft-Windows-TerminalServices-SessionBroker 2056', 'Microsoft-Windows-TerminalServices-SessionBroker-Client 1296']));
  });

  it('host_identity_mismatch when only the scanned name differs ranks alias / stale DNS first', () => {
    const r = emptyRecord({ host: 'fileserver.corp.example', credssp: credssp() });
    const f = expectFires(r, 'host_identity_mismatch', ['host = "fileserver.corp.example"', 'credssp.ntlm.dns_computer = "srv01.corp.example"']);
    expect(causesOf(f)[0]!.text).toMatch(/alias/);
  });

  it('host_identity_mismatch compares first labels case-insensitively and NetBIOS names on 15 characters', () => {
    const long = emptyRecord({
      host: 'RemoteDesktop-Prod01.corp.example',
      credssp: credssp({ ntlm: ntlm({ netbios_computer: 'REMOTEDESKTOP-P', dns_computer: 'remotedesktop-prod01.corp.example' }) }),
    });
    expectSilent(long, 'host_identity_mismatch');
    expectSilent(healthyRecord(), 'host_identity_mismatch');
  });

  it('host_identity_mismatch is silent with fewer than two names (bare IP, no NTLM)', () => {
    expectSilent(emptyRecord({ host: '10.0.0.11', credssp: credssp({ ntlm: ntlm({ netbios_computer: null, dns_computer: 'srv01.corp.example' }) }) }), 'host_identity_mismatch');
    expectSilent(emptyRecord({ host: 'other.corp.example' }), 'host_identity_mismatch');
    // a CA-issued certificate may name a farm: not an identity
    expectSilent(emptyRecord({ certificate: certificate({ subject_cn: 'farm.corp.example' }), credssp: credssp() }), 'host_identity_mismatch');
  });
});

describe('ordering and shape', () => {
  it('findings are sorted most severe first with a stable order', () => {
    const r = emptyRecord({
      nla_required: false,
      protocols: protocols({ rdp: selects('rdp', 'rdp'), ssl: selects('ssl', 'ssl') }),
      tls: tls({ 'tls1.0': true, 'tls1.2': true }),
      certificate: certificate({ self_signed: true, days_remaining: 5, subject_cn: 'srv01.corp.example' }),
    });
    const found = diagnose(r);
    const order = ['info', 'low', 'medium', 'high', 'critical'];
    const ranks = found.map((f) => order.indexOf(f.severity));
    expect([...ranks].sort((a, b) => b - a)).toEqual(ranks);
    expect(diagnose(r).map((f) => f.id)).toEqual(found.map((f) => f.id));
    expect(found.map((f) => f.id)).toEqual(['standard_rdp_security_allowed', 'nla_not_required', 'tls_legacy_enabled', 'cert_expiring_soon', 'cert_self_signed']);
  });

  it('findings carry the ranked cause ids and their certainty, not the catalog text (lean records)', () => {
    const f = diagnose(emptyRecord({ status: 'unreachable', failure: { stage: 'tcp', reason: 'refused', detail: null } }))[0]!;
    expect(Object.keys(f).sort()).toEqual(['causes', 'evidence', 'id', 'severity', 'title']);
    for (const [id, certainty] of Object.entries(f.causes)) {
      expect(catalog.unreachable.causes.map((c) => c.id)).toContain(id);
      expect(['confirmed', 'likely', 'possible']).toContain(certainty);
    }
  });
});

describe('TLS surface and chain trust', () => {
  const withTls = (over: Record<string, unknown>) => ({ ...healthyRecord(), tls: { ...healthyRecord().tls!, ...over } }) as ProbeRecord;
  const withCert = (over: Record<string, unknown>) => ({ ...healthyRecord(), certificate: certificate(over) }) as ProbeRecord;

  it('cert_untrusted for a CA-issued certificate that does not chain; self-signed and incomplete chains have their own', () => {
    expectFires(withCert({ trusted: false, trust_error: 'unknown_issuer' }), 'cert_untrusted', ['certificate.trusted = false', 'certificate.trust_error = "unknown_issuer"']);
    expectSilent(withCert({ trusted: false, trust_error: 'self_signed', self_signed: true }), 'cert_untrusted');
    const incomplete = withCert({ trusted: false, trust_error: 'incomplete_chain' });
    expectFires(incomplete, 'cert_chain_incomplete', ['certificate.trust_error = "incomplete_chain"']);
    expectSilent(incomplete, 'cert_untrusted');
    // Not measured (no chain judged): silent.
    expectSilent(withCert({ trusted: null, trust_error: null }), 'cert_untrusted');
    expectSilent(withCert({ trusted: true }), 'cert_untrusted');
  });

  it('tls_weak_dh below 2048 bits only; tls_no_secure_renegotiation only on false', () => {
    expectFires(withTls({ dh_bits: 1024 }), 'tls_weak_dh', ['tls.dh_bits = 1024']);
    expectSilent(withTls({ dh_bits: 2048 }), 'tls_weak_dh');
    expectSilent(withTls({ dh_bits: null }), 'tls_weak_dh');
    expectFires(withTls({ secure_renegotiation: false }), 'tls_no_secure_renegotiation', ['tls.secure_renegotiation = false']);
    expectSilent(withTls({ secure_renegotiation: null }), 'tls_no_secure_renegotiation');
  });

  it('the suite rules read only the deep mode list; tls_weak_cipher gives way to the specific ones', () => {
    const legacy = withTls({ cipher_suites: { 'tls1.0': [suite(0x0005), suite(0x000a), suite(0x002f)] }, attempts: { ...healthyRecord().tls!.attempts, 'tls1.0': { accepted: true, cipher: 'TLS_RSA_WITH_RC4_128_SHA', refusal: null } } });
    for (const id of ['tls_rc4', 'tls_3des', 'tls_no_pfs', 'tls_cbc_only']) expect(ids(diagnose(legacy)), id).toContain(id);
    expectSilent(legacy, 'tls_weak_cipher');
    expectSilent(legacy, 'tls_null_export_anon');
    expectFires(withTls({ cipher_suites: { 'tls1.2': [suite(0x0018), suite(0xc02f)] } }), 'tls_null_export_anon', ['tls.cipher_suites["tls1.2"] = "TLS_DH_anon_WITH_RC4_128_MD5"']);
    // An AEAD suite anywhere: not CBC-only; no list at all: nothing fires.
    expectSilent(withTls({ cipher_suites: { 'tls1.2': [suite(0x002f), suite(0xc02f)] } }), 'tls_cbc_only');
    for (const id of ['tls_rc4', 'tls_3des', 'tls_no_pfs', 'tls_cbc_only']) expectSilent(withTls({ cipher_suites: null }), id);
  });

  it('ssl2_enabled / ssl3_enabled on true only (null: the deep mode did not run)', () => {
    expectFires(withTls({ versions: { ...healthyRecord().tls!.versions, 'ssl3.0': true } }), 'ssl3_enabled', ['tls.versions["ssl3.0"] = true']);
    expectSilent(withTls({ versions: { ...healthyRecord().tls!.versions, 'ssl3.0': null } }), 'ssl3_enabled');
  });

  it('tls_failed_all_versions fires when versions are answered but the modern client\'s handshake fails (an unusable key)', () => {
    const r = withTls({ handshake: { completed: false, version: null, cipher: null, refusal: { kind: 'closed', alert: null, alert_description: null, detail: null } } });
    const f = expectFires(r, 'tls_failed_all_versions', ['tls.handshake.completed = false', 'tls.handshake.refusal.kind = "closed"']);
    expect(Object.keys(f.causes)[0]).toBe('private_key');
  });
});
