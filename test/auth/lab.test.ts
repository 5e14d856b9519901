/**
 * The authentication and logon tests against the lab's real servers (RDPROBE_LAB=1; then a lab that is down fails
 * these tests), each verdict checked against FreeRDP's own client, xfreerdp, on the same server:
 *  - FreeRDP 2.11 shadow with NLA at 127.0.20.1 (SAM file: labuser / LabPassw0rd!; a self-signed certificate);
 *  - FreeRDP 2.11 shadow at 127.0.20.2 (-auth: asked for HYBRID it selects it, and then refuses every account, as it
 *    has no SAM file).
 * FreeRDP refuses credentials by closing after the AUTHENTICATE (no errorCode): rdprobe calls that "credentials
 * rejected" at stage auth, and xfreerdp +auth-only exits with status 1 there.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findingIds, onlyRecord, scanWith } from './fixtures.js';
import { hasXfreerdp, runXfreerdp, startXvfb } from './xfreerdp.js';

const LAB = process.env['RDPROBE_LAB'] === '1';
const NLA = '127.0.20.1';
const NO_SAM = '127.0.20.2';
const RIGHT = 'LabPassw0rd!';
const OPTS = ['--no-tls-versions', '--no-rdp-security', '--no-udp', '-f', 'ndjson'];

describe.skipIf(!LAB)('authentication and logon tests against FreeRDP (lab), confirmed by xfreerdp', () => {
  let xvfb: { display: string; stop: () => void };
  let pin: string;
  beforeAll(async () => {
    expect(hasXfreerdp(), 'xfreerdp (Debian freerdp2-x11) is needed for the lab tests').toBe(true);
    xvfb = await startXvfb();
    // Unpinned, the self-signed certificate gets nothing; the record names its thumbprint, which the tests then pin.
    const r = onlyRecord(await scanWith([NLA, '--user', 'labuser', ...OPTS], RIGHT));
    expect(r['auth']).toMatchObject({ tested: false, result: 'not_attempted', failure: { reason: 'untrusted_certificate' } });
    pin = r['auth'].trust.sha1_fingerprint;
    expect(pin).toBe(r['certificate'].sha1_fingerprint);
  });
  afterAll(() => xvfb?.stop());

  const authScan = async (user: string, password: string) => onlyRecord(await scanWith([NLA, '--user', user, '--pin', pin, ...OPTS], password));
  const authOnly = (user: string, password: string) => runXfreerdp(xvfb.display, [`/v:${NLA}`, `/u:${user}`, `/p:${password}`, '+auth-only'], 15);

  it('right password: success, FreeRDP proved its key; xfreerdp +auth-only: exit status 0', async () => {
    const rec = await authScan('labuser', RIGHT);
    expect(rec['auth']).toMatchObject({ tested: true, result: 'success', server_proved_key: true, selected_protocol: 'hybrid', credssp_version: 6, trust: { basis: 'pin' } });
    expect(authOnly('labuser', RIGHT).authOnlyStatus).toBe(0);
  });

  it('wrong password: credentials rejected at stage auth; xfreerdp: exit status 1', async () => {
    const rec = await authScan('labuser', 'Wrong-Passw0rd!');
    expect(rec['auth']).toMatchObject({ result: 'credentials_rejected', status: null, failure: { stage: 'auth', reason: 'closed_after_authenticate' } });
    expect(findingIds(rec)).toContain('logon_credentials_rejected');
    expect(authOnly('labuser', 'Wrong-Passw0rd!').authOnlyStatus).toBe(1);
  });

  it('unknown user: the same verdict; xfreerdp: exit status 1', async () => {
    const rec = await authScan('nosuchuser', RIGHT);
    expect(rec['auth']).toMatchObject({ result: 'credentials_rejected', failure: { stage: 'auth', reason: 'closed_after_authenticate' } });
    expect(authOnly('nosuchuser', RIGHT).authOnlyStatus).toBe(1);
  });

  it('--logon on 127.0.20.1: through licensing (STATUS_VALID_CLIENT) to finalization, no logon notification; xfreerdp gets as far (ACTIVE)', async () => {
    const rec = onlyRecord(await scanWith([NLA, '--user', 'labuser', '--pin', pin, '--auth-hosts', NLA, '--logon', '--logon-timeout', '3', ...OPTS], RIGHT));
    expect(rec['auth']).toMatchObject({ result: 'success', depth: 'authz', credentials_delegated: true, early_user_authz: null });
    expect(rec['auth'].logon).toMatchObject({
      tested: true,
      result: 'timed_out',
      reached: 'finalization',
      licensing: { message: 'error', error_code: 'STATUS_VALID_CLIENT', state_transition: 'ST_NO_TRANSITION' },
      error_info: null,
      logon_info_type: null,
      timed_out: true,
      disconnect: { by: 'rdprobe' },
    });
    expect(findingIds(rec)).toContain('logon_incomplete');
    // xfreerdp walks the same sequence and sits in CONNECTION_STATE_ACTIVE (finalization done) until it is killed.
    const x = runXfreerdp(xvfb.display, [`/v:${NLA}`, '/u:labuser', `/p:${RIGHT}`], 8);
    expect(x.states).toContain('CONNECTION_STATE_LICENSING');
    expect(x.states.at(-1)).toBe('CONNECTION_STATE_ACTIVE');
  });

  it('--logon on 127.0.20.2: HYBRID selected, the account refused, no logon tried; xfreerdp stops in NLA too', async () => {
    const r = await scanWith([NO_SAM, '--user', 'labuser', '--auth-insecure', '--auth-hosts', NO_SAM, '--logon', '--logon-timeout', '3', ...OPTS], RIGHT);
    const rec = onlyRecord(r);
    expect(rec['auth']).toMatchObject({ tested: true, insecure: true, selected_protocol: 'hybrid', result: 'credentials_rejected' });
    expect(rec['auth'].logon).toMatchObject({ tested: false, result: 'not_attempted' });
    const x = runXfreerdp(xvfb.display, [`/v:${NO_SAM}`, '/u:labuser', `/p:${RIGHT}`], 8);
    expect(x.states).toContain('CONNECTION_STATE_NLA');
    expect(x.states).not.toContain('CONNECTION_STATE_MCS_CONNECT');
  });
});
