/**
 * The cipher-suite registry's derived columns checked against an independent source: OpenSSL 3.0's own
 * description of every suite it implements (`openssl ciphers -V 'ALL:COMPLEMENTOFALL:@SECLEVEL=0'`, saved in
 * test/fixtures/tls/openssl-3.0-ciphers-V.txt), plus facts stated in the RFCs for suites OpenSSL 3 dropped.
 */
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { cipherSuites, cipherSuiteInfo, cipherSuiteName, isGrease, TLS_EMPTY_RENEGOTIATION_INFO_SCSV, TLS_FALLBACK_SCSV } from '../../protocol/tls/suites.js';
import { namedGroupName, NAMED_GROUPS } from '../../protocol/tls/groups.js';
import { signatureSchemeName } from '../../protocol/tls/signature-schemes.js';
import { sslv2CipherName } from '../../protocol/tls/sslv2.js';
import { compareStrength, compareSuitesByStrength, suiteStrength } from '../../src/analysis/cipher-strength.js';

interface OpensslRow { id: number; name: string; version: string; kx: string; au: string; enc: string; bits: number; mac: string }
const OPENSSL: OpensslRow[] = readFileSync(new URL('../fixtures/tls/openssl-3.0-ciphers-V.txt', import.meta.url), 'utf8')
  .trim().split('\n').map((line) => {
    const m = /0x([0-9A-F]{2}),0x([0-9A-F]{2}) - (\S+)\s+(\S+)\s+Kx=(\S+)\s+Au=(\S+)\s+Enc=([^(\s]+)(?:\((\d+)\))?\s+Mac=(\S+)/.exec(line);
    if (!m) throw new Error(`unparsed: ${line}`);
    return { id: parseInt(m[1]! + m[2]!, 16), name: m[3]!, version: m[4]!, kx: m[5]!, au: m[6]!, enc: m[7]!, bits: Number(m[8] ?? 0), mac: m[9]! };
  });

// OpenSSL's vocabulary -> ours. Kx=DH/ECDH in OpenSSL 3 is the ephemeral exchange (it has no static DH suites).
const KX: Record<string, string[]> = { RSA: ['RSA'], DH: ['DHE'], ECDH: ['ECDHE'], PSK: ['PSK'], DHEPSK: ['DHE_PSK'], ECDHEPSK: ['ECDHE_PSK'], RSAPSK: ['RSA_PSK'], SRP: ['SRP'], any: ['any'] };
const AU: Record<string, string[]> = { RSA: ['RSA'], DSS: ['DSS'], ECDSA: ['ECDSA'], None: ['anon', 'NULL'], PSK: ['PSK'], SRP: ['SRP'], any: ['any'] };
const ENC: Record<string, [string, string]> = {
  AES: ['AES', 'CBC'], AESGCM: ['AES', 'GCM'], AESCCM: ['AES', 'CCM'], AESCCM8: ['AES', 'CCM_8'], Camellia: ['CAMELLIA', 'CBC'],
  ARIAGCM: ['ARIA', 'GCM'], 'CHACHA20/POLY1305': ['CHACHA20', 'POLY1305'], None: ['NULL', 'none'],
};
const MAC: Record<string, string> = { AEAD: 'AEAD', SHA1: 'SHA1', SHA256: 'SHA256', SHA384: 'SHA384', MD5: 'MD5' };

describe('cipher suite registry vs OpenSSL 3.0', () => {
  it(`covers every one of OpenSSL's ${OPENSSL.length} suites, with OpenSSL's name`, () => {
    for (const o of OPENSSL) expect(cipherSuiteInfo(o.id)?.openssl, `0x${o.id.toString(16)}`).toBe(o.name);
  });

  it('key exchange, authentication, cipher, mode, bits and MAC agree for each', () => {
    for (const o of OPENSSL) {
      const s = cipherSuiteInfo(o.id)!;
      const where = `${o.name} (0x${o.id.toString(16)})`;
      expect(KX[o.kx], where).toContain(s.kx);
      expect(AU[o.au], where).toContain(s.auth);
      expect(ENC[o.enc], where).toEqual([s.cipher, s.mode]);
      expect(s.bits, where).toBe(o.bits);
      expect(s.mac, where).toBe(MAC[o.mac]);
    }
  });

  it("OpenSSL's minimum version is the lowest TLS version we allow (OpenSSL marks TLS 1.0 suites SSLv3 where SSL 3.0 could carry them)", () => {
    const lowest: Record<string, string[]> = { 'TLSv1.3': ['tls1.3'], 'TLSv1.2': ['tls1.2'], TLSv1: ['tls1.0'], SSLv3: ['ssl3', 'tls1.0'] };
    for (const o of OPENSSL) expect(lowest[o.version], o.name).toContain(cipherSuiteInfo(o.id)!.versions[0]);
  });
});

describe('cipher suite registry: facts from the RFCs', () => {
  it('holds every assigned value: 352 entries from 0x0000 to 0xD005, SCSVs flagged', () => {
    expect(cipherSuites().size).toBe(352);
    expect(cipherSuiteInfo(TLS_EMPTY_RENEGOTIATION_INFO_SCSV)?.scsv).toBe(true);
    expect(cipherSuiteInfo(TLS_FALLBACK_SCSV)?.scsv).toBe(true);
    expect(cipherSuiteName(0x5600)).toBe('TLS_FALLBACK_SCSV');
    expect(cipherSuiteName(0x00ff)).toBe('TLS_EMPTY_RENEGOTIATION_INFO_SCSV');
    expect(cipherSuiteName(0x0a0a)).toBe('unknown(0x0a0a)');
    expect(isGrease(0x0a0a) && isGrease(0xfafa) && !isGrease(0x0a1a) && !isGrease(0x1301)).toBe(true);
  });

  it('EXPORT suites: 40-bit, SSL 3.0/TLS 1.0 only (RFC 4346 A.5)', () => {
    const s = cipherSuiteInfo(0x0003)!; // TLS_RSA_EXPORT_WITH_RC4_40_MD5
    expect([s.export, s.cipher, s.bits, s.mode, s.mac, s.openssl]).toEqual([true, 'RC4', 40, 'stream', 'MD5', 'EXP-RC4-MD5']);
    expect(s.versions).toEqual(['ssl3', 'tls1.0']);
  });

  it('DES and IDEA are gone from TLS 1.2 (RFC 5469), 3DES is not (RFC 5246)', () => {
    expect(cipherSuiteInfo(0x0009)!.versions).toEqual(['ssl3', 'tls1.0', 'tls1.1']);
    expect(cipherSuiteInfo(0x000a)!.versions).toEqual(['ssl3', 'tls1.0', 'tls1.1', 'tls1.2']);
    expect(cipherSuiteInfo(0x000a)!.openssl).toBe('DES-CBC3-SHA');
  });

  it('anonymous, NULL, PFS, AEAD flags', () => {
    expect(cipherSuiteInfo(0x0018)).toMatchObject({ anon: true, kx: 'DHE', auth: 'anon' }); // TLS_DH_anon_WITH_RC4_128_MD5
    expect(cipherSuiteInfo(0x0002)).toMatchObject({ null: true, cipher: 'NULL', mac: 'SHA1' }); // TLS_RSA_WITH_NULL_SHA
    expect(cipherSuiteInfo(0x0000)).toMatchObject({ null: true, anon: true, kx: 'NULL' });
    expect(cipherSuiteInfo(0xc030)).toMatchObject({ pfs: true, aead: true, kx: 'ECDHE', auth: 'RSA', bits: 256, versions: ['tls1.2'] });
    expect(cipherSuiteInfo(0x009d)).toMatchObject({ pfs: false, aead: true, kx: 'RSA' });
    expect(cipherSuiteInfo(0x1302)).toMatchObject({ kx: 'any', auth: 'any', versions: ['tls1.3'], openssl: 'TLS_AES_256_GCM_SHA384' });
    expect(cipherSuiteInfo(0xc0b4)).toMatchObject({ null: true, versions: ['tls1.3'] }); // TLS_SHA256_SHA256, RFC 9150
    expect(cipherSuiteInfo(0xc0aa)).toMatchObject({ kx: 'DHE_PSK', mode: 'CCM_8' }); // TLS_PSK_DHE_WITH_AES_128_CCM_8
    expect(cipherSuiteInfo(0xc102)).toMatchObject({ cipher: 'GOST28147', mac: 'GOST', versions: ['tls1.2'] });
  });
});

describe('named groups, signature schemes, SSL 2.0 cipher specs', () => {
  it('names the registry values', () => {
    expect([0x001d, 0x0017, 0x0018, 0x0100, 0x0104, 0x11ec, 0x0001].map(namedGroupName)).toEqual(['x25519', 'secp256r1', 'secp384r1', 'ffdhe2048', 'ffdhe8192', 'X25519MLKEM768', 'sect163k1']);
    expect(NAMED_GROUPS.get(0x0101)!.bits).toBe(3072);
    expect(namedGroupName(0x1234)).toBe('unknown(0x1234)');
    expect([0x0804, 0x0401, 0x0203, 0x0807].map(signatureSchemeName)).toEqual(['rsa_pss_rsae_sha256', 'rsa_pkcs1_sha256', 'ecdsa_sha1', 'ed25519']);
    expect(signatureSchemeName(0x0202)).toBe('dsa_sha1'); // TLS 1.2 {sha1, dsa} pair
    expect(signatureSchemeName(0xfe01)).toBe('unknown(0xfe01)');
    expect(sslv2CipherName(0x0700c0)).toBe('SSL_CK_DES_192_EDE3_CBC_WITH_MD5');
    expect(sslv2CipherName(0x010081)).toBe('unknown(0x010081)');
  });
});

describe('cipher strength scale (src/analysis/cipher-strength.ts)', () => {
  const grade = (id: number) => suiteStrength(id);
  it('insecure: NULL, EXPORT, anon, RC4, DES, MD5 MAC', () => {
    for (const id of [0x0002, 0x0003, 0x0034, 0x0005, 0xc011, 0x0009, 0x0023, 0xc0b4]) expect(grade(id), id.toString(16)).toBe('insecure');
  });
  it('weak: 3DES (SWEET32) and CBC without forward secrecy', () => {
    for (const id of [0x000a, 0xc012, 0x0016, 0x002f, 0x003d, 0xc004]) expect(grade(id), id.toString(16)).toBe('weak');
  });
  it('acceptable: forward-secret CBC, and AEAD without forward secrecy', () => {
    for (const id of [0xc013, 0xc028, 0x0033, 0x009c, 0x009d, 0xc09c]) expect(grade(id), id.toString(16)).toBe('acceptable');
  });
  it('strong: forward-secret AEAD and TLS 1.3', () => {
    for (const id of [0xc02f, 0xc030, 0xcca8, 0x009e, 0x1301, 0x1302, 0x1303]) expect(grade(id), id.toString(16)).toBe('strong');
  });
  it('SCSVs and unknown values have no strength; comparators order weakest first', () => {
    expect(grade(0x00ff)).toBeNull();
    expect(grade(0x0a0a)).toBeNull();
    expect(['strong', 'insecure', 'acceptable', 'weak'].sort(compareStrength as (a: string, b: string) => number)).toEqual(['insecure', 'weak', 'acceptable', 'strong']);
    expect([0x1301, 0x0005, 0x002f, 0xc013].sort(compareSuitesByStrength)).toEqual([0x0005, 0x002f, 0xc013, 0x1301]);
  });
  it('every registry suite has a grade (the scale is total over real suites)', () => {
    for (const s of cipherSuites().values()) if (!s.scsv) expect(grade(s.id), s.iana).not.toBeNull();
  });
});
