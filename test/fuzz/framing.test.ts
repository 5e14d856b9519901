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
  decodeNegotiationAnswer,
  decodeRdpNegReq,
  encodeRdpNegFailure,
  encodeRdpNegReq,
  encodeRdpNegRsp,
} from '../../protocol/negotiation.js';
import { parseConnectionAnswer } from '../../protocol/connection.js';

// ------------------------------------------------------------------------------------------ shared harness
// (each fuzz file carries this small block so the suite needs no module outside test/fuzz/*.test.ts)

/** Runs per property; RDPROBE_FUZZ_RUNS=100000 for a long campaign. */
const RUNS = Math.max(1, Math.floor(Number(process.env['RDPROBE_FUZZ_RUNS'] ?? '') || 300));
const CORPUS = new URL('./corpus/', import.meta.url);

interface Entry {
  name: string;
  comment: string;
  bytes: Uint8Array;
}

/** Every corpus/<kind>/<dir>/*.hex file: first line is a `#` comment saying what the input is. */
function corpus(kind: 'seeds' | 'regressions', dir: string): Entry[] {
  const url = new URL(`${kind}/${dir}/`, CORPUS);
  if (!existsSync(url)) return [];
  return readdirSync(url)
    .filter((f) => f.endsWith('.hex'))
    .sort()
    .map((f) => {
      const text = readFileSync(new URL(f, url), 'utf8');
      const first = text.split('\n')[0] ?? '';
      if (!first.startsWith('#')) throw new Error(`${kind}/${dir}/${f}: first line must be a # comment`);
      return { name: f.replace(/\.hex$/, ''), comment: first.replace(/^#\s*/, ''), bytes: fromHex(text) };
    });
}

const seedsOf = (dir: string): Uint8Array[] => {
  const s = corpus('seeds', dir).map((e) => e.bytes);
  if (s.length === 0) throw new Error(`no seeds in corpus/seeds/${dir}`);
  return s;
};

/** Calls the decoder; returns its value or the DecodeError, and fails with the input's hex on anything else. */
function decodeOrDecodeError<T>(name: string, decode: (b: Uint8Array) => T, input: Uint8Array): T | DecodeError {
  let out: T;
  try {
    out = decode(input);
  } catch (e) {
    if (e instanceof DecodeError) {
      // Offsets count from the start of the input, so they point inside it (or just past its end for truncation).
      if (!Number.isInteger(e.offset) || e.offset < 0 || e.offset > input.length) {
        throw new Error(`${name}: DecodeError offset ${e.offset} outside the ${input.length}-byte input ${toHex(input)} (${e.message})`);
      }
      return e;
    }
    const what = e instanceof Error ? `${e.name}: ${e.message}` : String(e);
    throw new Error(`${name} threw ${what} (not a DecodeError) on input ${toHex(input)}`);
  }
  return out;
}

type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; n: number }
  | { op: 'length'; at: number; width: 1 | 2 | 4; le: boolean; value: number }
  | { op: 'duplicate'; at: number; n: number; to: number };

const INTERESTING = [0, 1, 2, 3, 4, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xfe, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x10000, 0x7fffffff, 0xffffffff];

const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('set' as const), at: fc.nat(), value: fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 0x7f, 0x80, 0x81, 0x84, 0xff)) }),
  fc.record({ op: fc.constant('truncate' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), bytes: fc.uint8Array({ minLength: 1, maxLength: 8 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 8 }) }),
  fc.record({
    op: fc.constant('length' as const),
    at: fc.nat(),
    width: fc.constantFrom(1 as const, 2 as const, 4 as const),
    le: fc.boolean(),
    value: fc.oneof(fc.constantFrom(...INTERESTING), fc.nat()),
  }),
  fc.record({ op: fc.constant('duplicate' as const), at: fc.nat(), n: fc.integer({ min: 1, max: 32 }), to: fc.nat() }),
);

function mutate(seed: Uint8Array, ms: readonly Mutation[]): Uint8Array {
  let b = Array.from(seed);
  for (const m of ms) {
    const at = b.length === 0 ? 0 : m.at % (b.length + (m.op === 'insert' || m.op === 'truncate' ? 1 : 0));
    switch (m.op) {
      case 'flip':
        if (b.length > 0) b[at] = b[at]! ^ (1 << m.bit);
        break;
      case 'set':
        if (b.length > 0) b[at] = m.value;
        break;
      case 'truncate':
        b = b.slice(0, at);
        break;
      case 'insert':
        b.splice(at, 0, ...m.bytes);
        break;
      case 'delete':
        b.splice(at, m.n);
        break;
      case 'length': {
        const v = m.value >>> 0;
        const bytes = m.width === 1 ? [v & 0xff] : m.width === 2 ? [(v >>> 8) & 0xff, v & 0xff] : [v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff];
        if (m.le) bytes.reverse();
        for (let i = 0; i < bytes.length && at + i < b.length; i++) b[at + i] = bytes[i]!;
        break;
      }
      case 'duplicate': {
        const part = b.slice(at, at + m.n);
        b.splice(b.length === 0 ? 0 : m.to % (b.length + 1), 0, ...part);
        break;
      }
    }
  }
  return Uint8Array.from(b);
}

/** Seeds mutated 1 to 4 times (bit flips, byte replacements, truncations, insertions, length-field corruptions). */
const mutated = (seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.constantFrom(...seeds), fc.array(mutationArb, { minLength: 1, maxLength: 4 })).map(([s, ms]) => mutate(s, ms));

/** Random bytes, optionally behind a fixed prefix so the decoder gets past its first checks. */
const randomBytes = (prefix: readonly number[] = [], maxLength = 64): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ maxLength }).map((b) => Uint8Array.from([...prefix, ...b]));

/** Property: the decoder returns or throws DecodeError, for random bytes and for mutated seeds. */
function fuzz<T>(name: string, decode: (b: Uint8Array) => T, arbs: fc.Arbitrary<Uint8Array>[]): void {
  it(`${name}: only a value or DecodeError`, () => {
    fc.assert(fc.property(fc.oneof(...arbs), (b) => void decodeOrDecodeError(name, decode, b)), { numRuns: RUNS });
  });
}

/** Every strict prefix (except those in `allowed`) of a valid encoding fails with DecodeError. */
function expectPrefixesFail(name: string, decode: (b: Uint8Array) => unknown, full: Uint8Array, allowed: (n: number) => boolean = () => false): void {
  for (let n = 0; n < full.length; n++) {
    if (allowed(n)) continue;
    const r = decodeOrDecodeError(name, decode, full.subarray(0, n));
    if (!(r instanceof DecodeError)) throw new Error(`${name}: strict prefix of ${n}/${full.length} bytes decoded: ${toHex(full.subarray(0, n))}`);
  }
}

/** Replays corpus/regressions/<dir>: each kept input is its own named test. */
function regressions<T>(dir: string, decode: (b: Uint8Array) => T): void {
  for (const e of corpus('regressions', dir)) {
    it(`regression ${dir}/${e.name}: ${e.comment}`, () => void decodeOrDecodeError(dir, decode, e.bytes));
  }
}
// ------------------------------------------------------------------------------------------ end of harness

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
  // Every regression directory must be one some fuzz file replays, or its inputs would silently never run.
  const REPLAYED = [
    'tpkt', 'x224-connection-request', 'x224-connection-answer', 'negotiation-answer', 'rdp-neg-req', 'connection-answer',
    'tsrequest', 'tsrequest-length', 'ntlm-challenge', 'ntlm-negotiate', 'av-pairs',
    'mcs-connect-response', 'mcs-connect-initial', 'gcc-conference-create-response', 'gcc-server-user-data', 'gcc-client-user-data',
    'server-certificate', 'connect-response', 'certificate',
  ];
  it('every corpus/regressions directory is replayed, every .hex file starts with a # comment and parses', () => {
    const root = new URL('regressions/', CORPUS);
    const dirs = existsSync(root) ? readdirSync(root, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name) : [];
    for (const d of dirs) {
      expect(REPLAYED, `corpus/regressions/${d} is not replayed by any fuzz file`).toContain(d);
      expect(() => corpus('regressions', d)).not.toThrow();
    }
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

  const cookie = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 40 });
  const negotiation = fc.oneof(
    fc.constant(new Uint8Array(0)),
    fc.record({ flags: fc.integer({ min: 0, max: 255 }), requestedProtocols: fc.nat({ max: 0xffffffff }) }).map(encodeRdpNegReq),
    fc.uint8Array({ maxLength: 40 }),
  );

  it('round-trip: Connection Request (cookie, negotiation); every strict prefix fails', () => {
    fc.assert(
      fc.property(fc.option(cookie), negotiation, (c, neg) => {
        // Without a cookie, negotiation bytes that themselves spell the cookie prefix are ambiguous by design.
        fc.pre(c !== null || !Buffer.from(neg).toString('latin1').startsWith('Cookie: mstshash='));
        const req = { cookie: c, negotiation: neg };
        const tpdu = encodeConnectionRequest(req);
        const back = decodeConnectionRequest(tpdu);
        expect(back.cookie).toBe(c);
        expect(toHex(back.negotiation)).toBe(toHex(neg));
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
  fuzz('decodeRdpNegReq', decodeRdpNegReq, [randomBytes([], 12), randomBytes([1, 0, 8, 0], 6), mutated([encodeRdpNegReq({ flags: 0, requestedProtocols: 0x0b })])]);

  const u8 = fc.integer({ min: 0, max: 255 });
  const u32 = fc.nat({ max: 0xffffffff });

  it('round-trip: RDP_NEG_REQ, RDP_NEG_RSP, RDP_NEG_FAILURE; every strict prefix fails (except empty: no negotiation)', () => {
    fc.assert(
      fc.property(u8, u32, (flags, v) => {
        const req = encodeRdpNegReq({ flags, requestedProtocols: v });
        expect(decodeRdpNegReq(req)).toEqual({ flags, requestedProtocols: v });
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
