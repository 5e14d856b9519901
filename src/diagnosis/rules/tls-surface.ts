/**
 * Rules on the TLS surface: SSL versions, the accepted cipher suites of the deep mode (--tls-suites), the DH size,
 * secure renegotiation, and the certificate chain's trust. Each reads only measured fields: a scan without
 * --tls-suites has tls.cipher_suites = null, and none of the suite rules can fire on it.
 */
import type { CipherSuiteEntry, ProbeRecord, TlsVersionKey } from '../../record.js';
import { show } from '../evidence.js';
import type { HostRule, RuleHit } from '../types.js';

/** Every accepted suite with its version (SSL 2.0 cipher specs count under ssl2_enabled only). */
function accepted(record: ProbeRecord): { v: TlsVersionKey; s: CipherSuiteEntry }[] {
  const suites = record.tls?.cipher_suites;
  if (!suites) return [];
  return Object.entries(suites)
    .filter(([v]) => v !== 'ssl2.0')
    .flatMap(([v, list]) => (list ?? []).map((s) => ({ v: v as TlsVersionKey, s })));
}

/** One finding listing every accepted suite that matches (at most 8 in the evidence, then a count). */
function suiteRule(id: string, match: (s: CipherSuiteEntry) => boolean): HostRule {
  return (record) => {
    const hits = accepted(record).filter(({ s }) => match(s));
    if (hits.length === 0) return [];
    const evidence = hits.slice(0, 8).map(({ v, s }) => show(`tls.cipher_suites["${v}"]`, s.name));
    if (hits.length > 8) evidence.push(`... and ${hits.length - 8} more`);
    return [{ id, evidence }];
  };
}

const SIXTY_FOUR_BIT = /^(3DES|IDEA|GOST28147|MAGMA)/;
const AEAD = /_(GCM|CCM|CCM_8|POLY1305)$/;

const versionRule =
  (id: string, v: TlsVersionKey): HostRule =>
  (record) =>
    record.tls?.versions[v] === true ? [{ id, evidence: [show(`tls.versions["${v}"]`, true)] }] : [];

export const tlsNullExportAnon = suiteRule('tls_null_export_anon', (s) => s.cipher.startsWith('NULL') || /EXPORT/.test(s.name) || s.auth === 'anon' || s.auth === 'NULL');
export const tlsRc4 = suiteRule('tls_rc4', (s) => s.cipher.startsWith('RC4'));
export const tls3des = suiteRule('tls_3des', (s) => SIXTY_FOUR_BIT.test(s.cipher));
export const tlsNoPfs = suiteRule('tls_no_pfs', (s) => !s.pfs);

export const tlsCbcOnly: HostRule = (record) => {
  const all = accepted(record);
  if (all.length === 0 || all.some(({ v, s }) => v === 'tls1.3' || AEAD.test(s.cipher))) return [];
  return [{ id: 'tls_cbc_only', evidence: [show('tls.cipher_suites', `${all.length} accepted, none AEAD`), ...all.slice(0, 4).map(({ v, s }) => show(`tls.cipher_suites["${v}"]`, s.name))] }];
};

export const tlsWeakDh: HostRule = (record) => {
  const bits = record.tls?.dh_bits;
  return typeof bits === 'number' && bits < 2048 ? [{ id: 'tls_weak_dh', evidence: [show('tls.dh_bits', bits)] }] : [];
};

export const tlsNoSecureRenegotiation: HostRule = (record) =>
  record.tls?.secure_renegotiation === false ? [{ id: 'tls_no_secure_renegotiation', evidence: [show('tls.secure_renegotiation', false)] }] : [];

export const certUntrusted: HostRule = (record) => {
  const c = record.certificate;
  if (!c || c.trusted !== false || c.self_signed || c.trust_error === 'incomplete_chain') return [];
  const hit: RuleHit = { id: 'cert_untrusted', evidence: [show('certificate.trusted', false), show('certificate.trust_error', c.trust_error), show('certificate.issuer', c.issuer)] };
  return [hit];
};

export const certChainIncomplete: HostRule = (record) => {
  const c = record.certificate;
  if (!c || c.trust_error !== 'incomplete_chain') return [];
  return [{ id: 'cert_chain_incomplete', evidence: [show('certificate.trust_error', c.trust_error), show('certificate.chain_length', c.chain_length), show('certificate.issuer', c.issuer)] }];
};

export const TLS_SURFACE_RULES: HostRule[] = [
  versionRule('ssl2_enabled', 'ssl2.0'),
  versionRule('ssl3_enabled', 'ssl3.0'),
  tlsNullExportAnon,
  tlsRc4,
  tls3des,
  tlsNoPfs,
  tlsCbcOnly,
  tlsWeakDh,
  tlsNoSecureRenegotiation,
  certUntrusted,
  certChainIncomplete,
];
