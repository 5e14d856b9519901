/**
 * The authentication test's command line through the built CLI: every misuse is ONE "rdprobe:" line on stderr,
 * nothing on stdout, exit 2, before any packet (the targets, 127.0.53.250-253, have nothing listening anyway). And
 * --resume: a resumed scan must be given the same account and the password again, and after a rejection in the
 * file it makes no further attempt (SCRIPTED servers).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tempDir } from '../cli/helpers.js';
import { makeCertificate } from '../helpers/nla-server.js';
import { LEAN, scanWith, scriptedServer, USER, type ScriptedServer } from './fixtures.js';

const tmp = tempDir('rdprobe-auth-cli-');
let pem: { key: string; cert: string };
const servers: ScriptedServer[] = [];
beforeAll(async () => {
  pem = await makeCertificate('auth-cli.test');
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  tmp.cleanup();
});

function expectUsageError(r: { code: number | null; stdout: string; stderr: string }, pattern: RegExp): void {
  expect(r.code, `stderr: ${r.stderr}`).toBe(2);
  expect(r.stdout).toBe('');
  expect(r.stderr.split('\n').filter(Boolean), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(/^rdprobe: \S/);
  expect(r.stderr).toMatch(pattern);
}

const T = '127.0.53.250';
const FAST = ['--timeout', '1', '--host-timeout', '2'];

describe.concurrent('authentication options: input errors exit 2 with one line', () => {
  const emptyFile = join(tmp.dir, 'empty.txt');
  const noCerts = join(tmp.dir, 'no-certs.pem');
  writeFileSync(emptyFile, '\n');
  writeFileSync(noCerts, 'not a certificate\n');

  const cases: [name: string, args: string[], password: string | null, pattern: RegExp][] = [
    ['--user without a password source, stdin not a terminal', [T, '--user', USER], null, /needs a password: set RDPROBE_PASSWORD, use --password-file FILE, or run on a terminal/],
    ['--password does not exist (and its value is not echoed)', [T, '--user', USER, '--password', 'Echo-Me-Not-1'], null, /there is no --password option/],
    ['--password=VALUE neither', [T, '--password=Echo-Me-Not-1'], null, /there is no --password option/],
    ['RDPROBE_PASSWORD set but empty', [T, '--user', USER], '', /RDPROBE_PASSWORD is set but empty/],
    ['--password-file missing', [T, '--user', USER, '--password-file', join(tmp.dir, 'nope')], null, /--password-file .*file not found/],
    ['--password-file empty', [T, '--user', USER, '--password-file', emptyFile], null, /--password-file .*empty/],
    ['several targets without --auth-hosts', [T, '127.0.53.251', '--user', USER], 'pw', /--auth-hosts is required when the scan has more than one target/],
    ['a range without --auth-hosts', ['127.0.53.250-251', '--user', USER], 'pw', /--auth-hosts is required/],
    ['--logon without --auth-hosts', [T, '--user', USER, '--logon'], 'pw', /--logon logs the account on: name the hosts/],
    ['--auth without --user', [T, '--auth'], null, /--auth applies to the authentication test: give the test account with --user/],
    ['--logon without --user', [T, '--logon', '--auth-hosts', T], null, /--logon applies to the authentication test/],
    ['--auth-hosts without --user', [T, '--auth-hosts', T], null, /--auth-hosts applies/],
    ['--auth-insecure without --user', [T, '--auth-insecure'], null, /--auth-insecure applies/],
    ['--auth with --authz', [T, '--user', USER, '--auth', '--authz'], 'pw', /--auth stops before the password is delegated/],
    ['a --pin that is not a SHA-1 thumbprint', [T, '--user', USER, '--pin', 'abc'], 'pw', /--pin: expected a SHA-1 thumbprint/],
    ['--ca-file missing', [T, '--user', USER, '--ca-file', join(tmp.dir, 'nope.pem')], 'pw', /--ca-file .*file not found/],
    ['--ca-file without a certificate', [T, '--user', USER, '--ca-file', noCerts], 'pw', /--ca-file .*no PEM certificate/],
    ['--user that is not an account', [T, '--user', 'DOMAIN\\'], 'pw', /--user: expected DOMAIN\\user, user@domain or user/],
    ['--auth-hosts with a bad target', [T, '--user', USER, '--auth-hosts', '10.0.0.300'], 'pw', /--auth-hosts: .*10\.0\.0\.300/],
    ['--logon-timeout that is not a duration', [T, '--user', USER, '--logon-timeout', 'soon'], 'pw', /--logon-timeout/],
  ];

  it.each(cases)('%s', async (_name, args, password, pattern) => {
    const r = await scanWith([...args, ...FAST], password, 30_000);
    expectUsageError(r, pattern);
    expect(r.stderr).not.toContain('Echo-Me-Not-1');
  });

  it('a password from --password-file (one line, trailing newline dropped) is used', async () => {
    const s = await scriptedServer(pem, '127.0.53.30');
    servers.push(s);
    const file = join(tmp.dir, 'pw.txt');
    writeFileSync(file, 'Scripted-Pw-1!\r\n');
    const r = await scanWith([s.target, '--user', USER, '--password-file', file, '--pin', s.sha1, ...LEAN, '-f', 'ndjson'], null);
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).auth.result).toBe('success');
    expect(JSON.parse(r.stdout).scan.options).not.toHaveProperty('password-file');
  });
});

describe('--resume with the authentication test (scripted)', () => {
  it('needs the same --user and the password again; after a rejection in the file no host is tried', async () => {
    const a = await scriptedServer(pem, '127.0.53.31');
    const b = await scriptedServer(pem, '127.0.53.32');
    servers.push(a, b);
    const file = join(tmp.dir, 'resume.ndjson');
    const auth = ['--user', USER, '--auth-hosts', `${a.target},${b.target}`, '--pin', a.sha1, ...LEAN];
    // First run: only host a (a wrong password), as if the scan of a and b had been interrupted after it.
    const first = await scanWith([a.target, ...auth, '-o', file], 'wrong-password');
    expect(first.code, first.stderr).toBe(0);
    expect(JSON.parse(readFileSync(file, 'utf8')).auth.result).toBe('credentials_rejected');
    await a.settled();
    expect(a.attempts()).toBe(1);

    // Without --user the options differ: refused, naming them (the password is in no record to compare).
    const noUser = await scanWith([a.target, b.target, ...LEAN, '-o', file, '--resume', file], null);
    expectUsageError(noUser, /written by a scan with other options.*auth_user/);
    // With --user but no password: asked for again.
    const noPassword = await scanWith([a.target, b.target, ...auth, '-o', file, '--resume', file], null);
    expectUsageError(noPassword, /needs a password/);
    // The right password now, but the file says the credentials were rejected: host b is not tried.
    const resumed = await scanWith([a.target, b.target, ...auth, '-o', file, '--resume', file], 'Scripted-Pw-1!');
    expect(resumed.code, resumed.stderr).toBe(0);
    await b.settled();
    expect(b.attempts()).toBe(0);
    const recs = readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l));
    expect(recs.map((r) => r.auth.result)).toEqual(['credentials_rejected', 'not_attempted']);
    expect(recs[1].auth.failure).toMatchObject({ reason: 'lockout_stop' });
    expect(recs[1].auth.failure.detail).toContain(`${a.host}:${a.port}`);
  });
});
