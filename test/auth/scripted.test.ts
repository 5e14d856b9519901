/**
 * The authentication and logon tests through the built CLI against SCRIPTED servers (test/helpers/nla-server.ts
 * with test/helpers/logon-peer.ts): the server side of NTLMv2 and CredSSP, then a scripted logon, for outcomes no
 * open-source server in the lab produces (AUTHZ_ACCESS_DENIED, STATUS_PASSWORD_MUST_CHANGE, licensing errors, Set
 * Error Info). Each test checks the record, the finding, and what the server received.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_HYBRID } from '../../protocol/negotiation.js';
import { ERR_NO_LICENSE_SERVER, ST_NO_TRANSITION, ST_TOTAL_ABORT, STATUS_VALID_CLIENT } from '../../protocol/rdp/licensing.js';
import { ERRINFO_LICENSE_NO_LICENSE_SERVER, ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES } from '../../protocol/rdp/error-info.js';
import { makeCertificate } from '../helpers/nla-server.js';
import type { PeerScript } from '../helpers/logon-peer.js';
import { findingIds, LEAN, onlyRecord, PASSWORD, scanWith, scriptedServer, USER, type ScriptedServer } from './fixtures.js';

let pem: { key: string; cert: string };
const servers: ScriptedServer[] = [];
beforeAll(async () => {
  pem = await makeCertificate('nla-scripted.test');
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function server(o: Parameters<typeof scriptedServer>[2] = {}, host = '127.0.53.1'): Promise<ScriptedServer> {
  const s = await scriptedServer(pem, host, o);
  servers.push(s);
  return s;
}

/** Scan one scripted server with its certificate pinned; returns the record and the server's view. */
async function scan(s: ScriptedServer, extra: string[] = [], password = PASSWORD) {
  const r = await scanWith([s.target, '--user', USER, '--pin', s.sha1, ...LEAN, ...extra, '-f', 'ndjson'], password);
  expect(r.code, r.stderr).toBe(0);
  await s.settled();
  return { rec: onlyRecord(r), r };
}

const VALID_CLIENT = { send: 'license_error', errorCode: STATUS_VALID_CLIENT, stateTransition: ST_NO_TRANSITION } as const;
const ACTIVATE = [{ send: 'demand_active' }, { send: 'server_finalization' }] as const;
const LOGON = ['--logon', '--logon-timeout', '2'];

describe.concurrent('authentication test against scripted CredSSP servers (scripted)', () => {
  it("'auth', right password: success, the server proved its key, and the password never went on the wire", async () => {
    const s = await server();
    const { rec } = await scan(s);
    expect(rec['auth']).toMatchObject({ tested: true, user: USER, method: 'ntlm', depth: 'auth', result: 'success', server_proved_key: true, credentials_delegated: false, selected_protocol: 'hybrid_ex', credssp_version: 6, failure: null, logon: null });
    expect(rec['auth'].trust).toMatchObject({ basis: 'pin', chain_trusted: false, sha1_fingerprint: s.sha1 });
    const attempt = s.connections.find((c) => c.authenticate !== null)!;
    expect(attempt).toMatchObject({ ntProofVerified: true, micVerified: true, channelBindingsVerified: true, clientPubKeyAuthVerified: true, credentials: null });
    expect(s.attempts()).toBe(1);
    expect(findingIds(rec).filter((id) => id.startsWith('logon_'))).toEqual([]);
  });

  it('HYBRID_EX and AUTHZ_ACCESS_DENIED after TSCredentials: logon_right_missing', async () => {
    const s = await server({ behaviour: 'authz_denied' });
    const { rec } = await scan(s, ['--authz']);
    expect(rec['auth']).toMatchObject({ result: 'logon_right_missing', early_user_authz: 'AUTHZ_ACCESS_DENIED', credentials_delegated: true, failure: { stage: 'authz', reason: 'AUTHZ_ACCESS_DENIED' } });
    expect(s.connections.find((c) => c.credentials)?.credentials?.userName).toBe(USER);
    expect(findingIds(rec)).toContain('logon_right_missing');
  });

  it('STATUS_PASSWORD_MUST_CHANGE: logon_account_state, cause must_change confirmed', async () => {
    const s = await server({ behaviour: 'password_must_change' });
    const { rec } = await scan(s, ['--authz']);
    expect(rec['auth']).toMatchObject({ result: 'account_state', status: { hex: '0xC0000224', name: 'STATUS_PASSWORD_MUST_CHANGE' }, credentials_delegated: false });
    const f = rec['findings'].find((x: { id: string }) => x.id === 'logon_account_state');
    expect(Object.entries(f.causes)[0]).toEqual(['must_change', 'confirmed']);
  });

  it('NTLM refused (STATUS_NOT_SUPPORTED to the NEGOTIATE): logon_ntlm_refused, no AUTHENTICATE sent', async () => {
    const s = await server({ behaviour: 'not_ntlm' });
    const { rec } = await scan(s);
    expect(rec['auth']).toMatchObject({ tested: false, result: 'ntlm_refused', status: { name: 'STATUS_NOT_SUPPORTED' } });
    expect(findingIds(rec)).toContain('logon_ntlm_refused');
    expect(s.attempts()).toBe(0);
  });

  it('a server that cannot prove it holds the TLS key: never a success, and --authz delegates nothing', async () => {
    const s = await server({ behaviour: 'wrong_pub_key_auth' });
    const { rec } = await scan(s, ['--authz']);
    expect(rec['auth']).toMatchObject({ result: 'server_key_proof_failed', server_proved_key: false, credentials_delegated: false });
    expect(s.connections.every((c) => c.credentials === null)).toBe(true);
  });

  it('wrong password: credentials_rejected (STATUS_LOGON_FAILURE), one attempt', async () => {
    const s = await server();
    const { rec } = await scan(s, [], `${PASSWORD}x`);
    expect(rec['auth']).toMatchObject({ result: 'credentials_rejected', status: { name: 'STATUS_LOGON_FAILURE' }, failure: { stage: 'auth', reason: 'STATUS_LOGON_FAILURE' } });
    expect(findingIds(rec)).toContain('logon_credentials_rejected');
    expect(s.attempts()).toBe(1);
  });
});

describe.concurrent('the gate of a CI run (scripted)', () => {
  it('--require-auth: exit 1 on rejected credentials, 0 on success; --require-logon without --logon is unverified', async () => {
    const s = await server({}, '127.0.53.8');
    const base = [s.target, '--user', USER, '--pin', s.sha1, ...LEAN, '-f', 'ndjson'];
    const bad = await scanWith([...base, '--require-auth'], 'not-the-password');
    expect(bad.code, bad.stderr).toBe(1);
    expect(findingIds(onlyRecord(bad))).toContain('policy_require_auth');
    const good = await scanWith([...base, '--require-auth'], PASSWORD);
    expect(good.code, good.stderr).toBe(0);
    const unverified = await scanWith([...base, '--require-logon'], PASSWORD);
    expect(unverified.code).toBe(1);
    expect(findingIds(onlyRecord(unverified))).toEqual(expect.arrayContaining(['policy_unverified']));
  });
});

describe.concurrent('one attempt, then stop (scripted)', () => {
  it('two servers that reject: the second is never sent credentials, and its record says why', async () => {
    const a = await server({}, '127.0.53.2');
    const b = await server({}, '127.0.53.3');
    const r = await scanWith([a.target, b.target, '--user', USER, '--auth-hosts', `${a.target},${b.target}`, '--pin', a.sha1, ...LEAN, '-f', 'ndjson'], 'not-the-password');
    expect(r.code, r.stderr).toBe(0);
    await Promise.all([a.settled(), b.settled()]);
    expect(a.attempts() + b.attempts()).toBe(1);
    const recs = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const results = recs.map((x) => x.auth.result).sort();
    expect(results).toEqual(['credentials_rejected', 'not_attempted']);
    const stopped = recs.find((x) => x.auth.result === 'not_attempted');
    const first = recs.find((x) => x.auth.result === 'credentials_rejected');
    expect(stopped.auth).toMatchObject({ tested: false, failure: { reason: 'lockout_stop' } });
    expect(stopped.auth.failure.detail).toContain(`${first.host}:${first.port}`);
  });

  it('STATUS_ACCOUNT_LOCKED_OUT stops the scan too', async () => {
    const a = await server({ behaviour: 'account_locked_out' }, '127.0.53.4');
    const b = await server({ behaviour: 'account_locked_out' }, '127.0.53.5');
    const r = await scanWith([a.target, b.target, '--user', USER, '--auth-hosts', `${a.target},${b.target}`, '--pin', a.sha1, ...LEAN, '-f', 'ndjson']);
    await Promise.all([a.settled(), b.settled()]);
    expect(a.attempts() + b.attempts()).toBe(1);
    const recs = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(recs.map((x) => `${x.auth.result}/${x.auth.failure?.reason}`).sort()).toEqual(['account_state/STATUS_ACCOUNT_LOCKED_OUT', 'not_attempted/lockout_stop']);
  });

  it('a host outside --auth-hosts gets no credentials and says so', async () => {
    const a = await server({}, '127.0.53.6');
    const b = await server({}, '127.0.53.7');
    const r = await scanWith([a.target, b.target, '--user', USER, '--auth-hosts', a.target, '--pin', a.sha1, ...LEAN, '-f', 'ndjson']);
    await Promise.all([a.settled(), b.settled()]);
    expect([a.attempts(), b.attempts()]).toEqual([1, 0]);
    const recs = r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l));
    const other = recs.find((x) => x.port === b.port);
    expect(other.auth).toMatchObject({ tested: false, result: 'not_attempted', failure: { reason: 'not_in_auth_hosts' } });
  });
});

describe.concurrent('the credential gate: trust (scripted)', () => {
  it('an untrusted self-signed certificate without a pin: credentials withheld, the record names the thumbprint to check', async () => {
    const s = await server();
    const r = await scanWith([s.target, '--user', USER, ...LEAN, '-f', 'ndjson']);
    await s.settled();
    const rec = onlyRecord(r);
    expect(rec['auth']).toMatchObject({ tested: false, result: 'not_attempted', failure: { reason: 'untrusted_certificate' }, trust: { basis: null, chain_trusted: false, chain_error: 'DEPTH_ZERO_SELF_SIGNED_CERT' } });
    expect(rec['auth'].failure.detail).toContain(`--pin ${s.sha1}`);
    expect(s.attempts()).toBe(0);
  });

  it('--pin with another thumbprint: still withheld', async () => {
    const s = await server();
    const r = await scanWith([s.target, '--user', USER, '--pin', '00'.repeat(20), ...LEAN, '-f', 'ndjson']);
    await s.settled();
    expect(onlyRecord(r)['auth'].failure.reason).toBe('untrusted_certificate');
    expect(s.attempts()).toBe(0);
  });

  it("the policy's expected_thumbprint pins the host: the right one lets the credentials go, a wrong one withholds them", async () => {
    const s = await server();
    const good = await scanWith([s.target, '--user', USER, '--expected-thumbprint', `${s.target}=${s.sha1}`, ...LEAN, '-f', 'ndjson']);
    expect(onlyRecord(good)['auth']).toMatchObject({ result: 'success', trust: { basis: 'pin' } });
    const t = await server();
    const bad = await scanWith([t.target, '--user', USER, '--pin', t.sha1, '--expected-thumbprint', `${t.target}=${'AB'.repeat(20)}`, ...LEAN, '-f', 'ndjson']);
    await t.settled();
    expect(onlyRecord(bad)['auth'].failure.reason).toBe('pin_mismatch');
    expect(t.attempts()).toBe(0);
  });

  it('--auth-insecure: credentials sent to the unverified server, and the record says so', async () => {
    const s = await server();
    const r = await scanWith([s.target, '--user', USER, '--auth-insecure', ...LEAN, '-f', 'ndjson']);
    await s.settled();
    const rec = onlyRecord(r);
    expect(rec['auth']).toMatchObject({ result: 'success', insecure: true, trust: { basis: 'insecure', chain_trusted: false } });
    expect(rec['scan'].options).toMatchObject({ auth: 'auth', auth_user: USER, auth_insecure: true });
    expect(s.attempts()).toBe(1);
  });
});

describe.concurrent('logon test against scripted servers (scripted)', () => {
  const logonScan = async (script: PeerScript, o: Parameters<typeof scriptedServer>[2] = {}) => {
    const s = await server({ logon: script, ...o });
    const r = await scanWith([s.target, '--user', USER, '--pin', s.sha1, '--auth-hosts', s.target, ...LOGON, ...LEAN, '-f', 'ndjson']);
    expect(r.code, r.stderr).toBe(0);
    await s.settled();
    return { rec: onlyRecord(r), received: s.sessions[0] ?? [], s };
  };

  it('the whole sequence to Save Session Info: logon_notified, the password only inside CredSSP, a clean disconnect', async () => {
    const { rec, received, s } = await logonScan({ steps: [VALID_CLIENT, ...ACTIVATE, { send: 'save_session_info', info: { type: 'logon_long', domain: 'LAB', userName: USER, sessionId: 3 } }] });
    expect(rec['auth']).toMatchObject({ result: 'success', depth: 'authz', credentials_delegated: true, early_user_authz: 'AUTHZ_SUCCESS' });
    expect(rec['auth'].logon).toMatchObject({ tested: true, result: 'logon_notified', reached: 'logon_notified', logon_info_type: 'INFOTYPE_LOGON_LONG', timed_out: false, reconnected_existing: false, disconnect: { by: 'rdprobe' }, failure: null });
    expect(rec['auth'].logon.licensing).toEqual({ message: 'error', error_code: 'STATUS_VALID_CLIENT', state_transition: 'ST_NO_TRANSITION' });
    const info = received.find((x) => x.pdu === 'client_info');
    expect(info).toMatchObject({ info: { userName: USER, password: '' } });
    expect(received.map((x) => x.pdu).slice(-2)).toEqual(['shutdown_request', 'disconnect_provider_ultimatum']);
    expect(s.connections.find((c) => c.credentials)?.credentials?.userName).toBe(USER);
    expect(findingIds(rec).filter((id) => id.startsWith('logon_') || id === 'licensing_failed')).toEqual([]);
  });

  it('licensing error ERR_NO_LICENSE_SERVER / ST_TOTAL_ABORT, then ERRINFO_LICENSE_NO_LICENSE_SERVER: licensing_failed', async () => {
    const { rec } = await logonScan({
      steps: [{ send: 'license_error', errorCode: ERR_NO_LICENSE_SERVER, stateTransition: ST_TOTAL_ABORT }, { send: 'set_error_info', code: ERRINFO_LICENSE_NO_LICENSE_SERVER }, { send: 'ultimatum' }],
    });
    expect(rec['auth'].logon).toMatchObject({ result: 'licensing_failed', reached: 'licensing', error_info: { code: '0x00000101', name: 'ERRINFO_LICENSE_NO_LICENSE_SERVER' }, licensing: { error_code: 'ERR_NO_LICENSE_SERVER', state_transition: 'ST_TOTAL_ABORT' }, disconnect: { by: 'server_ultimatum' } });
    const f = rec['findings'].find((x: { id: string }) => x.id === 'licensing_failed');
    expect(Object.entries(f.causes)[0]).toEqual(['no_license_server', 'confirmed']);
  });

  it('Set Error Info ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES after the Client Info PDU: logon_ended_by_server, with its meaning', async () => {
    const { rec } = await logonScan({ steps: [VALID_CLIENT, ...ACTIVATE, { send: 'set_error_info', code: ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES }, { close: true }] });
    expect(rec['auth'].logon).toMatchObject({ result: 'ended_by_server', reached: 'finalization', error_info: { code: '0x00000009', name: 'ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES' }, disconnect: { by: 'server_closed' } });
    const f = rec['findings'].find((x: { id: string }) => x.id === 'logon_ended_by_server');
    expect(Object.entries(f.causes)[0]).toEqual(['logon_right', 'confirmed']);
    expect(f.evidence.join('\n')).toMatch(/insufficient access privileges/);
  });

  it('Set Error Info ERRINFO_LICENSE_NO_LICENSE_SERVER right after the Client Info PDU: licensing_failed', async () => {
    const { rec } = await logonScan({ steps: [{ send: 'set_error_info', code: ERRINFO_LICENSE_NO_LICENSE_SERVER }, { send: 'ultimatum' }] });
    expect(rec['auth'].logon).toMatchObject({ result: 'licensing_failed', reached: 'client_info', error_info: { name: 'ERRINFO_LICENSE_NO_LICENSE_SERVER' } });
    expect(findingIds(rec)).toContain('licensing_failed');
  });

  it('silence after finalization: timed_out at the logon timeout, logon_incomplete, then rdprobe disconnects', async () => {
    const { rec, received } = await logonScan({ steps: [VALID_CLIENT, ...ACTIVATE] });
    expect(rec['auth'].logon).toMatchObject({ result: 'timed_out', reached: 'finalization', timed_out: true, disconnect: { by: 'rdprobe', reason: 'logon timeout' } });
    expect(findingIds(rec)).toContain('logon_incomplete');
    expect(received.at(-1)?.pdu).toBe('disconnect_provider_ultimatum');
  });

  it('the server reconnects an existing session: rdprobe leaves before confirming it', async () => {
    const { rec, received } = await logonScan({ steps: [VALID_CLIENT, ...ACTIVATE, { send: 'deactivate_all' }, { send: 'demand_active', sessionId: 7 }] });
    expect(rec['auth'].logon).toMatchObject({ result: 'reconnected_existing', reconnected_existing: true });
    // One Confirm Active only (for the first share); after the second Demand Active, straight to the disconnect.
    expect(received.filter((x) => x.pdu === 'confirm_active')).toHaveLength(1);
    expect(received.map((x) => x.pdu).slice(-2)).toEqual(['shutdown_request', 'disconnect_provider_ultimatum']);
    const f = rec['findings'].find((x: { id: string }) => x.id === 'logon_incomplete');
    expect(Object.entries(f.causes)[0]).toEqual(['existing_session', 'confirmed']);
  });

  it('HYBRID (no Early User Authorization Result): the logon goes on after TSCredentials', async () => {
    const { rec } = await logonScan({ steps: [VALID_CLIENT, ...ACTIVATE, { send: 'save_session_info', info: { type: 'logon', domain: '', userName: USER, sessionId: 2 } }] }, { selectedProtocol: PROTOCOL_HYBRID });
    expect(rec['auth']).toMatchObject({ selected_protocol: 'hybrid', early_user_authz: null, result: 'success' });
    expect(rec['auth'].logon.result).toBe('logon_notified');
  });

  it('authz refused (AUTHZ_ACCESS_DENIED): the logon does not start, and says why', async () => {
    const { rec } = await logonScan({ steps: [] }, { behaviour: 'authz_denied' });
    expect(rec['auth'].logon).toMatchObject({ tested: false, result: 'not_attempted', failure: { detail: 'auth.result is logon_right_missing' } });
  });
});
