/**
 * CredSSP's authenticated half: the server public key taken from its certificate, the pubKeyAuth values both
 * ways for versions 2-4 and 5+, TSCredentials, and the Early User Authorization Result PDU. Known answers were
 * computed with openssl from the fixtures, by the commands quoted next to them, not by this code.
 */
import { X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { endPointHashOf, subjectPublicKeyOf, tlsServerEndPointHash } from '../../protocol/certificate-key.js';
import {
  CLIENT_SERVER_HASH_MAGIC,
  SERVER_CLIENT_HASH_MAGIC,
  checkPubKeyAuth,
  clientPubKeyAuthPlaintext,
  decodeTsCredentials,
  decodeTsPasswordCreds,
  effectiveCredsspVersion,
  encodeTsPasswordCredentials,
  passwordCreds,
  serverPubKeyAuthPlaintext,
} from '../../protocol/credssp-auth.js';
import { AUTHZ_ACCESS_DENIED, decodeEarlyUserAuthResult, encodeEarlyUserAuthResult } from '../../protocol/early-user-auth.js';
import { NtlmSessionSecurity } from '../../protocol/ntlm-session.js';
import { fromHex, toHex } from '../../protocol/writer.js';
import { decodeErrorOrRethrow, everyStrictPrefixFails } from '../helpers/codec-asserts.js';
import { createHash } from 'node:crypto';

const certDer = (name: string): Uint8Array => Uint8Array.from(new X509Certificate(readFileSync(new URL(`../fixtures/certs/${name}`, import.meta.url))).raw);
const EC = certDer('ec-p256-selfsigned.pem');
const RSA_SHA1 = certDer('rsa1024-sha1-selfsigned.pem');

// openssl x509 -in test/fixtures/certs/ec-p256-selfsigned.pem -noout -pubkey | openssl pkey -pubin -outform DER | tail -c 65 | xxd -p
const EC_SUBJECT_PUBLIC_KEY =
  '040879ccfe110fefa5511d372eadc92a5173525c4db8687f2e4f6ce0a6fee48edfa5f76d1b68475ea3bcc2aa2ce0a6c6ac45d614a6b160f20a5a743ae67c467de6';
const NONCE = fromHex('000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f');

describe('the server key and channel binding from a DER certificate', () => {
  it('SubjectPublicKey: the EC point, and the RSAPublicKey DER', () => {
    expect(toHex(subjectPublicKeyOf(EC))).toBe(EC_SUBJECT_PUBLIC_KEY);
    // openssl x509 -in test/fixtures/certs/rsa1024-sha1-selfsigned.pem -noout -pubkey > pub.pem
    // openssl rsa -pubin -in pub.pem -RSAPublicKey_out -outform DER | sha256sum
    expect(createHash('sha256').update(subjectPublicKeyOf(RSA_SHA1)).digest('hex')).toBe('b7f655474140e4dc979ea1fd103e9707ad5c9b38384e5a59c052d82b0860c890');
  });

  it('every fixture certificate has a SubjectPublicKey starting like its key type', () => {
    for (const f of ['rsa2048-ca-signed-expired.pem', 'rsa2048-md5.pem', 'windows-rdp-selfsigned.pem']) {
      expect(subjectPublicKeyOf(certDer(f))[0], f).toBe(0x30); // RSAPublicKey ::= SEQUENCE
    }
  });

  it('RFC 5929 hash: the signature hash, with MD5 and SHA-1 upgraded to SHA-256', () => {
    expect(endPointHashOf(EC)).toBe('sha256');
    expect(endPointHashOf(RSA_SHA1)).toBe('sha256');
    expect(endPointHashOf(certDer('rsa2048-md5.pem'))).toBe('sha256');
    // openssl x509 -in test/fixtures/certs/ec-p256-selfsigned.pem -outform DER | openssl dgst -sha256
    expect(toHex(tlsServerEndPointHash(EC)!)).toBe('1c046632bebc37ae50942f7c81e0cf960a0ed51005a9397d060e22a8743ef6c3');
  });

  it('every strict prefix, trailing bytes and an indefinite length are DecodeErrors of layer certificate', () => {
    everyStrictPrefixFails(EC, subjectPublicKeyOf);
    expect(decodeErrorOrRethrow(() => subjectPublicKeyOf(Uint8Array.from([...EC, 0]))).reason).toBe('1 unexpected trailing byte(s) after Certificate');
    const indefinite = EC.slice();
    indefinite[1] = 0x80;
    expect(decodeErrorOrRethrow(() => subjectPublicKeyOf(indefinite)).layer).toBe('certificate');
  });
});

describe('pubKeyAuth ([MS-CSSP] 3.1.5)', () => {
  it('the magic strings are NUL-terminated', () => {
    expect(CLIENT_SERVER_HASH_MAGIC.length).toBe(38);
    expect(SERVER_CLIENT_HASH_MAGIC.at(-1)).toBe(0);
  });

  it('versions 5+: SHA-256(magic || clientNonce || SubjectPublicKey), known answers', () => {
    // { printf 'CredSSP Client-To-Server Binding Hash\0'; printf "$(echo <NONCE><EC_SUBJECT_PUBLIC_KEY> | sed 's/../\\x&/g')"; } > c2s.bin
    // (135 bytes: 38 + 32 + 65)   openssl dgst -sha256 c2s.bin     and the same with Server-To-Client
    const spk = fromHex(EC_SUBJECT_PUBLIC_KEY);
    expect(toHex(clientPubKeyAuthPlaintext(6, spk, NONCE))).toBe('32390d080cacf033acd5bff73e79f417d957bfab7efd39ba83d106b25eb5370b');
    expect(toHex(serverPubKeyAuthPlaintext(5, spk, NONCE))).toBe('051e48c5bae5a1897faf25e44e252dd1336a1de29d53fea6a1766d76146b181d');
    expect(() => clientPubKeyAuthPlaintext(6, spk, null)).toThrow(RangeError);
  });

  it('versions 2-4: the key itself; the server answers it with the first byte plus one (mod 256)', () => {
    const spk = fromHex(EC_SUBJECT_PUBLIC_KEY);
    expect(toHex(clientPubKeyAuthPlaintext(4, spk, null))).toBe(EC_SUBJECT_PUBLIC_KEY);
    expect(toHex(serverPubKeyAuthPlaintext(3, spk, null))).toBe(`05${EC_SUBJECT_PUBLIC_KEY.slice(2)}`);
    expect(toHex(serverPubKeyAuthPlaintext(2, fromHex('ff01'), null))).toBe('0001');
    expect(effectiveCredsspVersion(6, 4)).toBe(4);
  });

  it('checkPubKeyAuth: the right answer verifies; a wrong key, a forged seal or a replay does not', () => {
    const key = fromHex('55555555555555555555555555555555');
    const spk = fromHex(EC_SUBJECT_PUBLIC_KEY);
    const fresh = (): [NtlmSessionSecurity, NtlmSessionSecurity] => [new NtlmSessionSecurity(key, 0xe2088235, 'client'), new NtlmSessionSecurity(key, 0xe2088235, 'server')];

    let [client, server] = fresh();
    const answer = server.seal(serverPubKeyAuthPlaintext(6, spk, NONCE));
    expect(checkPubKeyAuth(client, answer, serverPubKeyAuthPlaintext(6, spk, NONCE))).toEqual({ ok: true });
    expect(checkPubKeyAuth(client, answer, serverPubKeyAuthPlaintext(6, spk, NONCE))).toEqual({ ok: false, reason: 'bad_signature' });

    [client, server] = fresh();
    // A server that echoes the client's own value (a reflection) has not proved anything.
    const reflected = server.seal(clientPubKeyAuthPlaintext(6, spk, NONCE));
    expect(checkPubKeyAuth(client, reflected, serverPubKeyAuthPlaintext(6, spk, NONCE))).toEqual({ ok: false, reason: 'wrong_public_key' });

    [client, server] = fresh();
    const forged = server.seal(serverPubKeyAuthPlaintext(6, spk, NONCE));
    forged[20]! ^= 1;
    expect(checkPubKeyAuth(client, forged, serverPubKeyAuthPlaintext(6, spk, NONCE))).toEqual({ ok: false, reason: 'bad_signature' });
  });
});

// [MS-CSSP] 2.2.1.2 TSCredentials with 2.2.1.2.1 TSPasswordCreds: domain "", user "labuser", password "pw".
const TS_CREDENTIALS = fromHex(`
  30 29                       # TSCredentials SEQUENCE, 41 bytes
    a0 03 02 01 01            #   credType [0] INTEGER 1 (password)
    a1 22 04 20               #   credentials [1] OCTET STRING, 32 bytes:
      30 1e                   #     TSPasswordCreds SEQUENCE, 30 bytes
        a0 02 04 00           #       domainName [0] OCTET STRING ""
        a1 10 04 0e 6c00610062007500730065007200  # userName [1] "labuser" (UTF-16LE)
        a2 06 04 04 70007700  #       password [2] "pw" (UTF-16LE)
`);

describe('TSCredentials ([MS-CSSP] 2.2.1.2)', () => {
  const utf16 = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s, 'utf16le'));

  it('encodes byte for byte', () => {
    expect(toHex(encodeTsPasswordCredentials(passwordCreds('labuser', '', utf16('pw'))))).toBe(toHex(TS_CREDENTIALS));
  });

  it('decodes back, and every strict prefix fails', () => {
    const c = decodeTsCredentials(TS_CREDENTIALS);
    expect(c.credType).toBe(1);
    const p = decodeTsPasswordCreds(c.credentials);
    expect([Buffer.from(p.domainName).toString('utf16le'), Buffer.from(p.userName).toString('utf16le'), Buffer.from(p.password).toString('utf16le')]).toEqual(['', 'labuser', 'pw']);
    everyStrictPrefixFails(TS_CREDENTIALS, decodeTsCredentials);
    everyStrictPrefixFails(c.credentials, decodeTsPasswordCreds);
  });

  it('long values use long-form DER lengths', () => {
    const long = 'x'.repeat(200);
    const b = encodeTsPasswordCredentials(passwordCreds(long, 'D', utf16(long)));
    // SEQUENCE with a two-octet length (82 hi lo) covering everything after the 4-byte header.
    expect([b[0], b[1], (b[2]! << 8) | b[3]!]).toEqual([0x30, 0x82, b.length - 4]);
    const p = decodeTsPasswordCreds(decodeTsCredentials(b).credentials);
    expect(Buffer.from(p.password).toString('utf16le')).toBe(long);
  });
});

describe('Early User Authorization Result PDU ([MS-RDPBCGR] 2.2.10.2)', () => {
  it('decodes the two defined values and names unknown ones', () => {
    expect(decodeEarlyUserAuthResult(fromHex('00000000'))).toEqual({ value: 0, name: 'AUTHZ_SUCCESS' });
    expect(decodeEarlyUserAuthResult(fromHex('05000000'))).toEqual({ value: AUTHZ_ACCESS_DENIED, name: 'AUTHZ_ACCESS_DENIED' });
    expect(decodeEarlyUserAuthResult(fromHex('0000 00c0'))).toEqual({ value: 0xc0000000, name: 'unknown(0xc0000000)' });
    expect(toHex(encodeEarlyUserAuthResult(AUTHZ_ACCESS_DENIED))).toBe('05000000');
  });

  it('exactly four bytes: prefixes and a fifth byte are DecodeErrors of layer rdp', () => {
    everyStrictPrefixFails(fromHex('05000000'), decodeEarlyUserAuthResult);
    const e = decodeErrorOrRethrow(() => decodeEarlyUserAuthResult(fromHex('0500000000')));
    expect([e.layer, e.reason]).toEqual(['rdp', '1 unexpected trailing byte(s) after Early User Authorization Result PDU']);
  });
});
