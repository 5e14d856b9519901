/**
 * Every exit code of README.md's table, reached through the built CLI, and the rules issue 11 set for the edges: an
 * output that cannot be opened before the scan starts is an input error (2); a write that fails during the scan is 3;
 * `explain`/`--help` into a closed pipe end quietly with 0, while a scan whose standard output closes stops with 3
 * (so `scan --fail-on high | head` can never pass a gate by accident). 130 (Ctrl-C) is reached in
 * interrupt-resume.test.ts. Servers and closed ports on 127.0.80.x / 127.0.81.x only.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT } from '../../src/cli/exit-codes.js';
import { FAST, MAIN, ROOT, runCli, startFakeRdp, tempDir } from './helpers.js';

const tmp = tempDir();
afterAll(() => tmp.cleanup());

/** Runs `rdprobe ARGS | head -c 1` under bash and returns rdprobe's own exit status (PIPESTATUS[0]). */
function intoClosedPipe(args: string[]): { code: number; stderr: string } {
  const quoted = args.map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const r = spawnSync('bash', ['-c', `"${process.execPath}" "${MAIN}" ${quoted} 2>"${join(tmp.dir, 'err')}" | head -c 1 >/dev/null; exit \${PIPESTATUS[0]}`], { encoding: 'utf8', timeout: 60_000 });
  return { code: r.status ?? -1, stderr: readFileSync(join(tmp.dir, 'err'), 'utf8') };
}

/** The codes README.md's "Exit codes" table lists. */
function readmeCodes(): number[] {
  const text = readFileSync(join(ROOT, 'README.md'), 'utf8');
  const section = text.slice(text.indexOf('## Exit codes'));
  const table = section.slice(0, section.indexOf('\n## '));
  return [...table.matchAll(/^\| (\d+) \|/gm)].map((m) => Number(m[1]));
}

describe('the README table and the code agree', () => {
  it('README lists exactly the codes the CLI uses', () => {
    expect(readmeCodes().sort((a, b) => a - b)).toEqual(Object.values(EXIT).sort((a, b) => a - b));
  });
});

describe.concurrent('0: the scan finished and nothing reached the gate', () => {
  it('a scan without a gate exits 0 whatever it found (an unreachable host is data)', async () => {
    const r = await runCli(['scan', '127.0.81.201', '-f', 'ndjson', ...FAST]);
    expect(r.code, r.stderr).toBe(0);
  });

  it('explain --list and --help into a closed pipe end quietly with 0', () => {
    for (const args of [['explain', '--list'], ['--help'], ['scan', '--help']]) {
      const r = intoClosedPipe(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stderr).not.toMatch(/EPIPE|Error|at /);
    }
  });
});

describe.concurrent('1: the gate failed', () => {
  it('--fail-on high with an unreachable host (severity high)', async () => {
    const r = await runCli(['scan', '127.0.81.202', '--fail-on', 'high', '-f', 'ndjson', ...FAST]);
    expect(r.code, r.stderr).toBe(1);
  });

  it('a policy rule flag on a host that cannot be checked against it (policy_unreachable)', async () => {
    const r = await runCli(['scan', '127.0.81.203', '--require-nla', '-f', 'ndjson', ...FAST]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout).toContain('"policy_unreachable"');
  });

  it('rdprobe diff with a regression, and scan --baseline with one', async () => {
    const srv = await startFakeRdp();
    const before = join(tmp.dir, 'before.ndjson');
    const after = join(tmp.dir, 'after.ndjson');
    try {
      expect((await runCli(['scan', srv.target, '-o', before, ...FAST])).code).toBe(0);
    } finally {
      await srv.close();
    }
    // The same address and port, now closed: the host went from ok to unreachable.
    const b = await runCli(['scan', srv.target, '-o', after, '--baseline', before, ...FAST]);
    expect(b.code, b.stderr).toBe(1);
    const d = await runCli(['diff', before, after]);
    expect(d.code, d.stderr).toBe(1);
    expect((await runCli(['diff', before, after, '--fail-on', 'none'])).code).toBe(0);
  });
});

describe.concurrent('2: usage or input error, before any packet', () => {
  const cases: [string, string[]][] = [
    ['-o into a folder that does not exist', ['-o', join(tmp.dir, 'no/such/dir/x.ndjson')]],
    ['-o onto a directory', ['-o', tmp.dir]],
    ['-o where nothing can be created', ['-o', '/proc/rdprobe-x']],
    ['-o without a value', ['-o']],
    ['-f without a value', ['-f']],
    ['-c abc', ['-c', 'abc']],
    ['a rule flag with a bad value', ['--min-tls', 'tls9']],
  ];
  it.each(cases)('%s', async (_n, args) => {
    const r = await runCli(['scan', '127.0.81.204', ...FAST, ...args]);
    expect(r.code, r.stderr).toBe(EXIT.USAGE);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe.concurrent('3: rdprobe itself failed during the scan', () => {
  it.skipIf(process.platform !== 'linux')('an output that fails while writing (/dev/full: no space)', async () => {
    const r = await runCli(['scan', '127.0.81.205', '127.0.81.206', '-o', '/dev/full', ...FAST]);
    expect(r.code, r.stderr).toBe(EXIT.RUNTIME);
    expect(r.stderr).toMatch(/^rdprobe: cannot write \/dev\/full: ENOSPC\n$/);
  });

  it('a scan whose standard output closes stops with 3, even with a gate that would pass or fail', async () => {
    // A slow host makes sure something is still to be written after `head` has gone.
    const slow = await startFakeRdp({ delayMs: 1500 });
    try {
      for (const gate of [[], ['--fail-on', 'critical'], ['--fail-on', 'high']]) {
        const r = intoClosedPipe(['scan', '127.0.81.207', '127.0.81.208', slow.target, '-f', 'ndjson', ...FAST, ...gate]);
        expect(r.code, `${gate.join(' ')}: ${r.stderr}`).toBe(EXIT.RUNTIME);
        expect(r.stderr).toMatch(/cannot write standard output/);
      }
    } finally {
      await slow.close();
    }
  });
});
