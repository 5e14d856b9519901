import { describe, it, expect } from 'vitest';
import { mkdtemp, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  PolicyError,
  loadPolicy,
  loadYaml,
  mergePolicies,
  normaliseThumbprint,
  parsePolicy,
  policyFromFlags,
} from '../../src/policy/index.js';

// parsePolicy is synchronous; loadPolicy loads the YAML parser itself, these tests parse text directly.
await loadYaml();

function expectPolicyError(fn: () => unknown, key: string | null, re?: RegExp): PolicyError {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught).toBeInstanceOf(PolicyError);
  const e = caught as PolicyError;
  expect(e.key).toBe(key);
  expect(e.message).not.toContain('\n');
  expect(e.message.startsWith('p.yml: ') || e.message.startsWith('p.json: ') || e.message.startsWith('command line: ')).toBe(true);
  if (key !== null) expect(e.message).toContain(key);
  if (re) expect(e.message).toMatch(re);
  return e;
}

describe('parsePolicy: YAML', () => {
  it('parses the example from the brief', () => {
    const p = parsePolicy(
      ['require_nla: true', 'min_tls: "1.2"', 'min_cert_days: 30', 'hosts:', '  legacy-app01: { min_tls: "1.0", require_nla: false }'].join('\n'),
      'p.yml',
    );
    expect(p.source).toBe('p.yml');
    expect(p.rules).toEqual({ require_nla: true, min_tls: '1.2', min_cert_days: 30 });
    expect(p.hosts).toHaveLength(1);
    expect(p.hosts[0]!.match).toEqual({ kind: 'host', name: 'legacy-app01' });
    expect(p.hosts[0]!.rules).toEqual({ min_tls: '1.0', require_nla: false });
  });

  it('reads every rule', () => {
    const p = parsePolicy(
      [
        'require_nla: true',
        'forbid_standard_rdp_security: true',
        'min_tls: 1.2',
        'forbid_tls: [1.0, "1.1"]',
        'min_cert_days: 30',
        'min_key_bits: 2048',
        'forbid_self_signed: true',
        'expected_thumbprints:',
        '  srv01.corp.example: "aa:bb:cc:dd:ee:ff:00:11:22:33:44:55:66:77:88:99:aa:bb:cc:dd"',
        'min_credssp_version: 6',
        'max_clock_skew: 300',
        'allow_unreachable: false',
      ].join('\n'),
      'p.yml',
    );
    expect(p.rules).toEqual({
      require_nla: true,
      forbid_standard_rdp_security: true,
      min_tls: '1.2',
      forbid_tls: ['1.0', '1.1'],
      min_cert_days: 30,
      min_key_bits: 2048,
      forbid_self_signed: true,
      expected_thumbprints: { 'srv01.corp.example': 'AABBCCDDEEFF00112233445566778899AABBCCDD' },
      min_credssp_version: 6,
      max_clock_skew: 300,
      allow_unreachable: false,
    });
  });

  it('reads an unquoted 1.0 (YAML number 1) as TLS 1.0 and accepts tls1.x spellings', () => {
    expect(parsePolicy('min_tls: 1.0', 'p.yml').rules.min_tls).toBe('1.0');
    expect(parsePolicy('min_tls: TLS 1.3', 'p.yml').rules.min_tls).toBe('1.3');
    expect(parsePolicy('forbid_tls: tls1.1', 'p.yml').rules.forbid_tls).toEqual(['1.1']);
  });

  it('parses host keys: name, address, CIDR, host:port, [v6]:port', () => {
    const p = parsePolicy(
      [
        'hosts:',
        '  LEGACY-App01.corp.example.: { require_nla: false }',
        '  10.1.2.3: { min_tls: "1.0" }',
        '  10.1.0.0/16: { min_cert_days: 5 }',
        '  "legacy:3390": { allow_unreachable: true }',
        '  "[fd00::1]:3389": { min_key_bits: 1024 }',
        '  fd00::/64: { forbid_tls: [] }',
      ].join('\n'),
      'p.yml',
    );
    expect(p.hosts.map((h) => h.match)).toEqual([
      { kind: 'host', name: 'legacy-app01.corp.example' },
      { kind: 'host', name: '10.1.2.3' },
      { kind: 'cidr', family: 'ipv4', network: '10.1.0.0', prefix: 16 },
      { kind: 'host_port', name: 'legacy', port: 3390 },
      { kind: 'host_port', name: 'fd00::1', port: 3389 },
      { kind: 'cidr', family: 'ipv6', network: 'fd00::', prefix: 64 },
    ]);
    expect(p.hosts.map((h) => h.index)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('allows null in a hosts entry to turn a rule off', () => {
    const p = parsePolicy('min_cert_days: 30\nhosts:\n  lab01: { min_cert_days: null }', 'p.yml');
    expect(p.hosts[0]!.rules).toEqual({ min_cert_days: null });
  });

  it('accepts an empty mapping', () => {
    expect(parsePolicy('{}', 'p.yml').rules).toEqual({});
  });
});

describe('parsePolicy: JSON', () => {
  it('parses JSON by extension', () => {
    const p = parsePolicy('{"require_nla": true, "forbid_tls": ["1.0"], "hosts": {"10.0.0.0/8": {"min_tls": "1.1"}}}', 'p.json');
    expect(p.rules).toEqual({ require_nla: true, forbid_tls: ['1.0'] });
    expect(p.hosts[0]!.rules).toEqual({ min_tls: '1.1' });
  });

  it('detects JSON by content when the name has no known extension', () => {
    const p = parsePolicy('\ufeff{"min_key_bits": 2048}', 'stdin');
    expect(p.rules).toEqual({ min_key_bits: 2048 });
  });

  it('reports invalid JSON on one line with a position', () => {
    expectPolicyError(() => parsePolicy('{\n"require_nla": true,\n}', 'p.json'), null, /invalid JSON: .*line 3/);
  });

  it('rejects duplicate keys in JSON', () => {
    expectPolicyError(() => parsePolicy('{"min_tls": "1.2", "min_tls": "1.0"}', 'p.json'), null, /unique/);
  });
});

describe('parsePolicy: invalid input -> PolicyError naming the key', () => {
  it('rejects unknown keys and suggests the right one', () => {
    const e = expectPolicyError(() => parsePolicy('requre_nla: true', 'p.yml'), 'requre_nla', /unknown key/);
    expect(e.message).toContain('did you mean "require_nla"');
  });

  it('rejects unknown keys inside hosts entries', () => {
    expectPolicyError(() => parsePolicy('hosts:\n  a: { min_tsl: "1.0" }', 'p.yml'), 'hosts.a.min_tsl', /did you mean "min_tls"/);
  });

  it('rejects expected_thumbprints inside hosts entries', () => {
    expectPolicyError(
      () => parsePolicy(`hosts:\n  a: { expected_thumbprints: { a: "${'A'.repeat(40)}" } }`, 'p.yml'),
      'hosts.a.expected_thumbprints',
    );
  });

  const cases: [string, string, RegExp][] = [
    ['require_nla: yes', 'require_nla', /true or false/],
    ['require_nla: "true"', 'require_nla', /true or false/],
    ['forbid_standard_rdp_security: 1', 'forbid_standard_rdp_security', /true or false/],
    ['forbid_self_signed: []', 'forbid_self_signed', /a list/],
    ['allow_unreachable: maybe', 'allow_unreachable', /true or false/],
    ['min_tls: "1.5"', 'min_tls', /"1\.0", "1\.1", "1\.2", "1\.3"/],
    ['min_tls: ssl3', 'min_tls', /expected one of/],
    ['forbid_tls: ["1.0", "2.0"]', 'forbid_tls[1]', /list of versions \("ssl2"/],
    ['min_cert_days: -1', 'min_cert_days', /whole number >= 0/],
    ['min_cert_days: 2.5', 'min_cert_days', /whole number/],
    ['min_key_bits: 0', 'min_key_bits', /whole number >= 1/],
    ['min_key_bits: "2048"', 'min_key_bits', /whole number/],
    ['min_credssp_version: six', 'min_credssp_version', /whole number/],
    ['max_clock_skew: -5', 'max_clock_skew', /seconds/],
    ['expected_thumbprints: ["AA"]', 'expected_thumbprints', /mapping/],
    ['expected_thumbprints: { srv01: "XYZ" }', 'expected_thumbprints.srv01', /40 hex/],
    ['expected_thumbprints: { srv01: 12 }', 'expected_thumbprints.srv01', /SHA-1/],
    [`expected_thumbprints: { 10.0.0.0/8: "${'A'.repeat(40)}" }`, 'expected_thumbprints.10.0.0.0/8', /not a CIDR/],
    ['hosts: [a, b]', 'hosts', /mapping/],
    ['hosts:\n  "bad host": {}', 'hosts.bad host', /host name/],
    ['hosts:\n  "*.corp": {}', 'hosts.*.corp', /wildcards/],
    ['hosts:\n  10.0.0.0/33: {}', 'hosts.10.0.0.0/33', /CIDR/],
    ['hosts:\n  "a:70000": {}', 'hosts.a:70000', /port/],
    ['hosts:\n  a: 5', 'hosts.a', /mapping of rules/],
    ['hosts:\n  a: { min_tls: "0.9" }', 'hosts.a.min_tls', /expected one of/],
    ['min_tls:', 'min_tls', /empty value/],
  ];
  for (const [text, key, re] of cases) {
    it(`${JSON.stringify(text)} -> ${key}`, () => {
      expectPolicyError(() => parsePolicy(text, 'p.yml'), key, re);
    });
  }

  it('rejects a non-mapping document and an empty file', () => {
    expectPolicyError(() => parsePolicy('- a\n- b', 'p.yml'), null, /mapping/);
    expectPolicyError(() => parsePolicy('', 'p.yml'), null, /empty/);
    expectPolicyError(() => parsePolicy('# only a comment\n', 'p.yml'), null, /empty/);
  });

  it('reports YAML syntax errors and duplicate keys on one line', () => {
    expectPolicyError(() => parsePolicy('min_tls: "1.2"\nmin_tls: "1.0"\n', 'p.yml'), null, /invalid YAML: .*unique/);
    expectPolicyError(() => parsePolicy('hosts: [\n', 'p.yml'), null, /invalid YAML/);
  });
});

describe('normaliseThumbprint', () => {
  it('accepts any case, colons, spaces and the invisible mark certlm.msc copies', () => {
    const want = 'AABBCCDDEEFF00112233445566778899AABBCCDD';
    expect(normaliseThumbprint('aabbccddeeff00112233445566778899aabbccdd')).toBe(want);
    expect(normaliseThumbprint('AA:BB:CC:DD:EE:FF:00:11:22:33:44:55:66:77:88:99:AA:BB:CC:DD')).toBe(want);
    expect(normaliseThumbprint('aa bb cc dd ee ff 00 11 22 33 44 55 66 77 88 99 aa bb cc dd')).toBe(want);
    expect(normaliseThumbprint('\u200eaabbccddeeff00112233445566778899aabbccdd ')).toBe(want);
    expect(normaliseThumbprint('AABB')).toBeNull();
    expect(normaliseThumbprint('G'.repeat(40))).toBeNull();
  });

  it('normalises map keys (host case, trailing dot, host:port)', () => {
    const p = parsePolicy(`expected_thumbprints:\n  SRV01.Corp.Example.: "${'a'.repeat(40)}"\n  "SRV02:3390": "${'b'.repeat(40)}"`, 'p.yml');
    expect(p.rules.expected_thumbprints).toEqual({ 'srv01.corp.example': 'A'.repeat(40), 'srv02:3390': 'B'.repeat(40) });
  });
});

describe('loadPolicy', () => {
  it('loads YAML and JSON files, UTF-16LE with BOM (PowerShell 5.1 Out-File) too', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'rdprobe-policy-'));
    try {
      const y = join(dir, 'policy.yml');
      await writeFile(y, 'require_nla: true\r\nmin_tls: "1.2"\r\n');
      expect((await loadPolicy(y)).rules).toEqual({ require_nla: true, min_tls: '1.2' });
      const j = join(dir, 'policy.json');
      await writeFile(j, '{"forbid_self_signed": true}');
      expect((await loadPolicy(j)).rules).toEqual({ forbid_self_signed: true });
      const u = join(dir, 'policy16.yml');
      await writeFile(u, Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('min_key_bits: 3072\r\n', 'utf16le')]));
      expect((await loadPolicy(u)).rules).toEqual({ min_key_bits: 3072 });
      const bad = join(dir, 'bad.yml');
      await writeFile(bad, 'min_tsl: "1.2"\n');
      await expect(loadPolicy(bad)).rejects.toThrow(`${bad}: min_tsl: unknown key`);
      await expect(loadPolicy(join(dir, 'missing.yml'))).rejects.toBeInstanceOf(PolicyError);
      await expect(loadPolicy(join(dir, 'missing.yml'))).rejects.toThrow(/file not found/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('policyFromFlags and mergePolicies', () => {
  it('validates and normalises flag values, ignoring undefined', () => {
    const p = policyFromFlags({ min_tls: '1.2', require_nla: undefined, expected_thumbprints: { SRV01: 'aa'.repeat(20) } });
    expect(p.source).toBe('command line');
    expect(p.rules).toEqual({ min_tls: '1.2', expected_thumbprints: { srv01: 'AA'.repeat(20) } });
    expectPolicyError(() => policyFromFlags({ min_tls: '2' as never }), 'min_tls');
    expectPolicyError(() => policyFromFlags({ min_key_bits: -3 }), 'min_key_bits');
    expectPolicyError(() => policyFromFlags({ nope: true } as never), 'nope', /unknown key/);
  });

  it('flags override the file, its hosts entries included', () => {
    const file = parsePolicy(
      `require_nla: true\nmin_tls: "1.2"\nexpected_thumbprints: { a: "${'a'.repeat(40)}", b: "${'b'.repeat(40)}" }\nhosts:\n  legacy: { min_tls: "1.0", require_nla: false }`,
      'p.yml',
    );
    const merged = mergePolicies(file, policyFromFlags({ min_tls: '1.1', expected_thumbprints: { b: 'c'.repeat(40) } }));
    expect(merged.rules.min_tls).toBe('1.1');
    expect(merged.rules.require_nla).toBe(true);
    expect(merged.rules.expected_thumbprints).toEqual({ a: 'A'.repeat(40), b: 'C'.repeat(40) });
    expect(merged.hosts[0]!.rules).toEqual({ require_nla: false });
    expect(merged.source).toBe('p.yml + command line');
    // plain rule objects are accepted too, and missing sides are fine
    expect(mergePolicies(file, { min_key_bits: 4096 }).rules.min_key_bits).toBe(4096);
    expect(mergePolicies(null, { min_key_bits: 4096 }).rules).toEqual({ min_key_bits: 4096 });
    expect(mergePolicies(file, null)).toBe(file);
    expect(mergePolicies(file, {})).toBe(file);
  });
});

describe('examples/policy.yml', () => {
  it('is a valid policy', async () => {
    const p = await loadPolicy(join(import.meta.dirname, '..', '..', 'examples', 'policy.yml'));
    expect(p.rules.require_nla).toBe(true);
    expect(p.hosts.length).toBeGreaterThan(0);
  });
});
