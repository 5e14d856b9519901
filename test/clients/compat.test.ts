/**
 * The verdict (src/analysis/client-compat.ts) on given server answers: every step, the facts it rests on and its
 * certainty, and the client_locked_out finding built from it. The answers are written here; the lab and replay
 * tests (clients-lab, clients-replay) get them from real servers.
 */
import { describe, expect, it } from 'vitest';
import { clientVerdict, type VerdictContext } from '../../src/analysis/client-compat.js';
import type { HandshakeSeen, TlsSeen } from '../../src/analysis/client-handshake.js';
import { clientProfile, fact, type ClientProfile } from '../../src/clients/index.js';
import { diagnose } from '../../src/diagnosis/index.js';
import { certificate, credssp, emptyRecord, tls } from '../helpers/record-factory.js';

const p = (id: string): ClientProfile => clientProfile(id)!;
const CTX: VerdictContext = { host: 'srv01.corp.example', certificate: certificate(), credssp: credssp(), tls: tls({ 'tls1.0': false, 'tls1.1': false, 'tls1.2': true, 'tls1.3': true }) };
const seen = (over: Partial<HandshakeSeen>): HandshakeSeen => ({ negotiation: { kind: 'selected', protocol: 'hybrid' }, tls: null, mcs: null, fallback: null, ...over });
const answered = (version: number, suite: number): TlsSeen => ({ kind: 'answered', version, suite, helloRetry: false, problems: [] });
const DOC = { kind: 'documentation' as const, text: 'a test profile variant: documented for the sake of the test' };

describe('negotiation', () => {
  it('a client without CredSSP against NLA required: locked out at negotiation, measured (recorded request)', () => {
    const v = clientVerdict(p('mstsc-6'), seen({ negotiation: { kind: 'refused', code: 'HYBRID_REQUIRED_BY_SERVER' } }), CTX);
    expect(v).toMatchObject({ connects: false, certainty: 'measured', fails_at: { stage: 'negotiation', reason: 'HYBRID_REQUIRED_BY_SERVER' } });
    expect(v.fails_at!.detail).toContain('asks for PROTOCOL_SSL, without CredSSP; the server requires NLA');
    expect(v.fix!.server).toContain('UserAuthentication = 0');
    expect(v.fix!.client).toContain('CredSSP');
  });

  it('SSL_NOT_ALLOWED_BY_SERVER: a client that speaks Standard RDP Security retries and gets in; one not known to is unknown', () => {
    const s = seen({
      negotiation: { kind: 'refused', code: 'SSL_NOT_ALLOWED_BY_SERVER' },
      fallback: { negotiation: { kind: 'selected', protocol: 'rdp' }, mcs: { kind: 'answered', method: '128bit', level: 'high' } },
    });
    const v = clientVerdict(p('mstsc-6'), s, CTX);
    expect(v).toMatchObject({ connects: true, protocol: 'rdp', certainty: 'measured', fails_at: null, cipher: 'Standard RDP Security 128bit (level high)' });
    expect(v.warnings.join()).toContain('no server authentication');
    expect(clientVerdict(p('windows-app-macos'), s, CTX)).toMatchObject({ connects: null, certainty: 'likely' });
  });

  it('a protocol the client did not ask for ends it; a client that insists on NLA refuses TLS without it', () => {
    expect(clientVerdict(p('freerdp-2'), seen({ negotiation: { kind: 'selected', protocol: 'hybrid_ex' } }), CTX).fails_at).toMatchObject({ stage: 'negotiation', reason: 'protocol_mismatch' });
    const insists = { ...p('freerdp-2'), insists_on_nla: fact(true, DOC) };
    expect(clientVerdict(insists, seen({ negotiation: { kind: 'selected', protocol: 'ssl' } }), CTX).fails_at).toMatchObject({ stage: 'negotiation', reason: 'client_requires_nla' });
  });

  it('nothing measured: null, never false', () => {
    expect(clientVerdict(p('freerdp-2'), null, CTX)).toMatchObject({ connects: null, fails_at: null });
    expect(clientVerdict(p('freerdp-2'), seen({ negotiation: { kind: 'broken', stage: 'x224', reason: 'timeout', detail: null } }), CTX)).toMatchObject({ connects: null });
    // Suites unknown: the hello was never sent.
    expect(clientVerdict(p('rd-ios'), seen({ negotiation: { kind: 'selected', protocol: 'hybrid' } }), CTX)).toMatchObject({ connects: null, protocol: 'hybrid' });
  });
});

describe('TLS', () => {
  it('a TLS 1.0-only client refused by a TLS 1.2+ server: the exact cause, and the fix on both sides', () => {
    const v = clientVerdict(p('mstsc-win7'), seen({ tls: { kind: 'alert', alert: 70, name: 'protocol_version' } }), CTX);
    expect(v.connects).toBe(false);
    expect(v.fails_at).toEqual({
      stage: 'tls',
      reason: 'tls_version_refused',
      detail: 'offers TLS 1.0 only; the server accepts TLS 1.2 to 1.3 and refused this ClientHello (alert 70 protocol_version)',
    });
    expect(v.certainty).toBe('measured');
    expect(v.fix!.client).toContain('KB3080079');
    expect(v.fix!.server).toContain('TLS 1.0\\Server');
  });

  it('a client newer than the server: the fix is the server\'s TLS 1.2, the client side only a stop-gap', () => {
    const old: VerdictContext = { ...CTX, tls: tls({ 'tls1.0': true, 'tls1.1': false, 'tls1.2': false, 'tls1.3': false }) };
    const v = clientVerdict(p('freerdp-3'), seen({ tls: { kind: 'ended', how: 'reset' } }), old);
    expect(v.fails_at).toMatchObject({ reason: 'tls_version_refused' });
    expect(v.fails_at!.detail).toContain('a TCP reset right after the ClientHello');
    expect(v.fix!.server).toContain('TLS 1.2\\Server');
    expect(v.fix!.client).toContain('stop-gap');
  });

  it('versions in common but refused: most likely the cipher suites', () => {
    const v = clientVerdict(p('mstsc-win10'), seen({ tls: { kind: 'alert', alert: 40, name: 'handshake_failure' } }), CTX);
    expect(v.fails_at).toMatchObject({ stage: 'tls', reason: 'no_common_suite' });
    expect(v.fix!.server).toContain('SSL Cipher Suite Order');
  });

  it('FreeRDP on OpenSSL 3 offers TLS 1.0 but does not complete it (recorded against the lab: measured)', () => {
    const v = clientVerdict(p('freerdp-2'), seen({ negotiation: { kind: 'selected', protocol: 'ssl' }, tls: answered(0x0301, 0xc014) }), CTX);
    expect(v).toMatchObject({ connects: false, certainty: 'measured', tls_version: 'tls1.0', cipher: 'TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA' });
    expect(v.fails_at).toMatchObject({ stage: 'tls', reason: 'version_not_completed' });
    // The same on TLS 1.2: the fact is not decisive there and not cited.
    const ok = clientVerdict(p('freerdp-2'), seen({ tls: answered(0x0303, 0xc030) }), CTX);
    expect(ok).toMatchObject({ connects: true, certainty: 'measured', inferred: [] });
  });

  it('a ServerHello that picks what was not offered is a protocol error, whatever else follows', () => {
    const t: TlsSeen = { kind: 'answered', version: 0x0303, suite: 0x0005, helloRetry: false, problems: [{ reason: 'suite_not_offered', suite: 0x0005 }] };
    const v = clientVerdict(p('freerdp-2'), seen({ tls: t }), CTX);
    expect(v.fails_at).toMatchObject({ stage: 'tls', reason: 'suite_not_offered' });
    expect(v.fails_at!.detail).toContain('TLS_RSA_WITH_RC4_128_SHA');
  });

  it('an inferred fact makes the verdict likely, and says which', () => {
    const v = clientVerdict(p('mstsc-win11'), seen({ tls: answered(0x0304, 0x1302) }), CTX);
    expect(v).toMatchObject({ connects: true, certainty: 'likely', tls_version: 'tls1.3' });
    expect(v.inferred).toEqual(expect.arrayContaining(['tls.versions', 'tls.cipher_suites']));
  });
});

describe('facts beyond one connection', () => {
  it('certificate: a warning with the default handling; refused by a client that refuses', () => {
    const selfSigned = { ...CTX, certificate: certificate({ self_signed: true, issuer: 'CN=srv01.corp.example' }) };
    const warn = clientVerdict(p('freerdp-2'), seen({ tls: answered(0x0303, 0xc030) }), selfSigned);
    expect(warn.connects).toBe(true);
    expect(warn.warnings.join()).toContain('self-signed');
    const strict = { ...p('freerdp-2'), certificate_handling: { ...p('freerdp-2').certificate_handling, untrusted: fact('refuse' as const, DOC) } };
    expect(clientVerdict(strict, seen({ tls: answered(0x0303, 0xc030) }), selfSigned).fails_at).toMatchObject({ stage: 'tls', reason: 'certificate_untrusted' });
    // Connecting by address to a certificate that names only the host: the name warning.
    const byIp = clientVerdict(p('freerdp-2'), seen({ tls: answered(0x0303, 0xc030) }), { ...CTX, host: '10.0.0.5' });
    expect(byIp.warnings.join()).toContain('does not name the address 10.0.0.5');
  });

  it('CredSSP: an unpatched server locks out patched Windows clients, not FreeRDP; unknown patch levels stay unknown', () => {
    const unpatched = { ...CTX, credssp: credssp({ version: 3 }) };
    const s = seen({ tls: answered(0x0303, 0xc030) });
    expect(clientVerdict(p('mstsc-win10'), s, unpatched).fails_at).toMatchObject({ stage: 'credssp', reason: 'encryption_oracle_remediation' });
    const free = clientVerdict(p('freerdp-2'), s, unpatched);
    expect(free.connects).toBe(true);
    expect(free.warnings.join()).toContain('without the CVE-2018-0886 fix');
    expect(clientVerdict(p('mstsc-win7-kb3080079'), s, unpatched).connects).toBeNull();
    // The other direction: an unpatched client and a patched server depend on a setting nobody can see.
    const oldClient = { ...p('freerdp-2'), credssp: { ...p('freerdp-2').credssp, oracle_remediation_patched: fact(false, DOC) } };
    expect(clientVerdict(oldClient, s, CTX).connects).toBeNull();
    // Not measured: likely at best.
    expect(clientVerdict(p('freerdp-2'), s, { ...CTX, credssp: null })).toMatchObject({ connects: true, certainty: 'likely' });
  });

  it('Standard RDP Security: the method the server picks must be one the client offered', () => {
    const only40 = { ...p('mstsc-6'), standard_rdp_security: { ...p('mstsc-6').standard_rdp_security, encryption_methods: fact(['40bit' as const], DOC) } };
    const v = clientVerdict(only40, seen({ negotiation: { kind: 'selected', protocol: 'rdp' }, mcs: { kind: 'answered', method: 'fips', level: 'fips' } }), CTX);
    expect(v.fails_at).toMatchObject({ stage: 'mcs', reason: 'method_not_offered' });
    expect(v.fix!.server).toContain('MinEncryptionLevel');
  });
});

describe('client_locked_out', () => {
  it('one finding per locked-out client, with the profile severity, the step and the fix in the evidence', () => {
    const win7 = clientVerdict(p('mstsc-win7'), seen({ tls: { kind: 'alert', alert: 70, name: 'protocol_version' } }), CTX);
    const win10 = clientVerdict(p('mstsc-win10'), seen({ tls: { kind: 'alert', alert: 40, name: 'handshake_failure' } }), CTX);
    const ok = clientVerdict(p('freerdp-2'), seen({ tls: answered(0x0303, 0xc030) }), CTX);
    const r = emptyRecord({ tls: CTX.tls, clients: { 'mstsc-win7': win7, 'mstsc-win10': win10, 'freerdp-2': ok } });
    const found = diagnose(r).filter((f) => f.id === 'client_locked_out');
    expect(found.map((f) => f.severity)).toEqual(['critical', 'low']);
    const [w10, w7] = found;
    expect(w7!.evidence).toContain('clients["mstsc-win7"].fails_at.reason = "tls_version_refused"');
    expect(w7!.evidence.some((e) => e.startsWith('clients["mstsc-win7"].fix.client = ') && e.includes('KB3080079'))).toBe(true);
    expect(Object.keys(w7!.causes)[0]).toBe('tls_version');
    expect(Object.keys(w10!.causes)[0]).toBe('cipher_suites');
    // Not simulated: nothing to say.
    expect(diagnose(emptyRecord()).some((f) => f.id === 'client_locked_out')).toBe(false);
  });
});
