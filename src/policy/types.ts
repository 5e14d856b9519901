/**
 * Policy types: what a CI gate checks for each probed host. See docs/policy.md.
 */

export const POLICY_TLS_VERSIONS = ['1.0', '1.1', '1.2', '1.3'] as const;
export type PolicyTlsVersion = (typeof POLICY_TLS_VERSIONS)[number];

/** forbid_tls takes the SSL versions too (measured by the deep mode, --tls-suites). */
export const POLICY_FORBIDDABLE_VERSIONS = ['ssl2', 'ssl3', ...POLICY_TLS_VERSIONS] as const;
export type PolicyForbiddableVersion = (typeof POLICY_FORBIDDABLE_VERSIONS)[number];

/** Every rule a policy can set. In a Policy every rule is optional: an absent rule is not checked. */
export interface PolicyRules {
  /** The server must refuse connections without Network Level Authentication (record: nla_required). */
  require_nla: boolean;
  /** The server must refuse Standard RDP Security (record: protocols.rdp.supported). */
  forbid_standard_rdp_security: boolean;
  /** No TLS version below this one may be accepted (record: tls.versions). */
  min_tls: PolicyTlsVersion;
  /** None of these versions may be accepted ("ssl2", "ssl3", "1.0" ... "1.3"). */
  forbid_tls: PolicyForbiddableVersion[];
  /** The TLS certificate must be valid for at least this many more days (record: certificate.days_remaining). */
  min_cert_days: number;
  /** The TLS certificate key must be at least this strong, in RSA-equivalent bits (record: certificate.key_bits). */
  min_key_bits: number;
  /** The TLS certificate must not be self-signed (record: certificate.self_signed). */
  forbid_self_signed: boolean;
  /** host -> SHA-1 thumbprint (upper-case hex, no separators) the TLS certificate must have. */
  expected_thumbprints: Record<string, string>;
  /** The CredSSP TSRequest version must be at least this (record: credssp.version). */
  min_credssp_version: number;
  /** |credssp.ntlm.clock_skew_seconds| must not exceed this. */
  max_clock_skew: number;
  /** An unreachable host does not violate the policy. */
  allow_unreachable: boolean;
  /** The server must not answer RDP over UDP (record: rdp_udp.answered). */
  forbid_udp: boolean;
  /** No accepted cipher suite may match one of these IANA-name globs (`*_CBC_*`, `TLS_RSA_*`) (record: tls.cipher_suites). */
  forbid_suites: string[];
  /** Every accepted cipher suite must match one of these IANA-name globs. */
  allow_suites: string[];
  /** DHE key exchange must use a prime of at least this many bits (record: tls.dh_bits). */
  min_dh_bits: number;
  /** Every accepted TLS 1.0-1.2 suite must have forward secrecy (ECDHE/DHE) (record: tls.cipher_suites[*].pfs). */
  require_pfs: boolean;
  /** The certificate chain must lead to a trusted root (bundled roots + --ca-file) (record: certificate.trusted). */
  require_trusted_cert: boolean;
  /** The authentication test with the test account must succeed (record: auth.result; needs --user). */
  require_auth: boolean;
  /** The logon test must reach the logon notification (record: auth.logon.result; needs --logon). */
  require_logon: boolean;
  /** These client profiles must connect (record: clients[<id>].connects, a measured verdict). */
  clients_must_connect: string[];
  /** The TLS certificate must not be signed with SHA-1 or MD5 (record: certificate.signature_algorithm). */
  forbid_weak_signature: boolean;
  /** Standard RDP Security, where accepted, at this encryption level or above (record: rdp_security.encryption_level). */
  min_encryption_level: PolicyEncryptionLevel;
}

/** The levels a policy may require, weakest first (ENCRYPTION_LEVELS without none). */
export const POLICY_ENCRYPTION_LEVELS = ['low', 'client_compatible', 'high', 'fips'] as const;
export type PolicyEncryptionLevel = (typeof POLICY_ENCRYPTION_LEVELS)[number];

export type RuleName = keyof PolicyRules;

export const RULE_NAMES: readonly RuleName[] = [
  'require_nla',
  'forbid_standard_rdp_security',
  'min_tls',
  'forbid_tls',
  'min_cert_days',
  'min_key_bits',
  'forbid_self_signed',
  'expected_thumbprints',
  'min_credssp_version',
  'max_clock_skew',
  'allow_unreachable',
  'forbid_udp',
  'forbid_suites',
  'allow_suites',
  'min_dh_bits',
  'require_pfs',
  'require_trusted_cert',
  'require_auth',
  'require_logon',
  'clients_must_connect',
  'forbid_weak_signature',
  'min_encryption_level',
];

/** Rules inside a `hosts:` entry: `null` turns a rule off for the matching hosts. `expected_thumbprints` is top-level only. */
export type HostRules = { [K in Exclude<RuleName, 'expected_thumbprints'>]?: PolicyRules[K] | null };

/** How a `hosts:` key matches a record. */
export type HostMatch =
  | { kind: 'cidr'; family: 'ipv4' | 'ipv6'; network: string; prefix: number }
  /** A host name or an IP address (lower-case, no trailing dot). */
  | { kind: 'host'; name: string }
  /** host:port (IPv6 as [addr]:port). */
  | { kind: 'host_port'; name: string; port: number };

export interface HostOverride {
  /** The key as written in the policy file. */
  key: string;
  match: HostMatch;
  rules: HostRules;
  /** Position in the file (0-based), the tie-breaker between equally specific entries. */
  index: number;
}

export interface Policy {
  /** Where the policy came from: a file path, or "command line". */
  source: string;
  rules: Partial<PolicyRules>;
  hosts: HostOverride[];
}

/** Invalid policy input. The message is one line: `<source>: <key>: <what is wrong>`. */
export class PolicyError extends Error {
  override readonly name = 'PolicyError';
  constructor(
    readonly source: string,
    /** The offending key path (e.g. `hosts.legacy-app01.min_tls`), or null for whole-file problems. */
    readonly key: string | null,
    readonly problem: string,
  ) {
    super(key === null ? `${source}: ${problem}` : `${source}: ${key}: ${problem}`);
  }
}
