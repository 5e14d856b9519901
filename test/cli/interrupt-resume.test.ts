/**
 * Ctrl-C and --resume through the real CLI. A scan of ~300 targets (127.0.81.0/24, closed, plus slow in-test
 * servers that never answer within the 1 s step timeout) is interrupted with SIGINT once the first records are
 * in the output file: it must exit 130 within a few seconds leaving only whole JSON lines; a second run with
 * --resume on the same file must skip exactly the finished hosts, append the rest, and leave every target
 * exactly once. A half line appended to the file (a write cut short) must be trimmed by the resume.
 */
import { appendFileSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyOf, parseNdjson, runCli, spawnCli, startFakeRdp, tempDir, waitExit, type FakeRdpServer } from './helpers.js';

const SLOW_SERVERS = 40;
const PROBE = ['--timeout', '1', '--host-timeout', '3', '--concurrency', '8'];

let slow: FakeRdpServer[] = [];
let targets: string[] = [];
let expected: string[] = [];
const tmp = tempDir();

beforeAll(async () => {
  slow = await Promise.all(Array.from({ length: SLOW_SERVERS }, () => startFakeRdp({ delayMs: 60_000 })));
  // Slow servers spread through the closed addresses, so the scan is still busy whenever SIGINT arrives.
  const closed = Array.from({ length: 256 }, (_, i) => `127.0.81.${i}`);
  targets = [];
  closed.forEach((c, i) => {
    targets.push(c);
    if (i % 6 === 5 && slow[Math.floor(i / 6)]) targets.push(slow[Math.floor(i / 6)]!.target);
  });
  for (const s of slow) if (!targets.includes(s.target)) targets.push(s.target);
  expected = [...closed.map((c) => `${c}:3389`), ...slow.map((s) => s.target)].sort();
  expect(new Set(expected).size).toBe(256 + SLOW_SERVERS);
});

afterAll(async () => {
  await Promise.all(slow.map((s) => s.close()));
  tmp.cleanup();
});

/** Polls `file` until it holds at least one complete line. */
async function firstRecords(file: string, timeoutMs = 20_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (Date.now() < until) {
    if (existsSync(file) && readFileSync(file, 'utf8').includes('\n')) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no record in ${file} within ${timeoutMs} ms`);
}

/** Runs the scan into `out` and interrupts it with SIGINT after the first records. */
async function interruptedScan(out: string, extra: string[] = []) {
  const child = spawnCli(['scan', ...targets, '-f', 'ndjson', '-o', out, ...PROBE, ...extra]);
  const exited = waitExit(child, 40_000);
  await firstRecords(out);
  const sentAt = Date.now();
  child.kill('SIGINT');
  const r = await exited;
  return { ...r, afterSigint: Date.now() - sentAt };
}

function skippedCount(stderr: string): number {
  const m = /rdprobe: (\d+) target\(s\) skipped/.exec(stderr);
  if (!m) throw new Error(`no "skipped" note on stderr: ${stderr}`);
  return Number(m[1]);
}

describe('Ctrl-C then --resume', () => {
  it('SIGINT exits 130 within a few seconds with only whole lines; --resume skips exactly those and completes the set', async () => {
    const out = join(tmp.dir, 'out.ndjson');
    const first = await interruptedScan(out);
    expect(first.code, first.stderr).toBe(130);
    expect(first.signal).toBeNull();
    // Hosts in flight finish within their 1 s step timeout (3 s host deadline); allow for a loaded machine.
    expect(first.afterSigint).toBeLessThan(8_000);
    expect(first.stdout).toBe('');
    expect(first.stderr).toMatch(/^rdprobe: interrupted/m);

    const text1 = readFileSync(out, 'utf8');
    const done1 = parseNdjson(text1).map(keyOf); // throws on any partial or non-JSON line
    expect(done1.length).toBeGreaterThan(0);
    expect(done1.length, 'the scan was really cut short').toBeLessThan(expected.length);
    expect(new Set(done1).size).toBe(done1.length);
    for (const k of done1) expect(expected).toContain(k);

    const second = await runCli(['scan', ...targets, '-f', 'ndjson', '--resume', out, '-o', out, ...PROBE], { timeoutMs: 60_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(skippedCount(second.stderr)).toBe(done1.length);

    const text2 = readFileSync(out, 'utf8');
    expect(text2.startsWith(text1), 'the first run\'s lines are kept as they were').toBe(true);
    const all = parseNdjson(text2).map(keyOf);
    expect(all.length).toBe(expected.length);
    expect([...all].sort()).toEqual(expected);
  });

  it('a truncated last line is trimmed by --resume: one valid line per target', async () => {
    const out = join(tmp.dir, 'cut.ndjson');
    const first = await interruptedScan(out);
    expect(first.code, first.stderr).toBe(130);
    const text1 = readFileSync(out, 'utf8');
    const done1 = parseNdjson(text1).map(keyOf);

    // A write cut short: half of a record for a host that is NOT done yet, no newline.
    const pendingSlow = slow.find((s) => !done1.includes(s.target));
    expect(pendingSlow, 'some slow host is still to do').toBeDefined();
    const half = JSON.stringify({ schema_version: 2, target: pendingSlow!.target, host: pendingSlow!.host, port: pendingSlow!.port, status: 'ok' });
    appendFileSync(out, half.slice(0, Math.floor(half.length / 2)));

    const second = await runCli(['scan', ...targets, '-f', 'ndjson', '--resume', out, '-o', out, ...PROBE], { timeoutMs: 60_000 });
    expect(second.code, second.stderr).toBe(0);
    expect(skippedCount(second.stderr)).toBe(done1.length);
    const text2 = readFileSync(out, 'utf8');
    expect(text2.startsWith(text1)).toBe(true);
    const all = parseNdjson(text2).map(keyOf); // the half line is gone: every line parses
    expect([...all].sort()).toEqual(expected);
  });

  it('--baseline on an interrupted run: the hosts it did not reach are not measured, not "disappeared"', async () => {
    const base = join(tmp.dir, 'baseline.ndjson');
    const full = await runCli(['scan', ...targets, '-f', 'ndjson', '-o', base, ...PROBE], { timeoutMs: 60_000 });
    expect(full.code, full.stderr).toBe(0);
    const out = join(tmp.dir, 'against-baseline.ndjson');
    const r = await interruptedScan(out, ['--baseline', base]);
    expect(r.code, r.stderr).toBe(130);
    const done = parseNdjson(readFileSync(out, 'utf8')).length;
    expect(done, 'the scan was really cut short').toBeLessThan(expected.length);
    // The comparison covers exactly the hosts this run reached, and finds none of them gone.
    expect(r.stderr).toContain(`rdprobe diff: ${done} hosts before, ${done} hosts after`);
    expect(r.stderr).not.toMatch(/host disappeared/);
  });

  it('a second SIGINT quits at once (130) instead of waiting for the hosts in flight', async () => {
    const out = join(tmp.dir, 'twice.ndjson');
    const few = slow.slice(0, 8);
    const before = few.reduce((n, s) => n + s.connections, 0);
    // 5 s step timeout: after the first SIGINT the hosts in flight would keep the scan alive for ~5 s.
    const child = spawnCli(['scan', ...few.map((s) => s.target), '-f', 'ndjson', '-o', out, '--timeout', '5', '--host-timeout', '10', '--concurrency', '8']);
    const exited = waitExit(child, 30_000);
    // Connections reaching our servers mean the scan (and its SIGINT handler) is running.
    const until = Date.now() + 20_000;
    while (few.reduce((n, s) => n + s.connections, 0) === before && Date.now() < until) await new Promise((r) => setTimeout(r, 25));
    child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 500));
    expect(child.exitCode, 'the first SIGINT waits for the hosts in flight').toBeNull();
    const sentAt = Date.now();
    child.kill('SIGINT');
    const r = await exited;
    expect(r.code, r.stderr).toBe(130);
    expect(Date.now() - sentAt).toBeLessThan(3_000);
    if (existsSync(out)) parseNdjson(readFileSync(out, 'utf8'));
  });

  it('resuming a finished scan probes nothing and appends nothing', async () => {
    const out = join(tmp.dir, 'small.ndjson');
    const few = ['127.0.81.200', '127.0.81.201', '127.0.81.202'];
    const first = await runCli(['scan', ...few, '-f', 'ndjson', '-o', out, ...PROBE], { timeoutMs: 30_000 });
    expect(first.code, first.stderr).toBe(0);
    const text1 = readFileSync(out, 'utf8');
    const again = await runCli(['scan', ...few, '-f', 'ndjson', '--resume', out, '-o', out, ...PROBE], { timeoutMs: 30_000 });
    expect(again.code, again.stderr).toBe(0);
    expect(skippedCount(again.stderr)).toBe(3);
    expect(readFileSync(out, 'utf8')).toBe(text1);
  });

  it('--resume of a file that does not exist yet starts a fresh scan (the README\'s `-o F --resume F` works as a first run)', async () => {
    const out = join(tmp.dir, 'first-run.ndjson');
    const r = await runCli(['scan', '127.0.81.203', '127.0.81.204', '-o', out, '--resume', out, ...PROBE], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(parseNdjson(readFileSync(out, 'utf8')).map(keyOf).sort()).toEqual(['127.0.81.203:3389', '127.0.81.204:3389']);
  });

  describe.concurrent('--resume reads exactly what scan writes, and refuses anything else (exit 2, one line, file untouched)', () => {
    const targets = ['127.0.81.210', '127.0.81.211'];
    /** A real first part: one record of this scan, as scan wrote it. */
    async function realLine(): Promise<string> {
      const f = join(tmp.dir, `real-${Math.random().toString(36).slice(2)}.ndjson`);
      const r = await runCli(['scan', targets[0]!, '-f', 'ndjson', '-o', f, ...PROBE], { timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(0);
      return readFileSync(f, 'utf8').trimEnd();
    }
    const cases: [string, (line: string) => string | Buffer, string[], RegExp][] = [
      ['a binary file', () => Buffer.from([0x1f, 0x8b, 0x08, 0x00, 0xff, 0x00, 0x0a, 0x01]), [], /line 1/],
      ['a JSON document (scan -f json), not ndjson', (l) => JSON.stringify({ records: [JSON.parse(l)] }, null, 2) + '\n', [], /line 1/],
      ['a broken line in the middle', (l) => `${l}\n{"schema_version":2,"host":\n${l}\n`, [], /line 2/],
      ['records of a scan with other options', (l) => `${l}\n`, ['--timeout', '2'], /other options/],
      ['records of a scan with a policy, resumed without it', (l) => `${l}\n`, ['--require-nla'], /other options or policy/],
    ];
    it.each(cases)('%s', async (_n, content, extra, pattern) => {
      const f = join(tmp.dir, `bad-${Math.random().toString(36).slice(2)}.ndjson`);
      const body = content(await realLine());
      writeFileSync(f, body);
      const r = await runCli(['scan', ...targets, '-f', 'ndjson', '-o', f, '--resume', f, ...PROBE, ...extra], { timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(pattern);
      expect(readFileSync(f)).toEqual(Buffer.isBuffer(body) ? body : Buffer.from(body));
    });
  });
});
