import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  decodeMcsConnectInitial,
  decodeMcsConnectResponse,
  encodeMcsConnectInitial,
  encodeMcsConnectResponse,
  DEFAULT_MAXIMUM_PARAMETERS,
  DEFAULT_MINIMUM_PARAMETERS,
  DEFAULT_TARGET_PARAMETERS,
  RT_SUCCESSFUL,
  RT_USER_REJECTED,
  type DomainParameters,
} from '../../protocol/mcs.js';
import { DecodeError } from '../../protocol/errors.js';
import { decodeError, everyStrictPrefixFails } from '../helpers/codec-asserts.js';
import { fromHex, toHex } from '../../protocol/writer.js';

// T.125 annex A Connect-Initial with the parameters mstsc sends ([MS-RDPBCGR] 4.1.3), with a 4-byte stand-in userData.
const CONNECT_INITIAL = fromHex(`
  7f 65                                              # Connect-Initial [APPLICATION 101]
  68                                                 # length 104
  04 01 01                                           # callingDomainSelector 01
  04 01 01                                           # calledDomainSelector 01
  01 01 ff                                           # upwardFlag TRUE
  30 1a                                              # targetParameters
    02 01 22  02 01 02  02 01 00  02 01 01           #   maxChannelIds 34, maxUserIds 2, maxTokenIds 0, numPriorities 1
    02 01 00  02 01 01  02 03 00 ff ff  02 01 02     #   minThroughput 0, maxHeight 1, maxMCSPDUsize 65535, protocolVersion 2
  30 19                                              # minimumParameters
    02 01 01  02 01 01  02 01 01  02 01 01           #   1, 1, 1, 1
    02 01 00  02 01 01  02 02 04 20  02 01 02        #   0, 1, maxMCSPDUsize 1056, 2
  30 20                                              # maximumParameters
    02 03 00 ff ff  02 03 00 fc 17  02 03 00 ff ff   #   65535, 64535, 65535
    02 01 01  02 01 00  02 01 01  02 03 00 ff ff     #   1, 0, 1, 65535
    02 01 02                                         #   protocolVersion 2
  04 04 de ad be ef                                  # userData (the GCC Conference Create Request)
`);

const RESPONSE_PARAMETERS: DomainParameters = {
  maxChannelIds: 34,
  maxUserIds: 3,
  maxTokenIds: 0,
  numPriorities: 1,
  minThroughput: 0,
  maxHeight: 1,
  maxMCSPDUsize: 65528,
  protocolVersion: 2,
};

// Connect-Response as Windows sends it (captures/windows-proprietary-encryption.json), userData shortened.
const CONNECT_RESPONSE = fromHex(`
  7f 66                                              # Connect-Response [APPLICATION 102]
  26                                                 # length 38
  0a 01 00                                           # result rt-successful
  02 01 00                                           # calledConnectId 0
  30 1a                                              # domainParameters
    02 01 22  02 01 03  02 01 00  02 01 01           #   34, 3, 0, 1
    02 01 00  02 01 01  02 03 00 ff f8  02 01 02     #   0, 1, maxMCSPDUsize 65528, 2
  04 02 ca fe                                        # userData (the GCC Conference Create Response)
`);

describe('MCS Connect-Initial (T.125 annex A, [MS-RDPBCGR] 2.2.1.3)', () => {
  it('encodes the default domain parameters around the userData', () => {
    expect(toHex(encodeMcsConnectInitial({ userData: fromHex('deadbeef') }))).toBe(toHex(CONNECT_INITIAL));
  });

  it('decodes', () => {
    expect(decodeMcsConnectInitial(CONNECT_INITIAL)).toEqual({
      callingDomainSelector: fromHex('01'),
      calledDomainSelector: fromHex('01'),
      upwardFlag: true,
      targetParameters: DEFAULT_TARGET_PARAMETERS,
      minimumParameters: DEFAULT_MINIMUM_PARAMETERS,
      maximumParameters: DEFAULT_MAXIMUM_PARAMETERS,
      userData: fromHex('deadbeef'),
    });
  });

  it('every strict prefix fails, and so do trailing bytes', () => {
    everyStrictPrefixFails(CONNECT_INITIAL, decodeMcsConnectInitial);
    const e = decodeError(() => decodeMcsConnectInitial(Uint8Array.from([...CONNECT_INITIAL, 0])));
    expect(e.reason).toBe('1 unexpected trailing byte(s) after Connect-Initial');
  });

  it('a Connect-Response is not a Connect-Initial', () => {
    const e = decodeError(() => decodeMcsConnectInitial(CONNECT_RESPONSE));
    expect(e.layer).toBe('ber');
    expect(e.reason).toBe('Connect-Initial: expected tag 7f 65, got 0x66');
  });
});

describe('MCS Connect-Response (T.125 annex A, [MS-RDPBCGR] 2.2.1.4)', () => {
  it('decodes', () => {
    expect(decodeMcsConnectResponse(CONNECT_RESPONSE)).toEqual({
      result: RT_SUCCESSFUL,
      resultName: 'rt-successful',
      calledConnectId: 0,
      domainParameters: RESPONSE_PARAMETERS,
      userData: fromHex('cafe'),
    });
  });

  it('encodes', () => {
    const bytes = encodeMcsConnectResponse({ result: 0, calledConnectId: 0, domainParameters: RESPONSE_PARAMETERS, userData: fromHex('cafe') });
    expect(toHex(bytes)).toBe(toHex(CONNECT_RESPONSE));
  });

  it('names every T.125 result and falls back to unknown(0x..)', () => {
    const at = (result: number) =>
      decodeMcsConnectResponse(encodeMcsConnectResponse({ result, calledConnectId: 0, domainParameters: RESPONSE_PARAMETERS, userData: new Uint8Array(0) }));
    expect(at(RT_USER_REJECTED).resultName).toBe('rt-user-rejected');
    expect(at(14).resultName).toBe('rt-unspecified-failure');
    expect(at(0x20).resultName).toBe('unknown(0x20)');
  });

  it('every strict prefix fails', () => {
    everyStrictPrefixFails(CONNECT_RESPONSE, decodeMcsConnectResponse);
  });

  it('a userData length beyond the PDU fails with its absolute offset', () => {
    const bad = Uint8Array.from(CONNECT_RESPONSE);
    bad[bad.length - 3] = 0x03; // userData claims 3 bytes, 2 are there
    const e = decodeError(() => decodeMcsConnectResponse(bad));
    expect(e.reason).toBe('truncated userData: need 3 bytes, 2 left');
    expect(e.offset).toBe(CONNECT_RESPONSE.length - 2);
  });

  it('an over-long claimed length is refused before anything is read', () => {
    const e = decodeError(() => decodeMcsConnectResponse(fromHex('7f 66 84 7f ff ff ff')));
    expect(e.layer).toBe('ber');
    expect(e.reason).toMatch(/exceeds the cap/);
  });

  it('property: random responses round-trip; random bytes only ever raise DecodeError', () => {
    const param = fc.nat({ max: 0xffffffff });
    const params = fc.record({
      maxChannelIds: param,
      maxUserIds: param,
      maxTokenIds: param,
      numPriorities: param,
      minThroughput: param,
      maxHeight: param,
      maxMCSPDUsize: param,
      protocolVersion: param,
    });
    fc.assert(
      fc.property(fc.nat({ max: 15 }), param, params, fc.uint8Array({ maxLength: 400 }), (result, calledConnectId, domainParameters, userData) => {
        const bytes = encodeMcsConnectResponse({ result, calledConnectId, domainParameters, userData });
        const back = decodeMcsConnectResponse(bytes);
        expect({ ...back, userData: toHex(back.userData) }).toMatchObject({ result, calledConnectId, domainParameters, userData: toHex(userData) });
      }),
      { numRuns: 200 },
    );
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (junk) => {
        try {
          decodeMcsConnectResponse(Uint8Array.from([0x7f, 0x66, junk.length, ...junk]));
        } catch (err) {
          expect(err).toBeInstanceOf(DecodeError);
        }
      }),
      { numRuns: 500 },
    );
  });
});
