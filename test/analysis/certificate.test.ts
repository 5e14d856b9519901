import { describe, it, expect } from 'vitest';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { analyzeCertificate } from '../../src/analysis/certificate.js';
import { DecodeError } from '../../protocol/errors.js';

// Fixtures were made with OpenSSL 3 (see test/fixtures/certs/README.md); expected fingerprints are what
// `openssl x509 -fingerprint` printed for them, an independent implementation.
const der = (name: string) => new Uint8Array(new X509Certificate(readFileSync(new URL(`../fixtures/certs/${name}`, import.meta.url))).raw);
const NOW = new Date('2026-11-22T00:00:00Z');

describe('analyzeCertificate', () => {
  it('reads a weak self-signed RSA-1024 / SHA-1 certificate', async () => {
    const c = await analyzeCertificate(der('rsa1024-sha1-selfsigned.pem'), 1, NOW);
    expect(c.subject_cn).toBe('weak.lab');
    expect(c.subject).toContain('O=rdprobe test');
    expect(c.self_signed).toBe(true);
    expect(c.key_type).toBe('RSA');
    expect(c.key_bits).toBe(1024);
    expect(c.signature_algorithm).toBe('sha1WithRSAEncryption');
    expect(c.san).toEqual(['dns:weak.lab', 'dns:*.weak.lab', 'ip:127.0.0.1']);
    expect(c.sha1_fingerprint).toBe('4492D6A64A2982D4C5DB1CF4FA3304248D6D7E20');
    expect(c.sha256_fingerprint).toBe('A9683E602A5248D811BACD04B4679FD49E00D878F18BDB44DDB20E81E3FAA813');
    expect(c.expired).toBe(false);
    expect(c.chain_length).toBe(1);
  });

  it('reads an expired CA-signed certificate with explicit dates and serial', async () => {
    const c = await analyzeCertificate(der('rsa2048-ca-signed-expired.pem'), 2, NOW);
    expect(c.subject_cn).toBe('host01.corp.example');
    expect(c.issuer).toBe('CN=rdprobe test CA');
    expect(c.self_signed).toBe(false);
    expect(c.serial).toBe('1234ABCD');
    expect(c.not_before).toBe('2020-01-01T00:00:00.000Z');
    expect(c.not_after).toBe('2021-01-01T00:00:00.000Z');
    expect(c.expired).toBe(true);
    expect(c.days_remaining).toBeLessThan(-2000);
    expect(c.key_bits).toBe(2048);
    expect(c.signature_algorithm).toBe('sha256WithRSAEncryption');
    expect(c.sha1_fingerprint).toBe('5B331DD50D4AEFF650B2216257CA5C17150AFF07');
  });

  it('names EC keys by curve size', async () => {
    const c = await analyzeCertificate(der('ec-p256-selfsigned.pem'), 1, NOW);
    expect(c.key_type).toBe('EC');
    expect(c.key_bits).toBe(256);
    expect(c.signature_algorithm).toBe('ecdsa-with-SHA256');
    expect(c.sha1_fingerprint).toBe('69A80A979C3456CF3A67D4BBE87672DC71D87CE9');
  });

  it('names MD5 signatures that Web Crypto cannot verify, and still calls the certificate self-signed', async () => {
    const c = await analyzeCertificate(der('rsa2048-md5.pem'), 1, NOW);
    expect(c.signature_algorithm).toBe('md5WithRSAEncryption');
    expect(c.self_signed).toBe(true);
  });

  it('rejects bytes that are not a certificate with a DecodeError', async () => {
    await expect(analyzeCertificate(Uint8Array.from([0x30, 0x03, 0x02, 0x01, 0x01]), 1, NOW)).rejects.toBeInstanceOf(DecodeError);
    await expect(analyzeCertificate(new Uint8Array(0), 1, NOW)).rejects.toBeInstanceOf(DecodeError);
  });
});

describe('a real Windows RDP certificate (from the rdp-to-ssl capture)', () => {
  it('is the 2008 R2 self-signed SHA-1 certificate that openssl describes', async () => {
    const c = await analyzeCertificate(der('windows-rdp-selfsigned.pem'), 1, NOW);
    expect(c.subject).toBe('CN=WIN2K8R2.awakecoding.ath.cx');
    expect(c.self_signed).toBe(true);
    expect(c.signature_algorithm).toBe('sha1WithRSAEncryption');
    expect(c.key_bits).toBe(2048);
    expect(c.serial).toBe('16ED2AA0495F259D4F5D99EDADA570D1');
    expect(c.not_after).toBe('2021-02-12T00:00:00.000Z');
    expect(c.expired).toBe(true);
    expect(c.sha1_fingerprint).toBe('00ABBC7A0DCA04571CB2AB4BB0DC652775F9E20C');
    expect(c.sha256_fingerprint).toBe('A5B05D2AE076130AA41060F53ECD72BDF864EA0179250E927549C94D5AB2499A');
  });
});

describe('validity dates', () => {
  it('rejects a certificate whose UTCTime digits are corrupted instead of inventing a date (found by fuzzing)', async () => {
    const good = der('rsa2048-ca-signed-expired.pem');
    const bad = Uint8Array.from(good);
    const at = Buffer.from(bad).indexOf(Buffer.from('200101000000Z', 'latin1'));
    expect(at).toBeGreaterThan(0);
    bad[at] = 0x41; // 'A'
    bad[at + 1] = 0x41;
    await expect(analyzeCertificate(bad, 1, NOW)).rejects.toBeInstanceOf(DecodeError);
  });
});

describe('validity times are calendar times (RFC 5280 4.1.2.5.1, 4.1.2.5.2)', () => {
  // rsa2048-ca-signed-expired.pem with its notBefore (UTCTime '200101000000Z') replaced. The signature no longer
  // matches, which analyzeCertificate does not check for a CA-signed certificate; a GeneralizedTime is 2 bytes
  // longer, so the three enclosing lengths (Certificate, TBSCertificate, Validity; all fixed-width) grow with it.
  const withNotBefore = (tag: 0x17 | 0x18, text: string): Uint8Array => {
    const good = Buffer.from(der('rsa2048-ca-signed-expired.pem'));
    const at = good.indexOf(Buffer.from('170d3230303130313030303030305a', 'hex'));
    expect(at).toBeGreaterThan(0);
    const time = Buffer.from([tag, text.length, ...Buffer.from(text, 'latin1')]);
    const out = Buffer.concat([good.subarray(0, at), time, good.subarray(at + 15)]);
    const grow = time.length - 15;
    expect([out[0], out[1], out[4], out[5], out[at - 2]]).toEqual([0x30, 0x82, 0x30, 0x82, 0x30]);
    out.writeUInt16BE(out.readUInt16BE(2) + grow, 2);
    out.writeUInt16BE(out.readUInt16BE(6) + grow, 6);
    out[at - 1] = out[at - 1]! + grow;
    return new Uint8Array(out);
  };
  const rejects = async (tag: 0x17 | 0x18, text: string, why: string): Promise<void> => {
    const e = await analyzeCertificate(withNotBefore(tag, text), 1, NOW).then(
      (v) => v,
      (err: unknown) => err,
    );
    expect(e, text).toBeInstanceOf(DecodeError);
    expect((e as DecodeError).reason, text).toBe(`not a parseable X.509 certificate: invalid validity time "${text}": ${why}`);
  };

  it('valid times, including February 29 of a leap year and both UTCTime centuries, are read', async () => {
    expect((await analyzeCertificate(withNotBefore(0x17, '240229235959Z'), 1, NOW)).not_before).toBe('2024-02-29T23:59:59.000Z');
    expect((await analyzeCertificate(withNotBefore(0x17, '991231000000Z'), 1, NOW)).not_before).toBe('1999-12-31T00:00:00.000Z');
    expect((await analyzeCertificate(withNotBefore(0x18, '20000229120000Z'), 1, NOW)).not_before).toBe('2000-02-29T12:00:00.000Z');
  });

  it('the fuzzed 201332000000Z (month 13, day 32) is not parseable, not 2021-02-01', async () => {
    await rejects(0x17, '201332000000Z', 'month 13');
  });

  it('every field out of its range is refused, in UTCTime and GeneralizedTime', async () => {
    await rejects(0x17, '200001000000Z', 'month 0');
    await rejects(0x17, '200100000000Z', 'day 0 of month 1 in 2020');
    await rejects(0x17, '200132000000Z', 'day 32 of month 1 in 2020');
    await rejects(0x17, '210229000000Z', 'day 29 of month 2 in 2021');
    await rejects(0x17, '200431000000Z', 'day 31 of month 4 in 2020');
    await rejects(0x17, '200101240000Z', 'hour 24');
    await rejects(0x17, '200101006000Z', 'minute 60');
    await rejects(0x17, '200101000060Z', 'second 60');
    await rejects(0x18, '21000229000000Z', 'day 29 of month 2 in 2100');
    await rejects(0x18, '20201301000000Z', 'month 13');
    await rejects(0x18, '20200101000000.5Z', 'not YYYYMMDDHHMMSSZ');
  });
});

describe('Terminal Server X.509 certificates as Windows sends them (issue: key size lost)', () => {
  /**
   * Windows labels the RSA key of its Terminal Server certificate with a signature OID instead of rsaEncryption
   * (seen on Windows Server 2008-era servers: 1.3.14.3.2.15 and 1.2.840.113549.1.1.4). The fixture's
   * SubjectPublicKeyInfo algorithm is re-labelled exactly so, with asn1js re-encoding every length around it.
   */
  async function relabelled(name: string, oid: string): Promise<Uint8Array> {
    const asn1js = await import('asn1js');
    const parsed = asn1js.fromBER(der(name));
    const top = parsed.result as InstanceType<typeof asn1js.Sequence>;
    const tbs = top.valueBlock.value[0] as InstanceType<typeof asn1js.Sequence>;
    const spki = tbs.valueBlock.value[6] as InstanceType<typeof asn1js.Sequence>; // version [0] present: index 6
    const alg = spki.valueBlock.value[0] as InstanceType<typeof asn1js.Sequence>;
    alg.valueBlock.value[0] = new asn1js.ObjectIdentifier({ value: oid });
    return new Uint8Array(top.toBER(false));
  }

  for (const oid of ['1.3.14.3.2.15', '1.2.840.113549.1.1.4']) {
    it(`an RSA key labelled ${oid}: key_type RSA, its real size, and the OID as sent`, async () => {
      const c = await analyzeCertificate(await relabelled('rsa1024-sha1-selfsigned.pem', oid), 1, NOW);
      expect(c.key_type).toBe('RSA');
      expect(c.key_bits).toBe(1024);
      expect(c.key_oid).toBe(oid);
    });
  }

  it('an ordinary certificate keeps rsaEncryption as key_oid', async () => {
    expect((await analyzeCertificate(der('rsa1024-sha1-selfsigned.pem'), 1, NOW)).key_oid).toBe('1.2.840.113549.1.1.1');
  });

  it('a subject whose BMPString ends in CR LF is escaped one way (\\0D\\0A), no raw control character anywhere', async () => {
    const x509 = await import('@peculiar/x509');
    await import('reflect-metadata');
    const { webcrypto } = await import('node:crypto');
    x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
    const keys = await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify']);
    const name = new x509.Name([{ CN: ['TS-CERT\r\n'] }]);
    const cert = await x509.X509CertificateGenerator.createSelfSigned({ serialNumber: '01', name, notBefore: new Date('2026-01-01'), notAfter: new Date('2027-01-01'), keys, signingAlgorithm: alg });
    const c = await analyzeCertificate(new Uint8Array(cert.rawData), 1, NOW);
    for (const field of [c.subject, c.issuer, c.subject_cn ?? '']) {
      expect(field).not.toMatch(/[\u0000-\u001f\u007f]/);
      expect(field).toContain('TS-CERT\\0D\\0A');
    }
  });
});
