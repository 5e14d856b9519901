/**
 * What a policy needs measured that a default scan does not measure: a gate must never fail as "unverified" only
 * because the scan did not look. `scan --policy` turns these on by itself (and says so in the record's scan.options).
 */
import type { Policy, PolicyRules } from './types.js';

/** Rules read from the TLS deep mode's results (tls.cipher_suites, tls.dh_bits, tls.versions of SSL 2.0/3.0). */
function needsDeep(r: Partial<Record<keyof PolicyRules, unknown>>): boolean {
  const forbidsSsl = Array.isArray(r.forbid_tls) && r.forbid_tls.some((v) => v === 'ssl2' || v === 'ssl3');
  return r.forbid_suites != null || r.allow_suites != null || r.min_dh_bits != null || r.require_pfs === true || forbidsSsl;
}

/** The policy (or one of its hosts: entries) has a rule only the deep TLS mode (--tls-suites) can answer. */
export function policyNeedsDeepTls(policy: Policy | null): boolean {
  if (policy === null) return false;
  return needsDeep(policy.rules) || policy.hosts.some((h) => needsDeep(h.rules));
}
