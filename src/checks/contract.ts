/**
 * The contract every check of a host keeps (as zgrab2's scanners and sslyze's plugins do): a check is one file
 * under src/checks/ that declares its name, its switch, what it needs, how many connections it may use and the
 * record section it fills, and runs with the connection budget the scheduler gives it. The scheduler
 * (scheduler.ts) runs the checks of one host as their needs are met; the fold (fold.ts) builds the record from the
 * finished results only. Adding a check means adding its file and its line in index.ts: nothing in the scheduler,
 * the runner or the CLI.
 */
import type { TLSSocket } from 'node:tls';
import type { Budget } from '../transport/clock.js';
import type { Dialer } from '../transport/dialer.js';
import type { FrameReader } from '../transport/frame-reader.js';
import type { RdpConnection } from '../transport/rdp-connection.js';
import type { UdpExchangeResult } from '../transport/udp.js';
import type { Failure, MeasuredRecord, ProtocolKey } from '../record.js';
import type { Account, AuthOptions } from './auth-options.js';

/**
 * How a check ended, for the record's `not_measured`: `done` (it measured what it could; a server answer, even a
 * refusal, is a measurement), `skipped` (switched off), `not_applicable` (what it needs never came: PROTOCOL_RDP
 * refused, the host not RDP), `deadline` / `connection_budget` (rdprobe's own limits cut it: not measured).
 */
export type CheckStatus = 'done' | 'skipped' | 'not_applicable' | 'deadline' | 'connection_budget';

/** A boolean switch of the scan command: `--no-<flag>` turns a default check off, `--<flag>` turns an opt-in one on. */
export interface CheckSwitch {
  /** Option name, e.g. `tls-versions`, `udp`. */
  flag: string;
  default: boolean;
  describe: string;
}

export type Need = 'run' | 'wait' | 'skip' | 'cut';

/** Whether a check was cut by rdprobe's own limits. */
export function wasCut(r: Results, check: string): boolean {
  const s = r.status(check);
  return s === 'deadline' || s === 'connection_budget';
}

/** What a check can see of the others: finished results, and what a running check has published so far. */
export interface Results {
  /** The check's result (final when `isDone`, else the latest it published), or undefined. */
  get<T>(check: string): T | undefined;
  isDone(check: string): boolean;
  status(check: string): CheckStatus | undefined;
}

/** Work a check asks to do on another check's connection (e.g. a TLS 1.2 handshake right after `ssl` is selected). */
export interface Ride {
  /** The protocol probe whose connection it rides, after that protocol was selected. */
  on: ProtocolKey;
  run(conn: RdpConnection, ctx: CheckContext): Promise<unknown>;
}

/**
 * The connection the auth check authenticated with `authz` (TSCredentials delegated, the Early User Authorization
 * Result read when HYBRID_EX): what a session ride (the logon check) continues on. One authenticated connection
 * per host, never a second authentication.
 */
export interface AuthSession {
  socket: TLSSocket;
  /** Reads the server's frames on `socket` (bytes already buffered stay there). */
  reader: FrameReader;
  /** selectedProtocol of the server's RDP_NEG_RSP (PROTOCOL_HYBRID or PROTOCOL_HYBRID_EX). */
  selectedProtocol: number;
  account: Account;
}

/** Work a check does on the auth check's authenticated session (after authz), before it is closed. */
export interface SessionRide {
  run(session: AuthSession, ctx: CheckContext): Promise<unknown>;
}

/** What one credential exchange established (the auth check tells the scan's CredentialGate). */
export type GateVerdict =
  /** The server verified the credentials. */
  | 'accepted'
  /** STATUS_LOGON_FAILURE, or a close right after the AUTHENTICATE: a bad-password count on the account. */
  | 'rejected'
  /** STATUS_ACCOUNT_LOCKED_OUT: any further attempt only prolongs the lockout. */
  | 'locked_out'
  /** Nothing either way (withheld, broken off, another status). */
  | 'no_verdict';

/** Why the scan's credential exchanges were stopped. */
export interface GateStop {
  /** host:port whose answer stopped them. */
  by: string;
  /** What it answered, in words. */
  why: string;
}

/** A turn at the gate, ended exactly once with what the exchange established. */
export interface GateTurn {
  end(verdict: GateVerdict, why: string): void;
}

/**
 * The scan's lockout guard (src/scan/auth-gate.ts), owned by the runner like the connection slots: one credential
 * exchange at a time until the credentials are proven, and none after a rejection or a lockout.
 */
export interface CredentialGate {
  readonly stop: GateStop | null;
  /** Waits for a turn, or returns the stop when the scan's authentication is over. */
  enter(host: string): Promise<GateTurn | GateStop>;
}

/** What the scheduler hands a running check. */
export interface CheckContext {
  readonly host: { target: string; host: string; address: string; port: number };
  readonly options: ScanOptions;
  /** Per-step timeout and host deadline. */
  readonly budget: Budget;
  readonly results: Results;
  /**
   * Opens one TCP connection (counted for the host and against this check's budget, inside the host's limit of
   * connections open at once), runs `body` on it and closes it. Rejects with TransportError (`connection_budget`,
   * `deadline`, or how the connect failed) when no connection could be made.
   */
  withConnection<T>(body: (conn: RdpConnection) => Promise<T>): Promise<T>;
  /** One UDP request/response to the target's port (counted as a connection of the host). */
  udpExchange(request: Uint8Array): Promise<UdpExchangeResult>;
  /** The rides other enabled checks registered on this protocol (run by the protocol probe on its connection). */
  ridesOn(protocol: ProtocolKey): { check: string; ride: Ride }[];
  /** The session rides of enabled checks (run by the auth check on its authenticated connection). */
  sessionRides(): { check: string; ride: SessionRide }[];
  /** The scan's credential gate (null when the caller gave none: the check then guards this host alone). */
  readonly authGate: CredentialGate | null;
  /** Make a partial result visible to the others (their needs are evaluated again). */
  publish(partial: unknown): void;
  /** rdprobe's own limit cut part of this check's measurement (the record lists it under not_measured). */
  noteCut(reason: 'deadline' | 'connection_budget'): void;
  /** Records a step's failure: a cut by rdprobe's own limits is noted (see noteCut); returns the failure. */
  observe(f: Failure): Failure;
  now(): Date;
}

export interface Check<R = unknown> {
  readonly name: string;
  /** The switch that turns it on or off; a check without one always runs when its needs are met. */
  readonly switch?: CheckSwitch;
  /** Switches of steps it performs on its own connection (the client check's CredSSP step). */
  readonly switches?: readonly CheckSwitch[];
  /**
   * TCP connections it may open (and UDP exchanges it may make): its share of the host's budget. An opt-in check
   * whose work depends on an option (--clients LIST) gives it as a function of the scan options.
   */
  readonly budget: CheckBudget | ((o: ScanOptions) => CheckBudget);
  /**
   * For an opt-in check driven by a valued option rather than a switch (--clients LIST): whether this scan asks for
   * it. A check with neither `switch` nor `enabledBy` always runs when its needs are met.
   */
  readonly enabledBy?: (o: ScanOptions) => boolean;
  /** Among ready checks, lower goes first (and so gets connection slots first). */
  readonly priority: number;
  /** Rides on other checks' connections (see Ride). */
  readonly rides?: readonly Ride[];
  /** Work on the auth check's authenticated session (see SessionRide). */
  readonly sessionRide?: SessionRide;
  /**
   * What it needs, as a pure function of the results so far: `run` now, `wait` for more results, `skip` (what it
   * needs will not come: not applicable), or `cut` (what it needs was itself cut by rdprobe's deadline or budget, so
   * whether it applies is not known: not measured).
   */
  needs(r: Results, o: ScanOptions): Need;
  run(ctx: CheckContext): Promise<R>;
  /**
   * The record section this check owns, when it has one of its own (`rdp_udp`): the key and its value from the
   * result (null when the check did not run). The core sections are built by fold.ts from several checks.
   */
  readonly section?: { key: string; value(result: R | undefined, status: CheckStatus | undefined, core: CoreSections): unknown };
}

export interface CheckBudget {
  tcp: number;
  udp?: number;
}

/** The record's core sections as fold.ts built them, for a check whose own section judges its result against them. */
export type CoreSections = Pick<MeasuredRecord, 'host' | 'address' | 'port' | 'scanned_at' | 'status' | 'protocols' | 'nla_required' | 'tls' | 'certificate' | 'credssp' | 'rdp_security'>;

/** What `rdprobe scan` asks of every host (the per-check switches live in `checks`). */
export interface ScanOptions {
  /** Per-step timeout (connect, each read, each handshake), ms. */
  timeoutMs: number;
  /** Whole-host deadline, ms. */
  hostTimeoutMs: number;
  /** mstshash cookie sent in every Connection Request (shows up in server logs), or null for none. */
  cookie: string | null;
  /** Check switch flag -> on/off (checks without an entry use their switch's default). */
  checks: Record<string, boolean>;
  /** PEM bundles added to the trust store the certificate chain is judged against (--ca-file). */
  caCertificates: readonly string[];
  /** Least time between two connections opened to one host (--connection-spacing), ms; 0: none. */
  connectionSpacingMs: number;
  /** The authentication test's account, password and rules (--user); null without credentials. */
  auth?: AuthOptions | null;
  /**
   * Client profiles whose handshakes the clients check simulates (--clients, plus the clients a policy's
   * clients_must_connect names); absent or empty: the check is off.
   */
  clients?: readonly string[];
}

/** One host to probe, as the targets module yields it. */
export interface HostTarget {
  /** Canonical label of the target as the user gave it ("rdp01", "10.0.0.5", "[::1]:3390"). */
  target: string;
  /** Lower-case name, or canonical address (with %zone for scoped IPv6). */
  host: string;
  /** The literal address when the item was an address or block; null for a name (the probe resolves it). */
  address: string | null;
  port: number;
}

export interface ProbeDeps {
  dialer: Dialer;
  /** Bounds how many of this host's connections are open at once (the scan runner owns concurrency). */
  connectionSlot: <T>(fn: () => Promise<T>) => Promise<T>;
  /** Name -> first address. Throws TransportError('not_found') when the name does not resolve. */
  resolve: (host: string, timeoutMs: number) => Promise<string>;
  /** How the host's first connect failed, when the scan's connect stage made it and it failed. */
  firstConnectFailure?: unknown;
  /** Milliseconds the host's first connect took before the probe started (the scan's connect stage). */
  firstConnectMs?: number;
  /** Whether an address a name resolved to is excluded (--exclude applies to the address probed). */
  excluded?: (address: string, port: number) => boolean;
  /** One UDP exchange (src/transport/udp.ts; tests replay). */
  udp?: (address: string, port: number, request: Uint8Array, budget: Budget) => Promise<UdpExchangeResult>;
  /** The scan's credential gate (the runner's), shared by every host. */
  authGate?: CredentialGate;
  clock?: () => Date;
}

/** Is the check switched on for this scan? */
export function enabled(c: Check, o: ScanOptions): boolean {
  if (c.enabledBy) return c.enabledBy(o);
  return c.switch === undefined || (o.checks[c.switch.flag] ?? c.switch.default);
}

/** The connections a check may open in this scan. */
export function budgetOf(c: Check, o: ScanOptions): CheckBudget {
  return typeof c.budget === 'function' ? c.budget(o) : c.budget;
}

export type { MeasuredRecord };
