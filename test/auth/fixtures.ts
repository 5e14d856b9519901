/**
 * Helpers for the authentication-test suites: SCRIPTED NLA servers (test/helpers/nla-server.ts, optionally going on
 * with a scripted logon, test/helpers/logon-peer.ts) on this suite's loopback addresses 127.0.53.x (ephemeral
 * ports, so parallel files cannot collide), and the built CLI run against them with the password in the
 * environment. Not a test file itself.
 */
import { createHash, X509Certificate } from 'node:crypto';
import { PROTOCOL_HYBRID_EX } from '../../protocol/negotiation.js';
import { runCli, type CliResult } from '../cli/helpers.js';
import { serveSession, type PeerScript, type Received } from '../helpers/logon-peer.js';
import { startNlaServer, type NlaServer, type NlaServerOptions } from '../helpers/nla-server.js';

// The password reaches the CLI only through the environment these helpers give it: never inherited by accident.
delete process.env['RDPROBE_PASSWORD'];

export const USER = 'labuser';
export const PASSWORD = 'Scripted-Pw-1!';

/** The CLI's options that keep a scripted scan short: only the client check, the protocol probes and the auth test. */
export const LEAN = ['--no-tls-versions', '--no-rdp-security', '--no-udp', '--timeout', '2', '--host-timeout', '20'] as const;

export interface ScriptedServer extends NlaServer {
  /** `host:port`, as a target. */
  target: string;
  /** SHA-1 thumbprint of its certificate, upper-case hex (what --pin takes). */
  sha1: string;
  /** What the logon part received, per authenticated connection (afterAuthz only). */
  sessions: Received[][];
  /** The connections that received an NTLM AUTHENTICATE: the attempts on the account. */
  attempts(): number;
}

export async function scriptedServer(
  pem: { key: string; cert: string },
  host: string,
  o: Partial<NlaServerOptions> & { logon?: PeerScript } = {},
): Promise<ScriptedServer> {
  const sessions: Received[][] = [];
  const { logon, ...rest } = o;
  const opts: NlaServerOptions = { user: USER, domain: '', password: PASSWORD, selectedProtocol: PROTOCOL_HYBRID_EX, credsspVersion: 6, behaviour: 'normal', ...rest };
  if (logon) {
    opts.afterAuthz = async (sock, readTpkt) => {
      const log: Received[] = [];
      sessions.push(log);
      await serveSession(sock, readTpkt, logon, log, opts.selectedProtocol);
    };
  }
  const s = await startNlaServer(opts, pem, host);
  const sha1 = createHash('sha1').update(new X509Certificate(pem.cert).raw).digest('hex').toUpperCase();
  return Object.assign(s, {
    target: `${s.host}:${s.port}`,
    sha1,
    sessions,
    attempts: () => s.connections.filter((c) => c.authenticate !== null).length,
  });
}

/** Runs the CLI with the password in RDPROBE_PASSWORD (unless `password` is null). */
export function scanWith(args: readonly string[], password: string | null = PASSWORD, timeoutMs = 45_000): Promise<CliResult> {
  const env: NodeJS.ProcessEnv = {};
  if (password !== null) env['RDPROBE_PASSWORD'] = password;
  return runCli(['scan', ...args], { env, timeoutMs });
}

/** The single record of an ndjson stdout. */
export function onlyRecord(r: CliResult): Record<string, any> {
  const lines = r.stdout.split('\n').filter(Boolean);
  if (lines.length !== 1) throw new Error(`expected one record, got ${lines.length}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`);
  return JSON.parse(lines[0]!);
}

export function findingIds(rec: Record<string, any>): string[] {
  return (rec['findings'] as { id: string }[]).map((f) => f.id);
}
