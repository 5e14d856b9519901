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
