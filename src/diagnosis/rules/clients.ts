/**
 * client_locked_out: one finding per simulated client that cannot connect (record `clients`, --clients), with the
 * profile's severity. The verdict itself (where, why, the fix) is src/analysis/client-compat.ts's; this rule only
 * ranks the catalog's causes by the step that failed and cites the verdict.
 */
import { clientProfile } from '../../clients/index.js';
import type { Certainty, ClientVerdict } from '../../record.js';
import { catalog } from '../catalog.js';
import { rankCauses, show } from '../evidence.js';
import type { HostRule } from '../types.js';

type Ranked = ReadonlyArray<string | [string, Certainty]>;

const NEGOTIATION_CAUSES: Readonly<Record<string, Ranked>> = {
  HYBRID_REQUIRED_BY_SERVER: ['nla_required'],
  SSL_WITH_USER_AUTH_REQUIRED_BY_SERVER: ['nla_required'],
  SSL_REQUIRED_BY_SERVER: ['standard_security'],
  SSL_NOT_ALLOWED_BY_SERVER: ['standard_security'],
  standard_rdp_security_unsupported: ['standard_security'],
  fallback_refused: ['standard_security'],
  client_requires_nla: ['nla_required'],
};

const TLS_CAUSES: Readonly<Record<string, Ranked>> = {
  tls_version_refused: ['tls_version'],
  version_not_completed: ['tls_version'],
  no_common_suite: ['cipher_suites', ['tls_version', 'possible']],
  tls_refused: [],
};

/** The causes in the order the failed step (the verdict's reason: src/analysis/client-compat.ts) points at. */
function causesFor(v: ClientVerdict): Ranked {
  const f = v.fails_at!;
  switch (f.stage) {
    case 'negotiation':
      return NEGOTIATION_CAUSES[f.reason] ?? [['server_refused', 'likely']];
    case 'credssp':
      return ['credssp_patch'];
    case 'mcs':
      return [['encryption_level', 'likely']];
    case 'tls':
      if (f.reason.startsWith('certificate_')) return [['certificate', 'likely']];
      return TLS_CAUSES[f.reason] ?? [['server_refused', 'likely']];
    default:
      return [];
  }
}

export const clientLockedOut: HostRule = (record) => {
  const clients = record.clients ?? null;
  if (clients === null) return [];
  const entry = catalog.client_locked_out;
  return Object.entries(clients).flatMap(([id, v]) => {
    if (v.connects !== false || v.fails_at === null) return [];
    const at = `clients[${JSON.stringify(id)}]`;
    const evidence = [
      show(`${at}.connects`, false),
      show(`${at}.fails_at.stage`, v.fails_at.stage),
      show(`${at}.fails_at.reason`, v.fails_at.reason),
      show(`${at}.fails_at.detail`, v.fails_at.detail),
    ];
    if (v.fix) evidence.push(show(`${at}.fix.server`, v.fix.server), show(`${at}.fix.client`, v.fix.client));
    if (v.certainty === 'likely') evidence.push(show(`${at}.certainty`, 'likely'), show(`${at}.inferred`, v.inferred));
    const ranked = causesFor(v);
    // A verdict resting on an inferred fact cannot confirm its cause.
    const causes = rankCauses(entry, v.certainty === 'likely' ? ranked.map((c) => (typeof c === 'string' ? [c, 'likely'] as [string, Certainty] : c)) : ranked);
    return [{ id: entry.id, evidence, causes, severity: clientProfile(id)?.severity.value ?? entry.severity }];
  });
};

export const CLIENT_RULES: HostRule[] = [clientLockedOut];
