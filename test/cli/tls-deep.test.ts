/**
 * The TLS deep mode through the built CLI: the csv long form, --ca-file and --policy-preset input handling, the
 * preset gate, and diff of suites. The server is a SCRIPTED legacy peer (test/helpers/tls-peers.ts: RC4 and
 * static-RSA suites that Debian's OpenSSL 3, and so the lab, can no longer serve), on 127.0.62.x.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scriptedServer, startTlsPeer, type TlsPeer } from '../helpers/tls-peers.js';
import { selfSigned } from '../helpers/tls-certs.js';
import { parseCsv, parseNdjson, runCli, tempDir } from './helpers.js';

const tmp = tempDir();
let peer: TlsPeer;
const FAST = ['--timeout', '0.7', '--host-timeout', '20', '--no-udp', '--no-credssp'];
const RC4_SHA = 0x0005, AES128 = 0x002f, ECDHE_GCM = 0xc02f;

beforeAll(async () => {
  const cert = await selfSigned('deep.scripted.test');
  peer = await startTlsPeer(scriptedServer({ versions: [0x0301, 0x0303], suites: [ECDHE_GCM, AES128, RC4_SHA], preference: 'server', certificate: cert }), '127.0.62.1');
});
afterAll(async () => {
  await peer.close();
  tmp.cleanup();
});

const target = () => `${peer.host}:${peer.port}`;

describe('deep mode through the CLI (scripted legacy peer)', () => {
  it('--csv-rows suites: one row per host, version and suite, in the server\'s order, with strength', async () => {
    const out = join(tmp.dir, 'suites.csv');
    const r = await runCli(['scan', target(), '--tls-suites', '--csv-rows', 'suites', '-o', out, ...FAST], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(0);
    const rows = parseCsv(readFileSync(out, 'utf8').replace(/^\uFEFF/, ''));
    expect(rows[0]).toEqual(['target', 'host', 'port', 'version', 'order', 'suite_id', 'suite', 'openssl_name', 'kex', 'auth', 'cipher', 'bits', 'pfs', 'strength', 'server_preference']);
    const tls12 = rows.slice(1).filter((x) => x[3] === 'tls1.2');
    expect(tls12.map((x) => [x[4], x[6], x[13]])).toEqual([
      ['1', 'TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256', 'strong'],
      ['2', 'TLS_RSA_WITH_AES_128_CBC_SHA', 'weak'],
      ['3', 'TLS_RSA_WITH_RC4_128_SHA', 'insecure'],
    ]);
    // TLS 1.0 has no GCM suite: the same server offers two there.
    expect(rows.slice(1).filter((x) => x[3] === 'tls1.0').map((x) => x[6])).toEqual(['TLS_RSA_WITH_AES_128_CBC_SHA', 'TLS_RSA_WITH_RC4_128_SHA']);
  });

  it('--policy-preset intermediate fails it (RC4, static RSA, TLS 1.0); an unknown preset is exit 2', async () => {
    const r = await runCli(['scan', target(), '--tls-suites', '--policy-preset', 'intermediate', '-f', 'ndjson', ...FAST], { timeoutMs: 60_000 });
    expect(r.code, r.stderr).toBe(1);
    const ids = (parseNdjson(r.stdout)[0]!['findings'] as { id: string }[]).map((f) => f.id);
    expect(ids).toEqual(expect.arrayContaining(['policy_allow_suites', 'policy_min_tls', 'tls_rc4']));
    expect(ids).not.toContain('policy_unverified');
    const bad = await runCli(['scan', target(), '--policy-preset', 'strict', ...FAST]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--policy-preset: "strict" is not one of modern, intermediate/);
  });

  it('--ca-file that is missing or holds no certificate: one line, exit 2', async () => {
    const notPem = join(tmp.dir, 'ca.txt');
    writeFileSync(notPem, 'not a certificate\n');
    for (const f of [join(tmp.dir, 'nope.pem'), notPem]) {
      const r = await runCli(['scan', target(), '--ca-file', f, ...FAST]);
      expect(r.code).toBe(2);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^rdprobe: --ca-file /);
    }
  });

  it('diff: a weak suite newly accepted is a regression, a strong one coming and going is neutral', async () => {
    const after = join(tmp.dir, 'after.ndjson');
    expect((await runCli(['scan', target(), '--tls-suites', '-o', after, ...FAST], { timeoutMs: 60_000 })).code).toBe(0);
    // "before": the same host without RC4 (the record as a scan of it would have been).
    const rec = parseNdjson(readFileSync(after, 'utf8'))[0] as { tls: { cipher_suites: Record<string, { name: string }[]> } };
    for (const v of Object.keys(rec.tls.cipher_suites)) rec.tls.cipher_suites[v] = rec.tls.cipher_suites[v]!.filter((s) => !s.name.includes('RC4'));
    const before = join(tmp.dir, 'before.ndjson');
    writeFileSync(before, `${JSON.stringify(rec)}\n`);
    const d = await runCli(['diff', before, after, '-f', 'json']);
    expect(d.code, d.stderr).toBe(1);
    const changes = (JSON.parse(d.stdout).hosts as { changes: { field: string; after: unknown; kind: string }[] }[]).flatMap((h) => h.changes);
    expect(changes.filter((c) => c.field.startsWith('tls.cipher_suites')).map((c) => [c.field, c.after, c.kind])).toEqual([
      ['tls.cipher_suites["tls1.0"]', 'TLS_RSA_WITH_RC4_128_SHA', 'regression'],
      ['tls.cipher_suites["tls1.2"]', 'TLS_RSA_WITH_RC4_128_SHA', 'regression'],
    ]);
  });
});
