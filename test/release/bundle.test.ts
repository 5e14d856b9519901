/**
 * The one-file build (scripts/bundle.mjs, `npm run bundle`): dist/rdprobe.mjs imports nothing but Node's own
 * modules, runs from an empty folder (no node_modules anywhere above it), loads its lazily imported parts when used
 * (YAML for a policy file, X.509 for a certificate), gives the records the TypeScript build gives, and is what
 * `npm pack` ships as the `rdprobe` command. The whole CLI suite runs against it in CI too (RDPROBE_CLI, .ci/run).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, utimesSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { basename, dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson, tempDir } from '../cli/helpers.js';
import type { ProbeRecord } from '../../src/record.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BUNDLE = join(ROOT, 'dist/rdprobe.mjs');
const PKG = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string; bin: Record<string, string>; dependencies?: object };
const LAB = process.env['RDPROBE_LAB'] === '1';
const tmp = tempDir('rdprobe-bundle-');
const copy = join(tmp.dir, 'rdprobe.mjs');

function run(file: string, args: string[], env: Record<string, string> = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [file, ...args], { cwd: dirname(file), encoding: 'utf8', timeout: 60_000, env: { ...process.env, ...env } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

beforeAll(() => {
  // dist/src is fresh (test/setup/build.ts); bundle it as `npm run bundle` does, then copy it somewhere empty.
  execFileSync(process.execPath, [join(ROOT, 'scripts/bundle.mjs')], { cwd: ROOT, stdio: 'pipe', timeout: 120_000 });
  copyFileSync(BUNDLE, copy);
  for (let dir = tmp.dir; dirname(dir) !== dir; dir = dirname(dir)) expect(existsSync(join(dir, 'node_modules')), `${dir}/node_modules`).toBe(false);
  return () => tmp.cleanup();
}, 180_000);

describe('the one-file build', () => {
  it("imports only Node's own modules", () => {
    const text = readFileSync(BUNDLE, 'utf8');
    // A specifier starts like a module name (an option named "from" followed by `,{` is not one).
    const specifiers = [...text.matchAll(/\bfrom\s*"([@\w./:-][^"]*)"|\bimport\s*\(\s*"([^"]+)"\s*\)|\brequire\s*\(\s*"([^"]+)"\s*\)/g)].map((m) => m[1] ?? m[2] ?? m[3]!);
    expect(specifiers.length).toBeGreaterThan(5);
    const foreign = specifiers.filter((s) => !(s.startsWith('node:') || builtinModules.includes(s)));
    expect(foreign).toEqual([]);
  });

  it('is the package: bin rdprobe, in the packed files, no runtime dependencies to install', () => {
    expect(PKG.bin['rdprobe']).toBe('dist/rdprobe.mjs');
    expect(PKG.dependencies ?? {}).toEqual({});
    const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', timeout: 120_000 });
    const files = (JSON.parse(out) as { files: { path: string }[] }[])[0]!.files.map((f) => f.path);
    expect(files).toContain('dist/rdprobe.mjs');
    expect(files).toContain('Dockerfile');
    expect(files.filter((f) => f.startsWith('dist/') && f !== 'dist/rdprobe.mjs')).toEqual([]);
  });

  it('runs from an empty folder: --version, a scan of a closed port, a YAML policy, explain', () => {
    const v = run(copy, ['--version']);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toBe(`${PKG.version}\n`);

    const s = run(copy, ['scan', '127.0.51.40', '--timeout', '1', '-f', 'ndjson']);
    expect(s.code, s.stderr).toBe(0);
    const [rec] = parseNdjson(s.stdout) as unknown as ProbeRecord[];
    expect(rec).toMatchObject({ host: '127.0.51.40', status: 'unreachable', failure: { stage: 'tcp', reason: 'refused' } });

    const policy = join(tmp.dir, 'policy.yml');
    writeFileSync(policy, '# YAML: loaded on first use\nrequire_nla: true\n');
    const p = run(copy, ['scan', '127.0.51.40', '--timeout', '1', '--policy', policy, '-f', 'ndjson']);
    expect(p.code, p.stderr).toBe(1);
    expect((parseNdjson(p.stdout)[0] as unknown as ProbeRecord).findings.map((f) => f.id)).toContain('policy_unreachable');

    const e = run(copy, ['explain', '--list']);
    expect(e.code, e.stderr).toBe(0);
    expect(e.stdout.split('\n').length).toBeGreaterThan(20);
  });

  it.runIf(LAB)('gives the records the TypeScript build gives (certificate, CredSSP, Standard Security)', () => {
    const targets = ['127.0.10.2', '127.0.10.3', '127.0.20.1'];
    const args = ['scan', ...targets, '--timeout', '3', '--host-timeout', '30', '-f', 'json'];
    const one = run(copy, args);
    const two = run(join(ROOT, 'dist/src/cli/main.js'), args);
    expect(one.code, one.stderr).toBe(0);
    expect(two.code, two.stderr).toBe(0);
    const comparable = (text: string): unknown[] =>
      (JSON.parse(text) as { records: ProbeRecord[] }).records.map((r) => {
        // When and how long, and the server's clock: what two scans of one server may differ in.
        const { scanned_at: _when, timings_ms: _took, ...x } = structuredClone(r);
        if (x.credssp?.ntlm) x.credssp.ntlm = { ...x.credssp.ntlm, server_time: null, clock_skew_seconds: null };
        return x;
      });
    const a = comparable(one.stdout) as Pick<ProbeRecord, 'certificate'>[];
    expect(a.map((r) => r.certificate?.sha1_fingerprint ?? null).filter(Boolean)).toHaveLength(2);
    expect(a).toEqual(comparable(two.stdout));
  }, 120_000);

  // V8's code cache (scripts/bundle.mjs): an optimisation that must never change what a run does.
  describe("V8's code cache", () => {
    const closed = ['scan', '127.0.51.40', '--timeout', '1', '-f', 'ndjson'];
    const record = (out: string): unknown => {
      const { scanned_at: _at, timings_ms: _t, ...r } = parseNdjson(out)[0] as unknown as ProbeRecord;
      return r;
    };

    it('the first run writes it to RDPROBE_CACHE_DIR (owner-only), the next run uses it and gives the same record', () => {
      const dir = join(tmp.dir, 'cache-a');
      const first = run(copy, closed, { RDPROBE_CACHE_DIR: dir });
      expect(first.code, first.stderr).toBe(0);
      const files = readdirSync(dir);
      expect(files).toHaveLength(1);
      expect(files[0]).toMatch(new RegExp(`^[0-9a-f]{16}-app-${process.version.replace(/\./g, '\\.')}-${process.arch}\\.v8cache$`));
      const file = join(dir, files[0]!);
      if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
      const written = statSync(file).mtimeMs;
      const second = run(copy, closed, { RDPROBE_CACHE_DIR: dir });
      expect(second.code, second.stderr).toBe(0);
      expect(record(second.stdout)).toEqual(record(first.stdout));
      // Accepted, so not written again.
      expect(statSync(file).mtimeMs).toBe(written);
      // A lazily loaded package gets a cache of its own on its first use (YAML, for a YAML policy).
      const policy = join(tmp.dir, 'cache-policy.yml');
      writeFileSync(policy, 'require_nla: true\n');
      const p = run(copy, [...closed, '--policy', policy], { RDPROBE_CACHE_DIR: dir });
      expect(p.code, p.stderr).toBe(1);
      expect(readdirSync(dir).sort()).toEqual([files[0], files[0]!.replace('-app-', '-yaml-')].sort());
    });

    it('a damaged cache file is rejected by V8 and replaced; the run is unchanged', () => {
      const dir = join(tmp.dir, 'cache-b');
      const ok = run(copy, closed, { RDPROBE_CACHE_DIR: dir });
      const file = join(dir, readdirSync(dir)[0]!);
      writeFileSync(file, Buffer.alloc(4096, 0x5a), { mode: 0o600 });
      const r = run(copy, closed, { RDPROBE_CACHE_DIR: dir });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(record(r.stdout)).toEqual(record(ok.stdout));
      expect(readFileSync(file).equals(Buffer.alloc(4096, 0x5a))).toBe(false);
    });

    it("a new build's first run removes other builds' caches left for 30 days, and nothing else", () => {
      const dir = join(tmp.dir, 'cache-c');
      mkdirSync(dir);
      const stale = join(dir, `0123456789abcdef-app-${process.version}-${process.arch}.v8cache`);
      const recent = join(dir, `fedcba9876543210-app-${process.version}-${process.arch}.v8cache`);
      const other = join(dir, 'notes.txt');
      for (const f of [stale, recent, other]) writeFileSync(f, 'x');
      const longAgo = new Date(Date.now() - 40 * 86400000);
      utimesSync(stale, longAgo, longAgo);
      utimesSync(other, longAgo, longAgo);
      const r = run(copy, closed, { RDPROBE_CACHE_DIR: dir });
      expect(r.code, r.stderr).toBe(0);
      const left = readdirSync(dir);
      expect(left).toContain('notes.txt');
      expect(left).toContain(basename(recent));
      expect(left).not.toContain(basename(stale));
      expect(left.filter((f) => f.includes('-app-'))).toHaveLength(2);
    });

    it('RDPROBE_CACHE_DIR=off writes nothing; an unusable cache folder only costs the compile', () => {
      const home = join(tmp.dir, 'home-off');
      mkdirSync(home);
      const off = run(copy, ['--version'], { RDPROBE_CACHE_DIR: 'off', HOME: home, XDG_CACHE_HOME: '' });
      expect(off.code, off.stderr).toBe(0);
      expect(readdirSync(home)).toEqual([]);
      // A file where the folder should be: mkdir fails, the run does not.
      const blocker = join(tmp.dir, 'not-a-folder');
      writeFileSync(blocker, 'x');
      const r = run(copy, closed, { RDPROBE_CACHE_DIR: join(blocker, 'cache') });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).toBe('');
      expect(parseNdjson(r.stdout)).toHaveLength(1);
    });
  });
});
