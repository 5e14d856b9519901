/**
 * No secret in anything rdprobe writes: scans of a SCRIPTED NLA server (test/helpers/nla-server.ts) with a marker
 * password, through success, a rejection and a full logon, writing every output format at once (-o per format,
 * github on stdout) and --explain-inline, then every byte of every output and of stderr is searched for the
 * password (text, UTF-8 and UTF-16LE, as hex and base64), its NT hash and ResponseKeyNT, and the NTLM session key of
 * each connection (which the scripted server records). The search itself is shown to find a planted needle.
 */
import { mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { md4 } from '../../protocol/crypto/md4.js';
import { ntowfv2 } from '../../protocol/ntlm-auth.js';
import { STATUS_VALID_CLIENT, ST_NO_TRANSITION } from '../../protocol/rdp/licensing.js';
import { tempDir } from '../cli/helpers.js';
import { makeCertificate } from '../helpers/nla-server.js';
import { LEAN, scanWith, scriptedServer, USER, type ScriptedServer } from './fixtures.js';

const MARKER = 'Zq9-Marker-Secret-7Kw!';
const utf8 = Buffer.from(MARKER, 'utf8');
const utf16 = Buffer.from(MARKER, 'utf16le');

/** Every spelling of a secret that must never show: raw bytes (as the outputs are read: bytes), hex, base64. */
function spellings(bytes: Uint8Array): Buffer[] {
  const b = Buffer.from(bytes);
  return [b, Buffer.from(b.toString('hex')), Buffer.from(b.toString('hex').toUpperCase()), Buffer.from(b.toString('base64'))];
}

const STATIC_NEEDLES: [string, Buffer[]][] = [
  ['the password (UTF-8)', spellings(utf8)],
  ['the password (UTF-16LE)', spellings(utf16)],
  ['its NT hash', spellings(md4(Uint8Array.from(utf16)))],
  ['ResponseKeyNT', spellings(ntowfv2(Uint8Array.from(utf16), USER, ''))],
];

function findSecrets(where: string, content: Buffer, needles: [string, Buffer[]][]): string[] {
  const hits: string[] = [];
  for (const [what, forms] of needles) if (forms.some((f) => content.includes(f))) hits.push(`${where} contains ${what}`);
  return hits;
}

let pem: { key: string; cert: string };
const servers: ScriptedServer[] = [];
const tmp = tempDir('rdprobe-secrets-');
beforeAll(async () => {
  pem = await makeCertificate('secrets.test');
});
afterAll(async () => {
  await Promise.all(servers.map((s) => s.close()));
  tmp.cleanup();
});

describe('no secret in any output (scripted server, marker password)', () => {
  // A rejected AUTHENTICATE leaves the server without the session key (it needs the right password to derive
  // it), so only the accepted runs have keys to look for.
  const scenarios: [name: string, password: string, extra: string[], keys: number][] = [
    ['success, auth', MARKER, [], 3],
    ['rejected', `${MARKER}x`, ['--authz'], 0],
    ['logon', MARKER, ['--logon', '--logon-timeout', '2'], 3],
  ];
  for (const [name, password, extra, keyCount] of scenarios) {
    it(`${name}: every format, stdout and stderr`, async () => {
      const s = await scriptedServer(pem, '127.0.53.20', { password: MARKER, logon: { steps: [{ send: 'license_error', errorCode: STATUS_VALID_CLIENT, stateTransition: ST_NO_TRANSITION }, { send: 'demand_active' }, { send: 'server_finalization' }, { send: 'save_session_info', info: { type: 'logon', domain: '', userName: USER, sessionId: 4 } }] } });
      servers.push(s);
      const dir = join(tmp.dir, name.replace(/\W+/g, '-'));
      const outs = ['scan.ndjson', 'scan.json', 'scan.csv', 'scan.xml', 'scan.sarif', 'scan.txt', 'scan.html'].map((f) => join(dir, f));
      const base = [s.target, '--user', USER, '--auth-hosts', s.target, '--pin', s.sha1, ...LEAN, '--explain-inline', ...extra];
      mkdirSync(dir, { recursive: true });
      const a = await scanWith([...base, ...outs.flatMap((o) => ['-o', o])], password);
      const b = await scanWith([...base, '-f', 'github'], password);
      const c = await scanWith([...base, '-f', 'table'], password);
      for (const r of [a, b, c]) expect(r.code, r.stderr).toBe(0);
      await s.settled();

      // The test can fail: the scan did reach the credential exchange, and the session keys are known.
      const keys = s.connections.map((x) => x.sessionKey).filter((k): k is Uint8Array => k !== null);
      expect(keys.length).toBe(keyCount);
      expect(s.attempts()).toBe(3);
      const needles: [string, Buffer[]][] = [...STATIC_NEEDLES, ...keys.map((k, i): [string, Buffer[]] => [`session key ${i + 1}`, spellings(k)])];
      const hits: string[] = [];
      for (const f of readdirSync(dir)) hits.push(...findSecrets(f, readFileSync(join(dir, f)), needles));
      for (const [what, r] of [['stdout (github)', b], ['stdout (table)', c]] as const) hits.push(...findSecrets(what, Buffer.from(r.stdout), needles));
      for (const [i, r] of [a, b, c].entries()) hits.push(...findSecrets(`stderr of run ${i + 1}`, Buffer.from(r.stderr), needles));
      expect(hits).toEqual([]);
      // And what was written is the scan: the record carries the verdict.
      const rec = JSON.parse(readFileSync(outs[0]!, 'utf8').split('\n')[0]!);
      expect(rec.auth.user).toBe(USER);
    });
  }

  it('the search finds a needle that is there (it can fail)', () => {
    const planted = Buffer.from(`{"x":"${utf16.toString('base64')}"}`);
    expect(findSecrets('planted', planted, STATIC_NEEDLES)).toEqual(['planted contains the password (UTF-16LE)']);
  });

  it('a password that cannot be used is never echoed in the error either', async () => {
    const r = await scanWith(['127.0.53.250', '--user', '\\bad', '--timeout', '1'], MARKER);
    expect(r.code).toBe(2);
    expect(findSecrets('stderr', Buffer.from(r.stderr + r.stdout), STATIC_NEEDLES)).toEqual([]);
  });
});
