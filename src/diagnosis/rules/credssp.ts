/** Rules on what CredSSP ([MS-CSSP]) and the NTLM CHALLENGE inside it ([MS-NLMP]) reveal. */
import { catalog } from '../catalog.js';
import { osMajorMinor, rankCauses, show } from '../evidence.js';
import type { HostRule } from '../types.js';

/** Version 5 brought the clientNonce that binds the public key hash: the CVE-2018-0886 fix ([MS-CSSP] 2.2.1). */
const FIRST_FIXED_CREDSSP_VERSION = 5;

export const credsspOutdated: HostRule = (record) => {
  const version = record.credssp?.version ?? null;
  if (version === null || version >= FIRST_FIXED_CREDSSP_VERSION) return [];
  return [{ id: 'credssp_outdated', evidence: [show('credssp.version', version)] }];
};

/** NTSTATUS values a server sends in TSRequest.errorCode, by the catalog cause they point at. */
const NTSTATUS_CAUSE: Readonly<Record<string, string>> = {
  '0xC00000BB': 'oracle', // STATUS_NOT_SUPPORTED
  '0xC000006D': 'account', // STATUS_LOGON_FAILURE
  '0xC000006A': 'account', // STATUS_WRONG_PASSWORD
  '0xC0000064': 'account', // STATUS_NO_SUCH_USER
  '0xC000006E': 'account', // STATUS_ACCOUNT_RESTRICTION
  '0xC000006F': 'account', // STATUS_INVALID_LOGON_HOURS
  '0xC0000070': 'account', // STATUS_INVALID_WORKSTATION
  '0xC0000071': 'account', // STATUS_PASSWORD_EXPIRED
  '0xC0000072': 'account', // STATUS_ACCOUNT_DISABLED
  '0xC0000193': 'account', // STATUS_ACCOUNT_EXPIRED
  '0xC0000224': 'account', // STATUS_PASSWORD_MUST_CHANGE
  '0xC0000234': 'account', // STATUS_ACCOUNT_LOCKED_OUT
  '0xC000015B': 'logon_right', // STATUS_LOGON_TYPE_NOT_GRANTED
  '0xC000005E': 'domain', // STATUS_NO_LOGON_SERVERS
  '0xC00000DF': 'domain', // STATUS_NO_SUCH_DOMAIN
  '0xC000018C': 'domain', // STATUS_TRUSTED_DOMAIN_FAILURE
  '0xC000018D': 'domain', // STATUS_TRUSTED_RELATIONSHIP_FAILURE
  '0xC0000192': 'domain', // STATUS_NETLOGON_NOT_STARTED
  '0xC0000233': 'domain', // STATUS_DOMAIN_CONTROLLER_NOT_FOUND
};

export function ntstatusKey(hex: string): string {
  const digits = hex.replace(/^0x/i, '').toUpperCase().padStart(8, '0');
  return `0x${digits}`;
}

export const credsspError: HostRule = (record) => {
  const code = record.credssp?.error_code ?? null;
  if (code === null) return [];
  const entry = catalog.credssp_error;
  const evidence = [`credssp.error_code = ${code.hex} (${code.name})`];
  const cause = NTSTATUS_CAUSE[ntstatusKey(code.hex)];
  return [cause ? { id: entry.id, evidence, causes: rankCauses(entry, [[cause, 'likely']]) } : { id: entry.id, evidence }];
};

export const clockSkew: HostRule = (record, opts) => {
  const ntlm = record.credssp?.ntlm ?? null;
  const skew = ntlm?.clock_skew_seconds ?? null;
  if (ntlm === null || skew === null || Math.abs(skew) <= opts.maxClockSkewSeconds) return [];
  const evidence = [show('credssp.ntlm.clock_skew_seconds', skew)];
  if (ntlm.server_time !== null) evidence.push(show('credssp.ntlm.server_time', ntlm.server_time));
  evidence.push(`threshold maxClockSkewSeconds = ${opts.maxClockSkewSeconds}`);
  return [{ id: 'clock_skew', evidence }];
};

/** NTLM VERSION major.minor -> the releases that share it (client / server). */
const WINDOWS_RELEASES: Readonly<Record<string, string>> = {
  '5.0': 'Windows 2000',
  '5.1': 'Windows XP',
  '5.2': 'Windows XP x64 / Server 2003',
  '6.0': 'Windows Vista / Server 2008',
  '6.1': 'Windows 7 / Server 2008 R2',
  '6.2': 'Windows 8 / Server 2012',
  '6.3': 'Windows 8.1 / Server 2012 R2',
};

export const osUnsupported: HostRule = (record) => {
  const os = osMajorMinor(record);
  if (os === null || os[0] >= 10) return [];
  const release = WINDOWS_RELEASES[`${os[0]}.${os[1]}`];
  const version = show('credssp.ntlm.os_version', record.credssp?.ntlm?.os_version);
  return [{ id: 'os_unsupported', evidence: [release ? `${version} (${release})` : version] }];
};

export const CREDSSP_RULES: HostRule[] = [credsspOutdated, credsspError, clockSkew, osUnsupported];
