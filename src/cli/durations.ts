import { CliError } from './exit-codes.js';

/** "5" (seconds), "2.5s", "500ms", "1m" -> milliseconds. */
export function parseDuration(option: string, v: unknown): number {
  const s = String(v).trim();
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(s);
  if (!m) throw new CliError(`--${option}: "${s}" is not a duration (examples: 5, 2.5s, 500ms, 1m)`);
  const n = Number(m[1]);
  const ms = Math.round(m[2] === 'ms' ? n : m[2] === 'm' ? n * 60_000 : n * 1000);
  // Under 10 ms nothing can answer, not even loopback: every host would come out as a timeout.
  if (ms < 10 || ms > 3_600_000) throw new CliError(`--${option}: ${s} is out of range (10 ms to 1 hour)`);
  return ms;
}
