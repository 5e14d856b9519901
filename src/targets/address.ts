/**
 * IP address literals as bigints (IPv4 in [0, 2^32), IPv6 in [0, 2^128)), strict parsing and canonical
 * formatting. Canonical forms are what dedupe, excludes, shard hashing and the output labels use:
 *   IPv4: dotted decimal without leading zeros (10.0.0.5).
 *   IPv6: RFC 5952: lower-case hex, no leading zeros, the first longest run of two or more zero groups
 *         compressed to "::", and IPv4-mapped addresses (::ffff:0:0/96) in mixed notation ::ffff:1.2.3.4.
 *         Target items written as IPv4-mapped IPv6 are read as the IPv4 address they map (spec.ts), so an exclude
 *         of the IPv4 address covers them.
 *   Zone ids (fe80::1%eth0, fe80::1%12 on Windows) are kept verbatim after the address.
 */

/** Thrown by the parsers here; the spec parser turns it into a TargetError naming the user's item. */
export class AddressSyntax extends Error {
  constructor(readonly reason: string) {
    super(reason);
  }
}

export const IPV4_MAX = (1n << 32n) - 1n;

/** True when `s` is made of digits and dots only: the user meant an IPv4 address, so it is parsed strictly. */
export function looksLikeIPv4(s: string): boolean {
  return /^[0-9.]+$/.test(s) && s.includes('.');
}

/**
 * Strict dotted-quad: exactly four decimal octets 0..255 without leading zeros (010 is octal to inet_aton
 * and decimal to others, so it is refused rather than guessed). Short forms (127.1) are refused too.
 */
export function parseIPv4(s: string): bigint {
  const parts = s.split('.');
  if (parts.length !== 4) {
    throw new AddressSyntax(`an IPv4 address has 4 octets, not ${parts.length}`);
  }
  let value = 0n;
  for (const part of parts) {
    if (part === '') throw new AddressSyntax('empty octet');
    if (!/^[0-9]+$/.test(part)) throw new AddressSyntax(`octet "${part}" is not a decimal number`);
    if (part.length > 1 && part.startsWith('0')) {
      throw new AddressSyntax(`octet "${part}" has a leading zero (octal or decimal? write ${Number(part)})`);
    }
    const n = Number(part);
    if (n > 255) throw new AddressSyntax(`octet ${part} out of range`);
    value = (value << 8n) | BigInt(n);
  }
  return value;
}

export function formatIPv4(value: bigint): string {
  const n = Number(value);
  return `${(n >>> 24) & 255}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

/**
 * IPv6 text forms of RFC 4291 2.2: full, "::"-compressed (once), optionally ending in a dotted IPv4 (which
 * counts as two groups). Case-insensitive. No zone id here (see splitZone) and no brackets.
 */
export function parseIPv6(s: string): bigint {
  if (s === '') throw new AddressSyntax('empty IPv6 address');
  if (s.includes(':::')) throw new AddressSyntax('":::" is not valid');
  const dbl = s.indexOf('::');
  if (dbl !== -1 && s.indexOf('::', dbl + 1) !== -1) throw new AddressSyntax('"::" may appear only once');
  const parseSide = (side: string, allowV4Tail: boolean): bigint[] => {
    if (side === '') return [];
    const groups = side.split(':');
    const out: bigint[] = [];
    groups.forEach((g, i) => {
      if (g === '') throw new AddressSyntax('empty group (a single ":" at the start or end?)');
      if (g.includes('.')) {
        if (!allowV4Tail || i !== groups.length - 1) {
          throw new AddressSyntax('an embedded IPv4 address may only be the last 32 bits');
        }
        const v4 = parseIPv4(g);
        out.push(v4 >> 16n, v4 & 0xffffn);
        return;
      }
      if (!/^[0-9a-fA-F]{1,4}$/.test(g)) {
        throw new AddressSyntax(
          g.length > 4 && /^[0-9a-fA-F]+$/.test(g) ? `group "${g}" has more than 4 hex digits` : `group "${g}" is not hexadecimal`,
        );
      }
      out.push(BigInt(`0x${g}`));
    });
    return out;
  };
  let groups: bigint[];
  if (dbl === -1) {
    groups = parseSide(s, true);
    if (groups.length !== 8) throw new AddressSyntax(`an IPv6 address has 8 groups, not ${groups.length}`);
  } else {
    const head = parseSide(s.slice(0, dbl), false);
    const tail = parseSide(s.slice(dbl + 2), true);
    const missing = 8 - head.length - tail.length;
    if (missing < 1) throw new AddressSyntax('too many groups for "::"');
    groups = [...head, ...new Array<bigint>(missing).fill(0n), ...tail];
  }
  let value = 0n;
  for (const g of groups) value = (value << 16n) | g;
  return value;
}

export function formatIPv6(value: bigint): string {
  if (value >> 32n === 0xffffn) {
    return `::ffff:${formatIPv4(value & IPV4_MAX)}`;
  }
  const groups: number[] = [];
  for (let i = 7; i >= 0; i--) groups.push(Number((value >> BigInt(i * 16)) & 0xffffn));
  // First longest run of zero groups of length >= 2 (RFC 5952 4.2.2, 4.2.3).
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) {
      bestStart = i;
      bestLen = j - i;
    }
    i = j;
  }
  const hex = (from: number, to: number): string =>
    groups
      .slice(from, to)
      .map((g) => g.toString(16))
      .join(':');
  if (bestStart === -1) return hex(0, 8);
  return `${hex(0, bestStart)}::${hex(bestStart + bestLen, 8)}`;
}

export function formatAddress(family: 4 | 6, value: bigint, zone: string | null = null): string {
  const text = family === 4 ? formatIPv4(value) : formatIPv6(value);
  return zone === null ? text : `${text}%${zone}`;
}

/**
 * Splits "fe80::1%eth0" into address text and zone. Zone ids are interface names or indexes: letters, digits,
 * and . _ - (Windows uses numbers, Linux/macOS names like eth0 or en0).
 */
export function splitZone(s: string): { text: string; zone: string | null } {
  const pct = s.indexOf('%');
  if (pct === -1) return { text: s, zone: null };
  const zone = s.slice(pct + 1);
  if (zone === '') throw new AddressSyntax('empty zone id after "%"');
  if (!/^[A-Za-z0-9._-]{1,64}$/.test(zone)) throw new AddressSyntax(`zone id "${zone}" has unexpected characters`);
  return { text: s.slice(0, pct), zone };
}

/** The network mask for a prefix length: the first address of the block. */
export function networkOf(value: bigint, prefix: number, bits: number): bigint {
  const hostBits = BigInt(bits - prefix);
  return (value >> hostBits) << hostBits;
}
