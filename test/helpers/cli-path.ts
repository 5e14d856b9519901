/**
 * Which rdprobe the CLI tests run: `dist/src/cli/main.js` (the TypeScript build, made by test/setup/build.ts), or the
 * one-file build named by RDPROBE_CLI (CI copies dist/rdprobe.mjs into an empty folder and runs the CLI and
 * workflow suites once more against it: `RDPROBE_CLI=/tmp/x/rdprobe.mjs npx vitest run test/cli/ test/workflow/`).
 * Every test that spawns the CLI takes the path from here. Not a test file.
 */
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const fromEnv = process.env['RDPROBE_CLI'];

export const CLI_UNDER_TEST: string = fromEnv ? (isAbsolute(fromEnv) ? fromEnv : resolve(ROOT, fromEnv)) : resolve(ROOT, 'dist/src/cli/main.js');

/** What to build when it is missing. */
export const CLI_BUILD_HINT = fromEnv ? `RDPROBE_CLI=${fromEnv} does not exist (npm run bundle makes dist/rdprobe.mjs)` : 'run npm run build first';
