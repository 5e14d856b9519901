import { readFileSync } from 'node:fs';

/** Set by the one-file build (scripts/bundle.mjs, an esbuild `define`): that file has no package.json beside it. */
declare const RDPROBE_BUILD_VERSION: string | undefined;

/**
 * rdprobe's version: the one-file build's, else package.json's (dist/src/version.js -> ../../package.json;
 * src/version.ts -> ../package.json).
 */
export const VERSION: string =
  typeof RDPROBE_BUILD_VERSION === 'string'
    ? RDPROBE_BUILD_VERSION
    : (() => {
        for (const rel of ['../../package.json', '../package.json']) {
          try {
            const p = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as { name?: string; version?: string };
            if (p.name === 'rdprobe' && p.version) return p.version;
          } catch {
            // try the next location
          }
        }
        return '0.0.0';
      })();
