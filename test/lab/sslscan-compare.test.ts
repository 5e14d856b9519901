/**
 * The deep TLS mode against the lab, checked by another tool: for every TLS-speaking lab server, the cipher suites
 * rdprobe --tls-suites finds per version must be exactly those `sslscan --rdp` (Debian's sslscan 2) accepts, and
 * for the server built with its own order (xrdp-server-order) in the same order. sslscan's OpenSSL 3 cannot offer
 * SSL 2.0/3.0, RC4 or 3DES, so those are compared with scripted peers in test/checks/tls-surface.test.ts.
 * Runs with RDPROBE_LAB=1; sslscan must then be installed (.ci/run installs it).
 */
import { execFile, execFileSync } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import type { ProbeRecord } from '../../src/record.js';
import { MAIN } from '../cli/helpers.js';

const LAB = process.env['RDPROBE_LAB'] === '1';
const run = promisify(execFile);

/** Every lab server that reaches TLS (xrdp variants, FreeRDP with and without NLA), and the one whose key is wrong. */
const HOSTS = ['127.0.10.1', '127.0.10.2', '127.0.10.7', '127.0.10.8', '127.0.10.9', '127.0.10.10', '127.0.10.11', '127.0.10.12', '127.0.10.14', '127.0.11.1', '127.0.11.2', '127.0.11.3', '127.0.20.1', '127.0.20.2'];
const SERVER_ORDERED = '127.0.11.2';

const SSLSCAN_VERSION: Record<string, string> = { 'TLSv1.0': 'tls1.0', 'TLSv1.1': 'tls1.1', 'TLSv1.2': 'tls1.2', 'TLSv1.3': 'tls1.3' };

/** sslscan's XML: the accepted suites per version (ids, lower-case hex, in its order) and the enabled versions. */
export function parseSslscan(xml: string): { suites: Record<string, string[]>; enabled: Record<string, boolean> } {
  const suites: Record<string, string[]> = {};
  for (const m of xml.matchAll(/<cipher status="(?:accepted|preferred)" sslversion="([^"]+)"[^>]* id="(0x[0-9A-Fa-f]+)"/g)) {
    const v = SSLSCAN_VERSION[m[1]!];
    if (v) (suites[v] ??= []).push(m[2]!.toLowerCase());
  }
  const enabled: Record<string, boolean> = {};
  for (const m of xml.matchAll(/<protocol type="(ssl|tls)" version="([0-9.]+)" enabled="([01])"/g)) {
    enabled[m[1] === 'ssl' ? `ssl${m[2]}.0` : `tls${m[2]}`] = m[3] === '1';
  }
  return { suites, enabled };
}

/** rdprobe's suites per TLS version as sslscan lists them (ids, lower-case). */
export function rdprobeSuites(r: ProbeRecord): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [v, list] of Object.entries(r.tls?.cipher_suites ?? {})) if (v.startsWith('tls') && list && list.length > 0) out[v] = list.map((s) => s.id.toLowerCase());
  return out;
}

/** Same suites per version (as sets; in order too when `ordered`); throws naming the difference. */
export function compareLists(host: string, ours: Record<string, string[]>, theirs: Record<string, string[]>, ordered: boolean): void {
  const versions = [...new Set([...Object.keys(ours), ...Object.keys(theirs)])].sort();
  for (const v of versions) {
    const a = ours[v] ?? [];
    const b = theirs[v] ?? [];
    const missing = b.filter((x) => !a.includes(x));
    const extra = a.filter((x) => !b.includes(x));
    if (missing.length || extra.length) throw new Error(`${host} ${v}: rdprobe lacks [${missing.join(' ')}], has extra [${extra.join(' ')}]`);
    if (ordered && a.join(' ') !== b.join(' ')) throw new Error(`${host} ${v}: order differs: rdprobe [${a.join(' ')}], sslscan [${b.join(' ')}]`);
  }
}

describe('the comparison itself can fail', () => {
  const sslscan = { 'tls1.2': ['0xc030', '0x009e', '0x002f'] };
  it('a partial list, an extra suite and a wrong order are each caught', () => {
    expect(() => compareLists('h', { 'tls1.2': ['0xc030', '0x009e'] }, sslscan, false)).toThrow(/lacks \[0x002f\]/);
    expect(() => compareLists('h', { 'tls1.2': ['0xc030', '0x009e', '0x002f', '0x0035'] }, sslscan, false)).toThrow(/extra \[0x0035\]/);
    expect(() => compareLists('h', { 'tls1.2': ['0x002f', '0xc030', '0x009e'] }, sslscan, true)).toThrow(/order differs/);
    expect(() => compareLists('h', { 'tls1.2': ['0x002f', '0xc030', '0x009e'] }, sslscan, false)).not.toThrow();
  });
});

/**
 * sslscan's XML for one host. 14 sslscans and rdprobe's deep scans share the lab's xrdp servers (listen backlog 2)
 * at once, and sslscan has now and then exited 1 there (twice in a day's runs, on 127.0.10.11, not reproduced alone): the peer
 * tool's failure is retried once, and reported with its output if it fails again.
 */
async function sslscan(host: string): Promise<string> {
  const once = () => run('sslscan', ['--rdp', '--no-colour', '--no-heartbleed', '--xml=-', `${host}:3389`], { maxBuffer: 16 << 20, timeout: 120_000 }).then((r) => r.stdout);
  try {
    return await once();
  } catch {
    await new Promise((r) => setTimeout(r, 1000));
    return once().catch((e: { code?: number; stdout?: string; stderr?: string }) => {
      throw new Error(`sslscan ${host} failed twice (exit ${e.code}): ${(e.stderr || e.stdout || '').slice(-500)}`);
    });
  }
}

describe.runIf(LAB)('rdprobe --tls-suites equals sslscan --rdp on every lab TLS server', () => {
  const ours = new Map<string, ProbeRecord>();
  const theirs = new Map<string, ReturnType<typeof parseSslscan>>();
  beforeAll(async () => {
    expect(() => execFileSync('sslscan', ['--version'], { stdio: 'ignore' }), 'sslscan is needed (apt-get install sslscan)').not.toThrow();
    const [scan, ...xmls] = await Promise.all([
      run(process.execPath, [MAIN, 'scan', ...HOSTS, '--tls-suites', '-f', 'ndjson', '--timeout', '3', '--host-timeout', '60', '--no-udp'], { maxBuffer: 64 << 20 }).catch((e: { stdout?: string }) => ({ stdout: e.stdout ?? '' })),
      ...HOSTS.map((h) => sslscan(h)),
    ]);
    for (const line of scan.stdout.trim().split('\n').filter(Boolean)) {
      const r = JSON.parse(line) as ProbeRecord;
      ours.set(r.host, r);
    }
    HOSTS.forEach((h, i) => theirs.set(h, parseSslscan(xmls[i]!)));
  }, 300_000);

  it.each(HOSTS)('%s: same suites per version (and versions)', (h) => {
    const r = ours.get(h);
    expect(r, `no record for ${h}`).toBeDefined();
    expect(r!.not_measured).toEqual({});
    const s = theirs.get(h)!;
    compareLists(h, rdprobeSuites(r!), s.suites, h === SERVER_ORDERED);
    for (const v of ['tls1.0', 'tls1.1', 'tls1.2', 'tls1.3']) {
      // sslscan calls a version enabled when a handshake at it got a ServerHello; a server that then fails (the wrong key) is still "enabled".
      if (s.enabled[v] !== undefined && h !== '127.0.10.11') expect(r!.tls?.versions[v as 'tls1.2'], `${h} ${v}`).toBe(s.enabled[v]);
    }
  });

  it('the server-ordered xrdp is reported with its own order, the others with the client\'s', () => {
    expect(ours.get(SERVER_ORDERED)!.tls!.server_preference).toBe(true);
    expect(ours.get('127.0.10.2')!.tls!.server_preference).toBe(false);
  });

  it('the findings built for these servers fire on them and nowhere else', () => {
    const ids = (h: string) => ours.get(h)!.findings.map((f) => f.id);
    const firing = (id: string) => HOSTS.filter((h) => ids(h).includes(id)).sort();
    // CBC-only: the CBC-only xrdp and the TLS 1.0-only one (TLS 1.0 has no AEAD suite).
    expect(firing('tls_cbc_only')).toEqual(['127.0.10.7', '127.0.11.1']);
    // 1024-bit DHE: the server built for it, and xrdp-weak (its 1024-bit key sizes OpenSSL's automatic group).
    expect(firing('tls_weak_dh')).toEqual(['127.0.10.10', '127.0.11.3']);
    for (const id of ['tls_rc4', 'tls_3des', 'tls_null_export_anon', 'ssl2_enabled', 'ssl3_enabled', 'tls_no_secure_renegotiation']) expect(firing(id), id).toEqual([]);
  });
});
