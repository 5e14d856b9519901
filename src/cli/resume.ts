import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { CliError } from './exit-codes.js';

/** The key a finished record and a pending target share: `${host}:${port}`. */
export function doneKey(host: string, port: number): string {
  return `${host.toLowerCase()}:${port}`;
}

/**
 * Keys of the hosts an earlier (interrupted) ndjson scan already finished. A last line cut short by the
 * interruption is not a finished host: it is ignored here and trimmed by `trimPartialLine` before appending.
 */
export async function readDoneKeys(path: string): Promise<Set<string>> {
  const keys = new Set<string>();
  try {
    await stat(path);
  } catch {
    throw new CliError(`--resume: cannot read ${path}`);
  }
  const rl = createInterface({ input: createReadStream(path, { encoding: 'utf8' }), crlfDelay: Infinity });
  for await (const line of rl) {
    if (!line.trim()) continue;
    try {
      const r = JSON.parse(line) as { host?: unknown; port?: unknown };
      if (typeof r.host === 'string' && typeof r.port === 'number') keys.add(doneKey(r.host, r.port));
    } catch {
      // a partial line (interrupted write) or something else: the host is simply probed again
    }
  }
  return keys;
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
