/**
 * The policy a command gates on (scan, merge): a --policy-preset as the base, the --policy file over it, the rule
 * flags over both, each flag's value validated like the file's key. Problems are one-line usage errors named by what
 * the user typed.
 */
import { FLAGS_SOURCE, loadPolicy, mergePolicies, PolicyError, policyFromFlags, type Policy, type PolicyRules } from '../policy/index.js';
import { POLICY_PRESETS } from '../policy/presets.js';
import { CliError } from './exit-codes.js';

export async function gatePolicy(policyFile: string | undefined, policyFlags: Record<string, unknown>, presetName?: string): Promise<Policy | null> {
  try {
    const preset = presetName ? POLICY_PRESETS[presetName]! : null;
    const loaded = policyFile ? await loadPolicy(policyFile) : null;
    const file = preset ? mergePolicies({ source: preset.source, rules: { ...preset.rules }, hosts: [] }, loaded) : loaded;
    const hasFlags = Object.keys(policyFlags).length > 0;
    return file || hasFlags ? mergePolicies(file, hasFlags ? policyFromFlags(policyFlags as Partial<PolicyRules>) : null) : null;
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    // A rule flag's problem is named by the flag the user typed, not by the policy key.
    throw new CliError(e.source === FLAGS_SOURCE && e.key ? `--${e.key.replace(/\[\d+\]$/, '').replace(/_/g, '-').replace(/^expected-thumbprints/, 'expected-thumbprint')}: ${e.problem}` : e.message);
  }
}
