/**
 * Shared harness of the fuzz suite (test/fuzz/*.test.ts): run counts, the corpus reader, the mutators, and the
 * "a value or DecodeError" checks. See test/fuzz/README.md.
 */
import fc from 'fast-check';
import { it } from 'vitest';
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { DecodeError } from '../../protocol/errors.js';
import { fromHex, toHex } from '../../protocol/writer.js';

/** Runs per property; RDPROBE_FUZZ_RUNS=100000 for a long campaign. */
export const RUNS = Math.max(1, Math.floor(Number(process.env['RDPROBE_FUZZ_RUNS'] ?? '') || 300));
export const CORPUS = new URL('./corpus/', import.meta.url);

/**
 * What a regression input must give, beyond "a value or DecodeError": a `# expect: value` or
 * `# expect: DecodeError` comment line, optionally with the offset the error must point at and words its reason
 * contains: `# expect: DecodeError at 7 "not a TLS record"`.
 */
export type Expectation = { kind: 'value' } | { kind: 'DecodeError'; offset: number | null; reason: string | null };

export interface Entry {
  name: string;
  comment: string;
  bytes: Uint8Array;
  expect: Expectation | null;
}

const EXPECT_LINE = /^#\s*expect:\s*(.*?)\s*$/;
const EXPECTATION = /^(value|DecodeError)(?:\s+at\s+(\d+))?(?:\s+"([^"]+)")?$/;

function parseExpectation(text: string, where: string): Expectation | null {
  const lines = text.split('\n').flatMap((l) => {
    const m = EXPECT_LINE.exec(l.trim());
    return m ? [m[1]!] : [];
  });
  if (lines.length === 0) return null;
  if (lines.length > 1) throw new Error(`${where}: more than one "# expect:" line`);
  const m = EXPECTATION.exec(lines[0]!);
  if (!m || (m[1] === 'value' && (m[2] !== undefined || m[3] !== undefined))) {
    throw new Error(`${where}: "# expect: ${lines[0]}" is neither "value" nor "DecodeError" (optionally followed by "at <offset>" and "reason words")`);
  }
  return m[1] === 'value' ? { kind: 'value' } : { kind: 'DecodeError', offset: m[2] === undefined ? null : Number(m[2]), reason: m[3] ?? null };
}

/** Every corpus/<kind>/<dir>/*.hex file: first line is a `#` comment saying what the input is. [] if no such directory. */
export function corpus(kind: 'seeds' | 'regressions', dir: string): Entry[] {
  const url = new URL(`${kind}/${dir}/`, CORPUS);
  if (!existsSync(url)) return [];
  return readdirSync(url)
    .filter((f) => f.endsWith('.hex'))
    .sort()
    .map((f) => {
      const where = `corpus/${kind}/${dir}/${f}`;
      const text = readFileSync(new URL(f, url), 'utf8');
      const first = text.split('\n')[0] ?? '';
      if (!/^#\s*\S/.test(first)) throw new Error(`${where}: first line must be a # comment saying what the input is`);
      let bytes: Uint8Array;
      try {
        bytes = fromHex(text);
      } catch (e) {
        throw new Error(`${where}: ${(e as Error).message}`);
      }
      return { name: f.replace(/\.hex$/, ''), comment: first.replace(/^#\s*/, ''), bytes, expect: parseExpectation(text, where) };
    });
}

/** corpus/regressions/<dir>, which must exist and hold at least one .hex file (else a suite would silently replay nothing). */
export function regressionEntries(dir: string): Entry[] {
  const entries = corpus('regressions', dir);
  if (entries.length === 0) {
    const url = new URL(`regressions/${dir}/`, CORPUS);
    throw new Error(`corpus/regressions/${dir}/ ${existsSync(url) ? 'holds no .hex file' : 'does not exist'}: a replayed directory must hold at least one input (see test/fuzz/README.md)`);
  }
  return entries;
}

export const seedsOf = (dir: string): Uint8Array[] => {
  const s = corpus('seeds', dir).map((e) => e.bytes);
  if (s.length === 0) throw new Error(`no seeds in corpus/seeds/${dir}`);
  return s;
};

/** Calls the decoder; returns its value or the DecodeError, and fails with the input's hex on anything else. */
export function decodeOrDecodeError<T>(name: string, decode: (b: Uint8Array) => T, input: Uint8Array): T | DecodeError {
  let out: T;
  try {
    out = decode(input);
  } catch (e) {
    return onlyDecodeError(name, e, input);
  }
  return out;
}

/** decodeOrDecodeError for a decoder that may return a promise (analyzeCertificate): awaits it, same checks. */
export async function settleOrDecodeError<T>(name: string, decode: (b: Uint8Array) => T | Promise<T>, input: Uint8Array): Promise<T | DecodeError> {
  try {
    return await decode(input);
  } catch (e) {
    return onlyDecodeError(name, e, input);
  }
}

/** The bytes as a Node Buffer over an ArrayBuffer of their own (not Buffer's shared pool), the way a socket hands them over. */
export function asBuffer(b: Uint8Array): Buffer {
  const ab = new ArrayBuffer(b.length);
  new Uint8Array(ab).set(b);
  return Buffer.from(ab);
}

/** The first path in `value` (depth first) at which a typed array shares `input`'s memory, or null. */
export function viewOf(input: Uint8Array, value: unknown, path = 'result', seen = new Set<object>()): string | null {
  if (ArrayBuffer.isView(value)) return value.buffer === input.buffer ? path : null;
  if (typeof value !== 'object' || value === null || seen.has(value)) return null;
  seen.add(value);
  const entries: [string, unknown][] = value instanceof Map ? [...value.entries()].map(([k, v]) => [String(k), v]) : Object.entries(value);
  for (const [k, v] of entries) {
    const found = viewOf(input, v, `${path}.${k}`, seen);
    if (found !== null) return found;
  }
  return null;
}

/**
 * The decoder run on the input as a Node Buffer (whose slice() is a view): the value, or the DecodeError, may not
 * hold a view of that Buffer (a decoded byte field must be a copy), and the Buffer must be as it was (nothing
 * writes into a caller's bytes). Fails naming the input otherwise.
 */
export async function expectCopiesFromBuffer<T>(name: string, decode: (b: Uint8Array) => T | Promise<T>, input: Uint8Array): Promise<void> {
  const buf = asBuffer(input);
  const out = await settleOrDecodeError(name, decode, buf);
  const path = out instanceof DecodeError ? null : viewOf(buf, out);
  if (path !== null) throw new Error(`${name}: ${path} is a view of the input Buffer, not a copy, on input ${toHex(input)}`);
  if (!buf.equals(input)) throw new Error(`${name} wrote into its input Buffer: ${toHex(input)} became ${toHex(buf)}`);
}

/** expectCopiesFromBuffer for a decoder known to be synchronous (inside fast-check's synchronous properties). */
export function expectCopiesFromBufferSync<T>(name: string, decode: (b: Uint8Array) => T, input: Uint8Array): void {
  const buf = asBuffer(input);
  const out = decodeOrDecodeError(name, decode, buf);
  const path = out instanceof DecodeError ? null : viewOf(buf, out);
  if (path !== null) throw new Error(`${name}: ${path} is a view of the input Buffer, not a copy, on input ${toHex(input)}`);
  if (!buf.equals(input)) throw new Error(`${name} wrote into its input Buffer: ${toHex(input)} became ${toHex(buf)}`);
}

/** Returns a DecodeError whose offset points into the input; throws, naming the input, for anything else. */
function onlyDecodeError(name: string, e: unknown, input: Uint8Array): DecodeError {
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

export type Mutation =
  | { op: 'flip'; at: number; bit: number }
  | { op: 'set'; at: number; value: number }
  | { op: 'truncate'; at: number }
  | { op: 'insert'; at: number; bytes: Uint8Array }
  | { op: 'delete'; at: number; n: number }
  | { op: 'length'; at: number; width: 1 | 2 | 4; le: boolean; value: number }
  | { op: 'duplicate'; at: number; n: number; to: number };

export const INTERESTING = [0, 1, 2, 3, 4, 0x7f, 0x80, 0x81, 0x82, 0x84, 0xfe, 0xff, 0x100, 0x7fff, 0x8000, 0xfffe, 0xffff, 0x10000, 0x7fffffff, 0xffffffff];

export const mutationArb: fc.Arbitrary<Mutation> = fc.oneof(
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

export function mutate(seed: Uint8Array, ms: readonly Mutation[]): Uint8Array {
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
export const mutated = (seeds: readonly Uint8Array[]): fc.Arbitrary<Uint8Array> =>
  fc.tuple(fc.constantFrom(...seeds), fc.array(mutationArb, { minLength: 1, maxLength: 4 })).map(([s, ms]) => mutate(s, ms));

/** Random bytes, optionally behind a fixed prefix so the decoder gets past its first checks. */
export const randomBytes = (prefix: readonly number[] = [], maxLength = 64): fc.Arbitrary<Uint8Array> =>
  fc.uint8Array({ maxLength }).map((b) => Uint8Array.from([...prefix, ...b]));

/**
 * Property: the decoder returns or throws DecodeError, for random bytes and for mutated seeds; and given the same
 * bytes in a Node Buffer, its value holds no view of that Buffer and the Buffer is left as it was.
 */
export function fuzz<T>(name: string, decode: (b: Uint8Array) => T, arbs: fc.Arbitrary<Uint8Array>[]): void {
  it(`${name}: only a value or DecodeError, holding copies`, () => {
    fc.assert(
      fc.property(fc.oneof(...arbs), (b) => {
        decodeOrDecodeError(name, decode, b);
        expectCopiesFromBufferSync(name, decode, b);
      }),
      { numRuns: RUNS },
    );
  });
}

/** Every strict prefix (except those in `allowed`) of a valid encoding fails with DecodeError. */
export function expectPrefixesFail(name: string, decode: (b: Uint8Array) => unknown, full: Uint8Array, allowed: (n: number) => boolean = () => false): void {
  for (let n = 0; n < full.length; n++) {
    if (allowed(n)) continue;
    const r = decodeOrDecodeError(name, decode, full.subarray(0, n));
    if (!(r instanceof DecodeError)) throw new Error(`${name}: strict prefix of ${n}/${full.length} bytes decoded: ${toHex(full.subarray(0, n))}`);
  }
}

/**
 * Replays corpus/regressions/<dir>: each kept input is its own named test, which fails on anything but a value or
 * a DecodeError, on a result other than its `# expect:` line says, and when the value decoded from the input in a
 * Node Buffer holds a view of that Buffer (expectCopiesFromBuffer). A missing or empty directory, or a file
 * that does not parse, is a failing test named after the directory: a typo or a deleted folder cannot silently
 * turn the replay off. framing.test.ts checks the other direction (every directory on disk is replayed).
 */
export function regressions<T>(dir: string, decode: (b: Uint8Array) => T | Promise<T>): void {
  let entries: Entry[];
  try {
    entries = regressionEntries(dir);
  } catch (e) {
    const reason = (e as Error).message;
    it(`regression ${dir}: corpus/regressions/${dir} exists and every input in it parses`, () => {
      throw new Error(reason);
    });
    return;
  }
  for (const e of entries) {
    it(`regression ${dir}/${e.name}: ${e.comment}`, async () => {
      const r = await settleOrDecodeError(`${dir}/${e.name}`, decode, e.bytes);
      await expectCopiesFromBuffer(`${dir}/${e.name}`, decode, e.bytes);
      if (e.expect === null) return;
      if (e.expect.kind === 'value' && r instanceof DecodeError) {
        throw new Error(`${dir}/${e.name}: expected a value, got ${r.message}`);
      }
      if (e.expect.kind === 'DecodeError') {
        if (!(r instanceof DecodeError)) throw new Error(`${dir}/${e.name}: expected a DecodeError, got a value`);
        if (e.expect.reason !== null && !r.reason.includes(e.expect.reason)) {
          throw new Error(`${dir}/${e.name}: expected a DecodeError whose reason contains "${e.expect.reason}", got ${r.message}`);
        }
        if (e.expect.offset !== null && r.offset !== e.expect.offset) {
          throw new Error(`${dir}/${e.name}: expected a DecodeError at offset ${e.expect.offset}, got ${r.message}`);
        }
      }
    });
  }
}
