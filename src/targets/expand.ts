/**
 * Lazy expansion of target items into (host, port) targets for the scan runner.
 *
 * Output label (`Target.target`): the canonical host (lower-case name without trailing dot; canonical
 * address, see address.ts) followed by ":port" only if the item carried its own port OR several ports are
 * probed per host (`-p 3389,3390`); IPv6 is then bracketed. So with the default single port:
 *   "rdp01", "10.0.0.5", "::1", and with a port: "rdp01:3390", "10.0.0.5:3390", "[::1]:3390".
 * The label is canonical rather than verbatim so that the same target gets the same label whatever the
 * spelling (RDP01 vs rdp01, 2001:0db8::0001 vs 2001:db8::1), which is what `rdprobe diff` matches on.
 *
 * Order: items in the order given; inside a block, addresses ascending; per address, ports in -p order.
 *
 * Dedupe: each (host, port) is yielded once, for the first item that produces it. Memory stays bounded by
 * the NUMBER OF ITEMS, never by the number of addresses:
 *   - addresses: per (family, zone, port) an IntervalSet of what earlier items already covered; a block
 *     item subtracts it (and the excludes) as intervals before iterating, then adds its own interval. So
 *     "10.0.0.0/8 10.0.0.0/16 10.0.0.5" costs three intervals, and the second and third item cost nothing.
 *   - names: a Set of "name:port" keys (names are written one by one, so the set is as big as the input).
 *   A name and an address are never the same target (localhost is not 127.0.0.1): we don't resolve.
 *   fe80::1%eth0, fe80::1%eth1 and fe80::1 are three different targets.
 *
 * Excludes: the same syntaxes, never expanded: address excludes are IntervalSets subtracted from each block
 * (an exclude without a zone covers every zone of that address; with a port only that port), name excludes
 * match name targets by lower-case name only.
 *
 * Names are probed once, at the first address the probe's resolver returns; list the addresses to probe all.
 *
 * Sharding (--shard K/N): target (host, port) belongs to shard 1 + (h mod N) where h is FNV-1a 32-bit of the
 * ASCII key "host:port" ("[v6]:port" for IPv6, zone included), finished with the murmur3 fmix32 avalanche so
 * that consecutive addresses spread evenly. The assignment depends only on the target, never on the order
 * or grouping of items, so N shards are disjoint and together are exactly the unsharded scan, on any
 * machine. Merging: `rdprobe merge shard-*.ndjson -o all.ndjson` (src/cli/merge.ts) checks the parts are one scan's
 * and whole, and judges the set as one scan (cross-shard duplicates, summary, gate).
 * Changing this hash changes which shard scans what: treat it as a stable format.
 */
import { formatAddress, parseIPv4, parseIPv6, splitZone } from './address.js';
import { hostPortKey } from './key.js';
import type { HostTarget } from '../checks/contract.js';
import { IntervalSet, type Interval } from './intervals.js';
import {
  checkShard,
  parseExcludeSpec,
  parseTargetSpec,
  type AddressSpec,
  type Shard,
  type TargetSpec,
} from './spec.js';

export interface Target extends HostTarget {
  /** 4 or 6 for addresses, null for names. */
  family: 4 | 6 | null;
}

export interface ExpandOptions {
  /** Ports probed for items that carry no port of their own (-p). */
  ports: number[];
  /** --exclude items. */
  exclude?: string[];
  /** --shard K/N, K 1-based. */
  shard?: Shard;
  /** Allow one item to expand to more than 2^24 addresses. */
  allowHuge?: boolean;
}

// ---------------------------------------------------------------- shard hash

/** FNV-1a 32-bit over the char codes of an ASCII key, then fmix32. Unsigned 32-bit result. */
export function targetHash(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i) & 0xff;
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The key a target is hashed and deduplicated by: "host:port", IPv6 bracketed. */
export function targetKey(host: string, _family: 4 | 6 | null, port: number): string {
  return hostPortKey(host, port);
}

/** Which shard (1-based) a target belongs to. */
export function shardOf(host: string, family: 4 | 6 | null, port: number, count: number): number {
  return (targetHash(targetKey(host, family, port)) % count) + 1;
}

// ---------------------------------------------------------------- plan

/** Address space of an IntervalSet: family and zone ("6%eth0", "4%"). */
const space = (family: 4 | 6, zone: string | null): string => `${family}%${zone ?? ''}`;

interface Plan {
  specs: TargetSpec[];
  excludeNames: Set<string>;
  excludeNamePorts: Set<string>;
  /** space -> addresses excluded on every port. */
  excludeAll: Map<string, IntervalSet>;
  /** "space|port" -> addresses excluded on that port. */
  excludePort: Map<string, IntervalSet>;
  shard: Shard | null;
}

function getSet(map: Map<string, IntervalSet>, key: string): IntervalSet {
  let s = map.get(key);
  if (s === undefined) {
    s = new IntervalSet();
    map.set(key, s);
  }
  return s;
}

/** Parses everything up front, so a bad item fails the command before the first probe. */
function makePlan(specs: readonly string[], opts: ExpandOptions): Plan {
  const parseOpts = { allowHuge: opts.allowHuge === true };
  const parsed = specs.map((s) => parseTargetSpec(s, opts.ports, parseOpts));
  const plan: Plan = {
    specs: parsed,
    excludeNames: new Set(),
    excludeNamePorts: new Set(),
    excludeAll: new Map(),
    excludePort: new Map(),
    shard: opts.shard === undefined ? null : checkShard(opts.shard),
  };
  for (const raw of opts.exclude ?? []) {
    const ex = parseExcludeSpec(raw);
    if (ex.kind === 'name') {
      if (ex.ports === null) plan.excludeNames.add(ex.name);
      else for (const p of ex.ports) plan.excludeNamePorts.add(`${ex.name}:${p}`);
      continue;
    }
    const sp = space(ex.family, ex.zone);
    if (ex.ports === null) getSet(plan.excludeAll, sp).add(ex.first, ex.last);
    else for (const p of ex.ports) getSet(plan.excludePort, `${sp}|${p}`).add(ex.first, ex.last);
  }
  return plan;
}

/** Mutable dedupe state of one expansion. */
interface Seen {
  names: Set<string>;
  addresses: Map<string, IntervalSet>;
}

/**
 * For one address item and one port: the parts of its block still to yield (not covered by an earlier
 * item, not excluded). Marks the whole block as covered for that port.
 */
function freeIntervals(plan: Plan, seen: Seen, spec: AddressSpec, port: number): IntervalSet {
  const sp = space(spec.family, spec.zone);
  const covered = getSet(seen.addresses, `${sp}|${port}`);
  let free = IntervalSet.of(...covered.gaps(spec.first, spec.last));
  const zoneless = space(spec.family, null);
  const removers = [
    plan.excludeAll.get(sp),
    plan.excludePort.get(`${sp}|${port}`),
    ...(spec.zone !== null ? [plan.excludeAll.get(zoneless), plan.excludePort.get(`${zoneless}|${port}`)] : []),
  ];
  for (const r of removers) if (r !== undefined && !free.isEmpty) free = free.minus(r);
  covered.add(spec.first, spec.last);
  return free;
}

function label(host: string, family: 4 | 6 | null, port: number, showPort: boolean): string {
  return showPort ? targetKey(host, family, port) : host;
}

function* generate(plan: Plan): Generator<Target, void, undefined> {
  const seen: Seen = { names: new Set(), addresses: new Map() };
  const shard = plan.shard;
  for (const spec of plan.specs) {
    const showPort = spec.port !== null || spec.ports.length > 1;
    if (spec.kind === 'name') {
      if (plan.excludeNames.has(spec.name)) continue;
      for (const port of spec.ports) {
        const key = `${spec.name}:${port}`;
        if (seen.names.has(key) || plan.excludeNamePorts.has(key)) continue;
        seen.names.add(key);
        if (shard !== null && shardOf(spec.name, null, port, shard.count) !== shard.index) continue;
        yield { target: label(spec.name, null, port, showPort), host: spec.name, address: null, port, family: null };
      }
      continue;
    }
    const perPort = spec.ports.map((port) => ({ port, free: freeIntervals(plan, seen, spec, port).intervals, at: 0 }));
    const union = new IntervalSet();
    for (const { free } of perPort) for (const [lo, hi] of free) union.add(lo, hi);
    for (const [lo, hi] of union.intervals) {
      for (let a = lo; a <= hi; a++) {
        let host: string | null = null;
        for (const pp of perPort) {
          // Addresses only ascend, so each port's free list is walked once.
          let iv: Interval | undefined = pp.free[pp.at];
          while (iv !== undefined && iv[1] < a) iv = pp.free[++pp.at];
          if (iv === undefined || iv[0] > a) continue;
          host ??= formatAddress(spec.family, a, spec.zone);
          if (shard !== null && shardOf(host, spec.family, pp.port, shard.count) !== shard.index) continue;
          yield {
            target: label(host, spec.family, pp.port, showPort),
            host,
            address: host,
            port: pp.port,
            family: spec.family,
          };
        }
      }
    }
  }
}

/**
 * The targets of `specs` minus `exclude`, deduplicated, in this shard. Every item (and exclude, ports and
 * shard) is validated when this is CALLED, so errors surface before the first probe; iteration itself never
 * throws. Each iteration starts afresh. Memory is O(number of items), whatever the number of addresses.
 */
export function expandTargets(specs: readonly string[], opts: ExpandOptions): AsyncIterable<Target> {
  const plan = makePlan(specs, opts);
  return {
    async *[Symbol.asyncIterator]() {
      yield* generate(plan);
    },
  };
}

/** The same as expandTargets, synchronously (for tools and tests that need no async). */
export function expandTargetsSync(specs: readonly string[], opts: ExpandOptions): Iterable<Target> {
  const plan = makePlan(specs, opts);
  return { [Symbol.iterator]: () => generate(plan) };
}

/** Sharded address totals up to this size are counted exactly by hashing; above it, estimated. */
const EXACT_SHARD_COUNT_LIMIT = 1n << 16n;

/**
 * How many targets expandTargets will yield, without expanding (interval arithmetic), for a progress bar.
 * Without a shard it is EXACT: dedupe and excludes are applied as intervals, names count once per distinct
 * (name, port) (a name counts as 1 target per port even if it resolves to several addresses). With a shard,
 * names are exact; addresses are exact up to 65536 in total and above that the expected share, total/N
 * rounded up, which the hash keeps within a fraction of a percent for big scans: treat it as an estimate
 * and clamp the progress at 100%.
 */
export function countTargets(specs: readonly string[], opts: ExpandOptions): bigint {
  const plan = makePlan(specs, opts);
  const shard = plan.shard;
  const seen: Seen = { names: new Set(), addresses: new Map() };
  let names = 0n;
  let addresses = 0n;
  const sharded: Array<{ spec: AddressSpec; port: number; free: IntervalSet }> = [];
  for (const spec of plan.specs) {
    if (spec.kind === 'name') {
      if (plan.excludeNames.has(spec.name)) continue;
      for (const port of spec.ports) {
        const key = `${spec.name}:${port}`;
        if (seen.names.has(key) || plan.excludeNamePorts.has(key)) continue;
        seen.names.add(key);
        if (shard === null || shardOf(spec.name, null, port, shard.count) === shard.index) names++;
      }
      continue;
    }
    for (const port of spec.ports) {
      const free = freeIntervals(plan, seen, spec, port);
      addresses += free.size;
      if (shard !== null) sharded.push({ spec, port, free });
    }
  }
  if (shard === null || shard.count === 1) return names + addresses;
  if (addresses > EXACT_SHARD_COUNT_LIMIT) {
    const n = BigInt(shard.count);
    return names + (addresses + n - 1n) / n;
  }
  let mine = 0n;
  for (const { spec, port, free } of sharded) {
    for (const [lo, hi] of free.intervals) {
      for (let a = lo; a <= hi; a++) {
        if (shardOf(formatAddress(spec.family, a, spec.zone), spec.family, port, shard.count) === shard.index) mine++;
      }
    }
  }
  return names + mine;
}


/**
 * Whether (host, port) belongs to the target set: an item yields it, no exclude removes it, and it falls in this
 * shard. Hosts are matched as records carry them (lower-case name, or canonical address). A --baseline host
 * outside this set was never asked for in this run: it is out of scope, not gone.
 */
export function targetScope(specs: readonly string[], opts: ExpandOptions): (host: string, port: number) => boolean {
  const plan = makePlan(specs, opts);
  return (rawHost, port) => {
    const host = rawHost.replace(/^\[|\]$/g, '').toLowerCase();
    const addr = parseLiteral(host);
    if (addr === null) {
      if (plan.excludeNames.has(host) || plan.excludeNamePorts.has(`${host}:${port}`)) return false;
      if (!plan.specs.some((s) => s.kind === 'name' && s.name === host && s.ports.includes(port))) return false;
    } else {
      if (isExcluded(plan, addr, port)) return false;
      const yielded = plan.specs.some(
        (s) => s.kind !== 'name' && s.family === addr.family && s.zone === addr.zone && s.first <= addr.value && addr.value <= s.last && s.ports.includes(port),
      );
      if (!yielded) return false;
    }
    return plan.shard === null || shardOf(host, addr?.family ?? null, port, plan.shard.count) === plan.shard.index;
  };
}

/** An exclude (with or without this port, with or without a zone) covers the address. */
function isExcluded(plan: Plan, addr: { family: 4 | 6; value: bigint; zone: string | null }, port: number): boolean {
  const sp = space(addr.family, addr.zone);
  const zoneless = space(addr.family, null);
  const sets = [plan.excludeAll.get(sp), plan.excludePort.get(`${sp}|${port}`), ...(addr.zone !== null ? [plan.excludeAll.get(zoneless), plan.excludePort.get(`${zoneless}|${port}`)] : [])];
  return sets.some((set) => set?.has(addr.value) === true);
}

function parseLiteral(host: string): { family: 4 | 6; value: bigint; zone: string | null } | null {
  try {
    if (/^[0-9.]+$/.test(host) && host.includes('.')) return { family: 4, value: parseIPv4(host), zone: null };
    if (host.includes(':')) {
      const { text, zone } = splitZone(host);
      return { family: 6, value: parseIPv6(text), zone };
    }
  } catch {
    /* not a literal */
  }
  return null;
}

/**
 * Whether an address a name resolved to is excluded (`scan localhost --exclude 127.0.0.0/8`): exclusions apply to
 * the address actually probed. IPv4-mapped IPv6 counts as its IPv4 address.
 */
export function addressExcluded(exclude: string[]): (address: string, port: number) => boolean {
  if (exclude.length === 0) return () => false;
  const plan = makePlan([], { ports: [], exclude });
  return (address, port) => {
    const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
    const addr = parseLiteral((m ? m[1]! : address).toLowerCase());
    return addr !== null && isExcluded(plan, addr, port);
  };
}
