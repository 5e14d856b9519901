/**
 * examples/k8s/indexed-job.yaml: the shard arithmetic of the Indexed Job, evaluated the way the pods evaluate it. For
 * every JOB_COMPLETION_INDEX 0..N-1 (N = completions) the container's `sh -c` script runs under sh with `rdprobe`
 * and `touch` replaced by functions that print their arguments: every K of 1..N must come out exactly once, always
 * over the same N, each pod writing a file of its own that the merge step's glob picks up, and the merge must wait
 * for exactly N finished shards.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';

const MANIFEST = new URL('../../examples/k8s/indexed-job.yaml', import.meta.url);

interface Container {
  name: string;
  image: string;
  command: string[];
}
interface Doc {
  kind: string;
  metadata: { name: string };
  spec: {
    completionMode?: string;
    completions?: number;
    parallelism?: number;
    template: { spec: { securityContext?: { runAsNonRoot?: boolean }; initContainers?: Container[]; containers: Container[] } };
  };
}

const docs = parseAllDocuments(readFileSync(MANIFEST, 'utf8')).map((d) => {
  expect(d.errors).toEqual([]);
  return d.toJS() as Doc;
});
const jobs = docs.filter((d) => d.kind === 'Job');
const scanJob = jobs.find((j) => j.spec.completionMode === 'Indexed')!;
const mergeJob = jobs.find((j) => j !== scanJob)!;

/** The script of `sh -c SCRIPT`. */
function script(c: Container): string {
  expect(c.command.slice(0, 2)).toEqual(['sh', '-c']);
  return c.command[2]!;
}

/** Runs a pod's script under sh with the commands it calls replaced: each call prints `name arg arg ...` on a line. */
function evaluate(text: string, env: Record<string, string>): string[][] {
  const stubs = 'rdprobe() { printf "rdprobe"; printf " %s" "$@"; echo; }; touch() { printf "touch"; printf " %s" "$@"; echo; }; ';
  const r = spawnSync('sh', ['-c', stubs + text], { env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', ...env }, encoding: 'utf8', timeout: 10_000 });
  expect(r.status, r.stderr).toBe(0);
  return r.stdout.trim().split('\n').map((l) => l.split(' '));
}

const flag = (args: string[], name: string): string => {
  const i = args.indexOf(name);
  expect(i, `${name} in ${args.join(' ')}`).toBeGreaterThan(0);
  return args[i + 1]!;
};

/** A shell glob (only `*`) as a regular expression. */
const globRe = (glob: string): RegExp => new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*')}$`);

describe('examples/k8s/indexed-job.yaml', () => {
  it('is an Indexed Job with N completions run by non-root pods, and a merge Job', () => {
    expect(scanJob, 'an Indexed Job').toBeDefined();
    expect(mergeJob, 'a merge Job').toBeDefined();
    expect(scanJob.spec.completions).toBeGreaterThan(1);
    expect(scanJob.spec.parallelism).toBeLessThanOrEqual(scanJob.spec.completions!);
    for (const j of jobs) expect(j.spec.template.spec.securityContext?.runAsNonRoot, j.metadata.name).toBe(true);
  });

  it('every shard K of 1..N exactly once over index 0..N-1, same N, a file and a done marker of its own', () => {
    const n = scanJob.spec.completions!;
    const text = script(scanJob.spec.template.spec.containers[0]!);
    const shards: string[] = [];
    const outputs: string[] = [];
    const markers: string[] = [];
    for (let index = 0; index < n; index++) {
      const calls = evaluate(text, { JOB_COMPLETION_INDEX: String(index) });
      const scan = calls.find((c) => c[0] === 'rdprobe')!;
      expect(scan[1]).toBe('scan');
      shards.push(flag(scan, '--shard'));
      outputs.push(flag(scan, '-o'));
      markers.push(...calls.filter((c) => c[0] === 'touch').map((c) => c[1]!));
    }
    expect(shards.sort()).toEqual(Array.from({ length: n }, (_, i) => `${i + 1}/${n}`).sort());
    expect(new Set(outputs).size).toBe(n);
    expect(new Set(markers).size).toBe(n);
    for (const o of outputs) expect(o).toMatch(/\.ndjson$/);

    // The merge: waits for N markers, then merges a glob that takes every shard file (and nothing it writes itself).
    const wait = script(mergeJob.spec.template.spec.initContainers![0]!);
    const waited = /ls (\S+) .*-ge (\d+)/.exec(wait);
    expect(waited, wait).not.toBeNull();
    expect(Number(waited![2])).toBe(n);
    for (const m of markers) expect(m).toMatch(globRe(waited![1]!));
    const merge = evaluate(script(mergeJob.spec.template.spec.containers[0]!), {}).find((c) => c[0] === 'rdprobe')!;
    expect(merge[1]).toBe('merge');
    const glob = merge[2]!;
    for (const o of outputs) expect(o, `${glob} takes ${o}`).toMatch(globRe(glob));
    const written = merge.filter((_, i) => merge[i - 1] === '-o');
    for (const w of written) expect(w, `the merge's output ${w} is not one of its inputs`).not.toMatch(globRe(glob));
  });
});
