/**
 * Real Windows RDP listeners (Schannel): the recorded TLS first flights and the ClientHellos that got them
 * (captures/windows-*-tls-flight.json, from the zeek and nDPI test traces), decoded field by field. Expected
 * values are read off the bytes by hand (comments) and from the certificates themselves, not from our decoder.
 */
import { describe, expect, it } from 'vitest';
import { X509Certificate } from 'node:crypto';
import { fromHex, toHex } from '../../protocol/writer.js';
import { loadTranscript } from '../helpers/replay.js';
import { decodeClientHello, encodeClientHello, offeredVersions, type ClientHelloSpec } from '../../protocol/tls/client-hello.js';
import { readFirstFlight } from '../../protocol/tls/flight.js';
import { validateServerHello } from '../../protocol/tls/validate.js';
import { decodeRecords, encodeRecords, CONTENT_TYPE_HANDSHAKE } from '../../protocol/tls/record.js';
import { cipherSuiteName } from '../../protocol/tls/suites.js';
import { everyStrictPrefixFails } from '../helpers/codec-asserts.js';

const flowOf = (name: string) => loadTranscript(name).connections[0]!.flow.map((e) => fromHex('client' in e ? e.client : e.server));
const subject = (der: Uint8Array) => new X509Certificate(der).subject;

// Windows 7 mstsc (Schannel client), to the Windows Server 2008 R2 listener: rdp-to-ssl.pcap frame 8.
const WIN7_CLIENT_HELLO = fromHex(`
  16 0301 0074                      # record: handshake, version TLS 1.0, 116 bytes
  01 000070                         # ClientHello, 112 bytes
  0301                              # client_version TLS 1.0
  4d570ec58a9b7d325ed908de8cb2b4de50ec88184a1f6ec723c1d5a344a6cc34  # random (gmt_unix_time 0x4d570ec5)
  00                                # session_id: empty
  0018                              # cipher_suites: 24 bytes, 12 suites
    002f 0035 0005 000a             #   RSA AES128-SHA, RSA AES256-SHA, RSA RC4-SHA, RSA 3DES
    c013 c014 c009 c00a             #   ECDHE-RSA AES128/256-SHA, ECDHE-ECDSA AES128/256-SHA
    0032 0038 0013 0004             #   DHE-DSS AES128/256-SHA, DHE-DSS 3DES, RSA RC4-MD5
  01 00                             # compression_methods: null only
  002f                              # extensions: 47 bytes
    0000 0012 0010 00 000d 3139322e3136382e312e313530  # server_name host_name "192.168.1.150"
    0005 0005 01 0000 0000          # status_request: ocsp, no responder ids, no extensions
    000a 0006 0004 0017 0018        # supported_groups: secp256r1, secp384r1
    000b 0002 01 00                 # ec_point_formats: uncompressed
`);

const WIN7_SPEC: ClientHelloSpec = {
  recordVersion: 0x0301,
  legacyVersion: 0x0301,
  random: fromHex('4d570ec58a9b7d325ed908de8cb2b4de50ec88184a1f6ec723c1d5a344a6cc34'),
  sessionId: new Uint8Array(0),
  cipherSuites: [0x002f, 0x0035, 0x0005, 0x000a, 0xc013, 0xc014, 0xc009, 0xc00a, 0x0032, 0x0038, 0x0013, 0x0004],
  compressionMethods: [0],
  extensions: [
    { type: 'server_name', hostName: '192.168.1.150' },
    { type: 'status_request', responderIds: [], requestExtensions: new Uint8Array(0) },
    { type: 'supported_groups', groups: [0x0017, 0x0018] },
    { type: 'ec_point_formats', formats: [0] },
  ],
};

// The client before the Windows 10 listener: rdp-no-cookie-mstshash.pcap frame 11 (Schannel's TLS 1.2 order).
const WIN10_CLIENT_HELLO = fromHex(`
  16 0303 008e                      # record: handshake, version TLS 1.2, 142 bytes
  01 00008a                         # ClientHello, 138 bytes
  0303                              # client_version TLS 1.2
  67b4ac55e203e3879630e7d66974024e01872f2bffa34b65c070b61a385929c7  # random
  00                                # session_id: empty
  002a                              # cipher_suites: 42 bytes, 21 suites
    c02c c02b c030 c02f 009f 009e   #   ECDHE-ECDSA/RSA GCM, DHE-RSA GCM
    c024 c023 c028 c027             #   ECDHE CBC SHA384/SHA256
    c00a c009 c014 c013             #   ECDHE CBC SHA
    009d 009c 003d 003c 0035 002f   #   RSA GCM, RSA CBC
    000a                            #   RSA 3DES
  01 00                             # compression_methods: null only
  0037                              # extensions: 55 bytes
    000a 0008 0006 001d 0017 0018   # supported_groups: x25519, secp256r1, secp384r1
    000b 0002 01 00                 # ec_point_formats: uncompressed
    000d 0014 0012 0401 0501 0201 0403 0503 0203 0202 0601 0603  # signature_algorithms
    0023 0000                       # session_ticket: empty
    0017 0000                       # extended_master_secret
    ff01 0001 00                    # renegotiation_info: empty
`);

describe('real Windows ClientHellos (golden vectors)', () => {
  it('Windows 7 hello: decodes to the spec, the spec encodes to the same bytes', () => {
    const d = decodeClientHello(WIN7_CLIENT_HELLO);
    expect(d.spec).toEqual(WIN7_SPEC);
    expect(toHex(encodeClientHello(WIN7_SPEC).bytes)).toBe(toHex(WIN7_CLIENT_HELLO));
    expect(toHex(flowOf('windows-2008r2-tls-flight')[2]!)).toBe(toHex(WIN7_CLIENT_HELLO));
  });

  it('Windows 10 hello: fields, and decode -> encode is byte-identical', () => {
    const d = decodeClientHello(WIN10_CLIENT_HELLO);
    expect(d.spec.legacyVersion).toBe(0x0303);
    expect(d.spec.cipherSuites.map((s) => s.toString(16))).toEqual(
      ['c02c', 'c02b', 'c030', 'c02f', '9f', '9e', 'c024', 'c023', 'c028', 'c027', 'c00a', 'c009', 'c014', 'c013', '9d', '9c', '3d', '3c', '35', '2f', 'a'],
    );
    expect(d.spec.extensions).toEqual([
      { type: 'supported_groups', groups: [0x001d, 0x0017, 0x0018] },
      { type: 'ec_point_formats', formats: [0] },
      { type: 'signature_algorithms', schemes: [0x0401, 0x0501, 0x0201, 0x0403, 0x0503, 0x0203, 0x0202, 0x0601, 0x0603] },
      { type: 'session_ticket', ticket: new Uint8Array(0) },
      { type: 'extended_master_secret' },
      { type: 'renegotiation_info', renegotiatedConnection: new Uint8Array(0) },
    ]);
    expect(offeredVersions(d.spec)).toEqual([0x0300, 0x0301, 0x0302, 0x0303]);
    expect(toHex(encodeClientHello(d.spec).bytes)).toBe(toHex(WIN10_CLIENT_HELLO));
    expect(toHex(flowOf('windows-10-tls-flight')[2]!)).toBe(toHex(WIN10_CLIENT_HELLO));
  });

  it('every strict prefix of either hello fails with DecodeError', () => {
    everyStrictPrefixFails(WIN7_CLIENT_HELLO, decodeClientHello);
    everyStrictPrefixFails(WIN10_CLIENT_HELLO, decodeClientHello);
  });
});

describe('Windows Server 2008 R2 first flight (TLS 1.0)', () => {
  const flight = flowOf('windows-2008r2-tls-flight')[3]!;
  const f = readFirstFlight(flight);

  it('ServerHello: TLS 1.0, TLS_RSA_WITH_AES_128_CBC_SHA, null compression, no extensions block', () => {
    // 02 000046 | 0301 | random 4d570ec5dce9... | 20 <32-byte session id> | 002f | 00 | (nothing)
    expect(f.recordVersion).toBe(0x0301);
    expect(f.version).toBe(0x0301);
    expect(f.cipherSuite).toBe(0x002f);
    expect(cipherSuiteName(f.cipherSuite!)).toBe('TLS_RSA_WITH_AES_128_CBC_SHA');
    expect(f.serverHello!.compressionMethod).toBe(0);
    expect(toHex(f.serverHello!.random)).toBe('4d570ec5dce926336048a81f74582427b8dbdd75b023967bc5b9e8f0d64a473f');
    expect(toHex(f.serverHello!.sessionId)).toBe('bc330000feec8017719c03aaf0ab2544484d8ccfa3a8a343239161d750f089ca');
    expect(f.serverHello!.extensions).toBeNull();
    expect(f.extensions!.renegotiationInfo).toBeNull(); // no RFC 5746 support announced
  });

  it('Certificate: one self-signed certificate, CN=WIN2K8R2.awakecoding.ath.cx; then ServerHelloDone', () => {
    expect(f.certificates).toHaveLength(1);
    expect(subject(f.certificates[0]!)).toBe('CN=WIN2K8R2.awakecoding.ath.cx');
    expect(new X509Certificate(f.certificates[0]!).issuer).toBe('CN=WIN2K8R2.awakecoding.ath.cx');
    expect(f.messages).toEqual([2, 11, 14]);
    expect(f.serverHelloDone).toBe(true);
    expect(f.complete).toBe(true);
    expect(f.serverKeyExchange).toBeNull();
    expect(f.ocspResponse).toBeNull(); // status_request was offered; Schannel did not staple
    expect(f.consumed).toBe(flight.length);
  });

  it('is a valid answer to the recorded Windows 7 hello', () => {
    expect(validateServerHello(WIN7_SPEC, f.serverHello!)).toEqual([]);
  });
});

describe('Windows 10 first flight (zeek trace, TLS 1.2)', () => {
  const flight = flowOf('windows-10-tls-flight')[3]!;
  const f = readFirstFlight(flight);

  it('ServerHello: TLS 1.2, TLS_RSA_WITH_AES_256_GCM_SHA384 (server order, not the client first ECDHE suite)', () => {
    // 02 000051 | 0303 | random | 20 704a0000... | 009d | 00 | 0009: 0017 0000, ff01 0001 00
    expect(f.version).toBe(0x0303);
    expect(f.cipherSuite).toBe(0x009d);
    expect(f.serverHello!.extensions!.map((e) => [e.type, toHex(e.data)])).toEqual([[0x0017, ''], [0xff01, '00']]);
    expect(f.extensions!.extendedMasterSecret).toBe(true);
    expect(f.extensions!.renegotiationInfo).toEqual(new Uint8Array(0));
    expect(toHex(f.serverHello!.sessionId)).toBe('704a000082792136996dfcd6a7c1a69c0173e9f577bf6b7323f575c4bb2d0ae7');
  });

  it('Certificate: one, CN=CLK-456040-D.one.phoenix.gov; ServerHelloDone', () => {
    expect(f.certificates.map(subject)).toEqual(['CN=CLK-456040-D.one.phoenix.gov']);
    expect(f.messages).toEqual([2, 11, 14]);
    expect(f.serverHelloDone && f.complete).toBe(true);
  });

  it('is a valid answer to the recorded hello', () => {
    expect(validateServerHello(decodeClientHello(WIN10_CLIENT_HELLO).spec, f.serverHello!)).toEqual([]);
  });
});

describe('Windows 10 first flight (nDPI trace, TLS 1.2, ECDHE)', () => {
  const flight = flowOf('windows-10-ndpi-tls-flight')[0]!;
  const f = readFirstFlight(flight);

  it('ServerHello: TLS 1.2, TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384, extended_master_secret + renegotiation_info', () => {
    expect(f.version).toBe(0x0303);
    expect(f.cipherSuite).toBe(0xc030);
    expect(f.serverHello!.extensions!.map((e) => e.type)).toEqual([0x0017, 0xff01]);
  });

  it('Certificate CN=OFFICE-WIN10-VM; ServerKeyExchange on secp256r1 signed rsa_pkcs1_sha256; ServerHelloDone', () => {
    expect(f.certificates.map(subject)).toEqual(['CN=OFFICE-WIN10-VM']);
    expect(f.messages).toEqual([2, 11, 12, 14]);
    // 0c 000149 | 03 (named_curve) 0017 (secp256r1) | 41 04e22f53... (65-byte point) | 0401 | 0100 <256-byte signature>
    const ske = f.serverKeyExchange!;
    expect(ske.kind).toBe('ecdhe');
    if (ske.kind !== 'ecdhe') return;
    expect(ske.group).toBe(0x0017);
    expect(ske.groupName).toBe('secp256r1');
    expect(ske.point.length).toBe(65);
    expect(toHex(ske.point.subarray(0, 4))).toBe('04e22f53');
    expect(ske.signature!.algorithm).toBe(0x0401);
    expect(ske.signature!.signature.length).toBe(256);
    expect(f.group).toBe(0x0017);
    expect(f.dhBits).toBeNull();
    expect(f.complete).toBe(true);
  });
});

describe('first-flight framing properties on the Windows flights', () => {
  const flights = [flowOf('windows-2008r2-tls-flight')[3]!, flowOf('windows-10-tls-flight')[3]!, flowOf('windows-10-ndpi-tls-flight')[0]!];

  it('every strict prefix is incomplete (never an error, never complete)', () => {
    for (const fl of flights) {
      for (let n = 0; n < fl.length; n++) expect(readFirstFlight(fl.subarray(0, n)).complete).toBe(false);
    }
  });

  it('the same handshake stream re-cut into records of any size decodes the same (messages across records)', () => {
    for (const fl of flights) {
      const { records } = decodeRecords(fl);
      const stream = Buffer.concat(records.map((r) => r.fragment));
      const want = readFirstFlight(fl);
      for (const size of [1, 2, 3, 4, 5, 7, 64, 1000]) {
        const recut = encodeRecords(CONTENT_TYPE_HANDSHAKE, records[0]!.version, stream, size);
        const got = readFirstFlight(recut);
        expect(got.complete).toBe(true);
        expect(got.messages).toEqual(want.messages);
        expect(got.certificates.map(toHex)).toEqual(want.certificates.map(toHex));
        expect(got.cipherSuite).toBe(want.cipherSuite);
      }
    }
  });
});
