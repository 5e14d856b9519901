/**
 * Fuzz suite, part 1: TPKT, X.224, RDP negotiation and the whole Connection Confirm (parseConnectionAnswer).
 * Every decoder may only return a value or throw DecodeError. See test/fuzz/README.md.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { DecodeError } from '../../protocol/errors.js';
import { fromHex, toHex } from '../../protocol/writer.js';
import { decodeTpkt, encodeTpkt, tpktFrameLength, TPKT_MAX_LENGTH } from '../../protocol/tpkt.js';
import {
  decodeConnectionAnswer,
  decodeConnectionRequest,
  decodeDataTpdu,
  encodeConnectionRequest,
  encodeDataTpdu,
} from '../../protocol/x224.js';
import {
  CORRELATION_INFO_PRESENT,
  decodeNegotiationAnswer,
  decodeRdpNegReq,
  encodeRdpNegFailure,
  encodeRdpNegReq,
  encodeRdpNegRsp,
} from '../../protocol/negotiation.js';
import { parseConnectionAnswer } from '../../protocol/connection.js';
import {
  RUNS,
  CORPUS,
  corpus,
  seedsOf,
  decodeOrDecodeError,
  mutated,
  randomBytes,
  fuzz,
  expectPrefixesFail,
  regressions,
  regressionEntries,
} from './fuzz-helpers.js';

const decodeCcNegotiation = (b: Uint8Array): unknown => {
  const a = decodeConnectionAnswer(b);
  return a.kind === 'connection_confirm' ? decodeNegotiationAnswer(a.negotiation, a.negotiationOffset) : a;
};

describe('fuzz: seeds are valid', () => {
  it('every connection-answer seed parses', () => {
    for (const s of seedsOf('connection-answer')) expect(() => parseConnectionAnswer(s)).not.toThrow();
  });
  it('every x224-connection-request seed parses, with an RDP_NEG_REQ', () => {
    for (const s of seedsOf('x224-connection-request')) expect(decodeRdpNegReq(decodeConnectionRequest(s).negotiation)).toBeTypeOf('object');
  });
});

describe('fuzz: corpus layout', () => {
  // Both directions, so neither a folder nor a suite can silently stop replaying: every directory under
  // corpus/regressions is replayed by some fuzz file, and every directory a fuzz file replays exists and holds
  // inputs. The replayed list is read from the test files' own calls of the regressions helper (first argument a
  // string literal), not kept by hand.
  const here = new URL('./', import.meta.url);
  const testFiles = readdirSync(here).filter((f) => f.endsWith('.test.ts')).sort();
  const calls = testFiles.map((f) => {
    const text = readFileSync(new URL(f, here), 'utf8');
    const literal = [...text.matchAll(/\bregressions\(\s*'([^']+)'/g)].map((m) => m[1]!);
    const all = text.match(/\bregressions\(/g)?.length ?? 0;
    return { file: f, dirs: literal, nonLiteral: all - literal.length };
  });
  const replayed = new Set(calls.flatMap((c) => c.dirs));
  const root = new URL('regressions/', CORPUS);
  const onDisk = existsSync(root) ? readdirSync(root, { withFileTypes: true }) : [];

  it('every call of the regressions helper names its directory with a string literal, and there are some', () => {
    expect(calls.filter((c) => c.nonLiteral > 0).map((c) => `${c.file}: a regressions call whose directory is not a '...' literal cannot be checked`)).toEqual([]);
    expect(replayed.size).toBeGreaterThanOrEqual(20);
  });

  it('every directory under corpus/regressions is replayed by some fuzz file, and holds only .hex files', () => {
    expect(existsSync(root), 'corpus/regressions/ is missing').toBe(true);
    const problems = onDisk.flatMap((d) => {
      if (!d.isDirectory()) return [`corpus/regressions/${d.name} is not a directory: inputs go in corpus/regressions/<dir>/`];
      const stray = readdirSync(new URL(`${d.name}/`, root)).filter((f) => !f.endsWith('.hex'));
      return [
        ...(replayed.has(d.name) ? [] : [`corpus/regressions/${d.name} is not replayed by any fuzz file`]),
        ...stray.map((f) => `corpus/regressions/${d.name}/${f} is not a .hex file, so it is never replayed`),
      ];
    });
    expect(problems).toEqual([]);
  });

  it('every directory a fuzz file replays exists and holds at least one .hex input', () => {
    const problems = [...replayed].flatMap((d) => {
      try {
        regressionEntries(d);
        return [];
      } catch (e) {
        return [(e as Error).message];
      }
    });
    expect(problems).toEqual([]);
  });

  it('every corpus .hex file (seeds and regressions) starts with a # comment and parses', () => {
    const problems = (['seeds', 'regressions'] as const).flatMap((kind) => {
      const dir = new URL(`${kind}/`, CORPUS);
      const dirs = existsSync(dir) ? readdirSync(dir, { withFileTypes: true }).filter((x) => x.isDirectory()) : [];
      return dirs.flatMap((d) => {
        try {
          corpus(kind, d.name);
          return [];
        } catch (e) {
          return [(e as Error).message];
        }
      });
    });
    expect(problems).toEqual([]);
  });
});

describe('fuzz: TPKT', () => {
  const packets = seedsOf('connection-answer');
  fuzz('tpktFrameLength', tpktFrameLength, [randomBytes([], 8), randomBytes([3], 8), mutated(packets)]);
  fuzz('decodeTpkt', decodeTpkt, [randomBytes(), randomBytes([3, 0]), mutated(packets)]);

  it('tpktFrameLength: null (need more), a length >= 4, or DecodeError; never more than 65535', () => {
    fc.assert(
      fc.property(fc.oneof(randomBytes([3], 8), mutated(packets)), (b) => {
        const r = decodeOrDecodeError('tpktFrameLength', tpktFrameLength, b);
        if (typeof r === 'number') expect(r >= 4 && r <= TPKT_MAX_LENGTH).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it('a TPKT claiming 65535 bytes then stopping is "need more bytes" for framing, a DecodeError for decodeTpkt', () => {
    const header = fromHex('03 00 ff ff');
    for (let n = 1; n <= 4; n++) {
      const r = tpktFrameLength(header.subarray(0, n));
      if (n < 4) expect(r).toBeNull();
      else expect(r).toBe(65535);
    }
    const some = fromHex('03 00 ff ff 02 f0 80 7f 66');
    expect(tpktFrameLength(some)).toBe(65535); // > some.length: the transport keeps reading
    expect(decodeOrDecodeError('decodeTpkt', decodeTpkt, some)).toBeInstanceOf(DecodeError);
    expect(decodeOrDecodeError('tpktFrameLength', tpktFrameLength, fromHex('03 00 00 03'))).toBeInstanceOf(DecodeError);
    expect(decodeOrDecodeError('tpktFrameLength', tpktFrameLength, fromHex('16 03 01 00'))).toBeInstanceOf(DecodeError);
  });

  it('round-trip: decodeTpkt(encodeTpkt(p)) is p; framing agrees; every strict prefix fails', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 300 }), (p) => {
        const pkt = encodeTpkt(p);
        expect(toHex(decodeTpkt(pkt))).toBe(toHex(p));
        expect(tpktFrameLength(pkt)).toBe(pkt.length);
        for (let n = 0; n < pkt.length; n++) {
          const f = tpktFrameLength(pkt.subarray(0, n));
          expect(f === null || f === pkt.length).toBe(true);
        }
        expectPrefixesFail('decodeTpkt', decodeTpkt, pkt);
      }),
      { numRuns: Math.max(1, Math.floor(RUNS / 3)) },
    );
  });

  regressions('tpkt', decodeTpkt);
});

describe('fuzz: X.224', () => {
  const crs = seedsOf('x224-connection-request');
  const ccs = seedsOf('connection-answer').map((p) => p.subarray(4));
  fuzz('decodeConnectionRequest', decodeConnectionRequest, [randomBytes(), randomBytes([0x20, 0xe0]), mutated(crs)]);
  fuzz('decodeConnectionAnswer', decodeConnectionAnswer, [randomBytes(), randomBytes([0x06, 0xd0]), randomBytes([0x06, 0x80]), mutated(ccs)]);
  fuzz('decodeConnectionAnswer + decodeNegotiationAnswer', decodeCcNegotiation, [mutated(ccs)]);
  fuzz('decodeDataTpdu', decodeDataTpdu, [randomBytes([], 8), randomBytes([2, 0xf0]), mutated([fromHex('02 f0 80 7f 66 00')])]);

  const line = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
  // A routingToken is any line but one that would read as the cookie (and it cannot be empty: that is no token).
  const routingToken = line.filter((t) => t.length > 0 && !t.startsWith('Cookie: mstshash='));
  const negReq = fc.oneof(
    fc.record({ flags: fc.integer({ min: 0, max: 255 }).map((f) => f & ~CORRELATION_INFO_PRESENT), requestedProtocols: fc.nat({ max: 0xffffffff }) }),
    fc.record({
      flags: fc.integer({ min: 0, max: 255 }).map((f) => f | CORRELATION_INFO_PRESENT),
      requestedProtocols: fc.nat({ max: 0xffffffff }),
      correlationId: fc.uint8Array({ minLength: 16, maxLength: 16 }),
    }),
  );

  it('round-trip: Connection Request (routingToken or cookie, RDP_NEG_REQ with or without correlation info); every strict prefix fails', () => {
    fc.assert(
      fc.property(fc.oneof(fc.record({ routingToken, cookie: fc.constant(null) }), fc.record({ routingToken: fc.constant(null), cookie: fc.option(line) })), fc.option(negReq), (head, neg) => {
        const negotiation = neg === null ? new Uint8Array(0) : encodeRdpNegReq(neg);
        const tpdu = encodeConnectionRequest({ ...head, negotiation });
        expect(decodeConnectionRequest(tpdu)).toEqual({ ...head, negotiation, negReq: neg });
        expectPrefixesFail('decodeConnectionRequest', decodeConnectionRequest, tpdu);
      }),
      { numRuns: RUNS },
    );
  });

  it('round-trip: Data TPDU', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 100 }), (p) => {
        const t = encodeDataTpdu(p);
        expect(toHex(decodeDataTpdu(t))).toBe(toHex(p));
        expectPrefixesFail('decodeDataTpdu', decodeDataTpdu, t, (n) => n >= 3);
      }),
      { numRuns: RUNS },
    );
  });

  regressions('x224-connection-request', decodeConnectionRequest);
  regressions('x224-connection-answer', decodeCcNegotiation);
});

describe('fuzz: negotiation', () => {
  const negs = seedsOf('connection-answer')
    .map((p) => p.subarray(11))
    .filter((n) => n.length > 0);
  fuzz('decodeNegotiationAnswer', decodeNegotiationAnswer, [randomBytes([], 12), randomBytes([2, 0, 8, 0], 6), randomBytes([3, 0, 8, 0], 6), mutated(negs)]);
  fuzz('decodeRdpNegReq', decodeRdpNegReq, [
    randomBytes([], 12),
    randomBytes([1, 0, 8, 0], 6),
    randomBytes([1, CORRELATION_INFO_PRESENT, 8, 0, 0x0b, 0, 0, 0, 6, 0, 0x24, 0], 36),
    mutated([encodeRdpNegReq({ flags: 0, requestedProtocols: 0x0b }), encodeRdpNegReq({ flags: CORRELATION_INFO_PRESENT, requestedProtocols: 0x0b, correlationId: new Uint8Array(16).fill(0x11) })]),
  ]);

  const u8 = fc.integer({ min: 0, max: 255 });
  const u32 = fc.nat({ max: 0xffffffff });

  it('round-trip: RDP_NEG_REQ (with its correlation info when flagged), RDP_NEG_RSP, RDP_NEG_FAILURE; every strict prefix fails (except empty: no negotiation)', () => {
    fc.assert(
      fc.property(u8, u32, fc.uint8Array({ minLength: 16, maxLength: 16 }), (flags, v, id) => {
        const reqValue = flags & CORRELATION_INFO_PRESENT ? { flags, requestedProtocols: v, correlationId: id } : { flags, requestedProtocols: v };
        const req = encodeRdpNegReq(reqValue);
        expect(decodeRdpNegReq(req)).toEqual(reqValue);
        expectPrefixesFail('decodeRdpNegReq', decodeRdpNegReq, req);
        const rsp = encodeRdpNegRsp({ flags, selectedProtocol: v });
        expect(decodeNegotiationAnswer(rsp)).toEqual({ type: 'response', flags, selectedProtocol: v });
        expectPrefixesFail('decodeNegotiationAnswer', decodeNegotiationAnswer, rsp, (n) => n === 0);
        const fail = encodeRdpNegFailure({ flags, failureCode: v });
        expect(decodeNegotiationAnswer(fail)).toEqual({ type: 'failure', flags, failureCode: v });
        expectPrefixesFail('decodeNegotiationAnswer', decodeNegotiationAnswer, fail, (n) => n === 0);
      }),
      { numRuns: RUNS },
    );
  });

  regressions('negotiation-answer', decodeNegotiationAnswer);
  regressions('rdp-neg-req', decodeRdpNegReq);
});

describe('fuzz: parseConnectionAnswer (TPKT + X.224 + negotiation)', () => {
  const packets = seedsOf('connection-answer');
  fuzz('parseConnectionAnswer', parseConnectionAnswer, [randomBytes([3, 0], 24), randomBytes([3, 0, 0, 0x13, 0x0e, 0xd0], 16), mutated(packets)]);

  const confirm = (neg: Uint8Array): Uint8Array => encodeTpkt(Uint8Array.from([6 + neg.length, 0xd0, 0, 0, 0x12, 0x34, 0, ...neg]));

  it('round-trip through a Connection Confirm; every strict prefix fails', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 255 }), fc.nat({ max: 0xffffffff }), fc.boolean(), (flags, v, ok) => {
        const pkt = confirm(ok ? encodeRdpNegRsp({ flags, selectedProtocol: v }) : encodeRdpNegFailure({ flags, failureCode: v }));
        expect(parseConnectionAnswer(pkt)).toEqual(ok ? { type: 'response', flags, selectedProtocol: v } : { type: 'failure', flags, failureCode: v });
        expectPrefixesFail('parseConnectionAnswer', parseConnectionAnswer, pkt);
      }),
      { numRuns: RUNS },
    );
    expect(parseConnectionAnswer(confirm(new Uint8Array(0)))).toEqual({ type: 'none' });
  });

  regressions('connection-answer', parseConnectionAnswer);
});
