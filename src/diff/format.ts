/**
 * Output of a ScanDiff: a plain-text table (no colour, so it reads the same in a CI log, a file or a terminal on
 * any platform) and JSON.
 */
import { formatDiffValue, type ChangeKind, type ScanDiff } from './diff.js';

const MARK: Record<ChangeKind, string> = { regression: '-', improvement: '+', neutral: '~' };

function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Per host (hosts with regressions first), one line per change: `- field  before -> after  message`. No trailing newline. */
export function formatDiffTable(diff: ScanDiff): string {
  const s = diff.summary;
  const lines: string[] = [];
  lines.push(
    `rdprobe diff: ${plural(s.hosts_before, 'host')} before, ${plural(s.hosts_after, 'host')} after; ${s.compared} compared, ${s.changed} changed, ${s.unchanged} unchanged, ${s.appeared} appeared, ${s.disappeared} disappeared`,
  );
  lines.push(`${plural(s.regressions, 'regression')}, ${plural(s.improvements, 'improvement')}, ${s.neutral} neutral`);
  if (diff.hosts.length === 0) {
    lines.push('', 'No changes.');
  }
  for (const h of diff.hosts) {
    const counts = [
      h.regressions ? plural(h.regressions, 'regression') : null,
      h.improvements ? plural(h.improvements, 'improvement') : null,
      h.neutral ? `${h.neutral} neutral` : null,
    ].filter((x): x is string => x !== null);
    const title = h.before_key ? `${h.key} (was ${h.before_key}, matched by address)` : h.key;
    lines.push('', `${title}  ${counts.join(', ')}`);
    const width = Math.min(40, Math.max(...h.changes.map((c) => c.field.length)));
    for (const c of h.changes) {
      const values = h.presence === 'both' && c.field !== 'host' ? `${formatDiffValue(c.before)} -> ${formatDiffValue(c.after)}  ` : '';
      lines.push(`  ${MARK[c.kind]} ${c.field.padEnd(width)}  ${values}${c.message}`);
    }
  }
  if (diff.hosts.length > 0) lines.push('', 'Legend: - regression  + improvement  ~ neutral');
  for (const w of diff.warnings) lines.push(`warning: ${w}`);
  return lines.join('\n');
}

/** The diff as pretty-printed JSON text (no trailing newline); the shape is ScanDiff. */
export function diffToJson(diff: ScanDiff): string {
  return JSON.stringify(diff, null, 2);
}
