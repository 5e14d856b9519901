/**
 * What a scan's records are stamped with (record `scan`): the options that change what is measured or judged, a
 * digest of the policy and of the target set, and the shard. `--resume` compares them to refuse appending records
 * measured or judged another way; shards of one scan are told apart from another scan's by them.
 */
import { createHash } from '../../protocol/node-crypto.js';
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

/** The digest a policy is stamped with (record `scan.policy`): its rules and per-host overrides, not where it came from. */
export function policyDigest(policy: Policy | null): string | null {
  return policy ? digest({ rules: policy.rules, hosts: policy.hosts.map((h) => ({ key: h.key, rules: h.rules })) }) : null;
}

export function scanInfo(i: ScanInfoInput): ScanInfo | null {
  const options = Object.fromEntries(Object.entries(i.options).filter(([k, v]) => i.defaults[k] !== v));
  return stamp(options, policyDigest(i.policy), i.shard ? { targets: digest(i.targets), shard: `${i.shard.index}/${i.shard.count}` } : null);
}

/**
 * The stamp the records of a whole scan carry once its shards are merged (`rdprobe merge`): what the same scan run
 * unsharded would have stamped them with, judged with `policy` (a digest, or null for none).
 */
export function unshardedInfo(sharded: ScanInfo, policy: string | null): ScanInfo | null {
  return stamp(sharded.options, policy, null);
}

function stamp(options: ScanInfo['options'], policy: string | null, shard: { targets: string; shard: string } | null): ScanInfo | null {
  // The usual scan (default options, no policy, no shard) is stamped null: it keeps every record small.
  if (Object.keys(options).length === 0 && policy === null && !shard) return null;
  return { options, policy, targets: shard?.targets ?? null, shard: shard?.shard ?? null };
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
