import { explained } from '../helpers/findings.js';
import { describe, it, expect } from 'vitest';
import { gateExitCode } from '../../src/diagnosis/judge.js';
import type { Finding, ProbeRecord } from '../../src/record.js';
import {
  evaluatePolicy,
  loadYaml,
  parsePolicy,
  policyFromFlags,
  resolveRules,
  mergePolicies,
  type PolicyRules,
} from '../../src/policy/index.js';
import { makeFinding, makeRecord, unreachableRecord } from './factory.js';
import { suite } from '../helpers/record-factory.js';
import { POLICY_PRESETS } from '../../src/policy/presets.js';

// parsePolicy is synchronous; loadPolicy loads the YAML parser itself, these tests parse text directly.
await loadYaml();

const ids = (fs: Finding[]): string[] => fs.map((f) => f.id);
const evalRules = (rec: ProbeRecord, rules: Partial<PolicyRules>): Finding[] => evaluatePolicy(rec, policyFromFlags(rules));
const byId = (fs: Finding[], id: string): Finding => {
  const f = fs.find((x) => x.id === id);
  expect(f, `finding ${id} in ${ids(fs).join(',')}`).toBeDefined();
  return f!;
};

const EVERYTHING: Partial<PolicyRules> = {
  require_nla: true,
  forbid_standard_rdp_security: true,
  min_tls: '1.2',
  forbid_tls: ['1.0', '1.1'],
  min_cert_days: 30,
  min_key_bits: 2048,
  forbid_self_signed: true,
  expected_thumbprints: { 'srv01.corp.example': 'aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd' },
  min_credssp_version: 6,
  max_clock_skew: 300,
};

describe('evaluatePolicy: satisfied', () => {
  it('a well-configured host satisfies every rule', () => {
    expect(evalRules(makeRecord(), EVERYTHING)).toEqual([]);
  });
  it('an empty policy yields nothing for a reachable host', () => {
    expect(evalRules(makeRecord({ nla_required: false }), {})).toEqual([]);
  });
});

describe('evaluatePolicy: each rule violated', () => {
  it('require_nla', () => {
    const fs = evalRules(makeRecord({ nla_required: false, protocols: { ssl: { supported: true } } }), { require_nla: true });
    const f = byId(fs, 'policy_require_nla');
    expect(f.severity).toBe('high');
    expect(f.evidence).toContain('nla_required = false');
    expect(f.evidence).toContain('protocols.ssl.supported = true');
    expect(f.evidence.at(-1)).toBe('policy require_nla = true (command line)');
    expect(explained(f).remediation.length).toBeGreaterThan(0);
    expect(evalRules(makeRecord({ nla_required: false }), { require_nla: false })).toEqual([]);
  });

  it('forbid_standard_rdp_security (supported, or a server without negotiation)', () => {
    const a = evalRules(makeRecord({ protocols: { rdp: { supported: true } } }), { forbid_standard_rdp_security: true });
    expect(byId(a, 'policy_forbid_standard_rdp_security').evidence).toContain('protocols.rdp.supported = true');
    const b = evalRules(makeRecord({ protocols: { rdp: { supported: null, response: 'no_negotiation' } } }), { forbid_standard_rdp_security: true });
    expect(ids(b)).toEqual(['policy_forbid_standard_rdp_security']);
  });

  it('min_tls: a version below the minimum is accepted', () => {
    const fs = evalRules(makeRecord({ tls: { versions: { 'tls1.0': true, 'tls1.1': false } } }), { min_tls: '1.2' });
    const f = byId(fs, 'policy_min_tls');
    expect(f.severity).toBe('high');
    expect(f.evidence).toContain('tls.versions["tls1.0"] = true');
    expect(f.evidence).not.toContain('tls.versions["tls1.1"] = true');
    // TLS 1.0 as the minimum checks nothing
    expect(evalRules(makeRecord({ tls: { versions: { 'tls1.0': true } } }), { min_tls: '1.0' })).toEqual([]);
    // min 1.3 with 1.2 accepted
    expect(ids(evalRules(makeRecord(), { min_tls: '1.3' }))).toEqual(['policy_min_tls']);
  });

  it('forbid_tls', () => {
    const fs = evalRules(makeRecord({ tls: { versions: { 'tls1.1': true } } }), { forbid_tls: ['1.0', '1.1'] });
    expect(byId(fs, 'policy_forbid_tls').evidence).toEqual(['tls.versions["tls1.1"] = true', 'policy forbid_tls = ["1.0","1.1"] (command line)']);
  });

  it('min_cert_days: expiring and expired', () => {
    const soon = evalRules(makeRecord({ certificate: { days_remaining: 12 } }), { min_cert_days: 30 });
    expect(byId(soon, 'policy_min_cert_days').evidence).toContain('certificate.days_remaining = 12');
    const expired = evalRules(makeRecord({ certificate: { days_remaining: -3, expired: true } }), { min_cert_days: 0 });
    expect(byId(expired, 'policy_min_cert_days').evidence).toContain('certificate.expired = true');
    expect(evalRules(makeRecord({ certificate: { days_remaining: 30 } }), { min_cert_days: 30 })).toEqual([]);
  });

  it('min_key_bits (elliptic keys compared by RSA-equivalent strength)', () => {
    const fs = evalRules(makeRecord({ certificate: { key_bits: 1024 } }), { min_key_bits: 2048 });
    expect(byId(fs, 'policy_min_key_bits').evidence).toContain('certificate.key_bits = 1024');
    expect(evalRules(makeRecord({ certificate: { key_type: 'EC', key_bits: 256 } }), { min_key_bits: 3072 })).toEqual([]);
    expect(ids(evalRules(makeRecord({ certificate: { key_type: 'ECDSA', key_bits: 256 } }), { min_key_bits: 4096 }))).toEqual(['policy_min_key_bits']);
  });

  it('forbid_self_signed', () => {
    const fs = evalRules(makeRecord({ certificate: { self_signed: true, issuer: 'CN=srv01' } }), { forbid_self_signed: true });
    expect(byId(fs, 'policy_forbid_self_signed').evidence).toContain('certificate.self_signed = true');
    expect(evalRules(makeRecord({ certificate: { self_signed: true } }), { forbid_self_signed: false })).toEqual([]);
  });

  it('expected_thumbprints: mismatch is critical; match in any notation passes', () => {
    const fs = evalRules(makeRecord(), { expected_thumbprints: { 'srv01.corp.example': '11'.repeat(20) } });
    const f = byId(fs, 'policy_expected_thumbprint');
    expect(f.severity).toBe('critical');
    expect(f.evidence[0]).toBe('certificate.sha1_fingerprint = "AABBCCDDEEFF00112233445566778899AABBCCDD"');
    expect(f.evidence.at(-1)).toContain('expected_thumbprints["srv01.corp.example"]');
    expect(f.evidence.at(-1)).toContain('1111111111');
    for (const key of ['SRV01.corp.example', '10.1.2.3', 'srv01.corp.example:3389', '10.1.2.3:3389']) {
      expect(evalRules(makeRecord(), { expected_thumbprints: { [key]: 'aabbccddeeff00112233445566778899aabbccdd' } })).toEqual([]);
      expect(ids(evalRules(makeRecord(), { expected_thumbprints: { [key]: '22'.repeat(20) } }))).toEqual(['policy_expected_thumbprint']);
    }
    // another port does not match; a host not in the map is not checked
    expect(evalRules(makeRecord(), { expected_thumbprints: { 'srv01.corp.example:3390': '22'.repeat(20), other: '22'.repeat(20) } })).toEqual([]);
  });

  it('expected_thumbprints: the most specific key (host:port) wins', () => {
    const fs = evalRules(makeRecord(), {
      expected_thumbprints: { 'srv01.corp.example': '22'.repeat(20), 'srv01.corp.example:3389': 'AABBCCDDEEFF00112233445566778899AABBCCDD' },
    });
    expect(fs).toEqual([]);
  });

  it('min_credssp_version', () => {
    const fs = evalRules(makeRecord({ credssp: { version: 3 } }), { min_credssp_version: 6 });
    expect(byId(fs, 'policy_min_credssp_version').evidence).toContain('credssp.version = 3');
  });

  it('max_clock_skew (either direction)', () => {
    expect(byId(evalRules(makeRecord({ credssp: { ntlm: { clock_skew_seconds: -600 } } }), { max_clock_skew: 300 }), 'policy_max_clock_skew').evidence).toContain(
      'credssp.ntlm.clock_skew_seconds = -600',
    );
    expect(evalRules(makeRecord({ credssp: { ntlm: { clock_skew_seconds: 300 } } }), { max_clock_skew: 300 })).toEqual([]);
  });
});

describe('evaluatePolicy: unmeasured -> policy_unverified', () => {
  it('each rule with a null input is listed, never passed silently', () => {
    const rec = makeRecord({
      status: 'error',
      failure: { stage: 'tls', reason: 'reset', detail: null },
      nla_required: null,
      protocols: { rdp: { supported: null, response: 'reset' } },
      tls: null,
      certificate: null,
      credssp: null,
    });
    const fs = evalRules(rec, EVERYTHING);
    expect(ids(fs)).toEqual(['policy_unverified']);
    const f = fs[0]!;
    expect(f.severity).toBe('medium');
    const rules = f.evidence.map((e) => e.split(':')[0]);
    expect(new Set(rules)).toEqual(
      new Set([
        'require_nla',
        'forbid_standard_rdp_security',
        'min_tls',
        'forbid_tls',
        'min_cert_days',
        'min_key_bits',
        'forbid_self_signed',
        'expected_thumbprints',
        'min_credssp_version',
        'max_clock_skew',
      ]),
    );
    expect(f.evidence).toContain('require_nla: nla_required = null (not measured: status = "error", failure = tls/reset)');
    expect(f.evidence).toContain('min_tls: tls.versions["tls1.0"] = null (not measured: status = "error", failure = tls/reset)');
  });

  it('single unmeasured inputs', () => {
    expect(ids(evalRules(makeRecord({ nla_required: null }), { require_nla: true }))).toEqual(['policy_unverified']);
    expect(ids(evalRules(makeRecord({ tls: { versions: { 'tls1.1': null } } }), { min_tls: '1.2' }))).toEqual(['policy_unverified']);
    expect(ids(evalRules(makeRecord({ certificate: { key_bits: null } }), { min_key_bits: 2048 }))).toEqual(['policy_unverified']);
    expect(ids(evalRules(makeRecord({ credssp: { version: null } }), { min_credssp_version: 6 }))).toEqual(['policy_unverified']);
    expect(ids(evalRules(makeRecord({ credssp: { ntlm: null } }), { max_clock_skew: 60 }))).toEqual(['policy_unverified']);
  });

  it('a violation and an unverified rule are both reported', () => {
    const fs = evalRules(makeRecord({ nla_required: false, certificate: null }), { require_nla: true, forbid_self_signed: true });
    expect(ids(fs)).toEqual(['policy_require_nla', 'policy_unverified']);
  });

  it('rules that cannot apply are not unverified: no TLS offered, no CredSSP offered', () => {
    const standardOnly = makeRecord({
      protocols: {
        rdp: { supported: true },
        ssl: { supported: false },
        hybrid: { supported: false },
        hybrid_ex: { supported: false },
        rdstls: { supported: false },
        rdsaad: { supported: false },
      },
      nla_required: false,
      tls: null,
      certificate: null,
      credssp: null,
    });
    expect(evalRules(standardOnly, { min_tls: '1.2', forbid_tls: ['1.0'], min_cert_days: 30, min_key_bits: 2048, min_credssp_version: 6, max_clock_skew: 60 })).toEqual([]);
    // but an expected certificate that cannot be there is a violation
    expect(byId(evalRules(standardOnly, { expected_thumbprints: { 'srv01.corp.example': 'AA'.repeat(20) } }), 'policy_expected_thumbprint').severity).toBe('critical');
  });
});

describe('evaluatePolicy: unreachable hosts', () => {
  it('policy_unreachable unless allow_unreachable', () => {
    const rec = unreachableRecord();
    const fs = evalRules(rec, EVERYTHING);
    expect(ids(fs)).toEqual(['policy_unreachable']);
    expect(fs[0]!.severity).toBe('high');
    expect(fs[0]!.evidence).toContain('status = "unreachable"');
    expect(fs[0]!.evidence).toContain('failure.stage = "tcp"');
    expect(evalRules(rec, { ...EVERYTHING, allow_unreachable: true })).toEqual([]);
    expect(ids(evalRules(rec, {}))).toEqual(['policy_unreachable']);
  });
});

describe('per-host overrides and precedence', () => {
  const policy = parsePolicy(
    [
      'require_nla: true',
      'min_tls: "1.2"',
      'min_cert_days: 30',
      'hosts:',
      '  srv01.corp.example:3389: { min_tls: "1.1" }', // most specific, listed first
      '  10.1.2.3: { min_tls: "1.0", min_cert_days: 10 }',
      '  10.1.0.0/16: { require_nla: false, min_cert_days: 20, min_tls: "1.3" }',
      '  10.0.0.0/8: { require_nla: true, allow_unreachable: true }',
      '  SRV01.corp.example: { min_cert_days: 5 }', // same specificity as 10.1.2.3 and later: wins
      '  other: { min_cert_days: null }',
    ].join('\n'),
    'policy.yml',
  );

  it('applies CIDR by prefix length, then name/address, then host:port; ties by file order', () => {
    const r = resolveRules(policy, makeRecord());
    expect(r.matched).toEqual(['10.0.0.0/8', '10.1.0.0/16', '10.1.2.3', 'SRV01.corp.example', 'srv01.corp.example:3389']);
    expect(r.rules).toEqual({ require_nla: false, min_tls: '1.1', min_cert_days: 5, allow_unreachable: true });
    expect(r.origin.min_tls).toBe('policy.yml hosts["srv01.corp.example:3389"]');
    expect(r.origin.require_nla).toBe('policy.yml hosts["10.1.0.0/16"]');
  });

  it('host:port only matches that port; null turns a rule off', () => {
    expect(resolveRules(policy, makeRecord({ port: 3390 })).rules.min_tls).toBe('1.0');
    const other = resolveRules(policy, makeRecord({ host: 'other', target: 'other', address: '192.168.1.1' }));
    expect(other.rules).toEqual({ require_nla: true, min_tls: '1.2' });
  });

  it('matches by target and by IPv6 CIDR', () => {
    const p = parsePolicy('min_tls: "1.2"\nhosts:\n  fd00::/64: { min_tls: "1.0" }\n  alias: { require_nla: false }', 'p.yml');
    expect(resolveRules(p, makeRecord({ address: 'fd00::5' })).rules.min_tls).toBe('1.0');
    expect(resolveRules(p, makeRecord({ address: 'fd01::5' })).rules.min_tls).toBe('1.2');
    expect(resolveRules(p, makeRecord({ target: 'alias:3389' })).rules.require_nla).toBe(false);
  });

  it('the legacy host of the brief passes with TLS 1.0 and no NLA while others fail', () => {
    const brief = parsePolicy('require_nla: true\nmin_tls: "1.2"\nmin_cert_days: 30\nhosts:\n  legacy-app01: { min_tls: "1.0", require_nla: false }', 'p.yml');
    const weak = { nla_required: false, tls: { versions: { 'tls1.0': true } } } as const;
    expect(evaluatePolicy(makeRecord({ ...weak, host: 'legacy-app01', target: 'legacy-app01' }), brief)).toEqual([]);
    expect(ids(evaluatePolicy(makeRecord(weak), brief))).toEqual(['policy_require_nla', 'policy_min_tls']);
  });

  it('command-line flags beat hosts entries', () => {
    const merged = mergePolicies(policy, { min_tls: '1.2' });
    expect(resolveRules(merged, makeRecord()).rules.min_tls).toBe('1.2');
  });
});

describe('gateExitCode', () => {
  const rec = (...sev: Finding['severity'][]): ProbeRecord => makeRecord({ findings: sev.map((s, i) => makeFinding(`f${i}`, s)) });
  it('fails at or above the threshold', () => {
    expect(gateExitCode([rec('medium')], 'high')).toBe(0);
    expect(gateExitCode([rec('medium'), rec('high')], 'high')).toBe(1);
    expect(gateExitCode([rec('critical')], 'high')).toBe(1);
    expect(gateExitCode([rec('info')], 'info')).toBe(1);
    expect(gateExitCode([rec('info', 'low')], 'medium')).toBe(0);
    expect(gateExitCode([rec('critical')], 'none')).toBe(0);
    expect(gateExitCode([], 'info')).toBe(0);
  });
  it('with a policy, any policy_* finding fails whatever the threshold', () => {
    const r = makeRecord({ findings: [makeFinding('policy_unverified', 'medium'), makeFinding('self_signed', 'high')] });
    expect(gateExitCode([r], 'none', { policy: true })).toBe(1);
    expect(gateExitCode([rec('high')], 'none', { policy: true })).toBe(0);
    expect(gateExitCode([r], 'critical')).toBe(0);
  });
});

describe('evaluatePolicy: cipher suite rules and presets', () => {
  const withSuites = (list: number[], extra: Record<string, unknown> = {}) =>
    // As the deep mode leaves it: SSL 2.0/3.0 measured (refused) and the suite list.
    makeRecord({ tls: { versions: { 'ssl2.0': false, 'ssl3.0': false }, cipher_suites: { 'tls1.2': list.map(suite) }, ...extra } as never });
  const RSA_CBC = 0x002f, ECDHE_GCM = 0xc02f, DHE_GCM = 0x009e;

  it('forbid_suites globs match IANA names whole, case-insensitively', () => {
    expect(ids(evalRules(withSuites([ECDHE_GCM, RSA_CBC]), { forbid_suites: ['TLS_RSA_*'] }))).toEqual(['policy_forbid_suites']);
    expect(ids(evalRules(withSuites([ECDHE_GCM]), { forbid_suites: ['TLS_RSA_*', '*_CBC_*'] }))).toEqual([]);
    // A glob matches the whole name: "RSA" alone does not match TLS_ECDHE_RSA_...
    expect(ids(evalRules(withSuites([ECDHE_GCM]), { forbid_suites: ['RSA'] }))).toEqual([]);
  });

  it('allow_suites: anything outside the list fails', () => {
    const f = evalRules(withSuites([ECDHE_GCM, RSA_CBC]), { allow_suites: ['TLS_ECDHE_*_GCM_*'] });
    expect(ids(f)).toEqual(['policy_allow_suites']);
    expect(byId(f, 'policy_allow_suites').evidence.join(' ')).toContain('TLS_RSA_WITH_AES_128_CBC_SHA');
  });

  it('without the deep mode: a forbidden suite seen chosen still fails; the rest is unverified, never a pass', () => {
    const chosen = makeRecord({ tls: { attempts: { 'tls1.2': { accepted: true, cipher: 'TLS_RSA_WITH_AES_128_CBC_SHA', refusal: null } } } as never });
    expect(ids(evalRules(chosen, { forbid_suites: ['TLS_RSA_*'] }))).toEqual(['policy_forbid_suites']);
    expect(ids(evalRules(makeRecord(), { forbid_suites: ['TLS_RSA_*'] }))).toEqual(['policy_unverified']);
    expect(ids(evalRules(makeRecord(), { require_pfs: true }))).toEqual(['policy_unverified']);
  });

  it('require_pfs and min_dh_bits', () => {
    expect(ids(evalRules(withSuites([ECDHE_GCM, RSA_CBC]), { require_pfs: true }))).toEqual(['policy_require_pfs']);
    expect(ids(evalRules(withSuites([ECDHE_GCM, DHE_GCM]), { require_pfs: true }))).toEqual([]);
    expect(ids(evalRules(withSuites([DHE_GCM], { dh_bits: 1024 }), { min_dh_bits: 2048 }))).toEqual(['policy_min_dh_bits']);
    // The full list measured and no DHE suite in it: nothing to check, not unverified.
    expect(ids(evalRules(withSuites([ECDHE_GCM]), { min_dh_bits: 2048 }))).toEqual([]);
  });

  it('require_trusted_cert: false fails, null is unverified', () => {
    expect(ids(evalRules(makeRecord({ certificate: { trusted: false, trust_error: 'self_signed' } }), { require_trusted_cert: true }))).toEqual(['policy_require_trusted_cert']);
    expect(ids(evalRules(makeRecord({ certificate: { trusted: true } }), { require_trusted_cert: true }))).toEqual([]);
    expect(ids(evalRules(makeRecord(), { require_trusted_cert: true }))).toEqual(['policy_unverified']);
  });

  it('forbid_tls takes SSL versions, measured only by the deep mode', () => {
    const ssl3 = makeRecord({ tls: { versions: { 'ssl3.0': true } } as never });
    expect(ids(evalRules(ssl3, { forbid_tls: ['ssl3'] }))).toEqual(['policy_forbid_tls']);
    expect(ids(evalRules(makeRecord(), { forbid_tls: ['ssl3'] }))).toEqual(['policy_unverified']);
  });

  it('the Mozilla presets as policies: intermediate fails a Windows default suite list, passes an ECDHE/GCM-only one', () => {
    const intermediate = { source: 'preset', rules: POLICY_PRESETS['intermediate']!.rules, hosts: [] };
    expect(ids(evaluatePolicy(withSuites([ECDHE_GCM, RSA_CBC], { dh_bits: 2048 }), intermediate))).toEqual(['policy_allow_suites']);
    expect(ids(evaluatePolicy(withSuites([ECDHE_GCM, DHE_GCM], { dh_bits: 2048 }), intermediate))).toEqual([]);
    const modern = { source: 'preset', rules: POLICY_PRESETS['modern']!.rules, hosts: [] };
    expect(ids(evaluatePolicy(withSuites([ECDHE_GCM], { dh_bits: 2048 }), modern))).toEqual(expect.arrayContaining(['policy_min_tls', 'policy_allow_suites']));
  });
});
