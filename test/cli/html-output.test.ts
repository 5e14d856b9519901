/**
 * The html format through the built CLI: chosen by -f or by the .html/.htm extension, written at the end like json;
 * `rdprobe diff -f html` / `-o FILE.html`; an unwritable diff output is exit 3 with one line. Closed ports only
 * (127.0.81.x): no server needed. The pages themselves are tested in a browser (test/report/).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAST, runCli } from './helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'rdprobe-html-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('html output', () => {
  it('-f html writes one self-contained page with every host', async () => {
    const r = await runCli(['scan', '127.0.81.60', '127.0.81.61', '-f', 'html', ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('<!doctype html>')).toBe(true);
    expect(r.stdout.trimEnd().endsWith('</html>')).toBe(true);
    expect(r.stdout).toContain('"key":"127.0.81.60:3389"');
    expect(r.stdout).toContain('"key":"127.0.81.61:3389"');
    expect(r.stdout).not.toMatch(/(src|href)="?(https?:)?\/\//);
  });

  it('-o FILE.htm infers html, next to an ndjson output of the same scan', async () => {
    const html = join(dir, 'r.htm');
    const nd = join(dir, 'r.ndjson');
    const r = await runCli(['scan', '127.0.81.62', '-o', html, '-o', nd, ...FAST]);
    expect(r.code, r.stderr).toBe(0);
    expect(readFileSync(html, 'utf8')).toContain('id="rdprobe-report"');
    expect(readFileSync(nd, 'utf8').trim().split('\n')).toHaveLength(1);
  });

  it('rdprobe diff -o FILE.html writes the diff page; an unwritable output is exit 3 with one line', async () => {
    const a = join(dir, 'a.ndjson');
    const b = join(dir, 'b.ndjson');
    const rec = { schema_version: 2, target: 'h', host: 'h', address: null, port: 3389, status: 'ok', findings: [] };
    writeFileSync(a, JSON.stringify(rec) + '\n');
    writeFileSync(b, JSON.stringify({ ...rec, status: 'unreachable' }) + '\n');
    const out = join(dir, 'diff.html');
    const r = await runCli(['diff', a, b, '-o', out]);
    expect(r.code, r.stderr).toBe(1);
    expect(readFileSync(out, 'utf8')).toContain('id="rdprobe-diff"');
    const bad = await runCli(['diff', a, b, '-f', 'html', '-o', join(dir, 'missing', 'x.html')]);
    expect(bad.code).toBe(3);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
    expect(bad.stderr).toMatch(/^rdprobe: cannot write .*x\.html: ENOENT/);
  });
});
