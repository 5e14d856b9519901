/**
 * Vitest global setup: the CLI tests run the built CLI (dist/), so build it from the sources under test first.
 * Without this, `npm test` after an edit would test yesterday's dist/ and could pass on a stale build.
 */
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export default function setup(): void {
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const tsc = fileURLToPath(new URL('../../node_modules/typescript/bin/tsc', import.meta.url));
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: root, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`npm run build failed, so the CLI tests cannot run:\n${r.stdout}${r.stderr}`);
}
