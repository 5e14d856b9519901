/**
 * ndjson: one record per line, written with a single write as soon as the record arrives, so an interrupted
 * scan leaves only whole lines and `tail -f | jq` works while scanning. No header and no summary line: every
 * line is a ProbeRecord and nothing else.
 */
import type { ProbeRecord } from '../record.js';
import { writeChunk } from './common.js';
import { toSafeJson } from './escape.js';
import type { OutputSink } from './types.js';

export function createNdjsonSink(stream: NodeJS.WritableStream): OutputSink {
  return {
    begin() {},
    record(r: ProbeRecord) {
      return writeChunk(stream, `${toSafeJson(r)}\n`);
    },
    end() {},
  };
}
