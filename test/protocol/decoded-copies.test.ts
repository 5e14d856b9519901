/**
 * Decoded byte fields are copies, and nothing writes into a caller's bytes. Sockets hand over Node Buffers, whose
 * slice() is a view (unlike Uint8Array's): a decoder that returned `.slice()` or `subarray` of its input handed the
 * caller a value that changed when the Buffer was reused, and computeMic zeroed the MIC inside the caller's
 * AUTHENTICATE_MESSAGE. Each vector is decoded from a Buffer, the Buffer is overwritten, and the value must not move.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fromHex, toHex } from '../../protocol/writer.js';
import { decodeTsRequest } from '../../protocol/credssp.js';
import { decodeTsCredentials, decodeTsPasswordCreds, encodeTsPasswordCredentials, passwordCreds, serverPubKeyAuthPlaintext, clientPubKeyAuthPlaintext } from '../../protocol/credssp-auth.js';
import { decodeAvPairs, decodeNtlmChallenge, encodeNtlmChallenge, encodeNtlmNegotiate, avString, avTimestamp, DEFAULT_CLIENT_VERSION, MSV_AV_NB_DOMAIN_NAME, type NtlmChallenge } from '../../protocol/ntlm.js';
import {
  AUTHENTICATE_MIC_OFFSET,
  buildClientAuthenticate,
  computeMic,
  decodeNtlmAuthenticate,
  decodeNtlmV2ClientChallenge,
  encodeNtlmV2ClientChallenge,
  keyExchangeKeyV2,
  negotiateAuthenticateFlags,
  ntowfv2,
} from '../../protocol/ntlm-auth.js';
import { subjectPublicKeyOf } from '../../protocol/certificate-key.js';
import { decodeTpkt } from '../../protocol/tpkt.js';
import { decodeConnectionAnswer, decodeConnectionRequest, decodeDataTpdu } from '../../protocol/x224.js';
import { decodeRdpNegReq } from '../../protocol/negotiation.js';
import { decodeMcsDomainPdu } from '../../protocol/mcs-domain.js';
import { decodeMcsConnectResponse } from '../../protocol/mcs.js';
import { decodeServerUserData, encodeServerUserData } from '../../protocol/gcc.js';
import { decodeConnectResponse, decodeServerCertificate } from '../../protocol/rdp-security.js';
import { decodeServerFrame } from '../../protocol/rdp/server-frame.js';

const utf16 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'utf16le'));
const seed = (path: string): Uint8Array => fromHex(readFileSync(new URL(`../fuzz/corpus/seeds/${path}`, import.meta.url), 'utf8'));

/**
 * Decodes `bytes` from a Node Buffer, then overwrites the Buffer as a socket reusing it would: the value must equal
 * what a plain copy decodes to, before and after. Returns the value for field-level checks.
 */
function fromReusedBuffer<T>(decode: (b: Uint8Array) => T, bytes: Uint8Array): T {
  const expected = decode(Uint8Array.from(bytes));
  const buffer = Buffer.from(bytes);
  const value = decode(buffer);
  expect(value).toEqual(expected);
  buffer.fill(0xee);
  expect(value).toEqual(expected);
  return value;
}

// [MS-NLMP] 4.2.4 inputs, as in ntlm-auth.test.ts.
const CHALLENGE: NtlmChallenge = {
  flags: 0xe28a8233,
  targetName: 'Server',
  serverChallenge: fromHex('0123456789abcdef'),
  targetInfo: [avString(MSV_AV_NB_DOMAIN_NAME, 'Domain'), avTimestamp(0x01d00000_00000000n)],
  version: { major: 6, minor: 0, build: 6000, revision: 15 },
};

function authenticate(randomSessionKey: Uint8Array = fromHex('55555555555555555555555555555555')) {
  const negotiateMessage = encodeNtlmNegotiate();
  const challengeMessage = encodeNtlmChallenge(CHALLENGE);
  const out = buildClientAuthenticate({
    negotiateMessage,
    challengeMessage,
    challenge: decodeNtlmChallenge(challengeMessage),
    flags: negotiateAuthenticateFlags(CHALLENGE.flags).flags,
    userName: 'User',
    domainName: 'Domain',
    workstation: 'COMPUTER',
    responseKeyNT: ntowfv2(utf16('Password'), 'User', 'Domain'),
    clientChallenge: fromHex('aaaaaaaaaaaaaaaa'),
    randomSessionKey,
    clientTime: 0n,
    channelBindings: fromHex('00112233445566778899aabbccddeeff'),
    targetName: 'TERMSRV/server',
    version: DEFAULT_CLIENT_VERSION,
  });
  return { ...out, negotiateMessage, challengeMessage };
}

describe('CredSSP and NTLM decoders return copies', () => {
  it('decodeTsRequest: negoTokens, authInfo, pubKeyAuth, clientNonce', () => {
    const ts = fromReusedBuffer(decodeTsRequest, seed('tsrequest/every-field.hex'));
    expect(ts.negoTokens?.map(toHex)).toEqual(['0102']);
    expect([toHex(ts.authInfo!), toHex(ts.pubKeyAuth!), ts.clientNonce?.length]).toEqual(['aa', 'bbcc', 32]);
  });

  it('decodeNtlmChallenge (ServerChallenge, AV_PAIR values) and decodeAvPairs', () => {
    const c = fromReusedBuffer(decodeNtlmChallenge, seed('ntlm-challenge/ws2019-challenge.hex'));
    expect(toHex(c.serverChallenge)).toBe('1122334455667788');
    expect(c.targetInfo.length).toBeGreaterThan(0);
    fromReusedBuffer(decodeAvPairs, seed('av-pairs/channel-bindings-and-unknown.hex'));
  });

  it('decodeNtlmAuthenticate: responses, session key, MIC, NTProofStr, temp and its client challenge', () => {
    const { message } = authenticate();
    const a = fromReusedBuffer(decodeNtlmAuthenticate, message);
    expect(a.mic).not.toBeNull();
    expect(toHex(a.mic!)).toBe(toHex(message.subarray(AUTHENTICATE_MIC_OFFSET, AUTHENTICATE_MIC_OFFSET + 16)));
    expect(a.ntlmV2?.clientChallenge.clientChallenge).toEqual(fromHex('aaaaaaaaaaaaaaaa'));
    const temp = encodeNtlmV2ClientChallenge({ timestamp: 5n, clientChallenge: fromHex('0102030405060708'), avPairs: [avString(MSV_AV_NB_DOMAIN_NAME, 'D')] });
    fromReusedBuffer((b) => decodeNtlmV2ClientChallenge(b), temp);
  });

  it('decodeTsCredentials and decodeTsPasswordCreds', () => {
    const creds = encodeTsPasswordCredentials(passwordCreds('user', 'DOM', utf16('secret')));
    const t = fromReusedBuffer(decodeTsCredentials, creds);
    const p = fromReusedBuffer(decodeTsPasswordCreds, t.credentials);
    expect(Buffer.from(p.password).toString('utf16le')).toBe('secret');
  });

  it('subjectPublicKeyOf', () => {
    const der = new Uint8Array(new X509Certificate(readFileSync(new URL('../fixtures/certs/ec-p256-selfsigned.pem', import.meta.url))).raw);
    expect(fromReusedBuffer(subjectPublicKeyOf, der).length).toBe(65);
  });
});

describe('nothing writes into its inputs', () => {
  it("computeMic leaves the caller's AUTHENTICATE_MESSAGE (and its MIC) as it was", () => {
    const { message, negotiateMessage, challengeMessage, exportedSessionKey } = authenticate();
    const expected = computeMic(exportedSessionKey, negotiateMessage, challengeMessage, message);
    const inputs = [exportedSessionKey, negotiateMessage, challengeMessage, message].map((b) => Buffer.from(b));
    const [key, negotiate, challenge, auth] = inputs as [Buffer, Buffer, Buffer, Buffer];
    const decodedMic = decodeNtlmAuthenticate(auth).mic!;
    expect(toHex(computeMic(key, negotiate, challenge, auth))).toBe(toHex(expected));
    expect(inputs.map(toHex)).toEqual([exportedSessionKey, negotiateMessage, challengeMessage, message].map(toHex));
    expect(toHex(decodedMic)).toBe(toHex(message.subarray(AUTHENTICATE_MIC_OFFSET, AUTHENTICATE_MIC_OFFSET + 16)));
    expect(decodedMic.some((b) => b !== 0)).toBe(true);
  });

  it('the pubKeyAuth plaintexts never change the SubjectPublicKey they are given, and are copies of it', () => {
    const key = Buffer.from('3082010a0282010100c0ffee', 'hex');
    const server = serverPubKeyAuthPlaintext(4, key, null);
    const client = clientPubKeyAuthPlaintext(4, key, null);
    expect(toHex(key)).toBe('3082010a0282010100c0ffee');
    expect([toHex(server), toHex(client)]).toEqual(['3182010a0282010100c0ffee', '3082010a0282010100c0ffee']);
    server.fill(0);
    client.fill(0);
    expect(toHex(key)).toBe('3082010a0282010100c0ffee');
  });

  it('zeroing the RandomSessionKey or the SessionBaseKey after use leaves the keys derived from them intact', () => {
    const random = Buffer.from('55555555555555555555555555555555', 'hex');
    const { exportedSessionKey } = authenticate(random);
    random.fill(0);
    expect(toHex(exportedSessionKey)).toBe('55555555555555555555555555555555');
    const base = Buffer.from('0102030405060708090a0b0c0d0e0f10', 'hex');
    const kx = keyExchangeKeyV2(base);
    base.fill(0);
    expect(toHex(kx)).toBe('0102030405060708090a0b0c0d0e0f10');
  });
});

describe('framing, negotiation, MCS, GCC and logon decoders return copies', () => {
  it('decodeTpkt, decodeDataTpdu, decodeConnectionAnswer', () => {
    expect(toHex(fromReusedBuffer(decodeTpkt, fromHex('03 00 00 09 02 f0 80 21 80')))).toBe('02f0802180');
    expect(toHex(fromReusedBuffer((b) => decodeDataTpdu(b), fromHex('02 f0 80 21 80')))).toBe('2180');
    expect(fromReusedBuffer((b) => decodeConnectionAnswer(b), fromHex('0e d0 00 00 12 34 00 02 1f 08 00 08 00 00 00'))).toMatchObject({ negotiation: fromHex('021f080008000000') });
    expect(fromReusedBuffer((b) => decodeConnectionAnswer(b), fromHex('02 f0 80 21 80'))).toEqual({ kind: 'data', payload: fromHex('2180') });
  });

  it('decodeConnectionRequest and decodeRdpNegReq (negotiation bytes, correlationId)', () => {
    const neg = fromHex('01 08 08 00 0b 00 00 00  06 00 24 00  112233445566778899aabbccddeeff01  00000000000000000000000000000000');
    expect(toHex(fromReusedBuffer((b) => decodeRdpNegReq(b), neg).correlationId!)).toBe('112233445566778899aabbccddeeff01');
    const cr = fromReusedBuffer((b) => decodeConnectionRequest(b), seed('x224-connection-request/cr-0b.hex'));
    expect(toHex(cr.negotiation)).toBe('010008000b000000');
  });

  it('decodeMcsDomainPdu: Send Data Indication userData', () => {
    const pdu = fromReusedBuffer((b) => decodeMcsDomainPdu(b), fromHex('68 00 01 03 eb 70 03 0a 0b 0c'));
    expect(pdu).toMatchObject({ kind: 'send_data_indication', userData: fromHex('0a0b0c') });
  });

  it('decodeMcsConnectResponse, decodeConnectResponse (serverRandom, certificate chain), decodeServerCertificate', () => {
    const response = seed('mcs-connect-response/windows-proprietary-encryption-c1-s1.hex');
    expect(fromReusedBuffer(decodeMcsConnectResponse, response).userData.length).toBeGreaterThan(0);
    const full = fromReusedBuffer(decodeConnectResponse, response);
    expect(full.serverSecurity?.serverRandom?.length).toBe(32);
    expect(full.serverSecurity?.certificate?.type).toBe('proprietary');
    expect(fromReusedBuffer(decodeServerCertificate, seed('server-certificate/windows-proprietary-512.hex')).signature?.length).toBeGreaterThan(0);
  });

  it('decodeServerUserData: server random, certificate, unknown blocks', () => {
    const blocks = encodeServerUserData({
      security: { encryptionMethod: 2, encryptionLevel: 3, serverRandom: new Uint8Array(32).fill(7), serverCertificate: fromHex('0102') },
      otherBlocks: [{ type: 0x0c09, bytes: fromHex('0a0b') }],
    });
    const d = fromReusedBuffer(decodeServerUserData, blocks);
    expect([toHex(d.security!.serverCertificate!), toHex(d.otherBlocks[0]!.bytes)]).toEqual(['0102', '0a0b']);
  });

  it('decodeServerFrame: an MCS PDU and the share PDUs of a Send Data Indication', () => {
    const deactivateAll = fromHex('03 00 00 1b 02 f0 80 68 00 01 03 eb 70 0d 0d 00 16 00 ea 03 ea 03 01 00 01 00 00');
    const frame = fromReusedBuffer(decodeServerFrame, deactivateAll);
    expect(frame).toMatchObject({ kind: 'send_data', pdus: [{ type: 'deactivate_all', deactivateAll: { sourceDescriptor: fromHex('00') } }] });
  });
});
