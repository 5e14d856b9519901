/**
 * Chain trust (src/analysis/trust.ts) with a real three-level PKI made at test time (@peculiar/x509 on WebCrypto):
 * an enterprise root, an issuing CA, an RDP server certificate. What a client would conclude, for the chains servers
 * really send: leaf + intermediate, the leaf alone, a self-signed certificate, an expired CA, and the public roots
 * alone (an enterprise CA is unknown to them: say so, do not call the chain incomplete).
 */
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';
import { webcrypto } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { analyzeChain, parsePemBundle, trustStore } from '../../src/analysis/trust.js';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);
const ALG = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
const DAY = 86_400_000;
const NOW = new Date();

type Keys = webcrypto.CryptoKeyPair;
async function keys(): Promise<Keys> {
  return (await webcrypto.subtle.generateKey(ALG, true, ['sign', 'verify'])) as Keys;
}

async function issue(subject: string, own: Keys, issuer: { name: string; keys: Keys } | null, ca: boolean, from: number, to: number): Promise<x509.X509Certificate> {
  const extensions = ca
    ? [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true)]
    : [new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyEncipherment | x509.KeyUsageFlags.dataEncipherment, true)];
  return x509.X509CertificateGenerator.create({
    serialNumber: Math.floor(Math.random() * 1e9).toString(16),
    subject,
    issuer: issuer?.name ?? subject,
    notBefore: new Date(NOW.getTime() + from * DAY),
    notAfter: new Date(NOW.getTime() + to * DAY),
    signingKey: (issuer?.keys ?? own).privateKey as never,
    publicKey: own.publicKey as never,
    signingAlgorithm: ALG,
    extensions,
  });
}

const der = (c: x509.X509Certificate) => new Uint8Array(c.rawData);
let root: x509.X509Certificate, inter: x509.X509Certificate, leaf: x509.X509Certificate, expiredInter: x509.X509Certificate, leafOfExpired: x509.X509Certificate, selfSigned: x509.X509Certificate;

beforeAll(async () => {
  const [rk, ik, lk, ek, sk] = await Promise.all([keys(), keys(), keys(), keys(), keys()]);
  root = await issue('CN=Corp Root CA', rk, null, true, -10, 3650);
  inter = await issue('CN=Corp Issuing CA', ik, { name: 'CN=Corp Root CA', keys: rk }, true, -10, 1000);
  leaf = await issue('CN=rdp01.corp.example', lk, { name: 'CN=Corp Issuing CA', keys: ik }, false, -1, 365);
  expiredInter = await issue('CN=Old Issuing CA', ek, { name: 'CN=Corp Root CA', keys: rk }, true, -400, -5);
  leafOfExpired = await issue('CN=rdp02.corp.example', lk, { name: 'CN=Old Issuing CA', keys: ek }, false, -1, 365);
  selfSigned = await issue('CN=RDP01', sk, null, false, -1, 180);
}, 60_000);

describe('analyzeChain', () => {
  const corp = () => trustStore([root.toString('pem')]);

  it('leaf + intermediate sent, enterprise root given with --ca-file: trusted', () => {
    const a = analyzeChain([der(leaf), der(inter)], NOW, corp());
    expect(a).toMatchObject({ trusted: true, trust_error: null });
    expect(a.chain.map((c) => [c.subject, c.issued_by_next, c.self_signed])).toEqual([
      ['CN=rdp01.corp.example', true, false],
      ['CN=Corp Issuing CA', false, false],
    ]);
  });

  it('the same chain against the public roots only: unknown issuer (an enterprise CA), not "incomplete"', () => {
    expect(analyzeChain([der(leaf), der(inter)], NOW, trustStore([]))).toMatchObject({ trusted: false, trust_error: 'unknown_issuer' });
  });

  it('the leaf alone, with the root given: the server does not send its intermediate', () => {
    expect(analyzeChain([der(leaf)], NOW, corp())).toMatchObject({ trusted: false, trust_error: 'incomplete_chain' });
  });

  it('a self-signed certificate (key usage without keyCertSign, as Windows makes them): self_signed, unless given as trusted', () => {
    expect(analyzeChain([der(selfSigned)], NOW, trustStore([]))).toMatchObject({ trusted: false, trust_error: 'self_signed' });
    expect(analyzeChain([der(selfSigned)], NOW, trustStore([selfSigned.toString('pem')]))).toMatchObject({ trusted: true, trust_error: null });
  });

  it('a chain through an expired CA: expired', () => {
    expect(analyzeChain([der(leafOfExpired), der(expiredInter)], NOW, corp())).toMatchObject({ trusted: false, trust_error: 'expired' });
  });

  it('the chain sent with the root too (order kept, still trusted)', () => {
    const a = analyzeChain([der(leaf), der(inter), der(root)], NOW, corp());
    expect(a.trusted).toBe(true);
    expect(a.chain.map((c) => c.issued_by_next)).toEqual([true, true, false]);
    expect(a.chain[2]!.self_signed).toBe(true);
  });

  it('a sent root that the store does not know: untrusted_root', () => {
    expect(analyzeChain([der(leaf), der(inter), der(root)], NOW, trustStore([]))).toMatchObject({ trusted: false, trust_error: 'untrusted_root' });
  });

  it('garbage is unparseable, an empty chain says nothing', () => {
    expect(analyzeChain([Uint8Array.of(1, 2, 3)], NOW, trustStore([]))).toMatchObject({ trusted: null, trust_error: 'unparseable' });
    expect(analyzeChain([], NOW, trustStore([]))).toMatchObject({ trusted: null, trust_error: null });
  });

  it('parsePemBundle refuses text without a certificate', () => {
    expect(() => parsePemBundle('hello')).toThrow(/no PEM certificate/);
    expect(parsePemBundle(`${root.toString('pem')}\n${inter.toString('pem')}`)).toHaveLength(2);
  });
});
