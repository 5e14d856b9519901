/**
 * Parsing of one user-written target item (command line, --exclude, or a line of --targets-file).
 *
 * Accepted syntaxes (surrounding whitespace is ignored; anything else invalid throws TargetError):
 *
 *   host name       rdp01  rdp01.corp.example.com  localhost       RFC 1123 labels (letters, digits, "-", and
 *                                                                 "_" which Windows names sometimes carry),
 *                                                                 one trailing dot allowed; matched and
 *                                                                 deduplicated case-insensitively.
 *   host:port       rdp01:3390
 *   IPv4            10.0.0.5          10.0.0.5:3390               strict dotted quad (no 010, no 127.1)
 *   IPv4 CIDR       10.0.0.0/24       10.0.0.0/24:3390
 *   IPv4 range      10.0.0.10-40      10.0.0.10-40:3390           last octet
 *                   10.0.0.10-10.0.1.20[:3390]                    full addresses, start <= end
 *   IPv6            ::1  2001:db8::5  fe80::1%eth0  fe80::1%12     bare: NEVER carries a port ("::1:3390" is
 *                                                                 the address ::1:3390, as everywhere else)
 *   [IPv6]          [::1]  [::1]:3390  [fe80::1%eth0]:3390         brackets: the only way to give an IPv6 port
 *   IPv6 CIDR       2001:db8::/120    [2001:db8::/120]:3390
 *   IPv6 range      2001:db8::10-2001:db8::40   [2001:db8::10-2001:db8::40]:3390   full addresses only
 *
 * Ports on CIDRs and ranges: allowed, because an IPv4 block never contains ":" (so "10.0.0.0/24:3390" is
 * unambiguous) and IPv6 needs the same brackets it needs for a single address. The rule users have to learn is
 * the one they already know: "an IPv6 port needs brackets".
 *
 * A CIDR with host bits set (10.0.0.5/24) means its network (10.0.0.0/24), as in nmap. Network and
 * broadcast addresses of IPv4 blocks are INCLUDED (nmap, masscan and zmap do the same; a /24 is 256 targets):
 * exclude them explicitly if you must. Zone ids are allowed on single addresses only.
 *
 * Size cap: one item may expand to at most HUGE_LIMIT = 2^24 addresses (an IPv4 /8, an IPv6 /104) unless the
 * caller passes allowHuge (the CLI's --allow-huge). Excludes are never expanded, so they have no cap.
 *
 * Names are not resolved here: the probe resolves a name and probes it ONCE, at its first resolved address.
 * Users who want every address of a multi-homed name should list the addresses.
 */
import {
  AddressSyntax,
  IPV4_MAX,
  looksLikeIPv4,
  networkOf,
  parseIPv4,
  parseIPv6,
  splitZone,
} from './address.js';
import { TargetError } from './errors.js';

/** One item may expand to at most this many addresses without allowHuge: 2^24, an IPv4 /8 or an IPv6 /104. */
export const HUGE_LIMIT = 1n << 24n;

export interface NameSpec {
  kind: 'name';
  /** The item as written (trimmed). */
  input: string;
  /** Lower case, without a trailing dot. */
  name: string;
  /** The port written in the item, or null. */
  port: number | null;
  /** [port] if the item has one, else the default ports. */
  ports: number[];
}

export interface AddressSpec {
  /** address: one literal; cidr / range: a block first..last (inclusive). */
  kind: 'address' | 'cidr' | 'range';
  input: string;
  family: 4 | 6;
  /** IPv6 zone id (single addresses only), else null. */
  zone: string | null;
  first: bigint;
  last: bigint;
  port: number | null;
  ports: number[];
}

export type TargetSpec = NameSpec | AddressSpec;

/** An exclude item: the same syntaxes; `ports` null means every port. */
export type ExcludeSpec =
  | (Omit<NameSpec, 'ports'> & { ports: number[] | null })
  | (Omit<AddressSpec, 'ports'> & { ports: number[] | null });

export interface ParseOptions {
  /** Allow one item to expand to more than HUGE_LIMIT addresses (IPv4 shorter than /8, IPv6 shorter than /104). */
  allowHuge?: boolean;
}

type Parsed = Omit<NameSpec, 'ports'> | Omit<AddressSpec, 'ports'>;

/** Validates a port in an item or in a list. Returns the reason it is bad, or the number. */
function portValue(text: string): number | string {
  if (text === '') return 'empty port';
  if (!/^[0-9]+$/.test(text)) return `port "${text}" is not a decimal number`;
  const n = text.replace(/^0+(?=.)/, '').length > 5 ? Infinity : Number(text);
  if (n < 1 || n > 65535) return `port ${text} out of range 1..65535`;
  return n;
}

const LABEL = /^[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?$/;

function nameReason(host: string): string | null {
  const name = host.endsWith('.') ? host.slice(0, -1) : host;
  if (name === '') return 'empty host name';
  if (name.length > 253) return 'host name longer than 253 characters';
  const bad = /[^A-Za-z0-9_.-]/.exec(name);
  if (bad) return `"${bad[0]}" is not allowed in a host name`;
  for (const label of name.split('.')) {
    if (label === '') return 'empty label (".." or a leading ".") in host name';
    if (label.length > 63) return `label "${label.slice(0, 20)}..." longer than 63 characters`;
    if (!LABEL.test(label)) return `label "${label}" starts or ends with "-"`;
  }
  const lastLabel = name.slice(name.lastIndexOf('.') + 1);
  if (/^[0-9]+$/.test(lastLabel)) return 'not a valid IPv4 address or host name';
  // One rule for numeric spellings: what inet_aton would read as an address (0x7f000201, 0177.0.0.1, 2130706945,
  // 127.1) is neither a name nor accepted as an address here: the probe would reach an address no exclude names.
  if (name.split('.').every((l) => /^(0x[0-9a-f]*|[0-9]+)$/i.test(l))) return 'a numeric address spelling rdprobe does not accept: write the address as a dotted quad (127.0.2.1)';
  return null;
}

function prefixOf(text: string, bits: number): number | string {
  if (!/^(?:0|[1-9][0-9]{0,2})$/.test(text)) return `prefix length "${text}" is not a number 0..${bits}`;
  const n = Number(text);
  if (n > bits) return `prefix length /${n} out of range 0..${bits}`;
  return n;
}

function parseItem(raw: string, kind: 'target' | 'exclude', allowHuge: boolean): Parsed {
  const input = raw.trim();
  const fail = (reason: string): never => {
    throw new TargetError(kind, input === '' ? raw : input, reason);
  };
  try {
    return parseTrimmed(input, kind, allowHuge, fail);
  } catch (e) {
    if (e instanceof AddressSyntax) return fail(e.reason);
    throw e;
  }
}

function parseTrimmed(
  input: string,
  kind: 'target' | 'exclude',
  allowHuge: boolean,
  fail: (reason: string) => never,
): Parsed {
  if (input === '') fail('empty item');
  if (/\s/.test(input)) fail('contains whitespace (one target per item)');
  if (input.includes('://')) fail('looks like a URL; write host, host:port or [IPv6]:port');

  let hostPart: string;
  let portText: string | null = null;
  let bracketed = false;
  if (input.startsWith('[')) {
    const close = input.indexOf(']');
    if (close === -1) fail('missing "]"');
    hostPart = input.slice(1, close);
    const rest = input.slice(close + 1);
    if (rest !== '') {
      if (!rest.startsWith(':')) fail('expected ":port" after "]"');
      portText = rest.slice(1);
    }
    bracketed = true;
    if (hostPart.includes('[') || hostPart.includes(']')) fail('unbalanced brackets');
  } else {
    if (input.includes(']')) fail('unbalanced "]"');
    const colons = input.split(':').length - 1;
    if (colons === 1) {
      const at = input.indexOf(':');
      hostPart = input.slice(0, at);
      portText = input.slice(at + 1);
      if (hostPart === '') fail('missing host before ":port"');
    } else {
      hostPart = input; // no colon, or a bare IPv6 literal (which never carries a port)
    }
  }

  let port: number | null = null;
  if (portText !== null) {
    const p = portValue(portText);
    if (typeof p === 'string') fail(p);
    port = p as number;
  }

  const block = (
    familyIn: 4 | 6,
    what: 'address' | 'cidr' | 'range',
    firstIn: bigint,
    lastIn: bigint,
    zone: string | null = null,
  ): Parsed => {
    // IPv4-mapped IPv6 (::ffff:a.b.c.d) is the IPv4 address: probed, excluded, deduplicated and labelled as such.
    const mapped = familyIn === 6 && zone === null && firstIn >> 32n === 0xffffn && lastIn >> 32n === 0xffffn;
    const family: 4 | 6 = mapped ? 4 : familyIn;
    const first = mapped ? firstIn & IPV4_MAX : firstIn;
    const last = mapped ? lastIn & IPV4_MAX : lastIn;
    const count = last - first + 1n;
    if (kind === 'target' && !allowHuge && count > HUGE_LIMIT) {
      fail(
        `${count} addresses; one item may expand to at most ${HUGE_LIMIT} (an IPv4 /8, an IPv6 /104) without --allow-huge`,
      );
    }
    return { kind: what, input, family, zone, first, last, port };
  };

  if (bracketed || hostPart.includes(':')) {
    if (!hostPart.includes(':')) fail('brackets are only for IPv6 addresses');
    const slash = hostPart.indexOf('/');
    if (slash !== -1) {
      const { text, zone } = splitZone(hostPart.slice(0, slash));
      if (zone !== null) fail('a zone id is only allowed on a single address');
      const prefixText = hostPart.slice(slash + 1);
      const prefix = prefixOf(prefixText, 128);
      if (typeof prefix === 'string') {
        fail(
          prefixText.includes(':')
            ? `${prefix} (a port on an IPv6 block needs brackets: [2001:db8::/120]:3390)`
            : prefix,
        );
      }
      const network = networkOf(parseIPv6(text), prefix as number, 128);
      const last = network + (1n << BigInt(128 - (prefix as number))) - 1n;
      return block(6, 'cidr', network, last);
    }
    const dash = hostPart.indexOf('-');
    if (dash !== -1) {
      const a = hostPart.slice(0, dash);
      const b = hostPart.slice(dash + 1);
      if (a.includes('%') || b.includes('%')) fail('a zone id is only allowed on a single address');
      if (!b.includes(':')) fail('an IPv6 range needs two full addresses (2001:db8::10-2001:db8::40)');
      const first = parseIPv6(a);
      const last = parseIPv6(b);
      if (last < first) fail(`range end ${b} is before its start ${a}`);
      return block(6, 'range', first, last);
    }
    const { text, zone } = splitZone(hostPart);
    const value = parseIPv6(text);
    return block(6, 'address', value, value, zone);
  }

  const slash = hostPart.indexOf('/');
  if (slash !== -1) {
    const addrText = hostPart.slice(0, slash);
    if (!looksLikeIPv4(addrText)) fail('a CIDR block needs an IP address before "/"');
    const prefix = prefixOf(hostPart.slice(slash + 1), 32);
    if (typeof prefix === 'string') fail(prefix);
    const network = networkOf(parseIPv4(addrText), prefix as number, 32);
    return block(4, 'cidr', network, network + (1n << BigInt(32 - (prefix as number))) - 1n);
  }

  const dash = hostPart.indexOf('-');
  if (dash !== -1 && looksLikeIPv4(hostPart.slice(0, dash))) {
    const a = hostPart.slice(0, dash);
    const b = hostPart.slice(dash + 1);
    const first = parseIPv4(a);
    let last: bigint;
    if (/^[0-9]+$/.test(b)) {
      if (b.length > 1 && b.startsWith('0')) fail(`range end "${b}" has a leading zero`);
      const octet = Number(b);
      if (octet > 255) fail(`range end octet ${b} out of range`);
      last = (first & ~0xffn) | BigInt(octet);
    } else if (looksLikeIPv4(b)) {
      last = parseIPv4(b);
    } else {
      fail(`range end "${b}" is neither a last octet nor an IPv4 address`);
    }
    if (last! < first) fail(`range end ${b} is before its start ${a}`);
    return block(4, 'range', first, last!);
  }

  if (looksLikeIPv4(hostPart) || /^[0-9]+$/.test(hostPart)) {
    const value = parseIPv4(hostPart);
    return block(4, 'address', value, value);
  }

  const reason = nameReason(hostPart);
  if (reason !== null) fail(reason);
  const name = (hostPart.endsWith('.') ? hostPart.slice(0, -1) : hostPart).toLowerCase();
  return { kind: 'name', input, name, port };
}

/**
 * Parses one target item. `defaultPorts` apply when the item carries no port; an item without a port and an
 * empty `defaultPorts` is an error.
 */
export function parseTargetSpec(spec: string, defaultPorts: number[], opts: ParseOptions = {}): TargetSpec {
  const parsed = parseItem(spec, 'target', opts.allowHuge === true);
  if (parsed.port === null) {
    if (defaultPorts.length === 0) throw new TargetError('target', parsed.input, 'no port given and no default ports');
    for (const p of defaultPorts) {
      if (!Number.isInteger(p) || p < 1 || p > 65535) {
        throw new TargetError('port', String(p), 'default port out of range 1..65535');
      }
    }
  }
  const ports = parsed.port === null ? [...new Set(defaultPorts)] : [parsed.port];
  return { ...parsed, ports } as TargetSpec;
}

/** Parses one --exclude item: the same syntaxes; an exclude without a port excludes every port. Never capped. */
export function parseExcludeSpec(spec: string): ExcludeSpec {
  const parsed = parseItem(spec, 'exclude', true);
  return { ...parsed, ports: parsed.port === null ? null : [parsed.port] } as ExcludeSpec;
}

/**
 * Parses a -p list: "3389", "3389,3390", ranges "3389-3391", spaces around items allowed. Duplicates are
 * dropped; the order of first appearance is kept (it is the probing order per host).
 */
export function parsePorts(s: string): number[] {
  const out = new Set<number>();
  const items = s.split(',');
  for (const rawItem of items) {
    const item = rawItem.trim();
    const where = items.length > 1 ? ` (in "${s.trim()}")` : '';
    if (item === '') throw new TargetError('port', s, 'empty port in list');
    const dash = item.indexOf('-');
    if (dash > 0) {
      const a = portValue(item.slice(0, dash).trim());
      const b = portValue(item.slice(dash + 1).trim());
      if (typeof a === 'string') throw new TargetError('port', item, a + where);
      if (typeof b === 'string') throw new TargetError('port', item, b + where);
      if (b < a) throw new TargetError('port', item, `range end ${b} is before its start ${a}${where}`);
      for (let p = a; p <= b; p++) out.add(p);
    } else {
      const p = portValue(item);
      if (typeof p === 'string') throw new TargetError('port', item, p + where);
      out.add(p);
    }
  }
  return [...out];
}

export interface Shard {
  /** 1-based: 1..count. */
  index: number;
  count: number;
}

/** Largest N accepted in --shard K/N. */
export const MAX_SHARDS = 1_000_000;

/** Parses --shard K/N (1-based K, 1 <= K <= N). */
export function parseShard(s: string): Shard {
  const m = /^\s*([0-9]{1,7})\s*\/\s*([0-9]{1,7})\s*$/.exec(s);
  if (!m) throw new TargetError('shard', s, 'expected K/N, e.g. 2/4 (the 2nd of 4 shards)');
  const index = Number(m[1]);
  const count = Number(m[2]);
  return checkShard({ index, count }, s);
}

export function checkShard(shard: Shard, input = `${shard.index}/${shard.count}`): Shard {
  const { index, count } = shard;
  if (!Number.isInteger(count) || count < 1 || count > MAX_SHARDS) {
    throw new TargetError('shard', input, `shard count must be 1..${MAX_SHARDS}`);
  }
  if (!Number.isInteger(index) || index < 1 || index > count) {
    throw new TargetError('shard', input, `shard number must be 1..${count} (shards are numbered from 1)`);
  }
  return { index, count };
}

