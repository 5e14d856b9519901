/** Rules on what CredSSP ([MS-CSSP]) and the NTLM CHALLENGE inside it ([MS-NLMP]) reveal. */
import { catalog } from '../catalog.js';
import type { Certainty, FindingCause } from '../../record.js';
import { rankCauses, show } from '../evidence.js';
import { looksLikeName, notWindowsTells } from '../not-windows.js';
import { describeFamily, familyLabel, isOutOfSupport, judgeWindowsVersion, releaseNames, WINDOWS_RELEASES_AS_OF } from '../windows-releases.js';
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

/**
 * os_unsupported: the build in the NTLM VERSION, judged against the Windows release table at the scan date (or the
 * `now` option). It fires when at least one family of editions the build stands for is out of support: with
 * `confirmed` when all are (`likely` while a paid ESU programme still runs), with `likely` naming each edition
 * when they differ. A build missing from the table never fires. Answers that give away a non-Windows server turn
 * the finding into "announces Windows X but answers like FreeRDP".
 */
export const osUnsupported: HostRule = (record, opts) => {
  const version = record.credssp?.ntlm?.os_version ?? null;
  if (version === null) return [];
  const scanned = new Date(record.scanned_at);
  const at = opts.now ?? (Number.isNaN(scanned.getTime()) ? new Date(`${WINDOWS_RELEASES_AS_OF}T00:00:00Z`) : scanned);
  const verdict = judgeWindowsVersion(version, at);
  if (verdict.kind !== 'judged' || verdict.outOfSupport === 'none') return [];

  const names = releaseNames(version) ?? version;
  const out = verdict.families.filter((f) => isOutOfSupport(f.latest.phase));
  const inSupport = verdict.families.filter((f) => !isOutOfSupport(f.latest.phase));
  const evidence = [
    `${show('credssp.ntlm.os_version', version)} (build ${verdict.build}: ${names})`,
    `judged at ${verdict.at} against the Windows release table as of ${verdict.asOf} (Microsoft Learn release information and lifecycle pages)`,
  ];
  if (verdict.builds.length > 1) {
    evidence.push(`build ${verdict.build} is also what builds ${verdict.builds.slice(1).join(', ')} report (releases delivered as enablement packages on it)`);
  }
  for (const f of verdict.families) evidence.push(describeFamily(f));

  const esuRunning = out.some((f) => f.latest.phase === 'esu');
  // The catalog holds each cause's text; what is particular to this build (which editions are out, which are
  // still supported) is evidence.
  evidence.push(`out of support: ${out.map(familyLabel).join('; ')}`);
  if (inSupport.length > 0) evidence.push(`still supported: ${inSupport.map(describeFamily).join('; ')}`);
  const [release, ruledOut]: [FindingCause[], string[]] =
    verdict.outOfSupport === 'all'
      ? esuRunning
        ? [[{ id: 'out_of_support', certainty: 'likely' }, { id: 'esu', certainty: 'likely' }], ['shared_build']]
        : [[{ id: 'out_of_support', certainty: 'confirmed' }], ['shared_build', 'esu']]
      : [[{ id: 'shared_build', certainty: 'likely' }], ['out_of_support']];
  const entry = catalog.os_unsupported;

  const tells = notWindowsTells(record);
  if (tells.length === 0) return [{ id: entry.id, evidence, causes: rankCauses(entry, release.map((c) => [c.id, c.certainty] as [string, Certainty]), ruledOut) }];
  const like = looksLikeName(tells);
  const certainty: Certainty = tells.some((t) => t.certainty === 'confirmed') ? 'confirmed' : 'likely';
  return [
    {
      id: entry.id,
      evidence: [...evidence, `announces ${names} (${version}) but answers like ${like}`, ...tells.map((t) => `not Windows: ${t.evidence}`)],
      causes: rankCauses(entry, [['not_windows', certainty], ...release.map((c) => [c.id, 'possible'] as [string, Certainty])], ruledOut),
    },
  ];
};

export const CREDSSP_RULES: HostRule[] = [credsspOutdated, credsspError, clockSkew, osUnsupported];
