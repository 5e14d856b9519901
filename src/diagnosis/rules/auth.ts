/**
 * Rules on the authentication and logon tests (record `auth`, `auth.logon`; src/checks/auth.ts, logon.ts). Each
 * reads the verdict the server gave the test account and ranks the catalog's causes by the code it sent: the
 * NTSTATUS of TSRequest.errorCode, the Early User Authorization Result, the licensing error, the ERRINFO reason.
 */
import { catalog } from '../catalog.js';
import { rankCauses, show } from '../evidence.js';
import type { AuthRecord, Certainty, LogonRecord } from '../../record.js';
import type { HostRule, RuleHit } from '../types.js';

/** Account-state statuses by the catalog cause they confirm ([MS-ERREF] 2.3; the Sub Status of Security 4625). */
const ACCOUNT_STATE_CAUSE: Readonly<Record<string, string>> = {
  STATUS_ACCOUNT_LOCKED_OUT: 'locked_out',
  STATUS_ACCOUNT_DISABLED: 'disabled',
  STATUS_ACCOUNT_EXPIRED: 'expired',
  STATUS_PASSWORD_EXPIRED: 'password_expired',
  STATUS_PASSWORD_MUST_CHANGE: 'must_change',
  STATUS_ACCOUNT_RESTRICTION: 'restricted',
  STATUS_INVALID_LOGON_HOURS: 'restricted',
  STATUS_INVALID_WORKSTATION: 'restricted',
};

/**
 * What an ERRINFO code means ([MS-RDPBCGR] 2.2.5.1.1, in words) and the logon_ended_by_server cause it points at.
 * Codes not listed keep the catalog's order and are named by the evidence only.
 */
const ERRINFO_MEANING: Readonly<Record<string, { meaning: string; cause: string }>> = {
  ERRINFO_RPC_INITIATED_DISCONNECT: { meaning: 'an administrative tool on the server disconnected the session', cause: 'connection_limit' },
  ERRINFO_RPC_INITIATED_LOGOFF: { meaning: 'an administrative tool on the server logged the session off', cause: 'session_ended' },
  ERRINFO_IDLE_TIMEOUT: { meaning: 'the idle session limit elapsed', cause: 'session_ended' },
  ERRINFO_LOGON_TIMEOUT: { meaning: 'the active session limit elapsed', cause: 'session_ended' },
  ERRINFO_DISCONNECTED_BY_OTHERCONNECTION: { meaning: 'another connection took over the session', cause: 'connection_limit' },
  ERRINFO_OUT_OF_MEMORY: { meaning: 'the server ran out of memory', cause: 'server_fault' },
  ERRINFO_SERVER_DENIED_CONNECTION: { meaning: 'the server denied the connection', cause: 'connection_limit' },
  ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES: { meaning: 'the user cannot connect to the server due to insufficient access privileges', cause: 'logon_right' },
  ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED: { meaning: 'the server does not accept saved (delegated) credentials and requires the user to type them', cause: 'fresh_credentials' },
  ERRINFO_RPC_INITIATED_DISCONNECT_BYUSER: { meaning: 'the session was disconnected by an administrative tool run by the user', cause: 'connection_limit' },
  ERRINFO_LOGOFF_BY_USER: { meaning: 'the session was logged off (by the user, the shell or a logon script ending)', cause: 'session_ended' },
  ERRINFO_SERVER_DWM_CRASH: { meaning: 'the Desktop Window Manager on the server crashed', cause: 'server_fault' },
  ERRINFO_SERVER_WINLOGON_CRASH: { meaning: 'Winlogon on the server crashed', cause: 'server_fault' },
  ERRINFO_SERVER_CSRSS_CRASH: { meaning: 'CSRSS on the server crashed', cause: 'server_fault' },
  ERRINFO_SERVER_SHUTDOWN: { meaning: 'the server is shutting down', cause: 'server_fault' },
  ERRINFO_SERVER_REBOOT: { meaning: 'the server is rebooting', cause: 'server_fault' },
};

/** Licensing codes by the licensing_failed cause they point at. */
const LICENSING_CAUSE: Readonly<Record<string, string>> = {
  ERR_NO_LICENSE_SERVER: 'no_license_server',
  ERRINFO_LICENSE_NO_LICENSE_SERVER: 'no_license_server',
  ERR_NO_LICENSE: 'no_cals',
  ERRINFO_LICENSE_NO_LICENSE: 'no_cals',
  ERRINFO_LICENSE_NO_REMOTE_CONNECTIONS: 'no_cals',
  ERR_INVALID_CLIENT: 'client_license',
  ERRINFO_LICENSE_BAD_CLIENT_LICENSE: 'client_license',
  ERRINFO_LICENSE_HWID_DOESNT_MATCH_LICENSE: 'client_license',
  ERRINFO_LICENSE_CANT_UPGRADE_LICENSE: 'client_license',
};

function authEvidence(a: AuthRecord): string[] {
  const ev = [show('auth.result', a.result), show('auth.user', a.user)];
  if (a.status) ev.push(`auth.status = ${a.status.hex} (${a.status.name})`);
  if (a.early_user_authz) ev.push(show('auth.early_user_authz', a.early_user_authz));
  if (a.failure) ev.push(`auth.failure = ${a.failure.stage}/${a.failure.reason}${a.failure.detail ? `: ${a.failure.detail}` : ''}`);
  return ev;
}

function logonEvidence(l: LogonRecord): string[] {
  const ev = [show('auth.logon.result', l.result), show('auth.logon.reached', l.reached)];
  if (l.licensing) ev.push(`auth.logon.licensing = ${l.licensing.message}${l.licensing.error_code ? ` ${l.licensing.error_code}` : ''}${l.licensing.state_transition ? ` / ${l.licensing.state_transition}` : ''}`);
  if (l.error_info) ev.push(`auth.logon.error_info = ${l.error_info.code} (${l.error_info.name})`);
  if (l.logon_errors) ev.push(`auth.logon.logon_errors = ${l.logon_errors.type}${l.logon_errors.data ? ` / ${l.logon_errors.data}` : ''}`);
  if (l.disconnect) ev.push(`auth.logon.disconnect = ${l.disconnect.by}${l.disconnect.reason ? ` (${l.disconnect.reason})` : ''}`);
  if (l.failure) ev.push(`auth.logon.failure = ${l.failure.stage}/${l.failure.reason}${l.failure.detail ? `: ${l.failure.detail}` : ''}`);
  return ev;
}

export const credentialsRejected: HostRule = (record) => {
  const a = record.auth ?? null;
  if (a?.result !== 'credentials_rejected') return [];
  const entry = catalog.logon_credentials_rejected;
  // A close instead of an error code: the server gave no status, so wrong password and unknown user stay equal.
  const causes = a.status?.name === 'STATUS_NO_SUCH_USER' ? rankCauses(entry, [['unknown_user', 'confirmed']], ['wrong_password']) : a.status?.name === 'STATUS_WRONG_PASSWORD' ? rankCauses(entry, [['wrong_password', 'confirmed']], ['unknown_user']) : undefined;
  return [{ id: entry.id, evidence: authEvidence(a), ...(causes ? { causes } : {}) }];
};

export const accountState: HostRule = (record) => {
  const a = record.auth ?? null;
  if (a?.result !== 'account_state') return [];
  const entry = catalog.logon_account_state;
  const cause = a.status ? ACCOUNT_STATE_CAUSE[a.status.name] : undefined;
  return [{ id: entry.id, evidence: authEvidence(a), ...(cause ? { causes: rankCauses(entry, [[cause, 'confirmed']]) } : {}) }];
};

export const logonRightMissing: HostRule = (record) => {
  const a = record.auth ?? null;
  if (a?.result !== 'logon_right_missing') return [];
  return [{ id: 'logon_right_missing', evidence: authEvidence(a) }];
};

export const ntlmRefused: HostRule = (record) => {
  const a = record.auth ?? null;
  if (a?.result !== 'ntlm_refused') return [];
  return [{ id: 'logon_ntlm_refused', evidence: authEvidence(a) }];
};

export const licensingFailed: HostRule = (record) => {
  const l = record.auth?.logon ?? null;
  if (l?.result !== 'licensing_failed') return [];
  const entry = catalog.licensing_failed;
  const named = [l.error_info?.name, l.licensing?.error_code].map((n) => (n ? LICENSING_CAUSE[n] : undefined)).find((x) => x);
  return [{ id: entry.id, evidence: logonEvidence(l), ...(named ? { causes: rankCauses(entry, [[named, 'confirmed']]) } : {}) }];
};

export const endedByServer: HostRule = (record) => {
  const l = record.auth?.logon ?? null;
  if (l?.result !== 'ended_by_server' || !l.error_info) return [];
  const entry = catalog.logon_ended_by_server;
  const known = ERRINFO_MEANING[l.error_info.name];
  const evidence = logonEvidence(l);
  if (known) evidence.push(`${l.error_info.name}: ${known.meaning} ([MS-RDPBCGR] 2.2.5.1.1)`);
  const hit: RuleHit = { id: entry.id, evidence };
  if (known) hit.causes = rankCauses(entry, [[known.cause, 'confirmed' as Certainty]]);
  return [hit];
};

export const logonIncomplete: HostRule = (record) => {
  const l = record.auth?.logon ?? null;
  if (!l || (l.result !== 'timed_out' && l.result !== 'incomplete' && l.result !== 'reconnected_existing')) return [];
  const entry = catalog.logon_incomplete;
  const first: [string, Certainty][] =
    l.result === 'reconnected_existing'
      ? [['existing_session', 'confirmed']]
      : l.result === 'timed_out'
        ? [['interactive_screen', 'likely'], ['slow_logon', 'possible']]
        : [['dropped', 'likely']];
  return [{ id: entry.id, evidence: logonEvidence(l), causes: rankCauses(entry, first, l.result === 'timed_out' ? ['dropped', 'existing_session'] : ['interactive_screen', 'slow_logon']) }];
};

export const AUTH_RULES: HostRule[] = [credentialsRejected, accountState, logonRightMissing, ntlmRefused, licensingFailed, endedByServer, logonIncomplete];
