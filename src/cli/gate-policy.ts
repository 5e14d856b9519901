/**
 * The policy a command gates on (scan, merge): the --policy file and the rule flags, merged (flags win), each flag's
 * value validated like the file's key. Problems are one-line usage errors named by what the user typed.
 */
import { FLAGS_SOURCE, loadPolicy, mergePolicies, PolicyError, policyFromFlags, type Policy, type PolicyRules } from '../policy/index.js';
import { CliError } from './exit-codes.js';

export async function gatePolicy(policyFile: string | undefined, policyFlags: Record<string, unknown>): Promise<Policy | null> {
  try {
    const file = policyFile ? await loadPolicy(policyFile) : null;
    const hasFlags = Object.keys(policyFlags).length > 0;
    return file || hasFlags ? mergePolicies(file, hasFlags ? policyFromFlags(policyFlags as Partial<PolicyRules>) : null) : null;
  } catch (e) {
    if (!(e instanceof PolicyError)) throw e;
    // A rule flag's problem is named by the flag the user typed, not by the policy key.
    throw new CliError(e.source === FLAGS_SOURCE && e.key ? `--${e.key.replace(/\[\d+\]$/, '').replace(/_/g, '-').replace(/^expected-thumbprints/, 'expected-thumbprint')}: ${e.problem}` : e.message);
  }
}
