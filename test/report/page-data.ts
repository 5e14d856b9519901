/**
 * Reading an rdprobe HTML page back in Node: its embedded JSON elements, the hosts with their shared values resolved
 * (the page's own decoding, written again here so the tests check the format, not the page's code), and the
 * page's script and policy. Not a test file itself.
 */
import { createHash } from 'node:crypto';

export interface PageData {
  /** Every <script ...> opening tag in the page, as written. */
  scriptTags: string[];
  /** id -> parsed JSON of each <script type="application/json" id=...>. */
  json: Record<string, unknown>;
  /** The text of the page's one program (the <script> without a type). */
  program: string;
  csp: string;
}

export function readPage(html: string): PageData {
  const scriptTags = [...html.matchAll(/<script\b[^>]*>/gi)].map((m) => m[0]);
  const json: Record<string, unknown> = {};
  for (const m of html.matchAll(/<script type="application\/json" id="([^"]+)">([\s\S]*?)<\/script>/g)) json[m[1]!] = JSON.parse(m[2]!);
  const program = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? '';
  const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1]?.replace(/&#39;/g, "'") ?? '';
  return { scriptTags, json, program, csp };
}

export function sha256Base64(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/** The hosts of a scan report: [facts, record] with every {"$ref": n} replaced by its shared value. */
export function reportHosts(data: PageData): { facts: Record<string, unknown>; record: Record<string, unknown> }[] {
  const items = data.json['rdprobe-hosts'] as unknown[][];
  const shared: unknown[] = [];
  const resolve = (v: unknown): unknown => {
    if (v === null || typeof v !== 'object') return v;
    if (Array.isArray(v)) return v.map(resolve);
    const o = v as Record<string, unknown>;
    if (Object.keys(o).length === 1 && typeof o['$ref'] === 'number') return resolve(shared[o['$ref']]);
    return Object.fromEntries(Object.entries(o).map(([k, x]) => [k, resolve(x)]));
  };
  const hosts: { facts: Record<string, unknown>; record: Record<string, unknown> }[] = [];
  for (const it of items) {
    if (it[0] === 0) shared.push(it[1]);
    else hosts.push({ facts: resolve(it[1]) as Record<string, unknown>, record: resolve(it[2]) as Record<string, unknown> });
  }
  return hosts;
}
