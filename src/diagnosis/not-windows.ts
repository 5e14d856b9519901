/**
 * Answers that give away a server which is not Windows although it announces a Windows version (FreeRDP-based
 * servers put a fixed 6.1.7601 in their NTLM VERSION). Each tell was checked on both sides: seen on the lab's
 * FreeRDP 2.11 / xrdp 0.9.21 servers, and not what Windows answers (the specification Windows implements, and
 * public captures of Windows servers answering the same request).
 */
import type { Certainty, ProbeRecord } from '../record.js';

export interface NotWindowsTell {
  /** What was seen, in the record's own terms, and why Windows would not answer so. */
  evidence: string;
  /** The implementation it points at, when one does. */
  looksLike: 'FreeRDP' | 'xrdp' | null;
  certainty: Certainty;
}

const has = (flags: readonly string[], name: string): boolean => flags.includes(name);

/**
 * The NTLM CHALLENGE echoes the client's flags. rdprobe sends mstsc's NEGOTIATE flags (0xE20882B7), which ask for
 * both OEM and UNICODE and both LM_KEY and EXTENDED_SESSIONSECURITY. A Windows server picks one of each
 * ([MS-NLMP] 2.2.2.5: EXTENDED_SESSIONSECURITY "alone MUST be returned"; 3.2.5.1.1: UNICODE when asked, else OEM)
 * and names the kind of TargetName it sends (TARGET_TYPE_SERVER or _DOMAIN). Windows Server 2008 (6.0.6002)
 * answered these very flags with 0xE28A8235; Windows 7 SP1, 2012 R2, 10.0.17763 and 10.0.26100 challenges
 * seen elsewhere carry TARGET_TYPE_SERVER too. FreeRDP 2.11 answers 0xE28882B7: all three rules broken.
 */
function ntlmFlagsTell(record: ProbeRecord): NotWindowsTell | null {
  const ntlm = record.credssp?.ntlm;
  const flags = ntlm?.negotiate_flags ?? [];
  if (!ntlm || flags.length === 0) return null;
  const broken: string[] = [];
  if (has(flags, 'NTLMSSP_NEGOTIATE_UNICODE') && has(flags, 'NTLM_NEGOTIATE_OEM')) broken.push('NTLM_NEGOTIATE_OEM with NTLMSSP_NEGOTIATE_UNICODE');
  if (has(flags, 'NTLMSSP_NEGOTIATE_LM_KEY') && has(flags, 'NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY')) {
    broken.push('NTLMSSP_NEGOTIATE_LM_KEY with NTLMSSP_NEGOTIATE_EXTENDED_SESSIONSECURITY');
  }
  if (ntlm.target_name !== null && has(flags, 'NTLMSSP_REQUEST_TARGET') && !has(flags, 'NTLMSSP_TARGET_TYPE_SERVER') && !has(flags, 'NTLMSSP_TARGET_TYPE_DOMAIN')) {
    broken.push('a TargetName without NTLMSSP_TARGET_TYPE_SERVER or _DOMAIN');
  }
  if (broken.length === 0) return null;
  return {
    evidence: `credssp.ntlm.negotiate_flags: ${broken.join('; ')}: the CHALLENGE echoes the client's flags, which a Windows server does not do ([MS-NLMP] 2.2.2.5, 3.2.5.1.1)`,
    looksLike: 'FreeRDP',
    certainty: 'likely',
  };
}

/** Schannel has TLS 1.3 only from Windows 11 / Windows Server 2022 (Microsoft Learn, "Protocols in TLS/SSL
 * (Schannel SSP)"): a server announcing Windows 8.1 / 2012 R2 or older that completes TLS 1.3 is something else,
 * or sits behind something else that ends TLS. The lab's FreeRDP announces 6.1.7601 and accepts TLS 1.3. */
function tls13Tell(record: ProbeRecord): NotWindowsTell | null {
  const version = record.credssp?.ntlm?.os_version ?? null;
  const major = version ? Number(version.split('.')[0]) : NaN;
  if (record.tls?.versions['tls1.3'] !== true || !(major < 10)) return null;
  return {
    evidence: `tls.versions["tls1.3"] = true with credssp.ntlm.os_version = ${JSON.stringify(version)}: Windows before Windows 11 / Server 2022 has no TLS 1.3`,
    looksLike: null,
    certainty: 'likely',
  };
}

/** xrdp answers a request for PROTOCOL_RDSAAD alone with an MCS Disconnect Provider Ultimatum instead of a
 * Connection Confirm (seen on every lab xrdp); [MS-RDPBCGR] 3.3.5.3.1 has a server answer a Connection Request
 * with a Connection Confirm carrying RDP_NEG_RSP or RDP_NEG_FAILURE, as the Windows captures do. */
function rdsaadUltimatumTell(record: ProbeRecord): NotWindowsTell | null {
  const p = record.protocols?.rdsaad;
  // Schema 2 names the answer (`mcs_disconnect`); schema 1 files said it in the detail of a negotiation_failure.
  const v1 = p?.response === 'negotiation_failure' && p.failure_code === null && /Disconnect Provider Ultimatum/i.test(p.detail ?? '');
  if (!p || !(p.response === 'mcs_disconnect' || v1)) return null;
  return {
    evidence: 'protocols.rdsaad: an MCS Disconnect Provider Ultimatum instead of a Connection Confirm, as xrdp answers ([MS-RDPBCGR] 3.3.5.3.1 expects RDP_NEG_RSP or RDP_NEG_FAILURE)',
    looksLike: 'xrdp',
    certainty: 'likely',
  };
}

/** Every tell this record shows, strongest first (empty when it answers like Windows, or nothing was measured). */
export function notWindowsTells(record: ProbeRecord): NotWindowsTell[] {
  return [ntlmFlagsTell(record), tls13Tell(record), rdsaadUltimatumTell(record)].filter((t): t is NotWindowsTell => t !== null);
}

/** "FreeRDP", "xrdp", or a neutral phrase when the tells name no implementation (or disagree). */
export function looksLikeName(tells: readonly NotWindowsTell[]): string {
  const names = [...new Set(tells.map((t) => t.looksLike).filter((n): n is 'FreeRDP' | 'xrdp' => n !== null))];
  return names.length === 1 ? names[0]! : 'a non-Windows RDP server';
}
