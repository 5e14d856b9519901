/**
 * How records of the authentication and logon tests are judged: the findings (src/diagnosis/rules/auth.ts) with
 * their causes ranked by the server's own code, the policy rules require_auth / require_logon, and the diff. A test
 * without a verdict (credentials withheld, no --user) never fires a finding, never passes a gate, never counts as a
 * change.
 */
import { describe, expect, it } from 'vitest';
import { diagnose } from '../../src/diagnosis/index.js';
import { inputsMeasured } from '../../src/diagnosis/inputs.js';
import { diffScans } from '../../src/diff/index.js';
import { evaluatePolicy, policyFromFlags } from '../../src/policy/index.js';
import { authOutcome, logonOutcome, type AuthRecord, type Finding, type ProbeRecord } from '../../src/record.js';
import { auth, logon } from '../helpers/record-factory.js';
import { parseCsv } from '../helpers/csv.js';
import { makeRecord } from '../policy/factory.js';

const rec = (a: AuthRecord | null): ProbeRecord => ({ ...makeRecord(), auth: a });
const AUTH_IDS = ['logon_credentials_rejected', 'logon_account_state', 'logon_right_missing', 'logon_ntlm_refused', 'licensing_failed', 'logon_ended_by_server', 'logon_incomplete'];
const authFindings = (r: ProbeRecord): Finding[] => diagnose(r).filter((f) => AUTH_IDS.includes(f.id));
const topCause = (f: Finding | undefined): [string, string] | undefined => (f ? (Object.entries(f.causes)[0] as [string, string]) : undefined);
const withheld = (reason: string) => auth({ tested: false, result: 'not_attempted', server_proved_key: null, failure: { stage: 'auth', reason, detail: null } });

describe('findings of the authentication test', () => {
  it('success, and every "no verdict", fire nothing', () => {
    for (const a of [null, auth(), withheld('untrusted_certificate'), withheld('lockout_stop'), withheld('not_in_auth_hosts'), auth({ result: 'failed', failure: { stage: 'auth', reason: 'deadline', detail: null } })]) {
      expect(authFindings(rec(a)), JSON.stringify(a?.failure)).toEqual([]);
    }
  });

  it('STATUS_LOGON_FAILURE: logon_credentials_rejected, wrong password and unknown user ranked alike', () => {
    const f = authFindings(rec(auth({ result: 'credentials_rejected', status: { hex: '0xC000006D', name: 'STATUS_LOGON_FAILURE' }, failure: { stage: 'auth', reason: 'STATUS_LOGON_FAILURE', detail: null } })));
    expect(f.map((x) => x.id)).toEqual(['logon_credentials_rejected']);
    expect(Object.keys(f[0]!.causes).slice(0, 2)).toEqual(['wrong_password', 'unknown_user']);
    expect(f[0]!.evidence).toContain('auth.status = 0xC000006D (STATUS_LOGON_FAILURE)');
  });

  it('STATUS_NO_SUCH_USER confirms the unknown user and rules out the password', () => {
    const f = authFindings(rec(auth({ result: 'credentials_rejected', status: { hex: '0xC0000064', name: 'STATUS_NO_SUCH_USER' } })))[0];
    expect(topCause(f)).toEqual(['unknown_user', 'confirmed']);
    expect(f!.causes).not.toHaveProperty('wrong_password');
  });

  it.each([
    ['STATUS_ACCOUNT_LOCKED_OUT', 'locked_out'],
    ['STATUS_ACCOUNT_DISABLED', 'disabled'],
    ['STATUS_ACCOUNT_EXPIRED', 'expired'],
    ['STATUS_PASSWORD_EXPIRED', 'password_expired'],
    ['STATUS_PASSWORD_MUST_CHANGE', 'must_change'],
    ['STATUS_INVALID_LOGON_HOURS', 'restricted'],
  ])('%s: logon_account_state, cause %s confirmed', (name, cause) => {
    const f = authFindings(rec(auth({ result: 'account_state', status: { hex: '0xC0000000', name } })));
    expect(f.map((x) => x.id)).toEqual(['logon_account_state']);
    expect(topCause(f[0])).toEqual([cause, 'confirmed']);
  });

  it('AUTHZ_ACCESS_DENIED and STATUS_LOGON_TYPE_NOT_GRANTED: logon_right_missing', () => {
    expect(authFindings(rec(auth({ result: 'logon_right_missing', early_user_authz: 'AUTHZ_ACCESS_DENIED' }))).map((f) => f.id)).toEqual(['logon_right_missing']);
    const f = authFindings(rec(auth({ result: 'logon_right_missing', status: { hex: '0xC000015B', name: 'STATUS_LOGON_TYPE_NOT_GRANTED' } })));
    expect(f[0]!.evidence).toContain('auth.status = 0xC000015B (STATUS_LOGON_TYPE_NOT_GRANTED)');
  });

  it('NTLM refused: logon_ntlm_refused, and not a verdict on the credentials', () => {
    expect(authFindings(rec(auth({ result: 'ntlm_refused', server_proved_key: null }))).map((f) => f.id)).toEqual(['logon_ntlm_refused']);
  });
});

describe('findings of the logon test', () => {
  const withLogon = (l: Parameters<typeof logon>[0]) => rec(auth({ depth: 'authz', credentials_delegated: true, logon: logon(l) }));

  it('a notified logon fires nothing; nor does a License Request (rdprobe stops there on purpose)', () => {
    expect(authFindings(withLogon({}))).toEqual([]);
    expect(authFindings(withLogon({ result: 'license_exchange_required', reached: 'licensing', licensing: { message: 'license_request', error_code: null, state_transition: null } }))).toEqual([]);
  });

  it('licensing_failed ranks the cause by the code', () => {
    const f = authFindings(withLogon({ result: 'licensing_failed', reached: 'licensing', licensing: { message: 'error', error_code: 'ERR_NO_LICENSE_SERVER', state_transition: 'ST_TOTAL_ABORT' } }));
    expect(f.map((x) => x.id)).toEqual(['licensing_failed']);
    expect(topCause(f[0])).toEqual(['no_license_server', 'confirmed']);
    const g = authFindings(withLogon({ result: 'licensing_failed', reached: 'client_info', licensing: null, error_info: { code: '0x00000105', name: 'ERRINFO_LICENSE_BAD_CLIENT_LICENSE' } }));
    expect(topCause(g[0])).toEqual(['client_license', 'confirmed']);
  });

  it('logon_ended_by_server names the ERRINFO, what it means and its cause', () => {
    const f = authFindings(withLogon({ result: 'ended_by_server', reached: 'finalization', error_info: { code: '0x0000000C', name: 'ERRINFO_LOGOFF_BY_USER' } }))[0]!;
    expect(f.id).toBe('logon_ended_by_server');
    expect(topCause(f)).toEqual(['session_ended', 'confirmed']);
    expect(f.evidence).toContain('auth.logon.error_info = 0x0000000C (ERRINFO_LOGOFF_BY_USER)');
    expect(f.evidence.some((e) => e.startsWith('ERRINFO_LOGOFF_BY_USER: the session was logged off'))).toBe(true);
    // An ERRINFO rdprobe has no words for keeps the catalog's order, and still fires.
    expect(authFindings(withLogon({ result: 'ended_by_server', error_info: { code: '0x00001234', name: 'unknown(0x00001234)' } })).map((x) => x.id)).toEqual(['logon_ended_by_server']);
  });

  it('logon_incomplete: a timeout points at a screen waiting for input, an existing session is named', () => {
    expect(topCause(authFindings(withLogon({ result: 'timed_out', reached: 'finalization', timed_out: true }))[0])).toEqual(['interactive_screen', 'likely']);
    expect(topCause(authFindings(withLogon({ result: 'reconnected_existing', reconnected_existing: true }))[0])).toEqual(['existing_session', 'confirmed']);
    expect(topCause(authFindings(withLogon({ result: 'incomplete', disconnect: { by: 'server_closed', reason: null } }))[0])).toEqual(['dropped', 'likely']);
  });
});

describe('policy rules require_auth and require_logon', () => {
  const policy = policyFromFlags({ require_auth: true, require_logon: true });
  const ids = (r: ProbeRecord) => evaluatePolicy(r, policy).map((f) => f.id).sort();

  it('both pass on a notified logon', () => {
    expect(ids(rec(auth({ depth: 'authz', logon: logon() })))).toEqual([]);
  });

  it('rejected credentials violate both (the logon could not be tried)', () => {
    const r = rec(auth({ result: 'credentials_rejected', logon: logon({ tested: false, result: 'not_attempted', reached: null }) }));
    expect(ids(r)).toEqual(['policy_require_auth', 'policy_require_logon']);
  });

  it('withheld credentials or no test at all: unverified, never passed', () => {
    for (const a of [null, withheld('untrusted_certificate')]) {
      const out = evaluatePolicy(rec(a), policy);
      expect(out.map((f) => f.id)).toEqual(['policy_unverified']);
      expect(out[0]!.evidence.join('\n')).toMatch(/require_auth: auth/);
    }
  });

  it('a timed-out logon violates require_logon; a License Request leaves it unverified', () => {
    expect(ids(rec(auth({ depth: 'authz', logon: logon({ result: 'timed_out', reached: 'finalization', timed_out: true }) })))).toEqual(['policy_require_logon']);
    expect(ids(rec(auth({ depth: 'authz', logon: logon({ result: 'license_exchange_required', reached: 'licensing' }) })))).toEqual(['policy_unverified']);
  });
});

describe('outcomes, inputs and the diff', () => {
  it('authOutcome / logonOutcome: the one place that says ok, failed or not measured', () => {
    expect([authOutcome(null), authOutcome(auth()), authOutcome(auth({ result: 'server_key_proof_failed' })), authOutcome(withheld('lockout_stop'))]).toEqual([null, 'ok', 'failed', null]);
    expect([logonOutcome(auth()), logonOutcome(auth({ logon: logon() })), logonOutcome(auth({ logon: logon({ result: 'ended_by_server' }) })), logonOutcome(auth({ logon: logon({ result: 'redirected' }) }))]).toEqual([null, 'ok', 'failed', null]);
  });

  it('inputs: a finding of the test is comparable only where the test gave a verdict', () => {
    expect(inputsMeasured(rec(auth()), 'logon_credentials_rejected')).toBe(true);
    expect(inputsMeasured(rec(withheld('untrusted_certificate')), 'logon_credentials_rejected')).toBe(false);
    expect(inputsMeasured(rec(null), 'licensing_failed')).toBe(false);
  });

  const diff = (b: AuthRecord | null, a: AuthRecord | null) => diffScans([rec(b)], [rec(a)]).hosts.flatMap((h) => h.changes).filter((c) => c.field.startsWith('auth'));

  it('auth ok -> failed is a regression, failed -> ok an improvement', () => {
    const rejected = auth({ result: 'credentials_rejected', status: { hex: '0xC000006D', name: 'STATUS_LOGON_FAILURE' } });
    expect(diff(auth(), rejected).map((c) => [c.field, c.kind])).toEqual([['auth.result', 'regression']]);
    expect(diff(rejected, auth()).map((c) => [c.field, c.kind])).toEqual([['auth.result', 'improvement']]);
  });

  it('logon ok -> failed is a regression', () => {
    const before = auth({ depth: 'authz', logon: logon() });
    const after = auth({ depth: 'authz', logon: logon({ result: 'licensing_failed', reached: 'licensing' }) });
    expect(diff(before, after).map((c) => [c.field, c.kind])).toEqual([['auth.logon.result', 'regression']]);
  });

  it('a side without a verdict is "not measured", never a regression', () => {
    expect(diff(auth(), withheld('lockout_stop')).map((c) => c.kind)).toEqual(['neutral']);
    expect(diff(null, auth())).toHaveLength(1);
    expect(diff(null, auth())[0]!.kind).toBe('neutral');
  });
});

describe('the table and csv show the verdicts', () => {
  it('one auth line (and a logon line when it ran); csv columns auth_result, auth_reason, logon_*', async () => {
    const { renderHost } = await import('../../src/output/table.js');
    const { csvHeader, csvRow } = await import('../../src/output/csv.js');
    const r = rec(auth({ depth: 'authz', result: 'logon_right_missing', early_user_authz: 'AUTHZ_ACCESS_DENIED', logon: logon({ tested: false, result: 'not_attempted', reached: null }) }));
    const text = renderHost(r);
    expect(text).toMatch(/ {2}auth {7}logon_right_missing \(AUTHZ_ACCESS_DENIED\), CORP\\rdprobe-test at depth authz\n/);
    expect(text).not.toMatch(/ {2}logon {6}/);
    const withLogon = renderHost(rec(auth({ depth: 'authz', logon: logon({ result: 'ended_by_server', reached: 'finalization', error_info: { code: '0x00000009', name: 'ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES' } }) })));
    expect(withLogon).toMatch(/ {2}logon {6}ended_by_server, reached finalization \(ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES\)\n/);
    const [header, row] = parseCsv(csvHeader() + csvRow(r)) as [string[], string[]];
    const col = (name: string) => row[header.indexOf(name)];
    expect([col('auth_result'), col('auth_reason'), col('logon_result'), col('logon_reached')]).toEqual(['logon_right_missing', 'AUTHZ_ACCESS_DENIED', 'not_attempted', '']);
  });
});
