/**
 * Real self-signed certificates made at test time (@peculiar/x509 on node's WebCrypto), for the TLS test peers
 * and the node:tls TLS 1.3 server: DER for the codec, PEM for node:tls, the private key to sign handshakes.
 */
import 'reflect-metadata'; // @peculiar/x509 needs it (tsyringe)
import { webcrypto, createPrivateKey, type KeyObject } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

export interface TestCert {
  der: Uint8Array;
  certPem: string;
  keyPem: string;
  privateKey: KeyObject;
}

const cache = new Map<string, Promise<TestCert>>();

/** A self-signed RSA-2048 / SHA-256 certificate for CN=`cn` (one per CN per test file). */
export function selfSigned(cn: string): Promise<TestCert> {
  let p = cache.get(cn);
  if (!p) {
    p = (async () => {
      const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256', publicExponent: new Uint8Array([1, 0, 1]), modulusLength: 2048 };
      const keys = (await webcrypto.subtle.generateKey(alg, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
      const cert = await x509.X509CertificateGenerator.createSelfSigned({
        serialNumber: '01',
        name: `CN=${cn}`,
        notBefore: new Date(Date.now() - 86_400_000),
        notAfter: new Date(Date.now() + 30 * 86_400_000),
        keys: keys as unknown as Parameters<typeof x509.X509CertificateGenerator.createSelfSigned>[0]['keys'],
        signingAlgorithm: alg,
      });
      const pkcs8 = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
      const keyPem = `-----BEGIN PRIVATE KEY-----\n${pkcs8.toString('base64').replace(/(.{64})/g, '$1\n')}\n-----END PRIVATE KEY-----\n`;
      return { der: new Uint8Array(cert.rawData), certPem: cert.toString('pem'), keyPem, privateKey: createPrivateKey(keyPem) };
    })();
    cache.set(cn, p);
  }
  return p;
}
