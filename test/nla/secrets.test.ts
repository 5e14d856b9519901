/**
 * Secrets stay secret: run the client with a marker password through every outcome (real loopback sockets against
 * the scripted server, and server garbage fed directly) and look for the password, its UTF-8 and UTF-16LE hex,
 * the NT hash hex and the NTOWFv2 hex in everything the client hands back or throws: outcomes, steps (hex of any
 * bytes), error messages and stacks, JSON.stringify and util.inspect of the client object itself. Also: in 'auth'
 * depth none of them ever crosses the wire.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { inspect } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeTsRequest } from '../../protocol/credssp.js';
import { CredsspClient } from '../../protocol/credssp-client.js';
import { md4 } from '../../protocol/crypto/md4.js';
import { PROTOCOL_HYBRID, PROTOCOL_HYBRID_EX, PROTOCOL_SSL } from '../../protocol/negotiation.js';
import { MSV_AV_NB_COMPUTER_NAME, avString, encodeNtlmChallenge } from '../../protocol/ntlm.js';
import { ntowfv2 } from '../../protocol/ntlm-auth.js';
import { toHex } from '../../protocol/writer.js';
import { runNlaClient } from '../helpers/nla-client-io.js';
import { makeCertificate, startNlaServer, type NlaServer, type NlaServerBehaviour } from '../helpers/nla-server.js';

const MARKER = 'Mk7-Secret-Marker-Zq9!';
const UTF16 = Uint8Array.from(Buffer.from(MARKER, 'utf16le'));
const NEEDLES = [
  MARKER,
  toHex(Uint8Array.from(Buffer.from(MARKER, 'utf8'))),
  toHex(UTF16),
  toHex(md4(UTF16)), // the NT hash
  toHex(ntowfv2(UTF16, 'labuser', '')), // ResponseKeyNT
];

/** JSON with every byte array as hex, so a secret's bytes would show as its hex. */
const dump = (v: unknown): string =>
  JSON.stringify(v, (_k, x: unknown) => (x instanceof Uint8Array ? toHex(x) : typeof x === 'bigint' ? x.toString() : x));

function expectClean(what: string, text: string): void {
  for (const n of NEEDLES) expect(text.toLowerCase().includes(n.toLowerCase()), `${what} contains ${n === MARKER ? 'the password' : n}`).toBe(false);
}

let pem: { key: string; cert: string };
const servers: NlaServer[] = [];
beforeAll(async () => {
  pem = await makeCertificate();
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
});

describe('no secret in anything the client returns or throws', () => {
  const scenarios: Array<[string, NlaServerBehaviour, number, 'auth' | 'authz', string]> = [
    ['success, auth', 'normal', 6, 'auth', MARKER],
    ['success, authz', 'normal', 6, 'authz', MARKER],
    ['authz denied', 'authz_denied', 6, 'authz', MARKER],
    ['wrong password', 'normal', 6, 'authz', `${MARKER}x`],
    ['locked out', 'account_locked_out', 6, 'authz', MARKER],
    ['server cannot prove its key', 'wrong_pub_key_auth', 6, 'authz', MARKER],
    ['version 2 server closes', 'normal', 2, 'auth', `${MARKER}x`],
    ['version 3 echo', 'normal', 3, 'authz', MARKER],
  ];
  for (const [name, behaviour, credsspVersion, depth, password] of scenarios) {
    it(`over loopback: ${name}`, async () => {
      const s = await startNlaServer({ user: 'labuser', domain: '', password: MARKER, selectedProtocol: PROTOCOL_HYBRID_EX, credsspVersion, behaviour }, pem);
      servers.push(s);
      const r = await runNlaClient(s.host, s.port, { user: 'labuser', domain: '', password, depth, requestedProtocols: PROTOCOL_SSL | PROTOCOL_HYBRID | PROTOCOL_HYBRID_EX });
      await s.settled();
      expect(r.outcome).not.toBeNull();
      expectClean('returned values', dump(r.returned));
      expectClean('outcome', dump(r.outcome));
      if (depth === 'auth') for (const b of s.connections[0]!.received) expectClean('the wire', toHex(b));
    });
  }

  it('sans-IO: garbage, refusals, misuse errors, the client object itself', () => {
    const cert = Uint8Array.from(new X509Certificate(readFileSync(new URL('../fixtures/certs/ec-p256-selfsigned.pem', import.meta.url))).raw);
    const challenge = encodeTsRequest({
      version: 6,
      negoTokens: [encodeNtlmChallenge({ flags: 0xe28a8235, targetName: '', serverChallenge: new Uint8Array(8), targetInfo: [avString(MSV_AV_NB_COMPUTER_NAME, 'S')], version: { major: 10, minor: 0, build: 1, revision: 15 } })],
    });
    const texts: string[] = [];
    const inputs = [Uint8Array.of(0x30, 0x80), encodeTsRequest({ version: 6, errorCode: 0xc000006d }), encodeTsRequest({ version: 6, pubKeyAuth: Uint8Array.of(1, 0, 0, 0, 9) })];
    for (const password of [MARKER, Uint8Array.from(Buffer.from(MARKER, 'utf8'))]) {
      for (const second of inputs) {
        const c = new CredsspClient({ user: 'labuser', domain: '', password, serverCertificate: cert, targetHost: 'h', depth: 'authz' });
        texts.push(dump(c.start()), dump(c.receive(challenge)), inspect(c, { showHidden: true, depth: 10 }), dump(c));
        texts.push(dump(c.receive(second)), dump(c.outcome), inspect(c, { showHidden: true, depth: 10 }));
        for (const misuse of [() => c.receive(second), () => c.start()]) {
          try {
            misuse();
          } catch (e) {
            texts.push((e as Error).message, (e as Error).stack ?? '');
          }
        }
      }
    }
    try {
      new CredsspClient({ user: 'u', domain: '', password: Uint8Array.from([...Buffer.from(MARKER, 'utf8'), 0xff]), serverCertificate: cert, targetHost: 'h', depth: 'auth' });
    } catch (e) {
      texts.push((e as Error).message, (e as Error).stack ?? '');
    }
    expect(texts.length).toBeGreaterThan(20);
    for (const t of texts) expectClean('sans-IO output', t);
  });

  it('the marker does show up when it is there (the check can fail)', () => {
    expect(() => expectClean('a leak', dump({ leaked: UTF16 }))).toThrow();
    expect(() => expectClean('a leak', `error: ${MARKER}`)).toThrow();
  });
});

describe('HYBRID without _EX is no different', () => {
  it('authz over HYBRID: clean', async () => {
    const s = await startNlaServer({ user: 'labuser', domain: '', password: MARKER, selectedProtocol: PROTOCOL_HYBRID, credsspVersion: 6, behaviour: 'normal' }, pem);
    servers.push(s);
    const r = await runNlaClient(s.host, s.port, { user: 'labuser', domain: '', password: MARKER, depth: 'authz', requestedProtocols: PROTOCOL_SSL | PROTOCOL_HYBRID });
    expect(r.outcome).toMatchObject({ kind: 'success' });
    expectClean('returned values', dump(r.returned));
  });
});
