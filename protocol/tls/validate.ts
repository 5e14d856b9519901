import { clientExtensionId, EXT_KEY_SHARE, EXT_RENEGOTIATION_INFO, EXT_SUPPORTED_GROUPS } from './extensions.js';
import { offeredVersions, type ClientHelloSpec } from './client-hello.js';
import type { ServerHello } from './server-hello.js';
import { cipherSuiteInfo, TLS_EMPTY_RENEGOTIATION_INFO_SCSV } from './suites.js';
import { protocolVersionKey, TLS13_VERSION } from './versions.js';

/**
 * A ServerHello may only choose from what the ClientHello offered. A server that picks something else has
 * not accepted anything: it broke the protocol, and a client aborts (the alert each rule names). These are the
 * typed reasons; an empty list means the ServerHello is a valid answer to the hello.
 */
export type ServerHelloProblem =
  /** RFC 8446 4.2.1 (illegal_parameter) / RFC 5246 7.4.1.3, E.1: the version is not one the client offered. */
  | { reason: 'version_not_offered'; version: number; offered: number[] }
  /** RFC 5246 7.4.1.3 / RFC 8446 4.1.3 (illegal_parameter): cipher_suite not in ClientHello.cipher_suites. */
  | { reason: 'suite_not_offered'; suite: number }
  /** RFC 5746 3.3, RFC 7507 2: a signalling value is never a suite. */
  | { reason: 'scsv_selected'; suite: number }
  /** RFC 8446 4.1.3 / RFC 5246 (the suite's own RFC): the suite cannot be used with the chosen version. */
  | { reason: 'suite_not_allowed_in_version'; suite: number; version: number }
  /** RFC 5246 7.4.1.3: compression_method not in ClientHello.compression_methods. */
  | { reason: 'compression_not_offered'; method: number }
  /** RFC 5246 7.4.1.4 / RFC 8446 4.2 (unsupported_extension): an extension the client did not send. */
  | { reason: 'extension_not_offered'; extension: number }
  /** RFC 8446 4.2.8 (illegal_parameter): key_share group the client sent no share for / did not list. */
  | { reason: 'group_not_offered'; group: number };

export function validateServerHello(client: ClientHelloSpec, sh: ServerHello): ServerHelloProblem[] {
  const problems: ServerHelloProblem[] = [];
  const offered = offeredVersions(client);
  const usedSupportedVersions = sh.parsed.supportedVersion !== null;
  // Without supported_versions a server must pick a version <= client_version (RFC 5246 E.1); 0x0304 is never a
  // legacy version.
  const versionOk = usedSupportedVersions ? offered.includes(sh.version) : sh.version < TLS13_VERSION && offered.includes(sh.version);
  if (!versionOk) problems.push({ reason: 'version_not_offered', version: sh.version, offered });

  const suite = sh.cipherSuite;
  const info = cipherSuiteInfo(suite);
  if (info?.scsv) problems.push({ reason: 'scsv_selected', suite });
  else if (!client.cipherSuites.includes(suite)) problems.push({ reason: 'suite_not_offered', suite });
  const key = protocolVersionKey(sh.version);
  if (!sh.helloRetryRequest || sh.version === TLS13_VERSION) {
    if (info && !info.scsv && key !== null && !info.versions.includes(key)) problems.push({ reason: 'suite_not_allowed_in_version', suite, version: sh.version });
  }
  if (!client.compressionMethods.includes(sh.compressionMethod)) problems.push({ reason: 'compression_not_offered', method: sh.compressionMethod });

  const sent = new Set((client.extensions ?? []).map(clientExtensionId));
  for (const x of sh.extensions ?? []) {
    // RFC 5746 3.6: a client that sent TLS_EMPTY_RENEGOTIATION_INFO_SCSV instead of the extension accepts it back.
    if (x.type === EXT_RENEGOTIATION_INFO && client.cipherSuites.includes(TLS_EMPTY_RENEGOTIATION_INFO_SCSV)) continue;
    if (!sent.has(x.type)) problems.push({ reason: 'extension_not_offered', extension: x.type });
  }

  const shares = client.extensions?.find((e) => clientExtensionId(e) === EXT_KEY_SHARE);
  const groups = client.extensions?.find((e) => clientExtensionId(e) === EXT_SUPPORTED_GROUPS);
  const shareGroups = shares?.type === 'key_share' ? shares.shares.map((s) => s.group) : [];
  const listed = groups?.type === 'supported_groups' ? groups.groups : [];
  if (sh.parsed.keyShare !== null && !shareGroups.includes(sh.parsed.keyShare.group)) problems.push({ reason: 'group_not_offered', group: sh.parsed.keyShare.group });
  // RFC 8446 4.2.8: an HRR must name a group the client listed and did not already send a share for.
  if (sh.parsed.selectedGroup !== null && (!listed.includes(sh.parsed.selectedGroup) || shareGroups.includes(sh.parsed.selectedGroup))) {
    problems.push({ reason: 'group_not_offered', group: sh.parsed.selectedGroup });
  }
  return problems;
}
