/**
 * Ctrl-C and memory when every connect fails at once and the output is standard output (issue: in a namespace
 * without a default route, `rdprobe scan 10.0.0.0/8 > file` ignored SIGINT and grew to a heap-out-of-memory crash;
 * with -o FILE it stopped in a second). Backpressure and SIGINT must behave the same on stdout (file or pipe) as on
 * -o. Run in a network namespace this test creates (loopback up, no route): nothing leaves the machine.
 */
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, parseNdjson, tempDir } from './helpers.js';
import { NETNS_SKIP, skipNote, withNetns } from '../helpers/netns.js';

const tmp = tempDir('rdprobe-noroute-');
afterAll(() => tmp.cleanup());

const rssMb = (pid: number): number => {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : 0;
  } catch {
    return 0;
  }
};

interface Run {
  code: number | null;
  afterSigintMs: number;
  peakMb: number;
  stdout: string;
}

/** Runs the scan inside `ns`; `toFile` redirects stdout to a file (a synchronous stream), else it is a pipe. */
async function interruptedNoRouteScan(ns: string, toFile: string | null): Promise<Run> {
  const cmd = `exec ${process.execPath} ${MAIN} scan 10.0.0.0/8 --no-progress --timeout 2 -f ndjson${toFile ? ` > ${toFile}` : ''}`;
  const child = spawn('ip', ['netns', 'exec', ns, 'sh', '-c', cmd], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.setEncoding('utf8');
  child.stdout.on('data', (d: string) => (out += d));
  const exited = new Promise<number | null>((res) => child.once('exit', (code) => res(code)));
  let peakMb = 0;
  const lines = () => (toFile ? (() => { try { return readFileSync(toFile, 'utf8'); } catch { return ''; } })() : out).split('\n').length - 1;
  const until = Date.now() + 20_000;
  while (Date.now() < until && lines() < 3000) {
    peakMb = Math.max(peakMb, rssMb(child.pid!));
    await new Promise((r) => setTimeout(r, 50));
  }
  const sentAt = Date.now();
  child.kill('SIGINT');
  const timer = setTimeout(() => child.kill('SIGKILL'), 15_000);
  const sampler = setInterval(() => (peakMb = Math.max(peakMb, rssMb(child.pid!))), 50);
  const code = await exited;
  clearTimeout(timer);
  clearInterval(sampler);
  return { code, afterSigintMs: Date.now() - sentAt, peakMb, stdout: toFile ? readFileSync(toFile, 'utf8') : out };
}

describe.skipIf(NETNS_SKIP.basic !== null)(`no route, stdout output${skipNote(NETNS_SKIP.basic)}`, () => {
  for (const target of ['a file', 'a pipe'] as const) {
    it(`stdout to ${target}: SIGINT stops the scan within seconds with exit 130, whole lines, bounded memory`, async () => {
      await withNetns({}, async (ns) => {
        const r = await interruptedNoRouteScan(ns.name, target === 'a file' ? join(tmp.dir, 'out.ndjson') : null);
        expect(r.code).toBe(130);
        expect(r.afterSigintMs).toBeLessThan(6_000);
        const records = parseNdjson(r.stdout); // throws on a partial line
        expect(records.length).toBeGreaterThanOrEqual(3000);
        expect(records.every((x) => x['status'] === 'unreachable')).toBe(true);
        expect(r.peakMb).toBeLessThan(250);
      });
    }, 60_000);
  }
});
