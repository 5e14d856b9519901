/**
 * The gate on clients (clients_must_connect: a locked-out client fails it, a likely or missing verdict is
 * unverified, never a pass), the two rules policy --from needed (forbid_weak_signature, min_encryption_level), the
 * policy a reference record yields (it passes on that record, fails on one that differs), and diff on clients.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { clientVerdict, type VerdictContext } from '../../src/analysis/client-compat.js';
import type { HandshakeSeen } from '../../src/analysis/client-handshake.js';
import { clientProfile } from '../../src/clients/index.js';
import { diffScans } from '../../src/diff/index.js';
import { evaluatePolicy, loadYaml, parsePolicy, PolicyError, policyFromFlags, type PolicyRules } from '../../src/policy/index.js';
import { policyFromRecord } from '../../src/policy/from-record.js';
import type { ClientVerdict, Finding, ProbeRecord } from '../../src/record.js';
import { certificate, rdpSecurity, selects } from '../helpers/record-factory.js';
import { makeRecord } from '../policy/factory.js';

const ids = (fs: Finding[]) => fs.map((f) => f.id);
const evalRules = (r: ProbeRecord, rules: Partial<PolicyRules>) => evaluatePolicy(r, policyFromFlags(rules));

const CTX: VerdictContext = { host: 'srv01.corp.example', certificate: certificate(), credssp: null, tls: null };
const ok: HandshakeSeen = { negotiation: { kind: 'selected', protocol: 'hybrid' }, tls: { kind: 'answered', version: 0x0303, suite: 0xc030, helloRetry: false, problems: [] }, mcs: null, fallback: null };
const refused: HandshakeSeen = { ...ok, tls: { kind: 'alert', alert: 70, name: 'protocol_version' } };
/** A verdict as the check makes it, for `id` against the seen answer, with the CredSSP version measured. */
const verdict = (id: string, seen: HandshakeSeen): ClientVerdict =>
  clientVerdict(clientProfile(id)!, seen, { ...CTX, credssp: { version: 6, error_code: null, ntlm: null, failure: null }, tls: makeRecord().tls });
const okTls10: HandshakeSeen = { ...ok, tls: { kind: 'answered', version: 0x0301, suite: 0xc014, helloRetry: false, problems: [] } };


// parsePolicy reads YAML with the parser loadYaml loads (policies stay off a scan's start-up path).
beforeAll(loadYaml);

describe('clients_must_connect', () => {
  it('parses profile ids, rejects unknown ones naming every id, and refuses an empty list', () => {
    expect(parsePolicy('clients_must_connect: [freerdp-2, remmina]', 'p.yml').rules.clients_must_connect).toEqual(['freerdp-2', 'remmina']);
    expect(parsePolicy('clients_must_connect: mstsc-win10', 'p.yml').rules.clients_must_connect).toEqual(['mstsc-win10']);
    expect(() => parsePolicy('clients_must_connect: [mstsc-xp]', 'p.yml')).toThrow(PolicyError);
    expect(() => parsePolicy('clients_must_connect: [mstsc-xp]', 'p.yml')).toThrow(/clients_must_connect\[0\]: expected client profile ids \(mstsc-win11, .*remmina\), got "mstsc-xp"/);
    expect(() => parsePolicy('clients_must_connect: []', 'p.yml')).toThrow(/at least one/);
    expect(() => parsePolicy('clients_must_connect: [all]', 'p.yml')).toThrow(PolicyError);
    expect(parsePolicy('hosts:\n  10.0.0.0/8: { clients_must_connect: null }', 'p.yml').hosts[0]!.rules.clients_must_connect).toBeNull();
  });

  it('passes on measured connects, fails on a lock-out, and a likely, null or missing verdict is unverified, never a pass', () => {
    const r = makeRecord({ clients: null });
    r.clients = { 'freerdp-2': verdict('freerdp-2', ok), 'mstsc-win7': verdict('mstsc-win7', refused), 'mstsc-win11': verdict('mstsc-win11', ok), 'rd-ios': verdict('rd-ios', { ...ok, tls: null }) };
    expect(r.clients['freerdp-2']!.certainty).toBe('measured');
    expect(evalRules(r, { clients_must_connect: ['freerdp-2'] })).toEqual([]);

    const out = evalRules(r, { clients_must_connect: ['mstsc-win7'] });
    expect(ids(out)).toEqual(['policy_clients_must_connect']);
    expect(out[0]!.evidence).toContain('clients["mstsc-win7"].connects = false');
    expect(out[0]!.evidence.join('\n')).toContain('tls/tls_version_refused');

    const likely = evalRules(r, { clients_must_connect: ['mstsc-win11'] });
    expect(ids(likely)).toEqual(['policy_unverified']);
    expect(likely[0]!.evidence[0]).toMatch(/^clients_must_connect: clients\["mstsc-win11"\].connects = true \(only likely: .*tls.cipher_suites/);
    expect(ids(evalRules(r, { clients_must_connect: ['rd-ios'] }))).toEqual(['policy_unverified']);
    const missing = evalRules(r, { clients_must_connect: ['remmina'] });
    expect(missing[0]!.evidence[0]).toContain('was not among --clients');
    expect(evalRules(makeRecord(), { clients_must_connect: ['remmina'] })[0]!.evidence[0]).toContain('ran without --clients');
    const cut = evalRules(makeRecord({ not_measured: { clients: 'deadline' } }), { clients_must_connect: ['remmina'] });
    expect(cut[0]!.evidence[0]).toMatch(/^clients_must_connect: clients\["remmina"\] = null \(not measured: not_measured = clients\/deadline\)$/);
  });
});

describe('forbid_weak_signature and min_encryption_level', () => {
  it('forbid_weak_signature fails on SHA-1, passes on SHA-256, is unverified without a certificate where TLS is offered', () => {
    expect(ids(evalRules(makeRecord({ certificate: { signature_algorithm: 'sha1WithRSAEncryption' } }), { forbid_weak_signature: true }))).toEqual(['policy_forbid_weak_signature']);
    expect(evalRules(makeRecord(), { forbid_weak_signature: true })).toEqual([]);
    expect(ids(evalRules(makeRecord({ certificate: null }), { forbid_weak_signature: true }))).toEqual(['policy_unverified']);
    expect(() => parsePolicy('forbid_weak_signature: 1', 'p.yml')).toThrow(/expected true or false/);
  });

  it('min_encryption_level applies only where Standard RDP Security is accepted', () => {
    const low = makeRecord({ protocols: { rdp: selects('rdp', 'rdp') }, rdp_security: rdpSecurity({ encryption_level: 'low', encryption_methods: ['40bit'] }) });
    expect(ids(evalRules(low, { min_encryption_level: 'high' }))).toEqual(['policy_min_encryption_level']);
    expect(evalRules(low, { min_encryption_level: 'low' })).toEqual([]);
    expect(evalRules(makeRecord(), { min_encryption_level: 'high' })).toEqual([]); // PROTOCOL_RDP refused: nothing to check
    expect(() => parsePolicy('min_encryption_level: medium', 'p.yml')).toThrow(/expected one of "low", "client_compatible", "high", "fips"/);
  });
});

describe('policy from a reference record', () => {
  const reference = (): ProbeRecord => {
    const r = makeRecord({ rdp_udp: { answered: false, version: null, syn_ack: null, failure: { reason: 'refused', detail: null } } });
    r.clients = { 'freerdp-2': verdict('freerdp-2', ok), 'mstsc-win11': verdict('mstsc-win11', ok), 'mstsc-win7': verdict('mstsc-win7', refused) };
    return r;
  };

  it('every rule the reference host meets, commented; per-host facts never; the file parses', () => {
    const text = policyFromRecord(reference());
    const policy = parsePolicy(text, 'generated.yml');
    expect(policy.rules).toEqual({
      require_nla: true,
      forbid_standard_rdp_security: true,
      min_tls: '1.2',
      min_key_bits: 2048,
      forbid_weak_signature: true,
      forbid_self_signed: true,
      min_credssp_version: 6,
      forbid_udp: true,
      clients_must_connect: ['freerdp-2'],
    });
    for (const line of text.split('\n')) if (line !== '' && !line.startsWith('#') && !line.startsWith('  - ')) expect(text.split('\n')[text.split('\n').indexOf(line) - 1], `a comment above ${line}`).toMatch(/^# /);
    const rules = text.split('\n').filter((l) => !l.startsWith('#'));
    expect(rules.join('\n')).not.toMatch(/thumbprint|AABBCCDD|srv01|not_after|days/i);
    expect(text).toContain('# Locked out of the reference host itself: mstsc-win7.');
    // CA-issued, chain not judged: the notes say that, never "self-signed" beside an active forbid_self_signed.
    expect(text).not.toContain('self-signed, so no forbid_self_signed rule');
    expect(text).toContain('no require_trusted_cert rule');
  });

  it('round trip: the reference record passes its own policy, a record that differs fails it', () => {
    const policy = parsePolicy(policyFromRecord(reference()), 'generated.yml');
    expect(evaluatePolicy(reference(), policy)).toEqual([]);
    const worse = reference();
    worse.nla_required = false;
    worse.tls!.versions['tls1.0'] = true;
    worse.certificate = certificate({ self_signed: true, key_bits: 1024, signature_algorithm: 'sha1WithRSAEncryption' });
    worse.clients!['freerdp-2'] = verdict('freerdp-2', refused);
    expect(ids(evaluatePolicy(worse, policy)).sort()).toEqual(
      ['policy_clients_must_connect', 'policy_forbid_self_signed', 'policy_forbid_weak_signature', 'policy_min_key_bits', 'policy_min_tls', 'policy_require_nla'].sort(),
    );
  });

  it('what the reference host does not meet stays a comment', () => {
    const r = reference();
    r.nla_required = false;
    r.certificate = certificate({ self_signed: true });
    const policy = parsePolicy(policyFromRecord(r), 'generated.yml');
    expect(policy.rules.require_nla).toBeUndefined();
    expect(policy.rules.forbid_self_signed).toBeUndefined();
    expect(policyFromRecord(r)).toContain('# require_nla: true');
  });
});

describe('diff', () => {
  it('a client that lost access is a regression, one that got it back an improvement; the findings are not counted twice', () => {
    const before = makeRecord();
    before.clients = { 'freerdp-2': verdict('freerdp-2', ok), 'mstsc-win7': verdict('mstsc-win7', refused) };
    const after = makeRecord();
    after.clients = { 'freerdp-2': verdict('freerdp-2', refused), 'mstsc-win7': verdict('mstsc-win7', okTls10) };
    after.findings = [{ id: 'client_locked_out', severity: 'medium', title: 't', evidence: [], causes: {} }];
    const d = diffScans([before], [after]);
    const changes = d.hosts[0]!.changes;
    expect(changes.find((c) => c.field === 'clients["freerdp-2"].connects')).toMatchObject({ kind: 'regression', before: true, after: false });
    expect(changes.find((c) => c.field === 'clients["freerdp-2"].connects')!.message).toContain('client freerdp-2 locked out (tls:');
    expect(changes.find((c) => c.field === 'clients["mstsc-win7"].connects')).toMatchObject({ kind: 'improvement' });
    expect(changes.some((c) => c.field.startsWith('findings[client_locked_out'))).toBe(false);
  });
});
