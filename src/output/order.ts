/**
 * The order hosts are listed in by every format written at the end of a scan: addresses first, IPv4 before IPv6,
 * numerically; then names alphabetically; then by port. The same records give the same report whatever order the
 * hosts finished in (and an interrupted, then resumed, scan gives the report an uninterrupted one gives).
 */
import { isIP } from 'node:net';
import type { ProbeRecord } from '../record.js';
import { parseIPv4, parseIPv6 } from '../targets/address.js';

/** A string whose plain comparison is the report order. */
export function recordOrder(r: Pick<ProbeRecord, 'host' | 'port'>): string {
  const port = String(r.port).padStart(5, '0');
  const host = r.host.replace(/^\[|\]$/g, '');
  const bare = host.split('%')[0]!;
  try {
    if (isIP(bare) === 4) return `0${parseIPv4(bare).toString(16).padStart(8, '0')}:${port}`;
    if (isIP(bare) === 6) return `1${parseIPv6(bare).toString(16).padStart(32, '0')}${host.slice(bare.length)}:${port}`;
  } catch {
    /* not a canonical literal: sorted as a name */
  }
  return `2${host.toLowerCase()}:${port}`;
}
