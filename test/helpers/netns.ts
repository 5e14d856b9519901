/**
 * Throw-away Linux network namespaces for tests that need a network the host does not have: a port whose
 * packets are dropped (no ICMP, so silence), a range with no route, a firewalled /16. Everything a test builds
 * lives inside its own namespace (addresses, routes, iptables rules) and disappears with it; the host's network
 * is never touched.
 *
 * Usage (vitest):
 *
 *   import { NETNS_SKIP, withNetns, RULES } from '../helpers/netns.js';
 *
 *   describe.skipIf(NETNS_SKIP.iptables !== null)(`UDP to a dropped port${skipNote(NETNS_SKIP.iptables)}`, () => {
 *     it('times out', async () => {
 *       await withNetns({ iptables: [RULES.dropUdp(3389)] }, async (ns) => {
 *         const r = await ns.node(new URL('./fixtures/driver.ts', import.meta.url), ['127.0.0.1', '3389']);
 *         expect(r.code).toBe(0);
 *       });
 *     });
 *   });
 *
 * API
 * - `netnsUnavailable({ iptables })`: why namespace tests cannot run here (not Linux, not root, no `ip`, the
 *   kernel refuses `ip netns add`, no `iptables` when asked for), or null. Probed once per process by really
 *   creating and deleting a namespace.
 * - `NETNS_SKIP.basic` / `NETNS_SKIP.iptables`: the same, computed at import, for `describe.skipIf(...)`; put
 *   the reason in the test name with `skipNote(reason)` so a skipped run says why. With RDPROBE_REQUIRE_NETNS=1
 *   (set it in CI, where tests run as root) an unavailable namespace throws at import instead: the file fails
 *   rather than passing with its namespace tests skipped.
 * - `createNetns(opts)`: a namespace named `<prefix>-<pid>-<n>-<random>` with `lo` up (so 127.0.0.0/8 and ::1
 *   work), then `opts.addresses` added to lo (`ip addr add CIDR dev lo`), `opts.localRanges` routed to lo as
 *   local (`ip route add local CIDR dev lo`: every address of the range answers, e.g. a whole /16), extra
 *   `opts.ip` commands (argv after `ip`), then `opts.iptables` rules (argv after `iptables`, or strings split on
 *   spaces; see `RULES`). Stale namespaces of the same prefix left by dead processes are swept first.
 * - `withNetns(opts, fn)`: createNetns, run fn, always delete (also when fn throws).
 * - `ns.exec(cmd, args, { timeoutMs, env })`: runs `ip netns exec NAME cmd args...`; resolves with code,
 *   signal, stdout, stderr, ms, killed (the child is SIGKILLed, by its own pid, after timeoutMs; default 30 s).
 * - `ns.node(script, args, opts)`: runs a Node script inside the namespace with this Node binary. A `.ts` script
 *   is bundled first with esbuild (vitest's own bundler) into a temporary .mjs, so it may import src/ and
 *   protocol/ like any test; the bundle is deleted afterwards.
 * - `ns.delete()`: idempotent; also run for every namespace still alive when the process exits.
 * - `runNode(script, args, opts)`: the same as `ns.node` without a namespace (a child process on the host).
 * - `sweepStaleNetns(prefix)`: deletes `<prefix>-<pid>-...` namespaces whose pid is no longer running.
 *
 * What a fresh namespace gives for free: only `lo` exists, so any non-loopback destination has no route
 * (connect() fails with ENETUNREACH: a "no route" test needs no setup at all), and a UDP datagram to a loopback
 * port nobody listens on draws an ICMP port unreachable (ECONNREFUSED on a connected socket).
 */
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { randomBytes } from 'node:crypto';

export const NETNS_PREFIX = 'rdprobe-t';

export interface NetnsOptions {
  /** Name prefix; the stale sweep only ever touches this prefix. Default `rdprobe-t`. */
  prefix?: string;
  /** Extra addresses on lo, as CIDR (`127.0.10.2/32`, `10.99.0.1/32`, `fd00::1/128`). */
  addresses?: string[];
  /** Ranges routed to lo as local: every address in them is the namespace itself (`10.77.0.0/16`). */
  localRanges?: string[];
  /** Extra `ip` commands, argv after `ip` (`['route', 'add', 'unreachable', '10.9.0.0/16']`). */
  ip?: string[][];
  /** iptables rules, argv after `iptables` or a string split on spaces (`-A INPUT -p udp --dport 3389 -j DROP`). */
  iptables?: (string | string[])[];
}

export interface ExecResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
  /** True when timeoutMs ran out and the child was killed. */
  killed: boolean;
}

export interface ExecOptions {
  /** SIGKILL the child after this long (default 30 s). */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

export interface Netns {
  readonly name: string;
  exec(cmd: string, args?: readonly string[], o?: ExecOptions): Promise<ExecResult>;
  node(script: string | URL, args?: readonly string[], o?: ExecOptions): Promise<ExecResult>;
  delete(): void;
}

/** Ready-made iptables rules (argv after `iptables`). */
export const RULES = {
  /** Drop every UDP datagram to `port` arriving in the namespace: no answer and no ICMP, pure silence. */
  dropUdp: (port: number): string[] => ['-A', 'INPUT', '-p', 'udp', '--dport', String(port), '-j', 'DROP'],
  /** Drop TCP SYNs to a destination (address or CIDR such as `10.77.0.0/16`), optionally one port: connects hang. */
  dropTcpSyn: (dest: string, port?: number): string[] => [
    '-A', 'INPUT', '-p', 'tcp', '--syn', '-d', dest, ...(port === undefined ? [] : ['--dport', String(port)]), '-j', 'DROP',
  ],
};

/** ` (skipped: why)` to append to a test name, or '' when it runs. */
export const skipNote = (reason: string | null): string => (reason === null ? '' : ` (skipped: ${reason})`);

const run = (cmd: string, args: readonly string[]): string => execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 10_000 });
const errText = (e: unknown): string => {
  const x = e as { stderr?: string; message?: string };
  return (x.stderr || x.message || String(e)).trim().split('\n')[0] ?? '';
};

const live = new Set<string>();
let exitHook = false;
let counter = 0;

function deleteNow(name: string): void {
  try {
    run('ip', ['netns', 'delete', name]);
  } catch {
    // already gone (deleted by a sweep or by hand): deleting is idempotent by design
  }
  live.delete(name);
}

function isRunning(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Deletes `<prefix>-<pid>-...` namespaces whose process is gone (a crashed or killed test run). Returns their names. */
export function sweepStaleNetns(prefix = NETNS_PREFIX): string[] {
  let list: string;
  try {
    list = run('ip', ['netns', 'list']);
  } catch {
    return [];
  }
  const swept: string[] = [];
  const mine = new RegExp(`^${prefix.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}-(\\d+)-`);
  for (const line of list.split('\n')) {
    const name = line.trim().split(/\s+/)[0] ?? '';
    const m = mine.exec(name);
    if (!m) continue;
    const pid = Number(m[1]);
    if (pid === process.pid || isRunning(pid)) continue;
    deleteNow(name);
    swept.push(name);
  }
  return swept;
}

const probed = new Map<string, string | null>();

/** Why namespace tests cannot run here, or null. Probes once per process (and once more for iptables). */
export function netnsUnavailable(o: { iptables?: boolean } = {}): string | null {
  const key = o.iptables ? 'iptables' : 'basic';
  if (probed.has(key)) return probed.get(key)!;
  const reason = ((): string | null => {
    if (process.platform !== 'linux') return `network namespaces are Linux-only (this is ${process.platform})`;
    if (process.getuid?.() !== 0) return 'not root: ip netns needs CAP_SYS_ADMIN';
    try {
      run('ip', ['-V']);
    } catch {
      return 'the ip command (iproute2) is not installed';
    }
    if (o.iptables) {
      try {
        run('iptables', ['-V']);
      } catch {
        return 'iptables is not installed (Debian: apt-get install -y iptables)';
      }
    }
    const name = `${NETNS_PREFIX}-${process.pid}-probe-${randomBytes(3).toString('hex')}`;
    try {
      run('ip', ['netns', 'add', name]);
    } catch (e) {
      return `ip netns add failed: ${errText(e)}`;
    }
    try {
      if (o.iptables) run('ip', ['netns', 'exec', name, 'iptables', '-S']);
      return null;
    } catch (e) {
      return `iptables does not work inside a namespace: ${errText(e)}`;
    } finally {
      deleteNow(name);
    }
  })();
  probed.set(key, reason);
  return reason;
}

function skipReason(iptables: boolean): string | null {
  const reason = netnsUnavailable({ iptables });
  if (reason !== null && process.env['RDPROBE_REQUIRE_NETNS'] === '1') {
    throw new Error(`RDPROBE_REQUIRE_NETNS=1 but namespace tests cannot run: ${reason}`);
  }
  return reason;
}

/** Skip reasons for `describe.skipIf`, computed at import (null: the tests run). */
export const NETNS_SKIP = {
  basic: skipReason(false),
  iptables: skipReason(true),
};

function spawnCollect(cmd: string, args: readonly string[], o: ExecOptions): Promise<ExecResult> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: o.env ?? process.env });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let killed = false;
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => err.push(d));
    const timer = setTimeout(() => {
      killed = true;
      child.kill('SIGKILL'); // this child only, by its pid (`ip netns exec` execs the command in place)
    }, o.timeoutMs ?? 30_000);
    const done = (code: number | null, signal: NodeJS.Signals | null, extra = '') => {
      clearTimeout(timer);
      resolve({ code, signal, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') + extra, ms: Date.now() - t0, killed });
    };
    child.on('error', (e) => done(null, null, String(e)));
    child.on('close', (code, signal) => done(code, signal));
  });
}

/** A .ts script bundled to a temporary .mjs (imports of src/ and protocol/ included); call cleanup() after. */
async function runnable(script: string): Promise<{ file: string; cleanup: () => void }> {
  if (!script.endsWith('.ts')) return { file: script, cleanup: () => {} };
  const dir = mkdtempSync(join(tmpdir(), 'rdprobe-netns-'));
  const file = join(dir, 'script.mjs');
  try {
    const { build } = await import('esbuild');
    await build({
      entryPoints: [script],
      outfile: file,
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      logLevel: 'silent',
      // Bundled CommonJS dependencies call require(): give ESM output one.
      banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    });
  } catch (e) {
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return { file, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Runs a Node script (a .ts one bundled first) as a child process on the host, with the same result shape. */
export async function runNode(script: string | URL, args: readonly string[] = [], o: ExecOptions = {}): Promise<ExecResult> {
  const r = await runnable(script instanceof URL ? fileURLToPath(script) : script);
  try {
    return await spawnCollect(process.execPath, [r.file, ...args], o);
  } finally {
    r.cleanup();
  }
}

export async function createNetns(o: NetnsOptions = {}): Promise<Netns> {
  const prefix = o.prefix ?? NETNS_PREFIX;
  if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(prefix)) throw new Error(`bad namespace prefix ${prefix}`);
  sweepStaleNetns(prefix);
  const name = `${prefix}-${process.pid}-${++counter}-${randomBytes(2).toString('hex')}`;
  if (!exitHook) {
    exitHook = true;
    // Last resort for a test that never reached its finally (a crash of the worker): delete what is left.
    process.on('exit', () => {
      for (const n of [...live]) deleteNow(n);
    });
  }
  run('ip', ['netns', 'add', name]);
  live.add(name);
  const inside = (args: readonly string[]) => run('ip', ['netns', 'exec', name, ...args]);
  try {
    inside(['ip', 'link', 'set', 'lo', 'up']);
    for (const a of o.addresses ?? []) inside(['ip', 'addr', 'add', a, 'dev', 'lo']);
    for (const r of o.localRanges ?? []) inside(['ip', 'route', 'add', 'local', r, 'dev', 'lo']);
    for (const c of o.ip ?? []) inside(['ip', ...c]);
    for (const rule of o.iptables ?? []) inside(['iptables', ...(typeof rule === 'string' ? rule.trim().split(/\s+/) : rule)]);
  } catch (e) {
    deleteNow(name);
    throw new Error(`setting up namespace ${name} failed: ${errText(e)}`);
  }
  const ns: Netns = {
    name,
    exec: (cmd, args = [], eo = {}) => spawnCollect('ip', ['netns', 'exec', name, cmd, ...args], eo),
    node: async (script, args = [], eo = {}) => {
      const path = script instanceof URL ? fileURLToPath(script) : script;
      const r = await runnable(path);
      try {
        return await ns.exec(process.execPath, [r.file, ...args], eo);
      } finally {
        r.cleanup();
      }
    },
    delete: () => deleteNow(name),
  };
  return ns;
}

/** Runs `fn` in a fresh namespace and deletes the namespace afterwards, whatever happens. */
export async function withNetns<T>(o: NetnsOptions, fn: (ns: Netns) => Promise<T>): Promise<T> {
  const ns = await createNetns(o);
  try {
    return await fn(ns);
  } finally {
    ns.delete();
  }
}
