/**
 * How many first connects a scan keeps in flight, and how many sockets it may hold, from the file descriptors the
 * process may open. A firewalled address holds its connect for the whole timeout (5 s by default): a /16 of them
 * at 4096 at a time takes 65536 / 4096 x 5 s = 80 s, at 128 it took 43 minutes.
 */
import { readFileSync } from 'node:fs';

export const DEFAULT_CONNECT_CONCURRENCY = 4096;
/** Descriptors left for everything else: outputs, the spool, DNS, stdio, Node itself. */
const RESERVED_FDS = 128;

/**
 * The soft limit on open files, where the platform says it (Linux: /proc/self/limits), else null. Windows has no
 * such per-process limit on sockets; macOS's is not readable from Node, so the EMFILE back-off of the runner is
 * what keeps a scan there within it.
 */
export function openFileLimit(): number | null {
  if (process.platform !== 'linux') return null;
  try {
    const line = readFileSync('/proc/self/limits', 'utf8').split('\n').find((l) => l.startsWith('Max open files'));
    const soft = line ? Number(line.split(/\s{2,}/)[1]) : NaN;
    return Number.isFinite(soft) && soft > 0 ? soft : null;
  } catch {
    return null;
  }
}

/** --connect-concurrency's default: 4096, or what the file-descriptor limit leaves beside the probes' sockets. */
export function defaultConnectConcurrency(probeConcurrency: number, limit: number | null = openFileLimit()): number {
  if (limit === null) return DEFAULT_CONNECT_CONCURRENCY;
  return Math.max(16, Math.min(DEFAULT_CONNECT_CONCURRENCY, limit - RESERVED_FDS - probeConcurrency * 4));
}

/** Sockets open at once across the scan: the connect stage plus the probes, within the file-descriptor limit. */
export function socketCap(connectConcurrency: number, probeSockets: number, limit: number | null = openFileLimit()): number {
  const wanted = connectConcurrency + probeSockets;
  return limit === null ? wanted : Math.max(16, Math.min(wanted, limit - RESERVED_FDS));
}
