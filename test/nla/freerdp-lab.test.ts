/**
 * The sans-IO CredsspClient against a real, independent implementation: FreeRDP 2.11 shadow at 127.0.20.1
 * (lab/lab.sh "freerdp-nla": /sec:nla +auth, SAM file with labuser / LabPassw0rd!, no domain). X.224 asks for
 * SSL|HYBRID, TLS with rejectUnauthorized:false, then the client. Runs only with RDPROBE_LAB=1 (then a lab that
 * is down fails the tests, it does not skip them).
 *
 * What FreeRDP 2.11 does, observed here:
 *  - selects PROTOCOL_HYBRID (also when HYBRID_EX is offered: it never sends an Early User Authorization Result);
 *  - speaks TSRequest version 6, and checks both pubKeyAuth schemes: the nonce-bound hash with a version 5+
 *    client, the key echo with a version 2-4 client; its answer proves the key either way;
 *  - refuses a wrong password and an unknown user alike by closing the connection after the AUTHENTICATE:
 *    no TSRequest errorCode, although it announces version 6;
 *  - looks SAM user names up case-sensitively ("LABUSER" is refused), unlike Windows.
 * Observed once by hand with a patched client, not asserted here (the client has no hook to send bad values):
 * FreeRDP 2.11 accepts a wrong MsvAvChannelBindings (it does not check channel bindings), refuses a wrong MIC
 * when MsvAvFlags announces one, and accepts an AUTHENTICATE without MsvAvFlags (it does not demand a MIC).
 */
import { describe, expect, it } from 'vitest';
import { PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, PROTOCOL_SSL } from '../../protocol/negotiation.js';
import { runNlaClient, type NlaClientParams } from '../helpers/nla-client-io.js';

const LAB = process.env['RDPROBE_LAB'] === '1';
const HOST = '127.0.20.1';
const base: NlaClientParams = {
  user: 'labuser',
  domain: '',
  password: 'LabPassw0rd!',
  workstation: 'RDPROBE',
  depth: 'auth',
  requestedProtocols: PROTOCOL_SSL | PROTOCOL_HYBRID,
};
const HYBRID = { type: 'response', flags: 3, selectedProtocol: PROTOCOL_HYBRID };
const REFUSED = { kind: 'server_closed', after: 'authenticate' };

describe.skipIf(!LAB)('sans-IO CredSSP client against FreeRDP 2.11 (lab, 127.0.20.1)', () => {
  it('right password: success, FreeRDP proved it holds the TLS key (version 6 hash)', async () => {
    const r = await runNlaClient(HOST, 3389, base);
    expect(r.answer).toEqual(HYBRID);
    expect(r.outcome).toEqual({ kind: 'success', depth: 'auth', serverVersion: 6, credentialsSent: false });
  });

  it('right password with a version 2, 3 or 4 client: the echo scheme interoperates too', async () => {
    for (const credsspVersion of [2, 3, 4]) {
      const r = await runNlaClient(HOST, 3389, { ...base, credsspVersion });
      expect(r.outcome, `version ${credsspVersion}`).toEqual({ kind: 'success', depth: 'auth', serverVersion: 6, credentialsSent: false });
    }
  });

  it('wrong password: rejected, by closing (no errorCode)', async () => {
    const r = await runNlaClient(HOST, 3389, { ...base, password: 'WrongPassw0rd!' });
    expect(r.outcome).toEqual(REFUSED);
    expect(r.serverClosed).toBe(true);
  });

  it('unknown user: rejected the same way', async () => {
    const r = await runNlaClient(HOST, 3389, { ...base, user: 'nosuchuser' });
    expect(r.outcome).toEqual(REFUSED);
    expect(r.serverClosed).toBe(true);
  });

  it('user names are looked up case-sensitively: "LABUSER" is refused (Windows would accept it)', async () => {
    expect((await runNlaClient(HOST, 3389, { ...base, user: 'LABUSER' })).outcome).toEqual(REFUSED);
  });

  it("'authz': TSCredentials accepted; HYBRID_EX offered, HYBRID chosen, so no Early User Authorization Result", async () => {
    const r = await runNlaClient(HOST, 3389, { ...base, depth: 'authz', requestedProtocols: PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX });
    expect(r.answer).toEqual(HYBRID);
    expect(r.outcome).toEqual({ kind: 'success', depth: 'authz', serverVersion: 6, credentialsSent: true });
    expect(r.earlyUserAuth).toBeNull();
  });
});
