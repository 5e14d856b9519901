import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  decodeConnectResponse,
  decodeServerCertificate,
  encodeConnectInitial,
  encodeServerCertificate,
  encryptionLevelName,
  encryptionMethodName,
  serverEarlyCapabilityNames,
  serverVersionName,
  versionHex,
  ENCRYPTION_METHOD_128BIT,
  ENCRYPTION_METHOD_40BIT,
  ENCRYPTION_METHOD_56BIT,
  ENCRYPTION_METHOD_FIPS,
  ENCRYPTION_METHOD_NAMES,
  MAX_CERT_BLOBS,
  type ServerCertificate,
} from '../../protocol/rdp-security.js';
import { decodeMcsConnectInitial, encodeMcsConnectResponse } from '../../protocol/mcs.js';
import { decodeClientUserData, decodeConferenceCreateRequest, encodeConferenceCreateResponse, encodeServerUserData } from '../../protocol/gcc.js';
import { DecodeError } from '../../protocol/errors.js';
import { decodeError, everyStrictPrefixFails } from '../helpers/codec-asserts.js';
import { flagNames, fromHex, toHex } from '../../protocol/writer.js';

/** TPKT (RFC 1006: 03 00 len16) + X.224 Data TPDU (02 f0 80) stripped by hand: this file tests MCS and up only. */
function mcsPayload(tpkt: Uint8Array): Uint8Array {
  expect(toHex(tpkt.subarray(0, 2))).toBe('0300');
  expect((tpkt[2]! << 8) | tpkt[3]!).toBe(tpkt.length);
  expect(toHex(tpkt.subarray(4, 7))).toBe('02f080');
  return tpkt.subarray(7);
}

describe('names', () => {
  it('encryption methods and levels use the record names', () => {
    expect(flagNames(ENCRYPTION_METHOD_NAMES, 0x1b)).toEqual(['40bit', '128bit', '56bit', 'fips']);
    expect([0, 1, 2, 8, 0x10, 4].map(encryptionMethodName)).toEqual(['none', '40bit', '128bit', '56bit', 'fips', 'unknown(0x00000004)']);
    expect([0, 1, 2, 3, 4, 5].map(encryptionLevelName)).toEqual(['none', 'low', 'client_compatible', 'high', 'fips', 'unknown(0x00000005)']);
  });

  it('server versions', () => {
    expect(serverVersionName(0x00080001)).toBe('RDP 4.0');
    expect(serverVersionName(0x00080004)).toBe('RDP 5.0-8.1');
    expect(serverVersionName(0x00080005)).toBe('RDP 10.0');
    expect(serverVersionName(0x00080006)).toBe('RDP 10.1');
    expect(serverVersionName(0x0008000c)).toBe('RDP 10.7');
    expect(serverVersionName(0x0008000d)).toBe('RDP 10.8');
    expect(serverVersionName(0x00080011)).toBe('RDP 10.12');
    expect(serverVersionName(0x00080012)).toBe('unknown(0x00080012)');
    expect(serverVersionName(0x00080002)).toBe('unknown(0x00080002)');
    expect(versionHex(0x0008000c)).toBe('0x0008000c');
  });

  it('server early capability flags', () => {
    expect(serverEarlyCapabilityNames(0x0f)).toEqual([
      'RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V1',
      'RNS_UD_SC_DYNAMIC_DST_SUPPORTED',
      'RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V2',
      'RNS_UD_SC_SKIP_CHANNELJOIN_SUPPORTED',
    ]);
    expect(serverEarlyCapabilityNames(0x21)).toEqual(['RNS_UD_SC_EDGE_ACTIONS_SUPPORTED_V1', 'unknown(0x00000020)']);
  });
});

// [MS-RDPBCGR] 2.2.1.4.3.1.1 with a toy 64-bit key.
const PROPRIETARY = fromHex(`
  01 00 00 00         # dwVersion CERT_CHAIN_VERSION_1, t = 0 (permanent)
  01 00 00 00         # dwSigAlgId SIGNATURE_ALG_RSA
  01 00 00 00         # dwKeyAlgId KEY_EXCHANGE_ALG_RSA
  06 00               # wPublicKeyBlobType BB_RSA_KEY_BLOB
  24 00               # wPublicKeyBlobLen 36
  52 53 41 31         #   magic "RSA1"
  10 00 00 00         #   keylen 16 (bitlen / 8 + 8 bytes of padding)
  40 00 00 00         #   bitlen 64
  07 00 00 00         #   datalen 7
  03 00 00 00         #   pubExp 3
  08 07 06 05 04 03 02 01  00 00 00 00 00 00 00 00   # modulus, little-endian, then padding
  08 00               # wSignatureBlobType BB_RSA_SIGNATURE_BLOB
  04 00               # wSignatureBlobLen 4
  aa bb cc dd         # SignatureBlob
`);

const PROPRIETARY_DECODED: ServerCertificate = {
  type: 'proprietary',
  temporary: false,
  keyBits: 64,
  exponent: 3,
  modulus: fromHex('0102030405060708'),
  chain: [],
  sigAlgId: 1,
  keyAlgId: 1,
  signature: fromHex('aabbccdd'),
};

// [MS-RDPBCGR] 2.2.1.4.3.1.2.1 with two stand-in DER blobs.
const X509_CHAIN = fromHex(`
  02 00 00 80         # dwVersion CERT_CHAIN_VERSION_2, t = 1 (temporary)
  02 00 00 00         # NumCertBlobs 2
  03 00 00 00         # cbCert 3
  30 01 00            #   abCert (root first)
  02 00 00 00         # cbCert 2
  30 00               #   abCert (the server's own, last)
  00 00 00 00 00 00 00 00  00 00 00 00 00 00 00 00   # Padding: 8 + 4 * NumCertBlobs
`);

describe('server certificate ([MS-RDPBCGR] 2.2.1.4.3.1)', () => {
  it('proprietary: decodes, encodes, every strict prefix fails', () => {
    expect(decodeServerCertificate(PROPRIETARY)).toEqual(PROPRIETARY_DECODED);
    expect(toHex(encodeServerCertificate(PROPRIETARY_DECODED))).toBe(toHex(PROPRIETARY));
    everyStrictPrefixFails(PROPRIETARY, decodeServerCertificate);
  });

  it('proprietary: wrong magic, keylen and blob types fail', () => {
    const magic = Uint8Array.from(PROPRIETARY);
    magic[16] = 0x51;
    const e = decodeError(() => decodeServerCertificate(magic));
    expect(e.layer).toBe('rdp_security');
    expect(e.offset).toBe(16);
    expect(e.reason).toBe('RSA_PUBLIC_KEY magic 0x31415351 is not RSA1');
    const keylen = Uint8Array.from(PROPRIETARY);
    keylen[20] = 0x11;
    expect(decodeError(() => decodeServerCertificate(keylen)).reason).toBe('keylen 17 does not match the 16 modulus bytes of the key blob');
    const bitlen = Uint8Array.from(PROPRIETARY);
    bitlen[24] = 0x90; // 144 bits do not fit 16 bytes
    expect(decodeError(() => decodeServerCertificate(bitlen)).reason).toBe('bitlen 144 does not fit keylen 16');
    const blobType = Uint8Array.from(PROPRIETARY);
    blobType[12] = 0x07;
    expect(decodeError(() => decodeServerCertificate(blobType)).reason).toBe('wPublicKeyBlobType 0x7 is not BB_RSA_KEY_BLOB');
  });

  it('X.509 chain: DER blobs handed back unparsed, temporary bit read', () => {
    const c = decodeServerCertificate(X509_CHAIN);
    expect(c).toEqual({
      type: 'x509',
      temporary: true,
      keyBits: null,
      exponent: null,
      modulus: null,
      chain: [fromHex('300100'), fromHex('3000')],
      sigAlgId: null,
      keyAlgId: null,
      signature: null,
    });
    expect(toHex(encodeServerCertificate(c))).toBe(toHex(X509_CHAIN));
    // The padding is not checked, so only prefixes that cut into the blobs must fail.
    const blobsEnd = X509_CHAIN.length - 16;
    for (let i = 0; i < blobsEnd; i++) decodeError(() => decodeServerCertificate(X509_CHAIN.subarray(0, i)));
  });

  it('X.509 chain: the blob count and sizes are capped', () => {
    const many = fromHex(`02 00 00 00  ${(MAX_CERT_BLOBS + 1).toString(16).padStart(2, '0')} 00 00 00`);
    expect(decodeError(() => decodeServerCertificate(many)).reason).toBe('NumCertBlobs 17 is outside 1..16');
    expect(decodeError(() => decodeServerCertificate(fromHex('02 00 00 00  00 00 00 00'))).reason).toBe('NumCertBlobs 0 is outside 1..16');
    const huge = decodeError(() => decodeServerCertificate(fromHex('02 00 00 00  01 00 00 00  ff ff ff 7f  30')));
    expect(huge.reason).toBe('certificate chain exceeds 65536 bytes');
    expect(decodeError(() => decodeServerCertificate(fromHex('03 00 00 00'))).reason).toBe('unknown certificate dwVersion 0x00000003');
  });
});

describe('encodeConnectInitial ([MS-RDPBCGR] 2.2.1.3)', () => {
  it('offers the given methods with serverSelectedProtocol 0, and decodes back', () => {
    const mcs = encodeConnectInitial({ serverSelectedProtocol: 0, encryptionMethods: ENCRYPTION_METHOD_128BIT });
    const ci = decodeMcsConnectInitial(mcs);
    expect(ci.upwardFlag).toBe(true);
    const gcc = decodeConferenceCreateRequest(ci.userData);
    expect(gcc.conferenceName).toBe('1');
    const blocks = decodeClientUserData(gcc.userData);
    expect(blocks.core).toMatchObject({ version: 0x00080004, desktopWidth: 1024, desktopHeight: 768, clientName: 'RDPROBE', serverSelectedProtocol: 0 });
    expect(blocks.security).toEqual({ encryptionMethods: 0x2, extEncryptionMethods: 0 });
    expect(blocks.network).toEqual({ channels: [] });
    expect(blocks.cluster).toEqual({ flags: 0x0d, redirectedSessionId: 0 });
    expect(blocks.otherBlocks).toEqual([]);
  });

  it('channels, client name and a TLS-selected protocol are carried', () => {
    const mcs = encodeConnectInitial({
      serverSelectedProtocol: 1,
      encryptionMethods: ENCRYPTION_METHOD_40BIT | ENCRYPTION_METHOD_56BIT | ENCRYPTION_METHOD_FIPS,
      clientName: 'X',
      channels: [{ name: 'cliprdr', options: 0xc0a00000 }],
    });
    const blocks = decodeClientUserData(decodeConferenceCreateRequest(decodeMcsConnectInitial(mcs).userData).userData);
    expect(blocks.core?.serverSelectedProtocol).toBe(1);
    expect(blocks.core?.clientName).toBe('X');
    expect(blocks.security?.encryptionMethods).toBe(0x19);
    expect(blocks.network).toEqual({ channels: [{ name: 'cliprdr', options: 0xc0a00000 }] });
  });
});

describe('decodeConnectResponse ([MS-RDPBCGR] 2.2.1.4)', () => {
  const params = { maxChannelIds: 34, maxUserIds: 3, maxTokenIds: 0, numPriorities: 1, minThroughput: 0, maxHeight: 1, maxMCSPDUsize: 65528, protocolVersion: 2 };
  const build = (userData: Uint8Array, result = 0) => encodeMcsConnectResponse({ result, calledConnectId: 0, domainParameters: params, userData });
  const tlsResponse = build(
    encodeConferenceCreateResponse({
      nodeId: 31219,
      tag: 1,
      result: 0,
      userData: encodeServerUserData({
        core: { version: 0x0008000c, clientRequestedProtocols: 0x0b, earlyCapabilityFlags: 0x0f },
        network: { mcsChannelId: 1003, channelIds: [] },
        security: { encryptionMethod: 0, encryptionLevel: 0, serverRandom: null, serverCertificate: null },
        otherBlocks: [{ type: 0x0c99, bytes: fromHex('01') }],
      }),
    }),
  );

  it('a TLS-era server: method and level none, names filled in, unknown blocks kept', () => {
    const r = decodeConnectResponse(tlsResponse);
    expect(r.resultName).toBe('rt-successful');
    expect(r.gcc).toEqual({ nodeId: 31219, tag: 1, result: 0, resultName: 'success' });
    expect(r.serverCore).toEqual({
      version: 0x0008000c,
      versionName: 'RDP 10.7',
      versionRaw: '0x0008000c',
      clientRequestedProtocols: 0x0b,
      earlyCapabilityFlags: 0x0f,
      earlyCapabilityFlagNames: serverEarlyCapabilityNames(0x0f),
    });
    expect(r.serverSecurity).toEqual({
      encryptionMethod: 0,
      encryptionMethodName: 'none',
      encryptionLevel: 0,
      encryptionLevelName: 'none',
      serverRandom: null,
      certificate: null,
    });
    expect(r.serverNetwork).toEqual({ mcsChannelId: 1003, channelIds: [] });
    expect(r.otherBlocks).toEqual([{ type: 0x0c99, bytes: fromHex('01') }]);
    everyStrictPrefixFails(tlsResponse, decodeConnectResponse);
  });

  it('a refusal with empty userData is returned, not thrown', () => {
    const r = decodeConnectResponse(build(new Uint8Array(0), 8));
    expect(r.resultName).toBe('rt-parameters-unacceptable');
    expect(r.gcc).toBeNull();
    expect(r.serverSecurity).toBeUndefined();
  });

  it('a broken certificate is reported at its absolute offset in the MCS PDU', () => {
    const cert = Uint8Array.from(PROPRIETARY);
    cert[16] = 0x51; // bad RSA1 magic
    const mcs = build(
      encodeConferenceCreateResponse({
        nodeId: 31219,
        tag: 1,
        result: 0,
        userData: encodeServerUserData({
          security: { encryptionMethod: 2, encryptionLevel: 3, serverRandom: new Uint8Array(32), serverCertificate: cert },
        }),
      }),
    );
    const e = decodeError(() => decodeConnectResponse(mcs));
    expect(e.layer).toBe('rdp_security');
    expect(e.offset).toBe(mcs.length - cert.length + 16);
    expect(mcs[e.offset]).toBe(0x51);
  });

  it('property: random bytes and single-byte corruptions only ever raise DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (junk) => {
        try {
          decodeConnectResponse(junk);
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 300 },
    );
    fc.assert(
      fc.property(fc.nat({ max: tlsResponse.length - 1 }), fc.integer({ min: 0, max: 255 }), (at, value) => {
        const bent = Uint8Array.from(tlsResponse);
        bent[at] = value;
        try {
          decodeConnectResponse(bent);
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('real Windows bytes: captures/windows-proprietary-encryption.json', () => {
  interface Transcript {
    connections: { label: string; flow: ({ client: string } | { server: string })[] }[];
  }
  const transcript = JSON.parse(
    readFileSync(fileURLToPath(new URL('../../captures/windows-proprietary-encryption.json', import.meta.url)), 'utf8'),
  ) as Transcript;
  const flow = transcript.connections[1]!.flow;
  const clientChunks = flow.filter((s): s is { client: string } => 'client' in s).map((s) => fromHex(s.client));
  const serverChunks = flow.filter((s): s is { server: string } => 'server' in s).map((s) => fromHex(s.server));
  // The second chunk each way: the first is the X.224 Connection Request / Confirm.
  const connectInitial = mcsPayload(clientChunks[1]!);
  const connectResponse = mcsPayload(serverChunks[1]!);

  it('the Connect Response: 128-bit RC4, level High, a 512-bit proprietary certificate', () => {
    const r = decodeConnectResponse(connectResponse);
    expect(r.resultName).toBe('rt-successful');
    expect(r.domainParameters.maxMCSPDUsize).toBe(65528);
    expect(r.gcc).toEqual({ nodeId: 31219, tag: 1, result: 0, resultName: 'success' });
    expect(r.serverCore).toMatchObject({ version: 0x00080004, versionName: 'RDP 5.0-8.1', versionRaw: '0x00080004', clientRequestedProtocols: 0, earlyCapabilityFlags: null });
    const sec = r.serverSecurity!;
    expect(sec.encryptionMethodName).toBe('128bit');
    expect(sec.encryptionLevelName).toBe('high');
    expect(toHex(sec.serverRandom!)).toBe('e323f12bc9f1f51e9a057145b003a36e7ef07062824ecfa2770ae91f9d0337d1');
    const cert = sec.certificate!;
    expect(cert.type).toBe('proprietary');
    expect(cert.temporary).toBe(false);
    expect(cert.keyBits).toBe(512);
    expect(cert.exponent).toBe(65537);
    expect(cert.modulus!.length).toBe(64);
    expect(toHex(cert.modulus!).slice(0, 16)).toBe('b174f97733f6c8ad'); // big-endian: the wire's last modulus bytes first
    expect(cert.signature!.length).toBe(72);
    expect(cert.chain).toEqual([]);
    expect(r.serverNetwork).toEqual({ mcsChannelId: 1003, channelIds: [1004, 1005, 1006, 1007] });
    expect(r.otherBlocks).toEqual([]);
  });

  it('every strict prefix of the recorded Connect Response fails', () => {
    everyStrictPrefixFails(connectResponse, decodeConnectResponse);
  });

  it('the recorded Connect Initial (mstsc) re-parses: CS_CORE, CS_CLUSTER, CS_SECURITY, CS_NET', () => {
    const ci = decodeMcsConnectInitial(connectInitial);
    expect(ci.maximumParameters.maxUserIds).toBe(64535); // sent as 02 02 fc 17
    expect(ci.targetParameters.maxMCSPDUsize).toBe(65535); // sent as 02 02 ff ff
    const gcc = decodeConferenceCreateRequest(ci.userData);
    expect(gcc.conferenceName).toBe('1');
    const blocks = decodeClientUserData(gcc.userData);
    expect(blocks.core).toMatchObject({
      version: 0x00080004,
      desktopWidth: 1152,
      desktopHeight: 864,
      clientBuild: 6000,
      clientName: 'FROG-POND',
      highColorDepth: 0x18,
      earlyCapabilityFlags: 0x0b,
      serverSelectedProtocol: 0,
    });
    expect(blocks.security).toEqual({ encryptionMethods: 0x1b, extEncryptionMethods: 0 });
    expect(flagNames(ENCRYPTION_METHOD_NAMES, blocks.security!.encryptionMethods)).toEqual(['40bit', '128bit', '56bit', 'fips']);
    expect(blocks.network?.channels.map((c) => c.name)).toEqual(['rdpdr', 'rdpsnd', 'drdynvc', 'cliprdr']);
    expect(blocks.cluster).toEqual({ flags: 0x0d, redirectedSessionId: 0 });
  });

  it('the first connection (SSL requested) stopped at X.224: no MCS in it', () => {
    expect(transcript.connections[0]!.flow).toHaveLength(2);
  });
});
