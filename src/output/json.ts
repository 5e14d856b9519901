/**
 * json: one document, streamed so memory does not grow with the scan:
 *
 *   {"records":[
 *   {...record...},
 *   {...record...}
 *   ],
 *   "rdprobe":{"version":...,"schema_version":1,"started_at":...,"finished_at":...,"interrupted":false,"argv":[...]},
 *   "summary":{...}}
 *
 * The `rdprobe` header comes after the records because `finished_at` is only known at the end and a stream
 * cannot go back; JSON object members are unordered, so `doc.rdprobe.finished_at` is where scripts expect it.
 * One record per line keeps the file greppable. A scan killed before `end` leaves an unterminated document:
 * use ndjson when that matters.
 */
import { RECORD_SCHEMA_VERSION, type ProbeRecord } from '../record.js';
import { writeChunk } from './common.js';
import { toSafeJson } from './escape.js';
import type { OutputSink, ScanMeta, ScanSummary } from './types.js';

export function createJsonSink(stream: NodeJS.WritableStream): OutputSink {
  let meta: ScanMeta | null = null;
  let count = 0;
  return {
    begin(m: ScanMeta) {
      meta = m;
      return writeChunk(stream, '{"records":[\n');
    },
    record(r: ProbeRecord) {
      const chunk = `${count === 0 ? '' : ',\n'}${toSafeJson(r)}`;
      count++;
      return writeChunk(stream, chunk);
    },
    end(summary: ScanSummary) {
      const header: Record<string, unknown> = {
        version: meta?.version ?? null,
        schema_version: RECORD_SCHEMA_VERSION,
        started_at: meta?.started_at ?? null,
        finished_at: summary.finished_at,
        interrupted: summary.interrupted,
      };
      if (meta?.targets_total !== undefined) header['targets_total'] = meta.targets_total;
      if (meta?.argv !== undefined) header['argv'] = meta.argv;
      if (meta?.merged_from !== undefined) header['merged_from'] = meta.merged_from;
      if (meta?.warnings?.length) header['warnings'] = meta.warnings;
      const tail = `${count === 0 ? '' : '\n'}],\n"rdprobe":${toSafeJson(header)},\n"summary":${toSafeJson(summary)}}\n`;
      return writeChunk(stream, tail);
    },
  };
}
