/**
 * Vitest global setup: the CLI tests run the built CLI (dist/), so build it from the sources under test first.
 * Without this, `npm test` after an edit would test yesterday's dist/ and could pass on a stale build.
 *
 * With RDPROBE_CLI (test/helpers/cli-path.ts) the CLI tests run that file instead, the one-file build: it must exist
 * and stand alone, so no node_modules folder may be within reach of its folder (Node would resolve packages there
 * and the run would prove nothing about a copy on a bare jump box).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed, so the CLI tests cannot run:\n${r.stdout}${r.stderr}`);
  const cli = process.env['RDPROBE_CLI'];
  if (cli) {
    const file = resolve(root, cli);
    if (!existsSync(file)) throw new Error(`RDPROBE_CLI=${cli}: no such file (npm run bundle makes dist/rdprobe.mjs)`);
    for (let dir = dirname(file); ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'node_modules'))) throw new Error(`RDPROBE_CLI=${cli}: ${join(dir, 'node_modules')} is within reach; copy the file into an empty folder outside the repository`);
      if (dirname(dir) === dir) break;
    }
  }
}
