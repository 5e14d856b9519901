/** Rules on the TLS versions and cipher suites the server accepts after selecting TLS or CredSSP. */
import { TLS_VERSION_KEYS, type Certainty, type ProbeRecord, type TlsRefusal, type TlsVersionKey } from '../../record.js';
import { catalog } from '../catalog.js';
import { osMajorMinor, rankCauses, show } from '../evidence.js';
import type { HostRule } from '../types.js';

const tlsVersionPath = (v: TlsVersionKey): string => `tls.versions["${v}"]`;

/** The X.224 step chose a protocol that runs over TLS (or the prober reached TLS through one). */
function tlsSelectedEvidence(record: ProbeRecord): string[] {
  const evidence: string[] = [];
  const p = record.protocols;
  if (p !== null) {
    for (const k of ['ssl', 'hybrid', 'hybrid_ex'] as const) {
      if (p[k].supported === true) evidence.push(show(`protocols.${k}.supported`, true));
    }
  }
  if (evidence.length === 0 && record.tls?.via) evidence.push(show('tls.via', record.tls.via));
  return evidence;
}

/**
 * How the refusals looked, reduced to what tells the causes apart: the transport simply ending (or an
 * internal_error alert) is how a server that cannot use its key behaves; a negotiation alert (handshake_failure,
 * protocol_version, insufficient_security) or an answer in another version is a policy refusal; silence is
 * more often a device on the way.
 */
type RefusalLook = 'dropped' | 'policy' | 'silent' | 'other';

function look(refusal: TlsRefusal | null): RefusalLook {
  if (refusal === null) return 'other';
  switch (refusal.kind) {
    case 'reset':
    case 'closed':
      return 'dropped';
    case 'timeout':
      return 'silent';
    case 'version_mismatch':
      return 'policy';
    case 'alert':
      if (refusal.alert === 80 || refusal.alert_description === 'internal_error') return 'dropped';
      return [40, 70, 71].includes(refusal.alert ?? -1) ||
        ['handshake_failure', 'protocol_version', 'insufficient_security'].includes(refusal.alert_description ?? '')
        ? 'policy'
        : 'other';
    default:
      return 'other';
  }
}

/** Server Core Data version of RDP 10.0 ([MS-RDPBCGR] 2.2.1.4.2); lower values are RDP 4.0-8.x servers. */
const RDP_10_CORE_VERSION = 0x00080005;

/** The versions the default probe tries (SSL 2.0/3.0 only in the deep mode). */
const MODERN_VERSIONS = ['tls1.0', 'tls1.1', 'tls1.2', 'tls1.3'] as const;

export const tlsFailedAllVersions: HostRule = (record) => {
  const tls = record.tls;
  if (tls === null) return [];
  const selected = tlsSelectedEvidence(record);
  const tested = MODERN_VERSIONS.filter((v) => tls.versions[v] !== null && tls.versions[v] !== undefined);
  const allRefused = tested.length > 0 && tested.every((v) => tls.versions[v] === false);
  // A server whose private key is unusable can still answer a ClientHello with a ServerHello and only then fail:
  // the modern client's own handshake is the fact that says no client gets through.
  const clientFailed = tls.handshake?.completed === false;
  if (selected.length === 0 || (!allRefused && !clientFailed)) return [];

  const evidence = [...selected];
  const entry = catalog.tls_failed_all_versions;
  if (!allRefused) {
    const h = tls.handshake!;
    evidence.push(show('tls.handshake.completed', false));
    if (h.refusal) evidence.push(show('tls.handshake.refusal.kind', h.refusal.kind));
    if (h.refusal?.alert_description) evidence.push(show('tls.handshake.refusal.alert_description', h.refusal.alert_description));
    for (const v of tested.filter((x) => tls.versions[x] === true)) evidence.push(show(tlsVersionPath(v), true));
    // Hellos were answered, the handshake was not finished: the key (or a suite only the prober's hello offers).
    return [{ id: entry.id, evidence, causes: rankCauses(entry, [['private_key', 'likely'], ['cipher_policy', 'possible']]) }];
  }
  const looks: RefusalLook[] = [];
  for (const v of tested) {
    evidence.push(show(tlsVersionPath(v), false));
    const refusal = tls.attempts[v].refusal;
    looks.push(look(refusal));
    if (refusal === null) continue;
    evidence.push(show(`tls.attempts["${v}"].refusal.kind`, refusal.kind));
    if (refusal.alert_description !== null) evidence.push(show(`tls.attempts["${v}"].refusal.alert_description`, refusal.alert_description));
    else if (refusal.alert !== null) evidence.push(show(`tls.attempts["${v}"].refusal.alert`, refusal.alert));
  }

  const count = (l: RefusalLook): number => looks.filter((x) => x === l).length;
  const dominant = (['dropped', 'policy', 'silent'] as const).find((l) => count(l) * 2 > looks.length);
  // A server whose Standard Security probe reported a pre-RDP 10 core version (Windows 2012 R2 or older)
  // makes the "TLS 1.0-only stack" explanation much more plausible.
  const raw = record.rdp_security?.server_version_raw ?? null;
  const oldStack = raw !== null && /^0x[0-9a-f]+$/i.test(raw) && Number.parseInt(raw, 16) < RDP_10_CORE_VERSION;
  if (oldStack) evidence.push(show('rdp_security.server_version_raw', raw));
  const order: Array<[string, Certainty]> =
    dominant === 'policy'
      ? [['cipher_policy', 'likely'], ['tls10_only_stack', oldStack ? 'likely' : 'possible'], ['private_key', 'possible']]
      : dominant === 'silent'
        ? [['middlebox', 'likely'], ['private_key', 'possible'], ['tls10_only_stack', 'possible']]
        : oldStack
          ? [['tls10_only_stack', 'likely'], ['private_key', 'likely'], ['cipher_policy', 'possible']]
          : [['private_key', 'likely'], ['tls10_only_stack', 'possible'], ['cipher_policy', 'possible']];
  return [{ id: entry.id, evidence, causes: rankCauses(entry, order) }];
};


export const tls12Missing: HostRule = (record) => {
  const tls = record.tls;
  if (tls === null || tls.versions['tls1.2'] !== false) return [];
  const older = (['tls1.0', 'tls1.1'] as const).filter((v) => tls.versions[v] === true);
  if (older.length === 0) return [];
  const evidence = [show(tlsVersionPath('tls1.2'), false), ...older.map((v) => show(tlsVersionPath(v), true))];
  const refusal = tls.attempts['tls1.2'].refusal;
  if (refusal?.alert_description) evidence.push(show('tls.attempts["tls1.2"].refusal.alert_description', refusal.alert_description));
  else if (refusal) evidence.push(show('tls.attempts["tls1.2"].refusal.kind', refusal.kind));

  const entry = catalog.tls12_missing;
  const os = osMajorMinor(record);
  if (os === null) return [{ id: entry.id, evidence }];
  evidence.push(show('credssp.ntlm.os_version', record.credssp?.ntlm?.os_version));
  const [major, minor] = os;
  // KB3080079 only concerns Windows 7 / Server 2008 R2 (6.1); anything newer has TLS 1.2 for RDP built in.
  if (major === 6 && minor === 1) return [{ id: entry.id, evidence, causes: rankCauses(entry, [['kb3080079', 'likely']]) }];
  if (major > 6 || (major === 6 && minor > 1)) return [{ id: entry.id, evidence, causes: rankCauses(entry, ['schannel_disabled'], ['kb3080079']) }];
  return [{ id: entry.id, evidence }];
};

export const tlsLegacyEnabled: HostRule = (record) => {
  const tls = record.tls;
  if (tls === null) return [];
  const evidence = (['tls1.0', 'tls1.1'] as const).filter((v) => tls.versions[v] === true).map((v) => show(tlsVersionPath(v), true));
  return evidence.length > 0 ? [{ id: 'tls_legacy_enabled', evidence }] : [];
};

/** RC4, DES and 3DES, export-grade, null encryption, anonymous key exchange; OpenSSL or IANA spelling. */
const WEAK_CIPHER = /RC4|3DES|DES[-_]CBC|_DES_|(^|[-_])DES([-_]|$)|EXPORT|(^|[-_])EXP[-_]|NULL|anon|(^|[-_])ADH[-_]|(^|[-_])AECDH[-_]/i;

export function isWeakCipher(name: string): boolean {
  return WEAK_CIPHER.test(name);
}

export const tlsWeakCipher: HostRule = (record) => {
  const tls = record.tls;
  if (tls === null) return [];
  const evidence: string[] = [];
  if (tls.cipher !== null && isWeakCipher(tls.cipher)) evidence.push(show('tls.cipher', tls.cipher));
  for (const v of TLS_VERSION_KEYS) {
    const cipher = tls.attempts[v]?.cipher ?? null;
    if (cipher !== null && isWeakCipher(cipher)) evidence.push(show(`tls.attempts["${v}"].cipher`, cipher));
  }
  return evidence.length > 0 ? [{ id: 'tls_weak_cipher', evidence }] : [];
};

export const TLS_RULES: HostRule[] = [tlsFailedAllVersions, tls12Missing, tlsLegacyEnabled, tlsWeakCipher];
