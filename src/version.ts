import { readFileSync } from 'node:fs';

/** rdprobe's version, from package.json (dist/src/version.js -> ../../package.json; src/version.ts -> ../package.json). */
export const VERSION: string = (() => {
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
