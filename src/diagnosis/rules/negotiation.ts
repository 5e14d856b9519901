/**
 * Rules on the X.224 negotiation ([MS-RDPBCGR] 2.2.1.1-2.2.1.2): which security protocols the server selects
 * or refuses, and whether its answers hang together.
 */
import { PROTOCOL_KEYS, type ProbeRecord, type ProtocolKey, type ProtocolResult } from '../../record.js';
import { catalog } from '../catalog.js';
import { rankCauses, show } from '../evidence.js';
import type { HostRule } from '../types.js';

type Probe = [ProtocolKey, ProtocolResult];

export function probes(record: ProbeRecord): Probe[] {
  const p = record.protocols;
  return p === null ? [] : PROTOCOL_KEYS.map((k): Probe => [k, p[k]]);
}

/** `requested` holds spec names (PROTOCOL_SSL); `selected` holds record keys (ssl). */
function requestedKeys(r: ProtocolResult): string[] {
  return r.requested.map((name) => (name.toUpperCase() === 'PROTOCOL_RDP' ? 'rdp' : name.replace(/^PROTOCOL_/i, '').toLowerCase()));
}

/** The server answered RDP_NEG_RSP and picked `selected` (an old server's bare Confirm is not an answer to this). */
function selectedBy(r: ProtocolResult, selected: string): boolean {
  return r.response === 'negotiation_response' && r.selected === selected;
}

export const negotiationCertNotOnServer: HostRule = (record) => {
  const evidence = probes(record)
    .filter(([, r]) => r.failure_code === 'SSL_CERT_NOT_ON_SERVER')
    .map(([k, r]) => show(`protocols.${k}.failure_code`, r.failure_code));
  return evidence.length > 0 ? [{ id: 'negotiation_cert_not_on_server', evidence }] : [];
};

/**
 * A request without HYBRID that the server accepted proves NLA is not required. The prober's own verdict
 * (nla_required) wins when it is there; the protocol answers are the fallback and the supporting evidence.
 */
export const nlaNotRequired: HostRule = (record) => {
  if (record.nla_required === true) return [];
  const accepted = probes(record).filter(
    ([k, r]) => (k === 'rdp' || k === 'ssl') && (r.response === 'no_negotiation' || selectedBy(r, 'rdp') || selectedBy(r, 'ssl')),
  );
  if (record.nla_required === null && accepted.length === 0) return [];
  const evidence: string[] = [];
  if (record.nla_required === false) evidence.push(show('nla_required', false));
  for (const [k, r] of accepted) {
    evidence.push(r.response === 'no_negotiation' ? show(`protocols.${k}.response`, r.response) : show(`protocols.${k}.selected`, r.selected));
  }
  const entry = catalog.nla_not_required;
  const p = record.protocols;
  // xrdp-like: a CredSSP request quietly answered with Standard RDP Security means CredSSP is not implemented;
  // Windows with SecurityLayer 0 says SSL_NOT_ALLOWED_BY_SERVER instead.
  const hybridIgnored = probes(record).filter(([k, r]) => (k === 'hybrid' || k === 'hybrid_ex') && selectedBy(r, 'rdp'));
  const sslNotAllowed = p !== null && [p.ssl, p.hybrid].some((r) => r.failure_code === 'SSL_NOT_ALLOWED_BY_SERVER');
  if (hybridIgnored.length > 0) {
    for (const [k, r] of hybridIgnored) evidence.push(show(`protocols.${k}.selected`, r.selected));
    return [{ id: entry.id, evidence, causes: rankCauses(entry, [['third_party', 'likely'], 'security_layer'], ['user_auth_off']) }];
  }
  if (sslNotAllowed) return [{ id: entry.id, evidence, causes: rankCauses(entry, [['security_layer', 'confirmed']]) }];
  return [{ id: entry.id, evidence }];
};

/**
 * Answers that one configuration cannot give: a protocol selected that was not offered, or a refusal on one
 * connection that another connection contradicts.
 */
export const negotiationInconsistent: HostRule = (record) => {
  const p = record.protocols;
  if (p === null) return [];
  // Only the protocols whose answers [MS-RDPBCGR] pins down; what servers say to an RDSTLS- or RDSAAD-only
  // request varies too much to call a contradiction.
  const pinned = probes(record).filter(([k]) => k === 'rdp' || k === 'ssl' || k === 'hybrid' || k === 'hybrid_ex');
  const evidence: string[] = [];
  for (const [k, r] of pinned) {
    if (r.response !== 'negotiation_response' || r.selected === null || r.selected === 'rdp') continue;
    if (!requestedKeys(r).includes(r.selected)) {
      evidence.push(`${show(`protocols.${k}.selected`, r.selected)} while ${show(`protocols.${k}.requested`, r.requested)}`);
    }
  }
  const supported = (k: ProtocolKey): boolean => p[k].supported === true;
  const contradictions: Array<[string, ProtocolKey[]]> = [
    ['SSL_NOT_ALLOWED_BY_SERVER', ['ssl', 'hybrid', 'hybrid_ex']],
    ['SSL_REQUIRED_BY_SERVER', ['rdp']],
    ['HYBRID_REQUIRED_BY_SERVER', ['rdp', 'ssl']],
    ['SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER', ['rdp']],
  ];
  for (const [code, contradicted] of contradictions) {
    const refusing = pinned.filter(([, r]) => r.failure_code === code);
    const accepting = contradicted.filter(supported);
    if (refusing.length === 0 || accepting.length === 0) continue;
    for (const [k] of refusing) evidence.push(show(`protocols.${k}.failure_code`, code));
    for (const k of accepting) evidence.push(show(`protocols.${k}.supported`, true));
  }
  const unique = [...new Set(evidence)];
  return unique.length > 0 ? [{ id: 'negotiation_inconsistent', evidence: unique }] : [];
};

export const NEGOTIATION_RULES: HostRule[] = [negotiationCertNotOnServer, nlaNotRequired, negotiationInconsistent];
