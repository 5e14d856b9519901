/**
 * FreeRDP's own client, xfreerdp 2.11 (Debian freerdp2-x11), as the independent judge of the lab verdicts: run under
 * an Xvfb of the test's own (it needs a display even with +auth-only), killed after a deadline, and summarised from
 * its DEBUG log: the connection states it reached and the errors it named. Not a test file itself.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';

export interface XfreerdpRun {
  exit: number | null;
  /** "Authentication only, exit status N" (+auth-only). */
  authOnlyStatus: number | null;
  /** CONNECTION_STATE_* in the order xfreerdp entered them. */
  states: string[];
  errors: string[];
}

export function hasXfreerdp(): boolean {
  return spawnSync('xfreerdp', ['/version'], { stdio: 'ignore' }).status !== null;
}

/** Starts Xvfb on a display it picks itself (-displayfd); stop() kills exactly that process. */
export async function startXvfb(): Promise<{ display: string; stop: () => void }> {
  const child: ChildProcess = spawn('Xvfb', ['-displayfd', '3', '-screen', '0', '800x600x24', '-nolisten', 'tcp'], { stdio: ['ignore', 'ignore', 'ignore', 'pipe'] });
  const display = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error('Xvfb did not report a display within 10 s')), 10_000);
    child.stdio[3]!.on('data', (d: Buffer) => {
      text += d.toString();
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(`:${text.trim()}`);
      }
    });
    child.once('error', reject);
  });
  return { display, stop: () => void child.kill() };
}

export function runXfreerdp(display: string, args: string[], seconds: number): XfreerdpRun {
  const r = spawnSync('timeout', ['-k', '2', String(seconds), 'xfreerdp', '/log-level:DEBUG', '/cert:ignore', ...args], {
    encoding: 'utf8',
    env: { ...process.env, DISPLAY: display },
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 1 << 26,
  });
  const log = `${r.stdout}\n${r.stderr}`;
  const auth = /Authentication only, exit status (\d+)/.exec(log);
  return {
    exit: r.status,
    authOnlyStatus: auth ? Number(auth[1]) : null,
    states: [...log.matchAll(/--> (CONNECTION_STATE_\w+)/g)].map((m) => m[1]!),
    errors: [...new Set([...log.matchAll(/(ERRCONNECT_\w+|ERRINFO_\w+)/g)].map((m) => m[1]!))],
  };
}
