/**
 * What each finding's rule reads from the record. A finding present on one side of a diff and absent on the other
 * is a change only when the side without it measured these inputs: a scan run with --no-tls-versions cannot
 * "resolve" tls12_missing, it just did not look (docs/policy.md, "not comparable").
 *
 * Paths are record paths; `x.*` means every entry of the map `x`. A function
 * says what counts as measured where a null is itself a fact (no rdp_security because PROTOCOL_RDP is refused).
 */
import { authOutcome, logonOutcome, type ProbeRecord, type TlsVersionKey } from '../record.js';
import type { FindingId } from './catalog.js';

type Input = string | ((r: ProbeRecord) => boolean);

const TLS_BASED = ['ssl', 'hybrid', 'hybrid_ex', 'rdstls', 'rdsaad'] as const;
/** Standard RDP Security measured, or PROTOCOL_RDP refused (then there is none to measure). */
const rdpSecurity = (r: ProbeRecord): boolean => r.rdp_security !== null || r.protocols?.rdp?.supported === false;
/** The authentication test gave a verdict (credentials sent, the server answered): not when they were withheld. */
const authVerdict = (r: ProbeRecord): boolean => authOutcome(r.auth) !== null;
/** The logon test gave a verdict. */
const logonVerdict = (r: ProbeRecord): boolean => logonOutcome(r.auth) !== null;
/** A certificate seen, or every TLS-based protocol refused (then there is none). */
const certificate = (r: ProbeRecord): boolean => r.certificate !== null || (r.protocols !== null && TLS_BASED.every((k) => r.protocols?.[k]?.supported === false));

/** These TLS versions were each tried (true or false, not null): the default probe tries TLS 1.0-1.3. */
const versions =
  (...keys: TlsVersionKey[]) =>
  (r: ProbeRecord): boolean =>
    r.tls !== null && keys.every((k) => r.tls!.versions[k] !== null && r.tls!.versions[k] !== undefined);
const MODERN = versions('tls1.0', 'tls1.1', 'tls1.2', 'tls1.3');

export const FINDING_INPUTS: Readonly<Record<FindingId, readonly Input[]>> = {
  unreachable: ['status'],
  not_rdp: ['status'],
  protocol_error: ['status'],
  probe_incomplete: ['not_measured'],
  negotiation_cert_not_on_server: ['protocols'],
  tls_failed_all_versions: [MODERN],
  negotiation_inconsistent: ['protocols'],
  standard_rdp_security_allowed: ['protocols.rdp.supported'],
  weak_rdp_encryption: [rdpSecurity],
  rdp_server_key_weak: [rdpSecurity],
  nla_not_required: ['nla_required'],
  rdp_fips_only: [rdpSecurity],
  tls12_missing: [MODERN],
  tls_legacy_enabled: [MODERN],
  tls_weak_cipher: [MODERN],
  ssl2_enabled: [versions('ssl2.0')],
  ssl3_enabled: [versions('ssl3.0')],
  tls_null_export_anon: ['tls.cipher_suites'],
  tls_rc4: ['tls.cipher_suites'],
  tls_3des: ['tls.cipher_suites'],
  tls_no_pfs: ['tls.cipher_suites'],
  tls_cbc_only: ['tls.cipher_suites'],
  tls_weak_dh: ['tls.cipher_suites'],
  tls_no_secure_renegotiation: ['tls.secure_renegotiation'],
  cert_untrusted: ['certificate.trusted'],
  cert_chain_incomplete: ['certificate.trusted'],
  cert_expired: [certificate],
  cert_not_yet_valid: [certificate],
  cert_expiring_soon: [certificate],
  cert_weak_key: [certificate],
  cert_weak_signature: [certificate],
  cert_name_mismatch: [certificate],
  cert_self_signed: [certificate],
  credssp_outdated: ['credssp.version'],
  credssp_error: ['credssp'],
  clock_skew: ['credssp.ntlm.clock_skew_seconds'],
  os_unsupported: ['credssp.ntlm.os_version'],
  host_identity_mismatch: ['credssp.ntlm'],
  cert_duplicate: [certificate],
  netbios_duplicate: ['credssp.ntlm.netbios_computer'],
  policy_require_nla: ['nla_required'],
  policy_forbid_standard_rdp_security: ['protocols.rdp.supported'],
  policy_min_tls: [MODERN],
  policy_forbid_tls: [MODERN],
  policy_min_cert_days: [certificate],
  policy_min_key_bits: [certificate],
  policy_forbid_self_signed: [certificate],
  policy_expected_thumbprint: [certificate],
  policy_min_credssp_version: ['credssp.version'],
  policy_max_clock_skew: ['credssp.ntlm.clock_skew_seconds'],
  policy_unreachable: ['status'],
  policy_unverified: ['status'],
  policy_forbid_udp: ['rdp_udp'],
  policy_forbid_suites: ['tls.cipher_suites'],
  policy_allow_suites: ['tls.cipher_suites'],
  policy_min_dh_bits: ['tls.cipher_suites'],
  policy_require_pfs: ['tls.cipher_suites'],
  policy_require_trusted_cert: ['certificate.trusted'],
  rdp_udp_enabled: ['rdp_udp'],
  logon_credentials_rejected: [authVerdict],
  logon_account_state: [authVerdict],
  logon_right_missing: [authVerdict],
  logon_ntlm_refused: [authVerdict],
  licensing_failed: [logonVerdict],
  logon_ended_by_server: [logonVerdict],
  logon_incomplete: [(r) => r.auth?.logon?.tested === true],
  policy_require_auth: [authVerdict],
  policy_require_logon: [logonVerdict],
  client_locked_out: ['clients'],
  policy_clients_must_connect: ['clients'],
  policy_forbid_weak_signature: [certificate],
  policy_min_encryption_level: [rdpSecurity],
};

function at(record: unknown, path: string[]): unknown {
  let v: unknown = record;
  for (const k of path) {
    if (v === null || typeof v !== 'object') return null;
    v = (v as Record<string, unknown>)[k];
  }
  return v ?? null;
}

/**
 * Whether the record measured everything finding `id` reads. For an id this rdprobe does not know (a file from
 * another version) all it can tell is whether the host was reached.
 */
export function inputsMeasured(record: ProbeRecord, id: string): boolean {
  const paths = (FINDING_INPUTS as Record<string, readonly Input[] | undefined>)[id];
  if (!paths) return record.status === 'ok';
  return paths.every((p) => {
    if (typeof p === 'function') return p(record);
    const parts = p.split('.');
    if (parts[parts.length - 1] === '*') {
      const map = at(record, parts.slice(0, -1));
      return map !== null && typeof map === 'object' && Object.values(map).length > 0 && Object.values(map).every((x) => x !== null && x !== undefined);
    }
    return at(record, parts) !== null;
  });
}
