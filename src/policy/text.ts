/**
 * Text decoding for files written on any platform: UTF-8 with or without BOM, and UTF-16 (Windows PowerShell 5.1
 * `>` and `Out-File` write UTF-16LE with a BOM by default).
 */
export function decodeText(buf: Uint8Array): string {
  if (buf.length >= 2 && buf[0] === 0xff && buf[1] === 0xfe) return new TextDecoder('utf-16le').decode(buf.subarray(2));
  if (buf.length >= 2 && buf[0] === 0xfe && buf[1] === 0xff) return new TextDecoder('utf-16be').decode(buf.subarray(2));
  const text = new TextDecoder('utf-8').decode(buf);
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Turn "... at position 42" in a JSON.parse message into a line/column, if present. */
export function jsonErrorMessage(err: unknown, text: string): string {
  const msg = err instanceof Error ? err.message : String(err);
  const firstLine = msg.split(/\r?\n/)[0] ?? msg;
  if (/\(line \d+ column \d+\)/.test(firstLine)) return firstLine;
  const m = /at position (\d+)/.exec(firstLine);
  if (!m) return firstLine;
  const pos = Number(m[1]);
  const before = text.slice(0, pos);
  const line = before.split('\n').length;
  const column = pos - before.lastIndexOf('\n');
  return `${firstLine} (line ${line} column ${column})`;
}
