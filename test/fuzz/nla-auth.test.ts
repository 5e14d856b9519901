/**
 * Fuzz suite, part 5: what a server (or, for the scripted server, a client) sends in an authenticated NLA
 * exchange: AUTHENTICATE_MESSAGE and its NTLMv2 client challenge, sealed and signed messages (NtlmSessionSecurity.unseal, .verify),
 * TSCredentials / TSPasswordCreds, the Early User Authorization Result PDU, the certificate walk, and the
 * sans-IO CredsspClient, which must turn ANY server bytes into an outcome without throwing at all.
 * Seeds are built at run time from the encoders and the [MS-NLMP] 4.2.4 values. See test/fuzz/README.md.
 */
import fc from 'fast-check';
import { X509Certificate } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { endPointHashOf, subjectPublicKeyOf } from '../../protocol/certificate-key.js';
import { encodeTsRequest } from '../../protocol/credssp.js';
import { decodeTsCredentials, decodeTsPasswordCreds, encodeTsPasswordCredentials, passwordCreds, serverPubKeyAuthPlaintext } from '../../protocol/credssp-auth.js';
import { CredsspClient } from '../../protocol/credssp-client.js';
import { decodeEarlyUserAuthResult } from '../../protocol/early-user-auth.js';
import {
  DEFAULT_CLIENT_VERSION,
  MSV_AV_FLAGS,
  MSV_AV_NB_COMPUTER_NAME,
  MSV_AV_NB_DOMAIN_NAME,
  avString,
  avTimestamp,
  decodeNtlmChallenge,
  encodeNtlmChallenge,
  encodeNtlmNegotiate,
  type AvPair,
} from '../../protocol/ntlm.js';
import {
  buildClientAuthenticate,
  decodeNtlmAuthenticate,
  decodeNtlmV2ClientChallenge,
  encodeNtlmAuthenticate,
  encodeNtlmV2ClientChallenge,
  negotiateAuthenticateFlags,
  ntowfv2,
  type NtlmAuthenticate,
} from '../../protocol/ntlm-auth.js';
import { NtlmSessionSecurity } from '../../protocol/ntlm-session.js';
import { fromHex, toHex } from '../../protocol/writer.js';
import { RUNS, decodeOrDecodeError, expectPrefixesFail, fuzz, mutated, randomBytes, regressions } from './fuzz-helpers.js';

const utf16 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'utf16le'));
const KEY = fromHex('55555555555555555555555555555555');
const FLAGS = 0xe2888235;
const SPEC_PAIRS = [avString(MSV_AV_NB_DOMAIN_NAME, 'Domain'), avString(MSV_AV_NB_COMPUTER_NAME, 'Server')];
const CHALLENGE = {
  flags: 0xe28a8235,
  targetName: 'Server',
  serverChallenge: fromHex('0123456789abcdef'),
  targetInfo: [...SPEC_PAIRS, avTimestamp(133590384000000000n)],
  version: { major: 10, minor: 0, build: 20348, revision: 15 },
};
const CHALLENGE_MESSAGE = encodeNtlmChallenge(CHALLENGE);

const AUTHENTICATE_SEED = buildClientAuthenticate({
  negotiateMessage: encodeNtlmNegotiate(),
  challengeMessage: CHALLENGE_MESSAGE,
  challenge: decodeNtlmChallenge(CHALLENGE_MESSAGE),
  flags: negotiateAuthenticateFlags(CHALLENGE.flags).flags,
  userName: 'User',
  domainName: 'Domain',
  workstation: 'COMPUTER',
  responseKeyNT: ntowfv2(utf16('Password'), 'User', 'Domain'),
  clientChallenge: fromHex('aaaaaaaaaaaaaaaa'),
  randomSessionKey: KEY,
  clientTime: 0n,
  channelBindings: new Uint8Array(16),
  targetName: 'TERMSRV/server',
  version: DEFAULT_CLIENT_VERSION,
}).message;
const TEMP_SEED = encodeNtlmV2ClientChallenge({ timestamp: 0n, clientChallenge: fromHex('aaaaaaaaaaaaaaaa'), avPairs: SPEC_PAIRS });
const CREDENTIALS_SEED = encodeTsPasswordCredentials(passwordCreds('labuser', 'LAB', utf16('pw')));
const CERTS = readdirSync(new URL('../fixtures/certs/', import.meta.url))
  .filter((f) => f.endsWith('.pem'))
  .map((f) => Uint8Array.from(new X509Certificate(readFileSync(new URL(`../fixtures/certs/${f}`, import.meta.url))).raw));

describe('fuzz: NTLM AUTHENTICATE and sealed messages', () => {
  fuzz('decodeNtlmAuthenticate', decodeNtlmAuthenticate, [randomBytes([0x4e, 0x54, 0x4c, 0x4d, 0x53, 0x53, 0x50, 0x00, 3, 0, 0, 0], 120), mutated([AUTHENTICATE_SEED])]);
  fuzz('decodeNtlmV2ClientChallenge', decodeNtlmV2ClientChallenge, [randomBytes([1, 1], 60), mutated([TEMP_SEED])]);

  const sealedSeed = new NtlmSessionSecurity(KEY, FLAGS, 'client').seal(utf16('Plaintext'));
  fuzz('NtlmSessionSecurity.unseal', (b) => new NtlmSessionSecurity(KEY, FLAGS, 'server').unseal(b), [randomBytes([1, 0, 0, 0], 40), mutated([sealedSeed])]);

  const signatureSeed = new NtlmSessionSecurity(KEY, FLAGS, 'client').sign(utf16('Plaintext'));
  fuzz('NtlmSessionSecurity.verify', (b) => new NtlmSessionSecurity(KEY, FLAGS, 'server').verify(utf16('Plaintext'), b), [randomBytes([1, 0, 0, 0], 16), mutated([signatureSeed])]);

  it('unseal: a mutated token never verifies (only the original does)', () => {
    fc.assert(
      fc.property(mutated([sealedSeed]), (b) => {
        const r = decodeOrDecodeError('unseal', (x) => new NtlmSessionSecurity(KEY, FLAGS, 'server').unseal(x), b);
        if (toHex(b) !== toHex(sealedSeed) && !(r instanceof Error)) expect(r.ok).toBe(false);
      }),
      { numRuns: RUNS },
    );
  });

  const avPair: fc.Arbitrary<AvPair> = fc.oneof(
    fc.record({ id: fc.constantFrom(1, 2, 3, 4, 5, 9), value: fc.string({ maxLength: 10 }).map(utf16) }),
    fc.record({ id: fc.constantFrom(8, 10, 0x1234), value: fc.uint8Array({ maxLength: 20 }) }),
  );

  it('round-trip: AUTHENTICATE (NTLMv2, with and without MIC); every strict prefix fails', () => {
    fc.assert(
      fc.property(
        fc.array(avPair, { maxLength: 5 }),
        fc.boolean(),
        fc.string({ maxLength: 12 }),
        fc.uint8Array({ minLength: 16, maxLength: 16 }),
        fc.boolean(),
        (pairs, withMic, name0, proof, keyExch) => {
          const name = Buffer.from(name0, 'utf16le').toString('utf16le');
          const avPairs = withMic ? [...pairs, { id: MSV_AV_FLAGS, value: fromHex('02000000') }] : pairs;
          const temp = encodeNtlmV2ClientChallenge({ timestamp: 1n, clientChallenge: new Uint8Array(8).fill(9), avPairs });
          const a: NtlmAuthenticate = {
            flags: keyExch ? FLAGS : (FLAGS & ~0x40000000) >>> 0,
            lmChallengeResponse: new Uint8Array(24),
            ntChallengeResponse: Uint8Array.from([...proof, ...temp]),
            domainName: name,
            userName: `${name}u`,
            workstation: '',
            encryptedRandomSessionKey: keyExch ? new Uint8Array(16).fill(3) : new Uint8Array(0),
            version: DEFAULT_CLIENT_VERSION,
            mic: withMic ? new Uint8Array(16).fill(4) : null,
          };
          const b = encodeNtlmAuthenticate(a);
          const d = decodeNtlmAuthenticate(b);
          expect({ ...d, ntlmV2: null }).toEqual({ ...a, ntlmV2: null });
          expect(d.ntlmV2!.clientChallenge.avPairs).toEqual(avPairs);
          expectPrefixesFail('decodeNtlmAuthenticate', decodeNtlmAuthenticate, b);
        },
      ),
      { numRuns: Math.min(RUNS, 100) },
    );
  });

  it('the NTLMv2 client challenge: prefixes fail until MsvAvEOL (the Z(4) padding after it is optional)', () => {
    const eolEnd = TEMP_SEED.length - 4;
    expectPrefixesFail('decodeNtlmV2ClientChallenge', decodeNtlmV2ClientChallenge, TEMP_SEED, (n) => n >= eolEnd);
  });

  regressions('ntlm-authenticate', decodeNtlmAuthenticate);
});

describe('fuzz: TSCredentials, Early User Authorization Result, certificates', () => {
  const tsCredentialsPipeline = (b: Uint8Array): unknown => decodeTsPasswordCreds(decodeTsCredentials(b).credentials);
  fuzz('decodeTsCredentials + decodeTsPasswordCreds', tsCredentialsPipeline, [randomBytes([0x30], 60), mutated([CREDENTIALS_SEED])]);
  fuzz('decodeEarlyUserAuthResult', decodeEarlyUserAuthResult, [randomBytes([], 8)]);
  fuzz('subjectPublicKeyOf + endPointHashOf', (b) => [subjectPublicKeyOf(b), endPointHashOf(b)], [randomBytes([0x30, 0x82], 80), mutated(CERTS)]);

  it('round-trip: TSCredentials with any strings; every strict prefix fails', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 80 }), fc.string({ maxLength: 20 }), fc.uint8Array({ maxLength: 200 }), (user, domain, pw0) => {
        const pw = pw0.subarray(0, pw0.length & ~1);
        const b = encodeTsPasswordCredentials(passwordCreds(user, domain, pw));
        const p = tsCredentialsPipeline(b) as ReturnType<typeof decodeTsPasswordCreds>;
        expect([toHex(p.userName), toHex(p.domainName), toHex(p.password)]).toEqual([toHex(utf16Exact(user)), toHex(utf16Exact(domain)), toHex(pw)]);
        expectPrefixesFail('decodeTsCredentials', decodeTsCredentials, b);
      }),
      { numRuns: Math.min(RUNS, 200) },
    );
  });

  regressions('ts-credentials', tsCredentialsPipeline);
});

/** UTF-16 code units as the encoder writes them (lone surrogates included). */
function utf16Exact(s: string): Uint8Array {
  return Uint8Array.from(Array.from({ length: s.length }, (_, i) => [s.charCodeAt(i) & 0xff, s.charCodeAt(i) >>> 8]).flat());
}

describe('fuzz: the sans-IO client never throws on server bytes', () => {
  const cert = CERTS[0]!;
  const fresh = (): CredsspClient => {
    const c = new CredsspClient({ user: 'u', domain: '', password: 'p', serverCertificate: cert, targetHost: 'h', depth: 'authz', randomBytes: (n) => new Uint8Array(n).fill(7) });
    c.start();
    return c;
  };
  const challengeTs = encodeTsRequest({ version: 6, negoTokens: [CHALLENGE_MESSAGE] });
  const answerTs = (() => {
    // A pubKeyAuth the client cannot verify but whose TSRequest is well formed: mutations explore around it.
    const s = new NtlmSessionSecurity(KEY, FLAGS, 'server');
    return encodeTsRequest({ version: 6, pubKeyAuth: s.seal(serverPubKeyAuthPlaintext(6, subjectPublicKeyOf(cert), new Uint8Array(32).fill(7))) });
  })();

  const neverThrows = (name: string, feed: (b: Uint8Array) => unknown, arb: fc.Arbitrary<Uint8Array>): void => {
    it(`${name}: an outcome or a next message, never an exception`, () => {
      fc.assert(
        fc.property(arb, (b) => {
          try {
            const step = feed(b) as { send?: Uint8Array; outcome?: unknown };
            expect(step.send !== undefined || step.outcome !== undefined).toBe(true);
          } catch (e) {
            throw new Error(`${name} threw ${(e as Error).message} on ${toHex(b)}`);
          }
        }),
        { numRuns: RUNS },
      );
    });
  };
  neverThrows('receive(CHALLENGE TSRequest)', (b) => fresh().receive(b), fc.oneof(mutated([challengeTs]), randomBytes([0x30], 80)));
  neverThrows(
    'receive(pubKeyAuth TSRequest)',
    (b) => {
      const c = fresh();
      c.receive(challengeTs);
      return c.receive(b);
    },
    fc.oneof(mutated([answerTs]), randomBytes([0x30], 80)),
  );
});
