/**
 * Where a command writes (scan, merge): `-o FILE` (repeatable) and `-f FORMAT` turned into output specs, with the
 * format taken from each file's extension; and `sameFile`, so no output overwrites an input of the same run.
 */
import { realpathSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import type { OutputFormat } from '../output/index.js';
import type { OutputSpec } from '../output/outputs.js';
import { CliError } from './exit-codes.js';

const BY_EXTENSION: Record<string, OutputFormat> = { json: 'json', ndjson: 'ndjson', jsonl: 'ndjson', csv: 'csv', xml: 'junit', sarif: 'sarif', txt: 'table', html: 'html', htm: 'html' };

/** Format from the output file's extension, so `-o report.xml` does what a CI author expects; null when unknown. */
export function formatFromExtension(path: string): OutputFormat | null {
  const ext = path.toLowerCase().split(/[\\/]/).pop()?.split('.') ?? [];
  return ext.length > 1 ? (BY_EXTENSION[ext[ext.length - 1]!] ?? null) : null;
}

/** The same file, however it was spelled (symlinks resolved for files that exist; case-insensitive on Windows). */
export function sameFile(a: string, b: string): boolean {
  const canon = (p: string): string => {
    let full = resolvePath(p);
    try {
      full = realpathSync(full);
    } catch {
      /* not there yet */
    }
    return process.platform === 'win32' ? full.toLowerCase() : full;
  };
  return canon(a) === canon(b);
}

export function outputSpecs(a: { outputs: string[]; format: OutputFormat | undefined }, stdoutIsTty: boolean): OutputSpec[] {
  const raw = a.outputs.length > 0 ? a.outputs : ['-'];
  if (raw.length > 1 && a.format !== undefined) {
    throw new CliError('-f/--format applies to a single output; with several -o, each takes its format from its extension (.ndjson .json .csv .xml .sarif .html .txt)');
  }
  const specs: OutputSpec[] = [];
  for (const o of raw) {
    const path = o === '-' ? null : o;
    if (path === '') throw new CliError('-o/--output: empty file name');
    let format = a.format;
    if (format === undefined) {
      if (path === null) format = stdoutIsTty ? 'table' : 'ndjson';
      else {
        const byExt = formatFromExtension(path);
        if (byExt === null && raw.length > 1) throw new CliError(`-o ${path}: cannot tell the format from the extension; use .ndjson .json .csv .xml .sarif .html or .txt`);
        format = byExt ?? 'ndjson';
      }
    }
    if (specs.some((s) => (s.path === null && path === null) || (s.path !== null && path !== null && sameFile(s.path, path)))) {
      throw new CliError(`-o ${path ?? '-'} is given twice`);
    }
    specs.push({ format, path, append: false });
  }
  return specs;
}
