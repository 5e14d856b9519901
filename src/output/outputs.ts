/**
 * Where one scan writes: one or several outputs (`-o scan.ndjson -o report.xml`), each with its own format.
 *  - ndjson outputs are streamed: one line per host as it finishes, so an interrupted scan leaves whole lines and
 *    `--resume` can continue it. A line cannot be rewritten, so fleet findings there are those known when it was
 *    written (the later member of a duplicate pair carries them).
 *  - every other format is a document written once the scan ends, from the final records (every member of a
 *    duplicate group has its fleet finding; hosts in address order; resumed records included).
 * Every output is opened before the first packet is sent, so a bad path is an input error, not a half-done scan.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import type { ProbeRecord } from '../record.js';
import { createSink } from './index.js';
import type { OutputFormat, OutputSink, ScanMeta, ScanSummary, SinkOptions } from './types.js';
import { SummaryCounter } from './summary.js';

export interface OutputSpec {
  format: OutputFormat;
  /** A file, or null for standard output. */
  path: string | null;
  /** Append to the file (the ndjson output a --resume continues). */
  append: boolean;
}

/** An output that could not be opened (before the scan) or written (during it). */
export class OutputError extends Error {
  constructor(
    readonly path: string | null,
    readonly phase: 'open' | 'write',
    readonly reason: unknown,
  ) {
    const e = reason as NodeJS.ErrnoException;
    super(`cannot ${phase === 'open' ? 'open' : 'write'} ${path ?? 'standard output'}: ${e?.code ?? e?.message ?? String(reason)}`);
  }
}

export const STREAMED_FORMATS: readonly OutputFormat[] = ['ndjson'];

interface Open {
  spec: OutputSpec;
  stream: NodeJS.WritableStream;
  file: WriteStream | null;
  sink: OutputSink;
}

export class Outputs {
  private constructor(
    private readonly streamed: Open[],
    private readonly documents: Open[],
  ) {}

  /**
   * Opens every output; throws OutputError (phase open) for the first that cannot be. `streamed: false` makes every
   * output a document (`rdprobe merge`: ndjson too gets the final records, in report order).
   */
  static async open(specs: readonly OutputSpec[], stdout: NodeJS.WritableStream, opts: SinkOptions, how: { streamed?: boolean } = {}): Promise<Outputs> {
    const opened: Open[] = [];
    try {
      for (const spec of specs) {
        let stream: NodeJS.WritableStream = stdout;
        let file: WriteStream | null = null;
        if (spec.path !== null) {
          file = createWriteStream(spec.path, { flags: spec.append ? 'a' : 'w' });
          const f = file;
          await new Promise<void>((resolve, reject) => {
            f.once('open', () => resolve());
            f.once('error', (e) => reject(new OutputError(spec.path, 'open', e)));
          });
          stream = file;
        }
        // A failed write (disk full, EPIPE from `| head`) must end the scan cleanly, not crash it: the awaited
        // sink write rejects (see writeChunk) and the scan stops.
        stream.on('error', () => {});
        opened.push({ spec, stream, file, sink: createSink(spec.format, stream, opts) });
      }
    } catch (e) {
      for (const o of opened) o.file?.destroy();
      throw e;
    }
    const streams = (o: Open): boolean => how.streamed !== false && STREAMED_FORMATS.includes(o.spec.format);
    return new Outputs(
      opened.filter((o) => streams(o)),
      opened.filter((o) => !streams(o)),
    );
  }

  /** Whether some output is written at the end (the records must be kept until then). */
  get hasDocuments(): boolean {
    return this.documents.length > 0;
  }

  async begin(meta: ScanMeta): Promise<void> {
    await this.each(this.streamed, (o) => o.sink.begin(meta));
  }

  /** A record as its host finishes (streamed formats). `skip` leaves out an output (the file a resume appends to). */
  async record(r: ProbeRecord, skip?: (spec: OutputSpec) => boolean): Promise<void> {
    await this.each(this.streamed, (o) => (skip?.(o.spec) ? undefined : o.sink.record(r)));
  }

  /**
   * The end: the streamed outputs get their trailer, the documents are written from `records` (final, in report
   * order), with the summary counted over them. Returns that summary.
   */
  async end(records: Iterable<ProbeRecord>, end: { interrupted: boolean }, meta: ScanMeta): Promise<ScanSummary> {
    const counter = new SummaryCounter();
    await this.each(this.documents, (o) => o.sink.begin(meta));
    for (const r of records) {
      counter.add(r);
      await this.each(this.documents, (o) => o.sink.record(r));
    }
    const summary = counter.result({ interrupted: end.interrupted });
    await this.each([...this.streamed, ...this.documents], (o) => o.sink.end(summary));
    for (const o of [...this.streamed, ...this.documents]) {
      const f = o.file;
      if (f) await new Promise<void>((resolve, reject) => f.end((err?: Error | null) => (err ? reject(new OutputError(o.spec.path, 'write', err)) : resolve())));
    }
    return summary;
  }

  /** Closes files without writing more (after an error). */
  abort(): void {
    for (const o of [...this.streamed, ...this.documents]) o.file?.destroy();
  }

  private async each(list: Open[], f: (o: Open) => void | Promise<void>): Promise<void> {
    for (const o of list) {
      try {
        await f(o);
      } catch (e) {
        throw e instanceof OutputError ? e : new OutputError(o.spec.path, 'write', e);
      }
    }
  }
}
