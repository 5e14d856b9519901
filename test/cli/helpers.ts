/**
 * Helpers for the CLI tests: run the built CLI (dist/src/cli/main.js, or RDPROBE_CLI: test/helpers/cli-path.ts) as a child process, read its output as it
 * arrives, and start tiny RDP-ish servers on 127.0.80.x. Not a test file itself (no .test.ts suffix).
 *
 * Network rules: servers only on 127.0.80.1-254 (ephemeral ports, so parallel test files and other engineers'
 * servers cannot collide); closed-port scans only on 127.0.81.0/24 and 127.0.82.0/24. Everything is bounded.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI_BUILD_HINT, CLI_UNDER_TEST } from '../helpers/cli-path.js';

export const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const MAIN = CLI_UNDER_TEST;

/** Fast, bounded probe options for every scan in these tests. */
export const FAST = ['--timeout', '1', '--host-timeout', '3'] as const;

/**
 * X.224 Connection Confirm carrying RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER (0x05): the server refuses
 * every request that does not include CredSSP. A deterministic, TLS-free answer.
 */
export const CC_HYBRID_REQUIRED_HEX = '030000130ed000001234000300080005000000';

export function ccHybridRequired(): Buffer {
  return Buffer.from(CC_HYBRID_REQUIRED_HEX, 'hex');
}

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  ms: number;
}

export interface RunOptions {
  /** Written to the child's stdin, then stdin is closed (default: closed at once, empty). */
  stdin?: string;
  cwd?: string;
  /** Kill the child (SIGKILL) after this long and fail; default 20 s. */
  timeoutMs?: number;
  env?: NodeJS.ProcessEnv;
}

function ensureBuilt(): void {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: ${CLI_BUILD_HINT}`);
}

/** Environment for the child: no colour forcing, no inherited NO_COLOR surprises. */
function childEnv(extra?: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env = { ...process.env, ...extra };
  delete env['FORCE_COLOR'];
  return env;
}

/** Start `node <CLI under test> ...args` with piped stdio. */
export function spawnCli(args: readonly string[], o: RunOptions = {}): ChildProcessWithoutNullStreams {
  ensureBuilt();
  const child = spawn(process.execPath, [MAIN, ...args], { cwd: o.cwd ?? ROOT, env: childEnv(o.env), stdio: 'pipe' });
  if (o.stdin !== undefined) child.stdin.end(o.stdin);
  else child.stdin.end();
  return child;
}

/** Wait for a spawned child to exit (SIGKILL and reject after timeoutMs). */
export function waitExit(child: ChildProcessWithoutNullStreams, timeoutMs = 20_000): Promise<CliResult> {
  const started = Date.now();
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8');
  child.stderr.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (stdout += d));
  child.stderr.on('data', (d: string) => (stderr += d));
  return new Promise((res, rej) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      rej(new Error(`rdprobe did not exit within ${timeoutMs} ms\nstdout: ${stdout.slice(-2000)}\nstderr: ${stderr.slice(-2000)}`));
    }, timeoutMs);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      res({ code, signal, stdout, stderr, ms: Date.now() - started });
    });
  });
}

/** Run the CLI to completion. */
export function runCli(args: readonly string[], o: RunOptions = {}): Promise<CliResult> {
  const child = spawnCli(args, o);
  return waitExit(child, o.timeoutMs ?? 20_000);
}

/**
 * Reads a child's stdout incrementally: `lines` holds every complete line so far, `partial` what follows the
 * last newline; `waitLines(n)` resolves as soon as n complete lines have arrived.
 */
export class LineReader {
  readonly lines: string[] = [];
  partial = '';
  private waiters: { n: number; resolve: () => void }[] = [];
  /** Milliseconds since construction at which each line arrived. */
  readonly arrivals: number[] = [];
  private readonly t0 = Date.now();
  ended = false;

  constructor(stream: NodeJS.ReadableStream) {
    stream.setEncoding('utf8');
    stream.on('data', (d: string) => {
      const parts = (this.partial + d).split('\n');
      this.partial = parts.pop() ?? '';
      for (const p of parts) {
        this.lines.push(p);
        this.arrivals.push(Date.now() - this.t0);
      }
      this.wake();
    });
    stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
  }

  private wake(): void {
    this.waiters = this.waiters.filter((w) => {
      if (this.lines.length >= w.n || this.ended) {
        w.resolve();
        return false;
      }
      return true;
    });
  }

  /** Resolves once n lines are complete (or the stream ended); rejects after timeoutMs. */
  waitLines(n: number, timeoutMs = 10_000): Promise<void> {
    if (this.lines.length >= n || this.ended) return Promise.resolve();
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error(`only ${this.lines.length} of ${n} lines within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        n,
        resolve: () => {
          clearTimeout(timer);
          res();
        },
      });
    });
  }
}

export interface FakeRdpServer {
  host: string;
  port: number;
  /** `host:port`, as a target. */
  target: string;
  /** Connections accepted so far. */
  connections: number;
  close(): Promise<void>;
}

export interface FakeRdpOptions {
  /** Wait this long after the Connection Request before answering (default 0). */
  delayMs?: number;
  /** Address to listen on; default a random 127.0.80.x. */
  host?: string;
}

let nextHostOctet = 1 + Math.floor(Math.random() * 200);

/** A fresh 127.0.80.x address (1..254), cycling; ports are ephemeral, so reuse across files is harmless. */
export function labAddress(): string {
  const octet = nextHostOctet;
  nextHostOctet = (nextHostOctet % 254) + 1;
  return `127.0.80.${octet}`;
}

/**
 * A TCP server that reads one X.224 Connection Request (a whole TPKT) and answers with the Connection Confirm
 * carrying RDP_NEG_FAILURE HYBRID_REQUIRED_BY_SERVER, after delayMs, then closes the connection.
 */
export async function startFakeRdp(o: FakeRdpOptions = {}): Promise<FakeRdpServer> {
  const host = o.host ?? labAddress();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const state = { connections: 0 };
  const server: Server = createServer((sock) => {
    state.connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => {});
    let buf = Buffer.alloc(0);
    let answered = false;
    sock.on('data', (d: Buffer) => {
      if (answered) return;
      buf = Buffer.concat([buf, d]);
      if (buf.length < 4) return;
      const len = buf.readUInt16BE(2);
      if (buf.length < len) return;
      answered = true;
      const answer = () => {
        if (!sock.destroyed) sock.end(ccHybridRequired());
      };
      if (o.delayMs) {
        const t = setTimeout(() => {
          timers.delete(t);
          answer();
        }, o.delayMs);
        timers.add(t);
      } else answer();
    });
  });
  await new Promise<void>((res, rej) => {
    server.once('error', rej);
    server.listen(0, host, () => res());
  });
  const addr = server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no server address');
  return {
    host,
    port: addr.port,
    target: `${host}:${addr.port}`,
    get connections() {
      return state.connections;
    },
    close: () =>
      new Promise<void>((res) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => res());
      }),
  };
}

/** A temporary directory removed by the returned cleanup. */
export function tempDir(prefix = 'rdprobe-cli-'): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Parse ndjson text into records; throws (with the line number) on any line that is not a JSON object. */
export function parseNdjson(text: string): Record<string, unknown>[] {
  const out: Record<string, unknown>[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] !== '') throw new Error('ndjson does not end with a newline');
  lines.pop();
  lines.forEach((line, i) => {
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (e) {
      throw new Error(`line ${i + 1} is not JSON: ${line.slice(0, 200)} (${(e as Error).message})`);
    }
    if (typeof v !== 'object' || v === null || Array.isArray(v)) throw new Error(`line ${i + 1} is not an object`);
    out.push(v as Record<string, unknown>);
  });
  return out;
}

/** `host:port` of a record. */
export function keyOf(r: Record<string, unknown>): string {
  return `${String(r['host'])}:${String(r['port'])}`;
}

/** Every address of a /24 as `a.b.c.i:port`. */
export function all24(prefix: string, port = 3389): string[] {
  return Array.from({ length: 256 }, (_, i) => `${prefix}.${i}:${port}`);
}

export { parseCsv } from '../helpers/csv.js';
