/**
 * The authentication test's parts without a network: the scan's credential gate, the trust judgement, the trust
 * store, the password's holder, account parsing and the terminal prompt; and --ca-file end to end against a
 * SCRIPTED server whose certificate a throw-away CA signed.
 */
import { X509Certificate } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Credentials, parseAccount } from '../../src/checks/auth-options.js';
import { gateVerdictOf } from '../../src/checks/auth.js';
import { judgeTrust } from '../../src/checks/auth-trust.js';
import type { GateStop, GateTurn } from '../../src/checks/contract.js';
import { promptPassword } from '../../src/cli/password.js';
import { AuthGate, gateStopOf } from '../../src/scan/auth-gate.js';
import { systemTrustStore, trustStoreFromPem, TrustStoreError } from '../../src/transport/trust-store.js';
import { tempDir } from '../cli/helpers.js';
import { auth } from '../helpers/record-factory.js';
import { makeCa, type TestCa } from './ca.js';
import { LEAN, onlyRecord, scanWith, scriptedServer, USER, type ScriptedServer } from './fixtures.js';

const isStop = (x: GateTurn | GateStop): x is GateStop => 'by' in x;
const tick = () => new Promise((r) => setImmediate(r));

describe('the credential gate (src/scan/auth-gate.ts)', () => {
  it('one exchange at a time until the credentials are proven, then side by side', async () => {
    const g = new AuthGate();
    const first = (await g.enter('a:3389')) as GateTurn;
    let second: GateTurn | GateStop | null = null;
    void g.enter('b:3389').then((t) => (second = t));
    await tick();
    expect(second).toBeNull();
    first.end('accepted', 'accepted');
    await tick();
    expect(second).not.toBeNull();
    // Proven: two more enter at once without waiting for each other.
    const [c, d] = await Promise.all([g.enter('c:3389'), g.enter('d:3389')]);
    expect(isStop(c) || isStop(d)).toBe(false);
  });

  it('the first rejection stops every exchange, the waiting ones included, and names who stopped it', async () => {
    const g = new AuthGate();
    const first = (await g.enter('a:3389')) as GateTurn;
    const waiting = g.enter('b:3389');
    first.end('rejected', 'STATUS_LOGON_FAILURE');
    first.end('accepted', 'ignored: a turn ends once');
    expect(await waiting).toEqual({ by: 'a:3389', why: 'STATUS_LOGON_FAILURE' });
    expect(await g.enter('c:3389')).toEqual({ by: 'a:3389', why: 'STATUS_LOGON_FAILURE' });
  });

  it('a lockout stops it too; an exchange without a verdict lets the next one go', async () => {
    const g = new AuthGate();
    ((await g.enter('a:3389')) as GateTurn).end('no_verdict', 'timeout');
    const t = await g.enter('b:3389');
    expect(isStop(t)).toBe(false);
    (t as GateTurn).end('locked_out', 'STATUS_ACCOUNT_LOCKED_OUT');
    expect(g.stop).toEqual({ by: 'b:3389', why: 'STATUS_ACCOUNT_LOCKED_OUT' });
  });

  it('a resumed file closes the gate: rejected credentials or a lockout in a record', () => {
    const g = new AuthGate();
    for (const a of [auth(), auth({ result: 'not_attempted' })]) expect(gateStopOf({ host: 'h', port: 1, auth: a })).toBeNull();
    const stop = gateStopOf({ host: 'srv01', port: 3389, auth: auth({ result: 'credentials_rejected', failure: { stage: 'auth', reason: 'STATUS_LOGON_FAILURE', detail: null } }) });
    expect(stop?.by).toBe('srv01:3389');
    g.close(stop!);
    expect(g.stop).toBe(stop);
    expect(gateStopOf({ host: 'h', port: 1, auth: auth({ result: 'account_state', status: { hex: '0xC0000234', name: 'STATUS_ACCOUNT_LOCKED_OUT' } }) })).not.toBeNull();
  });

  it('gateVerdictOf: what a record says about the credentials', () => {
    expect(gateVerdictOf(auth())).toBe('accepted');
    expect(gateVerdictOf(auth({ result: 'account_state', status: { hex: '0xC0000224', name: 'STATUS_PASSWORD_MUST_CHANGE' } }))).toBe('accepted');
    expect(gateVerdictOf(auth({ result: 'credentials_rejected' }))).toBe('rejected');
    expect(gateVerdictOf(auth({ result: 'failed' }))).toBe('no_verdict');
  });
});

describe('the password holder and the account', () => {
  it('Credentials never shows the password, and dispose() zeroes it', () => {
    const c = new Credentials(Buffer.from('Hidden-Pw-9', 'utf8'));
    for (const text of [JSON.stringify({ c }), inspect(c), inspect({ c }, { showHidden: true, depth: 5 }), String(c), `${c}`]) expect(text).not.toContain('Hidden-Pw-9');
    const copy = c.passwordBytes();
    expect(Buffer.from(copy).toString()).toBe('Hidden-Pw-9');
    c.dispose();
    expect(c.passwordBytes().every((b) => b === 0)).toBe(true);
  });

  it('parseAccount: DOMAIN\\user, user@domain (a UPN, sent as the user name), user; nonsense refused', () => {
    expect(parseAccount('CORP\\alice')).toEqual({ text: 'CORP\\alice', user: 'alice', domain: 'CORP' });
    expect(parseAccount('alice@corp.example')).toEqual({ text: 'alice@corp.example', user: 'alice@corp.example', domain: '' });
    expect(parseAccount(' labuser ')).toEqual({ text: 'labuser', user: 'labuser', domain: '' });
    for (const bad of ['', '\\alice', 'CORP\\', 'a\\b\\c', '@corp', 'alice@', 'al\nice']) expect(parseAccount(bad), bad).toBeNull();
  });
});

describe('the terminal prompt', () => {
  it('reads one line without echoing it, on the output only the prompt and a newline', async () => {
    const input = new PassThrough() as PassThrough & { isTTY: boolean; setRawMode: (b: boolean) => void };
    input.isTTY = true;
    input.setRawMode = () => {};
    let shown = '';
    const output = new PassThrough();
    output.on('data', (d: Buffer) => (shown += d.toString()));
    const p = promptPassword(input, output, 'Password for CORP\\alice: ');
    input.write('Typed-Secret-3\r');
    expect(Buffer.from(await p).toString()).toBe('Typed-Secret-3');
    expect(shown).not.toContain('Typed');
    expect(shown).toContain('Password for CORP\\alice: ');
  });

  it('Ctrl-D (end of input) at the prompt is an error, not an empty password', async () => {
    const input = new PassThrough() as PassThrough & { isTTY: boolean };
    input.isTTY = true;
    const p = promptPassword(input, new PassThrough(), 'Password: ');
    input.end();
    await expect(p).rejects.toThrow(/no password given/);
  });
});

describe('trust: judgeTrust and the trust store', () => {
  let ca: TestCa;
  beforeAll(() => {
    ca = makeCa(['IP:127.0.53.40', 'DNS:rdp.test']);
  });
  const der = () => Uint8Array.from(new X509Certificate(ca.leaf.cert).raw);
  const none = { pins: [] as string[], expectedThumbprint: () => null, insecure: false };
  const at = (host: string) => ({ target: host, host, address: '127.0.53.40', port: 3389 });

  it('a trusted chain that names the host (by IP SAN or DNS name) is trusted; one that does not name it is not', () => {
    const ok = { authorized: true, error: null };
    expect(judgeTrust(der(), ok, at('127.0.53.40'), none).trust.basis).toBe('ca');
    expect(judgeTrust(der(), ok, at('rdp.test'), none).trust.basis).toBe('ca');
    const other = judgeTrust(der(), ok, at('127.0.53.41'), none);
    expect(other.withheld?.reason).toBe('untrusted_certificate');
    expect(other.withheld?.detail).toContain('does not name 127.0.53.41');
  });

  it('a pin trusts whatever the chain; the policy pin is the only certificate trusted on its host; --auth-insecure overrides', () => {
    const bad = { authorized: false, error: 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY' };
    const sha1 = judgeTrust(der(), bad, at('x'), none).trust.sha1_fingerprint;
    expect(judgeTrust(der(), bad, at('x'), { ...none, pins: [sha1] }).trust.basis).toBe('pin');
    expect(judgeTrust(der(), { authorized: true, error: null }, at('127.0.53.40'), { ...none, expectedThumbprint: () => 'AB'.repeat(20) }).withheld?.reason).toBe('pin_mismatch');
    expect(judgeTrust(der(), bad, at('x'), { ...none, expectedThumbprint: () => sha1 }).trust.basis).toBe('pin');
    const insecure = judgeTrust(der(), bad, at('x'), { ...none, insecure: true });
    expect([insecure.trust.basis, insecure.withheld]).toEqual(['insecure', null]);
  });

  it('trustStoreFromPem adds each certificate to Node\'s list and refuses files without a usable one', () => {
    const store = trustStoreFromPem(`# bundle\n${ca.caPem}`, 'bundle.pem');
    expect(store.added).toBe(1);
    expect(store.ca.length).toBe(systemTrustStore().ca.length + 1);
    expect(() => trustStoreFromPem('nothing', 'x.pem')).toThrow(TrustStoreError);
    expect(() => trustStoreFromPem('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n', 'x.pem')).toThrow(/certificate 1 of 1 is not a valid X.509 certificate/);
  });
});

describe('--ca-file end to end (scripted server with a CA-signed certificate)', () => {
  const tmp = tempDir('rdprobe-ca-file-');
  const servers: ScriptedServer[] = [];
  let ca: TestCa;
  beforeAll(() => {
    ca = makeCa(['IP:127.0.53.40']);
    writeFileSync(join(tmp.dir, 'ca.pem'), ca.caPem);
  });
  afterAll(async () => {
    await Promise.all(servers.map((s) => s.close()));
    tmp.cleanup();
  });

  it('with the CA: trusted by chain and name, credentials sent; without it: withheld; at another address: withheld', async () => {
    const s = await scriptedServer(ca.leaf, '127.0.53.40');
    const elsewhere = await scriptedServer(ca.leaf, '127.0.53.41');
    servers.push(s, elsewhere);
    const caFile = join(tmp.dir, 'ca.pem');
    const withCa = onlyRecord(await scanWith([s.target, '--user', USER, '--ca-file', caFile, ...LEAN, '-f', 'ndjson']));
    expect(withCa['auth']).toMatchObject({ result: 'success', trust: { basis: 'ca', chain_trusted: true, chain_error: null, name_matches: true } });
    expect(withCa['scan'].options.ca_file).toMatch(/^[0-9a-f]{12}$/);
    const without = onlyRecord(await scanWith([s.target, '--user', USER, ...LEAN, '-f', 'ndjson']));
    expect(without['auth']).toMatchObject({ result: 'not_attempted', trust: { chain_trusted: false, name_matches: true } });
    const other = onlyRecord(await scanWith([elsewhere.target, '--user', USER, '--ca-file', caFile, ...LEAN, '-f', 'ndjson']));
    expect(other['auth']).toMatchObject({ result: 'not_attempted', trust: { chain_trusted: true, name_matches: false }, failure: { reason: 'untrusted_certificate' } });
    await Promise.all([s.settled(), elsewhere.settled()]);
    expect([s.attempts(), elsewhere.attempts()]).toEqual([1, 0]);
  });
});
