/**
 * Output through the real CLI: ndjson streams one whole line per finished host (readable before the scan ends),
 * json is a valid document (also with 0 records), csv is RFC 4180 with a header and one CRLF row per host,
 * table ends with the summary. CSV cell escaping of server-controlled text is checked in-process through the
 * public createSink API (a TLS server with a hostile certificate would be needed to do it end to end).
 */
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSink } from '../../src/output/index.js';
import { SummaryCounter } from '../../src/output/summary.js';
import type { ProbeRecord } from '../../src/record.js';
import { MemoryStream, certificate, hostileRecord, okRecord } from '../output/factory.js';
import {
  FAST,
  LineReader,
  keyOf,
  parseCsv,
  parseNdjson,
  runCli,
  spawnCli,
  startFakeRdp,
  tempDir,
  waitExit,
  type FakeRdpServer,
} from './helpers.js';

let fast: FakeRdpServer;
let slow: FakeRdpServer;

beforeAll(async () => {
  fast = await startFakeRdp();
  // Never answers within the 1 s step timeout: its record comes only after ~1 s.
  slow = await startFakeRdp({ delayMs: 60_000 });
});
afterAll(async () => {
  await fast?.close();
  await slow?.close();
});

describe('ndjson to a pipe streams', () => {
  it('each record is a whole line, written as its host finishes (before the scan ends)', async () => {
    const child = spawnCli(['scan', '127.0.81.20', fast.target, slow.target, '-f', 'ndjson', '--timeout', '2', '--host-timeout', '4']);
    const reader = new LineReader(child.stdout);
    const exited = waitExit(child, 30_000);
    // The closed port and the fast server finish at once; the slow one needs its 2 s step timeout.
    await reader.waitLines(2, 20_000);
    expect(child.exitCode, 'the scan is still running when the first records are readable').toBeNull();
    const early = reader.lines.slice(0, 2).map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(early.map(keyOf).sort()).toEqual(['127.0.81.20:3389', fast.target].sort());
    const r = await exited;
    expect(r.code, r.stderr).toBe(0);
    expect(reader.partial).toBe('');
    const all = reader.lines.map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(all.map(keyOf)).toEqual([...early.map(keyOf), slow.target]);
    // The slow host's line arrived clearly later than the first ones.
    expect(reader.arrivals[2]! - reader.arrivals[0]!).toBeGreaterThan(1000);

    const byKey = new Map(all.map((x) => [keyOf(x), x]));
    expect(byKey.get('127.0.81.20:3389')?.['status']).toBe('unreachable');
    const f = byKey.get(fast.target)!;
    expect(f['status']).toBe('ok');
    expect(f['failure']).toMatchObject({ stage: 'negotiation', reason: 'HYBRID_REQUIRED_BY_SERVER' });
    expect(byKey.get(slow.target)?.['status']).toBe('error');
  });

  it('the default format on a pipe is ndjson', async () => {
    const r = await runCli(['scan', '127.0.81.21', ...FAST], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(parseNdjson(r.stdout).map(keyOf)).toEqual(['127.0.81.21:3389']);
  });
});

describe('json', () => {
  it('targets that the exclusions remove entirely are an input error (exit 2, one line), not an empty passing scan', async () => {
    const r = await runCli(['scan', '127.0.82.0/30', '--exclude', '127.0.82.0/30', '-f', 'json', ...FAST], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toMatch(/nothing to scan/);
  });

  it('an empty shard of a real target set is a valid document with 0 records (exit 0)', async () => {
    // 127.0.82.0/31 has two targets; among 1000 shards most are empty.
    let empty = 0;
    for (let k = 1; k <= 5; k++) {
      const r = await runCli(['scan', '127.0.82.0/31', '--shard', `${k}/1000`, '-f', 'json', ...FAST], { timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout) as { records: unknown[]; summary: { hosts: number; interrupted: boolean }; rdprobe: { targets_total: number } };
      if (doc.rdprobe.targets_total === 0) {
        empty++;
        expect(doc.records).toEqual([]);
        expect(doc.summary.hosts).toBe(0);
      }
    }
    expect(empty).toBeGreaterThan(0);
  });

  it('no targets at all is an input error (exit 2), not an empty document', async () => {
    const r = await runCli(['scan', '-f', 'json', ...FAST], { timeoutMs: 30_000 });
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
  });

  it('a scan of several hosts parses, with one record per host and a matching summary', async () => {
    const r = await runCli(['scan', '127.0.81.22', '127.0.81.23', fast.target, '-f', 'json', ...FAST], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as { records: Record<string, unknown>[]; summary: { hosts: number; by_status: Record<string, number> } };
    expect(doc.records.map(keyOf).sort()).toEqual(['127.0.81.22:3389', '127.0.81.23:3389', fast.target].sort());
    expect(doc.summary.hosts).toBe(3);
    expect(doc.summary.by_status).toMatchObject({ ok: 1, unreachable: 2 });
  });
});

describe('csv', () => {
  it('has a BOM, a header and one CRLF row per host, and is RFC 4180-parseable', async () => {
    const r = await runCli(['scan', '127.0.81.24', '127.0.81.25:3390', fast.target, '-f', 'csv', ...FAST], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('\ufeff')).toBe(true);
    expect(r.stdout.endsWith('\r\n')).toBe(true);
    // No bare LF anywhere outside a CRLF (the cells here carry no newlines).
    expect(r.stdout.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const rows = parseCsv(r.stdout.slice(1));
    expect(rows).toHaveLength(4);
    const [header, ...data] = rows as [string[], ...string[][]];
    expect(header.slice(0, 5)).toEqual(['target', 'host', 'address', 'port', 'status']);
    for (const row of data) expect(row).toHaveLength(header.length);
    const col = (name: string) => header.indexOf(name);
    const keys = data.map((row) => `${row[col('host')]}:${row[col('port')]}`).sort();
    expect(keys).toEqual(['127.0.81.24:3389', '127.0.81.25:3390', fast.target].sort());
    const fastRow = data.find((row) => `${row[col('host')]}:${row[col('port')]}` === fast.target)!;
    expect(fastRow[col('status')]).toBe('ok');
    expect(fastRow[col('failure_reason')]).toBe('HYBRID_REQUIRED_BY_SERVER');
  });

  it('-o FILE.csv infers csv from the extension', async () => {
    const tmp = tempDir();
    try {
      const out = `${tmp.dir}/scan.csv`;
      const r = await runCli(['scan', '127.0.81.26', '-o', out, ...FAST], { timeoutMs: 30_000 });
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toBe('');
      const rows = parseCsv(readFileSync(out, 'utf8').replace(/^\ufeff/, ''));
      expect(rows).toHaveLength(2);
    } finally {
      tmp.cleanup();
    }
  });
});

describe('table', () => {
  it('forced with -f table on a pipe: one line per host, then the summary at the end, no colour', async () => {
    const r = await runCli(['scan', '127.0.81.27', fast.target, '-f', 'table', ...FAST], { timeoutMs: 30_000 });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain('\x1b[');
    expect(r.stdout).toMatch(/^127\.0\.81\.27\s+unreachable\s/m);
    expect(r.stdout.split('\n').filter((l) => l.startsWith(fast.host))).toHaveLength(1);
    const summaryAt = r.stdout.lastIndexOf('Summary: 2 hosts');
    expect(summaryAt).toBeGreaterThan(0);
    const tail = r.stdout.slice(summaryAt);
    expect(tail).toMatch(/status\s+ok 1, unreachable 1, not_rdp 0, error 0/);
    expect(tail).toMatch(/findings\s+critical \d+, high \d+/);
    expect(tail).not.toContain('127.0.81.27');
    expect(r.stdout.endsWith('\n')).toBe(true);
  });
});

describe('csv cell escaping (in-process, public createSink API)', () => {
  const NASTY = {
    formula: "=cmd|' /C calc'!A0",
    plus: '+1',
    minus: '-5',
    at: '@x',
    quotes: 'say "hi"',
    comma: 'a,b',
    newline: 'line1\nline2',
    crlf: 'a\r\nb',
    tab: '\tleading tab',
    fullwidth: '\uff1dSUM(1)',
    esc: 'red\x1b[31m',
    bidi: 'abc\u202edef',
  };

  function hostile(): ProbeRecord {
    const r = okRecord();
    r.target = NASTY.formula;
    r.certificate = certificate({ subject_cn: NASTY.plus, issuer: NASTY.quotes, days_remaining: -3 });
    const ntlm = r.credssp?.ntlm;
    if (!ntlm || !r.tls) throw new Error('okRecord() is expected to carry TLS and an NTLM challenge');
    ntlm.netbios_computer = NASTY.at;
    ntlm.dns_computer = NASTY.newline;
    ntlm.dns_domain = NASTY.comma;
    ntlm.os_version = NASTY.fullwidth;
    r.failure = { stage: 'tls', reason: NASTY.minus, detail: null };
    r.host = NASTY.crlf;
    r.address = NASTY.tab;
    r.tls.cipher = NASTY.esc;
    const sec = hostileRecord().rdp_security;
    if (!sec) throw new Error('hostileRecord() is expected to carry rdp_security');
    r.rdp_security = { ...sec, server_version: NASTY.bidi };
    return r;
  }

  it('every hostile value stays in its own cell, formulas are defused, controls are visible', async () => {
    const rec = hostile();
    const stream = new MemoryStream();
    const sink = createSink('csv', stream);
    const counter = new SummaryCounter();
    await sink.begin({ version: 'test', started_at: new Date(0).toISOString() });
    counter.add(rec);
    await sink.record(rec);
    await sink.end({ ...counter.result(), interrupted: false });
    const text = stream.text;
    expect(text.startsWith('\ufeff')).toBe(true);
    expect(text).not.toContain('\x1b');
    expect(text).not.toContain('\u202e');
    const rows = parseCsv(text.slice(1));
    expect(rows).toHaveLength(2);
    const [header, row] = rows as [string[], string[]];
    expect(row).toHaveLength(header.length);
    const cell = (name: string) => {
      const i = header.indexOf(name);
      expect(i, name).toBeGreaterThanOrEqual(0);
      return row[i]!;
    };
    expect(cell('target')).toBe(`'${NASTY.formula}`);
    expect(cell('host')).toBe(NASTY.crlf); // CR LF inside a quoted cell, kept as sent
    expect(cell('address')).toBe(`'${NASTY.tab}`);
    expect(cell('failure_reason')).toBe(`'${NASTY.minus}`);
    expect(cell('cert_subject_cn')).toBe(`'${NASTY.plus}`);
    expect(cell('cert_issuer')).toBe(NASTY.quotes);
    expect(cell('cert_days_remaining')).toBe('-3'); // a number rdprobe computed: stays numeric
    expect(cell('ntlm_netbios_computer')).toBe(`'${NASTY.at}`);
    expect(cell('ntlm_dns_computer')).toBe(NASTY.newline);
    expect(cell('ntlm_dns_domain')).toBe(NASTY.comma);
    expect(cell('os_version')).toBe(`'${NASTY.fullwidth}`);
    expect(cell('tls_cipher')).toBe('red\\x1b[31m');
    expect(cell('rdp_server_version')).toBe('abc\\u202edef');
    // No cell that a spreadsheet would evaluate (plain numbers such as -3 are values, not formulas).
    for (const c of row.filter((v) => !/^-?\d+(\.\d+)?$/.test(v))) expect(c).not.toMatch(/^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/);
  });
});
