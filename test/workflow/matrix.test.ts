/**
 * The workflows strung together, through the real CLI against the lab: a plain run, the same run interrupted
 * (SIGINT after the k-th record, deterministically: one host at a time) and resumed, and the same targets as two
 * shards; each under --fail-on, --policy and --baseline, each writing ndjson, json and junit at once. Every
 * combination must end with the verdict of the plain run: the same exit code and the same set of failing hosts in
 * every whole-document format (and, for the baseline, the same hosts with regressions).
 *
 * Targets: the lab's TLS-1.0-only xrdp, the two xrdp sharing one certificate, the TLS-1.2-only xrdp, an xrdp in
 * Standard RDP Security mode, FreeRDP with NLA, and a closed port. Runs when RDPROBE_LAB=1.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseNdjson, runCli, spawnCli, tempDir, waitExit, type CliResult } from '../cli/helpers.js';
import type { Finding, ProbeRecord } from '../../src/record.js';

const LAB = process.env.RDPROBE_LAB === '1';
const TARGETS = ['127.0.10.7', '127.0.10.12', '127.0.10.13', '127.0.10.14', '127.0.10.5', '127.0.20.1', '127.0.40.1'];
const PROBE = ['--timeout', '3', '--host-timeout', '30'];
const tmp = tempDir('rdprobe-matrix-');
afterAll(() => tmp.cleanup());

const SEVERITY = ['info', 'low', 'medium', 'high', 'critical'];

interface Gate {
  name: string;
  args: () => string[];
  /** Which findings fail this gate (what the json/junit reports must agree with). */
  fails: (f: Finding) => boolean;
}

let policyFile = '';
let baselineFile = '';

const GATES: Gate[] = [
  { name: '--fail-on medium', args: () => ['--fail-on', 'medium'], fails: (f) => SEVERITY.indexOf(f.severity) >= 2 || f.id === 'probe_incomplete' },
  { name: '--policy', args: () => ['--policy', policyFile], fails: (f) => f.id.startsWith('policy_') || f.id === 'probe_incomplete' },
  // A baseline gate fails on regressions (stderr); its reports carry no gate of their own.
  { name: '--baseline', args: () => ['--baseline', baselineFile], fails: () => false },
];

interface Outputs {
  ndjson: string;
  json: string;
  xml: string;
}

const outs = (name: string): Outputs => ({ ndjson: join(tmp.dir, `${name}.ndjson`), json: join(tmp.dir, `${name}.json`), xml: join(tmp.dir, `${name}.xml`) });
const outArgs = (o: Outputs): string[] => ['-o', o.ndjson, '-o', o.json, '-o', o.xml];

interface Verdict {
  code: number;
  /** host:port of every host with a finding that fails the gate, per format. */
  json: string[];
  junit: string[];
  ndjsonHosts: string[];
  /** Hosts listed with a regression in the baseline diff on stderr. */
  regressions: string[];
}

function failingInJson(file: string, gate: Gate): string[] {
  const doc = JSON.parse(readFileSync(file, 'utf8')) as { records: ProbeRecord[] };
  return doc.records.filter((r) => r.findings.some(gate.fails)).map((r) => `${r.host}:${r.port}`).sort();
}

function failingInJunit(file: string): string[] {
  const xml = readFileSync(file, 'utf8');
  const hosts: string[] = [];
  for (const m of xml.matchAll(/<testsuite ([^>]*)>/g)) {
    const attrs = Object.fromEntries([...m[1]!.matchAll(/([\w-]+)="([^"]*)"/g)].map((a) => [a[1], a[2]]));
    if (attrs['name'] === 'rdprobe' || attrs['name'] === 'rdprobe explain') continue;
    if (Number(attrs['failures']) > 0 || Number(attrs['errors']) > 0) hosts.push(`${attrs['hostname']}:3389`);
  }
  return hosts.sort();
}

function regressionHosts(stderr: string): string[] {
  return [...stderr.matchAll(/^(\S+:\d+)(?: \(was [^)]*\))?  .*?\d+ regressions?/gm)].map((m) => m[1]!).sort();
}

function verdictOf(r: CliResult, o: Outputs[], gate: Gate): Verdict {
  const union = (f: (x: Outputs) => string[]): string[] => [...new Set(o.flatMap(f))].sort();
  return {
    code: r.code ?? -1,
    json: union((x) => failingInJson(x.json, gate)),
    junit: gate.name === '--baseline' ? [] : union((x) => failingInJunit(x.xml)),
    ndjsonHosts: union((x) => parseNdjson(readFileSync(x.ndjson, 'utf8')).map((l) => `${String(l['host'])}:${String(l['port'])}`)),
    regressions: regressionHosts(r.stderr),
  };
}

async function plain(gate: Gate, name: string): Promise<Verdict> {
  const o = outs(name);
  const r = await runCli(['scan', ...TARGETS, ...PROBE, '-c', '2', ...gate.args(), ...outArgs(o)], { timeoutMs: 120_000 });
  expect([0, 1], r.stderr).toContain(r.code);
  return verdictOf(r, [o], gate);
}

/** SIGINT once `k` records are in the ndjson output, with one host at a time so the cut is deterministic. */
async function interruptedThenResumed(gate: Gate, name: string, k: number): Promise<Verdict> {
  const o = outs(name);
  const args = ['scan', ...TARGETS, ...PROBE, '-c', '1', ...gate.args(), ...outArgs(o)];
  const child = spawnCli(args);
  const exited = waitExit(child, 120_000);
  const until = Date.now() + 100_000;
  while (Date.now() < until && !(existsSync(o.ndjson) && readFileSync(o.ndjson, 'utf8').split('\n').length > k)) await new Promise((res) => setTimeout(res, 20));
  child.kill('SIGINT');
  const first = await exited;
  expect(first.code, first.stderr).toBe(130);
  const done = parseNdjson(readFileSync(o.ndjson, 'utf8')).length;
  expect(done, 'the first run was really cut short').toBeLessThan(TARGETS.length);
  expect(done).toBeGreaterThanOrEqual(k);
  const second = await runCli([...args, '--resume', o.ndjson], { timeoutMs: 120_000 });
  expect(second.stderr).toMatch(new RegExp(`${done} target\\(s\\) skipped`));
  return verdictOf(second, [o], gate);
}

async function sharded(gate: Gate, name: string): Promise<Verdict> {
  const parts = [outs(`${name}-1`), outs(`${name}-2`)];
  const runs = await Promise.all(parts.map((o, i) => runCli(['scan', ...TARGETS, ...PROBE, '-c', '2', '--shard', `${i + 1}/2`, ...gate.args(), ...outArgs(o)], { timeoutMs: 120_000 })));
  const v = runs.map((r, i) => verdictOf(r, [parts[i]!], gate));
  return {
    code: Math.max(...runs.map((r) => r.code ?? -1)),
    json: [...v[0]!.json, ...v[1]!.json].sort(),
    junit: [...v[0]!.junit, ...v[1]!.junit].sort(),
    ndjsonHosts: [...v[0]!.ndjsonHosts, ...v[1]!.ndjsonHosts].sort(),
    regressions: [...v[0]!.regressions, ...v[1]!.regressions].sort(),
  };
}

describe.runIf(LAB)('workflow matrix: plain, interrupted + resumed, sharded x fail-on, policy, baseline x ndjson, json, junit', () => {
  beforeAll(async () => {
    policyFile = join(tmp.dir, 'policy.yml');
    writeFileSync(policyFile, 'min_tls: "1.2"\nrequire_nla: true\nhosts:\n  127.0.40.1: { allow_unreachable: true }\n');
    // The baseline: a plain scan in which the TLS-1.0-only server still refused TLS 1.0 and the TLS-1.2-only one was
    // missing: against it, today's scan has one host with regressions and one that appeared.
    const base = outs('baseline-source');
    const r = await runCli(['scan', ...TARGETS, ...PROBE, '-c', '2', '-o', base.ndjson], { timeoutMs: 120_000 });
    expect(r.code, r.stderr).toBe(0);
    const lines = parseNdjson(readFileSync(base.ndjson, 'utf8')) as unknown as ProbeRecord[];
    const edited = lines
      .filter((l) => l.host !== '127.0.10.14')
      .map((l) => (l.host === '127.0.10.7' && l.tls ? { ...l, tls: { ...l.tls, versions: { ...l.tls.versions, 'tls1.0': false } } } : l));
    baselineFile = join(tmp.dir, 'baseline.ndjson');
    writeFileSync(baselineFile, edited.map((l) => JSON.stringify(l)).join('\n') + '\n');
  }, 150_000);

  for (const gate of GATES) {
    it(`${gate.name}: every combination gives the plain run's exit code and failing hosts`, async () => {
      const slug = gate.name.replace(/\W+/g, '');
      const reference = await plain(gate, `${slug}-plain`);
      expect(reference.code, 'the gate fails on this lab set').toBe(1);
      expect(reference.ndjsonHosts).toEqual(TARGETS.map((t) => `${t}:3389`).sort());
      if (gate.name === '--baseline') expect(reference.regressions).toEqual(['127.0.10.7:3389']);
      else {
        expect(reference.json.length).toBeGreaterThan(0);
        expect(reference.junit, 'junit marks the same hosts as failing as the json records').toEqual(reference.json);
      }
      const resumed = await interruptedThenResumed(gate, `${slug}-resumed`, 3);
      expect(resumed).toEqual(reference);
      const shards = await sharded(gate, `${slug}-sharded`);
      expect(shards).toEqual(reference);
    }, 300_000);
  }
});
