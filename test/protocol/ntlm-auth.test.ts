/**
 * NTLMv2 authentication and session security against [MS-NLMP] 4.2.4 (the NTLMv2 examples): User "User",
 * UserDom "Domain", Passwd "Password", ServerChallenge 0123456789abcdef, ClientChallenge aaaaaaaaaaaaaaaa,
 * Time 0, RandomSessionKey 55..55, the CHALLENGE's TargetInfo NbDomainName "Domain" + NbComputerName "Server".
 * Expected bytes are the specification's, byte for byte.
 */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  MSV_AV_CHANNEL_BINDINGS,
  MSV_AV_FLAGS,
  MSV_AV_NB_COMPUTER_NAME,
  MSV_AV_NB_DOMAIN_NAME,
  MSV_AV_TARGET_NAME,
  NTLMSSP_NEGOTIATE_KEY_EXCH,
  avString,
  avTimestamp,
  decodeNtlmChallenge,
  encodeNtlmChallenge,
  encodeNtlmNegotiate,
  DEFAULT_CLIENT_VERSION,
  type NtlmChallenge,
} from '../../protocol/ntlm.js';
import {
  AUTHENTICATE_MIC_OFFSET,
  buildClientAuthenticate,
  channelBindingsHash,
  clientAvPairs,
  computeMic,
  computeNtlmV2Responses,
  decodeNtlmAuthenticate,
  decodeNtlmV2ClientChallenge,
  encodeNtlmAuthenticate,
  encodeNtlmV2ClientChallenge,
  lmowfv2,
  negotiateAuthenticateFlags,
  ntowfv2,
  rc4SessionKey,
  tlsServerEndPointData,
  type NtlmAuthenticate,
} from '../../protocol/ntlm-auth.js';
import { NtlmSessionSecurity, sealKey, signKey } from '../../protocol/ntlm-session.js';
import { rc4 } from '../../protocol/crypto/rc4.js';
import { fromHex, toHex } from '../../protocol/writer.js';
import { decodeErrorOrRethrow, everyStrictPrefixFails } from '../helpers/codec-asserts.js';

const utf16 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'utf16le'));

// [MS-NLMP] 4.2.4 "Challenge Flags": 0xE28A8233.
const SPEC_FLAGS = 0xe28a8233;
const SERVER_CHALLENGE = fromHex('0123456789abcdef');
const CLIENT_CHALLENGE = fromHex('aaaaaaaaaaaaaaaa');
const RANDOM_SESSION_KEY = fromHex('55555555555555555555555555555555');
const SPEC_AV_PAIRS = [avString(MSV_AV_NB_DOMAIN_NAME, 'Domain'), avString(MSV_AV_NB_COMPUTER_NAME, 'Server')];

// [MS-NLMP] 4.2.4.1.3 temp.
const SPEC_TEMP = fromHex(`
  01 01 0000 00000000                # RespType, HiRespType, Reserved1, Reserved2
  0000000000000000                   # TimeStamp (Time = 0 in the example)
  aaaaaaaaaaaaaaaa                   # ChallengeFromClient
  00000000                           # Reserved3
  0200 0c00 44006f006d00610069006e00 # MsvAvNbDomainName "Domain"
  0100 0c00 530065007200760065007200 # MsvAvNbComputerName "Server"
  0000 0000                          # MsvAvEOL
  00000000                           # Z(4)
`);

describe('[MS-NLMP] 4.2.4 NTLMv2 known answers', () => {
  it('4.2.4.1.1 NTOWFv2 and LMOWFv2', () => {
    expect(toHex(ntowfv2(utf16('Password'), 'User', 'Domain'))).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
    expect(toHex(lmowfv2(utf16('Password'), 'User', 'Domain'))).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
    // The user name is upper-cased, the domain is not.
    expect(toHex(ntowfv2(utf16('Password'), 'user', 'Domain'))).toBe('0c868a403bfd7a93a3001ef22ef02e3f');
    expect(toHex(ntowfv2(utf16('Password'), 'User', 'DOMAIN'))).not.toBe('0c868a403bfd7a93a3001ef22ef02e3f');
  });

  it('4.2.4.1.3 temp', () => {
    const temp = encodeNtlmV2ClientChallenge({ timestamp: 0n, clientChallenge: CLIENT_CHALLENGE, avPairs: SPEC_AV_PAIRS });
    expect(temp.length).toBe(SPEC_TEMP.length);
    expect(toHex(temp)).toBe(toHex(SPEC_TEMP));
    expect(decodeNtlmV2ClientChallenge(temp)).toEqual({ timestamp: 0n, clientChallenge: CLIENT_CHALLENGE, avPairs: SPEC_AV_PAIRS });
  });

  it('4.2.4.2.1 LMv2 response, 4.2.4.2.2 NTLMv2 response, 4.2.4.1.2 session base key', () => {
    const key = ntowfv2(utf16('Password'), 'User', 'Domain');
    const r = computeNtlmV2Responses(key, SERVER_CHALLENGE, SPEC_TEMP, CLIENT_CHALLENGE, false);
    expect(toHex(r.lmChallengeResponse)).toBe('86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
    expect(toHex(r.ntChallengeResponse.subarray(0, 16))).toBe('68cd0ab851e51c96aabc927bebef6a1c');
    expect(toHex(r.ntChallengeResponse.subarray(16))).toBe(toHex(SPEC_TEMP));
    expect(toHex(r.sessionBaseKey)).toBe('8de40ccadbc14a82f15cb0ad0de95ca3');
    // With a server MsvAvTimestamp the LM response is Z(24) ([MS-NLMP] 3.1.5.1.2).
    expect(toHex(computeNtlmV2Responses(key, SERVER_CHALLENGE, SPEC_TEMP, CLIENT_CHALLENGE, true).lmChallengeResponse)).toBe('00'.repeat(24));
  });

  it('4.2.4.2.3 encrypted session key (KXKEY = SessionBaseKey for NTLMv2)', () => {
    const kx = fromHex('8de40ccadbc14a82f15cb0ad0de95ca3');
    expect(toHex(rc4SessionKey(kx, RANDOM_SESSION_KEY))).toBe('c5dad2544fc9799094ce1ce90bc9d03e');
    expect(toHex(rc4SessionKey(kx, fromHex('c5dad2544fc9799094ce1ce90bc9d03e')))).toBe(toHex(RANDOM_SESSION_KEY));
  });

  it('4.2.4.4 GSS_WrapEx: "Plaintext" sealed and signed with sequence number 0', () => {
    const client = new NtlmSessionSecurity(RANDOM_SESSION_KEY, SPEC_FLAGS, 'client');
    const out = client.seal(utf16('Plaintext'));
    expect(toHex(out.subarray(0, 16))).toBe('010000007fb38ec5c55d497600000000'); // Version 1, Checksum, SeqNum 0
    expect(toHex(out.subarray(16))).toBe('54e50165bf1936dc996020c1811b0f06fb5f');
  });

  it('SIGNKEY / SEALKEY client-to-server for the example (as libraries that pass 4.2.4.4 derive them)', () => {
    // Not printed in the specification; they are what the 4.2.4.4 output above requires.
    expect(toHex(signKey(RANDOM_SESSION_KEY, 'client-to-server'))).toBe('4788dc861b4782f35d43fd98fe1a2d39');
    expect(toHex(sealKey(RANDOM_SESSION_KEY, SPEC_FLAGS, 'client-to-server'))).toBe('59f600973cc4960a25480a7c196e4c58');
    // 56- and 40-bit sealing keys cut the exported key first: different keys.
    const k56 = sealKey(RANDOM_SESSION_KEY, 0x80080000, 'client-to-server');
    const k40 = sealKey(RANDOM_SESSION_KEY, 0x00080000, 'client-to-server');
    expect(new Set([toHex(k56), toHex(k40), '59f600973cc4960a25480a7c196e4c58']).size).toBe(3);
  });
});

describe('NTLM session security in both directions', () => {
  const pair = (flags = SPEC_FLAGS): [NtlmSessionSecurity, NtlmSessionSecurity] => [
    new NtlmSessionSecurity(RANDOM_SESSION_KEY, flags, 'client'),
    new NtlmSessionSecurity(RANDOM_SESSION_KEY, flags, 'server'),
  ];

  it('the server unseals the 4.2.4.4 token', () => {
    const [, server] = pair();
    const r = server.unseal(fromHex('010000007fb38ec5c55d497600000000 54e50165bf1936dc996020c1811b0f06fb5f'));
    expect(r.ok && Buffer.from(r.message).toString('utf16le')).toBe('Plaintext');
  });

  it('round trips with sequence numbers counting per direction, with and without KEY_EXCH', () => {
    for (const flags of [SPEC_FLAGS, (SPEC_FLAGS & ~NTLMSSP_NEGOTIATE_KEY_EXCH) >>> 0]) {
      const [client, server] = pair(flags);
      for (let i = 0; i < 3; i++) {
        const up = client.seal(utf16(`up ${i}`));
        const down = server.seal(utf16(`down ${i}`));
        expect(new DataView(up.buffer).getUint32(12, true)).toBe(i);
        const a = server.unseal(up);
        const b = client.unseal(down);
        expect(a.ok && Buffer.from(a.message).toString('utf16le')).toBe(`up ${i}`);
        expect(b.ok && Buffer.from(b.message).toString('utf16le')).toBe(`down ${i}`);
      }
    }
  });

  it('a flipped bit anywhere, a replay, or the wrong direction fails verification', () => {
    const [client, server] = pair();
    const token = client.seal(utf16('Plaintext'));
    for (const at of [4, 11, 12, 16, token.length - 1]) {
      const [, s] = pair();
      const bad = token.slice();
      bad[at]! ^= 0x01;
      expect(s.unseal(bad).ok, `byte ${at}`).toBe(false);
    }
    expect(server.unseal(token).ok).toBe(true);
    expect(server.unseal(token).ok).toBe(false); // replay: sequence 0 again, handle moved on
    const [c2] = pair();
    expect(c2.unseal(token).ok).toBe(false); // a client does not accept its own direction's token
  });

  it('sign/verify (GSS_GetMICEx): the checksum is RC4(seal handle, HMAC_MD5(SignKey, SeqNum || message)[0..7])', () => {
    const [client, server] = pair();
    const message = utf16('Plaintext');
    const signature = client.sign(message);
    // Recomputed here from the keys with node:crypto HMAC and the RFC 6229-tested RC4 on a fresh handle.
    const hmac = createHmac('md5', fromHex('4788dc861b4782f35d43fd98fe1a2d39')).update(fromHex('00000000')).update(message).digest();
    const checksum = rc4(fromHex('59f600973cc4960a25480a7c196e4c58'), hmac.subarray(0, 8));
    expect(toHex(signature)).toBe(`01000000${toHex(checksum)}00000000`);
    expect(server.verify(message, signature).ok).toBe(true);
    // Sequence 1 next, in both directions; a changed message or a replay fails.
    const second = client.sign(message);
    expect(toHex(second.subarray(12))).toBe('01000000');
    expect(server.verify(utf16('Plaintexx'), second).ok).toBe(false);
    expect(server.verify(message, signature).ok).toBe(false);
    expect(decodeErrorOrRethrow(() => server.verify(message, signature.subarray(0, 15))).reason).toBe('truncated signature SeqNum: need 4 bytes, 3 left');
  });

  it('unseal: a token that cannot be a signature is a DecodeError', () => {
    const [, server] = pair();
    expect(decodeErrorOrRethrow(() => server.unseal(fromHex('01000000 0011223344556677 000000'))).reason).toBe('truncated signature SeqNum: need 4 bytes, 3 left');
    expect(decodeErrorOrRethrow(() => server.unseal(fromHex('02000000 0011223344556677 00000000'))).reason).toBe('NTLMSSP_MESSAGE_SIGNATURE Version 2, expected 1');
    everyStrictPrefixFails(fromHex('010000007fb38ec5c55d497600000000'), (b) => pair()[1].unseal(b));
  });
});

describe('channel bindings (RFC 5929 tls-server-end-point, [MS-NLMP] MsvAvChannelBindings)', () => {
  it('MD5 over the gss_channel_bindings_struct, known answer', () => {
    // The certificate hash is SHA-256 of test/fixtures/certs/ec-p256-selfsigned.pem (ecdsa-with-SHA256), and the
    // MD5 was computed independently:
    //   openssl x509 -in test/fixtures/certs/ec-p256-selfsigned.pem -outform DER | openssl dgst -sha256
    //   { printf '\0%.0s' $(seq 16); printf '\x35\0\0\0tls-server-end-point:'; printf "$(echo <sha256> | sed 's/../\\x&/g')"; } | openssl dgst -md5
    const certHash = fromHex(EC_CERT_SHA256);
    expect(toHex(channelBindingsHash(tlsServerEndPointData(certHash)))).toBe(EC_CERT_BINDINGS_MD5);
    expect(toHex(channelBindingsHash(null))).toBe('00'.repeat(16));
  });
});

// Filled in from the commands quoted above.
const EC_CERT_SHA256 = '1c046632bebc37ae50942f7c81e0cf960a0ed51005a9397d060e22a8743ef6c3';
const EC_CERT_BINDINGS_MD5 = 'aa6bdb1a0172d5805fe84e06a9abbda9';

// ---------------------------------------------------------------- AUTHENTICATE_MESSAGE

const SPEC_CHALLENGE: NtlmChallenge = {
  flags: SPEC_FLAGS,
  targetName: 'Server',
  serverChallenge: SERVER_CHALLENGE,
  targetInfo: SPEC_AV_PAIRS,
  version: { major: 6, minor: 0, build: 6000, revision: 15 },
};

function clientAuthenticate(challenge: NtlmChallenge, password = 'Password') {
  const negotiateMessage = encodeNtlmNegotiate();
  const challengeMessage = encodeNtlmChallenge(challenge);
  const key = ntowfv2(utf16(password), 'User', 'Domain');
  const out = buildClientAuthenticate({
    negotiateMessage,
    challengeMessage,
    challenge: decodeNtlmChallenge(challengeMessage),
    flags: negotiateAuthenticateFlags(challenge.flags).flags,
    userName: 'User',
    domainName: 'Domain',
    workstation: 'COMPUTER',
    responseKeyNT: key,
    clientChallenge: CLIENT_CHALLENGE,
    randomSessionKey: RANDOM_SESSION_KEY,
    clientTime: 0n,
    channelBindings: fromHex('00112233445566778899aabbccddeeff'),
    targetName: 'TERMSRV/server',
    version: DEFAULT_CLIENT_VERSION,
  });
  return { ...out, negotiateMessage, challengeMessage };
}

describe('AUTHENTICATE_MESSAGE ([MS-NLMP] 2.2.1.3)', () => {
  it('the client adds MsvAvFlags (MIC), MsvAvChannelBindings and MsvAvTargetName after the server pairs', () => {
    const pairs = clientAvPairs(SPEC_AV_PAIRS, fromHex('00112233445566778899aabbccddeeff'), 'TERMSRV/server');
    expect(pairs.map((p) => p.id)).toEqual([MSV_AV_NB_DOMAIN_NAME, MSV_AV_NB_COMPUTER_NAME, MSV_AV_FLAGS, MSV_AV_CHANNEL_BINDINGS, MSV_AV_TARGET_NAME]);
    expect(toHex(pairs[2]!.value)).toBe('02000000');
    // A server MsvAvFlags keeps its bits; server-sent bindings or target names are replaced, not duplicated.
    const again = clientAvPairs([...SPEC_AV_PAIRS, { id: MSV_AV_FLAGS, value: fromHex('01000000') }, avString(MSV_AV_TARGET_NAME, 'x')], new Uint8Array(16), null);
    expect(again.filter((p) => p.id === MSV_AV_FLAGS).map((p) => toHex(p.value))).toEqual(['03000000']);
    expect(again.some((p) => p.id === MSV_AV_TARGET_NAME)).toBe(false);
  });

  it('a built AUTHENTICATE decodes; its NTProofStr is the spec key over its temp; its MIC is HMAC_MD5 over the three messages', () => {
    const { message, exportedSessionKey, negotiateMessage, challengeMessage } = clientAuthenticate(SPEC_CHALLENGE);
    const a = decodeNtlmAuthenticate(message);
    expect(a).toMatchObject({ userName: 'User', domainName: 'Domain', workstation: 'COMPUTER', version: DEFAULT_CLIENT_VERSION });
    expect(toHex(exportedSessionKey)).toBe(toHex(RANDOM_SESSION_KEY));
    expect(toHex(a.encryptedRandomSessionKey)).not.toBe(toHex(RANDOM_SESSION_KEY));
    expect(a.ntlmV2!.clientChallenge.avPairs.find((p) => p.id === MSV_AV_TARGET_NAME)?.value).toEqual(utf16('TERMSRV/server'));
    // No server timestamp: LMv2 is sent, and it is the spec's (same key, challenges).
    expect(toHex(a.lmChallengeResponse)).toBe('86c35097ac9cec102554764a57cccc19aaaaaaaaaaaaaaaa');
    // NTProofStr recomputed here with node:crypto directly from the spec's NTOWFv2.
    const proof = createHmac('md5', fromHex('0c868a403bfd7a93a3001ef22ef02e3f')).update(SERVER_CHALLENGE).update(a.ntlmV2!.temp).digest('hex');
    expect(toHex(a.ntlmV2!.ntProofStr)).toBe(proof);
    // MIC recomputed with node:crypto directly over NEGOTIATE || CHALLENGE || AUTHENTICATE (MIC zeroed).
    const zeroed = message.slice();
    zeroed.fill(0, 72, 88);
    const mic = createHmac('md5', RANDOM_SESSION_KEY).update(negotiateMessage).update(challengeMessage).update(zeroed).digest('hex');
    expect(toHex(a.mic!)).toBe(mic);
    expect(toHex(computeMic(RANDOM_SESSION_KEY, negotiateMessage, challengeMessage, message))).toBe(mic);
    expect(AUTHENTICATE_MIC_OFFSET).toBe(72);
  });

  it('with a server MsvAvTimestamp the temp carries that time and LmChallengeResponse is Z(24)', () => {
    const { message } = clientAuthenticate({ ...SPEC_CHALLENGE, targetInfo: [...SPEC_AV_PAIRS, avTimestamp(133590384000000000n)] });
    const a = decodeNtlmAuthenticate(message);
    expect(a.ntlmV2!.clientChallenge.timestamp).toBe(133590384000000000n);
    expect(toHex(a.lmChallengeResponse)).toBe('00'.repeat(24));
  });

  it('negotiated flags drop OEM and LM_KEY and name what CredSSP needs but the server left out', () => {
    expect(negotiateAuthenticateFlags(0xe20882b7).flags).toBe(0xe2088235);
    expect(negotiateAuthenticateFlags(0xe2898235).missing).toEqual([]);
    expect(negotiateAuthenticateFlags(0x00000201).missing).toEqual([
      'NTLMSSP_NEGOTIATE_SIGN',
      'NTLMSSP_NEGOTIATE_SEAL',
      'NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY',
    ]);
  });

  const sample: NtlmAuthenticate = {
    flags: 0xe2088235,
    lmChallengeResponse: new Uint8Array(24),
    ntChallengeResponse: Uint8Array.from([...new Uint8Array(16).fill(7), ...SPEC_TEMP]),
    domainName: 'Domain',
    userName: 'User',
    workstation: 'COMPUTER',
    encryptedRandomSessionKey: fromHex('c5dad2544fc9799094ce1ce90bc9d03e'),
    version: DEFAULT_CLIENT_VERSION,
    mic: null,
  };

  it('round trip without a MIC, and every strict prefix fails', () => {
    const b = encodeNtlmAuthenticate(sample);
    expect(b.length).toBe(72 + 12 + 8 + 16 + 24 + 16 + SPEC_TEMP.length + 16);
    const d = decodeNtlmAuthenticate(b);
    expect({ ...d, ntlmV2: undefined }).toEqual({ ...sample, ntlmV2: undefined });
    everyStrictPrefixFails(b, decodeNtlmAuthenticate);
  });

  it('a built AUTHENTICATE with a MIC: every strict prefix fails', () => {
    everyStrictPrefixFails(clientAuthenticate(SPEC_CHALLENGE).message, decodeNtlmAuthenticate);
  });

  it('errors name the field and offset', () => {
    const b = encodeNtlmAuthenticate(sample);
    const patch = (at: number, hex: string): Uint8Array => {
      const c = b.slice();
      c.set(fromHex(hex), at);
      return c;
    };
    const cases: Array<[Uint8Array, number, string]> = [
      [patch(8, '02000000'), 8, 'MessageType 2, expected 3 (AUTHENTICATE)'],
      [patch(28, '0500'), 72, 'DomainName: odd length 5 for a UTF-16 string'],
      [patch(32, '10000000'), 28, 'DomainName at offset 16 overlaps the 72-byte header'],
      [patch(36, 'ff00'), 72, 'UserName points outside the buffer: offset 84, length 255, buffer 232'],
      [patch(52, '0800'), 52, 'EncryptedRandomSessionKey of 8 bytes, expected 0 or 16'],
      [patch(20, '1e00'), 20, 'NtChallengeResponse of 30 bytes is neither NTLMv1 (24) nor NTLMv2 (>= 48)'],
    ];
    for (const [bytes, offset, reason] of cases) {
      const e = decodeErrorOrRethrow(() => decodeNtlmAuthenticate(bytes));
      expect([e.reason, e.offset]).toEqual([reason, offset]);
    }
    // The temp after NTProofStr is read strictly too.
    const ntAt = 72 + 12 + 8 + 16 + 24;
    expect(decodeErrorOrRethrow(() => decodeNtlmAuthenticate(patch(ntAt + 16, '02'))).reason).toBe(
      'NTLMv2_CLIENT_CHALLENGE RespType 2/HiRespType 1, expected 1/1',
    );
    expect(decodeErrorOrRethrow(() => decodeNtlmAuthenticate(patch(ntAt + 16 + SPEC_TEMP.length - 1, '01'))).reason).toBe(
      'non-zero byte after the NTLMv2_CLIENT_CHALLENGE AV_PAIRs',
    );
  });

  it('an AV_PAIR error in the temp points at the pair in the message, not in the list', () => {
    const b = encodeNtlmAuthenticate(sample);
    const pairAt = 72 + 12 + 8 + 16 + 24 + 16 + 28; // payload: Domain, User, Workstation, Lm; NTProofStr; temp header
    expect(toHex(b.subarray(pairAt, pairAt + 4))).toBe('02000c00'); // MsvAvNbDomainName, AvLen 12
    const bad = Uint8Array.from(b);
    bad[pairAt] = 0x07; // now MsvAvTimestamp with AvLen 12: its AvLen must be 8
    const e = decodeErrorOrRethrow(() => decodeNtlmAuthenticate(bad));
    expect([e.reason, e.offset]).toEqual(['MsvAvTimestamp: AvLen 12, expected 8', pairAt]);
    // decodeNtlmV2ClientChallenge on its own: offsets count from its base (0 unless given), the list's start is 28.
    const temp = Uint8Array.from(SPEC_TEMP);
    temp[28] = 0x07;
    const alone = decodeErrorOrRethrow(() => decodeNtlmV2ClientChallenge(temp));
    expect([alone.reason, alone.offset]).toEqual(['MsvAvTimestamp: AvLen 12, expected 8', 28]);
    expect(decodeErrorOrRethrow(() => decodeNtlmV2ClientChallenge(temp, 1000)).offset).toBe(1028);
  });
});
