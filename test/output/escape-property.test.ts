import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { forCsvCell, forTerminal, forXml, toSafeJson } from '../../src/output/escape.js';
import { parseXml } from './xml.js';

const UNSAFE_TERMINAL = /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Strings rich in what servers should not send: controls, bidi, surrogate halves, markup and separators. */
const nasty = fc.string({
  unit: fc.oneof(
    fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }),
    fc.constantFrom('\x1b', '\x9b', '\u202e', '\u2066', '\ud800', '\udc00', '<', '&', '"', "'", ',', '\r', '\n', '=', '+', '-', '@', '\t', '\uff1d'),
  ),
  maxLength: 40,
});

describe('escaping properties', () => {
  it('forTerminal never lets an unsafe code unit through', () => {
    fc.assert(fc.property(nasty, (s) => !UNSAFE_TERMINAL.test(forTerminal(s))));
  });

  it('forXml always yields text that parses back, minus forbidden characters', () => {
    fc.assert(
      fc.property(nasty, (s) => {
        const el = parseXml(`<a v="${forXml(s)}">${forXml(s)}</a>`);
        const expected = s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '');
        expect(el.attrs['v']).toBe(expected);
        expect(el.text).toBe(expected);
      }),
    );
  });

  it('forCsvCell never starts a formula and is a single RFC 4180 field', () => {
    fc.assert(
      fc.property(nasty, (s) => {
        const cell = forCsvCell(s);
        const unquoted = cell.startsWith('"') ? cell.slice(1, -1).replace(/""/g, '"') : cell;
        if (!cell.startsWith('"')) expect(cell).not.toMatch(/[",\r\n]/);
        else expect(cell.slice(1, -1).replace(/""/g, '')).not.toContain('"');
        expect(unquoted).not.toMatch(/^[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20]/);
      }),
    );
  });

  it('toSafeJson round-trips any string', () => {
    fc.assert(fc.property(nasty, (s) => JSON.parse(toSafeJson({ s })).s === s));
  });
});
