/**
 * Every `rdprobe ...` command the README and docs/*.md show, run against the lab, must give the exit code the
 * docs promise (issue 11: documented recipes had drifted from the CLI).
 *
 * Convention, checked here: a fenced code block whose lines start with `rdprobe` is preceded by an HTML comment
 * `<!-- exits: 0 1 ... -->` with one expected exit code per such line, in order (`skip` for a line that cannot run
 * unattended, e.g. one that waits for a password prompt; the test lists them). Lines run in document order in one
 * temporary folder per document, under bash with pipefail, so pipes, quotes and files written by an earlier line
 * work as they do for a reader.
 *
 * Safety: the docs name real-looking networks. SUBSTITUTES maps each to a lab address; a target left over that is
 * not loopback fails the test before anything runs, and net-guard.mjs (preloaded into every rdprobe) ends the
 * process with exit 97 on any connect, send or lookup that is not loopback.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { MAIN, ROOT } from '../cli/helpers.js';

const LAB = process.env['RDPROBE_LAB'] === '1';

const DOCS = ['README.md', ...readdirSync(join(ROOT, 'docs')).filter((f) => f.endsWith('.md')).map((f) => `docs/${f}`)];

/** Placeholder networks and names of the docs -> lab targets (lab/README.md). Longest first. */
const SUBSTITUTES: [RegExp, string][] = [
  [/\[2001:db8::5\]/g, '[::1]'],
  [/10\.20\.0\.0\/16/g, '127.0.10.0/28'],
  [/10\.20\.5\.0\/24/g, '127.0.10.8/30'],
  [/\b10\.0\.0\.5\b/g, '127.0.10.2'],
  [/\brdp01\.corp\.example\b/g, '127.0.10.1'],
  [/\bgood-server\.corp\.example\b/g, '127.0.20.1'],
  [/\b10\.1\.0\.0\/24/g, '127.0.20.0/24'],
  [/\brdp01\b/g, '127.0.10.1'],
  [/\bsrv01\.corp\.example\b/g, '127.0.10.2'],
  [/\bHOST\b/g, '127.0.10.7'],
];

/** The lab hosts the docs' target files (servers.txt, hosts.txt) list: TLS, NLA, Standard Security, a closed port. */
const LAB_TARGETS = ['127.0.10.1', '127.0.10.2', '127.0.10.7', '127.0.10.14', '127.0.20.1', '127.0.40.1'];

interface Example {
  doc: string;
  line: number;
  command: string;
  expected: number | 'skip';
}

/** The examples of one markdown file, with their annotations; throws on a block that has none or too few. */
function examplesOf(doc: string, text = readFileSync(join(ROOT, doc), 'utf8')): Example[] {
  const lines = text.split('\n');
  const out: Example[] = [];
  let inBlock = false;
  let annotation: string[] | null = null;
  let pending: string[] | null = null;
  let blockStart = 0;
  for (let i = 0; i < lines.length; i++) {
    const t = lines[i]!.trim();
    const ann = /^<!--\s*exits:\s*(.*?)\s*-->$/.exec(t);
    if (!inBlock && ann) {
      annotation = ann[1]!.split(/\s+/);
      continue;
    }
    if (t.startsWith('```')) {
      if (!inBlock) {
        inBlock = true;
        blockStart = i + 1;
        pending = annotation;
        annotation = null;
      } else {
        inBlock = false;
        if (pending && pending.length > 0) throw new Error(`${doc}:${blockStart}: the exits annotation has ${pending.length} more code(s) than the block has rdprobe lines`);
        pending = null;
      }
      continue;
    }
    if (!inBlock) {
      if (t !== '') annotation = null;
      continue;
    }
    const cmd = /^(?:\$\s+)?(rdprobe\s.*)$/.exec(t);
    if (!cmd) continue;
    const code = pending?.shift();
    if (code === undefined) throw new Error(`${doc}:${i + 1}: example without an expected exit code: add <!-- exits: N ... --> before the block`);
    if (code !== 'skip' && !/^\d+$/.test(code)) throw new Error(`${doc}:${blockStart}: bad exit annotation "${code}"`);
    out.push({ doc, line: i + 1, command: cmd[1]!, expected: code === 'skip' ? 'skip' : Number(code) });
  }
  return out;
}

/** The command with lab targets; throws when a target that is not loopback is left. */
function substitute(command: string): string {
  let c = command;
  for (const [re, to] of SUBSTITUTES) c = c.replace(re, to);
  const words = c.replace(/#.*$/, '').split(/[\s'"=,]+/);
  for (const w of words) {
    const v4 = /^(\d{1,3}(?:\.\d{1,3}){3})(?:[:/-]|$)/.exec(w);
    if (v4 && !v4[1]!.startsWith('127.')) throw new Error(`"${w}" has no lab substitute (add it to SUBSTITUTES)`);
    const v6 = /^\[([0-9a-f:.]+)\]/i.exec(w);
    if (v6 && v6[1] !== '::1') throw new Error(`"${w}" has no lab substitute (add it to SUBSTITUTES)`);
    if (/^[a-z0-9-]+(\.[a-z0-9-]+)*\.(example|corp|local|lan|internal|com|net|org)(:\d+)?$/i.test(w)) throw new Error(`"${w}" has no lab substitute (add it to SUBSTITUTES)`);
  }
  return c;
}

const all = DOCS.flatMap((d) => examplesOf(d));

describe('docs examples: annotations', () => {
  it('every rdprobe line of README.md and docs/*.md carries an expected exit code', () => {
    // examplesOf throws on a missing annotation; this also keeps the list from silently becoming empty.
    expect(all.filter((e) => e.doc === 'README.md').length).toBeGreaterThan(5);
    expect(all.filter((e) => e.doc.startsWith('docs/')).length).toBeGreaterThan(3);
  });

  it('a missing annotation is caught', () => {
    expect(() => examplesOf('x.md', '```sh\nrdprobe scan 127.0.0.1\n```\n')).toThrow(/without an expected exit code/);
    expect(() => examplesOf('x.md', '<!-- exits: 0 1 -->\n```sh\nrdprobe scan 127.0.0.1\n```\n')).toThrow(/more code/);
    // An annotation belongs to the block right after it, not to a later one.
    expect(() => examplesOf('x.md', '<!-- exits: 0 -->\ntext\n```sh\nrdprobe scan 127.0.0.1\n```\n')).toThrow(/without an expected/);
    expect(examplesOf('x.md', '<!-- exits: 2 -->\n```sh\n$ rdprobe scan\n```\n')).toEqual([{ doc: 'x.md', line: 3, command: 'rdprobe scan', expected: 2 }]);
  });

  it('every target is substituted by a loopback lab address, and one that is not is refused', () => {
    for (const e of all) expect(() => substitute(e.command), `${e.doc}:${e.line}`).not.toThrow();
    expect(() => substitute('rdprobe scan 10.9.9.9')).toThrow(/no lab substitute/);
    expect(() => substitute('rdprobe scan web.corp.example')).toThrow(/no lab substitute/);
    expect(() => substitute("rdprobe scan '[2001:db8::7]:3389'")).toThrow(/no lab substitute/);
  });
});

describe.skipIf(!LAB)('docs examples: each runs against the lab with the documented exit code', () => {
  const bin = mkdtempSync(join(tmpdir(), 'rdprobe-docs-bin-'));
  const guard = join(ROOT, 'test/docs/net-guard.mjs');
  // `rdprobe` on the PATH is the CLI just built, with the network guard preloaded.
  writeFileSync(join(bin, 'rdprobe'), `#!/bin/sh\nexec "${process.execPath}" --import "${guard}" "${MAIN}" "$@"\n`);
  chmodSync(join(bin, 'rdprobe'), 0o755);
  const dirs = new Map<string, string>();
  afterAll(() => {
    rmSync(bin, { recursive: true, force: true });
    for (const d of dirs.values()) rmSync(d, { recursive: true, force: true });
  });
  const env = { ...process.env, PATH: `${bin}:${process.env['PATH']}`, NO_COLOR: '1', RDPROBE_PASSWORD: 'LabPassw0rd!' };

  /** One folder per document, with the files its examples read: target lists, a policy, two scans to compare. */
  function folderOf(doc: string): string {
    let d = dirs.get(doc);
    if (d) return d;
    d = mkdtempSync(join(tmpdir(), 'rdprobe-docs-'));
    dirs.set(doc, d);
    for (const f of ['servers.txt', 'hosts.txt']) writeFileSync(join(d, f), `# lab targets (test/docs/examples.test.ts)\n${LAB_TARGETS.join('\n')}\n`);
    copyFileSync(join(ROOT, 'examples/policy.yml'), join(d, 'policy.yml'));
    // An enterprise CA's certificate as docs/auth.md names it (any real PEM certificate will do for the examples).
    copyFileSync(join(ROOT, 'test/fixtures/certs/rsa2048-ca-signed-expired.pem'), join(d, 'corp-ca.pem'));
    for (const f of ['before.ndjson', 'after.ndjson']) execFileSync(join(bin, 'rdprobe'), ['scan', '-i', 'servers.txt', '-o', f, '--timeout', '2'], { cwd: d, env, stdio: 'ignore' });
    // The shards of one scan, for the merge examples.
    for (const k of [1, 2]) execFileSync(join(bin, 'rdprobe'), ['scan', '-i', 'servers.txt', '--shard', `${k}/2`, '-o', `shard-${k}.ndjson`, '--timeout', '2'], { cwd: d, env, stdio: 'ignore' });
    return d;
  }

  it('the guard stops a connect to an address that is not loopback (exit 97)', () => {
    const r = spawnSync(process.execPath, ['--import', guard, '-e', "require('node:net').connect(3389, '192.0.2.1')"], { encoding: 'utf8' });
    expect(r.status).toBe(97);
    expect(r.stderr).toContain('refused TCP connect to 192.0.2.1');
    const d = spawnSync(process.execPath, ['--import', guard, '--input-type=module', '-e', "import { lookup } from 'node:dns/promises'; await lookup('example.com')"], { encoding: 'utf8' });
    expect(d.status).toBe(97);
  });

  for (const e of all) {
    it.skipIf(e.expected === 'skip')(`${e.doc}:${e.line} ${e.command} -> exit ${e.expected}`, () => {
      const cmd = substitute(e.command);
      const r = spawnSync('bash', ['-o', 'pipefail', '-c', cmd], { cwd: folderOf(e.doc), env, encoding: 'utf8', timeout: 120_000 });
      expect(r.status, `${cmd}\nstderr: ${r.stderr.slice(0, 2000)}`).toBe(e.expected);
    }, 150_000);
  }
});
