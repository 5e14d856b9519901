/**
 * --targets-file FILE and --targets-file - (standard input).
 *
 * Format: one item per line, any syntax parseTargetSpec accepts. "#" starts a comment (anywhere on the line:
 * no target syntax contains "#"); blank lines and surrounding spaces/tabs are ignored; LF or CRLF line ends.
 * Encodings: UTF-8 (with or without BOM) and UTF-16 LE/BE WITH a BOM, which is what Windows PowerShell 5's
 * `>` and `Out-File` write, so `Get-ADComputer -Filter * | % DNSHostName > hosts.txt` just works.
 * Every line is validated as it is read; a bad line throws TargetError prefixed with "FILE:LINE: "
 * ("<stdin>:LINE: " for standard input), lines counted from 1.
 *
 * The reader yields the item strings; the caller collects them into the specs array of expandTargets /
 * countTargets (stdin can be read only once, and the strings are as big as the file, no more).
 */
import { createReadStream } from 'node:fs';
import { TextDecoder } from 'node:util';
import { TargetError } from './errors.js';
import { parseExcludeSpec, parseTargetSpec } from './spec.js';

/** A line longer than this is refused (a binary file given by mistake must not fill memory). */
export const MAX_LINE_LENGTH = 4096;

export interface ReadTargetOptions {
  /** Name used in error locations, e.g. the path; default "<stdin>". */
  source?: string;
  /** Validate lines as targets (default), as excludes (an exclude file), or not at all. */
  validate?: 'target' | 'exclude' | false;
  /** Passed to the target validation (size cap). */
  allowHuge?: boolean;
}

type Chunk = string | Uint8Array;

/** Decodes chunks to text, choosing the encoding from a BOM (UTF-8 without BOM by default). */
async function* decode(stream: AsyncIterable<Chunk>): AsyncGenerator<string> {
  let decoder: TextDecoder | null = null;
  let head: Uint8Array = new Uint8Array(0);
  for await (const chunk of stream) {
    if (typeof chunk === 'string') {
      yield chunk;
      continue;
    }
    if (decoder === null) {
      const joined = new Uint8Array(head.length + chunk.length);
      joined.set(head);
      joined.set(chunk, head.length);
      if (joined.length < 2) {
        head = joined;
        continue;
      }
      decoder = new TextDecoder(
        joined[0] === 0xff && joined[1] === 0xfe ? 'utf-16le' : joined[0] === 0xfe && joined[1] === 0xff ? 'utf-16be' : 'utf-8',
      );
      yield decoder.decode(joined, { stream: true });
      continue;
    }
    yield decoder.decode(chunk, { stream: true });
  }
  // Flush: a stream shorter than two bytes never chose an encoding; otherwise emit what the decoder holds
  // (an incomplete sequence at the very end becomes U+FFFD and is then refused as a bad character).
  yield decoder === null ? new TextDecoder('utf-8').decode(head) : decoder.decode();
}

/**
 * Reads target items from a stream (a fs.ReadStream, process.stdin, a Readable, or any async iterable of
 * strings/bytes), one per line. Yields the trimmed item text of each non-comment, non-blank line.
 */
export async function* readTargetLines(
  stream: AsyncIterable<Chunk>,
  opts: ReadTargetOptions = {},
): AsyncGenerator<string, void, undefined> {
  const source = opts.source ?? '<stdin>';
  const validate = opts.validate ?? 'target';
  let lineNo = 0;
  let pending = '';
  let first = true;

  const handle = (rawLine: string): string | null => {
    lineNo++;
    let line = rawLine;
    if (first) {
      line = line.replace(/^\uFEFF/, ''); // a BOM that reached us as text
      first = false;
    }
    const hash = line.indexOf('#');
    const item = (hash === -1 ? line : line.slice(0, hash)).trim();
    if (item === '') return null;
    const where = `${source}:${lineNo}`;
    if (item.includes('\0')) {
      throw new TargetError('target', item.replace(/\0/g, ''), 'contains NUL bytes (UTF-16 without a BOM? save the file as UTF-8)', where);
    }
    try {
      if (validate === 'target') parseTargetSpec(item, [3389], { allowHuge: opts.allowHuge === true });
      else if (validate === 'exclude') parseExcludeSpec(item);
    } catch (e) {
      if (e instanceof TargetError) throw e.at(where);
      throw e;
    }
    return item;
  };

  for await (const text of decode(stream)) {
    pending += text;
    let nl: number;
    while ((nl = pending.indexOf('\n')) !== -1) {
      const item = handle(pending.slice(0, nl));
      pending = pending.slice(nl + 1);
      if (item !== null) yield item;
    }
    if (pending.length > MAX_LINE_LENGTH) {
      throw new TargetError('target', pending, `line longer than ${MAX_LINE_LENGTH} characters`, `${source}:${lineNo + 1}`);
    }
  }
  if (pending !== '') {
    const item = handle(pending);
    if (item !== null) yield item;
  }
}

/**
 * --targets-file PATH: "-" reads standard input. A file that cannot be opened or read throws TargetError
 * ('file' kind: `cannot read targets "PATH": ENOENT: no such file or directory`).
 */
export async function* readTargetsFile(
  path: string,
  opts: Omit<ReadTargetOptions, 'source'> = {},
): AsyncGenerator<string, void, undefined> {
  const stdin = path === '-';
  const stream = stdin ? process.stdin : createReadStream(path);
  try {
    yield* readTargetLines(stream, { ...opts, source: stdin ? '<stdin>' : path });
  } catch (e) {
    if (e instanceof TargetError) throw e;
    const err = e as NodeJS.ErrnoException;
    throw new TargetError('file', path, err.code !== undefined ? `${err.code}: ${err.message.replace(/^\w+: /, '')}` : String(err.message ?? e));
  } finally {
    if (!stdin) (stream as ReturnType<typeof createReadStream>).destroy();
  }
}
