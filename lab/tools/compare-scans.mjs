#!/usr/bin/env node
// Compare two scans of the lab record by record, field by field, leaving out what changes from run to run
// (timings, scan times, days remaining, the server's clock and the skew). Used to show that a refactoring of the
// probe left every record as it was:  node lab/tools/compare-scans.mjs before.ndjson after.ndjson
// Exit 1 on any difference (each printed as host, path, before, after).
import fs from 'node:fs';

const VOLATILE = new Set(['timings_ms', 'scanned_at', 'days_remaining', 'server_time', 'clock_skew_seconds']);
const load = (f) => new Map(fs.readFileSync(f, 'utf8').trim().split('\n').map((l) => JSON.parse(l)).map((r) => [`${r.host}:${r.port}`, r]));
const clean = (v) => {
  if (Array.isArray(v)) return v.map(clean);
  if (v && typeof v === 'object') return Object.fromEntries(Object.entries(v).filter(([k]) => !VOLATILE.has(k)).map(([k, x]) => [k, clean(x)]));
  // Evidence quotes the skew and the days left too.
  return typeof v === 'string' ? v.replace(/clock_skew_seconds = -?[\d.]+/g, 'clock_skew_seconds = N').replace(/days_remaining = -?\d+/g, 'days_remaining = N') : v;
};
const diffs = [];
const walk = (host, path, a, b) => {
  if (JSON.stringify(a) === JSON.stringify(b)) return;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) walk(host, `${path}.${k}`, a[k], b[k]);
    return;
  }
  diffs.push(`${host} ${path}: ${JSON.stringify(a)} -> ${JSON.stringify(b)}`);
};
const [before, after] = process.argv.slice(2).map(load);
for (const k of new Set([...before.keys(), ...after.keys()])) walk(k, '', clean(before.get(k)), clean(after.get(k)));
console.log(diffs.length ? diffs.join('\n') : `the ${before.size} records are the same, timings aside`);
process.exit(diffs.length ? 1 : 0);
