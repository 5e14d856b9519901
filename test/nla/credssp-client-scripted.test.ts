/**
 * The sans-IO CredsspClient over real loopback sockets against the SCRIPTED server (test/helpers/nla-server.ts),
 * one test per outcome. The scripted server is rdprobe's own test double: it checks the client the way a real
 * server does (NTProofStr, MIC, channel bindings, pubKeyAuth) and scripts what the lab's real servers never do.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, PROTOCOL_SSL } from '../../protocol/negotiation.js';
import { tsRequestLength, decodeTsRequest } from '../../protocol/credssp.js';
import { makeCertificate, startNlaServer, type NlaServer, type NlaServerOptions } from '../helpers/nla-server.js';
import { runNlaClient, type NlaClientParams } from '../helpers/nla-client-io.js';

const USER = 'labuser';
const PASSWORD = 'Scripted-Pw-1!';
const ALL = PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX;

let pem: { key: string; cert: string };
const servers: NlaServer[] = [];
beforeAll(async () => {
  pem = await makeCertificate();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

async function server(o: Partial<NlaServerOptions> = {}): Promise<NlaServer> {
  const s = await startNlaServer(
    { user: USER, domain: '', password: PASSWORD, selectedProtocol: PROTOCOL_HYBRID_EX, credsspVersion: 6, behaviour: 'normal', ...o },
    pem,
  );
  servers.push(s);
  return s;
}

async function connect(s: NlaServer, o: Partial<NlaClientParams> = {}) {
  const r = await runNlaClient(s.host, s.port, { user: USER, domain: '', password: PASSWORD, workstation: 'PROBE', depth: 'auth', requestedProtocols: ALL, ...o });
  await s.settled();
  const rec = s.connections.at(-1)!;
  expect(rec.error).toBeNull();
  return { ...r, rec };
}

const contains = (hay: Uint8Array, needle: Uint8Array): boolean => Buffer.from(hay).includes(Buffer.from(needle));
const utf16 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'utf16le'));

describe('sans-IO CredSSP client against the scripted server', () => {
  it("'auth', right password: success; the server verified NTProofStr, MIC, channel bindings and pubKeyAuth; no password on the wire", async () => {
    const s = await server();
    const r = await connect(s);
    expect(r.outcome).toEqual({ kind: 'success', depth: 'auth', serverVersion: 6, credentialsSent: false });
    expect(r.rec).toMatchObject({ requestedProtocols: ALL, ntProofVerified: true, micVerified: true, channelBindingsVerified: true, clientPubKeyAuthVerified: true, credentials: null });
    expect(r.rec.actions).toEqual(['cc', 'challenge', 'pubKeyAuth']);
    expect(r.rec.received).toHaveLength(2);
    for (const b of r.rec.received) {
      expect(contains(b, utf16(PASSWORD))).toBe(false);
      expect(contains(b, Buffer.from(PASSWORD))).toBe(false);
    }
    // Versions 5+ send the 32-byte nonce with the pubKeyAuth.
    expect(decodeTsRequest(r.rec.received[1]!).clientNonce).toHaveLength(32);
    expect(r.rec.authenticate).toMatchObject({ userName: USER, domainName: '', workstation: 'PROBE' });
  });

  it("'authz', right password, HYBRID_EX: TSCredentials arrive decrypted with the password; AUTHZ_SUCCESS", async () => {
    const s = await server();
    const r = await connect(s, { depth: 'authz' });
    expect(r.outcome).toEqual({ kind: 'success', depth: 'authz', serverVersion: 6, credentialsSent: true });
    expect(r.earlyUserAuth).toEqual({ value: 0, name: 'AUTHZ_SUCCESS' });
    expect(r.rec.credentials).toMatchObject({ userName: USER, domainName: '' });
    expect(Buffer.from(r.rec.credentials!.password).toString('utf16le')).toBe(PASSWORD);
    // Still never in the clear on the TLS stream: it travelled sealed.
    for (const b of r.rec.received) expect(contains(b, utf16(PASSWORD))).toBe(false);
  });

  it("'authz' with HYBRID (not _EX): success and no Early User Authorization Result", async () => {
    const s = await server({ selectedProtocol: PROTOCOL_HYBRID });
    const r = await connect(s, { depth: 'authz', requestedProtocols: PROTOCOL_SSL | PROTOCOL_HYBRID });
    expect(r.outcome).toMatchObject({ kind: 'success', credentialsSent: true });
    expect(r.earlyUserAuth).toBeNull();
    expect(r.rec.credentials).not.toBeNull();
  });

  it('AUTHZ_ACCESS_DENIED after TSCredentials: CredSSP succeeded, the PDU says denied', async () => {
    const s = await server({ behaviour: 'authz_denied' });
    const r = await connect(s, { depth: 'authz' });
    expect(r.outcome).toMatchObject({ kind: 'success', credentialsSent: true });
    expect(r.earlyUserAuth).toEqual({ value: 5, name: 'AUTHZ_ACCESS_DENIED' });
  });

  it('wrong password and unknown user: the same STATUS_LOGON_FAILURE, then the server closes', async () => {
    const s = await server();
    for (const o of [{ password: 'wrong' }, { user: 'nobody' }]) {
      const r = await connect(s, o);
      expect(r.outcome).toEqual({ kind: 'server_error', status: { hex: '0xC000006D', name: 'STATUS_LOGON_FAILURE' }, serverVersion: 6, after: 'authenticate' });
      expect(r.serverClosed).toBe(true);
    }
    expect(s.connections[0]!.ntProofVerified).toBe(false);
    expect(s.connections[1]!.ntProofVerified).toBeNull(); // never got that far: no such user
  });

  it('STATUS_PASSWORD_MUST_CHANGE and STATUS_ACCOUNT_LOCKED_OUT by name', async () => {
    for (const [behaviour, name] of [
      ['password_must_change', 'STATUS_PASSWORD_MUST_CHANGE'],
      ['account_locked_out', 'STATUS_ACCOUNT_LOCKED_OUT'],
    ] as const) {
      const r = await connect(await server({ behaviour }), { depth: 'authz' });
      expect(r.outcome).toMatchObject({ kind: 'server_error', status: { name }, after: 'authenticate' });
      expect(r.rec.credentials).toBeNull();
    }
  });

  it('a server that cannot prove it holds the TLS key: server_key_proof_failed, and no credentials are sent', async () => {
    const s = await server({ behaviour: 'wrong_pub_key_auth' });
    const r = await connect(s, { depth: 'authz' });
    expect(r.outcome).toEqual({
      kind: 'server_key_proof_failed',
      reason: "the server's pubKeyAuth does not match the TLS certificate's public key",
      serverVersion: 6,
    });
    await new Promise((res) => setTimeout(res, 100));
    expect(r.rec.received).toHaveLength(2);
    expect(r.rec.credentials).toBeNull();
  });

  it('a version 2 server refuses a wrong password by closing: server_closed after authenticate', async () => {
    const s = await server({ credsspVersion: 2 });
    const r = await connect(s, { password: 'wrong' });
    expect(r.outcome).toEqual({ kind: 'server_closed', after: 'authenticate' });
    expect(r.rec.actions).toEqual(['cc', 'challenge', 'close']);
  });

  for (const version of [2, 3, 4]) {
    it(`version ${version} server, right password: the pubKeyAuth echo (key, key + 1), no clientNonce`, async () => {
      const s = await server({ credsspVersion: version });
      const r = await connect(s, { depth: 'authz' });
      expect(r.outcome).toEqual({ kind: 'success', depth: 'authz', serverVersion: version, credentialsSent: true });
      expect(r.rec.clientPubKeyAuthVerified).toBe(true);
      expect(decodeTsRequest(r.rec.received[1]!).clientNonce).toBeUndefined();
    });
  }

  it('a client announcing version 4 to a version 6 server uses the echo too', async () => {
    const s = await server();
    const r = await connect(s, { credsspVersion: 4 });
    expect(r.outcome).toMatchObject({ kind: 'success', serverVersion: 6 });
    expect(decodeTsRequest(r.rec.received[1]!).version).toBe(4);
  });

  it('a server refusing NTLM (STATUS_NOT_SUPPORTED): ntlm_refused', async () => {
    const r = await connect(await server({ behaviour: 'not_ntlm' }));
    expect(r.outcome).toEqual({
      kind: 'ntlm_refused',
      reason: 'server answered NEGOTIATE with STATUS_NOT_SUPPORTED',
      status: { hex: '0xC00000BB', name: 'STATUS_NOT_SUPPORTED' },
    });
  });

  it('a password given as UTF-8 bytes, non-ASCII, authenticates like the string', async () => {
    const pw = 'Pässwörd-€-𝄞';
    const s = await startNlaServer({ user: USER, domain: 'LAB', password: pw, selectedProtocol: PROTOCOL_HYBRID_EX, credsspVersion: 6, behaviour: 'normal' }, pem);
    servers.push(s);
    const r = await connect(s, { domain: 'LAB', password: Uint8Array.from(Buffer.from(pw, 'utf8')), depth: 'authz' });
    expect(r.outcome).toMatchObject({ kind: 'success' });
    expect(Buffer.from(r.rec.credentials!.password).toString('utf16le')).toBe(pw);
    expect(r.rec.credentials!.domainName).toBe('LAB');
  });

  it('framing sanity: tsRequestLength reads every recorded TSRequest whole', async () => {
    const s = await server();
    const r = await connect(s, { depth: 'authz' });
    for (const b of r.rec.received) expect(tsRequestLength(b)).toBe(b.length);
  });
});
