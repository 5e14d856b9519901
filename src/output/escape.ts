/**
 * Escaping for every place a server-supplied string can end up. Certificate subjects, NTLM names and error
 * details come from the host being probed, i.e. from whoever controls it: each output format must show them
 * without letting them act (terminal escape sequences, spreadsheet formulas, XML markup, log commands).
 */

/**
 * Code points that must not reach a terminal raw:
 *  C0 controls and DEL (ESC starts every CSI/OSC sequence; CR/LF/TAB would break our layout),
 *  C1 controls U+0080-U+009F (U+009B is a one-character CSI, U+009D a one-character OSC),
 *  U+061C, U+200E, U+200F (bidi marks), U+2028/U+2029 (line/paragraph separators),
 *  U+202A-U+202E and U+2066-U+2069 (bidi embeddings, overrides and isolates: "Trojan Source" spoofing),
 *  lone surrogates (not text at all; they would be written as U+FFFD and hide what the server sent).
 */
const TERMINAL_UNSAFE =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** The same set minus TAB, LF and CR, which CSV carries inside quoted cells. */
const CSV_UNSAFE =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

/** Characters JSON.stringify leaves raw that are still unsafe to `cat` (it already escapes C0 and lone surrogates). */
const JSON_UNSAFE = /[\u007f-\u009f\u061c\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g;

/** `\x1b` for code units up to 0xFF, `\u202e` above. */
function visible(ch: string): string {
  const code = ch.charCodeAt(0);
  return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
}

/**
 * Make a string safe to print on a terminal: every control character, bidi control and lone surrogate becomes
 * a visible escape (`\x1b`, `\x0a`, `\x9b`, `\u202e`, `\ud800`). With ESC itself escaped no escape sequence
 * (CSI, OSC 8 hyperlinks, title changes) can start, so the rest of a hostile sequence is plain text.
 * Backslashes are left alone, so a server that sends the six characters `\x1b` looks like one that sent ESC;
 * that ambiguity is harmless and keeps Windows names like DOMAIN\user readable.
 */
export function forTerminal(s: string): string {
  return s.replace(TERMINAL_UNSAFE, visible);
}

/**
 * First characters that make Excel, LibreOffice or Google Sheets treat a cell as a formula (OWASP "CSV
 * injection"), including the full-width and small-form variants some locales and IMEs convert, and the
 * whitespace controls Excel skips before looking for one.
 */
const FORMULA_START = /^[=+\-@\t\r\n\uff1d\uff0b\uff0d\uff20\ufe62\ufe63\ufe66\ufe6b]/;

export type CsvValue = string | number | boolean | null | undefined;

/**
 * One RFC 4180 cell. The type decides the treatment, not the content:
 *  - numbers are values rdprobe computed itself (port, days_remaining, clock_skew_seconds, key bits) and are
 *    written as plain numbers, so a negative `cert_days_remaining` stays numeric and sortable in a spreadsheet;
 *  - strings may come from the server, so one that starts like a formula (= + - @ TAB CR LF or a full-width
 *    variant) is prefixed with a single quote, even "-5";
 *  - booleans are `true` / `false`; null and undefined are the empty cell ("not measured").
 * Control and bidi characters other than TAB/CR/LF are shown as visible escapes (as in `forTerminal`) so the
 * file is also safe to `cat` and cannot reorder what a spreadsheet shows. A cell containing `"` `,` CR or LF
 * is quoted with inner quotes doubled.
 */
export function forCsvCell(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  let s = value.replace(CSV_UNSAFE, visible);
  if (FORMULA_START.test(s)) s = `'${s}`;
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Code points XML 1.0 does not allow at all (section 2.2 Char): C0 controls except TAB/LF/CR, U+FFFE, U+FFFF and
 * lone surrogates. They cannot even be written as character references, so they are dropped.
 */
const XML_FORBIDDEN =
  /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g;

const XML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
  // Written as references so attribute-value normalisation and end-of-line handling keep them as sent.
  '\t': '&#9;',
  '\n': '&#10;',
  '\r': '&#13;',
};

/** Text safe for XML 1.0 element content and for attribute values in either kind of quotes. */
export function forXml(s: string): string {
  return s.replace(XML_FORBIDDEN, '').replace(/[&<>"'\t\n\r]/g, (c) => XML_ENTITIES[c] ?? c);
}

/**
 * JSON.stringify, then C1 controls, bidi controls and U+2028/U+2029 as \u escapes. The output is still valid
 * JSON and parses back to exactly the same value; it is just safe to look at with `cat` or `less -R`.
 * (JSON.stringify already escapes C0 controls and, since ES2019, lone surrogates.)
 */
export function toSafeJson(value: unknown, space?: number): string {
  const json = JSON.stringify(value, null, space);
  if (json === undefined) throw new TypeError('value cannot be represented as JSON');
  return json.replace(JSON_UNSAFE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** GitHub Actions workflow-command data (the message after `::`). */
export function forWorkflowData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

/** GitHub Actions workflow-command property value (`title=...`): data escaping plus `:` and `,`. */
export function forWorkflowProperty(s: string): string {
  return forWorkflowData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
