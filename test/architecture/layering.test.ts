/**
 * The layering the README promises: protocol/ holds pure codecs that know nothing of the result record or of the
 * rest of rdprobe. A codec that imports from src/ would drag record vocabulary (or sockets) into the wire layer.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('../../', import.meta.url).pathname;

function tsFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? tsFiles(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('layering', () => {
  it('no file in protocol/ imports from src/ (or from node:net, node:tls, node:dgram)', () => {
    const offenders: string[] = [];
    for (const f of tsFiles(join(root, 'protocol'))) {
      const text = readFileSync(f, 'utf8');
      for (const m of text.matchAll(/^\s*(?:import|export)\b[^'"]*from\s+['"]([^'"]+)['"]/gm)) {
        const spec = m[1]!;
        if (spec.includes('/src/') || spec.startsWith('../src') || /^node:(net|tls|dgram|dns|fs|child_process)$/.test(spec)) {
          offenders.push(`${relative(root, f)} imports ${spec}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });
});
