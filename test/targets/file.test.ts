import { describe, it, expect } from 'vitest';
import { Readable } from 'node:stream';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TargetError, MAX_LINE_LENGTH, readTargetLines, readTargetsFile, expandTargets } from '../../src/targets/index.js';

async function all<T>(it: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of it) out.push(x);
  return out;
}

async function failure(it: AsyncIterable<unknown>): Promise<TargetError> {
  try {
    await all(it);
  } catch (e) {
    expect(e).toBeInstanceOf(TargetError);
    return e as TargetError;
  }
  throw new Error('expected a TargetError');
}

const fromText = (text: string, chunk = 7): Readable => {
  const buf = Buffer.from(text, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  return Readable.from(parts);
};

const SAMPLE = [
  '# RDP hosts, exported 2024-05-01',
  '',
  '  rdp01.corp.example.com   ',
  '10.0.0.0/30   # lab subnet',
  '\t[::1]:3390',
  '   ',
  '#10.0.0.99',
  'fe80::1%12',
].join('\r\n');

describe('readTargetLines', () => {
  it('skips comments and blank lines, trims, accepts CRLF (split across chunks of any size)', async () => {
    for (const chunk of [1, 2, 7, 1000]) {
      expect(await all(readTargetLines(fromText(SAMPLE + '\r\n', chunk)))).toEqual([
        'rdp01.corp.example.com',
        '10.0.0.0/30',
        '[::1]:3390',
        'fe80::1%12',
      ]);
    }
  });

  it('a last line without newline, LF files, and an empty stream', async () => {
    expect(await all(readTargetLines(fromText('a\nb')))).toEqual(['a', 'b']);
    expect(await all(readTargetLines(fromText('')))).toEqual([]);
    expect(await all(readTargetLines(Readable.from([Buffer.from('a')])))).toEqual(['a']);
    expect(await all(readTargetLines(Readable.from(['x\n', 'y\r\n'])))).toEqual(['x', 'y']);
  });

  it('a bad line throws TargetError naming FILE:LINE and the item', async () => {
    const e = await failure(readTargetLines(fromText('rdp01\r\n# c\r\n\r\n10.0.0.300\r\nrdp02\r\n'), { source: 'hosts.txt' }));
    expect(e.message).toBe('hosts.txt:4: invalid target "10.0.0.300": octet 300 out of range');
    expect(e.location).toBe('hosts.txt:4');
    const w = await failure(readTargetLines(fromText('ok\nrdp 01\n')));
    expect(w.message).toBe('<stdin>:2: invalid target "rdp 01": contains whitespace (one target per item)');
    const huge = await failure(readTargetLines(fromText('10.0.0.0/4\n')));
    expect(huge.message).toMatch(/^<stdin>:1: invalid target "10.0.0.0\/4": .*--allow-huge/);
    expect(await all(readTargetLines(fromText('10.0.0.0/4\n'), { allowHuge: true }))).toEqual(['10.0.0.0/4']);
  });

  it('exclude files validate as excludes; validation can be turned off', async () => {
    expect(await all(readTargetLines(fromText('0.0.0.0/0\n'), { validate: 'exclude' }))).toEqual(['0.0.0.0/0']);
    expect(await all(readTargetLines(fromText('not valid!\n'), { validate: false }))).toEqual(['not valid!']);
    const e = await failure(readTargetLines(fromText('1.2.3.4.5\n'), { validate: 'exclude', source: 'ex.txt' }));
    expect(e.message).toBe('ex.txt:1: invalid exclude "1.2.3.4.5": an IPv4 address has 4 octets, not 5');
  });

  it('UTF-8 BOM, and UTF-16 LE/BE with BOM (Windows PowerShell redirection)', async () => {
    const text = 'rdp01\r\n10.0.0.1\r\n';
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
    const be = Buffer.from(le);
    be.swap16();
    const utf8bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(text)]);
    for (const buf of [le, be, utf8bom]) {
      // one byte at a time: the BOM and the code units are split across chunks
      const chunks = [...buf].map((b) => Buffer.from([b]));
      expect(await all(readTargetLines(Readable.from(chunks)))).toEqual(['rdp01', '10.0.0.1']);
    }
    expect(await all(readTargetLines(Readable.from(['\uFEFFrdp01\n'])))).toEqual(['rdp01']);
  });

  it('UTF-16 without BOM gets a hint; an endless line is refused', async () => {
    const e = await failure(readTargetLines(Readable.from([Buffer.from('rdp01\n', 'utf16le')])));
    expect(e.message).toMatch(/^<stdin>:1: .*NUL bytes .*save the file as UTF-8/);
    const long = await failure(readTargetLines(Readable.from(['a'.repeat(MAX_LINE_LENGTH + 10)]), { source: 'f' }));
    expect(long.message).toMatch(/^f:1: invalid target "a+\.\.\.": line longer than 4096 characters$/);
  });

  it('stdin-like Readable feeds expandTargets', async () => {
    const specs = await all(readTargetLines(fromText('127.0.0.1\n127.0.0.0/31\nlocalhost\n')));
    const targets = await all(expandTargets(specs, { ports: [3389] }));
    expect(targets.map((t) => t.target)).toEqual(['127.0.0.1', '127.0.0.0', 'localhost']);
  });
});

describe('readTargetsFile', () => {
  it('reads a file from disk (path with spaces) and reports FILE:LINE', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'rdprobe targets '));
    try {
      const good = join(dir, 'hosts.txt');
      writeFileSync(good, SAMPLE);
      expect(await all(readTargetsFile(good))).toEqual(['rdp01.corp.example.com', '10.0.0.0/30', '[::1]:3390', 'fe80::1%12']);
      const bad = join(dir, 'bad.txt');
      writeFileSync(bad, 'rdp01\n\n10.0.0.1-300\n');
      const e = await failure(readTargetsFile(bad));
      expect(e.message).toBe(`${bad}:3: invalid target "10.0.0.1-300": range end octet 300 out of range`);
      const missing = join(dir, 'nope.txt');
      const m = await failure(readTargetsFile(missing));
      expect(m.kind).toBe('file');
      expect(m.message).toContain(`cannot read targets ${JSON.stringify(missing)}: ENOENT`);
      expect(m.message).not.toContain('\n');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
