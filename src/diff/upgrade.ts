/**
 * Records of an older schema, read as this one so `diff` and `--baseline` compare like with like: a field the old
 * rdprobe did not have is null (not measured), never false, so it cannot show up as a change.
 *   1, 2 -> 3: tls.versions / attempts gain ssl2.0 and ssl3.0; the TLS deep-mode fields, tls.handshake and the
 *   certificate's chain / trusted / trust_error did not exist.
 */
import type { ProbeRecord } from '../record.js';

const NOT_TRIED = { accepted: null, cipher: null, refusal: null };

export function upgradeRecord(r: ProbeRecord): ProbeRecord {
  if (typeof r.schema_version === 'number' && r.schema_version >= 3) return r;
  const tls = r.tls as (Partial<ProbeRecord['tls']> & Record<string, unknown>) | null;
  if (tls && typeof tls === 'object') {
    if (tls.versions) for (const v of ['ssl2.0', 'ssl3.0'] as const) tls.versions[v] ??= null;
    if (tls.attempts) for (const v of ['ssl2.0', 'ssl3.0'] as const) tls.attempts[v] ??= { ...NOT_TRIED };
    for (const k of ['handshake', 'cipher_suites', 'server_preference', 'groups', 'dh_bits', 'secure_renegotiation', 'compression', 'fallback_scsv', 'ocsp_stapling']) {
      if (!(k in tls)) tls[k] = null;
    }
  }
  const cert = r.certificate as (Record<string, unknown> & object) | null;
  if (cert && typeof cert === 'object') {
    if (!('chain' in cert)) cert['chain'] = [];
    if (!('trusted' in cert)) cert['trusted'] = null;
    if (!('trust_error' in cert)) cert['trust_error'] = null;
  }
  return r;
}
