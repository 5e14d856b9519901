/**
 * Cross-host findings (issue 11, point 9) are computed once over the whole set, at the end: in every format written
 * at the end (json, csv, junit, sarif, table, github) *both* lab servers that share a certificate (127.0.10.12/13)
 * carry `cert_duplicate`, every format names the same findings for every host, and the gate fails the same hosts.
 * ndjson streams records as hosts finish, so only its later member can carry the finding (README says so).
 * Real servers: the lab's xrdp pair with one certificate and key.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCsv, parseNdjson, runCli, tempDir } from '../cli/helpers.js';

const LAB = process.env['RDPROBE_LAB'] === '1';
const HOSTS = ['127.0.10.12', '127.0.10.13', '127.0.10.1', '127.0.10.14', '127.0.40.1'];
const DUP = ['127.0.10.12', '127.0.10.13'];

type IdMap = Record<string, string[]>;
const norm = (m: Record<string, Set<string>>): IdMap => Object.fromEntries(Object.keys(m).sort().map((h) => [h, [...m[h]!].sort()]));
function add(m: Record<string, Set<string>>, host: string, id: string): void {
  (m[host] ??= new Set()).add(id);
}

const PARSE: Record<string, (text: string) => IdMap> = {
  json(text) {
    const m: Record<string, Set<string>> = {};
    for (const r of JSON.parse(text).records) for (const f of r.findings) add(m, r.host, f.id);
    return norm(m);
  },
  csv(text) {
    const rows = parseCsv(text.replace(/^\uFEFF/, ''));
    const head = rows[0]!;
    const m: Record<string, Set<string>> = {};
    for (const row of rows.slice(1)) {
      for (const id of row[head.indexOf('findings')]!.split(/[;\s]+/).filter(Boolean)) add(m, row[head.indexOf('host')]!, id.replace(/\(.*$/, ''));
    }
    return norm(m);
  },
  junit(text) {
    // Each finding is a testcase named by its id in the host's suite (classname = host); reachable/handshake are not.
    const m: Record<string, Set<string>> = {};
    for (const t of text.matchAll(/<testcase name="([a-z0-9_]+)" classname="([^"]+)"/g)) if (!['reachable', 'handshake'].includes(t[1]!)) add(m, t[2]!, t[1]!);
    return norm(m);
  },
  sarif(text) {
    const m: Record<string, Set<string>> = {};
    for (const r of JSON.parse(text).runs[0].results) add(m, r.properties.host, r.ruleId);
    return norm(m);
  },
  table(text) {
    const m: Record<string, Set<string>> = {};
    let host: string | null = null;
    for (const line of text.split('\n')) {
      const h = /^(\S+):\d+\s{2}/.exec(line);
      if (h) host = h[1]!;
      const f = /^\s{4}(CRITICAL|HIGH|MEDIUM|LOW|INFO)\s+([a-z0-9_]+)\s/.exec(line);
      if (f && host) add(m, host, f[2]!);
      if (/^Summary/.test(line)) host = null;
    }
    return norm(m);
  },
  github(text) {
    const m: Record<string, Set<string>> = {};
    for (const t of text.matchAll(/^::(?:error|warning|notice) title=rdprobe \w+ ([a-z0-9_]+) on ([^%]+)%3A\d+::/gm)) add(m, t[2]!, t[1]!);
    return norm(m);
  },
};

describe.runIf(LAB)('cross-host findings in every format (lab)', () => {
  const tmp = tempDir();
  const file = (ext: string) => join(tmp.dir, `scan.${ext}`);
  const texts: Record<string, string> = {};
  let code: number | null = null;
  let githubCode: number | null = null;
  beforeAll(async () => {
    // --details: the table's per-host blocks name every finding (its one-line view names the top one only).
    const r = await runCli(['scan', ...HOSTS, '--fail-on', 'medium', '--timeout', '3', '--details', ...['ndjson', 'json', 'csv', 'xml', 'sarif', 'txt'].flatMap((e) => ['-o', file(e)])], { timeoutMs: 120_000 });
    code = r.code;
    for (const [fmt, ext] of [['ndjson', 'ndjson'], ['json', 'json'], ['csv', 'csv'], ['junit', 'xml'], ['sarif', 'sarif'], ['table', 'txt']]) texts[fmt!] = readFileSync(file(ext!), 'utf8');
    const g = await runCli(['scan', ...HOSTS, '--fail-on', 'medium', '--timeout', '3', '-f', 'github'], { timeoutMs: 120_000 });
    githubCode = g.code;
    texts['github'] = g.stdout;
  }, 240_000);
  afterAll(() => tmp.cleanup());

  it('the gate fails (a medium finding exists) in both runs', () => {
    expect(code).toBe(1);
    expect(githubCode).toBe(1);
  });

  it.each(['json', 'csv', 'junit', 'sarif', 'table', 'github'])('%s: both members of the duplicate pair carry cert_duplicate', (fmt) => {
    const m = PARSE[fmt]!(texts[fmt]!);
    for (const h of DUP) expect(m[h], `${fmt} ${h}`).toContain('cert_duplicate');
    for (const h of HOSTS.filter((x) => !DUP.includes(x))) expect(m[h] ?? [], `${fmt} ${h}`).not.toContain('cert_duplicate');
  });

  it.each(['csv', 'junit', 'sarif', 'table', 'github'])('%s names the same findings for every host as json', (fmt) => {
    expect(PARSE[fmt]!(texts[fmt]!)).toEqual(PARSE['json']!(texts['json']!));
  });

  it('ndjson: the later member of the pair carries it (records stream as hosts finish)', () => {
    const recs = parseNdjson(texts['ndjson']!);
    const dups = recs.filter((r) => DUP.includes(r['host'] as string));
    expect(dups).toHaveLength(2);
    const later = dups[1]!;
    expect((later['findings'] as { id: string }[]).map((f) => f.id)).toContain('cert_duplicate');
  });
});
