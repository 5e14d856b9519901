/**
 * Input errors through the real CLI: each is ONE line on stderr starting with "rdprobe:", nothing on stdout,
 * exit code 2, and no packet is sent (the targets would be unreachable anyway: these tests never reach a scan).
 * Also: targets from standard input via "-".
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAST, keyOf, parseNdjson, runCli, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

function expectUsageError(r: { code: number | null; stdout: string; stderr: string }, pattern?: RegExp): void {
  expect(r.code, `stderr: ${r.stderr}`).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n');
  expect(lines.pop(), 'stderr ends with a newline').toBe('');
  expect(lines, `stderr: ${r.stderr}`).toHaveLength(1);
  expect(lines[0]).toMatch(/^rdprobe: \S/);
  if (pattern) expect(lines[0]).toMatch(pattern);
}

// Each case is its own short-lived child process: run them side by side.
describe.concurrent('scan: input errors exit 2 with one "rdprobe:" line', () => {
  const badLineFile = join(tmp.dir, 'targets.txt');
  writeFileSync(badLineFile, '# lab hosts\n127.0.81.1\n\n127.0.81.2  # second\n10.0.0.300\n127.0.81.3\n');

  const cases: [name: string, args: string[], pattern: RegExp][] = [
    ['invalid address', ['10.0.0.300'], /10\.0\.0\.300/],
    ['bad CIDR prefix', ['10.0.0.0/33'], /\/33/],
    ['reversed range', ['10.0.0.9-10.0.0.1'], /10\.0\.0\.9-10\.0\.0\.1/],
    ['bad port', ['-p', '70000', '127.0.81.1'], /70000/],
    ['bad port in host:port', ['127.0.81.1:70000'], /70000/],
    ['shard beyond N', ['--shard', '5/4', '127.0.81.1'], /5\/4/],
    ['shard 0', ['--shard', '0/3', '127.0.81.1'], /0\/3/],
    ['shard not K/N', ['--shard', 'x', '127.0.81.1'], /shard/],
    ['missing targets file', ['--targets-file', join(tmp.dir, 'nope.txt')], /nope\.txt/],
    ['targets file with a bad line names FILE:LINE', ['--targets-file', badLineFile], new RegExp(`${badLineFile.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:5: .*10\\.0\\.0\\.300`)],
    ['unknown option', ['--bogus', '127.0.81.1'], /bogus/],
    ['no targets at all', [], /no targets/],
    ['bad --timeout', ['--timeout', 'abc', '127.0.81.1'], /--timeout/],
    ['zero --timeout', ['--timeout', '0', '127.0.81.1'], /--timeout/],
    ['bad --host-timeout', ['--host-timeout', '5x', '127.0.81.1'], /--host-timeout/],
    ['non-ASCII --cookie (it goes into the X.224 request line)', ['--cookie', 'é', '127.0.81.1'], /--cookie/],
    ['overlong --cookie', ['--cookie', 'x'.repeat(300), '127.0.81.1'], /--cookie/],
    ['bad --concurrency', ['--concurrency', '0', '127.0.81.1'], /--concurrency/],
    ['bad --format', ['-f', 'xml', '127.0.81.1'], /format|xml/i],
    ['bad exclude', ['127.0.81.1', '--exclude', '10.0.0.0/40'], /10\.0\.0\.0\/40/],
  ];

  it.each(cases)('%s', async (_name, args, pattern) => {
    const r = await runCli(['scan', ...FAST, ...args], { timeoutMs: 30_000 });
    expectUsageError(r, pattern);
  });

  it('an unknown command is a usage error too', async () => {
    expectUsageError(await runCli(['scna', '127.0.81.1'], { timeoutMs: 30_000 }));
  });

  it('a sub-millisecond --timeout is refused: it would round to nothing and make every host a timeout', async () => {
    expectUsageError(await runCli(['scan', '--timeout', '0.4ms', '127.0.81.1'], { timeoutMs: 30_000 }), /--timeout: 0\.4ms is out of range \(10 ms to 1 hour\)/);
  });

  it('empty standard input with "-" is "no targets"', async () => {
    expectUsageError(await runCli(['scan', '-', ...FAST], { stdin: '# nothing here\n\n', timeoutMs: 30_000 }), /no targets/);
  });

  it('a bad line on standard input names <stdin>:LINE', async () => {
    const r = await runCli(['scan', '-', ...FAST], { stdin: '127.0.81.1\n10.0.0.0/33\n', timeoutMs: 30_000 });
    expectUsageError(r, /stdin>?:2:.*\/33/);
  });
});

describe.concurrent('scan: targets from standard input', () => {
  it('"-" reads one target per line (comments, blank lines, CRLF) and scans them', async () => {
    const r = await runCli(['scan', '-', '-f', 'ndjson', ...FAST], {
      stdin: '# from a pipe\r\n127.0.81.10\r\n\r\n127.0.81.11:3390  # other port\r\n',
      timeoutMs: 30_000,
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    expect(parseNdjson(r.stdout).map(keyOf).sort()).toEqual(['127.0.81.10:3389', '127.0.81.11:3390']);
  });

  it('"-" combines with targets on the command line', async () => {
    const r = await runCli(['scan', '127.0.81.12', '-', '-f', 'ndjson', ...FAST], { stdin: '127.0.81.13\n', timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(parseNdjson(r.stdout).map(keyOf).sort()).toEqual(['127.0.81.12:3389', '127.0.81.13:3389']);
  });

  it('--targets-file - reads standard input', async () => {
    const r = await runCli(['scan', '--targets-file', '-', '-f', 'ndjson', ...FAST], { stdin: '127.0.81.14\n', timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(parseNdjson(r.stdout).map(keyOf)).toEqual(['127.0.81.14:3389']);
  });

  it('-i - reads standard input', async () => {
    const r = await runCli(['scan', '-i', '-', '-f', 'ndjson', ...FAST], { stdin: '127.0.81.15\n', timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(parseNdjson(r.stdout).map(keyOf)).toEqual(['127.0.81.15:3389']);
  });
});

describe.concurrent('options given twice', () => {
  it('a scalar option takes its last value (as getopt does), an array option keeps every value', async () => {
    const r = await runCli(['scan', '127.0.81.16', '127.0.81.17', '--timeout', '1', '--timeout', '2', '--exclude', '127.0.81.99', '--exclude', '127.0.81.17', '-f', 'ndjson', '--host-timeout', '3']);
    expect(r.code, r.stderr).toBe(0);
    const recs = parseNdjson(r.stdout);
    expect(recs.map(keyOf)).toEqual(['127.0.81.16:3389']);
    expect((recs[0]!['scan'] as { options: Record<string, unknown> }).options['timeout_ms']).toBe(2000);
  });
});

describe.concurrent('messages built from input are escaped like record fields (no raw control characters)', () => {
  const ESC = '\x1b[2J\x1b]0;owned\x07';
  /** Nothing below 0x20 but the final newline, and no DEL / C1 controls. */
  function clean(stderr: string): void {
    expect(stderr.endsWith('\n')).toBe(true);
    expect(stderr.slice(0, -1)).not.toMatch(/[\x00-\x1f\x7f-\x9f]/);
  }
  it('explain with an id holding escape sequences', async () => {
    const r = await runCli(['explain', `bad${ESC}id`]);
    expect(r.code).toBe(2);
    clean(r.stderr);
    expect(r.stderr).toContain('\\x1b[2J');
  });
  it('a policy file with an unknown key holding escape sequences, and a name holding one', async () => {
    const f = join(tmp.dir, `policy\x07${Date.now()}.json`);
    writeFileSync(f, JSON.stringify({ [`nope${ESC}`]: 1 }));
    const r = await runCli(['scan', '127.0.81.18', '--policy', f, ...FAST]);
    expect(r.code).toBe(2);
    clean(r.stderr);
  });
  it('a targets file name and a bad target line holding escape sequences', async () => {
    const r = await runCli(['scan', '-i', join(tmp.dir, `no\x1bsuch`), ...FAST]);
    expect(r.code).toBe(2);
    clean(r.stderr);
    const f = join(tmp.dir, 'esc-targets.txt');
    writeFileSync(f, `127.0.81.19\nhost${ESC}.example\n`);
    const t = await runCli(['scan', '-i', f, ...FAST]);
    expect(t.code).toBe(2);
    clean(t.stderr);
  });
});
