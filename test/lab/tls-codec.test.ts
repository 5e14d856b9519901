/**
 * The TLS codec against the running lab (lab/README.md): a raw-socket ClientHello after the X.224 step asking for
 * PROTOCOL_SSL, and the server's first flight decoded into a ServerHello and a chain. Read-only: nothing is sent
 * after the ClientHello. Run with RDPROBE_LAB=1 while `bash lab/lab.sh start` is up.
 */
import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { encodeClientHello, type ClientHelloSpec } from '../../protocol/tls/client-hello.js';
import { validateServerHello } from '../../protocol/tls/validate.js';
import { rawTlsExchange } from '../helpers/tls-peers.js';

const hello = (versions: number[], legacyVersion = 0x0303): ClientHelloSpec => ({
  recordVersion: 0x0301,
  legacyVersion,
  sessionId: new Uint8Array(32).fill(1),
  cipherSuites: [0x1301, 0x1302, 0x1303, 0xc02f, 0xc030, 0xc013, 0xc014, 0x009c, 0x002f, 0x0035, 0x00ff],
  compressionMethods: [0],
  extensions: [
    { type: 'supported_groups', groups: [0x001d, 0x0017, 0x0018] },
    { type: 'ec_point_formats', formats: [0] },
    { type: 'signature_algorithms', schemes: [0x0804, 0x0805, 0x0401, 0x0501, 0x0403, 0x0201] },
    { type: 'key_share', shares: [{ group: 0x001d }] },
    { type: 'supported_versions', versions },
    { type: 'extended_master_secret' },
  ],
});

describe.skipIf(process.env['RDPROBE_LAB'] !== '1')('TLS codec against the lab (RDPROBE_LAB=1)', () => {
  it('xrdp-tls (127.0.10.2): TLS 1.3, the decrypted chain is CN=xrdp-tls.lab', async () => {
    const enc = encodeClientHello(hello([0x0304, 0x0303]));
    const x = await rawTlsExchange('127.0.10.2', 3389, enc.bytes, { clientHello: enc.handshake, keyShares: enc.keyShares });
    expect(x.error).toBeNull();
    expect(x.flight!.complete).toBe(true);
    expect(x.flight!.version).toBe(0x0304);
    expect(validateServerHello(enc.spec, x.flight!.serverHello!)).toEqual([]);
    expect(x.flight!.certificates.map((d) => new X509Certificate(d).subject)).toEqual(['CN=xrdp-tls.lab']);
  });

  it('xrdp-tls (127.0.10.2): TLS 1.2 only, a plaintext ServerHello + Certificate + ServerHelloDone', async () => {
    const enc = encodeClientHello(hello([0x0303]));
    const x = await rawTlsExchange('127.0.10.2', 3389, enc.bytes);
    expect(x.flight).toMatchObject({ complete: true, version: 0x0303, serverHelloDone: true });
    expect(validateServerHello(enc.spec, x.flight!.serverHello!)).toEqual([]);
    expect(new X509Certificate(x.flight!.certificates[0]!).subject).toBe('CN=xrdp-tls.lab');
  });

  it('xrdp-tls10-only (127.0.10.7): a TLS 1.0 ServerHello to a TLS 1.0 hello', async () => {
    const spec = hello([0x0301], 0x0301);
    spec.extensions = spec.extensions!.filter((e) => e.type !== 'supported_versions' && e.type !== 'key_share');
    const x = await rawTlsExchange('127.0.10.7', 3389, encodeClientHello(spec).bytes);
    expect(x.flight).toMatchObject({ complete: true, version: 0x0301 });
    expect(x.flight!.certificates.length).toBeGreaterThan(0);
  });
});
