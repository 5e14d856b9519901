/**
 * Reading the outputs of one scan run as N shards (`scan --shard K/N -o shard-K.ndjson` on N jump boxes or the N pods
 * of a Kubernetes Indexed Job) for `rdprobe merge`. The parts must be one scan's: every record stamped (record
 * `scan`) with the same target-set digest, shard count, options and policy; and the set must be whole: every shard
 * 1..N exactly once, no host twice. Anything else is a MergeError (one line, exit 2), or with `partial` a warning
 * the merged report carries (the first file of a repeated shard is kept, a cut last line is left out).
 *
 * A shard with no targets leaves an empty file: no record says which shard it was. Empty files count for the
 * shards no record names, as long as there are exactly as many of them.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { RECORD_SCHEMA_VERSION, type ProbeRecord, type ScanInfo } from '../record.js';
import { hostPortKey } from '../targets/key.js';
import { scanMismatch } from './info.js';

export class MergeError extends Error {}

/** What the records say about their scan (the first record's stamp: every other must match it). */
export interface ShardedScan {
  /** The whole stamp of the first record (options, policy, target digest). */
  info: ScanInfo;
  /** N of K/N. */
  count: number;
}

export interface ShardsRead {
  scan: ShardedScan;
  records: number;
  /** The earliest `scanned_at`: when the scan started. */
  startedAt: string;
  /** Problems accepted with `partial`, for the report. */
  warnings: string[];
  /** What is worth saying but changes nothing (empty shards). */
  notes: string[];
}

export interface ReadShardsOptions {
  partial: boolean;
  /** Each record of the merged set once, in file order (a repeated shard's later copy and cut lines left out). */
  onRecord: (r: ProbeRecord, scan: ShardedScan) => void | Promise<void>;
}

const SHARD = /^(\d+)\/(\d+)$/;

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Lines of a file, one at a time; `cut` marks a last line with no newline after it (a write cut short). */
async function* fileLines(path: string): AsyncGenerator<{ n: number; line: string; cut: boolean }> {
  let rest = '';
  let n = 0;
  for await (const chunk of createReadStream(path, { encoding: 'utf8' })) {
    const parts = (rest + (chunk as string)).split('\n');
    rest = parts.pop()!;
    for (const line of parts) yield { n: ++n, line, cut: false };
  }
  if (rest !== '') yield { n: ++n, line: rest, cut: true };
}

export async function readShards(files: readonly string[], o: ReadShardsOptions): Promise<ShardsRead> {
  const warnings: string[] = [];
  const problem = (why: string): void => {
    if (!o.partial) throw new MergeError(why);
    if (!warnings.includes(why)) warnings.push(why);
  };
  let scan: ShardedScan | null = null;
  let firstAt = '';
  /** shard K -> the file that holds it. */
  const owner = new Map<number, string>();
  const seen = new Set<string>();
  const empty: string[] = [];
  let records = 0;
  let startedAt = '';

  for (const file of files) {
    try {
      const s = await stat(file);
      if (!s.isFile()) throw new MergeError(`${file} is not a file`);
    } catch (e) {
      if (e instanceof MergeError) throw e;
      const code = (e as NodeJS.ErrnoException).code;
      throw new MergeError(`cannot read ${file}: ${code === 'ENOENT' ? 'file not found' : (code ?? String(e))}`);
    }
    let inFile = 0;
    for await (const { n, line: raw, cut } of fileLines(file)) {
      const line = n === 1 ? raw.replace(/^\ufeff/, '') : raw;
      if (line.trim() === '') continue;
      const at = `${file} line ${n}`;
      let v: unknown;
      try {
        v = JSON.parse(line);
      } catch {
        if (cut) {
          problem(`${at} is cut short (the scan of that shard was interrupted): run its scan again with --resume ${file} -o ${file}`);
          continue;
        }
        throw new MergeError(
          n === 1 && /^\s*\{\s*"records"\s*:/.test(line)
            ? `${file} is a json report, not ndjson: merge reads the ndjson each shard writes (scan --shard K/N -o shard-K.ndjson)`
            : `${at} is not JSON: merge reads the ndjson each shard writes (scan --shard K/N -o shard-K.ndjson)`,
        );
      }
      if (!isObj(v) || typeof v['host'] !== 'string' || typeof v['port'] !== 'number' || typeof v['status'] !== 'string') {
        throw new MergeError(`${at} is not an rdprobe record (one JSON object per line with host, port and status)`);
      }
      const r = v as unknown as ProbeRecord;
      if (r.schema_version !== RECORD_SCHEMA_VERSION) {
        throw new MergeError(`${at}: record schema version ${String(r.schema_version)}; this rdprobe merges version ${RECORD_SCHEMA_VERSION} (merge with the rdprobe that scanned)`);
      }
      const stamp = isObj(r.scan) ? r.scan : null;
      const m = typeof stamp?.shard === 'string' ? SHARD.exec(stamp.shard) : null;
      const k = m ? Number(m[1]) : NaN;
      const count = m ? Number(m[2]) : NaN;
      if (stamp === null || stamp.shard === null || stamp.shard === undefined) {
        throw new MergeError(`${at} is a record of an unsharded scan (scan.shard is null): merge joins the outputs of scan --shard K/N`);
      }
      if (!m || k < 1 || k > count || typeof stamp.targets !== 'string' || !isObj(stamp.options)) {
        throw new MergeError(`${at}: unreadable scan stamp (scan.shard ${JSON.stringify(stamp.shard)})`);
      }
      if (scan === null) {
        scan = { info: { options: stamp.options, policy: stamp.policy ?? null, targets: stamp.targets, shard: null }, count };
        firstAt = at;
      } else {
        const other = `${at} is from another scan than ${firstAt}`;
        if (stamp.targets !== scan.info.targets) throw new MergeError(`${other}: another target set or exclusions (digest ${stamp.targets}, not ${scan.info.targets})`);
        if (count !== scan.count) throw new MergeError(`${other}: split into ${count} shards, not ${scan.count}`);
        const why = scanMismatch(scan.info, stamp);
        if (why) throw new MergeError(`${other}: measured or judged another way: ${why.replace(/\(file: /g, '(').replace(/, now: /g, ' vs ')}`);
      }
      const held = owner.get(k);
      if (held === undefined) owner.set(k, file);
      else if (held !== file) {
        problem(`shard ${k}/${count} is in both ${held} and ${file}${o.partial ? ` (kept ${held})` : ''}`);
        continue;
      }
      const key = hostPortKey(r.host, r.port);
      if (seen.has(key)) {
        problem(`${key} is in the shards twice (again at ${at})${o.partial ? ' (kept the first)' : ''}`);
        continue;
      }
      seen.add(key);
      if (startedAt === '' || r.scanned_at < startedAt) startedAt = r.scanned_at;
      records++;
      inFile++;
      await o.onRecord(r, scan);
    }
    if (inFile === 0) empty.push(file);
  }

  if (scan === null) throw new MergeError(`no records in ${files.join(', ')}: nothing to merge`);
  const missing = Array.from({ length: scan.count }, (_, i) => i + 1).filter((k) => !owner.has(k));
  const notes: string[] = [];
  const shards = (ks: number[]): string => ks.map((k) => `${k}/${scan!.count}`).join(', ');
  if (empty.length === missing.length) {
    if (empty.length > 0) notes.push(`${empty.join(', ')}: no records, taken for the shard${missing.length > 1 ? 's' : ''} with no targets (${shards(missing)})`);
  } else if (empty.length < missing.length) {
    const lacking = missing.length - empty.length;
    problem(
      empty.length === 0
        ? `shard${missing.length > 1 ? 's' : ''} ${shards(missing)} ${missing.length > 1 ? 'are' : 'is'} missing: give every shard's file (shard-*.ndjson)`
        : `${lacking} shard${lacking > 1 ? 's are' : ' is'} missing: no record names ${shards(missing)} and only ${empty.length} file${empty.length > 1 ? 's are' : ' is'} empty (a shard with no targets)`,
    );
  } else {
    problem(`${empty.length} files have no records but ${missing.length === 0 ? 'every shard is accounted for' : `only ${missing.length} shard${missing.length > 1 ? 's are' : ' is'} unaccounted for`}: an empty shard is given twice, or a file is not this scan's (${empty.join(', ')})`);
  }
  return { scan, records, startedAt, warnings, notes };
}
