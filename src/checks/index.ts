/**
 * The checks rdprobe runs on a host, and the probe of one host: resolve the name, run the checks (scheduler.ts),
 * fold their results into the record (fold.ts). To add a check: write its file (contract.ts says what it declares)
 * and list it here; its switch appears on the command line and in the record's `scan.options` by itself.
 */
import { Budget, now, since } from '../transport/clock.js';
import { TransportError } from '../transport/errors.js';
import type { MeasuredRecord } from '../record.js';
import { AUTH } from './auth.js';
import { CLIENT } from './client.js';
import { CLIENTS } from './clients.js';
import { budgetOf, enabled, type Check, type CheckSwitch, type HostTarget, type ProbeDeps, type ScanOptions } from './contract.js';
import { fold } from './fold.js';
import { LOGON } from './logon.js';
import { PROTOCOL_CHECKS } from './protocols.js';
import { RDP_SECURITY } from './rdp-security.js';
import { RDP_UDP } from './rdp-udp.js';
import { runChecks } from './scheduler.js';
import { toFailure } from './steps/failure.js';
import { TLS_FEATURES } from './tls/features.js';
import { TLS_GROUPS } from './tls/groups.js';
import { TLS_LEGACY } from './tls/legacy.js';
import { TLS_SUITES } from './tls/suites.js';
import { TLS_VERSIONS } from './tls/versions.js';

/** Every check, in the order their record sections appear. */
export const CHECKS: readonly Check[] = [CLIENT, ...PROTOCOL_CHECKS, TLS_VERSIONS, TLS_LEGACY, TLS_SUITES, TLS_GROUPS, TLS_FEATURES, RDP_SECURITY, RDP_UDP, AUTH, LOGON, CLIENTS] as readonly Check[];

/**
 * The connections the default checks may open to one host together: Windows logs and throttles hosts that open many
 * half-finished connections (RemoteConnectionManager 1006), so this stays at 12. Opt-in checks add their own.
 */
export const MAX_CONNECTIONS = 12;

/**
 * Connections open at once to one host: 4 for the default checks; the TLS deep mode (opt-in, documented) walks
 * dozens of short hellos and may keep 8 in flight, so a host with a slow accept (a server that forks per connection)
 * is not measured one round-trip at a time.
 */
export function connectionsPerHost(o: ScanOptions): number {
  return o.checks['tls-suites'] ? 8 : 4;
}

/** Every switch the checks declare (the scan command's --[no-]<flag> options). */
export function checkSwitches(checks: readonly Check[] = CHECKS): CheckSwitch[] {
  // Several checks may share one switch (the TLS deep mode's): each flag once.
  const all = checks.flatMap((c) => [...(c.switch ? [c.switch] : []), ...(c.switches ?? [])]);
  return all.filter((s, i) => all.findIndex((x) => x.flag === s.flag) === i);
}

export const DEFAULT_SCAN_OPTIONS: ScanOptions = {
  timeoutMs: 5000,
  hostTimeoutMs: 30000,
  cookie: 'rdprobe',
  checks: Object.fromEntries(checkSwitches().map((s) => [s.flag, s.default])),
  caCertificates: [],
  connectionSpacingMs: 0,
  auth: null,
};

/** The TCP connections the checks enabled in `o` may open to one host. */
export function connectionBudget(o: ScanOptions, checks: readonly Check[] = CHECKS): number {
  return checks.filter((c) => enabled(c, o)).reduce((n, c) => n + budgetOf(c, o).tcp, 0);
}

/**
 * Probes one host. Returns null when its name resolved to an excluded address: exclusions apply to the address
 * actually probed (`scan localhost --exclude 127.0.0.0/8` probes nothing).
 */
export function probeHost(t: HostTarget, opts: ScanOptions, deps: ProbeDeps & { excluded: NonNullable<ProbeDeps['excluded']> }, checks?: readonly Check[]): Promise<MeasuredRecord | null>;
export function probeHost(t: HostTarget, opts: ScanOptions, deps: Omit<ProbeDeps, 'excluded'>, checks?: readonly Check[]): Promise<MeasuredRecord>;
export async function probeHost(t: HostTarget, opts: ScanOptions, deps: ProbeDeps, checks: readonly Check[] = CHECKS): Promise<MeasuredRecord | null> {
  const started = now();
  const scannedAt = (deps.clock ?? (() => new Date()))();
  const budget = Budget.start(opts.timeoutMs, opts.hostTimeoutMs);
  const base = { target: t, checks, scannedAt, caCertificates: opts.caCertificates };
  let address = t.address;
  let dnsMs: number | undefined;
  if (address === null) {
    const d0 = now();
    try {
      address = await deps.resolve(t.host, Math.min(opts.timeoutMs, budget.next().ms));
    } catch (err) {
      const f = toFailure('dns', err instanceof TransportError ? err : new TransportError('not_found', String(err)));
      return fold({ ...base, address: null, status: 'unreachable', failure: f, dnsMs: since(d0), run: null, totalMs: since(started) + (deps.firstConnectMs ?? 0) });
    }
    dnsMs = since(d0);
    if (deps.excluded?.(address, t.port)) return null;
  }
  // The first connect failed already (the scan's connect stage): the host is unreachable and no check can run.
  // Most addresses of a subnet end here, so they skip the scheduler; a connect cut by the deadline goes the long way
  // (its checks are listed as not measured).
  const first = deps.firstConnectFailure;
  if (first !== undefined && !(first instanceof TransportError && (first.kind === 'deadline' || first.kind === 'connection_budget'))) {
    const run = { results: new Map<string, unknown>(), statuses: new Map(), connections: 1 };
    return fold({ ...base, address, status: 'unreachable', failure: toFailure('tcp', first), dnsMs, run, totalMs: since(started) + (deps.firstConnectMs ?? 0) });
  }
  try {
    const run = await runChecks(checks, { target: t.target, host: t.host, address, port: t.port }, opts, budget, deps);
    return await fold({ ...base, address, dnsMs, run, totalMs: since(started) + (deps.firstConnectMs ?? 0) });
  } catch (e) {
    // A bug of rdprobe's must cost one host, not the scan: the host gets an `error` record that says so.
    return fold({ ...base, address, status: 'error', failure: toFailure('x224', e), dnsMs, run: null, totalMs: since(started) + (deps.firstConnectMs ?? 0) });
  }
}

export { nlaRequired } from './fold.js';
export type { Check, HostTarget, ProbeDeps, ScanOptions } from './contract.js';
