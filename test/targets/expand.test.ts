import { describe, it, expect } from 'vitest';
import fc from 'fast-check';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import {
  TargetError,
  countTargets,
  expandTargets,
  expandTargetsSync,
  formatIPv4,
  formatIPv6,
  parseExcludeSpec,
  parseTargetSpec,
  shardOf,
  targetHash,
  targetKey,
  type ExpandOptions,
  type Target,
} from '../../src/targets/index.js';

async function collect(specs: string[], opts: ExpandOptions): Promise<Target[]> {
  const out: Target[] = [];
  for await (const t of expandTargets(specs, opts)) out.push(t);
  return out;
}
const keyOf = (t: Target): string => targetKey(t.host, t.family, t.port);
const labels = async (specs: string[], opts: ExpandOptions): Promise<string[]> => (await collect(specs, opts)).map((t) => t.target);

describe('labels and fields', () => {
  it('single default port: no port in the label; a written port or several ports: port in the label', async () => {
    expect(await collect(['RDP01.corp.', '10.0.0.5', '[::1]', 'fe80::1%eth0'], { ports: [3389] })).toEqual([
      { target: 'rdp01.corp', host: 'rdp01.corp', address: null, port: 3389, family: null },
      { target: '10.0.0.5', host: '10.0.0.5', address: '10.0.0.5', port: 3389, family: 4 },
      { target: '::1', host: '::1', address: '::1', port: 3389, family: 6 },
      { target: 'fe80::1%eth0', host: 'fe80::1%eth0', address: 'fe80::1%eth0', port: 3389, family: 6 },
    ]);
    expect(await labels(['rdp01:3390', '10.0.0.5:3390', '[::1]:3390', '[FE80::1%eth0]:3390'], { ports: [3389] })).toEqual([
      'rdp01:3390',
      '10.0.0.5:3390',
      '[::1]:3390',
      '[fe80::1%eth0]:3390',
    ]);
    expect(await labels(['rdp01', '::1'], { ports: [3389, 3390] })).toEqual(['rdp01:3389', 'rdp01:3390', '[::1]:3389', '[::1]:3390']);
  });

  it('canonical address labels whatever the spelling', async () => {
    expect(await labels(['2001:0DB8:0000:0000:0000:0000:0000:0001', '::FFFF:0102:0304'], { ports: [3389] })).toEqual([
      '2001:db8::1',
      '1.2.3.4', // IPv4-mapped IPv6 is the IPv4 address
    ]);
  });

  it('validates everything when called, before iterating', () => {
    expect(() => expandTargets(['10.0.0.1', 'bad host'], { ports: [3389] })).toThrow(TargetError);
    expect(() => expandTargets(['10.0.0.1'], { ports: [3389], exclude: ['10.0.0.256'] })).toThrow(/invalid exclude "10.0.0.256"/);
    expect(() => expandTargets(['10.0.0.1'], { ports: [3389], shard: { index: 0, count: 2 } })).toThrow(/invalid shard/);
    expect(() => expandTargets(['10.0.0.0/7'], { ports: [3389] })).toThrow(/--allow-huge/);
    expect(() => countTargets(['10.0.0.0/7'], { ports: [3389] })).toThrow(TargetError);
  });

  it('can be iterated twice with the same result', async () => {
    const it = expandTargets(['10.0.0.0/30', '10.0.0.1'], { ports: [3389] });
    const a: string[] = [];
    for await (const t of it) a.push(t.target);
    const b: string[] = [];
    for await (const t of it) b.push(t.target);
    expect(a).toEqual(['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.3']);
    expect(b).toEqual(a);
  });
});

describe('CIDR and range expansion', () => {
  const P = { ports: [3389] };
  it('IPv4 edges (network and broadcast included)', async () => {
    expect(await labels(['10.0.0.5/32'], P)).toEqual(['10.0.0.5']);
    expect(await labels(['10.0.0.5/31'], P)).toEqual(['10.0.0.4', '10.0.0.5']);
    expect(await labels(['255.255.255.254/31'], P)).toEqual(['255.255.255.254', '255.255.255.255']);
    expect(await labels(['0.0.0.0/31'], P)).toEqual(['0.0.0.0', '0.0.0.1']);
    const c24 = await labels(['192.168.1.0/24'], P);
    expect(c24).toHaveLength(256);
    expect(c24[0]).toBe('192.168.1.0');
    expect(c24[255]).toBe('192.168.1.255');
    expect(await labels(['10.0.0.0/30:3390'], P)).toEqual(['10.0.0.0:3390', '10.0.0.1:3390', '10.0.0.2:3390', '10.0.0.3:3390']);
  });

  it('IPv4 ranges including the 255 edge and crossing octets', async () => {
    expect(await labels(['10.0.0.253-255'], P)).toEqual(['10.0.0.253', '10.0.0.254', '10.0.0.255']);
    expect(await labels(['10.0.0.254-10.0.1.1'], P)).toEqual(['10.0.0.254', '10.0.0.255', '10.0.1.0', '10.0.1.1']);
    expect(await labels(['10.0.0.10-40'], P)).toHaveLength(31);
  });

  it('IPv6 /128, /127, /120', async () => {
    expect(await labels(['2001:db8::/128'], P)).toEqual(['2001:db8::']);
    expect(await labels(['2001:db8::/127'], P)).toEqual(['2001:db8::', '2001:db8::1']);
    const c120 = await labels(['[2001:db8::/120]:3390'], P);
    expect(c120).toHaveLength(256);
    expect(c120[0]).toBe('[2001:db8::]:3390');
    expect(c120[255]).toBe('[2001:db8::ff]:3390');
    expect(await labels(['::ffff:10.0.0.0/127'], P)).toEqual(['10.0.0.0', '10.0.0.1']);
    expect(await labels(['2001:db8::fffe-2001:db8::1:1'], P)).toEqual(['2001:db8::fffe', '2001:db8::ffff', '2001:db8::1:0', '2001:db8::1:1']);
  });

  it('counts without expanding: /8, /104, and the whole space with allowHuge', () => {
    expect(countTargets(['10.0.0.0/8'], P)).toBe(16777216n);
    expect(countTargets(['10.0.0.0/8'], { ports: [3389, 3390] })).toBe(33554432n);
    expect(countTargets(['2001:db8::/104'], P)).toBe(16777216n);
    expect(countTargets(['0.0.0.0/0', '::/0', 'rdp01'], { ports: [3389], allowHuge: true })).toBe((1n << 32n) + (1n << 128n) + 1n);
  });

  it('is lazy: the first targets of the whole IPv4 and IPv6 spaces come at once', () => {
    const first = (spec: string): string[] => {
      const out: string[] = [];
      for (const t of expandTargetsSync([spec], { ports: [3389], allowHuge: true })) {
        out.push(t.target);
        if (out.length === 3) break;
      }
      return out;
    };
    expect(first('0.0.0.0/0')).toEqual(['0.0.0.0', '0.0.0.1', '0.0.0.2']);
    expect(first('::/0')).toEqual(['::', '::1', '::2']);
  });

  it('a /16 streams 65536 targets without the heap growing with the list', () => {
    // Expose gc() for this process only (the vitest pool is forks, so this does not leak to other files).
    setFlagsFromString('--expose-gc');
    const gc = runInNewContext('gc') as (() => void) | undefined;
    const heap = (): number => {
      gc?.();
      return process.memoryUsage().heapUsed;
    };
    const iterator = expandTargetsSync(['172.16.0.0/16', '172.16.5.0/24', '172.16.200.7'], { ports: [3389] })[Symbol.iterator]();
    const before = heap();
    let n = 0;
    let growthMid = 0;
    let last: Target | undefined;
    for (let r = iterator.next(); !r.done; r = iterator.next()) {
      const t = r.value;
      if (n === 0) expect(t.target).toBe('172.16.0.0');
      if (n === 1234) expect(t).toEqual({ target: '172.16.4.210', host: '172.16.4.210', address: '172.16.4.210', port: 3389, family: 4 });
      if (n === 40000) growthMid = heap() - before;
      last = t;
      n++;
    }
    const growthEnd = heap() - before;
    expect(n).toBe(65536); // the /24 and the single address inside it add nothing
    expect(last?.target).toBe('172.16.255.255');
    expect(typeof gc).toBe('function');
    if (gc !== undefined) {
      // A materialised list of 40000+ addresses would be several MB; the interval state is a few hundred bytes.
      expect(growthMid).toBeLessThan(1_000_000);
      expect(growthEnd).toBeLessThan(1_000_000);
    }
  });
});

describe('dedupe', () => {
  it('the same (address, port) once across overlapping items; names are separate from addresses', async () => {
    const got = await labels(['127.0.0.1', '127.0.0.0/30', 'localhost', 'LOCALHOST', 'localhost.', '127.0.0.1:3389', '127.0.0.2-3'], {
      ports: [3389],
    });
    expect(got).toEqual(['127.0.0.1', '127.0.0.0', '127.0.0.2', '127.0.0.3', 'localhost']);
  });

  it('per port: a written port only collides with the same port', async () => {
    const got = await labels(['10.0.0.1:3390', '10.0.0.0/31', '10.0.0.1:3389'], { ports: [3389, 3390] });
    expect(got).toEqual(['10.0.0.1:3390', '10.0.0.0:3389', '10.0.0.0:3390', '10.0.0.1:3389']);
  });

  it('IPv4-mapped is not IPv4; zones are distinct targets', async () => {
    const got = await labels(['1.2.3.4', '::ffff:1.2.3.4', '[::ffff:102:304]', 'fe80::1', 'fe80::1%eth0', 'fe80::1%eth0', 'FE80::1%eth1'], {
      ports: [3389],
    });
    // IPv4-mapped IPv6 is the IPv4 address (the same target, probed once); zones stay distinct.
    expect(got).toEqual(['1.2.3.4', 'fe80::1', 'fe80::1%eth0', 'fe80::1%eth1']);
  });

  it('a repeated /8 is counted once, exactly', () => {
    expect(countTargets(['10.0.0.0/8', '10.0.0.0/16', '10.1.2.3', '10.0.0.0-10.255.255.255'], { ports: [3389] })).toBe(16777216n);
    expect(countTargets(['10.0.0.0/9', '10.128.0.0/9', '11.0.0.0/32'], { ports: [3389] })).toBe(16777217n);
  });
});

describe('excludes', () => {
  const P = { ports: [3389] };
  it('single address, CIDR, range, name', async () => {
    expect(await labels(['10.0.0.0/29'], { ...P, exclude: ['10.0.0.3'] })).toEqual(
      ['10.0.0.0', '10.0.0.1', '10.0.0.2', '10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7'],
    );
    expect(await labels(['10.0.0.0/29'], { ...P, exclude: ['10.0.0.0/30'] })).toEqual(['10.0.0.4', '10.0.0.5', '10.0.0.6', '10.0.0.7']);
    expect(await labels(['10.0.0.0/29'], { ...P, exclude: ['10.0.0.1-6'] })).toEqual(['10.0.0.0', '10.0.0.7']);
    expect(await labels(['rdp01', 'RDP02', 'rdp03', '10.0.0.1'], { ...P, exclude: ['rdp02.', 'RDP01'] })).toEqual(['rdp03', '10.0.0.1']);
    expect(await labels(['2001:db8::/126'], { ...P, exclude: ['2001:db8::1-2001:db8::2'] })).toEqual(['2001:db8::', '2001:db8::3']);
  });

  it('with a port only that port; a name never excludes an address', async () => {
    expect(await labels(['10.0.0.0/31', 'rdp01'], { ports: [3389, 3390], exclude: ['10.0.0.1:3390', 'rdp01:3389', 'localhost'] })).toEqual([
      '10.0.0.0:3389',
      '10.0.0.0:3390',
      '10.0.0.1:3389',
      'rdp01:3390',
    ]);
    expect(await labels(['127.0.0.1'], { ...P, exclude: ['localhost'] })).toEqual(['127.0.0.1']);
  });

  it('zone: an exclude without zone covers every zone, with a zone only that zone', async () => {
    expect(await labels(['fe80::1%eth0', 'fe80::1%eth1', 'fe80::1'], { ...P, exclude: ['fe80::1'] })).toEqual([]);
    expect(await labels(['fe80::1%eth0', 'fe80::1%eth1', 'fe80::1'], { ...P, exclude: ['fe80::1%eth1'] })).toEqual(['fe80::1%eth0', 'fe80::1']);
  });

  it('families do not mix', async () => {
    // IPv4-mapped IPv6 is the IPv4 address, so an IPv4 exclude covers it; an IPv6 exclude does not cover IPv4.
    expect(await labels(['::ffff:10.0.0.1', '10.0.0.1'], { ...P, exclude: ['10.0.0.0/8'] })).toEqual([]);
    expect(await labels(['10.0.0.1'], { ...P, exclude: ['2001:db8::/32'] })).toEqual(['10.0.0.1']);
  });

  it('excludes are intervals: a huge exclude costs nothing and counts stay exact', () => {
    expect(countTargets(['10.0.0.0/8'], { ...P, exclude: ['10.0.0.0/9', '0.0.0.0/0:3390', '::/0'] })).toBe(8388608n);
    const first = expandTargetsSync(['10.0.0.0/8'], { ...P, exclude: ['10.0.0.0/9'] })[Symbol.iterator]().next();
    expect(first.value?.target).toBe('10.128.0.0');
    expect(countTargets(['10.0.0.0/24'], { ...P, exclude: ['0.0.0.0/0'] })).toBe(0n);
  });
});

describe('sharding', () => {
  it('the hash is FNV-1a 32 + fmix32 over "host:port" (a stable format)', () => {
    // pinned values: changing the hash changes which shard scans what
    expect(targetKey('::1', 6, 3389)).toBe('[::1]:3389');
    expect(targetKey('10.0.0.1', 4, 3389)).toBe('10.0.0.1:3389');
    const pinned = [targetHash('10.0.0.1:3389'), targetHash('[::1]:3389'), targetHash('rdp01:3389')];
    expect(pinned).toEqual([PIN_V4, PIN_V6, PIN_NAME]);
  });

  it('is balanced on a /16', () => {
    const all = [...expandTargetsSync(['10.1.0.0/16'], { ports: [3389] })];
    for (let n = 2; n <= 5; n++) {
      const counts = new Array<number>(n).fill(0);
      for (const t of all) counts[shardOf(t.host, t.family, t.port, n) - 1]! += 1;
      for (const c of counts) expect(Math.abs(c - 65536 / n) / (65536 / n)).toBeLessThan(0.03);
    }
    const quarter = [...expandTargetsSync(['192.168.7.0/24'], { ports: [3389], shard: { index: 3, count: 4 } })];
    expect(quarter.length).toBeGreaterThan(40);
    expect(quarter.length).toBeLessThan(90);
  });

  it('count with a shard: exact when small, expected share when big', () => {
    const specs = ['10.9.0.0/20', 'rdp01', 'rdp02'];
    for (let k = 1; k <= 3; k++) {
      const opts = { ports: [3389, 3390], shard: { index: k, count: 3 } };
      expect(countTargets(specs, opts)).toBe(BigInt([...expandTargetsSync(specs, opts)].length));
    }
    expect(countTargets(['10.0.0.0/8'], { ports: [3389], shard: { index: 1, count: 4 } })).toBe(4194304n);
  });
});

// ------------------------------------------------------------------ properties against a naive model

const PORTS = [3389, 3390, 4000];
const portSuffix = fc.option(fc.constantFrom(...PORTS), { nil: undefined, freq: 3 });
const v4 = fc.integer({ min: 0, max: 40 });
const itemArb: fc.Arbitrary<string> = fc.oneof(
  fc.tuple(v4, portSuffix).map(([a, p]) => `10.0.0.${a}${p ? `:${p}` : ''}`),
  fc.tuple(v4, fc.integer({ min: 27, max: 32 }), portSuffix).map(([a, l, p]) => `10.0.0.${a}/${l}${p ? `:${p}` : ''}`),
  fc.tuple(v4, v4).map(([a, b]) => `10.0.0.${Math.min(a, b)}-${Math.max(a, b)}`),
  fc.tuple(fc.integer({ min: 250, max: 255 }), fc.integer({ min: 0, max: 3 })).map(([a, b]) => `10.0.0.${a}-10.0.1.${b}`),
  fc.constantFrom('alpha', 'ALPHA', 'beta', 'beta:4000', 'localhost', 'alpha.'),
  fc.tuple(fc.integer({ min: 0, max: 20 }), portSuffix).map(([a, p]) => (p ? `[2001:db8::${a.toString(16)}]:${p}` : `2001:db8::${a.toString(16)}`)),
  fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer({ min: 124, max: 128 })).map(([a, l]) => `2001:db8::${a.toString(16)}/${l}`),
  fc.constantFrom('fe80::1%eth0', 'fe80::1%eth1', 'fe80::1', '[fe80::1%eth0]:3390'),
  v4.map((a) => `::ffff:10.0.0.${a}`),
);
const excludeArb: fc.Arbitrary<string> = fc.oneof(
  itemArb,
  fc.constantFrom('10.0.0.0/28', '2001:db8::/125', 'fe80::1', 'beta', 'alpha:3390', '10.0.0.8-12:3389'),
);
const portsArb = fc.subarray(PORTS.slice(0, 2), { minLength: 1 });

/** Brute force: enumerate every item's addresses; dedupe and exclude with plain sets. */
function model(specs: string[], ports: number[], exclude: string[]): string[] {
  const excl = exclude.map(parseExcludeSpec);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const raw of specs) {
    const s = parseTargetSpec(raw, ports);
    const hosts: Array<{ host: string; family: 4 | 6 | null; value: bigint | null; zone: string | null }> = [];
    if (s.kind === 'name') hosts.push({ host: s.name, family: null, value: null, zone: null });
    else
      for (let a = s.first; a <= s.last; a++) {
        const text = (s.family === 4 ? formatIPv4(a) : formatIPv6(a)) + (s.zone !== null ? `%${s.zone}` : '');
        hosts.push({ host: text, family: s.family, value: a, zone: s.zone });
      }
    for (const h of hosts)
      for (const port of s.ports) {
        const key = targetKey(h.host, h.family, port);
        const excluded = excl.some((e) => {
          if (e.ports !== null && !e.ports.includes(port)) return false;
          if (e.kind === 'name') return h.family === null && e.name === h.host;
          return (
            h.family === e.family && h.value !== null && e.first <= h.value && h.value <= e.last && (e.zone === null || e.zone === h.zone)
          );
        });
        if (excluded || seen.has(key)) continue;
        seen.add(key);
        out.push(key);
      }
  }
  return out;
}

describe('properties', () => {
  const caseArb = fc.record({
    specs: fc.array(itemArb, { minLength: 1, maxLength: 8 }),
    ports: portsArb,
    exclude: fc.array(excludeArb, { maxLength: 3 }),
  });

  it('expansion equals the brute-force model, without duplicates, and countTargets is exact', () => {
    fc.assert(
      fc.property(caseArb, ({ specs, ports, exclude }) => {
        const got = [...expandTargetsSync(specs, { ports, exclude })].map(keyOf);
        expect(got).toEqual(model(specs, ports, exclude));
        expect(new Set(got).size).toBe(got.length);
        expect(countTargets(specs, { ports, exclude })).toBe(BigInt(got.length));
      }),
      { numRuns: 300 },
    );
  });

  it('for N in 1..5 the shards are disjoint, their union is the unsharded set, and spec order does not matter', () => {
    fc.assert(
      fc.property(caseArb, fc.integer({ min: 1, max: 5 }), fc.nat(), ({ specs, ports, exclude }, n, seed) => {
        const whole = [...expandTargetsSync(specs, { ports, exclude })].map(keyOf);
        const shuffled = [...specs].sort((a, b) => targetHash(`${seed}${a}`) - targetHash(`${seed}${b}`));
        const union: string[] = [];
        for (let k = 1; k <= n; k++) {
          const opts = { ports, exclude, shard: { index: k, count: n } };
          const part = [...expandTargetsSync(specs, opts)].map(keyOf);
          const partShuffled = [...expandTargetsSync(shuffled, opts)].map(keyOf);
          expect(new Set(partShuffled)).toEqual(new Set(part));
          expect(countTargets(specs, opts)).toBe(BigInt(part.length));
          union.push(...part);
        }
        expect(union.length).toBe(whole.length); // disjoint (no key in two shards) ...
        expect(new Set(union)).toEqual(new Set(whole)); // ... and complete
      }),
      { numRuns: 150 },
    );
  });

  it('async and sync expansion agree', async () => {
    await fc.assert(
      fc.asyncProperty(caseArb, async ({ specs, ports, exclude }) => {
        expect(await collect(specs, { ports, exclude })).toEqual([...expandTargetsSync(specs, { ports, exclude })]);
      }),
      { numRuns: 50 },
    );
  });
});

// Computed independently (Python: FNV-1a 32 over the UTF-8 bytes, then murmur3 fmix32).
const PIN_V4 = 2447438616;
const PIN_V6 = 4257067118;
const PIN_NAME = 1731458796;
