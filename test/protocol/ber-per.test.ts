import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  berApplication,
  berApplicationTag,
  berBoolean,
  berEnumerated,
  berInteger,
  berLength,
  berOctetString,
  berSequence,
  readBerBoolean,
  readBerEnumerated,
  readBerInteger,
  readBerLength,
  readBerOctetString,
  readBerTlv,
  BER_MAX_LENGTH,
  BER_TAG_SEQUENCE,
} from '../../protocol/ber.js';
import {
  readPerInteger,
  readPerInteger16,
  readPerLength,
  readPerNumericString,
  readPerObjectIdentifier,
  readPerOctetString,
  writePerInteger,
  writePerInteger16,
  writePerLength,
  writePerNumericString,
  writePerObjectIdentifier,
  writePerOctetString,
} from '../../protocol/per.js';
import { decodeError } from '../helpers/codec-asserts.js';
import { Reader } from '../../protocol/reader.js';
import { fromHex, toHex, Writer } from '../../protocol/writer.js';

const rd = (hex: string) => new Reader(fromHex(hex), 'mcs');

describe('BER lengths (X.690 8.1.3)', () => {
  const vectors: [string, number][] = [
    ['00', 0],
    ['7f', 0x7f], // short form
    ['81 80', 0x80], // long form, one octet
    ['81 ff', 0xff],
    ['82 01 00', 0x100], // long form, two octets
    ['82 ff ff', 0xffff],
    ['83 01 00 00', 0x10000], // exactly the cap
  ];
  for (const [hex, n] of vectors) {
    it(`${hex} <-> ${n}`, () => {
      const r = rd(hex);
      expect(readBerLength(r, 'x')).toBe(n);
      r.end('x');
      expect(toHex(Uint8Array.from(berLength(n)))).toBe(hex.replace(/ /g, ''));
    });
  }

  it('refuses indefinite length, over-long length forms and lengths above the cap', () => {
    expect(decodeError(() => readBerLength(rd('80'), 'x')).reason).toBe('x: indefinite length is not allowed');
    expect(decodeError(() => readBerLength(rd('85 00 00 00 00 01'), 'x')).reason).toBe('x: length of 5 octets is too long');
    const e = decodeError(() => readBerLength(rd('83 01 00 01'), 'x'));
    expect(e.layer).toBe('ber');
    expect(e.reason).toBe(`x: length 65537 exceeds the cap of ${BER_MAX_LENGTH}`);
    expect(decodeError(() => readBerLength(rd('82 01'), 'x')).reason).toMatch(/truncated x length/);
  });

  it('a claimed length beyond the buffer fails in the sub-reader', () => {
    const e = decodeError(() => readBerTlv(rd('30 05 02 01 00'), [BER_TAG_SEQUENCE], 'seq'));
    expect(e.reason).toBe('truncated seq: need 5 bytes, 3 left');
    expect(e.offset).toBe(2);
  });
});

describe('BER primitives', () => {
  it('INTEGER: minimal two-complement on encode, unsigned on decode (mstsc sends 65535 as 02 02 ff ff)', () => {
    expect(toHex(berInteger(0))).toBe('020100');
    expect(toHex(berInteger(0x22))).toBe('020122');
    expect(toHex(berInteger(0x80))).toBe('02020080');
    expect(toHex(berInteger(0xffff))).toBe('020300ffff');
    expect(toHex(berInteger(0xffffffff))).toBe('020500ffffffff');
    expect(readBerInteger(rd('02 02 ff ff'), 'maxMCSPDUsize')).toBe(0xffff);
    expect(readBerInteger(rd('02 03 00 ff f8'), 'maxMCSPDUsize')).toBe(0xfff8);
    expect(decodeError(() => readBerInteger(rd('02 00'), 'i')).reason).toBe('i: empty integer');
    expect(decodeError(() => readBerInteger(rd('02 05 01 00 00 00 00'), 'i')).reason).toBe('i: integer of 5 octets is too large');
    expect(decodeError(() => readBerInteger(rd('0a 01 00'), 'i')).reason).toBe('i: expected tag INTEGER, got 0x0a');
  });

  it('ENUMERATED, BOOLEAN, OCTET STRING', () => {
    expect(toHex(berEnumerated(14))).toBe('0a010e');
    expect(readBerEnumerated(rd('0a 01 0e'), 'result')).toBe(14);
    expect(toHex(berBoolean(true))).toBe('0101ff');
    expect(readBerBoolean(rd('01 01 ff'), 'b')).toBe(true);
    expect(readBerBoolean(rd('01 01 00'), 'b')).toBe(false);
    expect(decodeError(() => readBerBoolean(rd('01 02 00 00'), 'b')).reason).toMatch(/exceeds the cap of 1/);
    expect(toHex(berOctetString(fromHex('0102')))).toBe('04020102');
    expect(toHex(readBerOctetString(rd('04 02 01 02'), 's'))).toBe('0102');
  });

  it('application tags use the high-tag-number form from 31 up', () => {
    expect(berApplicationTag(101)).toEqual([0x7f, 0x65]); // Connect-Initial
    expect(berApplicationTag(102)).toEqual([0x7f, 0x66]); // Connect-Response
    expect(berApplicationTag(5)).toEqual([0x65]);
    expect(toHex(berApplication(101, berSequence(berInteger(1))))).toBe('7f6505' + '3003020101');
    const e = decodeError(() => readBerTlv(rd('7f 66 00'), berApplicationTag(101), 'Connect-Initial'));
    expect(e.reason).toBe('Connect-Initial: expected tag 7f 65, got 0x66');
    expect(e.offset).toBe(1);
  });

  it('property: integers and octet strings round-trip, and every strict prefix fails', () => {
    fc.assert(
      fc.property(fc.nat({ max: 0xffffffff }), fc.uint8Array({ maxLength: 300 }), (n, s) => {
        const bytes = berSequence(berInteger(n), berOctetString(s));
        const r = new Reader(bytes, 'mcs');
        const c = readBerTlv(r, [BER_TAG_SEQUENCE], 'seq');
        expect(readBerInteger(c, 'n')).toBe(n);
        expect(toHex(readBerOctetString(c, 's'))).toBe(toHex(s));
        c.end('seq');
        for (let i = 0; i < bytes.length; i++) {
          decodeError(() => {
            const p = new Reader(bytes.subarray(0, i), 'mcs');
            const pc = readBerTlv(p, [BER_TAG_SEQUENCE], 'seq');
            readBerInteger(pc, 'n');
            readBerOctetString(pc, 's');
          });
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('aligned PER (X.691) as T.124 uses it', () => {
  const pr = (hex: string) => new Reader(fromHex(hex), 'gcc');
  const written = (f: (w: Writer) => void) => {
    const w = new Writer();
    f(w);
    return toHex(w.finish());
  };

  it('length determinant: one octet below 0x80, else 0x8000 | n', () => {
    expect(readPerLength(pr('2a'), 'l')).toBe(0x2a);
    expect(readPerLength(pr('81 08'), 'l')).toBe(0x108);
    expect(readPerLength(pr('bf ff'), 'l')).toBe(0x3fff);
    expect(written((w) => writePerLength(w, 0x7f))).toBe('7f');
    expect(written((w) => writePerLength(w, 0x136))).toBe('8136');
    const e = decodeError(() => readPerLength(pr('c1'), 'l'));
    expect(e.layer).toBe('per');
    expect(e.reason).toBe('l: fragmented length determinant 0xc1 is not supported');
  });

  it('object identifier 0.0.20.124.0.1 (t124Identifier)', () => {
    expect(readPerObjectIdentifier(pr('05 00 14 7c 00 01'), 'oid')).toEqual([0, 0, 20, 124, 0, 1]);
    expect(written((w) => writePerObjectIdentifier(w, [0, 0, 20, 124, 0, 1]))).toBe('0500147c0001');
    expect(written((w) => writePerObjectIdentifier(w, [1, 2, 840, 113549]))).toBe('062a864886f70d');
    expect(readPerObjectIdentifier(pr('06 2a 86 48 86 f7 0d'), 'oid')).toEqual([1, 2, 840, 113549]);
    expect(decodeError(() => readPerObjectIdentifier(pr('01 86'), 'oid')).reason).toBe('oid: object identifier ends inside an arc');
    expect(decodeError(() => readPerObjectIdentifier(pr('00'), 'oid')).reason).toBe('oid: empty object identifier');
  });

  it('numeric string (min 1): "1" is 00 10', () => {
    expect(readPerNumericString(pr('00 10'), 1, 'name')).toBe('1');
    expect(written((w) => writePerNumericString(w, '1', 1))).toBe('0010');
    expect(written((w) => writePerNumericString(w, '1234', 1))).toBe('031234');
    expect(readPerNumericString(pr('03 12 34'), 1, 'name')).toBe('1234');
    expect(decodeError(() => readPerNumericString(pr('00 a0'), 1, 'name')).reason).toBe('name: nibble 0xa is not a digit');
  });

  it('octet string with a minimum size, integer16, unconstrained integer', () => {
    expect(toHex(readPerOctetString(pr('00 4d 63 44 6e'), 4, 'key'))).toBe('4d63446e'); // "McDn"
    expect(written((w) => writePerOctetString(w, fromHex('44756361'), 4))).toBe('0044756361'); // "Duca"
    expect(readPerInteger16(pr('76 0a'), 1001, 'nodeID')).toBe(31219);
    expect(written((w) => writePerInteger16(w, 31219, 1001))).toBe('760a');
    expect(readPerInteger(pr('01 01'), 'tag')).toBe(1);
    expect(readPerInteger(pr('02 01 00'), 'tag')).toBe(256);
    expect(written((w) => writePerInteger(w, 0x10000))).toBe('0400010000');
    expect(decodeError(() => readPerInteger(pr('05 00 00 00 00 00'), 'tag')).reason).toBe('tag: integer of 5 octets is not supported');
  });

  it('property: lengths, numeric strings and octet strings round-trip; strict prefixes fail', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,40}$/), fc.uint8Array({ maxLength: 600 }), (digits, bytes) => {
        const w = new Writer();
        writePerNumericString(w, digits, 1);
        writePerOctetString(w, bytes, 0);
        const enc = w.finish();
        const r = new Reader(enc, 'gcc');
        expect(readPerNumericString(r, 1, 'n')).toBe(digits);
        expect(toHex(readPerOctetString(r, 0, 's'))).toBe(toHex(bytes));
        r.end('pdu');
        for (let i = 0; i < enc.length; i++) {
          decodeError(() => {
            const p = new Reader(enc.subarray(0, i), 'gcc');
            readPerNumericString(p, 1, 'n');
            readPerOctetString(p, 0, 's');
          });
        }
      }),
      { numRuns: 100 },
    );
  });
});
