import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import {
  TargetError,
  parseTargetSpec,
  parseExcludeSpec,
  parsePorts,
  parseShard,
  formatIPv6,
  parseIPv6,
  formatIPv4,
  parseIPv4,
  HUGE_LIMIT,
  type TargetSpec,
} from '../../src/targets/index.js';

const P = [3389];

function errorOf(f: () => unknown): TargetError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(TargetError);
    return e as TargetError;
  }
  throw new Error('expected a TargetError');
}

function range(spec: TargetSpec): [bigint, bigint] {
  if (spec.kind === 'name') throw new Error('not an address');
  return [spec.first, spec.last];
}

describe('names', () => {
  it('parses host names, lower-cases and drops a trailing dot', () => {
    expect(parseTargetSpec('RDP01.Corp.Example.com.', P)).toEqual({
      kind: 'name',
      input: 'RDP01.Corp.Example.com.',
      name: 'rdp01.corp.example.com',
      port: null,
      ports: [3389],
    });
    expect(parseTargetSpec('  localhost  ', P)).toMatchObject({ kind: 'name', name: 'localhost', input: 'localhost' });
    expect(parseTargetSpec('web-01_x', P)).toMatchObject({ kind: 'name', name: 'web-01_x' });
    expect(parseTargetSpec('10.0.0.5a', P)).toMatchObject({ kind: 'name' });
  });

  it('host:port overrides the default ports', () => {
    expect(parseTargetSpec('rdp01:3390', [3389, 3388])).toMatchObject({ kind: 'name', name: 'rdp01', port: 3390, ports: [3390] });
    expect(parseTargetSpec('rdp01', [3389, 3388, 3389])).toMatchObject({ port: null, ports: [3389, 3388] });
  });

  it('refuses bad names with the reason', () => {
    const cases: Array<[string, RegExp]> = [
      ['-rdp', /starts or ends with "-"/],
      ['rdp-.corp', /starts or ends with "-"/],
      ['a..b', /empty label/],
      ['.a', /empty label/],
      ['host!', /"!" is not allowed/],
      ['caf\u00e9', /is not allowed/],
      [`${'a'.repeat(64)}.com`, /longer than 63/],
      [Array.from({ length: 60 }, () => 'abcd').join('.'), /longer than 253/],
      ['0x7f.1', /not a valid IPv4 address or host name/],
      ['rdp 01', /whitespace/],
      ['rdp://host', /looks like a URL/],
      ['a,b', /"," is not allowed/],
      ['10.0.0.1%eth0', /"%" is not allowed/],
    ];
    for (const [input, why] of cases) {
      const e = errorOf(() => parseTargetSpec(input, P));
      expect(e.message).toContain(`invalid target ${JSON.stringify(input.slice(0, 120)).slice(0, -1)}`);
      expect(e.message).toMatch(why);
      expect(e.message).not.toContain('\n');
    }
  });
});

describe('IPv4', () => {
  it('single addresses, with and without a port', () => {
    expect(parseTargetSpec('10.0.0.5', P)).toMatchObject({ kind: 'address', family: 4, first: 0x0a000005n, last: 0x0a000005n, port: null });
    expect(parseTargetSpec('10.0.0.5:3390', P)).toMatchObject({ kind: 'address', family: 4, port: 3390, ports: [3390] });
    expect(parseTargetSpec('255.255.255.255', P)).toMatchObject({ first: 0xffffffffn });
    expect(parseTargetSpec('0.0.0.0', P)).toMatchObject({ first: 0n });
  });

  it('refuses malformed addresses, naming the input and the reason', () => {
    expect(errorOf(() => parseTargetSpec('10.0.0.300', P)).message).toBe('invalid target "10.0.0.300": octet 300 out of range');
    const cases: Array<[string, RegExp]> = [
      ['1.2.3', /4 octets, not 3/],
      ['1.2.3.4.5', /4 octets, not 5/],
      ['127.1', /4 octets/],
      ['3232235777', /4 octets, not 1/],
      ['010.0.0.1', /leading zero/],
      ['10..0.1', /empty octet/],
      ['10.0.0.1:0', /port 0 out of range/],
      ['10.0.0.1:65536', /port 65536 out of range/],
      ['10.0.0.1:99999999999999999999', /out of range/],
      ['10.0.0.1:', /empty port/],
      ['10.0.0.1:33a', /not a decimal number/],
      [':3389', /missing host/],
      ['[10.0.0.1]', /brackets are only for IPv6/],
      ['[10.0.0.1]:3389', /brackets are only for IPv6/],
    ];
    for (const [input, why] of cases) {
      const e = errorOf(() => parseTargetSpec(input, P));
      expect(e.message.startsWith(`invalid target ${JSON.stringify(input)}: `)).toBe(true);
      expect(e.message).toMatch(why);
      expect(e.input).toBe(input);
    }
  });

  it('format and parse round-trip', () => {
    fc.assert(
      fc.property(fc.bigInt(0n, 0xffffffffn), (v) => {
        expect(parseIPv4(formatIPv4(v))).toBe(v);
      }),
    );
  });
});

describe('IPv4 CIDR and ranges', () => {
  it('CIDR edges', () => {
    expect(range(parseTargetSpec('10.0.0.5/32', P))).toEqual([0x0a000005n, 0x0a000005n]);
    expect(range(parseTargetSpec('10.0.0.5/31', P))).toEqual([0x0a000004n, 0x0a000005n]);
    expect(range(parseTargetSpec('10.0.0.0/24', P))).toEqual([0x0a000000n, 0x0a0000ffn]);
    // host bits set: the network, as nmap does
    expect(range(parseTargetSpec('10.0.0.77/24', P))).toEqual([0x0a000000n, 0x0a0000ffn]);
    expect(range(parseTargetSpec('10.0.0.0/8', P))).toEqual([0x0a000000n, 0x0affffffn]);
    expect(parseTargetSpec('10.0.0.0/24:3390', P)).toMatchObject({ kind: 'cidr', port: 3390 });
  });

  it('refuses blocks bigger than /8 unless allowHuge', () => {
    for (const input of ['10.0.0.0/7', '0.0.0.0/0', '0.0.0.0-255.255.255.255']) {
      const e = errorOf(() => parseTargetSpec(input, P));
      expect(e.message).toContain(`invalid target "${input}"`);
      expect(e.message).toContain('--allow-huge');
    }
    expect(range(parseTargetSpec('0.0.0.0/0', P, { allowHuge: true }))).toEqual([0n, 0xffffffffn]);
    // exactly the limit is fine
    expect(parseTargetSpec('10.0.0.0-10.255.255.255', P)).toMatchObject({ kind: 'range' });
    // excludes are never capped
    expect(parseExcludeSpec('0.0.0.0/0')).toMatchObject({ kind: 'cidr', ports: null });
  });

  it('bad CIDRs', () => {
    for (const [input, why] of [
      ['10.0.0.0/33', /out of range 0..32/],
      ['10.0.0.0/', /prefix length "" is not a number/],
      ['10.0.0.0/08', /not a number/],
      ['10.0.0.0/x', /not a number/],
      ['rdp01/24', /needs an IP address/],
      ['10.0.0.0/24/2', /not a number/],
    ] as const) {
      const e = errorOf(() => parseTargetSpec(input, P));
      expect(e.message).toContain(JSON.stringify(input));
      expect(e.message).toMatch(why);
    }
  });

  it('ranges: last octet and full', () => {
    expect(range(parseTargetSpec('10.0.0.10-40', P))).toEqual([0x0a00000an, 0x0a000028n]);
    expect(range(parseTargetSpec('10.0.0.250-255', P))).toEqual([0x0a0000fan, 0x0a0000ffn]);
    expect(range(parseTargetSpec('10.0.0.7-7', P))).toEqual([0x0a000007n, 0x0a000007n]);
    expect(range(parseTargetSpec('10.0.0.10-10.0.1.20', P))).toEqual([0x0a00000an, 0x0a000114n]);
    expect(parseTargetSpec('10.0.0.10-40:3390', P)).toMatchObject({ kind: 'range', port: 3390 });
  });

  it('bad ranges', () => {
    for (const [input, why] of [
      ['10.0.0.40-10', /range end 10 is before its start 10.0.0.40/],
      ['10.0.1.0-10.0.0.255', /before its start/],
      ['10.0.0.250-256', /range end octet 256 out of range/],
      ['10.0.0.1-', /range end "" is neither/],
      ['10.0.0.1-x', /neither a last octet nor an IPv4 address/],
      ['10.0.0.1-010', /leading zero/],
      ['10.0.0.1-10.0.0', /4 octets/],
    ] as const) {
      const e = errorOf(() => parseTargetSpec(input, P));
      expect(e.message).toContain(JSON.stringify(input));
      expect(e.message).toMatch(why);
    }
  });
});

describe('IPv6', () => {
  const LOOP = 1n;
  it('compressed, full, bracketed, with port', () => {
    expect(parseTargetSpec('::1', P)).toMatchObject({ kind: 'address', family: 6, first: LOOP, port: null, zone: null });
    expect(parseTargetSpec('[::1]', P)).toMatchObject({ family: 6, first: LOOP, port: null });
    expect(parseTargetSpec('[::1]:3390', P)).toMatchObject({ family: 6, first: LOOP, port: 3390, ports: [3390] });
    expect(parseTargetSpec('0000:0000:0000:0000:0000:0000:0000:0001', P)).toMatchObject({ first: LOOP });
    expect(parseTargetSpec('2001:DB8::5', P)).toMatchObject({ first: 0x20010db8000000000000000000000005n });
    expect(parseTargetSpec('::', P)).toMatchObject({ first: 0n });
    expect(parseTargetSpec('1:2:3:4:5:6:7::', P)).toMatchObject({ first: 0x00010002000300040005000600070000n });
    // a bare IPv6 literal never carries a port: this is the address ::1:3390
    expect(parseTargetSpec('::1:3390', P)).toMatchObject({ first: 0x13390n, port: null });
  });

  it('zone ids on single addresses', () => {
    expect(parseTargetSpec('fe80::1%eth0', P)).toMatchObject({ family: 6, zone: 'eth0', first: 0xfe800000000000000000000000000001n });
    expect(parseTargetSpec('[fe80::1%12]:3390', P)).toMatchObject({ zone: '12', port: 3390 });
    for (const [input, why] of [
      ['fe80::1%', /empty zone id/],
      ['fe80::1%et h0', /whitespace/],
      ['fe80::1%a/b', /./],
      ['fe80::%eth0/64', /zone id is only allowed on a single address/],
    ] as const) {
      expect(errorOf(() => parseTargetSpec(input, P)).message).toMatch(why);
    }
  });

  it('IPv4-mapped IPv6 is read as the IPv4 address it maps; other embedded IPv4 stays IPv6', () => {
    expect(parseTargetSpec('::ffff:1.2.3.4', P)).toMatchObject({ family: 4, first: 0x01020304n });
    expect(parseTargetSpec('[::FFFF:102:304]:3390', P)).toMatchObject({ family: 4, first: 0x01020304n, port: 3390 });
    expect(parseTargetSpec('::ffff:10.0.0.0/120', P)).toMatchObject({ family: 4, first: 0x0a000000n, last: 0x0a0000ffn });
    expect(parseTargetSpec('64:ff9b::1.2.3.4', P)).toMatchObject({ family: 6 });
    expect(formatIPv6(0xffff01020304n)).toBe('::ffff:1.2.3.4');
    expect(formatIPv6(parseIPv6('64:ff9b::1.2.3.4'))).toBe('64:ff9b::102:304');
  });

  it('CIDRs and ranges', () => {
    const base = 0x20010db8n << 96n;
    expect(range(parseTargetSpec('2001:db8::/128', P))).toEqual([base, base]);
    expect(range(parseTargetSpec('2001:db8::1/127', P))).toEqual([base, base + 1n]);
    expect(range(parseTargetSpec('2001:db8::/120', P))).toEqual([base, base + 255n]);
    expect(range(parseTargetSpec('2001:db8::/104', P))).toEqual([base, base + HUGE_LIMIT - 1n]);
    expect(parseTargetSpec('[2001:db8::/120]:3390', P)).toMatchObject({ kind: 'cidr', port: 3390 });
    expect(range(parseTargetSpec('2001:db8::10-2001:db8::40', P))).toEqual([base + 16n, base + 64n]);
    expect(parseTargetSpec('[2001:db8::10-2001:db8::40]:3390', P)).toMatchObject({ kind: 'range', port: 3390 });
    expect(range(parseTargetSpec('::/0', P, { allowHuge: true }))).toEqual([0n, (1n << 128n) - 1n]);
  });

  it('refuses bad IPv6 with the reason', () => {
    for (const [input, why] of [
      ['2001:db8::/103', /--allow-huge/],
      ['::/0', /--allow-huge/],
      ['2001:db8::/129', /out of range 0..128/],
      ['2001:db8::/120:3390', /needs brackets: \[2001:db8::\/120\]:3390/],
      ['1:2:3:4:5:6:7:8:9', /8 groups, not 9/],
      ['1:2:3:4:5:6:7', /8 groups, not 7/],
      ['1:2:3:4:5:6:7:8::', /too many groups/],
      ['::1::2', /only once/],
      [':::1', /":::"/],
      ['1:2:3:4:5:6:7:', /empty group/],
      ['12345::1', /more than 4 hex digits/],
      ['g::1', /not hexadecimal/],
      ['::1.2.3.4:5', /only be the last 32 bits/],
      ['::1.2.3.256', /octet 256 out of range/],
      ['[::1', /missing "\]"/],
      ['::1]', /unbalanced/],
      ['[::1]3390', /expected ":port" after "\]"/],
      ['[::1]:', /empty port/],
      ['[::1]:70000', /out of range/],
      ['2001:db8::40-2001:db8::10', /before its start/],
      ['2001:db8::10-40', /two full addresses/],
    ] as const) {
      const e = errorOf(() => parseTargetSpec(input, P));
      expect(e.message.startsWith(`invalid target ${JSON.stringify(input)}: `), e.message).toBe(true);
      expect(e.message).toMatch(why);
    }
  });

  const groupArb = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 0, max: 0xffff }), fc.integer({ min: 1, max: 15 }));
  const addrArb = fc.oneof(
    fc.bigInt(0n, (1n << 128n) - 1n),
    fc.array(groupArb, { minLength: 8, maxLength: 8 }).map((gs) => gs.reduce((v, g) => (v << 16n) | BigInt(g), 0n)),
  );

  it('canonical form is RFC 5952 (agrees with the WHATWG URL serializer) and round-trips', () => {
    fc.assert(
      fc.property(addrArb, (v) => {
        const text = formatIPv6(v);
        expect(parseIPv6(text)).toBe(v);
        expect(parseIPv6(text.toUpperCase())).toBe(v);
        if (v >> 32n !== 0xffffn) {
          expect(text).toBe(new URL(`http://[${text}]/`).hostname.slice(1, -1));
        }
        const spec = parseTargetSpec(`[${text}]:1`, P);
        if (v >> 32n === 0xffffn) expect(spec).toMatchObject({ family: 4, first: v & 0xffffffffn, port: 1 });
        else expect(spec).toMatchObject({ family: 6, first: v, port: 1 });
      }),
      { numRuns: 2000 },
    );
  });

  it('full (uncompressed, zero-padded) text parses to the same value', () => {
    fc.assert(
      fc.property(addrArb, (v) => {
        const full = Array.from({ length: 8 }, (_, i) => ((v >> BigInt((7 - i) * 16)) & 0xffffn).toString(16).padStart(4, '0')).join(':');
        expect(parseIPv6(full)).toBe(v);
      }),
    );
  });
});

describe('excludes', () => {
  it('same syntaxes; no port means every port', () => {
    expect(parseExcludeSpec('rdp01')).toMatchObject({ kind: 'name', name: 'rdp01', ports: null });
    expect(parseExcludeSpec('rdp01:3390')).toMatchObject({ ports: [3390] });
    expect(parseExcludeSpec('2001:db8::/32')).toMatchObject({ kind: 'cidr' });
    expect(errorOf(() => parseExcludeSpec('10.0.0.999')).message).toBe('invalid exclude "10.0.0.999": octet 999 out of range');
  });
});

describe('ports', () => {
  it('parses lists and ranges, keeps first-seen order, drops duplicates', () => {
    expect(parsePorts('3389')).toEqual([3389]);
    expect(parsePorts('3389,3390')).toEqual([3389, 3390]);
    expect(parsePorts(' 3390 , 3389 ,3390')).toEqual([3390, 3389]);
    expect(parsePorts('1-3,65535')).toEqual([1, 2, 3, 65535]);
  });

  it('refuses bad lists naming the bad item', () => {
    for (const [input, msg] of [
      ['', /invalid port "": empty port in list/],
      ['3389,,3390', /empty port in list/],
      ['3389,', /empty port in list/],
      ['0', /invalid port "0": port 0 out of range 1..65535/],
      ['65536', /out of range/],
      ['3389,abc', /invalid port "abc": port "abc" is not a decimal number \(in "3389,abc"\)/],
      ['-5', /not a decimal number/],
      ['3391-3389', /range end 3389 is before its start 3391/],
      ['3389-', /empty port/],
      ['1.5', /not a decimal number/],
    ] as const) {
      const e = errorOf(() => parsePorts(input));
      expect(e.message).toMatch(msg);
      expect(e.kind).toBe('port');
    }
  });

  it('default ports are validated; no port at all is an error', () => {
    expect(errorOf(() => parseTargetSpec('rdp01', [])).message).toBe('invalid target "rdp01": no port given and no default ports');
    expect(parseTargetSpec('rdp01:3389', [])).toMatchObject({ ports: [3389] });
    expect(errorOf(() => parseTargetSpec('rdp01', [70000])).message).toMatch(/invalid port "70000"/);
  });
});

describe('shard syntax', () => {
  it('parses K/N, 1-based', () => {
    expect(parseShard('2/4')).toEqual({ index: 2, count: 4 });
    expect(parseShard(' 1 / 1 ')).toEqual({ index: 1, count: 1 });
    expect(parseShard('4/4')).toEqual({ index: 4, count: 4 });
  });
  it('refuses the rest', () => {
    for (const [input, why] of [
      ['0/4', /numbered from 1/],
      ['5/4', /must be 1..4/],
      ['1/0', /count must be/],
      ['2', /expected K\/N/],
      ['a/b', /expected K\/N/],
      ['-1/4', /expected K\/N/],
      ['1.5/4', /expected K\/N/],
    ] as const) {
      const e = errorOf(() => parseShard(input));
      expect(e.message.startsWith(`invalid shard ${JSON.stringify(input)}: `)).toBe(true);
      expect(e.message).toMatch(why);
    }
  });
});

describe('error messages', () => {
  it('are one line even for hostile input', () => {
    const e = errorOf(() => parseTargetSpec('a\r\nb', P));
    expect(e.message).not.toMatch(/[\r\n]/);
    expect(e.message).toContain('"a\\r\\nb"');
    const long = errorOf(() => parseTargetSpec('x'.repeat(5000) + '!', P));
    expect(long.message.length).toBeLessThan(300);
  });
  it('empty item', () => {
    expect(errorOf(() => parseTargetSpec('   ', P)).message).toBe('invalid target "   ": empty item');
  });
});
