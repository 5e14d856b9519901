import { describe, expect, it } from 'vitest';
import { RECORD_SCHEMA_VERSION } from '../../src/record.js';
import { createSink } from '../../src/output/index.js';
import { MemoryStream, META, hostileRecord, okRecord, runSink, unreachableRecord } from './factory.js';

const RAW_UNSAFE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('ndjson', () => {
  it('writes each record as exactly one line in one write call, as it arrives', async () => {
    const stream = new MemoryStream();
    const sink = createSink('ndjson', stream);
    await sink.begin(META);
    expect(stream.chunks).toHaveLength(0);
    const records = [okRecord(), hostileRecord(), unreachableRecord()];
    for (const [i, r] of records.entries()) {
      await sink.record(r);
      expect(stream.chunks).toHaveLength(i + 1);
      const chunk = stream.chunks[i] ?? '';
      expect(chunk.endsWith('\n')).toBe(true);
      expect(chunk.slice(0, -1)).not.toContain('\n');
      expect(JSON.parse(chunk)).toEqual(r);
    }
    await sink.end({} as never);
    expect(stream.text.split('\n')).toHaveLength(4);
  });

  it('never writes a raw control or bidi character, even from a hostile server', async () => {
    const stream = await runSink('ndjson', [hostileRecord()]);
    expect(stream.text.slice(0, -1)).not.toMatch(RAW_UNSAFE);
  });
});

describe('json', () => {
  for (const n of [0, 1, 3]) {
    it(`streams a document that parses with ${n} record(s)`, async () => {
      const records = [okRecord(), unreachableRecord(), hostileRecord()].slice(0, n);
      const stream = await runSink('json', records);
      const doc = JSON.parse(stream.text) as Record<string, unknown> & {
        rdprobe: Record<string, unknown>;
        records: unknown[];
        summary: { hosts: number; interrupted: boolean };
      };
      expect(Object.keys(doc).sort()).toEqual(['rdprobe', 'records', 'summary']);
      expect(doc.records).toEqual(records);
      expect(doc.rdprobe).toEqual({
        version: '0.1.0',
        schema_version: RECORD_SCHEMA_VERSION,
        started_at: META.started_at,
        finished_at: '2026-11-22T10:05:00.000Z',
        interrupted: false,
        targets_total: 4,
        argv: META.argv,
      });
      expect(doc.summary.hosts).toBe(n);
      // begin, one write per record, end: memory does not depend on the scan size.
      expect(stream.chunks).toHaveLength(n + 2);
    });
  }

  it('parses when the scan was interrupted and says so', async () => {
    const stream = await runSink('json', [okRecord()], {}, { interrupted: true });
    const doc = JSON.parse(stream.text) as { rdprobe: { interrupted: boolean }; summary: { interrupted: boolean } };
    expect(doc.summary.interrupted).toBe(true);
    expect(doc.rdprobe.interrupted).toBe(true);
  });
});
