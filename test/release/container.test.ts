/**
 * The container image (Dockerfile): built from this checkout, `rdprobe --version` in it gives the package's version,
 * it runs as a non-root user, and a scan works inside it (of its own loopback: --network none, nothing leaves the
 * container). Needs Docker: where there is none (or no daemon to talk to), the test is skipped and its name says why.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const VERSION = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
const IMAGE = `rdprobe-test:${process.pid}`;

function docker(args: string[], timeoutMs = 60_000): { code: number | null; stdout: string; stderr: string; missing: boolean } {
  const r = spawnSync('docker', args, { cwd: ROOT, encoding: 'utf8', timeout: timeoutMs });
  return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '', missing: (r.error as NodeJS.ErrnoException | undefined)?.code === 'ENOENT' };
}

const probe = docker(['version', '--format', '{{.Server.Version}}'], 15_000);
const skipped = probe.missing ? 'docker is not installed' : probe.code !== 0 ? `no docker daemon answers: ${(probe.stderr.trim().split(/\n|\. /)[0] ?? '').slice(0, 100)}` : null;

describe('container image', () => {
  let built = false;
  afterAll(() => {
    if (built) docker(['rmi', '-f', IMAGE]);
  });

  it.skipIf(skipped !== null)(`docker build, then rdprobe --version, a non-root user and a scan in it${skipped ? ` (skipped: ${skipped})` : ''}`, () => {
    const b = docker(['build', '-t', IMAGE, '.'], 900_000);
    expect(b.code, b.stderr.slice(-3000)).toBe(0);
    built = true;
    const v = docker(['run', '--rm', IMAGE, '--version']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toBe(`${VERSION}\n`);
    const id = docker(['run', '--rm', '--entrypoint', 'id', IMAGE, '-u']);
    expect(id.stdout.trim()).not.toBe('0');
    const s = docker(['run', '--rm', '--network', 'none', IMAGE, 'scan', '127.0.0.1', '--timeout', '1', '-f', 'ndjson']);
    expect(s.code, s.stderr).toBe(0);
    expect(JSON.parse(s.stdout.trim())).toMatchObject({ host: '127.0.0.1', status: 'unreachable' });
  }, 960_000);
});
