/**
 * Runs the checks of one host as their needs are met, and keeps the host's limits: each check's own connection
 * budget, the host's connections open at once (the runner's slot), and the host deadline. A check that its needs
 * rule out is "not applicable"; one that rdprobe's own deadline or budget cut is "not measured" (its status says
 * which), never a server's refusal.
 */
import { RdpConnection } from '../transport/rdp-connection.js';
import { TransportError } from '../transport/errors.js';
import type { Budget } from '../transport/clock.js';
import type { Failure, ProtocolKey } from '../record.js';
import { budgetOf, enabled, type Check, type CheckContext, type CheckStatus, type ProbeDeps, type Results, type Ride, type ScanOptions, type SessionRide } from './contract.js';

export interface HostRun {
  results: Map<string, unknown>;
  statuses: Map<string, CheckStatus>;
  /** TCP connections opened and UDP exchanges made. */
  connections: number;
}

export async function runChecks(
  checks: readonly Check[],
  host: CheckContext['host'],
  options: ScanOptions,
  budget: Budget,
  deps: ProbeDeps,
): Promise<HostRun> {
  const results = new Map<string, unknown>();
  const statuses = new Map<string, CheckStatus>();
  const done = new Set<string>();
  let connections = 0;
  // --connection-spacing: the earliest time the next connection to this host may open.
  let nextOpenAt = 0;
  const space = async (): Promise<void> => {
    const gap = options.connectionSpacingMs;
    if (gap <= 0) return;
    const at = Math.max(Date.now(), nextOpenAt);
    nextOpenAt = at + gap;
    const wait = Math.min(at - Date.now(), Math.max(0, budget.deadline - Date.now()));
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
  };
  const active = checks.filter((c) => enabled(c, options));
  for (const c of checks) if (!active.includes(c)) statuses.set(c.name, 'skipped');
  const rides = new Map<ProtocolKey, { check: string; ride: Ride }[]>();
  for (const c of active) for (const ride of c.rides ?? []) rides.set(ride.on, [...(rides.get(ride.on) ?? []), { check: c.name, ride }]);
  const sessionRides: { check: string; ride: SessionRide }[] = active.flatMap((c) => (c.sessionRide ? [{ check: c.name, ride: c.sessionRide }] : []));

  const view: Results = {
    get: <T>(name: string) => results.get(name) as T | undefined,
    isDone: (name) => done.has(name) || statuses.has(name),
    status: (name) => statuses.get(name),
  };

  let wake: (() => void) | null = null;
  const poke = () => {
    const w = wake;
    wake = null;
    w?.();
  };

  const contextFor = (c: Check): { ctx: CheckContext; cut: () => CheckStatus | null } => {
    let used = 0;
    let usedUdp = 0;
    const allowed = budgetOf(c, options);
    let cut: 'deadline' | 'connection_budget' | null = null;
    const noteCut = (why: 'deadline' | 'connection_budget') => {
      // A deadline outranks a budget: the budget may have run out only because time did.
      if (cut !== 'deadline') cut = why;
    };
    const ctx: CheckContext = {
      host,
      options,
      budget,
      results: view,
      withConnection: (body) =>
        deps.connectionSlot(async () => {
          if (used >= allowed.tcp) {
            noteCut('connection_budget');
            throw new TransportError('connection_budget', `${c.name} may open ${allowed.tcp} connection(s) to the host`);
          }
          if (budget.expired()) {
            noteCut('deadline');
            throw new TransportError('deadline', 'host deadline reached before connecting');
          }
          used++;
          connections++;
          await space();
          const conn = await RdpConnection.open(deps.dialer, host.address, host.port, budget);
          try {
            return await body(conn);
          } finally {
            await conn.close();
          }
        }),
      udpExchange: async (request) => {
        if (usedUdp >= (allowed.udp ?? 0)) {
          noteCut('connection_budget');
          throw new TransportError('connection_budget', `${c.name} may make ${allowed.udp ?? 0} UDP exchange(s)`);
        }
        if (!deps.udp) throw new TransportError('error', 'no UDP transport');
        usedUdp++;
        connections++;
        return deps.udp(host.address, host.port, request, budget);
      },
      ridesOn: (protocol) => rides.get(protocol) ?? [],
      sessionRides: () => sessionRides,
      authGate: deps.authGate ?? null,
      publish: (partial) => {
        results.set(c.name, partial);
        poke();
      },
      noteCut,
      observe: (f: Failure) => {
        if (f.reason === 'deadline' || f.reason === 'connection_budget') noteCut(f.reason);
        return f;
      },
      now: () => (deps.clock ?? (() => new Date()))(),
    };
    return { ctx, cut: () => cut };
  };

  let failure: unknown = null;
  const pending = new Set(active);
  const running = new Set<Promise<void>>();
  const start = (c: Check): void => {
    pending.delete(c);
    const { ctx, cut } = contextFor(c);
    const p = c
      .run(ctx)
      .then(
        (r) => {
          results.set(c.name, r);
          statuses.set(c.name, cut() ?? 'done');
        },
        (e: unknown) => {
          // A check must return its failures as results; one that throws is rdprobe's bug. It costs this check,
          // not the host: the record shows it as not measured, and the error travels up for the test suite.
          statuses.set(c.name, cut() ?? 'done');
          results.delete(c.name);
          throw e;
        },
      )
      .finally(() => {
        done.add(c.name);
        running.delete(p);
        poke();
      });
    p.catch((e: unknown) => (failure ??= e));
    running.add(p);
  };
  for (;;) {
    let progressed = false;
    for (const c of [...pending].sort((a, b) => a.priority - b.priority)) {
      const need = c.needs(view, options);
      if (need === 'run') {
        if (budget.expired()) {
          pending.delete(c);
          statuses.set(c.name, 'deadline');
          done.add(c.name);
        } else start(c);
        progressed = true;
      } else if (need === 'skip' || need === 'cut') {
        pending.delete(c);
        statuses.set(c.name, need === 'skip' ? 'not_applicable' : budget.expired() ? 'deadline' : 'connection_budget');
        done.add(c.name);
        progressed = true;
      }
    }
    if (progressed) continue;
    if (running.size === 0) break;
    await new Promise<void>((resolve) => (wake = resolve));
  }
  // Needs that never came (a check waiting on one that never ran): not applicable.
  for (const c of pending) statuses.set(c.name, 'not_applicable');
  if (failure) throw failure;
  return { results, statuses, connections };
}
