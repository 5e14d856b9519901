import { describe, expect, it } from 'vitest';
import { forCsvCell, forTerminal, forXml, toSafeJson } from '../../src/output/escape.js';
import { forWorkflowData, forWorkflowProperty } from '../../src/output/escape.js';

// eslint-disable-next-line no-control-regex
const RAW_CONTROL = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('forTerminal', () => {
  it('neutralises CSI clear-screen', () => {
    const out = forTerminal('a\x1b[2Jb');
    expect(out).toBe('a\\x1b[2Jb');
    expect(out).not.toContain('\x1b');
  });

  it('neutralises OSC 8 hyperlinks (both ESC \\ and BEL terminators)', () => {
    const out = forTerminal('\x1b]8;;https://evil.example/\x1b\\click\x1b]8;;\x07');
    expect(out).toBe('\\x1b]8;;https://evil.example/\\x1b\\click\\x1b]8;;\\x07');
    expect(out).not.toMatch(RAW_CONTROL);
  });

  it('shows bidi overrides, embeddings and isolates', () => {
    expect(forTerminal('cod\u202egnp.exe')).toBe('cod\\u202egnp.exe');
    for (const cp of [0x202a, 0x202b, 0x202c, 0x202d, 0x202e, 0x2066, 0x2067, 0x2068, 0x2069, 0x200e, 0x200f]) {
      const out = forTerminal(`x${String.fromCharCode(cp)}y`);
      expect(out).toBe(`x\\u${cp.toString(16)}y`);
    }
  });

  it('escapes C1 controls such as the 8-bit CSI 0x9b', () => {
    expect(forTerminal('\u009b31mred')).toBe('\\x9b31mred');
    expect(forTerminal('\u0085\u009d')).toBe('\\x85\\x9d');
  });

  it('escapes every C0 control and DEL, including newlines and tabs', () => {
    expect(forTerminal('a\r\nb\tc\x00\x7f')).toBe('a\\x0d\\x0ab\\x09c\\x00\\x7f');
    for (let c = 0; c < 0x20; c++) expect(forTerminal(String.fromCharCode(c))).not.toMatch(RAW_CONTROL);
  });

  it('escapes lone surrogates and line separators but keeps real text', () => {
    expect(forTerminal('a\ud800b')).toBe('a\\ud800b');
    expect(forTerminal('a\udc00')).toBe('a\\udc00');
    expect(forTerminal('x\u2028y')).toBe('x\\u2028y');
    const text = 'Zürich-ДЦ01 \u{1f600} 東京 DOMAIN\\user';
    expect(forTerminal(text)).toBe(text);
  });
});

describe('forCsvCell', () => {
  it('prefixes formula starters with a single quote', () => {
    expect(forCsvCell("=cmd|' /C calc'!A0")).toBe("'=cmd|' /C calc'!A0");
    expect(forCsvCell('+1+1')).toBe("'+1+1");
    expect(forCsvCell('-2+3')).toBe("'-2+3");
    expect(forCsvCell('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(forCsvCell('\t=1')).toBe("'\t=1");
    expect(forCsvCell('\r=1')).toBe('"\'\r=1"');
  });

  it('catches full-width and small-form variants', () => {
    for (const c of ['\uff1d', '\uff0b', '\uff0d', '\uff20', '\ufe62', '\ufe63', '\ufe66']) {
      expect(forCsvCell(`${c}1`)).toBe(`'${c}1`);
    }
  });

  it('keeps our own negative numbers numeric but quotes server strings that look like them', () => {
    expect(forCsvCell(-12)).toBe('-12');
    expect(forCsvCell(3389)).toBe('3389');
    expect(forCsvCell('-12')).toBe("'-12");
    expect(forCsvCell(Number.NaN)).toBe('');
  });

  it('writes booleans and null as true/false/empty', () => {
    expect(forCsvCell(true)).toBe('true');
    expect(forCsvCell(false)).toBe('false');
    expect(forCsvCell(null)).toBe('');
    expect(forCsvCell(undefined)).toBe('');
  });

  it('quotes cells with quotes, commas and newlines (RFC 4180)', () => {
    expect(forCsvCell('plain')).toBe('plain');
    expect(forCsvCell('a,b')).toBe('"a,b"');
    expect(forCsvCell('say "hi"')).toBe('"say ""hi"""');
    expect(forCsvCell('line1\nline2')).toBe('"line1\nline2"');
    expect(forCsvCell('CN=x, O="Evil, Inc"\r\n=1')).toBe('"CN=x, O=""Evil, Inc""\r\n=1"');
  });

  it('shows terminal escapes and bidi controls instead of storing them raw', () => {
    expect(forCsvCell('a\x1b[2Jb\u202e')).toBe('a\\x1b[2Jb\\u202e');
  });
});

describe('forXml', () => {
  it('escapes all five predefined entities', () => {
    expect(forXml(`<a href="x">'&'</a>`)).toBe('&lt;a href=&quot;x&quot;&gt;&apos;&amp;&apos;&lt;/a&gt;');
  });

  it('drops characters XML 1.0 forbids and keeps TAB/LF/CR as references', () => {
    expect(forXml('a\x00\x01\x08\x0b\x0c\x0e\x1f\x1bb')).toBe('ab');
    expect(forXml('a\ufffe\uffffb')).toBe('ab');
    expect(forXml('a\tb\nc\rd')).toBe('a&#9;b&#10;c&#13;d');
  });

  it('drops lone surrogates but keeps pairs', () => {
    expect(forXml('a\ud800b\udfffc')).toBe('abc');
    expect(forXml('\ud83d\ude00')).toBe('\ud83d\ude00');
  });
});

describe('toSafeJson', () => {
  it('round-trips and leaves no raw control or bidi character', () => {
    const value = { s: 'a\x1b[2J\u009b\u202e\u2028\ud800z', n: -1 };
    const json = toSafeJson(value);
    expect(json).not.toMatch(RAW_CONTROL);
    expect(json).not.toContain('\u2028');
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('workflow command escaping', () => {
  it('escapes data and properties', () => {
    expect(forWorkflowData('100%\r\n::x')).toBe('100%25%0D%0A::x');
    expect(forWorkflowProperty('a:b,c%\n')).toBe('a%3Ab%2Cc%25%0A');
  });
});
