import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import * as asn1js from 'asn1js';
import {
  decodeTsRequest,
  encodeTsRequest,
  tsRequestLength,
  TOO_LARGE_REASON,
  TS_REQUEST_MAX_LENGTH,
  type TsRequest,
} from '../../protocol/credssp.js';
import { decodeErrorOrRethrow, valueOrDecodeErrorOf } from '../helpers/codec-asserts.js';
import { fromHex, toHex } from '../../protocol/writer.js';
import { ntStatus } from '../../protocol/ntstatus.js';

/** Only a value or a DecodeError, never RangeError/TypeError. */
const valueOrDecodeError = valueOrDecodeErrorOf('credssp');

/** The probe's NTLM NEGOTIATE_MESSAGE ([MS-NLMP] 2.2.1.1), 40 bytes, as the negoToken of the first TSRequest. */
const NEGOTIATE = fromHex(`
  4e544c4d53535000 01000000 b78208e2 0000000000000000 0000000000000000 0a00614a0000000f
`);

// [MS-CSSP] 2.2.1: the client's first TSRequest, version 6, one negoToken.
const CLIENT_FIRST = fromHex(`
  30 37                   # TSRequest SEQUENCE, 55
    a0 03                 # [0] version
      02 01 06            #   INTEGER 6
    a1 30                 # [1] negoTokens
      30 2e               #   NegoData SEQUENCE OF
        30 2c             #     SEQUENCE
          a0 2a           #       [0] negoToken
            04 28         #         OCTET STRING, 40
              4e544c4d53535000 01000000 b78208e2 0000000000000000 0000000000000000 0a00614a0000000f
`);

// A server refusing the logon, errorCode as the positive 5-octet INTEGER.
const SERVER_ERROR_POSITIVE = fromHex(`
  30 0e                   # TSRequest SEQUENCE, 14
    a0 03 02 01 06        # [0] version INTEGER 6
    a4 07                 # [4] errorCode
      02 05 00 c0 00 00 6d  #   INTEGER 0xC000006D (leading 00 keeps it positive)
`);

// The same error as FreeRDP sends it: a negative 4-octet two's-complement INTEGER (-0x3FFFFF93).
const SERVER_ERROR_NEGATIVE = fromHex(`
  30 0d                   # TSRequest SEQUENCE, 13
    a0 03 02 01 06        # [0] version INTEGER 6
    a4 06                 # [4] errorCode
      02 04 c0 00 00 6d   #   INTEGER -1073741715
`);

const NONCE = Uint8Array.from({ length: 32 }, (_, i) => i);

// Every field present.
const EVERY_FIELD = fromHex(`
  30 49                   # TSRequest SEQUENCE, 73
    a0 03 02 01 06        # [0] version INTEGER 6
    a1 0a                 # [1] negoTokens
      30 08               #   NegoData SEQUENCE OF
        30 06             #     SEQUENCE
          a0 04           #       [0] negoToken
            04 02 01 02   #         OCTET STRING 01 02
    a2 03 04 01 aa        # [2] authInfo OCTET STRING aa
    a3 04 04 02 bb cc     # [3] pubKeyAuth OCTET STRING bb cc
    a4 07 02 05 00 c0 00 00 6d  # [4] errorCode INTEGER 0xC000006D
    a5 22 04 20           # [5] clientNonce OCTET STRING, 32
      000102030405060708090a0b0c0d0e0f 101112131415161718191a1b1c1d1e1f
`);

const EVERY_FIELD_VALUE: TsRequest = {
  version: 6,
  negoTokens: [Uint8Array.of(1, 2)],
  authInfo: Uint8Array.of(0xaa),
  pubKeyAuth: Uint8Array.of(0xbb, 0xcc),
  errorCode: 0xc000006d,
  clientNonce: NONCE,
};

const GOLDEN: Array<[string, Uint8Array, TsRequest]> = [
  ['client first (v6, negoToken)', CLIENT_FIRST, { version: 6, negoTokens: [NEGOTIATE] }],
  ['server error (positive INTEGER)', SERVER_ERROR_POSITIVE, { version: 6, errorCode: 0xc000006d }],
  ['every field', EVERY_FIELD, EVERY_FIELD_VALUE],
  ['version 2, only version', fromHex('30 05 a0 03 02 01 02'), { version: 2 }],
  ['version 3, empty NegoData', fromHex('30 09 a0 03 02 01 03 a1 02 30 00'), { version: 3, negoTokens: [] }],
];

describe('TSRequest golden vectors ([MS-CSSP] 2.2.1)', () => {
  for (const [name, bytes, value] of GOLDEN) {
    it(`${name}: decodes`, () => expect(decodeTsRequest(bytes)).toEqual(value));
    it(`${name}: encodes`, () => expect(toHex(encodeTsRequest(value))).toBe(toHex(bytes)));
    it(`${name}: mirrors`, () => expect(toHex(encodeTsRequest(decodeTsRequest(bytes)))).toBe(toHex(bytes)));
    it(`${name}: every strict prefix throws DecodeError`, () => {
      for (let n = 0; n < bytes.length; n++) {
        expect(decodeErrorOrRethrow(() => decodeTsRequest(bytes.subarray(0, n))).layer).toBe('credssp');
      }
    });
    it(`${name}: tsRequestLength frames every prefix`, () => {
      for (let n = 0; n <= bytes.length; n++) {
        const got = tsRequestLength(bytes.subarray(0, n));
        expect(got === null || got === bytes.length).toBe(true);
        if (n >= 2) expect(got).toBe(bytes.length); // short-form length: known from 2 bytes on
      }
      expect(tsRequestLength(Uint8Array.of(...bytes, 0x30, 0x00))).toBe(bytes.length); // the next PDU is not ours
    });
  }

  it('normalises a negative 4-octet errorCode to the unsigned NTSTATUS', () => {
    const req = decodeTsRequest(SERVER_ERROR_NEGATIVE);
    expect(req).toEqual({ version: 6, errorCode: 0xc000006d });
    expect(ntStatus(req.errorCode!)).toEqual({ hex: '0xC000006D', name: 'STATUS_LOGON_FAILURE' });
  });

  it('encodes a negative errorCode as the signed INTEGER (mirror of FreeRDP)', () => {
    expect(toHex(encodeTsRequest({ version: 6, errorCode: 0xc000006d - 2 ** 32 }))).toBe(toHex(SERVER_ERROR_NEGATIVE));
  });

  it('agrees with asn1js on the DER of every-field', () => {
    const ctx = (tagNumber: number, value: asn1js.AsnType[]) =>
      new asn1js.Constructed({ idBlock: { tagClass: 3, tagNumber }, value });
    const octets = (b: Uint8Array) => new asn1js.OctetString({ valueHex: b });
    const tree = new asn1js.Sequence({
      value: [
        ctx(0, [new asn1js.Integer({ value: 6 })]),
        ctx(1, [new asn1js.Sequence({ value: [new asn1js.Sequence({ value: [ctx(0, [octets(Uint8Array.of(1, 2))])] })] })]),
        ctx(2, [octets(Uint8Array.of(0xaa))]),
        ctx(3, [octets(Uint8Array.of(0xbb, 0xcc))]),
        ctx(4, [new asn1js.Integer({ valueHex: Uint8Array.of(0x00, 0xc0, 0x00, 0x00, 0x6d) })]),
        ctx(5, [octets(NONCE)]),
      ],
    });
    expect(toHex(new Uint8Array(tree.toBER(false)))).toBe(toHex(EVERY_FIELD));
  });

  it('uses long-form lengths for a large token and frames them', () => {
    const token = new Uint8Array(300).fill(0x5a);
    const bytes = encodeTsRequest({ version: 6, negoTokens: [token] });
    expect(toHex(bytes.subarray(0, 4))).toBe('30820145'); // 4 + 325
    expect(decodeTsRequest(bytes)).toEqual({ version: 6, negoTokens: [token] });
    expect(tsRequestLength(bytes.subarray(0, 1))).toBeNull();
    expect(tsRequestLength(bytes.subarray(0, 2))).toBeNull();
    expect(tsRequestLength(bytes.subarray(0, 3))).toBeNull();
    expect(tsRequestLength(bytes.subarray(0, 4))).toBe(bytes.length);
  });
});

describe('TSRequest errors', () => {
  const cases: Array<[string, string, number, string]> = [
    ['not a SEQUENCE', '31 05 a0 03 02 01 06', 0, 'TSRequest: expected tag 0x30, got 0x31'],
    ['trailing bytes', '30 05 a0 03 02 01 06 00', 7, '1 unexpected trailing byte(s) after TSRequest'],
    ['indefinite length', '30 80 a0 03 02 01 06 00 00', 1, 'TSRequest: indefinite length is not DER'],
    ['non-minimal length', '30 81 05 a0 03 02 01 06', 1, 'TSRequest: non-minimal length encoding is not DER'],
    ['non-minimal INTEGER', '30 06 a0 04 02 02 00 06', 6, 'version: non-minimal INTEGER encoding is not DER'],
    ['empty INTEGER', '30 04 a0 02 02 00', 6, 'version: empty INTEGER'],
    ['version missing', '30 05 a2 03 04 01 aa', 2, 'version [0]: expected tag 0xa0, got 0xa2'],
    ['version not an INTEGER', '30 05 a0 03 04 01 06', 4, 'version: expected tag 0x02, got 0x04'],
    ['negative version', '30 05 a0 03 02 01 ff', 2, 'version -1 out of range'],
    ['extra element in [0]', '30 07 a0 05 02 01 06 05 00', 7, '2 unexpected trailing byte(s) after version [0]'],
    ['fields out of order', '30 0f a0 03 02 01 06 a3 03 04 01 bb a2 03 04 01 aa', 12, 'TSRequest field [2] out of order or repeated'],
    ['field repeated', '30 0f a0 03 02 01 06 a2 03 04 01 bb a2 03 04 01 aa', 12, 'TSRequest field [2] out of order or repeated'],
    ['unknown field', '30 09 a0 03 02 01 06 a6 02 05 00', 7, 'unexpected TSRequest field tag 0xa6'],
    ['universal tag among fields', '30 07 a0 03 02 01 06 05 00', 7, 'unexpected TSRequest field tag 0x05'],
    ['errorCode beyond 32 bits', '30 0f a0 03 02 01 06 a4 08 02 06 01 00 00 00 00 00', 7, 'errorCode 1099511627776 is not a 32-bit NTSTATUS'],
    ['errorCode below -2^31', '30 0e a0 03 02 01 06 a4 07 02 05 ff 7f ff ff ff', 7, 'errorCode -2147483649 is not a 32-bit NTSTATUS'],
    ['negoToken not [0]', '30 0d a0 03 02 01 06 a1 06 30 04 30 02 a1 00', 13, 'negoToken [0]: expected tag 0xa0, got 0xa1'],
    ['NegoData not a SEQUENCE', '30 09 a0 03 02 01 06 a1 02 31 00', 9, 'NegoData: expected tag 0x30, got 0x31'],
    ['inner length beyond outer', '30 05 a0 05 02 01 06', 4, 'truncated version [0]: need 5 bytes, 3 left'],
  ];
  for (const [name, hex, offset, reason] of cases) {
    it(name, () => {
      const e = decodeErrorOrRethrow(() => decodeTsRequest(fromHex(hex)));
      expect(e.reason).toBe(reason);
      expect(e.offset).toBe(offset);
      expect(e.layer).toBe('credssp');
    });
  }

  it('rejects more than 16 negoTokens', () => {
    const item = '30 04 a0 02 04 00';
    const items = Array(17).fill(item).join(' ');
    const hex = `30 6f a0 03 02 01 06 a1 68 30 66 ${items}`;
    expect(decodeErrorOrRethrow(() => decodeTsRequest(fromHex(hex))).reason).toBe('more than 16 negoTokens');
    expect(() => encodeTsRequest({ version: 6, negoTokens: Array(17).fill(new Uint8Array(0)) })).toThrow(RangeError);
    expect(decodeTsRequest(fromHex(`30 69 a0 03 02 01 06 a1 62 30 60 ${Array(16).fill(item).join(' ')}`)).negoTokens).toHaveLength(16);
  });

  it('rejects a TSRequest above 64 KiB', () => {
    const big = new Uint8Array(TS_REQUEST_MAX_LENGTH + 1);
    expect(decodeErrorOrRethrow(() => decodeTsRequest(big)).reason.startsWith(TOO_LARGE_REASON)).toBe(true);
    expect(() => encodeTsRequest({ version: 6, authInfo: new Uint8Array(TS_REQUEST_MAX_LENGTH) })).toThrow(RangeError);
  });
});

describe('tsRequestLength', () => {
  it('needs more bytes', () => {
    expect(tsRequestLength(new Uint8Array(0))).toBeNull();
    expect(tsRequestLength(fromHex('30'))).toBeNull();
    expect(tsRequestLength(fromHex('30 82'))).toBeNull();
    expect(tsRequestLength(fromHex('30 82 01'))).toBeNull();
  });
  it('frames short and long forms', () => {
    expect(tsRequestLength(fromHex('30 00'))).toBe(2);
    expect(tsRequestLength(fromHex('30 7f'))).toBe(129);
    expect(tsRequestLength(fromHex('30 81 80'))).toBe(131);
    expect(tsRequestLength(fromHex('30 82 ff fc'))).toBe(TS_REQUEST_MAX_LENGTH);
  });
  const bad: Array<[string, string, string]> = [
    ['not a SEQUENCE', '16 03 03', 'TSRequest: expected tag 0x30, got 0x16'],
    ['indefinite', '30 80', 'TSRequest: indefinite length is not DER'],
    ['length of length > 4', '30 85', 'TSRequest: length of 5 octets is out of range'],
    ['non-minimal', '30 81 05', 'TSRequest: non-minimal length encoding is not DER'],
    ['non-minimal long', '30 82 00 90', 'TSRequest: non-minimal length encoding is not DER'],
    ['too large', '30 82 ff fd', `${TOO_LARGE_REASON}: 65537 bytes (max 65536)`],
    ['much too large', '30 84 7f ff ff ff', `${TOO_LARGE_REASON}: 2147483653 bytes (max 65536)`],
  ];
  for (const [name, hex, reason] of bad) {
    it(`throws: ${name}`, () => expect(decodeErrorOrRethrow(() => tsRequestLength(fromHex(hex))).reason).toBe(reason));
  }
});

describe('ntStatus', () => {
  it('names the statuses a CredSSP server sends', () => {
    expect(ntStatus(0xc0000071)).toEqual({ hex: '0xC0000071', name: 'STATUS_PASSWORD_EXPIRED' });
    expect(ntStatus(0xc0000234)).toEqual({ hex: '0xC0000234', name: 'STATUS_ACCOUNT_LOCKED_OUT' });
    expect(ntStatus(0xc000015b)).toEqual({ hex: '0xC000015B', name: 'STATUS_LOGON_TYPE_NOT_GRANTED' });
    expect(ntStatus(0xc00000bb)).toEqual({ hex: '0xC00000BB', name: 'STATUS_NOT_SUPPORTED' });
    expect(ntStatus(0)).toEqual({ hex: '0x00000000', name: 'STATUS_SUCCESS' });
  });
  it('accepts the signed form and falls back to unknown(0x..)', () => {
    expect(ntStatus(0xc000006d - 2 ** 32)).toEqual({ hex: '0xC000006D', name: 'STATUS_LOGON_FAILURE' });
    expect(ntStatus(0xc0001234)).toEqual({ hex: '0xC0001234', name: 'unknown(0xc0001234)' });
    expect(() => ntStatus(2 ** 32)).toThrow(RangeError);
    expect(() => ntStatus(1.5)).toThrow(RangeError);
  });
});

describe('TSRequest properties', () => {
  const bytes = fc.uint8Array({ maxLength: 300 }).map((b) => Uint8Array.from(b));
  const request: fc.Arbitrary<TsRequest> = fc
    .record(
      {
        version: fc.oneof(fc.constantFrom(2, 3, 4, 5, 6), fc.integer({ min: 0, max: 0x7fffffff })),
        negoTokens: fc.array(bytes, { maxLength: 16 }),
        authInfo: bytes,
        pubKeyAuth: bytes,
        errorCode: fc.integer({ min: 0, max: 0xffffffff }),
        clientNonce: bytes,
      },
      { requiredKeys: ['version'] },
    )
    .map((r) => r as TsRequest);

  it('decode(encode(x)) = x, framed by tsRequestLength, readable by asn1js', () => {
    fc.assert(
      fc.property(request, (req) => {
        const enc = encodeTsRequest(req);
        expect(decodeTsRequest(enc)).toEqual(req);
        expect(tsRequestLength(enc)).toBe(enc.length);
        const parsed = asn1js.fromBER(enc);
        expect(parsed.offset).toBe(enc.length);
      }),
    );
  });

  it('signed errorCode encodes to the same unsigned value', () => {
    fc.assert(
      fc.property(fc.integer({ min: -0x80000000, max: -1 }), (e) => {
        expect(decodeTsRequest(encodeTsRequest({ version: 6, errorCode: e })).errorCode).toBe(e >>> 0);
      }),
    );
  });

  it('random bytes give a value or a DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 200 }), (b) => {
        valueOrDecodeError(() => decodeTsRequest(b));
        valueOrDecodeError(() => tsRequestLength(b));
      }),
      { numRuns: 2000 },
    );
  });

  it('random bytes behind a plausible header give a value or a DecodeError', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (b) => {
        valueOrDecodeError(() => decodeTsRequest(Uint8Array.of(0x30, b.length, ...b)));
        valueOrDecodeError(() => decodeTsRequest(Uint8Array.of(0x30, b.length + 5, 0xa0, 0x03, 0x02, 0x01, 0x06, ...b)));
      }),
      { numRuns: 2000 },
    );
  });

  it('mutations of the golden vectors give a value or a DecodeError', () => {
    const golden = fc.constantFrom(...GOLDEN.map(([, b]) => b), SERVER_ERROR_NEGATIVE);
    fc.assert(
      fc.property(golden, fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 4 }), (g, muts) => {
        const b = Uint8Array.from(g);
        for (const [i, v] of muts) b[i % b.length] = v;
        valueOrDecodeError(() => decodeTsRequest(b));
        valueOrDecodeError(() => tsRequestLength(b));
      }),
      { numRuns: 3000 },
    );
  });
});
