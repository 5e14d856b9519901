/**
 * The Windows events the catalog points administrators at: where each one is logged and what it says, so that
 * `rdprobe explain` can print a wevtutil query that works as written. A finding names events as "Source ID".
 */

export interface EventInfo {
  /** Provider name exactly as it appears in the event XML (what wevtutil's XPath matches). */
  provider: string;
  /** The log (channel) the event is written to. */
  log: string;
  id: number;
  meaning: string;
}

const RCM = 'Microsoft-Windows-TerminalServices-RemoteConnectionManager';
const LSM = 'Microsoft-Windows-TerminalServices-LocalSessionManager';
const SECURITY = 'Microsoft-Windows-Security-Auditing';

function ev(provider: string, log: string, id: number, meaning: string): [string, EventInfo] {
  return [`${provider} ${id}`, { provider, log, id, meaning }];
}

export const EVENTS: ReadonlyMap<string, EventInfo> = new Map([
  ev(RCM, 'System', 1006, 'many incomplete connections were received (aggressive scanning, or clients dropping mid-handshake)'),
  ev(RCM, 'System', 1050, 'the security layer setting and the encryption level do not fit together'),
  ev(RCM, 'System', 1051, 'the certificate configured for RDP cannot be used (see the event text: missing, invalid or key-less)'),
  ev(RCM, 'System', 1052, 'the RDP certificate is about to expire'),
  ev(RCM, 'System', 1053, 'no suitable certificate could be found or created for RDP TLS'),
  ev(RCM, 'System', 1055, 'a problem with the certificate configured for RDP (see the event text)'),
  ev(RCM, 'System', 1057, 'the self-signed RDP certificate could not be created ("Keyset does not exist")'),
  ev(RCM, 'System', 1058, 'the self-signed RDP certificate could not be created or renewed ("Access is denied" / "object already exists")'),
  ev(RCM, 'System', 1059, 'a problem with the certificate configured for RDP (see the event text)'),
  ev(RCM, 'System', 1062, 'a problem with the certificate configured for RDP (see the event text)'),
  ev('Schannel', 'System', 36870, 'the TLS server credential private key could not be accessed (often 0x8009030D, internal error state 10001)'),
  ev('Schannel', 'System', 36871, 'a TLS server credential could not be created (internal error state 10013: the allowed protocol versions leave nothing usable)'),
  ev('Schannel', 'System', 36872, 'no usable TLS server certificate / private key was found'),
  ev('Schannel', 'System', 36874, 'a client offered only cipher suites (or a protocol version) the server does not allow'),
  ev('Schannel', 'System', 36888, 'the server sent a fatal TLS alert (the alert number and internal state are in the text)'),
  ev('TermDD', 'System', 50, 'the RDP protocol component saw a protocol or security error in the data stream (encryption level mismatch, broken client)'),
  ev('TermDD', 'System', 56, 'the RDP protocol component dropped a connection after a protocol error (also left by scanners)'),
  ev('Microsoft-Windows-TerminalServices-SessionBroker', 'Microsoft-Windows-TerminalServices-SessionBroker/Operational', 2056,
    'the Connection Broker could not log on to its database'),
  ev('Microsoft-Windows-TerminalServices-SessionBroker-Client', 'Microsoft-Windows-TerminalServices-SessionBroker-Client/Operational', 1296,
    'the Connection Broker is not ready for RPC communication'),
  ev(SECURITY, 'Security', 4625, 'an account failed to log on (the status and sub-status codes say why)'),
  ev(SECURITY, 'Security', 4624, 'an account logged on (logon type 10: Remote Desktop; type 3: the network logon of NLA)'),
  ev(SECURITY, 'Security', 4740, 'an account was locked out (on a domain controller; Caller Computer Name is where the bad passwords came from)'),
  ev(SECURITY, 'Security', 4776, 'the domain controller validated NTLM credentials (the error code says why they failed)'),
  ev(SECURITY, 'Security', 4771, 'Kerberos pre-authentication failed (on a domain controller; for clients that use Kerberos)'),
  ev(RCM, 'Microsoft-Windows-TerminalServices-RemoteConnectionManager/Operational', 1149, 'network (NLA) authentication of a Remote Desktop user succeeded'),
  ev(RCM, 'System', 1028, 'a remote session could not be established because its license could not be renewed'),
  ev(RCM, 'System', 1069, 'the licensing grace period has expired and no licensing mode is configured'),
  ev(LSM, `${LSM}/Operational`, 21, 'a session logon succeeded'),
  ev(LSM, `${LSM}/Operational`, 24, 'a session was disconnected'),
  ev(LSM, `${LSM}/Operational`, 25, 'a session reconnection succeeded (an existing session was taken over)'),
  ev(LSM, `${LSM}/Operational`, 40, 'a session was disconnected, with the reason code'),
  ev('Microsoft-Windows-NTLM', 'Microsoft-Windows-NTLM/Operational', 4002, 'incoming NTLM traffic was blocked by the "Restrict NTLM" policy'),
  ev('Microsoft-Windows-User Profiles Service', 'Application', 1500, 'the user profile could not be loaded: the logon was refused'),
  ev('Microsoft-Windows-User Profiles Service', 'Application', 1511, 'the user was logged on with a temporary profile'),
  ev('NETLOGON', 'System', 3210, 'the computer could not authenticate with a domain controller (broken secure channel)'),
  ev('NETLOGON', 'System', 5719, 'no domain controller was available to set up a secure session'),
  ev('NetBT', 'System', 4319, 'a duplicate NetBIOS name was detected on the network'),
  ev('Microsoft-Windows-Security-Kerberos', 'System', 4, 'KRB_AP_ERR_MODIFIED: a Kerberos ticket was for another machine (duplicate SPN, cloned or renamed host, stale DNS)'),
  ev('Microsoft-Windows-Kerberos-Key-Distribution-Center', 'System', 11, 'the KDC found the same SPN on several accounts (on a domain controller)'),
  ev('Microsoft-Windows-Time-Service', 'System', 36, 'the time service has not synchronized the clock for a long time'),
  ev('Service Control Manager', 'System', 7036, 'a service entered the running or stopped state (look for Remote Desktop Services)'),
]);

/** How far back the printed queries look: seven days, in milliseconds. */
const LOOKBACK_MS = 7 * 24 * 3600 * 1000;

/** A wevtutil command that prints the five most recent occurrences of the event over the last week. */
export function wevtutilQuery(e: EventInfo): string {
  const xpath = `*[System[Provider[@Name='${e.provider}'] and (EventID=${e.id}) and TimeCreated[timediff(@SystemTime) <= ${LOOKBACK_MS}]]]`;
  const log = /\s/.test(e.log) ? `"${e.log}"` : e.log;
  return `wevtutil qe ${log} /rd:true /c:5 /f:text /q:"${xpath}"`;
}
