/**
 * Exact, copy-pasteable commands and remediation steps that several catalog entries share (host findings and
 * policy findings alike), so one fix is written once.
 */
import type { CatalogCause } from './types.js';

export const r = String.raw;

// --- Commands shared by several entries (exact, copy-pasteable). ---
export const RDP_TCP = r`HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server\WinStations\RDP-Tcp`;
export const TS_KEY = r`HKLM\SYSTEM\CurrentControlSet\Control\Terminal Server`;
export const TS_POLICY = r`HKLM\SOFTWARE\Policies\Microsoft\Windows NT\Terminal Services`;
export const SCHANNEL_PROTOCOLS = r`HKLM\SYSTEM\CurrentControlSet\Control\SecurityProviders\SCHANNEL\Protocols`;
export const MACHINE_KEYS = r`C:\ProgramData\Microsoft\Crypto\RSA\MachineKeys`;
export const CREDSSP_POLICY = r`HKLM\SOFTWARE\Microsoft\Windows\CurrentVersion\Policies\System\CredSSP\Parameters`;

const rdpTcp = (value: string): string => `reg query "${RDP_TCP}" /v ${value}`;
export const QUERY_SECURITY_LAYER = rdpTcp('SecurityLayer');
export const QUERY_USER_AUTH = rdpTcp('UserAuthentication');
export const QUERY_MIN_ENCRYPTION = rdpTcp('MinEncryptionLevel');
export const QUERY_CERT_HASH = rdpTcp('SSLCertificateSHA1Hash');
export const QUERY_PORT = rdpTcp('PortNumber');
export const QUERY_POLICY = `reg query "${TS_POLICY}"`;
export const QUERY_DENY = `reg query "${TS_KEY}" /v fDenyTSConnections`;
export const QUERY_SCHANNEL = `reg query "${SCHANNEL_PROTOCOLS}" /s`;
export const QUERY_CIPHER_SUITES = 'Get-TlsCipherSuite | Format-Table Name';
export const QUERY_LISTENER_SETTINGS =
  `Get-CimInstance -Namespace root\\cimv2\\TerminalServices -ClassName Win32_TSGeneralSetting -Filter "TerminalName='RDP-Tcp'"` +
  ' | Format-List SecurityLayer, UserAuthenticationRequired, MinEncryptionLevel, SSLCertificateSHA1Hash';
export const LIST_RDP_CERTS = r`Get-ChildItem 'Cert:\LocalMachine\Remote Desktop' | Format-List Subject, Thumbprint, NotBefore, NotAfter, HasPrivateKey`;
export const LIST_MY_CERTS = r`Get-ChildItem Cert:\LocalMachine\My | Format-List Subject, DnsNameList, Thumbprint, NotAfter, HasPrivateKey`;
export const SHOW_MACHINE_KEYS_ACL = `icacls ${MACHINE_KEYS}`;
export const QWINSTA = 'qwinsta';
export const NETSTAT_PORT = 'netstat -ano | findstr :3389';
export const SERVICES = 'Get-Service TermService, SessionEnv | Format-Table Name, Status, StartType';
export const FIREWALL_RULES = 'Get-NetFirewallRule -DisplayGroup "Remote Desktop" | Format-Table DisplayName, Enabled, Profile, Direction, Action';
export const TEST_PORT = 'Test-NetConnection -ComputerName <host> -Port 3389';
export const W32TM_STATUS = 'w32tm /query /status';
export const QUERY_ORACLE = `reg query "${CREDSSP_POLICY}" /v AllowEncryptionOracle`;
export const OS_VERSION = 'Get-CimInstance Win32_OperatingSystem | Format-List Caption, Version, BuildNumber';
export const UDP_POLICY_QUERY = `reg query "${TS_POLICY}" /v SelectTransport`;
export const UDP_POLICY_SET = `reg add "${TS_POLICY}" /v SelectTransport /t REG_DWORD /d 1 /f`;
export const UDP_LISTENER = 'Get-NetUDPEndpoint -LocalPort 3389 | Format-Table LocalAddress, LocalPort, OwningProcess';
export const COMPUTER_NAME = 'Get-CimInstance Win32_ComputerSystem | Format-List Name, DNSHostName, Domain';

// --- Remediation steps shared by the certificate / private key entries. ---
export const RESET_MACHINE_KEYS = [
  `Save the current permissions first: icacls ${MACHINE_KEYS} /save C:\\Windows\\Temp\\machinekeys.acl /t /c (to undo: icacls C:\\ProgramData\\Microsoft\\Crypto\\RSA /restore C:\\Windows\\Temp\\machinekeys.acl).`,
  `Take ownership for the Administrators group: takeown /f "${MACHINE_KEYS}" /a /r /d y`,
  `Give back the default access: icacls ${MACHINE_KEYS} /t /c /grant "NT AUTHORITY\\SYSTEM:(F)" "NT AUTHORITY\\NETWORK SERVICE:(R)" "BUILTIN\\Administrators:(F)"`,
  'Restart Remote Desktop Services (this ends current sessions): Restart-Service TermService -Force',
];
export const REGENERATE_SELF_SIGNED = [
  `If the host uses the self-signed certificate, delete it and let Windows create a new one: Get-ChildItem 'Cert:\\LocalMachine\\Remote Desktop' | Remove-Item, then Restart-Service SessionEnv -Force`,
];
export const FIX_CERT_BINDING = [
  `If a CA-issued certificate is configured, compare the thumbprint rdprobe saw with ${QUERY_CERT_HASH}; point the value at a valid certificate that has its private key, or delete the value to fall back to the self-signed certificate: reg delete "${RDP_TCP}" /v SSLCertificateSHA1Hash /f, then Restart-Service TermService -Force`,
];


/** One ranked cause of a catalog entry. */
export function c(id: string, certainty: CatalogCause['certainty'], text: string): CatalogCause {
  return { id, certainty, text };
}
