/**
 * Fuzz suite, part 3: BER and PER primitives, MCS Connect-Initial / Connect-Response, GCC Conference Create
 * Request / Response, the user data blocks, SERVER_CERTIFICATE and the whole decodeConnectResponse pipeline.
 * Every decoder may only return a value or throw DecodeError. See test/fuzz/README.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { X509Certificate } from 'node:crypto';
import { DecodeError } from '../../protocol/errors.js';
import { Reader } from '../../protocol/reader.js';
import { fromHex, toHex, Writer } from '../../protocol/writer.js';
import {
  BER_MAX_LENGTH,
  berInteger,
  berLength,
  berOctetString,
  readBerBoolean,
  readBerEnumerated,
  readBerInteger,
  readBerLength,
  readBerOctetString,
  berBoolean,
  berEnumerated,
} from '../../protocol/ber.js';
import {
  readPerInteger,
  readPerLength,
  readPerNumericString,
  readPerObjectIdentifier,
  readPerOctetString,
  writePerInteger,
  writePerLength,
  writePerNumericString,
  writePerObjectIdentifier,
  writePerOctetString,
  PER_MAX_LENGTH,
} from '../../protocol/per.js';
import {
  decodeMcsConnectInitial,
  decodeMcsConnectResponse,
  encodeMcsConnectInitial,
  encodeMcsConnectResponse,
  type DomainParameters,
} from '../../protocol/mcs.js';
import {
  decodeClientUserData,
  decodeConferenceCreateRequest,
  decodeConferenceCreateResponse,
  decodeServerUserData,
  encodeClientUserData,
  encodeConferenceCreateRequest,
  encodeConferenceCreateResponse,
  encodeServerUserData,
  type ServerUserData,
} from '../../protocol/gcc.js';
import {
  decodeConnectResponse,
  decodeServerCertificate,
  encodeConnectInitial,
  encodeServerCertificate,
  MAX_CERT_BLOBS,
  MAX_CERT_CHAIN_BYTES,
  type ServerCertificate,
} from '../../protocol/rdp-security.js';
import {
  RUNS,
  seedsOf,
  decodeOrDecodeError,
  mutated,
  randomBytes,
  fuzz,
  expectPrefixesFail,
  regressions,
} from './fuzz-helpers.js';

/** Runs a Reader-taking decoder over a whole buffer, requiring it to consume everything. */
const whole =
  <T>(read: (r: Reader, field: string) => T) =>
  (b: Uint8Array): T => {
    const r = new Reader(b, 'mcs');
    const v = read(r, 'field');
    r.end('field');
    return v;
  };

const pem = (name: string): Uint8Array =>
  new Uint8Array(new X509Certificate(readFileSync(new URL(`../fixtures/certs/${name}`, import.meta.url))).raw);

// Seeds: the Windows Connect-Initial / Connect-Response from captures/, and what is nested inside them.
const responses = seedsOf('mcs-connect-response');
const initials = seedsOf('mcs-connect-initial');
const gccResponses = responses.map((b) => decodeMcsConnectResponse(b).userData);
const gccRequests = initials.map((b) => decodeMcsConnectInitial(b).userData);
const serverBlocks = gccResponses.map((b) => decodeConferenceCreateResponse(b).userData);
const clientBlocks = gccRequests.map((b) => decodeConferenceCreateRequest(b).userData);
const proprietaryCerts = serverBlocks.flatMap((b) => {
  const c = decodeServerUserData(b).security?.serverCertificate;
  return c ? [c] : [];
});
const x509Chain = encodeServerCertificate({
  type: 'x509',
  temporary: true,
  keyBits: null,
  exponent: null,
  modulus: null,
  chain: [pem('rsa1024-sha1-selfsigned.pem'), pem('ec-p256-selfsigned.pem')],
  sigAlgId: null,
  keyAlgId: null,
  signature: null,
});
const certificates = [...proprietaryCerts, x509Chain, ...seedsOf('server-certificate')];

describe('fuzz: MCS / GCC seeds are valid', () => {
  it('every nested seed decodes', () => {
    expect(proprietaryCerts.length).toBeGreaterThan(0);
    for (const b of responses) expect(decodeConnectResponse(b).serverSecurity?.certificate?.type).toBe('proprietary');
    for (const b of clientBlocks) expect(decodeClientUserData(b).core).toBeDefined();
    for (const b of certificates) expect(decodeServerCertificate(b).type).toMatch(/proprietary|x509/);
  });
});

describe('fuzz: BER and PER primitives', () => {
  const berSeeds = [berInteger(0), berInteger(0xffff), berInteger(0xffffffff), berOctetString(new Uint8Array(200)), berBoolean(true), berEnumerated(14)];
  fuzz('readBerLength', whole(readBerLength), [randomBytes([], 8), randomBytes([0x84], 4), mutated([Uint8Array.from(berLength(0x10000))])]);
  fuzz('readBerInteger', whole(readBerInteger), [randomBytes([2], 8), mutated(berSeeds)]);
  fuzz('readBerEnumerated', whole(readBerEnumerated), [randomBytes([0x0a], 8), mutated(berSeeds)]);
  fuzz('readBerBoolean', whole(readBerBoolean), [randomBytes([1], 4), mutated(berSeeds)]);
  fuzz('readBerOctetString', whole(readBerOctetString), [randomBytes([4]), mutated(berSeeds)]);

  const perSeeds = (() => {
    const w = new Writer();
    writePerObjectIdentifier(w, [0, 0, 20, 124, 0, 1]);
    const oid = w.finish();
    const w2 = new Writer();
    writePerNumericString(w2, '1234567', 1);
    return [oid, w2.finish(), fromHex('02 ff ff'), fromHex('80 80'), fromHex('04 00 01 00 00')];
  })();
  fuzz('readPerLength', whole(readPerLength), [randomBytes([], 4), mutated(perSeeds)]);
  fuzz('readPerInteger', whole(readPerInteger), [randomBytes([], 8), mutated(perSeeds)]);
  fuzz('readPerObjectIdentifier', whole(readPerObjectIdentifier), [randomBytes([], 24), randomBytes([0x08], 8), mutated(perSeeds)]);
  fuzz('readPerNumericString', whole((r, f) => readPerNumericString(r, 1, f)), [randomBytes([], 24), mutated(perSeeds)]);
  fuzz('readPerOctetString', whole((r, f) => readPerOctetString(r, 4, f)), [randomBytes([], 24), mutated(perSeeds)]);

  it('round-trip: BER INTEGER / ENUMERATED / BOOLEAN / OCTET STRING / length; every strict prefix fails', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.boolean(), fc.uint8Array({ maxLength: 300 }), fc.nat({ max: BER_MAX_LENGTH }), (v, bool, s, len) => {
        const cases: [Uint8Array, (b: Uint8Array) => unknown, unknown][] = [
          [berInteger(v), whole(readBerInteger), v],
          [berEnumerated(v), whole(readBerEnumerated), v],
          [berBoolean(bool), whole(readBerBoolean), bool],
          [berOctetString(s), (b) => toHex(whole(readBerOctetString)(b)), toHex(s)],
          [Uint8Array.from(berLength(len)), whole(readBerLength), len],
        ];
        for (const [bytes, decode, expected] of cases) {
          expect(decode(bytes)).toEqual(expected);
          expectPrefixesFail('BER', decode, bytes);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trip: PER length / INTEGER / OBJECT IDENTIFIER / NumericString / OCTET STRING', () => {
    const enc = (f: (w: Writer) => void): Uint8Array => {
      const w = new Writer();
      f(w);
      return w.finish();
    };
    fc.assert(
      fc.property(
        fc.nat({ max: PER_MAX_LENGTH }),
        fc.nat({ max: 0xffffffff }),
        fc.tuple(fc.integer({ min: 0, max: 2 }), fc.integer({ min: 0, max: 39 }), fc.array(fc.nat({ max: 0x0fffffff }), { maxLength: 6 })),
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 40 }),
        fc.uint8Array({ minLength: 4, maxLength: 100 }),
        (len, v, [a, b, rest], digits, octets) => {
          expect(whole(readPerLength)(enc((w) => writePerLength(w, len)))).toBe(len);
          const int = enc((w) => writePerInteger(w, v));
          expect(whole(readPerInteger)(int)).toBe(v);
          expectPrefixesFail('readPerInteger', whole(readPerInteger), int);
          const oid = enc((w) => writePerObjectIdentifier(w, [a, b, ...rest]));
          expect(whole(readPerObjectIdentifier)(oid)).toEqual([a, b, ...rest]);
          expectPrefixesFail('readPerObjectIdentifier', whole(readPerObjectIdentifier), oid);
          const num = enc((w) => writePerNumericString(w, digits, 1));
          expect(whole((r, f) => readPerNumericString(r, 1, f))(num)).toBe(digits);
          expectPrefixesFail('readPerNumericString', whole((r, f) => readPerNumericString(r, 1, f)), num);
          const os = enc((w) => writePerOctetString(w, octets, 4));
          expect(toHex(whole((r, f) => readPerOctetString(r, 4, f))(os))).toBe(toHex(octets));
          expectPrefixesFail('readPerOctetString', whole((r, f) => readPerOctetString(r, 4, f)), os);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('size caps: BER lengths above the cap, 0x84 ff ff ff ff, 0x85.. and indefinite lengths fail cleanly', () => {
    for (const hex of ['83 01 00 01', '84 00 01 00 01', '84 ff ff ff ff', '85 00 00 00 00 01', 'ff', '80', '84 ff ff']) {
      expect(decodeOrDecodeError('readBerLength', whole(readBerLength), fromHex(hex)), hex).toBeInstanceOf(DecodeError);
    }
    expect(whole(readBerLength)(fromHex('83 01 00 00'))).toBe(BER_MAX_LENGTH);
    for (const hex of [
      '7f 66 84 ff ff ff ff 0a 01 00',
      '7f 66 83 01 00 01 0a 01 00',
      '7f 66 80 0a 01 00 00 00',
      '7f 66 0c 0a 01 00 02 01 00 30 84 ff ff ff ff 02',
      '7f 66 0a 0a 01 00 02 06 00 00 00 00 00 01',
    ]) {
      expect(decodeOrDecodeError('decodeMcsConnectResponse', decodeMcsConnectResponse, fromHex(hex)), hex).toBeInstanceOf(DecodeError);
      expect(decodeOrDecodeError('decodeConnectResponse', decodeConnectResponse, fromHex(hex)), hex).toBeInstanceOf(DecodeError);
    }
    // Fragmented PER lengths (11xxxxxx) are refused.
    expect(decodeOrDecodeError('readPerLength', whole(readPerLength), fromHex('c1 00'))).toBeInstanceOf(DecodeError);
  });
});

describe('fuzz: MCS Connect-Initial / Connect-Response', () => {
  fuzz('decodeMcsConnectResponse', decodeMcsConnectResponse, [randomBytes([0x7f, 0x66]), mutated(responses)]);
  fuzz('decodeMcsConnectInitial', decodeMcsConnectInitial, [randomBytes([0x7f, 0x65]), mutated(initials)]);

  const u32 = fc.nat({ max: 0xffffffff });
  const params: fc.Arbitrary<DomainParameters> = fc.record({
    maxChannelIds: u32,
    maxUserIds: u32,
    maxTokenIds: u32,
    numPriorities: u32,
    minThroughput: u32,
    maxHeight: u32,
    maxMCSPDUsize: u32,
    protocolVersion: u32,
  });

  it('round-trip: Connect-Response and Connect-Initial; every strict prefix fails', () => {
    fc.assert(
      fc.property(u32, u32, params, fc.uint8Array({ maxLength: 300 }), (result, id, p, userData) => {
        const rsp = encodeMcsConnectResponse({ result, calledConnectId: id, domainParameters: p, userData });
        const back = decodeMcsConnectResponse(rsp);
        expect({ ...back, userData: toHex(back.userData) }).toEqual({ ...back, result, calledConnectId: id, domainParameters: p, userData: toHex(userData) });
        expectPrefixesFail('decodeMcsConnectResponse', decodeMcsConnectResponse, rsp);
        const ini = encodeMcsConnectInitial({ userData, targetParameters: p, upwardFlag: result % 2 === 0 });
        const i = decodeMcsConnectInitial(ini);
        expect(i.targetParameters).toEqual(p);
        expect(i.upwardFlag).toBe(result % 2 === 0);
        expect(toHex(i.userData)).toBe(toHex(userData));
        expectPrefixesFail('decodeMcsConnectInitial', decodeMcsConnectInitial, ini);
      }),
      { numRuns: Math.max(1, Math.floor(RUNS / 3)) },
    );
  });

  regressions('mcs-connect-response', decodeMcsConnectResponse);
  regressions('mcs-connect-initial', decodeMcsConnectInitial);
});

describe('fuzz: GCC Conference Create and user data blocks', () => {
  fuzz('decodeConferenceCreateResponse', decodeConferenceCreateResponse, [randomBytes([0, 5, 0, 0x14, 0x7c, 0, 1]), mutated(gccResponses)]);
  fuzz('decodeConferenceCreateRequest', decodeConferenceCreateRequest, [randomBytes([0, 5, 0, 0x14, 0x7c, 0, 1]), mutated(gccRequests)]);
  fuzz('decodeServerUserData', decodeServerUserData, [randomBytes([0x01, 0x0c], 32), randomBytes([0x02, 0x0c], 48), mutated(serverBlocks)]);
  fuzz('decodeClientUserData', decodeClientUserData, [randomBytes([0x01, 0xc0], 32), randomBytes([0x03, 0xc0], 48), mutated(clientBlocks)]);

  it('round-trip: Conference Create Response / Request; every strict prefix fails', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1001, max: 65535 }),
        fc.nat({ max: 0xffffffff }),
        fc.integer({ min: 0, max: 255 }),
        fc.uint8Array({ maxLength: 300 }),
        fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 1, maxLength: 12 }),
        (nodeId, tag, result, userData, name) => {
          const rsp = encodeConferenceCreateResponse({ nodeId, tag, result, userData });
          const back = decodeConferenceCreateResponse(rsp);
          expect([back.nodeId, back.tag, back.result, toHex(back.userData)]).toEqual([nodeId, tag, result, toHex(userData)]);
          expectPrefixesFail('decodeConferenceCreateResponse', decodeConferenceCreateResponse, rsp);
          const req = encodeConferenceCreateRequest(userData, name);
          const r = decodeConferenceCreateRequest(req);
          expect([r.conferenceName, toHex(r.userData)]).toEqual([name, toHex(userData)]);
          expectPrefixesFail('decodeConferenceCreateRequest', decodeConferenceCreateRequest, req);
        },
      ),
      { numRuns: Math.max(1, Math.floor(RUNS / 3)) },
    );
  });

  const u32 = fc.nat({ max: 0xffffffff });
  const u16 = fc.nat({ max: 0xffff });
  const serverUserData: fc.Arbitrary<ServerUserData> = fc.record(
    {
      core: fc.oneof(
        fc.record({ version: u32 }),
        fc.record({ version: u32, clientRequestedProtocols: u32 }),
        fc.record({ version: u32, clientRequestedProtocols: u32, earlyCapabilityFlags: u32 }),
      ),
      security: fc.oneof(
        fc.record({ encryptionMethod: u32, encryptionLevel: u32, serverRandom: fc.constant(null), serverCertificate: fc.constant(null) }),
        fc.record({ encryptionMethod: u32, encryptionLevel: u32, serverRandom: fc.uint8Array({ maxLength: 32 }), serverCertificate: fc.uint8Array({ maxLength: 64 }) }),
      ),
      network: fc.record({ mcsChannelId: u16, channelIds: fc.array(u16, { maxLength: 9 }) }),
      messageChannel: fc.record({ mcsChannelId: u16 }),
      multitransport: fc.record({ flags: u32 }),
      otherBlocks: fc.array(fc.record({ type: fc.constantFrom(0x0c05, 0x0c09, 0x1234), bytes: fc.uint8Array({ maxLength: 16 }) }), { maxLength: 3 }),
    },
    { requiredKeys: ['otherBlocks'] },
  );

  it('round-trip: server user data blocks; every strict prefix fails (except at a block boundary)', () => {
    fc.assert(
      fc.property(serverUserData, (d) => {
        const b = encodeServerUserData(d);
        const back = decodeServerUserData(b);
        const norm = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v)));
        // A random + certificate pair that is both empty decodes to two empty arrays, as sent.
        expect(norm(back)).toEqual(norm(d));
        // Cutting between two blocks leaves a valid shorter list; anywhere else fails.
        const boundaries = new Set<number>([0]);
        for (let at = 0; at < b.length; ) {
          at += (b[at + 2]! | (b[at + 3]! << 8)) || b.length;
          boundaries.add(at);
        }
        expectPrefixesFail('decodeServerUserData', decodeServerUserData, b, (n) => boundaries.has(n));
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trip: the probe\'s own Connect-Initial through MCS, GCC and the client blocks', () => {
    fc.assert(
      fc.property(u32, fc.constantFrom(0, 1, 2, 8, 0x10, 0x1b), fc.string({ unit: fc.constantFrom(...'ABCXYZ019-'), maxLength: 15 }), (proto, methods, clientName) => {
        const bytes = encodeConnectInitial({ serverSelectedProtocol: proto, encryptionMethods: methods, clientName });
        const mcs = decodeMcsConnectInitial(bytes);
        const blocks = decodeClientUserData(decodeConferenceCreateRequest(mcs.userData).userData);
        expect(blocks.core?.clientName).toBe(clientName);
        expect(blocks.core?.serverSelectedProtocol).toBe(proto);
        expect(blocks.security?.encryptionMethods).toBe(methods);
        expect(toHex(encodeClientUserData(blocks))).toBe(toHex(decodeConferenceCreateRequest(mcs.userData).userData));
      }),
      { numRuns: Math.max(1, Math.floor(RUNS / 3)) },
    );
  });

  regressions('gcc-conference-create-response', decodeConferenceCreateResponse);
  regressions('gcc-server-user-data', decodeServerUserData);
  regressions('gcc-client-user-data', decodeClientUserData);
});

describe('fuzz: SERVER_CERTIFICATE and decodeConnectResponse', () => {
  fuzz('decodeServerCertificate', decodeServerCertificate, [randomBytes([1, 0, 0, 0], 48), randomBytes([2, 0, 0, 0], 48), mutated(certificates)]);
  fuzz('decodeConnectResponse', decodeConnectResponse, [randomBytes([0x7f, 0x66]), mutated(responses)]);

  const proprietary: fc.Arbitrary<ServerCertificate> = fc
    .tuple(fc.boolean(), fc.integer({ min: 1, max: 64 }), fc.nat({ max: 0xffffffff }), fc.uint8Array({ maxLength: 72 }), u32Arb(), u32Arb())
    .chain(([temporary, bytes, exponent, signature, sigAlgId, keyAlgId]) =>
      fc.uint8Array({ minLength: bytes, maxLength: bytes }).map((modulus) => ({
        type: 'proprietary' as const,
        temporary,
        keyBits: bytes * 8,
        exponent,
        modulus,
        chain: [],
        sigAlgId,
        keyAlgId,
        signature,
      })),
    );
  const x509: fc.Arbitrary<ServerCertificate> = fc.record({
    type: fc.constant('x509' as const),
    temporary: fc.boolean(),
    keyBits: fc.constant(null),
    exponent: fc.constant(null),
    modulus: fc.constant(null),
    chain: fc.array(fc.uint8Array({ maxLength: 40 }), { minLength: 1, maxLength: MAX_CERT_BLOBS }),
    sigAlgId: fc.constant(null),
    keyAlgId: fc.constant(null),
    signature: fc.constant(null),
  });
  function u32Arb(): fc.Arbitrary<number> {
    return fc.nat({ max: 0xffffffff });
  }

  it('round-trip: SERVER_CERTIFICATE (proprietary and X.509 chain)', () => {
    const norm = (x: unknown): unknown => JSON.parse(JSON.stringify(x, (_k, v: unknown) => (v instanceof Uint8Array ? toHex(v) : v)));
    fc.assert(
      fc.property(fc.oneof(proprietary, x509), (c) => {
        const b = encodeServerCertificate(c);
        expect(norm(decodeServerCertificate(b))).toEqual(norm(c));
        if (c.type === 'proprietary') expectPrefixesFail('decodeServerCertificate', decodeServerCertificate, b);
      }),
      { numRuns: RUNS },
    );
  });

  it(`size caps: X.509 chain of ${MAX_CERT_BLOBS} decodes, ${MAX_CERT_BLOBS + 1} and 0xffffffff fail; > 64 KiB of certificates fails`, () => {
    const chain = (n: number, size = 1): Uint8Array => {
      const w = new Writer().u32le(2).u32le(n);
      for (let i = 0; i < n; i++) w.u32le(size).bytes(new Uint8Array(size));
      return w.finish();
    };
    expect(decodeServerCertificate(chain(MAX_CERT_BLOBS)).chain).toHaveLength(MAX_CERT_BLOBS);
    expect(decodeOrDecodeError('decodeServerCertificate', decodeServerCertificate, chain(MAX_CERT_BLOBS + 1))).toBeInstanceOf(DecodeError);
    expect(decodeOrDecodeError('decodeServerCertificate', decodeServerCertificate, chain(0))).toBeInstanceOf(DecodeError);
    expect(decodeOrDecodeError('decodeServerCertificate', decodeServerCertificate, fromHex('02000000 ffffffff 01000000 00'))).toBeInstanceOf(DecodeError);
    expect(decodeOrDecodeError('decodeServerCertificate', decodeServerCertificate, chain(2, MAX_CERT_CHAIN_BYTES / 2 + 1))).toBeInstanceOf(DecodeError);
    expect(decodeOrDecodeError('decodeServerCertificate', decodeServerCertificate, fromHex('02000000 01000000 ffffffff 00'))).toBeInstanceOf(DecodeError);
  });

  regressions('server-certificate', decodeServerCertificate);
  regressions('connect-response', decodeConnectResponse);
});
