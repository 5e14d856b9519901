/**
 * `--resume FILE`: continue a scan from the ndjson file an earlier (interrupted) run of it wrote. The file must be
 * exactly what `scan` writes: one record per line, of this schema version, stamped with the same scan options and
 * policy (record `scan`). Only a cut last line (a write the interruption cut short) is tolerated: it is trimmed
 * before appending and its host is probed again. Anything else is refused, so a resumed verdict can never rest on
 * records measured or judged another way, or on a file that is not a scan at all.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { RECORD_SCHEMA_VERSION, type ProbeRecord, type ScanInfo } from '../record.js';
import { hostPortKey } from '../targets/key.js';
import { scanMismatch } from './info.js';

export class ResumeError extends Error {}

export interface ResumeFile {
  path: string;
  /** hostPortKey of every host the file finished. */
  done: Set<string>;
  /** The file ends in a line cut short (trimmed by `trimPartialLine` before appending). */
  cutLastLine: boolean;
  /** Every whole record of the file, read again from disk (the records are not kept in memory). */
  records(): AsyncIterable<ProbeRecord>;
}

function check(v: unknown, line: number, path: string, now: ScanInfo | null): ProbeRecord {
  const fail = (why: string): never => {
    throw new ResumeError(`--resume: ${path} line ${line}: ${why}`);
  };
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail('not an rdprobe record (expected one JSON object per line, as `scan -f ndjson` writes)');
  const r = v as Partial<ProbeRecord>;
  if (typeof r.host !== 'string' || typeof r.port !== 'number' || typeof r.status !== 'string') fail('not an rdprobe record (needs host, port and status)');
  if (r.schema_version !== RECORD_SCHEMA_VERSION) {
    fail(`schema version ${String(r.schema_version)}, this rdprobe writes ${RECORD_SCHEMA_VERSION}: resume into a new file (rdprobe diff still reads the old one)`);
  }
  if (!('scan' in r) || typeof r.scan !== 'object' || (r.scan !== null && typeof r.scan.options !== 'object')) fail('record without its scan stamp');
  const why = scanMismatch(r.scan ?? null, now);
  if (why) fail(`written by a scan with other options or policy: ${why}; use the same ones, or write a new file`);
  return r as ProbeRecord;
}

async function* lines(path: string): AsyncGenerator<string> {
  // Loaded here: only --resume reads a file back line by line.
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  yield* rl;
}

/**
 * Reads and checks the whole file once (hosts done, cut last line). Returns null when the file does not exist
 * yet: `-o scan.ndjson --resume scan.ndjson` then starts a fresh scan. Throws ResumeError (one line) otherwise.
 */
export async function openResume(path: string, now: ScanInfo | null): Promise<ResumeFile | null> {
  let size: number;
  try {
    const s = await stat(path);
    if (!s.isFile()) throw new ResumeError(`--resume: ${path} is not a file`);
    size = s.size;
  } catch (e) {
    if (e instanceof ResumeError) throw e;
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw new ResumeError(`--resume: cannot read ${path}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`);
  }
  const cutLastLine = size > 0 && !(await endsWithNewline(path, size));
  const done = new Set<string>();
  const total = await countLines(path, size);
  let n = 0;
  for await (const line of lines(path)) {
    n++;
    if (cutLastLine && n === total) break; // the cut last line: not a finished host
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch {
      throw new ResumeError(`--resume: ${path} line ${n} is not JSON${n === 1 ? ' (is this an ndjson scan file?)' : ''}: only the last line of a scan file may be cut short`);
    }
    const r = check(v, n, path, now);
    done.add(hostPortKey(r.host, r.port));
  }
  return {
    path,
    done,
    cutLastLine,
    async *records() {
      let i = 0;
      for await (const line of lines(path)) {
        i++;
        if (cutLastLine && i === total) break;
        yield JSON.parse(line) as ProbeRecord;
      }
    },
  };
}

async function endsWithNewline(path: string, size: number): Promise<boolean> {
  const fh = await open(path, 'r');
  try {
    const b = Buffer.alloc(1);
    await fh.read(b, 0, 1, size - 1);
    return b[0] === 0x0a;
  } finally {
    await fh.close();
  }
}

/** Lines as readline counts them (a last line without a newline counts). */
async function countLines(path: string, size: number): Promise<number> {
  if (size === 0) return 0;
  let n = 0;
  for await (const chunk of createReadStream(path)) for (const b of chunk as Buffer) if (b === 0x0a) n++;
  return (await endsWithNewline(path, size)) ? n : n + 1;
}

/** Cuts a trailing partial line so appended records start on a line of their own. */
export async function trimPartialLine(path: string): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r+');
  } catch {
    return;
  }
  try {
    const { size } = await fh.stat();
    if (size === 0) return;
    const tail = Buffer.alloc(Math.min(size, 1 << 20));
    await fh.read(tail, 0, tail.length, size - tail.length);
    if (tail[tail.length - 1] === 0x0a) return;
    const lastNl = tail.lastIndexOf(0x0a);
    await fh.truncate(lastNl < 0 ? size - tail.length : size - tail.length + lastNl + 1);
  } finally {
    await fh.close();
  }
}
