/**
 * `rdprobe merge` through the real CLI, on the shard files real `scan --shard K/N` runs write (closed ports on
 * 127.0.51.0/29: every host is refused, so the scans are quick and need no lab). What a merge must refuse (exit 2,
 * one line), what --partial turns into warnings every report format carries, and the merged report's order, stamp
 * and gate. The lab test (test/workflow/merge-lab.test.ts) checks merged == unsharded on live servers.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyOf, parseNdjson, runCli, tempDir, type CliResult } from './helpers.js';

const RANGE = '127.0.51.0/29';
const FAST = ['--timeout', '1', '--host-timeout', '3'];
const tmp = tempDir('rdprobe-merge-');
afterAll(() => tmp.cleanup());
const at = (name: string): string => join(tmp.dir, name);

function usageError(r: CliResult, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(2);
  expect(r.stdout).toBe('');
  const lines = r.stderr.split('\n').filter(Boolean);
  expect(lines, r.stderr).toHaveLength(1);
  expect(lines[0]).toMatch(/^rdprobe: /);
  expect(lines[0]).toMatch(pattern);
}

/** The three shard files of RANGE, and the same range scanned whole. */
const shard = (k: number): string => at(`shard-${k}.ndjson`);
let whole: Record<string, unknown>[] = [];

beforeAll(async () => {
  const runs = await Promise.all([1, 2, 3].map((k) => runCli(['scan', RANGE, '--shard', `${k}/3`, ...FAST, '-o', shard(k)])));
  for (const r of runs) expect(r.code, r.stderr).toBe(0);
  const w = await runCli(['scan', RANGE, ...FAST, '-f', 'json']);
  expect(w.code, w.stderr).toBe(0);
  whole = (JSON.parse(w.stdout) as { records: Record<string, unknown>[] }).records;
  for (const k of [1, 2, 3]) expect(parseNdjson(readFileSync(shard(k), 'utf8')).length, `shard ${k} has hosts`).toBeGreaterThan(0);
}, 60_000);

describe.concurrent('merge: the shards of one scan', () => {
  it('makes the records of the unsharded scan, in address order, stamped as the whole scan (no shard, no target digest)', async () => {
    const r = await runCli(['merge', shard(3), shard(1), shard(2), '-f', 'ndjson']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toBe('');
    const merged = parseNdjson(r.stdout);
    expect(merged.map(keyOf)).toEqual(whole.map(keyOf));
    expect(merged.map((m) => m['scan'])).toEqual(whole.map((m) => m['scan']));
    expect(merged.map((m) => m['findings'])).toEqual(whole.map((m) => m['findings']));
  });

  it('--policy-preset judges the merged records with the preset, as --policy does (it was accepted and ignored)', async () => {
    const r = await runCli(['merge', shard(1), shard(2), shard(3), '--policy-preset', 'intermediate', '-f', 'ndjson']);
    expect(r.code, r.stderr).toBe(1);
    expect(parseNdjson(r.stdout).every((x) => (x['findings'] as { id: string }[]).some((f) => f.id === 'policy_unreachable'))).toBe(true);
  });

  it('gates like the unsharded scan: --fail-on high fails on the unreachable hosts (exit 1), json says where it came from', async () => {
    const out = at('gate.json');
    const r = await runCli(['merge', shard(1), shard(2), shard(3), '--fail-on', 'high', '-o', out]);
    expect(r.code, r.stderr).toBe(1);
    const doc = JSON.parse(readFileSync(out, 'utf8')) as { rdprobe: Record<string, unknown>; summary: Record<string, unknown> };
    expect(doc.rdprobe['merged_from']).toEqual([shard(1), shard(2), shard(3)]);
    expect(doc.rdprobe['targets_total']).toBe(8);
    expect(doc.rdprobe['warnings']).toBeUndefined();
    expect(doc.summary['hosts']).toBe(8);
  });

  it('a policy given to merge judges the records (policy_* findings, scan.policy stamped)', async () => {
    const r = await runCli(['merge', shard(1), shard(2), shard(3), '--require-nla', '-f', 'ndjson']);
    expect(r.code, r.stderr).toBe(1);
    const merged = parseNdjson(r.stdout);
    for (const m of merged) {
      expect((m['findings'] as { id: string }[]).map((f) => f.id)).toContain('policy_unreachable');
      expect((m['scan'] as { policy: string | null }).policy).toMatch(/^[0-9a-f]{12}$/);
    }
  });
});

describe.concurrent('merge: what is refused (exit 2, one line)', () => {
  it('a missing shard', async () => {
    usageError(await runCli(['merge', shard(1), shard(3)]), /shard 2\/3 is missing/);
  });

  it('a repeated shard (a copy under another name)', async () => {
    const copy = at('copy-of-2.ndjson');
    writeFileSync(copy, readFileSync(shard(2)));
    usageError(await runCli(['merge', shard(1), shard(2), shard(3), copy]), /shard 2\/3 is in both .*shard-2\.ndjson and .*copy-of-2\.ndjson/);
  });

  it('the same file twice', async () => {
    usageError(await runCli(['merge', shard(1), shard(2), shard(3), shard(2)]), /given twice/);
  });

  it('a file that is not ndjson', async () => {
    const f = at('notes.txt');
    writeFileSync(f, 'these are not records\n');
    usageError(await runCli(['merge', shard(1), f]), /notes\.txt line 1 is not JSON/);
  });

  it('a json report instead of the shard ndjson', async () => {
    const f = at('report.json');
    const r = await runCli(['scan', RANGE, '--shard', '1/3', ...FAST, '-o', f]);
    expect(r.code, r.stderr).toBe(0);
    usageError(await runCli(['merge', f, shard(2), shard(3)]), /report\.json is a json report, not ndjson/);
  });

  it('records of another schema version', async () => {
    const f = at('old-schema.ndjson');
    const lines = parseNdjson(readFileSync(shard(2), 'utf8')).map((l) => JSON.stringify({ ...l, schema_version: 1 }));
    writeFileSync(f, lines.join('\n') + '\n');
    usageError(await runCli(['merge', shard(1), f, shard(3)]), /schema version 1/);
  });

  it('records of an unsharded scan', async () => {
    const f = at('unsharded.ndjson');
    const r = await runCli(['scan', RANGE, ...FAST, '-o', f]);
    expect(r.code, r.stderr).toBe(0);
    usageError(await runCli(['merge', f]), /unsharded scan/);
  });

  it('shards of another scan: another target set', async () => {
    const f = at('other-range-2.ndjson');
    const r = await runCli(['scan', '127.0.51.8/29', '--shard', '2/3', ...FAST, '-o', f]);
    expect(r.code, r.stderr).toBe(0);
    usageError(await runCli(['merge', shard(1), f, shard(3)]), /another scan .*another target set/);
  });

  it('shards of another scan: the same targets measured another way (--timeout)', async () => {
    const f = at('other-timeout-2.ndjson');
    const r = await runCli(['scan', RANGE, '--shard', '2/3', '--timeout', '2', '--host-timeout', '3', '-o', f]);
    expect(r.code, r.stderr).toBe(0);
    usageError(await runCli(['merge', shard(1), f, shard(3)]), /another scan .*measured or judged another way: timeout_ms/);
  });

  it('shards of another split (2/4 among 1/3 and 3/3)', async () => {
    const f = at('quarter-2.ndjson');
    const r = await runCli(['scan', RANGE, '--shard', '2/4', ...FAST, '-o', f]);
    expect(r.code, r.stderr).toBe(0);
    usageError(await runCli(['merge', shard(1), f, shard(3)]), /split into 4 shards, not 3/);
  });

  it('a shard whose last line was cut short (its scan was killed mid-write)', async () => {
    const f = at('cut-2.ndjson');
    const text = readFileSync(shard(2), 'utf8');
    writeFileSync(f, text.slice(0, text.length - 20));
    usageError(await runCli(['merge', shard(1), f, shard(3)]), /cut-2\.ndjson line \d+ is cut short/);
  });

  it('an output that would overwrite a shard', async () => {
    usageError(await runCli(['merge', shard(1), shard(2), shard(3), '-o', shard(2)]), /would overwrite the input/);
  });

  it('-o without a file name (never a silent stdout)', async () => {
    usageError(await runCli(['merge', shard(1), shard(2), shard(3), '-o']), /-o\/--output needs a file name/);
  });

  it('no files at all', async () => {
    usageError(await runCli(['merge']), /merge: missing <files>/);
  });
});

describe.concurrent('merge --partial: the problems become warnings every report carries', () => {
  it('a missing shard: exit by the gate, a warning on stderr, in json, junit, sarif and the table', async () => {
    const json = at('partial.json');
    const xml = at('partial.xml');
    const sarif = at('partial.sarif');
    const txt = at('partial.txt');
    const r = await runCli(['merge', shard(1), shard(3), '--partial', '-o', json, '-o', xml, '-o', sarif, '-o', txt]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/^rdprobe: warning: shard 2\/3 is missing/m);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as { records: Record<string, unknown>[]; rdprobe: { warnings?: string[] } };
    expect(doc.rdprobe.warnings).toEqual([expect.stringMatching(/shard 2\/3 is missing/)]);
    const inShard2 = new Set(parseNdjson(readFileSync(shard(2), 'utf8')).map(keyOf));
    expect(doc.records.map(keyOf)).toEqual(whole.map(keyOf).filter((k) => !inShard2.has(k)));
    expect(readFileSync(xml, 'utf8')).toMatch(/<testcase name="scan complete"[^>]*>\s*<skipped message="incomplete: shard 2\/3 is missing/);
    const log = JSON.parse(readFileSync(sarif, 'utf8')) as { runs: { invocations: { toolExecutionNotifications?: { level: string; message: { text: string } }[] }[] }[] };
    expect(log.runs[0]!.invocations[0]!.toolExecutionNotifications).toEqual([{ level: 'warning', message: { text: expect.stringMatching(/shard 2\/3 is missing/) } }]);
    expect(readFileSync(txt, 'utf8')).toMatch(/WARNING\s+shard 2\/3 is missing/);
  });

  it('a repeated shard: the first file is kept, the copy left out', async () => {
    const copy = at('again-1.ndjson');
    writeFileSync(copy, readFileSync(shard(1)));
    const r = await runCli(['merge', shard(1), shard(2), shard(3), copy, '--partial', '-f', 'ndjson']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning: shard 1\/3 is in both .* \(kept .*shard-1\.ndjson\)/);
    expect(parseNdjson(r.stdout).map(keyOf)).toEqual(whole.map(keyOf));
  });
});

describe('merge: shards with no targets', () => {
  it('empty files stand for the shards no record names, when there are as many of them', async () => {
    // 2 addresses in 8 shards: at most 2 shards have a host, the others write empty files.
    const files = Array.from({ length: 8 }, (_, i) => at(`sparse-${i + 1}.ndjson`));
    const runs = await Promise.all(files.map((f, i) => runCli(['scan', '127.0.51.16/31', '--shard', `${i + 1}/8`, ...FAST, '-o', f])));
    for (const r of runs) expect(r.code, r.stderr).toBe(0);
    const ok = await runCli(['merge', ...files, '-f', 'ndjson']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(parseNdjson(ok.stdout).map(keyOf)).toEqual(['127.0.51.16:3389', '127.0.51.17:3389']);
    expect(ok.stderr).toMatch(/no records, taken for the shards? with no targets/);
    // One empty file fewer than unnamed shards: one is missing.
    const empty = files.filter((f) => readFileSync(f, 'utf8') === '');
    usageError(await runCli(['merge', ...files.filter((f) => f !== empty[0])]), /1 shard is missing/);
  });
});
