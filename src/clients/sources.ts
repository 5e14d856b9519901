// Sources cited by more than one client profile. Titles are the ones an administrator can look up; the text says
// what the source states, in our words. Sources used by one profile only live in that profile's file.

import type { Source } from './profile.js';

const LEARN = 'https://learn.microsoft.com/windows/win32/secauthn';

export const SCHANNEL_PROTOCOLS: Source = {
  kind: 'documentation',
  text:
    '"Protocols in TLS/SSL (Schannel SSP)" (Microsoft Learn): Windows 7 / Server 2008 R2 have TLS 1.0 enabled and ' +
    'TLS 1.1 and 1.2 disabled by default for clients; Windows 8 / 8.1 / 10 and Server 2012-2019 enable TLS 1.0, 1.1 ' +
    'and 1.2; Windows 11 and Server 2022/2025 add TLS 1.3. TLS 1.0/1.1 are off by default only in Windows 11 ' +
    'Insider builds from 2024 on, not in released versions.',
  url: `${LEARN}/protocols-in-tls-ssl--schannel-ssp-`,
};

/** The ClientHello of an OS-default Schannel client is the OS's documented list; nothing says mstsc changes it. */
export const MSTSC_USES_SCHANNEL_DEFAULTS: Source = {
  kind: 'inference',
  text:
    'No Microsoft document states which TLS versions and suites mstsc offers; it uses Schannel, and the two captured ' +
    'Windows clients (captures/windows-client-win7-schannel.json, windows-client-win10-schannel.json) offer exactly ' +
    'the documented default list of their release, so the profile takes the release default. Likely, not certain: ' +
    'a cipher-suite-order GPO or SCHANNEL registry change on the client changes it.',
};

/**
 * The documented default suite list of a Windows release as the mstsc ClientHello's list. `corroborated`: a
 * recorded Windows client of that release offered the documented list, so the fact is documentation; otherwise
 * it rests on MSTSC_USES_SCHANNEL_DEFAULTS and is an inference.
 */
export function schannelSuitesDoc(title: string, page: string, note: string, corroborated: boolean): Source {
  const text =
    `"${title}" (Microsoft Learn): the suites enabled by default, in priority order, mapped to IANA ids ` +
    `(src/clients/schannel-defaults.ts); only those valid in the offered TLS versions go into a ClientHello.${note}`;
  return corroborated
    ? { kind: 'documentation', text, url: `${LEARN}/${page}` }
    : { kind: 'inference', text: `${text} ${MSTSC_USES_SCHANNEL_DEFAULTS.text}`, url: `${LEARN}/${page}` };
}

export const CURVES_WIN10_1607: Source = {
  kind: 'documentation',
  text:
    '"TLS Elliptic Curves in Windows 10 version 1607 and later" (Microsoft Learn): curve25519, NistP256, NistP384 ' +
    'are enabled by default in this order (x25519 0x001d, secp256r1 0x0017, secp384r1 0x0018).',
  url: `${LEARN}/tls-elliptic-curves-in-windows-10-1607-and-later`,
};

export const CREDSSP_CVE_2018_0886: Source = {
  kind: 'documentation',
  text:
    '"CredSSP updates for CVE-2018-0886" (KB4093492): the March 2018 update fixes CredSSP on Windows 7 SP1 / 2008 R2 ' +
    'and later; from the May 2018 update the Encryption Oracle Remediation policy defaults to Mitigated, under which ' +
    'an updated client refuses to connect to a server that lacks the update ("This could be due to CredSSP ' +
    'encryption oracle remediation").',
  url: 'https://support.microsoft.com/help/4093492',
};

export const TSREQUEST_VERSION_PATCHED: Source = {
  kind: 'inference',
  text:
    '[MS-CSSP] 2.2.1 TSRequest: versions 5 and 6 add clientNonce (the CVE-2018-0886 fix). No document lists the ' +
    'version each Windows client sends; patched Windows peers are seen answering 6 (FreeRDP issues #4488, #4502), ' +
    'so an updated Windows client likely sends 6.',
};

export const RDP_FILE_SETTINGS_AUTH_LEVEL: Source = {
  kind: 'inference',
  text:
    '"Supported Remote Desktop RDP file settings" (Microsoft Learn): "authentication level" 2 = if server ' +
    'authentication fails, show a warning and let the user connect or refuse; 1 = do not connect; 0 = connect ' +
    'without warning. That mstsc applies "warn" to an untrusted, expired or mismatched certificate by default is ' +
    'the common experience (its certificate warning dialog), not a documented default: likely.',
  url: 'https://learn.microsoft.com/windows-server/remote/remote-desktop-services/clients/rdp-files',
};

export const MSTSC_NLA_FALLBACK: Source = {
  kind: 'inference',
  text:
    '"Supported Remote Desktop RDP file settings": enablecredsspsupport defaults to 1 ("use CredSSP if the ' +
    'operating system supports it"), i.e. CredSSP is used when offered, not required; mstsc connects to a server ' +
    'that selects TLS without NLA unless NLA is enforced on the client side. Not stated outright: likely.',
  url: 'https://learn.microsoft.com/windows-server/remote/remote-desktop-services/clients/rdp-files',
};

export const MSTSC_STANDARD_SECURITY: Source = {
  kind: 'inference',
  text:
    'mstsc 6.0 offers encryptionMethods 0x1b (40BIT|128BIT|56BIT|FIPS) in its CS_SECURITY block ' +
    '(captures/windows-client-mstsc-6.0.json, connection 1, message 2) and falls back to Standard RDP Security when ' +
    'the server refuses TLS (the same capture: SSL refused, then a new connection asking for RDP). That later mstsc ' +
    'releases still do both is not documented: likely.',
};
