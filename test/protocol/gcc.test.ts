import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  decodeClientUserData,
  decodeConferenceCreateRequest,
  decodeConferenceCreateResponse,
  decodeServerUserData,
  encodeClientCoreData,
  encodeClientUserData,
  encodeConferenceCreateRequest,
  encodeConferenceCreateResponse,
  encodeServerUserData,
  readClientCoreData,
  CS_CORE,
  SC_CORE,
  type ClientCoreData,
  type ServerUserData,
} from '../../protocol/gcc.js';
import { decodeError, everyStrictPrefixFails } from '../helpers/codec-asserts.js';
import { Reader } from '../../protocol/reader.js';
import { fromHex, toHex } from '../../protocol/writer.js';

// [MS-RDPBCGR] 2.2.1.3.1 / 4.1.3, with a 2-byte stand-in for the client data blocks.
const CREATE_REQUEST = fromHex(`
  00                  # ConnectData.t124Identifier: CHOICE object
  05 00 14 7c 00 01   # OBJECT IDENTIFIER 0.0.20.124.0.1
  0f                  # connectPDU length 15
  00                  # ConnectGCCPDU: conferenceCreateRequest
  08                  # ConferenceCreateRequest: userData present
  00 10               # conferenceName: numeric "1"
  00                  # lockedConference / listedConference / conductibleConference FALSE, terminationMethod automatic
  01                  # one UserData set
  c0                  # value present, key h221NonStandard
  00 44 75 63 61      # key "Duca" (size 4 + 0)
  02 ab cd            # userData (client data blocks)
`);

// [MS-RDPBCGR] 2.2.1.4.1 / 4.1.4, bytes as in captures/windows-proprietary-encryption, short userData.
const CREATE_RESPONSE = fromHex(`
  00                  # ConnectData.t124Identifier: CHOICE object
  05 00 14 7c 00 01   # OBJECT IDENTIFIER 0.0.20.124.0.1
  10                  # connectPDU length 16 (Windows sends 0x2a whatever the size: not trusted)
  14                  # ConnectGCCPDU: conferenceCreateResponse, userData present
  76 0a               # nodeID 1001 + 0x760a = 31219
  01 01               # tag: length 1, value 1
  00                  # result success
  01                  # one UserData set
  c0                  # value present, key h221NonStandard
  00 4d 63 44 6e      # key "McDn"
  02 ab cd            # userData (server data blocks)
`);

const SERVER_BLOCKS = fromHex(`
  01 0c 10 00         # SC_CORE, length 16
  0c 00 08 00         #   version 0x0008000c (RDP 10.7)
  0b 00 00 00         #   clientRequestedProtocols SSL | HYBRID | HYBRID_EX
  01 00 00 00         #   earlyCapabilityFlags EDGE_ACTIONS_SUPPORTED_V1
  03 0c 0c 00         # SC_NET, length 12
  eb 03               #   MCSChannelId 1003
  01 00               #   channelCount 1
  ec 03               #   channel 1004
  00 00               #   Pad (odd channel count)
  02 0c 0c 00         # SC_SECURITY, length 12
  00 00 00 00         #   encryptionMethod NONE
  00 00 00 00         #   encryptionLevel NONE (no random, no certificate)
  04 0c 06 00         # SC_MCS_MSGCHANNEL, length 6
  f0 03               #   MCSChannelID 1008
  08 0c 08 00         # SC_MULTITRANSPORT, length 8
  01 05 00 00         #   flags TRANSPORTTYPE_UDPFECR | SOFTSYNC_TCP_TO_UDP
  77 0c 06 00         # unknown block 0x0c77, length 6: kept
  12 34               #   body
`);

const SERVER_DATA: ServerUserData = {
  core: { version: 0x0008000c, clientRequestedProtocols: 0x0b, earlyCapabilityFlags: 1 },
  network: { mcsChannelId: 1003, channelIds: [1004] },
  security: { encryptionMethod: 0, encryptionLevel: 0, serverRandom: null, serverCertificate: null },
  messageChannel: { mcsChannelId: 1008 },
  multitransport: { flags: 0x0501 },
  otherBlocks: [{ type: 0x0c77, bytes: fromHex('1234') }],
};

const CLIENT_BLOCKS = fromHex(`
  02 c0 0c 00         # CS_SECURITY, length 12
  02 00 00 00         #   encryptionMethods 128BIT
  00 00 00 00         #   extEncryptionMethods
  03 c0 14 00         # CS_NET, length 20
  01 00 00 00         #   channelCount 1
  72 64 70 64 72 00 00 00   # name "rdpdr"
  00 00 80 80         #   options
  04 c0 0c 00         # CS_CLUSTER, length 12
  0d 00 00 00         #   Flags REDIRECTION_SUPPORTED | version 4
  00 00 00 00         #   RedirectedSessionID
  06 c0 08 00         # CS_MCS_MSGCHANNEL (not decoded), length 8: kept
  00 00 00 00         #   flags
`);

describe('GCC Conference Create Request (T.124, [MS-RDPBCGR] 2.2.1.3.1)', () => {
  it('encodes, decodes, and every strict prefix fails', () => {
    expect(toHex(encodeConferenceCreateRequest(fromHex('abcd')))).toBe(toHex(CREATE_REQUEST));
    expect(decodeConferenceCreateRequest(CREATE_REQUEST)).toEqual({ conferenceName: '1', userData: fromHex('abcd') });
    everyStrictPrefixFails(CREATE_REQUEST, decodeConferenceCreateRequest);
  });

  it('refuses a wrong H.221 key', () => {
    const bad = Uint8Array.from(CREATE_REQUEST);
    bad[bad.length - 6] = 0x4e; // "DNca"
    const e = decodeError(() => decodeConferenceCreateRequest(bad));
    expect(e.layer).toBe('per');
    expect(e.reason).toBe('h221NonStandard key: expected Duca, got 444e6361');
  });
});

describe('GCC Conference Create Response (T.124, [MS-RDPBCGR] 2.2.1.4.1)', () => {
  it('encodes, decodes, and every strict prefix fails', () => {
    expect(toHex(encodeConferenceCreateResponse({ nodeId: 31219, tag: 1, result: 0, userData: fromHex('abcd') }))).toBe(toHex(CREATE_RESPONSE));
    expect(decodeConferenceCreateResponse(CREATE_RESPONSE)).toEqual({ nodeId: 31219, tag: 1, result: 0, resultName: 'success', userData: fromHex('abcd') });
    everyStrictPrefixFails(CREATE_RESPONSE, decodeConferenceCreateResponse);
  });

  it('ignores the connectPDU length (Windows sends 0x2a)', () => {
    const windows = Uint8Array.from(CREATE_RESPONSE);
    windows[7] = 0x2a;
    expect(decodeConferenceCreateResponse(windows).userData).toEqual(fromHex('abcd'));
  });

  it('refuses another OID and another ConnectGCCPDU choice', () => {
    const oid = Uint8Array.from(CREATE_RESPONSE);
    oid[3] = 0x15;
    expect(decodeError(() => decodeConferenceCreateResponse(oid)).reason).toBe('t124Identifier: unexpected object identifier 0.0.21.124.0.1');
    const choice = Uint8Array.from(CREATE_RESPONSE);
    choice[8] = 0x00;
    const e = decodeError(() => decodeConferenceCreateResponse(choice));
    expect(e.offset).toBe(8);
    expect(e.reason).toBe('ConnectGCCPDU: expected conferenceCreateResponse with userData (0x14), got 0x0');
  });
});

describe('server data blocks ([MS-RDPBCGR] 2.2.1.4.2-2.2.1.4.6), walked by their headers', () => {
  it('decodes every block and keeps unknown ones', () => {
    expect(decodeServerUserData(SERVER_BLOCKS)).toEqual(SERVER_DATA);
  });

  it('encodes', () => {
    expect(toHex(encodeServerUserData(SERVER_DATA))).toBe(toHex(SERVER_BLOCKS));
  });

  it('block order does not matter', () => {
    const core = SERVER_BLOCKS.subarray(0, 16);
    const rest = SERVER_BLOCKS.subarray(16);
    expect(decodeServerUserData(Uint8Array.from([...rest, ...core]))).toEqual(SERVER_DATA);
  });

  it('SC_CORE fields after version are optional by block length', () => {
    expect(decodeServerUserData(fromHex('01 0c 08 00  04 00 08 00')).core).toEqual({ version: 0x00080004 });
    expect(decodeServerUserData(fromHex('01 0c 0c 00  04 00 08 00  00 00 00 00')).core).toEqual({
      version: 0x00080004,
      clientRequestedProtocols: 0,
    });
    // Half a field is not a shorter block: it is a broken one.
    const e = decodeError(() => decodeServerUserData(fromHex('01 0c 0a 00  04 00 08 00  00 00')));
    expect(e.reason).toBe('truncated clientRequestedProtocols: need 4 bytes, 2 left');
    expect(e.offset).toBe(8);
  });

  it('SC_SECURITY with a random and a certificate; lengths beyond the block fail', () => {
    const sec = fromHex(`
      02 0c 1a 00   # SC_SECURITY length 26
      02 00 00 00   # 128BIT
      03 00 00 00   # HIGH
      04 00 00 00   # serverRandomLen 4
      02 00 00 00   # serverCertLen 2
      01 02 03 04   # serverRandom
      aa bb         # serverCertificate
    `);
    expect(decodeServerUserData(sec).security).toEqual({
      encryptionMethod: 2,
      encryptionLevel: 3,
      serverRandom: fromHex('01020304'),
      serverCertificate: fromHex('aabb'),
    });
    const bad = Uint8Array.from(sec);
    bad[16] = 3; // serverCertLen 3, the block holds 2
    expect(decodeError(() => decodeServerUserData(bad)).reason).toBe('truncated serverCertificate: need 3 bytes, 2 left');
  });

  it('SC_NET without the padding of an odd channel count is accepted', () => {
    expect(decodeServerUserData(fromHex('03 0c 0a 00  eb 03  01 00  ec 03')).network).toEqual({ mcsChannelId: 1003, channelIds: [1004] });
  });

  it('a block length below 4 or beyond the buffer is a DecodeError', () => {
    const short = decodeError(() => decodeServerUserData(fromHex('01 0c 03 00  04 00 08 00')));
    expect(short.layer).toBe('gcc');
    expect(short.offset).toBe(2);
    expect(short.reason).toBe('SC_CORE block length 3 is below the 4-byte header');
    const zero = decodeError(() => decodeServerUserData(fromHex('99 0c 00 00')));
    expect(zero.reason).toBe('unknown(0x0c99) block length 0 is below the 4-byte header');
    const long = decodeError(() => decodeServerUserData(fromHex('01 0c 10 00  04 00 08 00')));
    expect(long.reason).toBe('SC_CORE block length 16 runs past the user data (8 bytes left)');
    expect(decodeError(() => decodeServerUserData(fromHex('01 0c 08'))).reason).toBe('truncated TS_UD_HEADER length: need 2 bytes, 1 left');
  });

  it('a duplicate known block is a DecodeError', () => {
    const core = fromHex('01 0c 08 00  04 00 08 00');
    expect(decodeError(() => decodeServerUserData(Uint8Array.from([...core, ...core]))).reason).toBe('duplicate SC_CORE block');
  });
});

describe('client data blocks ([MS-RDPBCGR] 2.2.1.3.2-2.2.1.3.5)', () => {
  const core: ClientCoreData = {
    version: 0x00080004,
    desktopWidth: 1024,
    desktopHeight: 768,
    colorDepth: 0xca01,
    sasSequence: 0xaa03,
    keyboardLayout: 0x409,
    clientBuild: 2600,
    clientName: 'RDPROBE',
    keyboardType: 4,
    keyboardSubType: 0,
    keyboardFunctionKey: 12,
    imeFileName: '',
    postBeta2ColorDepth: 0xca01,
    clientProductId: 1,
    serialNumber: 0,
    highColorDepth: 0x18,
    supportedColorDepths: 0x0f,
    earlyCapabilityFlags: 1,
    clientDigProductId: '',
    connectionType: 0,
    pad1octet: 0,
    serverSelectedProtocol: 0,
  };

  it('CS_CORE: fixed part, then the optional tail up to serverSelectedProtocol', () => {
    const body = encodeClientCoreData(core);
    expect(body.length).toBe(212); // 2.2.1.3.2: 216-byte block up to serverSelectedProtocol
    expect(toHex(body.subarray(0, 16))).toBe(toHex(fromHex('04 00 08 00  00 04  00 03  01 ca  03 aa  09 04 00 00')));
    expect(toHex(body.subarray(20, 36))).toBe(toHex(Buffer.from('RDPROBE\0', 'utf16le')));
    expect(toHex(body.subarray(208))).toBe('00000000'); // serverSelectedProtocol PROTOCOL_RDP
    expect(readClientCoreData(new Reader(body, 'gcc'))).toEqual(core);
  });

  it('CS_CORE: a block that ends after the fixed part has no optional fields', () => {
    const { postBeta2ColorDepth, clientProductId, serialNumber, highColorDepth, supportedColorDepths, earlyCapabilityFlags, clientDigProductId, connectionType, pad1octet, serverSelectedProtocol, ...fixed } = core;
    void [postBeta2ColorDepth, clientProductId, serialNumber, highColorDepth, supportedColorDepths, earlyCapabilityFlags, clientDigProductId, connectionType, pad1octet, serverSelectedProtocol];
    const body = encodeClientCoreData(fixed);
    expect(body.length).toBe(128);
    expect(readClientCoreData(new Reader(body, 'gcc'))).toEqual(fixed);
  });

  it('decodes security, network and cluster blocks, keeping unknown ones', () => {
    expect(decodeClientUserData(CLIENT_BLOCKS)).toEqual({
      security: { encryptionMethods: 2, extEncryptionMethods: 0 },
      network: { channels: [{ name: 'rdpdr', options: 0x80800000 }] },
      cluster: { flags: 0x0d, redirectedSessionId: 0 },
      otherBlocks: [{ type: 0xc006, bytes: fromHex('00000000') }],
    });
    expect(toHex(encodeClientUserData(decodeClientUserData(CLIENT_BLOCKS)))).toBe(toHex(CLIENT_BLOCKS));
  });

  it('CS_NET channelCount above 31 is refused', () => {
    expect(decodeError(() => decodeClientUserData(fromHex('03 c0 08 00  20 00 00 00'))).reason).toBe('channelCount 32 exceeds 31');
  });

  it('property: random block lists round-trip (known blocks decoded, others kept)', () => {
    const unknownBlock = fc.record({
      type: fc.integer({ min: 0, max: 0xffff }).filter((t) => t < 0x0c01 || t > 0x0c08),
      bytes: fc.uint8Array({ maxLength: 40 }),
    });
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.option(fc.nat({ max: 0xffffffff }), { nil: undefined }), fc.array(unknownBlock, { maxLength: 4 }), (version, requested, others) => {
        const data: ServerUserData = { core: requested === undefined ? { version } : { version, clientRequestedProtocols: requested }, otherBlocks: others };
        const bytes = encodeServerUserData(data);
        expect(decodeServerUserData(bytes)).toEqual(data);
        const frame = encodeConferenceCreateResponse({ nodeId: 1001, tag: 1, result: 0, userData: bytes });
        everyStrictPrefixFails(frame, (b) => decodeServerUserData(decodeConferenceCreateResponse(b).userData));
      }),
      { numRuns: 100 },
    );
  });

  it('block type constants', () => {
    expect([CS_CORE, SC_CORE]).toEqual([0xc001, 0x0c01]);
  });
});
