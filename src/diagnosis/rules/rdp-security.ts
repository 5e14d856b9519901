/**
 * Rules on Standard RDP Security ([MS-RDPBCGR] 5.3): whether the server accepts it at all, and with which
 * encryption level and methods (Server Security Data, 2.2.1.4.3).
 */
import type { EncryptionMethod, ProbeRecord } from '../../record.js';
import { catalog } from '../catalog.js';
import { rankCauses, show } from '../evidence.js';
import type { HostRule } from '../types.js';
import { probes } from './negotiation.js';

/** Did any connection end up on Standard RDP Security? (selected rdp, or an old server that ignores negotiation) */
function standardSecurityEvidence(record: ProbeRecord): { evidence: string[]; oldServer: boolean; ignoresRequests: boolean } {
  const evidence: string[] = [];
  let oldServer = false;
  let ignoresRequests = false;
  for (const [k, r] of probes(record)) {
    if (k === 'rdp' && r.response === 'no_negotiation') {
      evidence.push(show('protocols.rdp.response', r.response));
      oldServer = true;
    } else if (k === 'rdp' && r.supported === true) {
      evidence.push(show('protocols.rdp.supported', true));
    } else if (k !== 'rdp' && r.response === 'negotiation_response' && r.selected === 'rdp') {
      // Windows refuses with a failure code; selecting RDP for a TLS request is what xrdp does.
      evidence.push(show(`protocols.${k}.selected`, 'rdp'));
      ignoresRequests = true;
    }
  }
  return { evidence, oldServer, ignoresRequests };
}

export const standardRdpSecurityAllowed: HostRule = (record) => {
  const { evidence, oldServer, ignoresRequests } = standardSecurityEvidence(record);
  if (evidence.length === 0) return [];
  const cert = record.rdp_security?.server_certificate;
  if (cert && cert.key_bits !== null) evidence.push(show('rdp_security.server_certificate.key_bits', cert.key_bits));
  const entry = catalog.standard_rdp_security_allowed;
  if (oldServer) return [{ id: entry.id, evidence, causes: rankCauses(entry, ['old_server']) }];
  if (ignoresRequests) return [{ id: entry.id, evidence, causes: rankCauses(entry, [['third_party', 'likely']]) }];
  return [{ id: entry.id, evidence, causes: rankCauses(entry, [], ['old_server']) }];
};

/** Below this, an RSA key protects nothing against a determined attacker (NIST SP 800-131A). */
const MIN_RSA_BITS = 2048;

/**
 * The Standard RDP Security server key ([MS-RDPBCGR] 5.3.3): a client encrypts its random with it, so a key under
 * 2048 bits (Windows' proprietary certificates carry 512) gives the session keys to whoever can factor it.
 */
export const rdpServerKeyWeak: HostRule = (record) => {
  const cert = record.rdp_security?.server_certificate;
  if (!cert || cert.key_bits === null || cert.key_bits >= MIN_RSA_BITS) return [];
  const evidence = [show('rdp_security.server_certificate.type', cert.type), show('rdp_security.server_certificate.key_bits', cert.key_bits)];
  if (cert.temporary) evidence.push(show('rdp_security.server_certificate.temporary', true));
  if (cert.leaf?.key_oid && !/^1\.2\.840\.113549\.1\.1\.1$/.test(cert.leaf.key_oid)) evidence.push(show('rdp_security.server_certificate.leaf.key_oid', cert.leaf.key_oid));
  return [{ id: 'rdp_server_key_weak', evidence }];
};

/** Standard RDP Security methods a passive attacker breaks (RC4 with 40- or 56-bit keys): the one list of them. */
export const WEAK_METHODS: readonly EncryptionMethod[] = ['40bit', '56bit'];
const WEAK_LEVELS: readonly string[] = ['none', 'low', 'client_compatible'];

export const weakRdpEncryption: HostRule = (record) => {
  const s = record.rdp_security;
  if (s === null) return [];
  const evidence: string[] = [];
  for (const m of WEAK_METHODS) {
    if (s.methods_tested[m] === true) evidence.push(show(`rdp_security.methods_tested["${m}"]`, true));
    else if (s.encryption_methods.includes(m)) evidence.push(show('rdp_security.encryption_methods', s.encryption_methods));
  }
  if (s.encryption_level !== null && WEAK_LEVELS.includes(s.encryption_level)) {
    // Level 0 is also what a server reports under TLS: it only means "no encryption" on a Standard Security link.
    if (s.encryption_level !== 'none' || standardSecurityEvidence(record).evidence.length > 0) {
      evidence.push(show('rdp_security.encryption_level', s.encryption_level));
    }
  }
  const unique = [...new Set(evidence)];
  return unique.length > 0 ? [{ id: 'weak_rdp_encryption', evidence: unique }] : [];
};

export const rdpFipsOnly: HostRule = (record) => {
  const s = record.rdp_security;
  if (s === null) return [];
  const evidence: string[] = [];
  if (s.encryption_level === 'fips') evidence.push(show('rdp_security.encryption_level', 'fips'));
  if (s.encryption_methods.length > 0 && s.encryption_methods.every((m) => m === 'fips')) {
    evidence.push(show('rdp_security.encryption_methods', s.encryption_methods));
  }
  return evidence.length > 0 ? [{ id: 'rdp_fips_only', evidence }] : [];
};

export const RDP_SECURITY_RULES: HostRule[] = [rdpServerKeyWeak, standardRdpSecurityAllowed, weakRdpEncryption, rdpFipsOnly];
