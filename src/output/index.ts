/**
 * Output: every format is a projection of the ProbeRecord, written as a stream (see types.ts for the contract).
 * The runner creates one sink, calls begin, awaits record for each finished host, feeds the same records to a
 * SummaryCounter, and calls end with its result (also after an interrupt, with interrupted: true).
 */
import { createCsvSink } from './csv.js';
import { createGithubSink } from './github.js';
import { createHtmlSink } from './html.js';
import { createJsonSink } from './json.js';
import { createJunitSink } from './junit.js';
import { createNdjsonSink } from './ndjson.js';
import { createSarifSink } from './sarif.js';
import { createTableSink } from './table.js';
import type { OutputFormat, OutputSink, SinkOptions } from './types.js';

export function createSink(format: OutputFormat, stream: NodeJS.WritableStream, opts: SinkOptions = {}): OutputSink {
  switch (format) {
    case 'table':
      return createTableSink(stream, opts);
    case 'json':
      return createJsonSink(stream);
    case 'ndjson':
      return createNdjsonSink(stream);
    case 'csv':
      return createCsvSink(stream, opts);
    case 'junit':
      return createJunitSink(stream, opts);
    case 'sarif':
      return createSarifSink(stream, opts);
    case 'github':
      return createGithubSink(stream, opts);
    case 'html':
      return createHtmlSink(stream, opts);
    default: {
      const never: never = format;
      throw new Error(`unknown output format: ${String(never)}`);
    }
  }
}

export { SummaryCounter } from './summary.js';
export { forCsvCell, forTerminal, forXml, toSafeJson } from './escape.js';
export { OUTPUT_FORMATS } from './types.js';
export type { OutputFormat, OutputSink, ScanMeta, ScanScope, ScanSummary, SinkOptions } from './types.js';
