/**
 * Catalog entries of the authentication and logon tests (`--user`, `--logon`; docs/auth.md): what the server said
 * to the test account, the Windows events that record it on the server and on the domain controller, the checks
 * and the fixes. Like every entry, the text is static; the record's facts go into the evidence (rules/auth.ts).
 */
import { c, r, TS_POLICY, RDP_TCP } from './commands.js';
import type { CatalogEntry } from './types.js';

export const AUTH_FINDING_IDS = [
  'logon_credentials_rejected',
  'logon_account_state',
  'logon_right_missing',
  'logon_ntlm_refused',
  'licensing_failed',
  'logon_ended_by_server',
  'logon_incomplete',
] as const;

export type AuthFindingId = (typeof AUTH_FINDING_IDS)[number];

const LSM = 'Microsoft-Windows-TerminalServices-LocalSessionManager';
const SECURITY = 'Microsoft-Windows-Security-Auditing';
const AD_USER = 'Get-ADUser <user> -Properties Enabled, LockedOut, BadLogonCount, LastBadPasswordAttempt, PasswordLastSet, PasswordExpired, AccountExpirationDate, LogonHours, LogonWorkstations';
const LOCAL_USER = 'net user <user>';
const RDP_USERS = 'net localgroup "Remote Desktop Users"';
const RIGHTS_EXPORT = r`secedit /export /areas USER_RIGHTS /cfg C:\Windows\Temp\rights.inf; Select-String -Path C:\Windows\Temp\rights.inf -Pattern 'SeRemoteInteractiveLogonRight|SeDenyRemoteInteractiveLogonRight'`;
const GPRESULT = 'gpresult /h C:\\Windows\\Temp\\gpresult.html';
const NTLM_POLICY = r`reg query "HKLM\SYSTEM\CurrentControlSet\Control\Lsa\MSV1_0" /v RestrictReceivingNTLMTraffic`;
const LICENSING_POLICY = `reg query "${TS_POLICY}" /v LicenseServers & reg query "${TS_POLICY}" /v LicensingMode`;
const LICENSING_WMI = 'Get-CimInstance -Namespace root\\cimv2\\TerminalServices -ClassName Win32_TerminalServiceSetting | Format-List LicensingType, LicensingName, PossibleLicensingTypes';
const GRACE = 'Invoke-CimMethod -InputObject (Get-CimInstance -Namespace root\\cimv2\\TerminalServices -ClassName Win32_TerminalServiceSetting) -MethodName GetGracePeriodDays';
const SESSIONS = 'qwinsta /server:<host>';
const PROMPT_POLICY = `reg query "${TS_POLICY}" /v fPromptForPassword & reg query "${RDP_TCP}" /v fPromptForPassword`;
const LEGAL_NOTICE = r`reg query "HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System" /v LegalNoticeCaption`;
const TEST_ACCOUNT_NOTE = 'rdprobe made one attempt with the test account on this host and, after a rejection or a lockout, none on any other host of the scan (docs/auth.md).';

export const AUTH_ENTRIES: { [K in AuthFindingId]: Omit<CatalogEntry, 'id'> } = {
  logon_credentials_rejected: {
    severity: 'high',
    title: 'The server rejected the test account\'s credentials',
    summary:
      'During NLA the server refused the user name and password of the test account: Windows answers STATUS_LOGON_FAILURE for a wrong password and for an unknown user alike (one verdict: "credentials rejected"); servers without an error code (CredSSP version 2, FreeRDP) just close the connection after the NTLM AUTHENTICATE. If the same account works elsewhere, this host validates against another account database (a local account, another domain, a broken trust). ' +
      TEST_ACCOUNT_NOTE,
    trigger: 'auth.result = "credentials_rejected" (auth.status STATUS_LOGON_FAILURE, STATUS_WRONG_PASSWORD, STATUS_NO_SUCH_USER, or auth.failure.reason = "closed_after_authenticate")',
    scope: 'host',
    causes: [
      c('wrong_password', 'likely', 'The password given to rdprobe is not the account\'s current password (changed, mistyped, or read from the wrong file or variable).'),
      c('unknown_user', 'likely', 'The account does not exist where the server looks it up: a domain account given without its domain (user instead of DOMAIN\\user or user@domain), or a local account that exists on other hosts only.'),
      c('wrong_domain', 'possible', 'The domain part names a domain this server does not trust, or a NetBIOS domain name that resolves to another domain.'),
      c('trust_broken', 'possible', 'The server cannot validate domain accounts: its secure channel with the domain is broken (the domain controller sees no request at all).'),
    ],
    event_ids: [`${SECURITY} 4625`, `${SECURITY} 4776`, `${SECURITY} 4771`],
    checks: [AD_USER, LOCAL_USER, 'Test-ComputerSecureChannel -Verbose', 'nltest /sc_query:%USERDOMAIN%'],
    remediation: [
      'Read the Security 4625 event on the server: Status 0xC000006D with Sub Status 0xC000006A is a wrong password, 0xC0000064 an unknown user name.',
      'On the domain controller, 4776 (NTLM validation) shows the same error code; no event at all there means the server did not ask the domain (a local account, or a broken secure channel).',
      'Give rdprobe the account in the form the server expects (DOMAIN\\user or user@domain.fqdn) and its current password; reset the test account\'s password if it is unknown.',
      'Broken secure channel: Test-ComputerSecureChannel -Repair -Credential (Get-Credential).',
    ],
    references: ['[MS-CSSP] 2.2.1 TSRequest (errorCode)', '[MS-NLMP] 3.2.5.1.2 Server Receives an AUTHENTICATE_MESSAGE', 'Microsoft-Windows-Security-Auditing 4625 (Status and Sub Status)', 'Microsoft-Windows-Security-Auditing 4776'],
  },

  logon_account_state: {
    severity: 'high',
    title: 'The test account cannot log on: locked out, disabled, expired or its password must change',
    summary:
      'The server accepted the password but refused the logon because of the account\'s state, which it names in TSRequest.errorCode: locked out, disabled, expired, password expired, password must change at next logon, or restricted by logon hours, allowed workstations or another account restriction. A user in that state sees "the user account has been locked" or a password-change prompt that NLA cannot show. ' +
      TEST_ACCOUNT_NOTE,
    trigger: 'auth.result = "account_state" (auth.status STATUS_ACCOUNT_LOCKED_OUT, _DISABLED, _EXPIRED, STATUS_PASSWORD_EXPIRED, STATUS_PASSWORD_MUST_CHANGE, STATUS_ACCOUNT_RESTRICTION, STATUS_INVALID_LOGON_HOURS, STATUS_INVALID_WORKSTATION)',
    scope: 'host',
    causes: [
      c('locked_out', 'possible', 'The account is locked out after too many bad passwords (STATUS_ACCOUNT_LOCKED_OUT): rdprobe then made no further attempt in the scan.'),
      c('disabled', 'possible', 'The account is disabled (STATUS_ACCOUNT_DISABLED).'),
      c('expired', 'possible', 'The account has expired (STATUS_ACCOUNT_EXPIRED).'),
      c('password_expired', 'possible', 'The password has expired (STATUS_PASSWORD_EXPIRED).'),
      c('must_change', 'possible', '"User must change password at next logon" is set (STATUS_PASSWORD_MUST_CHANGE): NLA cannot change it, so the logon fails until it is changed elsewhere.'),
      c('restricted', 'possible', 'Logon hours, the list of allowed workstations, or another account restriction (a blank password over the network, Protected Users) forbids this logon (STATUS_INVALID_LOGON_HOURS, STATUS_INVALID_WORKSTATION, STATUS_ACCOUNT_RESTRICTION).'),
    ],
    event_ids: [`${SECURITY} 4625`, `${SECURITY} 4740`, `${SECURITY} 4776`],
    checks: [AD_USER, LOCAL_USER, 'Search-ADAccount -LockedOut | Format-Table Name, LastLogonDate'],
    remediation: [
      'Match the status in the evidence with the Sub Status of the server\'s Security 4625 event (0xC0000234 locked out, 0xC0000072 disabled, 0xC0000193 expired, 0xC0000071 password expired, 0xC0000224 must change, 0xC000006F logon hours, 0xC0000070 workstation).',
      'Locked out: find the source of the bad passwords in the domain controller\'s 4740 and 4776 events before unlocking (Unlock-ADAccount <user>).',
      'Disabled or expired: Enable-ADAccount <user>, Set-ADAccountExpiration <user> -DateTime <date> (or net user <user> /active:yes /expires:never for a local account).',
      'Password expired or must change: set a new password (Set-ADAccountPassword <user> -Reset) and clear "must change" (Set-ADUser <user> -ChangePasswordAtLogon $false).',
      'Restrictions: review the account\'s logon hours and "Log On To" workstations (LogonWorkstations must list the server\'s NetBIOS name).',
    ],
    references: ['[MS-CSSP] 2.2.1 TSRequest (errorCode)', 'Microsoft-Windows-Security-Auditing 4625 (Status and Sub Status)', 'Microsoft-Windows-Security-Auditing 4740'],
  },

  logon_right_missing: {
    severity: 'high',
    title: 'The test account may not log on to this server remotely',
    summary:
      'The credentials are right, but the account lacks the right to log on through Remote Desktop Services on this server. With PROTOCOL_HYBRID_EX the server says so in the Early User Authorization Result PDU (AUTHZ_ACCESS_DENIED) right after NLA; otherwise in TSRequest.errorCode (STATUS_LOGON_TYPE_NOT_GRANTED). Users see "the connection was denied because the user account is not authorized for remote login". A scanner that only checks credentials reports such an account as valid.',
    trigger: 'auth.result = "logon_right_missing" (auth.early_user_authz = "AUTHZ_ACCESS_DENIED", or auth.status STATUS_LOGON_TYPE_NOT_GRANTED)',
    scope: 'host',
    causes: [
      c('not_in_group', 'likely', 'The account (or a group it belongs to) is not a member of the server\'s Remote Desktop Users (or Administrators) group.'),
      c('user_right', 'likely', 'A Group Policy sets "Allow log on through Remote Desktop Services" (SeRemoteInteractiveLogonRight) without the account\'s groups.'),
      c('deny_right', 'possible', '"Deny log on through Remote Desktop Services" (SeDenyRemoteInteractiveLogonRight) names the account or one of its groups; deny wins over allow.'),
    ],
    event_ids: [`${SECURITY} 4625`],
    checks: [RDP_USERS, RIGHTS_EXPORT, GPRESULT, 'Get-ADPrincipalGroupMembership <user> | Format-Table Name'],
    remediation: [
      'Add the users (a group of them) to Remote Desktop Users on the server: Add-LocalGroupMember -Group "Remote Desktop Users" -Member DOMAIN\\<group>.',
      'If a GPO sets "Allow log on through Remote Desktop Services", add the group there (Computer Configuration > Windows Settings > Security Settings > Local Policies > User Rights Assignment); check "Deny log on through Remote Desktop Services" too, then gpupdate /force.',
      'The Security 4625 event of the refusal carries Status 0xC000015B (the logon type was not granted).',
    ],
    references: [
      '[MS-RDPBCGR] 2.2.10.2 Early User Authorization Result PDU',
      'Microsoft Learn: Allow log on through Remote Desktop Services',
      'Group Policy: Computer Configuration > Windows Settings > Security Settings > Local Policies > User Rights Assignment > "Allow log on through Remote Desktop Services"',
      'Microsoft-Windows-Security-Auditing 4625 (Status and Sub Status)',
    ],
  },

  logon_ntlm_refused: {
    severity: 'low',
    title: 'The server refuses NTLM for NLA',
    summary:
      'The server would not authenticate with NTLM: it answered the NTLM NEGOTIATE with STATUS_NOT_SUPPORTED or without an NTLM CHALLENGE. This is usually deliberate hardening (NTLM restricted by policy): clients then need Kerberos, which works only by name (not by IP address) with a domain controller in reach. rdprobe speaks NTLM only, so it could not test the credentials here; this is not a verdict on them.',
    trigger: 'auth.result = "ntlm_refused"',
    scope: 'host',
    causes: [
      c('restrict_ntlm', 'likely', '"Network security: Restrict NTLM: Incoming NTLM traffic" is set to deny (RestrictReceivingNTLMTraffic), on the server or for the domain.'),
      c('protected_users', 'possible', 'The account is a member of Protected Users, for which NTLM is refused (the refusal then comes from the domain controller).'),
      c('not_windows', 'possible', 'A CredSSP implementation without NTLM (Kerberos only).'),
    ],
    event_ids: ['Microsoft-Windows-NTLM 4002', `${SECURITY} 4625`],
    checks: [NTLM_POLICY, GPRESULT, 'Get-ADGroupMember "Protected Users" | Format-Table Name'],
    remediation: [
      'If NTLM is restricted on purpose, keep it so: users must connect by the server\'s DNS name so that Kerberos is used; test logons with a Kerberos-capable client instead of rdprobe.',
      'If it is not on purpose, set "Network security: Restrict NTLM: Incoming NTLM traffic" back to Allow all (Computer Configuration > Windows Settings > Security Settings > Local Policies > Security Options).',
    ],
    references: ['[MS-CSSP] 3.1.5 Processing Events and Sequencing Rules', 'Microsoft Learn: Network security: Restrict NTLM: Incoming NTLM traffic', 'Microsoft-Windows-NTLM 4002'],
  },

  licensing_failed: {
    severity: 'high',
    title: 'Remote Desktop licensing refused the session',
    summary:
      'After the Client Info PDU the server\'s licensing step failed: it sent a licensing error (such as ERR_NO_LICENSE_SERVER with a total abort) or ended the connection with an ERRINFO_LICENSE_* reason. A Remote Desktop Session Host needs a license server and client access licenses once its grace period is over; old clients showed this as "Because of a security error, the client could not connect". Administrators can still connect with mstsc /admin, which does not need a license.',
    trigger: 'auth.logon.result = "licensing_failed" (auth.logon.licensing.error_code other than STATUS_VALID_CLIENT, or auth.logon.error_info ERRINFO_LICENSE_*)',
    scope: 'host',
    causes: [
      c('no_license_server', 'likely', 'No Remote Desktop license server is configured or reachable from the session host (ERR_NO_LICENSE_SERVER, ERRINFO_LICENSE_NO_LICENSE_SERVER).'),
      c('no_cals', 'possible', 'The license server has no client access licenses of the configured mode left, or the licensing mode (per user / per device) does not match the licenses installed (ERRINFO_LICENSE_NO_LICENSE).'),
      c('grace_expired', 'possible', 'The grace period of the session host has ended and licensing was never completed.'),
      c('client_license', 'possible', 'The client\'s stored license is damaged or does not match (ERRINFO_LICENSE_BAD_CLIENT_LICENSE): delete the MSLicensing key on that client.'),
    ],
    event_ids: ['Microsoft-Windows-TerminalServices-RemoteConnectionManager 1028', 'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1069'],
    checks: [LICENSING_WMI, LICENSING_POLICY, GRACE, 'lsdiag.msc'],
    remediation: [
      'Set the licensing mode and the license server (GPO: Computer Configuration > Administrative Templates > Windows Components > Remote Desktop Services > Remote Desktop Session Host > Licensing: "Use the specified Remote Desktop license servers" and "Set the Remote Desktop licensing mode"), then check with the RD Licensing Diagnoser (lsdiag.msc).',
      'Install and activate client access licenses of that mode on the license server; make sure the session host can reach it (RPC).',
      'A server that only needs two administrators at a time does not need the Session Host role: remove it, and connect with mstsc /admin meanwhile.',
    ],
    references: [
      '[MS-RDPBCGR] 2.2.1.12 Server License Error PDU - Valid Client; 2.2.5.1.1 Set Error Info PDU (ERRINFO_LICENSE_*)',
      'Microsoft Learn: License your RDS deployment with client access licenses (CALs)',
      'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1028',
    ],
  },

  logon_ended_by_server: {
    severity: 'high',
    title: 'The server ended the session during the logon, and said why',
    summary:
      'After authentication the server ended the connection before the logon completed, and gave its reason in a Set Error Info PDU (the ERRINFO code in the evidence, with what it means). This is the case users report as "Your Remote Desktop Services session has ended" right after typing their password: the client shows only that, the ERRINFO says why.',
    trigger: 'auth.logon.result = "ended_by_server" (auth.logon.error_info set, not a licensing code)',
    scope: 'host',
    causes: [
      c('logon_right', 'possible', 'The account lacks the right to log on through Remote Desktop Services, checked late (ERRINFO_SERVER_INSUFFICIENT_PRIVILEGES).'),
      c('connection_limit', 'possible', 'The server allows no more sessions ("Limit number of connections", the two administrative sessions in use, or a single session per user) (ERRINFO_SERVER_DENIED_CONNECTION, ERRINFO_DISCONNECTED_BY_OTHERCONNECTION).'),
      c('session_ended', 'possible', 'The session started and ended at once: the shell or a logon script exited, the user profile could not be loaded, or a policy logs the session off (ERRINFO_LOGOFF_BY_USER, ERRINFO_RPC_INITIATED_LOGOFF).'),
      c('fresh_credentials', 'possible', 'The server requires the password to be typed at its own logon screen ("Always prompt for password") and refuses delegated credentials (ERRINFO_SERVER_FRESH_CREDENTIALS_REQUIRED).'),
      c('server_fault', 'possible', 'A server component failed or is going away: a Winlogon, CSRSS or DWM crash, out of memory, a shutdown or reboot in progress (ERRINFO_SERVER_WINLOGON_CRASH, ERRINFO_SERVER_SHUTDOWN, ...).'),
    ],
    event_ids: [`${LSM} 21`, `${LSM} 24`, `${LSM} 40`, `${SECURITY} 4624`, 'Microsoft-Windows-User Profiles Service 1500', 'Microsoft-Windows-User Profiles Service 1511'],
    checks: [SESSIONS, RDP_USERS, `reg query "${TS_POLICY}" /v MaxInstanceCount & reg query "${TS_POLICY}" /v fSingleSessionPerUser`, PROMPT_POLICY, GPRESULT],
    remediation: [
      'Look up the ERRINFO name in the evidence ([MS-RDPBCGR] 2.2.5.1.1 lists them all), then read the LocalSessionManager events of the same minute: 21 (logon), 24 (disconnected), 40 (the disconnect reason code).',
      'Insufficient privileges: add the users to Remote Desktop Users or the "Allow log on through Remote Desktop Services" right (see rdprobe explain logon_right_missing).',
      'Connection limits: log off stale sessions (qwinsta, logoff <id> /server:<host>), or raise "Limit number of connections".',
      'Logoff right after logon: check the user profile events (User Profiles Service 1500/1511), logon scripts and the shell (Winlogon\\Shell, an RemoteApp-only policy).',
    ],
    references: [
      '[MS-RDPBCGR] 2.2.5.1.1 Set Error Info PDU Data (TS_SET_ERROR_INFO_PDU)',
      `${LSM} 40`,
      'Group Policy: Windows Components > Remote Desktop Services > Remote Desktop Session Host > Connections > "Limit number of connections"',
    ],
  },

  logon_incomplete: {
    severity: 'medium',
    title: 'The logon did not complete, and the server gave no reason',
    summary:
      'After authentication the connection sequence went as far as the phase in the evidence, but no logon notification came: the server waited (until rdprobe\'s logon timeout), closed without a Set Error Info reason, broke the protocol, or reconnected an existing session of the account (rdprobe then leaves at once). A server that waits is typically showing a screen that needs a person: the logon screen ("Always prompt for password"), a legal notice, or a password-change dialog.',
    trigger: 'auth.logon.result = "timed_out", "incomplete" or "reconnected_existing"',
    scope: 'host',
    causes: [
      c('interactive_screen', 'likely', 'The server shows a screen that waits for input: "Always prompt for password upon connection" (fPromptForPassword), an interactive logon legal notice, or a password-change dialog.'),
      c('slow_logon', 'possible', 'The logon takes longer than rdprobe\'s --logon-timeout (profile creation, slow group policy or logon scripts): scan again with a longer timeout.'),
      c('existing_session', 'possible', 'The test account already had a session on the server, and the server reconnected it (or offered to); rdprobe does not take sessions over. Log that session off.'),
      c('dropped', 'possible', 'The server (or a device in the path) dropped the connection without a reason: look for TermDD and LocalSessionManager events of the same minute.'),
      c('not_windows', 'possible', 'The server is not Windows (FreeRDP, xrdp) and sends no logon notification at all.'),
    ],
    event_ids: [`${LSM} 21`, `${LSM} 24`, `${LSM} 25`, 'Microsoft-Windows-TerminalServices-RemoteConnectionManager 1149', `${SECURITY} 4624`],
    checks: [PROMPT_POLICY, LEGAL_NOTICE, SESSIONS],
    remediation: [
      'If the server prompts for the password on purpose, the logon test cannot pass there; otherwise turn "Always prompt for password upon connection" off (GPO: Remote Desktop Session Host > Security).',
      'A legal notice blocks every automated logon: keep the test out of such servers, or accept that the test ends at the notice.',
      'For a slow logon, scan again with a longer --logon-timeout, and look at the group policy and profile load times of the LocalSessionManager 21 event.',
      'For an existing session: log it off (logoff <id> /server:<host>) and set the test account\'s sessions to end when disconnected (docs/auth.md).',
    ],
    references: ['[MS-RDPBCGR] 1.3.1.1 Connection Sequence; 2.2.10.1 Save Session Info PDU', 'Group Policy: Windows Components > Remote Desktop Services > Remote Desktop Session Host > Security > "Always prompt for password upon connection"'],
  },
};
