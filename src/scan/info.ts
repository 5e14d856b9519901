/**
 * What a scan's records are stamped with (record `scan`): the options that change what is measured or judged, a
 * digest of the policy and of the target set, and the shard. `--resume` compares them to refuse appending records
 * measured or judged another way; shards of one scan are told apart from another scan's by them.
 */
import { createHash } from 'node:crypto';
import type { Policy } from '../policy/index.js';
import type { ScanInfo } from '../record.js';
import type { Shard } from '../targets/index.js';

/** Canonical JSON: object keys sorted, so the same content always gives the same digest. */
function canonical(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map(canonical).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    return `{${Object.keys(v)
      .sort()
      .filter((k) => (v as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${canonical((v as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  }
  return JSON.stringify(v);
}

/** 12 hex digits of SHA-256: enough to tell scans apart, short enough for every record. */
export function digest(v: unknown): string {
  return createHash('sha256').update(canonical(v)).digest('hex').slice(0, 12);
}

export interface ScanInfoInput {
  /** Every option that changes what is measured or judged, with its value in this run. */
  options: Record<string, string | number | boolean>;
  /** The same options at their defaults: only differences are recorded. */
  defaults: Record<string, string | number | boolean>;
  policy: Policy | null;
  targets: { specs: readonly string[]; ports: readonly number[]; exclude: readonly string[] };
  shard: Shard | undefined;
}

export function scanInfo(i: ScanInfoInput): ScanInfo | null {
  const options = Object.fromEntries(Object.entries(i.options).filter(([k, v]) => i.defaults[k] !== v));
  const policy = i.policy ? digest({ rules: i.policy.rules, hosts: i.policy.hosts.map((h) => ({ key: h.key, rules: h.rules })) }) : null;
  // The usual scan (default options, no policy, no shard) is stamped null: it keeps every record small.
  if (Object.keys(options).length === 0 && policy === null && !i.shard) return null;
  return {
    options,
    policy,
    targets: i.shard ? digest(i.targets) : null,
    shard: i.shard ? `${i.shard.index}/${i.shard.count}` : null,
  };
}

/** Why records stamped `was` cannot be continued by a run stamped `now` (null when they can). */
export function scanMismatch(wasInfo: ScanInfo | null, nowInfo: ScanInfo | null): string | null {
  const none: Pick<ScanInfo, 'options' | 'policy'> = { options: {}, policy: null };
  const was = wasInfo ?? none;
  const now = nowInfo ?? none;
  const keys = [...new Set([...Object.keys(was.options), ...Object.keys(now.options)])].sort();
  const differ = keys.filter((k) => was.options[k] !== now.options[k]).map((k) => `${k} (file: ${show(was.options[k])}, now: ${show(now.options[k])})`);
  if (was.policy !== now.policy) differ.push(was.policy === null ? 'a policy (the file has none)' : now.policy === null ? 'no policy (the file was judged with one)' : 'another policy');
  return differ.length > 0 ? differ.join(', ') : null;
}

const show = (v: unknown): string => (v === undefined ? 'default' : JSON.stringify(v));
