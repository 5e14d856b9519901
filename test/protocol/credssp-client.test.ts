/**
 * The sans-IO CredsspClient fed server TSRequests directly (no sockets): each way a server can refuse NTLM, fail
 * to prove its key or send garbage maps to its outcome, and the client never throws on server bytes. The full
 * exchanges over real sockets are in test/nla/.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { encodeTsRequest, decodeTsRequest } from '../../protocol/credssp.js';
import { CredsspClient, type CredsspClientOptions } from '../../protocol/credssp-client.js';
import { MSV_AV_NB_COMPUTER_NAME, NTLMSSP_NEGOTIATE_SEAL, avString, avTimestamp, encodeNtlmChallenge, encodeNtlmNegotiate, type NtlmChallenge } from '../../protocol/ntlm.js';
import { STATUS_LOGON_FAILURE } from '../../protocol/ntstatus.js';
import { toHex } from '../../protocol/writer.js';

const CERT = Uint8Array.from(new X509Certificate(readFileSync(new URL('../fixtures/certs/ec-p256-selfsigned.pem', import.meta.url))).raw);

/** A counter "random" source: deterministic output, so two runs can be compared byte for byte. */
const counter = (): ((n: number) => Uint8Array) => {
  let c = 0;
  return (n) => Uint8Array.from({ length: n }, () => c++ & 0xff);
};

const options = (o: Partial<CredsspClientOptions> = {}): CredsspClientOptions => ({
  user: 'labuser',
  domain: '',
  password: 'LabPassw0rd!',
  serverCertificate: CERT,
  targetHost: 'rdp.test',
  depth: 'auth',
  randomBytes: counter(),
  now: () => new Date('2026-01-01T00:00:00Z'),
  ...o,
});

const CHALLENGE: NtlmChallenge = {
  flags: 0xe28a8235,
  targetName: 'SRV',
  serverChallenge: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8),
  targetInfo: [avString(MSV_AV_NB_COMPUTER_NAME, 'SRV'), avTimestamp(133590384000000000n)],
  version: { major: 10, minor: 0, build: 20348, revision: 15 },
};
const challengeTs = (c: NtlmChallenge = CHALLENGE, version = 6): Uint8Array => encodeTsRequest({ version, negoTokens: [encodeNtlmChallenge(c)] });

function afterNegotiate(o: Partial<CredsspClientOptions> = {}): CredsspClient {
  const c = new CredsspClient(options(o));
  c.start();
  return c;
}

describe('CredsspClient, first round trip', () => {
  it('start() sends the same NEGOTIATE as the anonymous probe, in a version 6 TSRequest', () => {
    const ts = decodeTsRequest(new CredsspClient(options()).start());
    expect(ts.version).toBe(6);
    expect(toHex(ts.negoTokens![0]!)).toBe(toHex(encodeNtlmNegotiate()));
  });

  it('the CHALLENGE gets AUTHENTICATE + pubKeyAuth + a 32-byte nonce; deterministic with injected randomness and clock', () => {
    const a = afterNegotiate().receive(challengeTs());
    const b = afterNegotiate().receive(challengeTs());
    expect(a.outcome).toBeUndefined();
    const ts = decodeTsRequest(a.send!);
    expect(ts.negoTokens).toHaveLength(1);
    expect(ts.pubKeyAuth).toHaveLength(16 + 32); // signature + sealed SHA-256
    expect(ts.clientNonce).toHaveLength(32);
    expect(toHex(a.send!)).toBe(toHex(b.send!));
  });

  it('the CHALLENGE is available afterwards (names, build, clock: no secret)', () => {
    const c = afterNegotiate();
    c.receive(challengeTs());
    expect(c.challenge?.targetName).toBe('SRV');
  });

  const refusals: Array<[string, Uint8Array, object]> = [
    ['errorCode STATUS_NOT_SUPPORTED', encodeTsRequest({ version: 6, errorCode: 0xc00000bb }), { kind: 'ntlm_refused', status: { name: 'STATUS_NOT_SUPPORTED' } }],
    ['no negoTokens at all', encodeTsRequest({ version: 6 }), { kind: 'ntlm_refused', reason: 'TSRequest without a negoToken: no NTLM CHALLENGE', status: null }],
    ['a Kerberos/SPNEGO token instead of NTLM', encodeTsRequest({ version: 6, negoTokens: [Uint8Array.of(0xa1, 0x03, 0x0a, 0x01, 0x02)] }), { kind: 'ntlm_refused', reason: 'the negoToken is not an NTLM message (no NTLMSSP signature)' }],
    [
      'a CHALLENGE without SEAL',
      challengeTs({ ...CHALLENGE, flags: (CHALLENGE.flags & ~NTLMSSP_NEGOTIATE_SEAL) >>> 0 }),
      { kind: 'ntlm_refused', reason: 'server did not negotiate NTLMSSP_NEGOTIATE_SEAL', status: null },
    ],
    ['errorCode STATUS_LOGON_FAILURE to the NEGOTIATE', encodeTsRequest({ version: 6, errorCode: STATUS_LOGON_FAILURE }), { kind: 'server_error', status: { name: 'STATUS_LOGON_FAILURE' }, after: 'negotiate' }],
    ['two negoTokens', encodeTsRequest({ version: 6, negoTokens: [encodeNtlmChallenge(CHALLENGE), encodeNtlmChallenge(CHALLENGE)] }), { kind: 'malformed', after: 'negotiate' }],
    ['a truncated CHALLENGE', encodeTsRequest({ version: 6, negoTokens: [encodeNtlmChallenge(CHALLENGE).subarray(0, 40)] }), { kind: 'malformed', reason: 'ntlm: truncated TargetInfoLen: need 2 bytes, 0 left (offset 40)' }],
    ['bytes that are no TSRequest', Uint8Array.of(0x16, 0x03, 0x01), { kind: 'malformed', reason: 'credssp: TSRequest: expected tag 0x30, got 0x16 (offset 0)', after: 'negotiate' }],
  ];
  for (const [name, bytes, outcome] of refusals) {
    it(`${name} -> ${(outcome as { kind: string }).kind}`, () => {
      const step = afterNegotiate().receive(bytes);
      expect(step.send).toBeUndefined();
      expect(step.outcome).toMatchObject(outcome);
    });
  }

  it('a certificate that is not DER is malformed, not a crash', () => {
    const step = afterNegotiate({ serverCertificate: Uint8Array.of(0x30, 0x03, 0x02, 0x01) }).receive(challengeTs());
    expect(step.outcome).toMatchObject({ kind: 'malformed' });
  });
});

describe('CredsspClient, the server proof', () => {
  const proofStep = (answer: Uint8Array, depth: 'auth' | 'authz' = 'authz') => {
    const c = afterNegotiate({ depth });
    c.receive(challengeTs());
    return c.receive(answer);
  };

  it('no pubKeyAuth: the server proved nothing, and no credentials are sent', () => {
    const step = proofStep(encodeTsRequest({ version: 6 }));
    expect(step).toEqual({ outcome: { kind: 'server_key_proof_failed', reason: 'the answer to AUTHENTICATE has no pubKeyAuth', serverVersion: 6 } });
  });

  it('a well-formed pubKeyAuth (signature Version 1) over made-up bytes does not verify', () => {
    const forged = Uint8Array.from({ length: 48 }, (_, i) => (i < 4 ? [1, 0, 0, 0][i]! : i));
    const step = proofStep(encodeTsRequest({ version: 6, pubKeyAuth: forged }));
    expect(step).toEqual({ outcome: { kind: 'server_key_proof_failed', reason: "the server's pubKeyAuth does not verify with the NTLM session keys", serverVersion: 6 } });
  });

  it('a pubKeyAuth too short to hold a signature is malformed', () => {
    expect(proofStep(encodeTsRequest({ version: 6, pubKeyAuth: Uint8Array.of(1, 0, 0, 0) })).outcome).toMatchObject({ kind: 'malformed', after: 'authenticate' });
  });

  it('errorCode to the AUTHENTICATE is server_error by name', () => {
    expect(proofStep(encodeTsRequest({ version: 6, errorCode: 0xc0000224 })).outcome).toEqual({
      kind: 'server_error',
      status: { hex: '0xC0000224', name: 'STATUS_PASSWORD_MUST_CHANGE' },
      serverVersion: 6,
      after: 'authenticate',
    });
  });

  it('a close after the AUTHENTICATE is server_closed after authenticate; after the outcome it changes nothing', () => {
    const c = afterNegotiate();
    c.receive(challengeTs(CHALLENGE, 2));
    expect(c.connectionClosed()).toEqual({ kind: 'server_closed', after: 'authenticate' });
    expect(c.connectionClosed()).toEqual({ kind: 'server_closed', after: 'authenticate' });
  });

  it('version 2 server: no clientNonce, and the pubKeyAuth is the sealed key itself (16 + key length)', () => {
    const c = afterNegotiate();
    const ts = decodeTsRequest(c.receive(challengeTs(CHALLENGE, 2)).send!);
    expect(ts.clientNonce).toBeUndefined();
    expect(ts.pubKeyAuth).toHaveLength(16 + 65); // the P-256 point
  });
});

describe('CredsspClient, misuse is a programming error (plain Error, no secrets)', () => {
  it('receive() after the end and start() twice throw', () => {
    const c = afterNegotiate();
    expect(() => c.start()).toThrow('CredsspClient.start() in state sent_negotiate');
    c.receive(encodeTsRequest({ version: 6 }));
    expect(() => c.receive(challengeTs())).toThrow('CredsspClient.receive() in state done');
    expect(() => new CredsspClient(options()).receive(challengeTs())).toThrow('CredsspClient.receive() in state new');
    // Even garbage after the end is a misuse, and the outcome stays what it was.
    expect(() => c.receive(Uint8Array.of(0x16))).toThrow('CredsspClient.receive() in state done');
    expect(c.outcome).toMatchObject({ kind: 'ntlm_refused' });
  });

  it('invalid UTF-8 password bytes and a bad version are refused at construction', () => {
    expect(() => new CredsspClient(options({ password: Uint8Array.of(0xc3, 0x28) }))).toThrow('password bytes are not valid UTF-8');
    expect(() => new CredsspClient(options({ credsspVersion: 7 }))).toThrow(RangeError);
  });
});
