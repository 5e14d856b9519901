/**
 * csv: a header row and one row per host with the main facts flattened; the full detail lives in json/ndjson.
 * RFC 4180 (CRLF line ends, quoted cells where needed) with a UTF-8 byte order mark first: Excel on Windows
 * reads a BOM-less .csv in the ANSI code page and would garble non-ASCII certificate names; LibreOffice,
 * Python's csv module (encoding='utf-8-sig'), PowerShell's Import-Csv and pandas all accept the BOM.
 * Booleans are true/false, and an empty cell means "not measured" (null in the record), never "no".
 * Every cell goes through forCsvCell (formula-injection guard; see there for why numbers stay numeric).
 */
import { PROTOCOL_KEYS, TLS_VERSION_KEYS, type CipherSuiteEntry, type ProbeRecord } from '../record.js';
import { CIPHER_STRENGTHS, compareStrength } from '../analysis/cipher-strength.js';
import { maxSeverity, writeChunk } from './common.js';
import { forCsvCell, type CsvValue } from './escape.js';
import type { OutputSink, SinkOptions } from './types.js';

export const CSV_BOM = '\ufeff';

type Column = readonly [name: string, value: (r: ProbeRecord) => CsvValue];

export const CSV_COLUMNS: readonly Column[] = [
  ['target', (r) => r.target],
  ['host', (r) => r.host],
  ['address', (r) => r.address],
  ['port', (r) => r.port],
  ['status', (r) => r.status],
  ['failure_stage', (r) => r.failure?.stage],
  ['failure_reason', (r) => r.failure?.reason],
  ...PROTOCOL_KEYS.map((k): Column => [k, (r) => r.protocols?.[k].supported]),
  ['nla_required', (r) => r.nla_required],
  ...TLS_VERSION_KEYS.map((v): Column => [v, (r) => r.tls?.versions[v]]),
  ['tls_cipher', (r) => r.tls?.cipher],
  // The deep mode's suites, in columns a spreadsheet filters on: the weakest accepted suite and counts by strength.
  ['weakest_suite', (r) => weakest(r)?.name],
  ['weakest_suite_strength', (r) => weakest(r)?.strength],
  ...CIPHER_STRENGTHS.map((g): Column => [`suites_${g}`, (r) => (r.tls?.cipher_suites ? suites(r).filter((s) => s.strength === g).length : null)]),
  ['tls_server_preference', (r) => r.tls?.server_preference],
  ['tls_dh_bits', (r) => r.tls?.dh_bits],
  ['tls_secure_renegotiation', (r) => r.tls?.secure_renegotiation],
  ['cert_subject_cn', (r) => r.certificate?.subject_cn],
  ['cert_issuer', (r) => r.certificate?.issuer],
  ['cert_not_after', (r) => r.certificate?.not_after],
  ['cert_days_remaining', (r) => r.certificate?.days_remaining],
  ['cert_self_signed', (r) => r.certificate?.self_signed],
  ['cert_key_bits', (r) => r.certificate?.key_bits],
  ['cert_sha1', (r) => r.certificate?.sha1_fingerprint],
  ['cert_trusted', (r) => r.certificate?.trusted],
  ['cert_trust_error', (r) => r.certificate?.trust_error],
  ['credssp_version', (r) => r.credssp?.version],
  ['ntlm_netbios_computer', (r) => r.credssp?.ntlm?.netbios_computer],
  ['ntlm_dns_computer', (r) => r.credssp?.ntlm?.dns_computer],
  ['ntlm_dns_domain', (r) => r.credssp?.ntlm?.dns_domain],
  ['os_version', (r) => r.credssp?.ntlm?.os_version],
  ['clock_skew_seconds', (r) => r.credssp?.ntlm?.clock_skew_seconds],
  ['rdp_encryption_level', (r) => r.rdp_security?.encryption_level],
  ['rdp_encryption_methods', (r) => r.rdp_security?.encryption_methods.join(';')],
  ['rdp_server_version', (r) => r.rdp_security?.server_version],
  ['rdp_udp', (r) => (r.rdp_udp ? r.rdp_udp.answered && r.rdp_udp.syn_ack !== null : null)],
  ['rdp_udp_version', (r) => r.rdp_udp?.version],
  ['auth_result', (r) => r.auth?.result],
  ['auth_reason', (r) => r.auth?.status?.name ?? r.auth?.early_user_authz ?? r.auth?.failure?.reason],
  ['logon_result', (r) => r.auth?.logon?.result],
  ['logon_reached', (r) => r.auth?.logon?.reached],
  ['logon_error_info', (r) => r.auth?.logon?.error_info?.name],
  // --clients: the profiles that connect / are locked out (';'-separated ids); empty when none was simulated.
  ['clients_connect', (r) => clientIds(r, true)],
  ['clients_locked_out', (r) => clientIds(r, false)],
  ['findings', (r) => r.findings.map((f) => f.id).join(' ')],
  ['max_severity', (r) => maxSeverity(r.findings)],
];

function suites(r: ProbeRecord): CipherSuiteEntry[] {
  return Object.values(r.tls?.cipher_suites ?? {}).flatMap((l) => l ?? []);
}

/** The weakest accepted suite (insecure first), null without the deep mode's list. */
function weakest(r: ProbeRecord): CipherSuiteEntry | null {
  return suites(r).reduce<CipherSuiteEntry | null>((w, s) => (w === null || compareStrength(s.strength, w.strength) < 0 ? s : w), null);
}

/** The long form (--csv-rows suites): one row per host, version and accepted suite, for pivot tables. */
const SUITE_COLUMNS = ['target', 'host', 'port', 'version', 'order', 'suite_id', 'suite', 'openssl_name', 'kex', 'auth', 'cipher', 'bits', 'pfs', 'strength', 'server_preference'] as const;

function suiteRows(r: ProbeRecord): string {
  let out = '';
  for (const v of TLS_VERSION_KEYS) {
    (r.tls?.cipher_suites?.[v] ?? []).forEach((s, i) => {
      const cells: CsvValue[] = [r.target, r.host, r.port, v, i + 1, s.id, s.name, s.openssl_name, s.kex, s.auth, s.cipher, s.bits, s.pfs, s.strength, r.tls?.server_preference ?? null];
      out += `${cells.map(forCsvCell).join(',')}\r\n`;
    });
  }
  return out;
}

function clientIds(r: ProbeRecord, connects: boolean): string | null {
  const clients = r.clients ?? null;
  return clients === null ? null : Object.entries(clients).filter(([, v]) => v.connects === connects).map(([id]) => id).join(';');
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.map(([name]) => forCsvCell(name)).join(',')}\r\n`;
}

export function csvRow(r: ProbeRecord): string {
  return `${CSV_COLUMNS.map(([, value]) => forCsvCell(value(r))).join(',')}\r\n`;
}

export function createCsvSink(stream: NodeJS.WritableStream, opts: SinkOptions = {}): OutputSink {
  const long = opts.csvRows === 'suites';
  return {
    begin() {
      return writeChunk(stream, CSV_BOM + (long ? `${SUITE_COLUMNS.map(forCsvCell).join(',')}\r\n` : csvHeader()));
    },
    record(r: ProbeRecord) {
      const text = long ? suiteRows(r) : csvRow(r);
      return text === '' ? undefined : writeChunk(stream, text);
    },
    end() {},
  };
}
