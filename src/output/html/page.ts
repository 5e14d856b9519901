/**
 * The shell of every rdprobe HTML page (scan report, diff report): one self-contained file. Data travels only as
 * JSON inside <script type="application/json"> elements and is put on the page by the page's own script with DOM
 * APIs (textContent, createElement), never as markup. Two walls keep a hostile server string from acting:
 *  - jsonForScript escapes `<`, `>`, `&` and U+2028/U+2029, so no data can close the script element or open a
 *    comment or CDATA section in it;
 *  - a Content-Security-Policy allows our one script (by its SHA-256) and nothing else: no other inline script,
 *    no event-handler attribute, no request to any host (default-src 'none'), so a report mailed around or opened
 *    on an offline jump box never reaches out, and markup that slipped through anyway could not run.
 */
import { createHash } from '../../../protocol/node-crypto.js';
import { toSafeJson } from '../escape.js';
import { REPORT_CSS } from './style.js';

/** JSON text that is safe inside a <script> element (and parses back to the same value). */
export function jsonForScript(value: unknown): string {
  return toSafeJson(value).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** Text for HTML element content and quoted attribute values (only rdprobe's own words go through here). */
function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** A data element: `<script type="application/json" id="...">`; `json` must come from jsonForScript. */
export function dataScript(id: string, json: string): string {
  return `<script type="application/json" id="${escapeHtml(id)}">${json}</script>\n`;
}

function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('base64');
}

/**
 * Everything before the data: head (policy, stylesheet) and the static page skeleton in `body` (rdprobe's own
 * markup, no data). `script` is the page's program, whose hash the policy names.
 */
export function pageStart(title: string, body: string, script: string): string {
  const csp = [
    "default-src 'none'",
    `script-src 'sha256-${sha256(script)}'`,
    "style-src 'unsafe-inline'",
    'img-src data:',
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
  return (
    '<!doctype html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n' +
    `<meta http-equiv="Content-Security-Policy" content="${escapeHtml(csp)}">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    '<meta name="referrer" content="no-referrer">\n' +
    `<title>${escapeHtml(title)}</title>\n<style>${REPORT_CSS}</style>\n</head>\n<body>\n` +
    '<noscript><p style="padding:16px">This report shows its data with the script inside this file (it makes no ' +
    'network request). Allow scripts for this file to see it.</p></noscript>\n' +
    body +
    '\n'
  );
}

/** Everything after the data: the page's program and the closing tags. */
export function pageEnd(script: string): string {
  return `<script>${script}</script>\n</body>\n</html>\n`;
}
