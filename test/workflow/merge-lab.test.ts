/**
 * The lab scanned as 3 shards and merged equals the lab scanned whole: the records (all but timings and the
 * servers' clocks), the cross-host findings (the two xrdp sharing one certificate fall into shards 3 and 1, the two
 * FreeRDP servers with one NetBIOS name into shards 2 and 3: no shard alone can see either pair), the summary, the
 * junit verdict and the exit code. Twice: with the policy given to the shard scans and carried through the merge, and
 * with shards scanned without one and the policy given to merge (the Kubernetes recipe: pods scan, the merge gates).
 * A missing and a repeated shard are caught. Runs when RDPROBE_LAB=1.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson, runCli, tempDir, type CliResult } from '../cli/helpers.js';
import type { ProbeRecord } from '../../src/record.js';

const LAB = process.env.RDPROBE_LAB === '1';
// TLS 1.0 only, expiring certificate, the certificate-sharing pair, TLS 1.2 only, Standard Security, both FreeRDP
// servers, and a closed port.
const TARGETS = ['127.0.10.7', '127.0.10.9', '127.0.10.12', '127.0.10.13', '127.0.10.14', '127.0.10.5', '127.0.20.1', '127.0.20.2', '127.0.40.1'];
const PROBE = ['--timeout', '3', '--host-timeout', '30', '-c', '2'];
const GATE = ['--fail-on', 'medium'];
const tmp = tempDir('rdprobe-merge-lab-');
afterAll(() => tmp.cleanup());
const at = (name: string): string => join(tmp.dir, name);

interface Report {
  code: number | null;
  records: ProbeRecord[];
  summary: Record<string, unknown>;
  junitFailing: string[];
}

/** What may differ between two scans of the same servers: when, how long, and the servers' clocks. */
function comparable(r: ProbeRecord): unknown {
  const x = structuredClone(r) as unknown as Record<string, unknown> & ProbeRecord;
  delete (x as Partial<ProbeRecord>).scanned_at;
  delete (x as Partial<ProbeRecord>).timings_ms;
  if (x.credssp?.ntlm) {
    delete (x.credssp.ntlm as Partial<typeof x.credssp.ntlm>).server_time;
    delete (x.credssp.ntlm as Partial<typeof x.credssp.ntlm>).clock_skew_seconds;
  }
  return x;
}

function report(r: CliResult, json: string, xml: string): Report {
  const doc = JSON.parse(readFileSync(json, 'utf8')) as { records: ProbeRecord[]; summary: Record<string, unknown> };
  const { finished_at: _finished, ...summary } = doc.summary;
  const junitFailing = [...readFileSync(xml, 'utf8').matchAll(/<testsuite ([^>]*)>/g)]
    .map((m) => Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]])))
    .filter((a) => a['hostname'] && (Number(a['failures']) > 0 || Number(a['errors']) > 0))
    .map((a) => a['hostname']!)
    .sort();
  return { code: r.code, records: doc.records, summary, junitFailing };
}

const fleet = (records: ProbeRecord[]): string[] =>
  records.flatMap((r) => r.findings.filter((f) => f.id === 'cert_duplicate' || f.id === 'netbios_duplicate').map((f) => `${r.host} ${f.id} ${f.evidence.join(' ')}`));

async function shards(name: string, extra: string[]): Promise<string[]> {
  const files = [1, 2, 3].map((k) => at(`${name}-${k}.ndjson`));
  const runs = await Promise.all(files.map((f, i) => runCli(['scan', ...TARGETS, ...PROBE, ...extra, '--shard', `${i + 1}/3`, '-o', f], { timeoutMs: 120_000 })));
  for (const r of runs) expect([0, 1], r.stderr).toContain(r.code);
  return files;
}

async function merge(name: string, files: string[], extra: string[]): Promise<Report> {
  const json = at(`${name}.json`);
  const xml = at(`${name}.xml`);
  const r = await runCli(['merge', ...files, ...extra, '-o', json, '-o', xml], { timeoutMs: 60_000 });
  expect([0, 1], r.stderr).toContain(r.code);
  return report(r, json, xml);
}

describe.runIf(LAB)('merge against the lab: 3 shards merged == the unsharded scan', () => {
  let policy = '';
  let whole: Report;
  let plainShards: string[] = [];
  let policyShards: string[] = [];

  beforeAll(async () => {
    policy = at('policy.yml');
    writeFileSync(policy, 'min_tls: "1.2"\nrequire_nla: true\nhosts:\n  127.0.40.1: { allow_unreachable: true }\n');
    const json = at('whole.json');
    const xml = at('whole.xml');
    const [w, plain, withPolicy] = await Promise.all([
      runCli(['scan', ...TARGETS, ...PROBE, '--policy', policy, ...GATE, '-o', json, '-o', xml], { timeoutMs: 120_000 }),
      shards('plain', []),
      shards('policy', ['--policy', policy]),
    ]);
    whole = report(w, json, xml);
    plainShards = plain;
    policyShards = withPolicy;
  }, 300_000);

  it('the unsharded scan has what only the whole set shows, and no shard alone has it', () => {
    expect(whole.code, 'the gate fails on this lab set').toBe(1);
    expect(fleet(whole.records).map((l) => l.split(' ').slice(0, 2).join(' ')).sort()).toEqual([
      '127.0.10.12 cert_duplicate',
      '127.0.10.13 cert_duplicate',
      '127.0.20.1 netbios_duplicate',
      '127.0.20.2 netbios_duplicate',
    ]);
    for (const f of [...plainShards, ...policyShards]) {
      const lines = parseNdjson(readFileSync(f, 'utf8')) as unknown as ProbeRecord[];
      expect(fleet(lines), `${f} alone sees no duplicate pair`).toEqual([]);
    }
  });

  for (const variant of ['policy carried from the shard scans', 'policy given to merge'] as const) {
    it(`${variant}: records, cross-host findings, summary, junit verdict and exit code are the unsharded scan's`, async () => {
      const merged =
        variant === 'policy given to merge'
          ? await merge('merged-policy-at-merge', plainShards, ['--policy', policy, ...GATE])
          : await merge('merged-policy-carried', policyShards, GATE);
      expect(merged.records.map((r) => `${r.host}:${r.port}`)).toEqual(whole.records.map((r) => `${r.host}:${r.port}`));
      expect(merged.records.map(comparable)).toEqual(whole.records.map(comparable));
      expect(fleet(merged.records)).toEqual(fleet(whole.records));
      expect(merged.summary).toEqual(whole.summary);
      expect(merged.junitFailing).toEqual(whole.junitFailing);
      expect(merged.junitFailing.length).toBeGreaterThan(0);
      expect(merged.code).toBe(whole.code);
    }, 120_000);
  }

  it('a missing shard and a repeated one are caught (exit 2)', async () => {
    const missing = await runCli(['merge', plainShards[0]!, plainShards[2]!, ...GATE]);
    expect(missing.code, missing.stderr).toBe(2);
    expect(missing.stderr).toMatch(/shard 2\/3 is missing/);
    const copy = at('plain-3-again.ndjson');
    writeFileSync(copy, readFileSync(plainShards[2]!));
    const repeated = await runCli(['merge', ...plainShards, copy, ...GATE]);
    expect(repeated.code, repeated.stderr).toBe(2);
    expect(repeated.stderr).toMatch(/shard 3\/3 is in both/);
  });
});
