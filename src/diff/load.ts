/**
 * Reading a saved scan: ndjson (one record per line), a JSON document `{"records": [...]}`, or a bare array.
 */
import { readFile } from 'node:fs/promises';
import type { ProbeRecord } from '../record.js';
import { READABLE_SCHEMA_VERSIONS } from '../record.js';
import { upgradeRecord } from './upgrade.js';
import { decodeText, jsonErrorMessage } from '../policy/text.js';
import { readErrorText } from '../read-error.js';

/** The records of a scan file, plus what was skipped or looked odd (e.g. a truncated last line). */
export type LoadedScan = ProbeRecord[] & { warnings: string[]; source: string };

/** A scan file that cannot be used (unreadable, not JSON, not records). One line: `<file>: <problem>`. */
export class ScanFileError extends Error {
  override readonly name = 'ScanFileError';
  constructor(
    readonly source: string,
    readonly problem: string,
  ) {
    super(`${source}: ${problem}`);
  }
}

function isObj(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function checkRecord(source: string, where: string, v: unknown, warnings: string[]): ProbeRecord {
  if (!isObj(v)) throw new ScanFileError(source, `${where}: expected a record object`);
  if (typeof v.host !== 'string' || typeof v.port !== 'number' || typeof v.status !== 'string') {
    throw new ScanFileError(source, `${where}: not an rdprobe record (needs host, port and status)`);
  }
  if (typeof v.schema_version === 'number' && !READABLE_SCHEMA_VERSIONS.includes(v.schema_version)) {
    const w = `record schema_version ${v.schema_version} (this rdprobe reads ${READABLE_SCHEMA_VERSIONS.join(' and ')}); fields may be missing`;
    if (!warnings.includes(w)) warnings.push(w);
  }
  return upgradeRecord(v as unknown as ProbeRecord);
}

function finish(records: ProbeRecord[], warnings: string[], source: string): LoadedScan {
  return Object.assign(records, { warnings, source });
}

/** Parse scan text (see loadScan). */
export function parseScan(text: string, source: string): LoadedScan {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const warnings: string[] = [];
  if (text.trim() === '') {
    warnings.push('the scan file is empty');
    return finish([], warnings, source);
  }
  // A whole JSON document: {"records": [...]}, a bare array, or a single record (one-line ndjson).
  let whole: unknown;
  let wholeOk = false;
  try {
    whole = JSON.parse(text);
    wholeOk = true;
  } catch {
    /* ndjson, or broken */
  }
  if (wholeOk) {
    if (Array.isArray(whole)) return finish(whole.map((r, i) => checkRecord(source, `record ${i + 1}`, r, warnings)), warnings, source);
    if (isObj(whole) && Array.isArray(whole.records)) {
      return finish(whole.records.map((r, i) => checkRecord(source, `records[${i}]`, r, warnings)), warnings, source);
    }
    if (isObj(whole) && 'host' in whole) return finish([checkRecord(source, 'line 1', whole, warnings)], warnings, source);
    throw new ScanFileError(source, 'expected ndjson records, a {"records": [...]} document or an array of records');
  }
  const lines = text.split(/\r?\n/);
  let last = lines.length - 1;
  while (last >= 0 && lines[last]!.trim() === '') last--;
  if (!/^\s*\{/.test(lines.find((l) => l.trim() !== '') ?? '')) {
    throw new ScanFileError(source, 'not an rdprobe scan (expected ndjson, a {"records": [...]} document or an array)');
  }
  const records: ProbeRecord[] = [];
  for (let i = 0; i <= last; i++) {
    const line = lines[i]!;
    if (line.trim() === '') continue;
    let v: unknown;
    try {
      v = JSON.parse(line);
    } catch (err) {
      if (i === last) {
        warnings.push(`line ${i + 1}: skipped an incomplete last line (interrupted scan?): ${jsonErrorMessage(err, line)}`);
        break;
      }
      throw new ScanFileError(source, `line ${i + 1}: invalid JSON: ${jsonErrorMessage(err, line)}`);
    }
    records.push(checkRecord(source, `line ${i + 1}`, v, warnings));
  }
  return finish(records, warnings, source);
}

/**
 * Read a scan: ndjson (a truncated last line, as an interrupted scan leaves, is skipped with a warning in
 * `.warnings`), a JSON document `{"records": [...]}`, or a bare array. UTF-8 or UTF-16 with BOM. Throws
 * ScanFileError for anything else.
 */
export async function loadScan(path: string): Promise<LoadedScan> {
  let buf: Buffer;
  try {
    buf = await readFile(path);
  } catch (err) {
    throw new ScanFileError(path, `cannot read scan file: ${readErrorText(err)}`);
  }
  return parseScan(decodeText(buf), path);
}
