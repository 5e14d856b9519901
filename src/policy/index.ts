/** Public API of the policy module (CI gates). See docs/policy.md. */
export {
  POLICY_TLS_VERSIONS,
  PolicyError,
  RULE_NAMES,
  type HostMatch,
  type HostOverride,
  type HostRules,
  type Policy,
  type PolicyRules,
  type PolicyTlsVersion,
  type RuleName,
} from './types.js';
export {
  FLAGS_SOURCE,
  loadPolicy,
  loadYaml,
  mergePolicies,
  normaliseThumbprint,
  normaliseTlsVersion,
  parsePolicy,
  policyFromFlags,
  policyFromObject,
} from './parse.js';
export {
  evaluatePolicy,
  expectedThumbprintFor,
  hostMatchSpecificity,
  isPolicyFinding,
  matchingOverrides,
  resolveRules,
  type ResolvedRuleName,
  type ResolvedRules,
} from './evaluate.js';
export { rsaEquivalentBits } from './keys.js';
